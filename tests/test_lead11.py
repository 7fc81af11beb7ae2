"""Session 11 (lead): frames of changes set by a verb's "by" phrase and of lives lost."""

from __future__ import annotations

from typing import Any

import pytest

from pipeline.extract.process import load_pipeline
from tests.test_frames import claim_at, frames_of

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def pipeline_nlp(rules: Any) -> Any:
    return load_pipeline(rules)


@pytest.mark.parametrize(("text", "figure", "key"), [
    ("The Bank of Ostrava raised interest rates by 0.5%, its largest hike in decades.",
     "0.5%", "interest rate change"),
    ("The chain hiked its fees by $2 a ticket last year.", "$2 a ticket", "fee change"),
    ("The carrier lifted fares by 4% on Monday.", "4%", "fare change"),
])
def test_a_by_phrase_of_a_verb_that_sets_a_level_is_its_change(
        text: str, figure: str, key: str, rules, pipeline_nlp) -> None:
    claim = claim_at(frames_of(text, rules=rules, nlp=pipeline_nlp), text, figure)
    assert claim.metric_key == key


@pytest.mark.parametrize(("text", "figure", "key"), [
    ("The Bank of Ostrava raised interest rates to 1.75% on Thursday.", "1.75%",
     "interest rate"),
    ("Velora raised $2 billion in a funding round led by Northpeak.", "$2 billion", "funding"),
])
def test_what_such_a_verb_sets_or_raises_is_no_change(text: str, figure: str, key: str,
                                                      rules, pipeline_nlp) -> None:
    claim = claim_at(frames_of(text, rules=rules, nlp=pipeline_nlp), text, figure)
    assert claim.metric_key == key


def test_lives_claimed_or_lost_are_the_dead(rules, pipeline_nlp) -> None:
    text = ("A blast in a coal mine near Kestrel claimed the lives of 28 miners. "
            "There were 110 miners working in the shaft at the time. "
            "At least 41 people lost their lives in the floods upstream.")
    claims = frames_of(text, rules=rules, nlp=pipeline_nlp)
    dead = claim_at(claims, text, "28 miners")
    working = claim_at(claims, text, "110 miners")
    assert "killed" in dead.qualifiers  # a part of the miners, as "28 miners were killed"
    assert "killed" not in working.qualifiers
    assert claim_at(claims, text, "At least 41 people").metric_key == "death toll"


def test_improved_lives_are_no_deaths(rules, pipeline_nlp) -> None:
    text = "The clinic improved the lives of 3,000 families in the valley."
    claim = claim_at(frames_of(text, rules=rules, nlp=pipeline_nlp), text, "3,000 families")
    assert "killed" not in claim.qualifiers and claim.metric_key != "death toll"


def test_people_trapped_are_a_part_of_a_count(rules, pipeline_nlp) -> None:
    text = "Around 450 workers work in the mine; the union said 35 workers were still trapped."
    claims = frames_of(text, rules=rules, nlp=pipeline_nlp)
    assert "trapped" in claim_at(claims, text, "35 workers").qualifiers
    assert "trapped" not in claim_at(claims, text, "Around 450 workers").qualifiers


@pytest.mark.parametrize(("text", "figure", "key"), [
    ("Cloud sales made up 40% of revenue last year.", "40%", "revenue"),
    ("The striker racked up 40 points in the first half.", "40 points", "point count"),
])
def test_up_after_a_verb_it_makes_another_verb_of_is_no_rise(
        text: str, figure: str, key: str, rules, pipeline_nlp) -> None:
    claim = claim_at(frames_of(text, rules=rules, nlp=pipeline_nlp), text, figure)
    assert claim.metric_key == key and claim.metric != "growth"


@pytest.mark.parametrize(("text", "figure", "key"), [
    ("The index ended up 2,963 points on Wednesday.", "2,963 points", "point count change"),
    ("Revenue went up 12% to $5 billion.", "12%", "revenue change"),
])
def test_up_after_a_verb_of_a_level_is_still_a_rise(text: str, figure: str, key: str, rules,
                                                    pipeline_nlp) -> None:
    claim = claim_at(frames_of(text, rules=rules, nlp=pipeline_nlp), text, figure)
    assert claim.metric_key == key


@pytest.mark.parametrize(("text", "figure", "key"), [
    ("Officials in Doran said 19 people are yet to be identified.", "19 people",
     "people identified"),
    ("Officials in Doran said 19 are yet to be identified.", "19", "people identified"),
    ("Some 40 people are still trapped under the rubble in Doran.", "Some 40 people",
     "people trapped"),
])
def test_a_copula_with_a_part_further_on_keys_that_part(text: str, figure: str, key: str,
                                                        rules, pipeline_nlp) -> None:
    claim = claim_at(frames_of(text, rules=rules, nlp=pipeline_nlp), text, figure)
    assert claim.metric_key == key
