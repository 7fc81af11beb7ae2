"""Session 11 (recall13): disagreements lost between two matching frames, tested on
sentences and hand-built claims of our own: value clusters joined through a wide figure that
only fits both sides, an open bound taken for a value other articles give, two
disagreements over the same two values, a scale word misprinted or dropped, a time taken
for a figure's owner, and the level reached after "from ... to" taken for the earlier
one."""

from __future__ import annotations

from typing import Any

import pytest

from pipeline.check import checks
from pipeline.check.policy import NAME
from pipeline.models import Claim, Finding
from tests.conftest import make_claim
from tests.test_frames import claim_at, frames_of


def _seats(registry: Any, value: float, doc: str, text: str, **frame: Any) -> Claim:
    """A seat count of the Harbour Alliance written as ``text`` in article ``doc``."""
    return make_claim(registry, value, doc=doc, text=text, unit="seat", metric="unknown",
                      metric_key="seat", subject="Harbour Alliance", **frame)


def _money(registry: Any, value: float, doc: str, text: str, **frame: Any) -> Claim:
    return make_claim(registry, value, doc=doc, text=text, metric="deal_value",
                      subject="Orvena", **frame)


def _found(claims: list[Claim], rules: Any, kind: str) -> list[Finding]:
    return [f for f in checks.run_checks(claims, rules=rules)
            if f.check == NAME and f.kind == kind]


# --- a wide figure that fits both sides of a disagreement ------------------------------------

def test_a_hedged_figure_does_not_make_two_counts_one(rules: Any, registry: Any) -> None:
    a = _seats(registry, 292, "a", "292 seats")
    b = _seats(registry, 294, "b", "294 seats")
    around = _seats(registry, 292, "c", "around 292 seats", bound="approx")
    assert len(_found([a, b], rules, "contradiction")) == 1
    # "around 292" (277-307) fits 292 and 294 alike: the two still disagree
    (finding,) = _found([a, b, around], rules, "contradiction")
    assert set(finding.claims) == {a.id, b.id, around.id}  # every mention of both sides


def test_a_hedged_figure_joins_the_side_it_is_nearer(rules: Any, registry: Any) -> None:
    a = _seats(registry, 292, "a", "292 seats")
    b = _seats(registry, 294, "b", "294 seats")
    around = _seats(registry, 292, "c", "around 292 seats", bound="approx")
    (finding,) = _found([b, around, a], rules, "contradiction")
    # the side of 292 has two mentions (292 and around 292), the side of 294 one
    assert '"294 seats"' in finding.explanation and "2 mentions" in finding.explanation


def test_the_order_of_the_articles_does_not_change_the_verdict(rules: Any,
                                                               registry: Any) -> None:
    a = _seats(registry, 292, "z", "292 seats")
    b = _seats(registry, 294, "a", "294 seats")
    around = _seats(registry, 293, "m", "about 293 seats", bound="approx")
    assert len(_found([a, b, around], rules, "contradiction")) == 1


def test_a_round_figure_a_hedge_bridges_stays_a_rounding(rules: Any, registry: Any) -> None:
    # "$70 billion" may be $68.7 billion rounded to tens: the hedge still makes them one
    precise = _money(registry, 68.7e9, "a", "$68.7 billion")
    rounded = _money(registry, 70e9, "b", "$70 billion")
    around = _money(registry, 68.7e9, "c", "around $68.7 billion", bound="approx")
    assert _found([precise, rounded, around], rules, "contradiction") == []


def test_an_open_bound_still_bridges_what_it_fits(rules: Any, registry: Any) -> None:
    # a floor fits every value above it: values past it may be moments of a moving value
    # (before and after a listing), and stay one cluster as before
    early = _money(registry, 52e9, "a", "$52 billion")
    late = _money(registry, 65e9, "b", "$65 billion")
    floor = _money(registry, 40e9, "c", "more than $40 billion", bound="at_least")
    assert _found([early, late, floor], rules, "contradiction") == []
    assert len(_found([early, late], rules, "contradiction")) == 1


def test_an_open_bound_is_no_value_other_articles_give_beside(rules: Any,
                                                               registry: Any) -> None:
    # one article gives "more than $1 billion" (a part) and "$32.2 billion"; three others
    # "$40.1 billion": the floor fits $40.1 billion, but no article gives both values
    floor = _money(registry, 1e9, "a", "more than $1 billion", bound="at_least", start=0)
    low = _money(registry, 32.2e9, "a", "$32.2 billion", start=40)
    high = [_money(registry, 40.1e9, doc, "$40.1 billion") for doc in ("b", "c", "d")]
    (finding,) = _found([floor, low, *high], rules, "contradiction")
    assert finding.explanation.startswith('Orvena deal value: "$32.2 billion"')



def test_two_disagreements_over_the_same_values_keep_the_better_supported(
        rules: Any, registry: Any) -> None:
    # "4.34 euros" (a scale word dropped) against 4.34 billion: most reports in one cluster,
    # one report dated another year in a cluster of its own; both disagreements have the
    # same reference values, so one id: the finding listing the most mentions stands
    dropped = make_claim(registry, 4.34, doc="a", text="4.34 euros", unit="EUR",
                         metric="fine", subject="Orvena")
    fines = [make_claim(registry, value, doc=doc, text=text, unit="EUR", metric="fine",
                        subject="Orvena", period_key=period)
             for value, doc, text, period in (
                 (4.34e9, "b", "4.34 billion euros", "2018"),
                 (4.3e9, "c", "4.3 billion euros", None),
                 (4.34e9, "e", "€4.34 billion", None),
                 (4.34e9, "d", "€4.34bn", "2019"))]
    found = [f for f in _found([dropped, *fines], rules, "divergence") if dropped.id in f.claims]
    assert len(found) == 1
    assert len(found[0].claims) == 4  # "4.34 euros" and a cluster of three reports



# --- a scale word misprinted or dropped ------------------------------------------------------

def _charge(registry: Any, value: float, doc: str, text: str) -> Claim:
    return make_claim(registry, value, doc=doc, text=text, metric="fine", subject="Orvena")


def _with_scale(claim: Claim, word: str | None) -> Claim:
    quantity = claim.quantity.model_copy(update={"scale_word": word})
    return claim.model_copy(update={"quantity": quantity})


def test_the_same_digits_with_another_scale_word_contradict(rules: Any,
                                                            registry: Any) -> None:
    million = _with_scale(_charge(registry, 4.2e6, "a", "$4.2 million"), "million")
    billion = _with_scale(_charge(registry, 4.2e9, "b", "$4.2 billion"), "billion")
    assert [f.kind for f in _found([million, billion], rules, "contradiction")] == \
        ["contradiction"]


def test_three_digits_with_the_scale_word_dropped_contradict(rules: Any,
                                                             registry: Any) -> None:
    bare = _charge(registry, 4.34, "a", "$4.34")
    billion = _with_scale(_charge(registry, 4.34e9, "b", "$4.34 billion"), "billion")
    assert len(_found([bare, billion], rules, "contradiction")) == 1


@pytest.mark.parametrize(("value", "text"), [
    (35, "$35"),  # two digits and no scale word: a price, or a figure cut off
    (4.1, "$4.1"),
    (68, "$68"),
    (43_400, "$43,400"),  # a table in thousands or millions
])
def test_other_scale_gaps_stay_divergences(value: float, text: str, rules: Any,
                                           registry: Any) -> None:
    bare = _charge(registry, value, "a", text)
    billion = _with_scale(_charge(registry, 4.34e9 if value == 43_400 else value * 1e9, "b",
                                  "$4.34 billion" if value == 43_400 else f"{text} billion"),
                          "billion")
    assert _found([bare, billion], rules, "contradiction") == []
    assert len(_found([bare, billion], rules, "divergence")) == 1


# --- frames (the real per-document stages) ---------------------------------------------------

@pytest.fixture(scope="module")
def pipeline_nlp(rules: Any) -> Any:
    from pipeline.extract.process import load_pipeline

    return load_pipeline(rules)


def _claim(text: str, figure: str, rules: Any, nlp: Any, name: str = "a.txt") -> Claim:
    return claim_at(frames_of(text, rules=rules, nlp=nlp, name=name), text, figure)


@pytest.mark.model
def test_a_time_owns_no_figure(rules: Any, pipeline_nlp: Any) -> None:
    text = ("Orvena reported its results on Tuesday. The fourth quarter alone saw a revenue "
            "of $12.4 billion, a 9% increase from the previous year.")
    c = _claim(text, "$12.4 billion", rules, pipeline_nlp)
    assert (c.subject, c.metric_key, c.owner) == ("Orvena", "revenue", None)


@pytest.mark.model
def test_a_common_noun_subject_still_owns_its_figure(rules: Any, pipeline_nlp: Any) -> None:
    text = ("Orvena reported its results on Tuesday. The cloud unit alone saw revenue of "
            "$12.4 billion.")
    assert _claim(text, "$12.4 billion", rules, pipeline_nlp).owner is not None


@pytest.mark.model
@pytest.mark.parametrize("text", [
    "Orvena's revenue grew from $32.2 billion to $40.1 billion.",
    "Revenue at Orvena rose by 25% in the quarter, growing from $32.2 billion to $40.1 "
    "billion.",
])
def test_the_level_after_from_to_is_not_the_earlier_one(text: str, rules: Any,
                                                         pipeline_nlp: Any) -> None:
    earlier = _claim(text, "$32.2 billion", rules, pipeline_nlp)
    reached = _claim(text, "$40.1 billion", rules, pipeline_nlp)
    assert (earlier.base, reached.base) == (True, False)
    assert reached.metric_key == "revenue"
