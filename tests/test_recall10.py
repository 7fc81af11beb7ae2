"""Session 10 (recall10): must flags lost on stories nobody tuned for, fixed by mechanism and
tested on sentences of our own: the age of a named person written as a modifier ("6-year-old
Ana Ruiz"), what a worker is paid whichever word says it ("starting pay", "the starting-wage
rate"), the terms of an agreement in the future tense, an amount "of" a kind of thing ("$40
billion of liquidity"), and a distance from a place."""

from __future__ import annotations

from typing import Any

import pytest

from pipeline.extract.process import load_pipeline
from pipeline.models import Claim
from tests.conftest import disagreement_kinds, make_claim
from tests.test_frames import claim_at, frames_of

pytestmark = pytest.mark.model  # (the policy tests at the end need no model)


@pytest.fixture(scope="module")
def pipeline_nlp(rules: Any) -> Any:
    return load_pipeline(rules)


def _claim(text: str, figure: str, rules: Any, nlp: Any) -> Claim:
    return claim_at(frames_of(text, rules=rules, nlp=nlp), text, figure)


# --- an age written as a modifier of a name ---------------------------------------------------

@pytest.mark.parametrize(("text", "figure", "subject"), [
    ("Tom Ruiz is the father of 6-year-old Ana Ruiz, who was hurt in the fire.", "6-year",
     "Ana Ruiz"),
    ("Ruiz is the uncle of 9-year-old pupil Ana Ruiz.", "9-year", "Ana Ruiz"),
    ("Marta Lind, mother of 7-year-old Oskar Lind, spoke on Monday.", "7-year", "Oskar Lind"),
])
def test_an_age_before_a_name_is_that_persons_age(text: str, figure: str, subject: str,
                                                  rules: Any, pipeline_nlp: Any) -> None:
    claim = _claim(text, figure, rules, pipeline_nlp)
    assert (claim.subject, claim.metric_key, claim.qualifiers) == (subject, "age", ())


@pytest.mark.parametrize(("text", "figure"), [
    ("A 3-year-old boy was found safe on Tuesday.", "3-year"),  # anyone's age
    ("Police found a 10-year-old Corolla near the river.", "10-year"),  # one of many
])
def test_an_age_of_nobody_identified_has_no_key(text: str, figure: str, rules: Any,
                                                pipeline_nlp: Any) -> None:
    assert _claim(text, figure, rules, pipeline_nlp).metric_key is None


# --- pay, whichever word says it --------------------------------------------------------------

@pytest.mark.parametrize(("text", "figure"), [
    ("The deal raised the starting pay of new hires to $19 per hour.", "$19 per hour"),
    ("The starting-wage rate jumped to $24 an hour last year.", "$24 an hour"),
    ("Starting wages rose to $22 per hour in March.", "$22 per hour"),
])
def test_pay_and_wage_are_one_key(text: str, figure: str, rules: Any,
                                  pipeline_nlp: Any) -> None:
    claim = _claim(text, figure, rules, pipeline_nlp)
    assert (claim.metric_key, claim.qualifiers) == ("pay", ("starting",))


def test_the_verb_pay_names_no_measure(rules: Any, pipeline_nlp: Any) -> None:
    text = "The operator will pay each driver $500."
    assert _claim(text, "$500", rules, pipeline_nlp).metric_key != "pay"


# --- the terms of an agreement ----------------------------------------------------------------

@pytest.mark.parametrize(("text", "figure"), [
    ("Under the agreement, the top rate will rise to $40 an hour and the starting rate will "
     "jump to $27 an hour.", "$27 an hour"),
    ("Under the new contract, drivers will receive $600 a week.", "$600 a week"),
    ("The settlement will pay each plaintiff $2,500.", "$2,500"),
])
def test_a_term_of_an_agreement_is_stated(text: str, figure: str, rules: Any,
                                          pipeline_nlp: Any) -> None:
    assert _claim(text, figure, rules, pipeline_nlp).modality == "asserted"


@pytest.mark.parametrize(("text", "figure"), [
    ("Under the agreement, wages are expected to reach $27 an hour.", "$27 an hour"),
    ("Under the agreement, wages would rise to $27 an hour.", "$27 an hour"),
    ("Wages will rise to $27 an hour next year.", "$27 an hour"),  # no agreement
    ("Under the proposal, wages will rise to $27 an hour.", "$27 an hour"),  # no agreement yet
])
def test_a_forecast_stays_a_projection(text: str, figure: str, rules: Any,
                                       pipeline_nlp: Any) -> None:
    assert _claim(text, figure, rules, pipeline_nlp).modality == "projection"


# --- an amount of a kind of thing -------------------------------------------------------------

def test_an_amount_of_a_kind_is_that_kind(rules: Any, pipeline_nlp: Any) -> None:
    text = "The central bank provided $40 billion of liquidity to Halcon to ease the takeover."
    assert _claim(text, "$40 billion", rules, pipeline_nlp).metric_key == "liquidity"


def test_an_amount_of_a_determined_whole_is_a_part(rules: Any, pipeline_nlp: Any) -> None:
    text = "Halcon will pay $1 billion of the total in cash."
    claim = _claim(text, "$1 billion", rules, pipeline_nlp)
    assert claim.metric_key != "total" and "part" in claim.qualifiers


# --- a distance from a place ------------------------------------------------------------------

@pytest.mark.parametrize(("text", "figure", "place", "direction"), [
    ("The derailment happened near Brenn Valley, about 310 km north of Larvik, police said.",
     "about 310 km", "Larvik", "north of"),
    ("The quake struck 18 kilometers (11 miles) south of Hualien City on Monday.",
     "11 miles", "Hualien City", "south of"),
    ("Rescuers reached the village, 40 miles southwest of Denver, by noon.", "40 miles",
     "Denver", "southwest of"),
])
def test_a_length_in_a_direction_of_a_place_is_a_distance_from_it(
        text: str, figure: str, place: str, direction: str, rules: Any,
        pipeline_nlp: Any) -> None:
    claim = _claim(text, figure, rules, pipeline_nlp)
    assert (claim.subject, claim.metric_key, claim.qualifiers) == (
        place, "distance", (direction,))


@pytest.mark.parametrize(("text", "figure"), [
    ("The capsule flew 270,000 miles from Earth.", "270,000 miles"),  # where it was, once
    ("The road runs 40 miles north through the valley.", "40 miles"),  # of no place
])
def test_no_distance_without_a_direction_of_a_place(text: str, figure: str, rules: Any,
                                                   pipeline_nlp: Any) -> None:
    assert _claim(text, figure, rules, pipeline_nlp).metric_key != "distance"


def _distance(registry: Any, value: float, unit: str, doc: str, direction: str) -> Claim:
    return make_claim(registry, value, unit=unit, metric="unknown", metric_key="distance",
                      qualifiers=(direction,), subject="Larvik", doc=doc,
                      text=f"{value:g} {unit}s {direction} Larvik")


def test_two_distances_from_one_place_contradict(rules: Any, registry: Any) -> None:
    a = _distance(registry, 310, "mile", "a", "north of")
    b = _distance(registry, 190, "mile", "b", "north of")
    assert disagreement_kinds([a, b], rules) == ["contradiction"]


def test_distances_in_two_directions_are_not_compared(rules: Any, registry: Any) -> None:
    a = _distance(registry, 310, "kilometer", "a", "north of")
    b = _distance(registry, 120, "kilometer", "b", "south of")
    assert disagreement_kinds([a, b], rules) == []


def test_a_percentage_of_a_kind_is_no_amount_of_it(rules: Any, pipeline_nlp: Any) -> None:
    text = "More than 95% of ballots have been counted, the commission said."
    assert _claim(text, "95%", rules, pipeline_nlp).metric_key != "ballot"
