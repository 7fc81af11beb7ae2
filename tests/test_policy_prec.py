"""Precision of contradictions (issue 17, session 7), on claims and sentences of our own:
a contradiction only when subject, metric key with its qualifiers, period and modality all
match with confidence; each mechanism demotes (or keeps apart) what is weaker, next to what
it must leave a contradiction."""

from __future__ import annotations

from typing import Any

import pytest

from pipeline.check import checks
from pipeline.check.policy import NAME
from pipeline.models import Claim
from tests.conftest import disagreement_kinds, make_claim
from tests.test_frames import claim_at, frames_of


@pytest.fixture(scope="module")
def pipeline_nlp(rules: Any) -> Any:
    from pipeline.extract.process import load_pipeline

    return load_pipeline(rules)


def _frame(text: str, figure: str, rules: Any, nlp: Any) -> Claim:
    return claim_at(frames_of(text, rules=rules, nlp=nlp), text, figure)


def _findings(claims: list[Claim], rules: Any) -> list[Any]:
    return [f for f in checks.run_checks(claims, rules=rules)
            if f.check == NAME and f.kind in ("contradiction", "divergence")]



# --- counts that name only what they count ---------------------------------------------------


def _count(registry: Any, value: float, doc: str, *, period: str | None = None,
           how: str | None = None, key: str = "country") -> Claim:
    c = make_claim(registry, value, unit=key, metric="unknown", metric_key=key,
                   subject="Velmar Republic", doc=doc, text=f"{value:g} {key}s",
                   period_key=period)
    return c.model_copy(update={"period_how": how})


def test_bare_counts_far_apart_are_a_divergence(rules: Any, registry: Any) -> None:
    """"the two countries" vs "more than 75 countries" of one subject: a count keyed by its
    counted noun alone says what it counts, not which set; far apart, most likely two sets."""
    found = _findings([_count(registry, 2, "a"), _count(registry, 75, "b")], rules)
    assert [f.kind for f in found] == ["divergence"]
    assert "name no measure" in found[0].explanation


def test_bare_counts_close_or_of_one_written_period_still_contradict(
        rules: Any, registry: Any) -> None:
    """171 vs 174 passengers (a digit wrong) stays a contradiction, and so do 11 vs 203 seats
    when both reports write the one period they are about."""
    assert disagreement_kinds([_count(registry, 171, "a", key="passenger"),
                               _count(registry, 174, "b", key="passenger")],
                              rules) == ["contradiction"]
    seats = [_count(registry, 11, "a", period="2019", how="written", key="seat"),
             _count(registry, 203, "b", period="2019", how="written", key="seat")]
    assert disagreement_kinds(seats, rules) == ["contradiction"]


def test_a_named_measure_far_apart_still_contradicts(rules: Any, registry: Any) -> None:
    a = make_claim(registry, 2e9, doc="a", subject="Velmar Motors")
    b = make_claim(registry, 9e9, doc="b", subject="Velmar Motors")
    assert disagreement_kinds([a, b], rules) == ["contradiction"]


# --- estimates named on the measure or marked after the figure -------------------------------


@pytest.mark.model
@pytest.mark.parametrize(("text", "figure"), [
    ("The expected revenue was $41.2 billion, but Velmar Motors reported less.",
     "$41.2 billion"),
    ("Velmar Motors posted revenue of $40.1 billion vs. $41.2 billion (est.) on Tuesday.",
     "$41.2 billion"),
    ("Velmar Motors earned $1.42 a share against $1.50 (consensus).", "$1.50"),
], ids=["expected-revenue", "est-mark", "consensus-mark"])
def test_an_estimate_named_on_the_measure_or_marked_is_a_projection(
        text: str, figure: str, rules: Any, pipeline_nlp: Any) -> None:
    assert _frame(text, figure, rules, pipeline_nlp).modality == "projection"


@pytest.mark.model
@pytest.mark.parametrize(("text", "figure"), [
    ("Velmar Motors reported better-than-expected revenue of $41.2 billion.",
     "$41.2 billion"),
    ("Velmar Motors posted revenue of $40.1 billion (up 3%) on Tuesday.", "$40.1 billion"),
], ids=["better-than-expected", "another-parenthesis"])
def test_a_figure_judged_against_an_estimate_is_a_fact(text: str, figure: str, rules: Any,
                                                       pipeline_nlp: Any) -> None:
    assert _frame(text, figure, rules, pipeline_nlp).modality != "projection"


# --- rates scaled to a year ------------------------------------------------------------------


@pytest.mark.model
@pytest.mark.parametrize(("text", "figure"), [
    ("Velmar Motors reached an annualized run rate of nearly 3 million scooters in the "
     "second quarter.", "nearly 3 million scooters"),
    ("Cloud sales at Velmar Soft hit a run rate of $12 billion.", "$12 billion"),
], ids=["annualized-run-rate", "run-rate"])
def test_a_rate_scaled_to_a_year_is_qualified_annualized(text: str, figure: str, rules: Any,
                                                         pipeline_nlp: Any) -> None:
    assert "annualized" in _frame(text, figure, rules, pipeline_nlp).qualifiers


@pytest.mark.model
def test_a_quarters_actual_count_is_not_annualized(rules: Any, pipeline_nlp: Any) -> None:
    text = ("In the second quarter Velmar Motors built about 740,000 scooters, an annualized "
            "run rate of nearly 3 million.")
    assert "annualized" not in _frame(text, "about 740,000 scooters", rules,
                                      pipeline_nlp).qualifiers


# --- an amount after a revision ---------------------------------------------------------------


@pytest.mark.model
@pytest.mark.parametrize(("text", "figure", "revised"), [
    ("Tarvik Foods was fined $210 million in 2019, a penalty later reduced to $95 million on "
     "appeal.", "$95 million", True),
    ("An appeal court slashed that fine to just $95 million.", "$95 million", True),
    ("Tarvik Foods was fined $210 million in 2019, a penalty later reduced to $95 million on "
     "appeal.", "$210 million", False),
    ("Tarvik Foods said revenue rose to $4.1 billion.", "$4.1 billion", False),
], ids=["reduced-to", "slashed-to", "the-amount-before", "rose-to-is-a-level"])
def test_an_amount_revised_to_is_qualified_revised(text: str, figure: str, revised: bool,
                                                   rules: Any, pipeline_nlp: Any) -> None:
    assert ("revised" in _frame(text, figure, rules, pipeline_nlp).qualifiers) is revised


def _fine(registry: Any, value: float, doc: str, qualifiers: tuple[str, ...] = ()) -> Claim:
    c = make_claim(registry, value, unit="USD", metric="fine", metric_key="fine",
                   subject="Tarvik Foods", doc=doc, text=f"${value / 1e6:g} million")
    return c.model_copy(update={"qualifiers": qualifiers})


def test_a_revised_amount_against_another_is_a_divergence(rules: Any, registry: Any) -> None:
    """$95 million "reduced to on appeal" against a $210 million fine: before and after a
    revision, or two fines; never a contradiction. Two revised amounts that differ still
    contradict."""
    found = _findings([_fine(registry, 95e6, "a", ("revised",)), _fine(registry, 210e6, "b")],
                      rules)
    assert [f.kind for f in found] == ["divergence"]
    assert "after a revision" in found[0].explanation
    assert disagreement_kinds([_fine(registry, 95e6, "a", ("revised",)),
                               _fine(registry, 120e6, "b", ("revised",))],
                              rules) == ["contradiction"]


# --- one of a kind -----------------------------------------------------------------------------


@pytest.mark.model
@pytest.mark.parametrize(("text", "figure", "instance"), [
    ("Oren Falk kicked a 41-yard field goal late in the third quarter.", "41-yard", True),
    ("The Tarvik Star, a giant 720-foot cargo ship, ran aground.", "720-foot", False),
    ("The 720-foot ship ran aground on Friday.", "720-foot", False),
    ("A 6.3-magnitude earthquake struck the region on Monday.", "6.3-magnitude", True),
    ("The 7.8-magnitude earthquake destroyed thousands of buildings.", "7.8-magnitude",
     False),
], ids=["an-indefinite-instance", "a-names-description", "a-definite-thing",
        "an-indefinite-quake", "the-quake"])
def test_a_figure_of_an_indefinite_thing_is_one_of_its_kind(
        text: str, figure: str, instance: bool, rules: Any, pipeline_nlp: Any) -> None:
    claim = _frame(text, figure, rules, pipeline_nlp)
    assert claim.metric_key is not None
    assert ("one of its kind" in claim.qualifiers) is instance


def _kick(registry: Any, value: float, doc: str, qualifiers: tuple[str, ...]) -> Claim:
    c = make_claim(registry, value, unit="yard", metric="unknown", metric_key="length",
                   subject="Oren Falk", doc=doc, text=f"{value:g}-yard")
    return c.model_copy(update={"qualifiers": qualifiers})


def test_sizes_of_one_of_a_kind_are_a_divergence(rules: Any, registry: Any) -> None:
    found = _findings([_kick(registry, 27, "a", ("goal", "one of its kind")),
                       _kick(registry, 55, "b", ("goal", "one of its kind"))], rules)
    assert [f.kind for f in found] == ["divergence"]
    assert "one of a kind" in found[0].explanation
    assert disagreement_kinds([_kick(registry, 27, "a", ("goal",)),
                               _kick(registry, 55, "b", ("goal",))], rules) == ["contradiction"]


# --- what may be, and counts that keep changing ------------------------------------------------


@pytest.mark.model
@pytest.mark.parametrize(("text", "figure", "modality"), [
    ("Velmar Might Have Sold Up To 90,000 Headsets Over Launch Weekend", "Up To 90,000",
     "projection"),
    ("Velmar could reach $2 billion in sales this year, analysts said.", "$2 billion",
     "projection"),
    ("Velmar sold 90,000 headsets over the launch weekend.", "90,000 headsets", "asserted"),
    ("Velmar sold 90,000 headsets in May.", "90,000 headsets", "asserted"),
], ids=["might-have", "could", "a-fact", "the-month-may"])
def test_a_modal_of_possibility_makes_a_projection(text: str, figure: str, modality: str,
                                                   rules: Any, pipeline_nlp: Any) -> None:
    assert _frame(text, figure, rules, pipeline_nlp).modality == modality


def test_counts_of_bodies_are_a_running_tally(rules: Any, registry: Any) -> None:
    """36 bodies recovered in the morning, 68 by the evening: a tally that moves, so a
    divergence with that reason."""
    a = _count(registry, 36, "a", key="body")
    b = _count(registry, 68, "b", key="body")
    found = _findings([a, b], rules)
    assert [f.kind for f in found] == ["divergence"]
    assert "running tally" in found[0].explanation


# --- earlier things, and changes over a month ------------------------------------------------


@pytest.mark.model
@pytest.mark.parametrize(("text", "figure", "earlier"), [
    ("Tarvik Foods paid a previous fine of $210 million in 2019.", "$210 million", True),
    ("Norvale rejected a prior offer of $40 a share.", "$40 a share", True),
    ("Tarvik Foods was fined $95 million on Monday.", "$95 million", False),
    ("Revenue rose to $4.1 billion from the previous quarter.", "$4.1 billion", False),
], ids=["a-previous-fine", "a-prior-offer", "the-current-fine", "a-previous-period"])
def test_a_measure_of_an_earlier_thing_is_qualified_earlier(
        text: str, figure: str, earlier: bool, rules: Any, pipeline_nlp: Any) -> None:
    assert ("earlier" in _frame(text, figure, rules, pipeline_nlp).qualifiers) is earlier


@pytest.mark.model
def test_a_change_from_the_previous_month_is_month_over_month(rules: Any,
                                                               pipeline_nlp: Any) -> None:
    text = "Velmar's consumer prices rose 0.4% from the previous month in June."
    assert "month over month" in _frame(text, "0.4%", rules, pipeline_nlp).qualifiers


# --- a market level's move as a reading -------------------------------------------------------


@pytest.mark.model
@pytest.mark.parametrize(("text", "figure", "intraday"), [
    ("The Velmar Industrial Average was up 4.2 percent, or nearly 1,900 points.", "4.2 percent",
     True),
    ("The Velmar Industrial Average was up 4.2 percent, or nearly 1,900 points.",
     "nearly 1,900 points", True),
    ("The Velmar Industrial Average closed up 4.8%, its best day in years.", "4.8%", False),
    ("The Velmar Industrial Average jumped 4.8% on Wednesday.", "4.8%", False),
], ids=["was-up-percent", "was-up-points", "closed-up", "jumped"])
def test_a_level_move_stated_as_where_it_stands_is_intraday(
        text: str, figure: str, intraday: bool, rules: Any, pipeline_nlp: Any) -> None:
    claim = _frame(text, figure, rules, pipeline_nlp)
    assert claim.metric_key is not None
    assert ("intraday" in claim.qualifiers) is intraday


# --- a figure cut short -----------------------------------------------------------------------


def _gain(registry: Any, value: float, doc: str, text: str) -> Claim:
    return make_claim(registry, value, unit="percent", metric="growth",
                      metric_key="level change", subject="Velmar Industrial Average", doc=doc,
                      text=text)


def test_a_figure_cut_short_and_one_rounded_are_one_value(rules: Any, registry: Any) -> None:
    """7.87% written "7.8%" (cut short) by one report and "7.9%" (rounded) by another: with
    the precise figure among the reports, one value; without it, still a disagreement; a
    figure further off still contradicts."""
    cut, rounded = _gain(registry, 7.8, "a", "7.8%"), _gain(registry, 7.9, "b", "7.9%")
    precise = _gain(registry, 7.87, "c", "7.87%")
    assert disagreement_kinds([cut, rounded, precise], rules) == []
    assert disagreement_kinds([cut, rounded], rules) == ["contradiction"]
    assert disagreement_kinds([_gain(registry, 6.3, "a", "6.3%"), rounded, precise],
                              rules) == ["contradiction"]


def test_a_figure_cut_short_against_the_precise_one_alone_still_disagrees(
        rules: Any, registry: Any) -> None:
    """"13%" against one report's "13.8%": a changed number, not a cut one, unless another
    report rounds the same value to as many digits."""
    short, precise = _gain(registry, 13, "a", "13%"), _gain(registry, 13.8, "b", "13.8%")
    assert disagreement_kinds([short, precise], rules) == ["contradiction"]
