"""Session 10 (recall11): must flags lost on stories nobody tuned for, fixed by mechanism and
tested on sentences of our own: the size of a named vessel or craft the NER tags a place,
a thing's size that the day of its clause does not date, the allowance of sizes as a floor,
and a unit word that is no owner."""

from __future__ import annotations

from typing import Any

import pytest

from pipeline.extract.process import load_pipeline
from pipeline.models import Claim
from tests.conftest import disagreement_kinds
from tests.test_frames import claim_at, frames_of

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def pipeline_nlp(rules: Any) -> Any:
    return load_pipeline(rules)


def _claim(text: str, figure: str, rules: Any, nlp: Any, name: str = "a.txt") -> Claim:
    return claim_at(frames_of(text, rules=rules, nlp=nlp, name=name), text, figure)


# --- the size of a named vessel -----------------------------------------------------------

@pytest.mark.parametrize(("text", "figure", "key"), [
    # the NER tags a vessel's name a place as often as not
    ("Divers found five fragments of the 22-foot Zephyr on the seabed.", "22-foot", "length"),
    ("Divers found five fragments of the 22-foot (6.7-meter) Zephyr on the seabed.",
     "22-foot", "length"),
    ("Rescuers reached the 300-foot Orvena Star before dawn.", "300-foot", "length"),
])
def test_a_size_of_a_named_thing_is_the_names(text: str, figure: str, key: str, rules: Any,
                                               pipeline_nlp: Any) -> None:
    claim = _claim(text, figure, rules, pipeline_nlp)
    assert (claim.metric_key, claim.qualifiers) == (key, ())
    assert claim.subject is not None and claim.subject_how == "named"


def test_two_reports_of_a_named_vessels_length_meet(rules: Any, pipeline_nlp: Any) -> None:
    a = _claim("Divers found the 21-foot Zephyr on Sunday.", "21-foot", rules,
               pipeline_nlp, "a.txt")
    b = _claim("Divers found five fragments of the 28-foot Zephyr on the seabed.", "28-foot",
               rules, pipeline_nlp, "b.txt")
    assert disagreement_kinds([a, b], rules) == ["contradiction"]


@pytest.mark.parametrize(("text", "figure"), [
    ("A 140-year-old bridge in Orvena collapsed on Sunday.", "140-year"),  # anyone's
    ("Crews freed a giant 720-foot cargo ship on Friday.", "720-foot"),  # one of its kind
])
def test_a_size_of_no_name_stays_the_things(text: str, figure: str, rules: Any,
                                            pipeline_nlp: Any) -> None:
    claim = _claim(text, figure, rules, pipeline_nlp)
    assert claim.subject_how != "named" or claim.metric_key is None or claim.qualifiers


# --- a size's allowance for a rounded conversion is a floor, not a margin --------------------

def test_sizes_one_foot_apart_in_whole_feet_disagree(rules: Any, pipeline_nlp: Any) -> None:
    """Half a foot either way already covers a rounding of a 21-foot figure; the 1% allowed
    a size for a conversion rounded twice ("984 feet" and "985 feet" for 300 m) is no extra
    margin on top of it."""
    a = _claim("Divers found the 21-foot Zephyr on Sunday.", "21-foot", rules,
               pipeline_nlp, "a.txt")
    b = _claim("Divers found five fragments of the 22-foot Zephyr on the seabed.", "22-foot",
               rules, pipeline_nlp, "b.txt")
    assert disagreement_kinds([a, b], rules) == ["contradiction"]


def test_sizes_converted_and_rounded_twice_still_agree(rules: Any, pipeline_nlp: Any) -> None:
    a = _claim("Tugs reached the 984-foot Zephyr on Sunday.", "984-foot", rules, pipeline_nlp,
               "a.txt")
    b = _claim("Tugs freed the 985-foot Zephyr on Monday.", "985-foot", rules, pipeline_nlp,
               "b.txt")
    assert (a.metric_key, b.metric_key) == ("length", "length")
    assert disagreement_kinds([a, b], rules) == []


# --- a thing's physical size is of no period ----------------------------------------------

def test_the_day_of_a_clause_does_not_date_a_size(rules: Any, pipeline_nlp: Any) -> None:
    """"disappeared on June 18" dates the disappearance, not the vessel's length; a report
    giving the length with no date meets it as a fact of the same frame."""
    text = "The 21-foot Zephyr disappeared on June 18, 2023."
    a = _claim(text, "21-foot", rules, pipeline_nlp, "a.txt")
    assert (a.metric_key, a.period, a.period_key) == ("length", None, None)
    b = _claim("Divers found five fragments of the 22-foot Zephyr on the seabed.", "22-foot",
               rules, pipeline_nlp, "b.txt")
    assert disagreement_kinds([a, b], rules) == ["contradiction"]


def test_an_age_keeps_its_clauses_period(rules: Any, pipeline_nlp: Any) -> None:
    text = "The father of 6-year-old Ana Ruiz spoke on June 18, 2023."
    claim = _claim(text, "6-year", rules, pipeline_nlp)
    assert claim.metric_key == "age" and claim.period_key is not None


# --- a unit word is no owner --------------------------------------------------------------

def test_a_unit_the_ner_takes_for_a_name_owns_no_figure(rules: Any, pipeline_nlp: Any) -> None:
    text = ("Temperatures in Orvena reached 51.8 degrees Celsius (125 Fahrenheit) on Monday, "
            "the weather centre said.")
    claims = frames_of(text, rules=rules, nlp=pipeline_nlp)
    assert claims and all(c.subject != "Fahrenheit" for c in claims)
