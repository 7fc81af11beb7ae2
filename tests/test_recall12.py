"""Session 11 (recall12): metric keys that named one measure in two ways, fixed by mechanism
and tested on sentences of our own: an "of" phrase the parser hung on the first of two
coordinated measures, and counts written with two nouns the synonym table gives for one key."""

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


# --- an "of" phrase of the second of two coordinated measures --------------------------------

@pytest.mark.parametrize(("text", "figure", "key"), [
    # the parser hangs "of $31.2 billion" on "share": the noun before it is the measure
    ("Analysts expected Orvena to report earnings of $2.15 per share and revenue of $31.2 "
     "billion.", "$31.2 billion", "revenue"),
    ("Orvena reported earnings of $2.15 per share and revenue of $31.2 billion.",
     "$2.15 per share", "earnings per share"),
    ("Orvena reported revenue of $31.2 billion and earnings of $2.15 per share.",
     "$31.2 billion", "revenue"),
    ("Orvena posted sales of $12 billion, profit of $2 billion and a margin of 17%.",
     "$2 billion", "net income"),
])
def test_an_of_phrase_belongs_to_the_noun_before_it(text: str, figure: str, key: str,
                                                    rules: Any, pipeline_nlp: Any) -> None:
    assert _claim(text, figure, rules, pipeline_nlp).metric_key == key


def test_a_coordinated_revenue_meets_anothers_revenue(rules: Any, pipeline_nlp: Any) -> None:
    a = _claim("Orvena reported earnings of $2.15 per share and revenue of $31.2 billion.",
               "$31.2 billion", rules, pipeline_nlp, "a.txt")
    b = _claim("Orvena reported revenue of $38.5 billion.", "$38.5 billion", rules,
               pipeline_nlp, "b.txt")
    assert (a.metric_key, b.metric_key) == ("revenue", "revenue")
    assert disagreement_kinds([a, b], rules) == ["contradiction"]


# --- one key's count, written with two of its nouns ------------------------------------------

def test_counts_of_one_key_in_two_of_its_nouns_meet(rules: Any, pipeline_nlp: Any) -> None:
    # "paid subscribers" and "paid memberships" are both "users" in the synonym table
    a = _claim("Streamflix now has a total of 84.6 million paid subscribers.",
               "84.6 million", rules, pipeline_nlp, "a.txt")
    b = _claim("Streamflix's paid memberships reached an impressive 84.16 million.",
               "84.16 million", rules, pipeline_nlp, "b.txt")
    assert a.metric_key == b.metric_key == "users"
    assert a.normalized.unit != b.normalized.unit  # each keeps the noun it was written with
    assert disagreement_kinds([a, b], rules) == ["contradiction"]
    same = _claim("Streamflix's paid memberships reached an impressive 84.6 million.",
                  "84.6 million", rules, pipeline_nlp, "c.txt")
    assert disagreement_kinds([a, same], rules) == []


def test_counts_of_one_key_in_nouns_it_does_not_list_stay_apart(rules: Any,
                                                                 pipeline_nlp: Any) -> None:
    # "passengers" and "crew" are no words of one key: never one count
    a = _claim("The ferry was carrying 212 passengers.", "212 passengers", rules,
               pipeline_nlp, "a.txt")
    b = _claim("The ferry was carrying 31 crew.", "31 crew", rules, pipeline_nlp, "b.txt")
    assert disagreement_kinds([a, b], rules) == []


# --- a count of people by what happened to them, whatever the verb's form -------------------

@pytest.mark.parametrize(("text", "figure"), [
    ("The old bridge over the Orva collapsed on Sunday night, killing at least 141 people.",
     "at least 141 people"),
    ("At least 134 people were killed when the old bridge over the Orva collapsed.",
     "At least 134 people"),
    ("The collapse of the old bridge over the Orva on Sunday killed 136 people.", "136 people"),
])
def test_people_killed_in_any_form_are_the_death_toll(text: str, figure: str, rules: Any,
                                                      pipeline_nlp: Any) -> None:
    assert _claim(text, figure, rules, pipeline_nlp).metric_key == "death toll"


@pytest.mark.parametrize(("text", "figure"), [
    ("The quake near Orvena on Saturday injured 1,240 people, officials said.", "1,240 people"),
    ("The quake near Orvena struck on Saturday, injuring 9,240 people.", "9,240 people"),
    ("Officials in Orvena said 9,240 people were wounded on Saturday.", "9,240 people"),
    ("The quake near Orvena caused 9,240 injuries, officials said on Sunday.", "9,240 injuries"),
    # a gapped list: the second count is not the first one's death toll
    ("Officials in Orvena said 2,053 people were dead, 9,240 injured and 1,329 houses "
     "destroyed.", "9,240 injured"),
])
def test_people_injured_in_any_form_are_one_key(text: str, figure: str, rules: Any,
                                                pipeline_nlp: Any) -> None:
    claim = _claim(text, figure, rules, pipeline_nlp)
    assert (claim.metric_key, claim.qualifiers) == ("injury", ())


def test_deaths_and_people_killed_are_one_count(rules: Any, pipeline_nlp: Any) -> None:
    # "2,100 deaths" (counted in deaths) and "killed 2,053 people" (in people) meet; a
    # running tally without dates is a divergence, not a contradiction
    a = _claim("The quake near Orvena on Sunday caused 2,100 deaths, officials said.",
               "2,100 deaths", rules, pipeline_nlp, "a.txt")
    b = _claim("The quake near Orvena on Sunday killed 2,053 people, officials said.",
               "2,053 people", rules, pipeline_nlp, "b.txt")
    assert a.metric_key == b.metric_key == "death toll"
    assert disagreement_kinds([a, b], rules) == ["divergence"]
    c = _claim("The quake near Orvena on Sunday killed 2,100 people, officials said.",
               "2,100 people", rules, pipeline_nlp, "c.txt")
    assert disagreement_kinds([a, c], rules) == []


def test_injured_and_killed_stay_apart(rules: Any, pipeline_nlp: Any) -> None:
    a = _claim("The quake near Orvena on Sunday killed 2,053 people, officials said.",
               "2,053 people", rules, pipeline_nlp, "a.txt")
    b = _claim("The quake near Orvena on Sunday injured 9,240 people, officials said.",
               "9,240 people", rules, pipeline_nlp, "b.txt")
    assert disagreement_kinds([a, b], rules) == []


# --- a compound key written open, hyphenated or closed ----------------------------------------

def test_a_key_written_hyphenated_or_closed_is_one_key(rules: Any, pipeline_nlp: Any) -> None:
    a = _claim("Orvena recorded a pretax charge of $4.2 billion in the third quarter of 2023.",
               "$4.2 billion", rules, pipeline_nlp, "a.txt")
    b = _claim("Orvena recorded a pre-tax charge of $5.9 billion in the third quarter of 2023.",
               "$5.9 billion", rules, pipeline_nlp, "b.txt")
    assert a.metric_key != b.metric_key  # as written
    assert disagreement_kinds([a, b], rules) != []
    same = _claim("Orvena recorded a pre-tax charge of $4.2 billion in the third quarter of "
                  "2023.", "$4.2 billion", rules, pipeline_nlp, "c.txt")
    assert disagreement_kinds([a, same], rules) == []
