"""Session 10 (prec10): false contradictions on news nobody tuned for, on sentences of our own.

- A count counted inside a whole is in the whole's part of a tally: "the toll rose to 88,
  including 12 foreign tourists", "7 tourists were among the dead" are parts of the dead,
  which change as the story goes on (a running tally: never a contradiction between two
  reports); "310 passengers, including 25 foreigners" is no state of anyone.
- An amount of money that says what it is of ("9 billion euros of bonds") measures that; a
  metric cue word elsewhere in its clause ("after the takeover") does not make it the
  takeover's price, and a cue in a phrase or clause that sets the figure against another event
  ("before the acquisition") names that event, not the figure's measure.
- In "X led with 41 seats, followed by Y with 17", the 41 is not Y's.

(Single frames are cases of ``tests/data/frames_cases.yaml``.)"""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from pipeline.check import checks
from pipeline.extract import ingest
from pipeline.extract.process import process_documents
from tests.test_frames import claim_at, frames_of


@pytest.fixture(scope="module")
def pipeline_nlp(rules: Any) -> Any:
    from pipeline.extract.process import load_pipeline

    return load_pipeline(rules)


def _findings(texts: list[str], rules: Any, nlp: Any) -> list[Any]:
    documents = [ingest.ingest(f"{n}.txt", text.encode(), boilerplate=rules.ingest.boilerplate)
                 for n, text in enumerate(texts)]
    claims = [c for entry in process_documents(documents, nlp=nlp, rules=rules)
              for c in entry.claims]  # type: ignore[union-attr]
    return checks.run_checks(claims, rules=rules)


@pytest.mark.model
def test_a_part_of_passengers_is_in_no_state(rules: Any, pipeline_nlp: Any) -> None:
    """Including is a part of its whole's state only when the whole has one: passengers
    carried are no one's dead."""
    text = "The ferry was carrying 310 passengers, including 25 foreigners, when it left port."
    claim = claim_at(frames_of(text, rules=rules, nlp=pipeline_nlp), text, "25 foreigners")
    assert "killed" not in claim.qualifiers


@pytest.mark.model
def test_parts_of_a_rising_toll_never_contradict(rules: Any, pipeline_nlp: Any) -> None:
    """Two reports of the foreigners among the dead of one disaster, at two points of its
    toll: a divergence at most (a running tally), as the toll itself."""
    head = "Ferry sinks off Tarvik\n\nThe Tarvik ferry sank on Sunday night. "
    early = head + "Nine foreigners are among the dead."
    later = head + "The toll rose to 88 on Monday, including 14 foreigners."
    found = _findings([early, later], rules, pipeline_nlp)
    kinds = {f.kind for f in found if "foreign" in (f.metric or "")}
    assert kinds and "contradiction" not in kinds


@pytest.mark.model
def test_the_state_words_of_a_whole_are_data(rules: Any, pipeline_nlp: Any) -> None:
    """"among the deceased" is a part of the dead through ``count_states`` in
    ``rules/metrics.yaml``: without the word it is no part."""
    text = "Police said 7 tourists were among the deceased."
    states = dict(rules.metrics.keys.count_states)
    killed = states["killed"]
    bare_states = {**states, "killed": killed.model_copy(update={
        "words": tuple(w for w in killed.words if w != "deceased")})}
    keys = rules.metrics.keys.model_copy(update={"count_states": bare_states})
    bare = dataclasses.replace(rules, metrics=rules.metrics.model_copy(update={"keys": keys}))
    got = ["killed" in claim_at(frames_of(text, rules=r, nlp=pipeline_nlp), text,
                                "7 tourists").qualifiers for r in (rules, bare)]
    assert got == [True, False]


@pytest.mark.model
def test_worthless_bonds_are_not_the_takeover_price(rules: Any, pipeline_nlp: Any) -> None:
    """A report of the bonds an acquisition wiped out never meets the price paid."""
    price = "Halcon agreed to buy Westmark for 3 billion euros on Sunday."
    bonds = "About 16 billion euros of Westmark bonds became worthless after the takeover."
    found = _findings([price, bonds], rules, pipeline_nlp)
    assert not [f for f in found if f.kind in ("contradiction", "divergence")]


@pytest.mark.model
def test_an_event_cue_is_data(rules: Any, pipeline_nlp: Any) -> None:
    """Without "before" among ``event_prepositions`` (``rules/cues.yaml``) the acquisition
    after it names the debt's class again."""
    text = "Westmark had $2 billion in debt before the acquisition."
    bare = dataclasses.replace(rules, cues=rules.cues.model_copy(update={
        "event_prepositions": tuple(w for w in rules.cues.event_prepositions
                                    if w != "before")}))
    metrics = [claim_at(frames_of(text, rules=r, nlp=pipeline_nlp), text,
                        "$2 billion").metric for r in (rules, bare)]
    assert metrics == ["unknown", "deal_value"]
