"""Frames of counts that change hands and of figures of a part (issue 17, session 6), on
sentences of our own: a count with a change word, a written sign or a counterparty is a
change of the count, never its level; a place or area after "in" narrows a figure; an amount
sought is not one paid; a section headed by an earlier time is not the article's present;
pronouns after a new indefinite subject; parts of a count read from its sentence. Each
mechanism next to what it must leave alone."""

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


# --- changes of a count ----------------------------------------------------------------------


@pytest.mark.model
@pytest.mark.parametrize(("text", "figure", "direction"), [
    ("The Greens lost 14 seats, leaving them with 88.", "14 seats", "down"),
    ("The Reds gained nine seats on Friday.", "nine seats", "up"),
    ("Streamly added 4.2 million subscribers in the quarter.", "4.2 million subscribers",
     "up"),
    ("Streamly reported an addition of 4.2 million subscribers.", "4.2 million subscribers",
     "up"),
    ("The Blues suffered the loss of 31 seats to the Reds.", "31 seats", "down"),
    ("The Reds won 240 seats, a net change of +38.", "+38", "up"),
    ("The Blues had 97 seats, a net change of -12.", "-12", "down"),
    ("The party took 16 seats from the Blue Alliance.", "16 seats", "up"),
], ids=["lost", "gained", "added", "an-addition-of", "loss-of-to", "plus-sign", "minus-sign",
        "took-from-a-party"])
def test_a_count_with_a_change_is_a_change_of_the_count(
        text: str, figure: str, direction: str, rules: Any, pipeline_nlp: Any) -> None:
    claim = _frame(text, figure, rules, pipeline_nlp)
    assert claim.metric_key is not None and claim.metric_key.endswith(" change"), \
        claim.metric_key
    assert claim.quantity.direction == direction


@pytest.mark.model
@pytest.mark.parametrize(("text", "figure"), [
    ("The Greens won 240 seats on Thursday.", "240 seats"),
    ("The Reds' seat count rose to 88 seats.", "88 seats"),
    ("Streamly now has 61.4 million paid subscribers.", "61.4 million paid subscribers"),
    ("Velora Air carried 212 passengers from Dublin to Madrid.", "212 passengers"),
], ids=["won", "rose-to", "has", "from-a-place-is-no-party"])
def test_a_count_without_a_change_is_the_level(text: str, figure: str, rules: Any,
                                               pipeline_nlp: Any) -> None:
    claim = _frame(text, figure, rules, pipeline_nlp)
    assert claim.metric_key is not None and not claim.metric_key.endswith(" change"), \
        claim.metric_key


@pytest.mark.model
def test_a_counterparty_is_not_the_owner_of_a_count(rules: Any, pipeline_nlp: Any) -> None:
    text = "The Blue Alliance suffered the loss of 31 seats to the Red Party."
    assert _frame(text, "31 seats", rules, pipeline_nlp).subject == "Blue Alliance"


@pytest.mark.model
def test_n_more_is_a_difference_with_no_key(rules: Any, pipeline_nlp: Any) -> None:
    text = "The Reds have 290 seats and need 36 more for a majority."
    assert _frame(text, "36", rules, pipeline_nlp).metric_key is None
    assert _frame(text, "290 seats", rules, pipeline_nlp).metric_key == "seat"


@pytest.mark.model
def test_surpassing_a_figure_makes_a_lower_bound(rules: Any, pipeline_nlp: Any) -> None:
    text = "The Reds clinched a majority on Friday, surpassing 300 seats."
    assert _frame(text, "300 seats", rules, pipeline_nlp).quantity.bound == "at_least"
    text = "The Reds won 300 seats on Friday."
    assert _frame(text, "300 seats", rules, pipeline_nlp).quantity.bound == "exact"


# --- areas -----------------------------------------------------------------------------------


@pytest.mark.model
@pytest.mark.parametrize(("text", "figure", "area"), [
    ("The Greens lost 12 seats in Harwick on Friday.", "12 seats", "in harwick"),
    ("Streamly had 2.9 million subscribers in the Asia-Pacific region.",
     "2.9 million subscribers", "in asia pacific region"),
    ("Orlin Pharma's revenue in Brazil fell to $900 million.", "$900 million", "in brazil"),
], ids=["a-place", "an-area-noun", "the-measure's-own-place"])
def test_a_place_after_in_is_an_area_qualifier(text: str, figure: str, area: str,
                                               rules: Any, pipeline_nlp: Any) -> None:
    assert area in _frame(text, figure, rules, pipeline_nlp).qualifiers


@pytest.mark.model
@pytest.mark.parametrize("text", [
    "Northwind runs about 4,200 trucks across the region.",
    "Northwind runs about 4,200 trucks in the region.",
], ids=["across-spans-the-whole", "an-area-noun-that-says-no-which"])
def test_an_area_that_names_no_part_is_no_qualifier(text: str, rules: Any,
                                                    pipeline_nlp: Any) -> None:
    assert not any(q.split()[0] in ("in", "across") for q in
                   _frame(text, "about 4,200 trucks", rules, pipeline_nlp).qualifiers)


@pytest.mark.model
def test_a_place_that_owns_the_figure_is_no_area(rules: Any, pipeline_nlp: Any) -> None:
    text = "Orlin Pharma's revenue fell to $900 million in the third quarter."
    assert not any(q.startswith("in ") for q in
                   _frame(text, "$900 million", rules, pipeline_nlp).qualifiers)


# --- amounts sought ---------------------------------------------------------------------------


@pytest.mark.model
@pytest.mark.parametrize(("text", "figure"), [
    ("Norvale sued Tarris and sought $1.6 billion in damages.", "$1.6 billion"),
    ("The deal was half of the $1.6 billion sought by Norvale.", "$1.6 billion"),
    ("The payout is less than half the $1.6bn that Norvale was suing for.", "$1.6bn"),
    ("Norvale had asked for $1.6 billion in damages.", "$1.6 billion"),
], ids=["sought", "sought-by", "suing-for", "asked-for"])
def test_an_amount_sought_is_qualified_sought(text: str, figure: str, rules: Any,
                                              pipeline_nlp: Any) -> None:
    assert "sought" in _frame(text, figure, rules, pipeline_nlp).qualifiers


@pytest.mark.model
def test_an_amount_paid_is_not_sought(rules: Any, pipeline_nlp: Any) -> None:
    text = "Tarris agreed to pay Norvale $787.5 million to settle the suit."
    assert "sought" not in _frame(text, "$787.5 million", rules, pipeline_nlp).qualifiers


# --- sections of an earlier time, dated events -----------------------------------------------


@pytest.mark.model
def test_a_section_headed_by_an_earlier_time_takes_its_year(rules: Any,
                                                            pipeline_nlp: Any) -> None:
    text = ("The Reds won 400 seats on Thursday.\n\nPrevious election results\n\nIn 2019, the "
            "Blues won a majority.\n\nThe Reds had 203 seats.\n\nThe count today\n\nThe "
            "Greens won 12 seats.")
    claims = frames_of(text, rules=rules, nlp=pipeline_nlp)
    assert claim_at(claims, text, "203 seats").period_key == "2019"
    assert claim_at(claims, text, "400 seats").period_key is None
    assert claim_at(claims, text, "12 seats").period_key is None  # the next section's


@pytest.mark.model
def test_a_section_of_an_earlier_time_without_a_year_is_unplaced(rules: Any,
                                                                 pipeline_nlp: Any) -> None:
    text = "The Reds won 400 seats on Thursday.\n\nLast time\n\nThe Reds had 203 seats."
    claim = claim_at(frames_of(text, rules=rules, nlp=pipeline_nlp), text, "203 seats")
    assert (claim.period_key, claim.period_how) == (None, "unplaced")


@pytest.mark.model
def test_a_base_with_its_own_date_is_that_dates_level(rules: Any, pipeline_nlp: Any) -> None:
    text = "The Reds' surge from just 11 seats in the 2019 election to 61 shows discontent."
    claim = _frame(text, "11 seats", rules, pipeline_nlp)
    assert (claim.metric_key, claim.period_key, claim.base) == ("seat", "2019", False)
    text = "Orlin Pharma's revenue rose to $5 billion in 2023 from $4 billion."
    assert _frame(text, "$4 billion", rules, pipeline_nlp).base  # the sentence's date


# --- pronouns and parts ----------------------------------------------------------------------


@pytest.mark.model
def test_a_pronoun_after_an_indefinite_subject_is_not_an_earlier_name(
        rules: Any, pipeline_nlp: Any) -> None:
    text = ("The Velora Express derailed near Tarn, and ten of its coaches left the track. "
            "Later another train from Oslo dashed into them, which led to the derailment of "
            "its 3-4 coaches.")
    claims = frames_of(text, rules=rules, nlp=pipeline_nlp)
    assert claim_at(claims, text, "3-4 coaches").subject is None
    assert claim_at(claims, text, "ten").subject == "Velora Express"


@pytest.mark.model
@pytest.mark.parametrize(("text", "figure", "part"), [
    ("Out of the 275, 88 bodies, according to the official, have been identified.",
     "88 bodies", "part"),
    ("Fifty homes were destroyed in the storm.", "Fifty homes", "destroyed"),
    ("78 bodies have been handed over till Sunday morning.", "78 bodies", "handed over"),
], ids=["out-of-the-n", "destroyed", "handed-over"])
def test_parts_of_a_count_read_from_the_sentence(text: str, figure: str, part: str,
                                                 rules: Any, pipeline_nlp: Any) -> None:
    assert part in _frame(text, figure, rules, pipeline_nlp).qualifiers


@pytest.mark.model
def test_a_count_only_reported_is_not_a_part(rules: Any, pipeline_nlp: Any) -> None:
    text = "More than 19 million valid claims were submitted by the deadline."
    assert _frame(text, "More than 19 million valid claims", rules,
                  pipeline_nlp).qualifiers == ()


# --- policy ----------------------------------------------------------------------------------



def _seats(registry: Any, value: float, doc: str, *, period: str | None = None,
           key: str = "seat") -> Claim:
    c = make_claim(registry, value, unit="seat", metric="unknown", metric_key=key,
                   subject="Red Party", doc=doc, period_key=period)
    return c.model_copy(update={"period_how": "written" if period else None})


def test_a_zero_against_a_figure_is_a_divergence(rules: Any, registry: Any) -> None:
    claims = [_seats(registry, 0, "d1"), _seats(registry, 240, "d2")]
    findings = [f for f in checks.run_checks(claims, rules=rules) if f.check == NAME
                and f.kind in ("contradiction", "divergence")]
    assert [f.kind for f in findings] == ["divergence"]
    assert "zero" in findings[0].explanation


def test_changes_without_a_base_never_contradict(rules: Any, registry: Any) -> None:
    claims = [_seats(registry, 210, "d1", key="seat change"),
              _seats(registry, 211, "d2", key="seat change")]
    assert "contradiction" not in disagreement_kinds(claims, rules)


def test_the_consensus_of_another_period_does_not_weaken_a_disagreement(
        rules: Any, registry: Any) -> None:
    # three reports give this year's 240; two give 2019's figure as 11 and 203
    claims = [_seats(registry, 240, f"n{i}") for i in range(3)]
    claims += [_seats(registry, 11, "o1", period="2019"),
               _seats(registry, 203, "o2", period="2019")]
    found = [f for f in checks.run_checks(claims, rules=rules) if f.check == NAME
             and f.kind == "contradiction"]
    assert len(found) == 1  # 11 vs 203 in 2019 (each against 240 is a divergence)
    assert set(found[0].claims) == {claims[3].id, claims[4].id}


# --- a change noun as the subject: its figure is the change ------------------------------------


@pytest.mark.model
@pytest.mark.parametrize(("text", "figure", "key"), [
    ("Globex's sales growth slowed to 2% in the quarter.", "2%", "revenue change"),
    ("Initech's revenue growth was 7% last year.", "7%", "revenue change"),
    ("Globex's revenue was $4 billion last year.", "$4 billion", "revenue"),
    ("The expansion of the Globex plant has lifted its output, using over 9,000 robots.",
     "over 9,000 robots", None),
], ids=["slowed-to", "copula", "a-level-stays", "a-clause-after-a-change-noun"])
def test_a_change_noun_as_subject_makes_its_figure_a_change(
        text: str, figure: str, key: str | None, rules: Any, pipeline_nlp: Any) -> None:
    claim = _frame(text, figure, rules, pipeline_nlp)
    if key is None:
        assert not (claim.metric_key or "").endswith(" change"), claim.metric_key
    else:
        assert claim.metric_key == key  # sales = revenue (rules/metrics.yaml synonyms)
