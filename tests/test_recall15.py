"""Session 11 (recall15): a bare number whose counted noun is left out ("Eleven were
injured", "58 have been rescued") counts people when it is the subject of a verb naming a
part of a count of people (``count_states`` in rules/metrics.yaml), keyed as the same part
written with "people" is. Own sentences only; each shape beside what it must leave alone."""

from __future__ import annotations

from typing import Any

import pytest

from pipeline.extract.lexicon import lexicon_of
from pipeline.extract.quantities import extract_quantities
from tests.test_frames import claim_at, frames_of


@pytest.fixture(scope="module")
def pipeline_nlp(rules: Any) -> Any:
    from pipeline.extract.process import load_pipeline

    return load_pipeline(rules)


def _units(text: str, rules: Any, registry: Any) -> dict[str, str | None]:
    quantities = extract_quantities(text, doc_id="t", registry=registry,
                                    lexicon=lexicon_of(rules))
    return {q.span.text: q.unit for q in quantities}


def test_the_states_come_from_the_rules(rules: Any) -> None:
    states = lexicon_of(rules).person_states
    assert {"injured", "rescued", "identified", "missing", "trapped"} <= states
    assert "passed away" not in states  # several words: never one token


@pytest.mark.parametrize("text, figure", [
    ("The ferry sank near Velora. Eleven were injured.", "Eleven"),
    ("The ferry sank near Velora. Police said 19 are yet to be identified.", "19"),
    ("The ferry sank near Velora. So far 58 have been rescued.", "58"),
    ("The ferry sank near Velora. Nine remain missing.", "Nine"),
    ("The mine collapsed near Tarvik. Another 14 were believed to be trapped.", "14"),
])
def test_a_bare_subject_of_a_state_counts_people(text: str, figure: str, rules: Any,
                                                 registry: Any) -> None:
    assert _units(text, rules, registry).get(figure) == "person"


@pytest.mark.parametrize("text, figure", [
    ("Shares of Orvena rose 12 on Monday while 58 were sold.", "58"),  # no state
    ("Orvena said 12 were hired in March.", "12"),
    ("The toll rose to 58 were injured.", "58"),  # after a preposition: not a subject
    ("About 2 million were injured in the war.", "2 million"),  # a scale word: not bare
])
def test_other_bare_subjects_stay_bare(text: str, figure: str, rules: Any,
                                       registry: Any) -> None:
    assert _units(text, rules, registry).get(figure) != "person"


@pytest.mark.model
def test_the_bare_part_is_keyed_as_the_part_written_with_people(rules: Any,
                                                                pipeline_nlp: Any) -> None:
    bare = ("A ferry sank off Velora on Sunday. Officials said 58 were rescued and 11 were "
            "injured.")
    named = ("A ferry sank off Velora on Sunday. Officials said 58 people were rescued and "
             "11 people were injured.")
    bare_claims = frames_of(bare, rules=rules, nlp=pipeline_nlp)
    named_claims = frames_of(named, rules=rules, nlp=pipeline_nlp)
    for figure, written in (("58", "58 people"), ("11", "11 people")):
        a = claim_at(bare_claims, bare, figure)
        b = claim_at(named_claims, named, written)
        assert (a.metric_key, a.quantity.unit) == (b.metric_key, b.quantity.unit)
        assert a.metric_key is not None
    assert claim_at(bare_claims, bare, "11").metric_key == "injury"


@pytest.mark.model
def test_a_bare_part_with_an_own_key_and_one_without(rules: Any, pipeline_nlp: Any) -> None:
    text = ("A bus overturned near Tarvik on Monday. Nine remain missing and 19 are yet to "
            "be identified.")
    claims = frames_of(text, rules=rules, nlp=pipeline_nlp)
    assert claim_at(claims, text, "Nine").metric_key == "people missing"
    assert claim_at(claims, text, "19").metric_key == "people identified"


@pytest.mark.model
def test_a_bare_number_of_things_sold_gets_no_people_key(rules: Any,
                                                         pipeline_nlp: Any) -> None:
    text = "Orvena opened its store in Harlow on Monday, and 58 were sold by noon."
    claims = frames_of(text, rules=rules, nlp=pipeline_nlp)
    assert not any(c.span.text == "58" and c.metric_key and "people" in c.metric_key
                   for c in claims)
