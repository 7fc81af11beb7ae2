"""Frames of disaster and accident reporting (issue 17, session 5), on sentences of our own:
parts of a count of people (killed, rescued, missing... as qualifiers), a bare number that is
part of a count written elsewhere, coordinated counted nouns, and places that say where, not
whose. Each mechanism next to what it must leave alone."""

from __future__ import annotations

from typing import Any

import pytest

from pipeline.models import Claim
from tests.conftest import disagreement_kinds, make_claim
from tests.test_frames import claim_at, frames_of


@pytest.fixture(scope="module")
def pipeline_nlp(rules: Any) -> Any:
    from pipeline.extract.process import load_pipeline

    return load_pipeline(rules)


@pytest.mark.model
def test_killed_is_a_part_of_the_count_and_the_partitive_whole_is_not(
        rules: Any, pipeline_nlp: Any) -> None:
    text = ("All 212 passengers and three of the eight crew were killed when the Velora Air "
            "jet crashed on Sunday.")
    claims = frames_of(text, rules=rules, nlp=pipeline_nlp)
    three = claim_at(claims, text, "three")
    assert three.metric_key == "crew" and "killed" in three.qualifiers
    assert "killed" in claim_at(claims, text, "212 passengers").qualifiers
    whole = claim_at(claims, text, "eight crew")
    assert whole.metric_key == "crew" and "killed" not in whole.qualifiers


@pytest.mark.model
@pytest.mark.parametrize(("text", "figure", "state"), [
    ("Three crew members were pulled out alive.", "Three crew", "survived"),
    ("Two crew members were rescued with minor injuries.", "Two crew", "rescued"),
    ("Four passengers remain unaccounted for.", "Four passengers", "missing"),
    ("The blast at the Orlin plant killed 14 workers on Monday.", "14 workers", "killed"),
    ("Rescuers evacuated 3,200 residents from the valley.", "3,200 residents", "evacuated"),
], ids=["pulled-out-alive", "rescued", "unaccounted-for", "object-of-killed",
        "object-of-evacuated"])
def test_a_state_of_the_people_counted_is_a_qualifier(
        text: str, figure: str, state: str, rules: Any, pipeline_nlp: Any) -> None:
    claim = claim_at(frames_of(text, rules=rules, nlp=pipeline_nlp), text, figure)
    assert claim.metric_key is not None and state in claim.qualifiers, claim.qualifiers


@pytest.mark.model
def test_people_carried_are_the_whole_count(rules: Any, pipeline_nlp: Any) -> None:
    text = "The Velora Air jet was carrying 212 passengers and eight crew members."
    claims = frames_of(text, rules=rules, nlp=pipeline_nlp)
    passengers = claim_at(claims, text, "212 passengers")
    assert passengers.metric_key == "passenger" and passengers.qualifiers == ()
    assert claim_at(claims, text, "eight crew").qualifiers == ()


@pytest.mark.model
def test_a_death_toll_gets_no_killed_qualifier(rules: Any, pipeline_nlp: Any) -> None:
    text = "The death toll from the Tarvik floods rose to 412 on Friday."
    claim = claim_at(frames_of(text, rules=rules, nlp=pipeline_nlp), text, "412")
    assert "killed" not in claim.qualifiers


@pytest.mark.model
def test_a_bare_number_of_a_count_written_before_is_a_part(rules: Any,
                                                           pipeline_nlp: Any) -> None:
    text = ("Velora Air said 212 passengers were on board. Of the 212 passengers, 150 were "
            "men and 62 were women.")
    claims = frames_of(text, rules=rules, nlp=pipeline_nlp)
    men = claim_at(claims, text, "150")
    assert men.metric_key == "passenger" and men.qualifiers  # "men": which part
    whole = claim_at(claims, text, "212 passengers were")
    assert whole.qualifiers == ()


@pytest.mark.model
def test_a_nationality_that_completes_a_copula_is_which_part_not_whose(
        rules: Any, pipeline_nlp: Any) -> None:
    text = ("Velora Air jet crashes near Tarvik\n\nVelora Air said the jet carried 212 "
            "passengers. Among the 212 passengers, 150 were Danish.")
    claim = claim_at(frames_of(text, rules=rules, nlp=pipeline_nlp), text, "150")
    assert claim.subject != "Danish"
    assert "danish" in claim.qualifiers


@pytest.mark.model
def test_a_counted_noun_and_another_without_a_figure_are_counted_together(
        rules: Any, pipeline_nlp: Any) -> None:
    text = "The Velora Air jet, carrying 220 passengers and crew, came down near Tarvik."
    claim = claim_at(frames_of(text, rules=rules, nlp=pipeline_nlp), text, "220 passengers")
    assert claim.metric_key == "passenger" and "and crew" in claim.qualifiers


@pytest.mark.model
def test_a_site_after_a_preposition_of_place_is_where_not_whose(rules: Any,
                                                                 pipeline_nlp: Any) -> None:
    text = ("Velora Air jet crashes\n\nVelora Air confirmed the crash on Sunday. The jet "
            "carrying 220 people crashed at Tarvik International Airport in Norland.")
    claim = claim_at(frames_of(text, rules=rules, nlp=pipeline_nlp), text, "220 people")
    assert claim.subject not in ("Tarvik International Airport", "Norland")


def _crew(registry: Any, value: float, doc: str, qualifiers: tuple[str, ...]) -> Claim:
    c = make_claim(registry, value, unit="crew", metric="unknown", metric_key="crew",
                   subject="Velora Air", doc=doc, text=f"{value:g} crew")
    return c.model_copy(update={"qualifiers": qualifiers})



def test_a_part_of_a_count_never_meets_the_whole(rules: Any, registry: Any) -> None:
    rescued = _crew(registry, 2, "a", ("rescued",))
    aboard = _crew(registry, 6, "b", ())
    assert disagreement_kinds([rescued, aboard], rules) == []
    other_aboard = _crew(registry, 7, "c", ())
    assert disagreement_kinds([aboard, other_aboard], rules) == ["contradiction"]


def test_a_part_of_a_count_is_a_running_tally(rules: Any, registry: Any) -> None:
    """Two reports of the rescued that differ: the tally moves as the story goes on, so a
    divergence with that reason, never a contradiction."""
    a = _crew(registry, 2, "a", ("rescued",))
    b = _crew(registry, 4, "b", ("rescued",))
    assert disagreement_kinds([a, b], rules) == ["divergence"]


# --- sizes of things -------------------------------------------------------------------------


@pytest.mark.model
@pytest.mark.parametrize(("text", "figure", "key", "thing"), [
    ("The Tarvik Star, a giant 720-foot cargo ship, ran aground on Friday.", "720-foot",
     "length", "ship"),
    ("The ship, 720 feet in length, ran aground on Friday.", "720 feet", "length", "ship"),
    ("Crews inspected the 180-foot-tall tower on Monday.", "180-foot", "height", "tower"),
], ids=["hyphenated-modifier", "in-length", "named-by-an-adjective"])
def test_a_physical_measure_of_a_thing_is_its_size(text: str, figure: str, key: str,
                                                   thing: str, rules: Any,
                                                   pipeline_nlp: Any) -> None:
    claim = claim_at(frames_of(text, rules=rules, nlp=pipeline_nlp), text, figure)
    assert (claim.metric_key, claim.qualifiers) == (key, (thing,))


@pytest.mark.model
def test_a_measure_of_no_thing_named_is_no_size(rules: Any, pipeline_nlp: Any) -> None:
    text = "Divers searched water 40 feet deep near the pier."
    claim = claim_at(frames_of(text, rules=rules, nlp=pipeline_nlp), text, "40 feet")
    assert claim.metric_key != "depth"


def _length(registry: Any, value: float, doc: str) -> Claim:
    c = make_claim(registry, value, unit="foot", metric="unknown", metric_key="length",
                   subject="Tarvik Star", doc=doc, text=f"{value:g}-foot")
    return c.model_copy(update={"qualifiers": ("ship",)})


def test_a_size_rounded_after_a_conversion_is_not_a_disagreement(rules: Any,
                                                                  registry: Any) -> None:
    """984 and 985 feet (300 m converted and rounded twice) agree; 948 feet does not."""
    assert disagreement_kinds([_length(registry, 984, "a"), _length(registry, 985, "b")],
                              rules) == []
    assert disagreement_kinds([_length(registry, 948, "a"), _length(registry, 985, "b")],
                              rules) == ["contradiction"]


@pytest.mark.model
def test_an_age_is_compared_only_for_someone_identified(rules: Any, pipeline_nlp: Any) -> None:
    text = ("The youngest passenger was a 3-year-old boy. The 19-year-old midfielder scored "
            "twice on Saturday.")
    claims = frames_of(text, rules=rules, nlp=pipeline_nlp)
    assert claim_at(claims, text, "3-year").metric_key is None  # anyone's age
    identified = claim_at(claims, text, "19-year")
    assert (identified.metric_key, identified.qualifiers) == ("age", ("midfielder",))


@pytest.mark.model
def test_the_source_a_sentence_is_credited_to_is_not_the_owner(rules: Any,
                                                               pipeline_nlp: Any) -> None:
    text = ("Velora Air jet crashes near Tarvik\n\nVelora Air confirmed the crash on Sunday. "
            "The jet had 212 people on board, according to the Harlow Safety Board.")
    claim = claim_at(frames_of(text, rules=rules, nlp=pipeline_nlp), text, "212 people")
    assert claim.attribution == "Harlow Safety Board"
    assert claim.subject != "Harlow Safety Board"


def _move(registry: Any, value: float, doc: str, direction: str | None) -> Claim:
    c = make_claim(registry, value, unit="percent", metric="growth",
                   metric_key="level change", subject="Tarvik 40 Index", doc=doc,
                   text=f"{value:g}%")
    return c.model_copy(update={"quantity": c.quantity.model_copy(
        update={"direction": direction})})


def test_a_rise_and_a_fall_are_not_one_move_misreported(rules: Any, registry: Any) -> None:
    """"closed down 0.8%" and "jumped 7.9%" of one index: most likely two sessions, so a
    divergence with that reason; two rises that differ still contradict."""
    down = _move(registry, 0.8, "a", "down")
    up = _move(registry, 7.9, "b", "up")
    assert disagreement_kinds([down, up], rules) == ["divergence"]
    assert disagreement_kinds([_move(registry, 0.8, "a", "up"), up], rules) == ["contradiction"]
