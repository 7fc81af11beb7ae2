"""Session 9 (subj9): who announces, estimates or surveys a figure is not whom it is about,
on sentences of our own: a fine announced "against" a company is the company's (the
prepositions are data: ``rules/cues.yaml`` ``target_prepositions``), and an anaphor after an
estimator's name ("According to analysts surveyed by X, the tech giant ...") never resolves
to the estimator. (Single frames are cases of ``tests/data/frames_cases.yaml``.)"""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from pipeline.check import checks
from pipeline.check.policy import NAME
from pipeline.extract import ingest
from pipeline.extract.process import process_documents
from tests.test_frames import claim_at, frames_of

ANNOUNCED = "The Trade Authority announced a $1.2 billion fine against Corvane Foods on Monday."


@pytest.fixture(scope="module")
def pipeline_nlp(rules: Any) -> Any:
    from pipeline.extract.process import load_pipeline

    return load_pipeline(rules)


@pytest.mark.model
def test_the_target_prepositions_are_data(rules: Any, pipeline_nlp: Any) -> None:
    """Without "against" in the rules the announcer is the nearest owner again (a
    judgment has no payment frame of its own, unlike a fine: ``rules/roles.yaml``)."""
    text = "The Harlow County Court announced a $45 million judgment against Dalen Brandt."
    bare = dataclasses.replace(rules, cues=rules.cues.model_copy(
        update={"target_prepositions": ()}))
    owners = [claim_at(frames_of(text, rules=r, nlp=pipeline_nlp), text, "$45 million").subject
              for r in (rules, bare)]
    assert owners == ["Dalen Brandt", "Harlow County Court"]


@pytest.mark.model
def test_an_announced_fine_meets_the_fined_companys_report(rules: Any,
                                                           pipeline_nlp: Any) -> None:
    """One article names the announcer, the other the fined company as subject: both are
    the company's fine, and 1.2 against 1.9 billion is a contradiction under its name."""
    other = "Corvane Foods was fined $1.9 billion by the Trade Authority on Monday."
    documents = [ingest.ingest(name, text.encode(), boilerplate=rules.ingest.boilerplate)
                 for name, text in (("a.txt", ANNOUNCED), ("b.txt", other))]
    claims = [c for entry in process_documents(documents, nlp=pipeline_nlp, rules=rules)
              for c in entry.claims]  # type: ignore[union-attr]
    found = [f for f in checks.run_checks(claims, rules=rules) if f.check == NAME]
    assert [(f.kind, f.subject) for f in found] == [("contradiction", "Corvane Foods")]


@pytest.mark.model
def test_an_estimators_name_is_no_antecedent(rules: Any, pipeline_nlp: Any) -> None:
    """"the chipmaker" after "analysts polled by Marten Research" is the article's company;
    a sentence naming no estimator still resolves to the name before it."""
    head = "Velora Systems reports on Thursday\n\nVelora Systems will publish results today. "
    polled = head + ("According to analysts polled by Marten Research, the chipmaker was "
                     "expected to report revenue of $4.2 billion.")
    named = head + "Marten Research said on Monday the chipmaker had raised $4.2 billion."
    owners = [claim_at(frames_of(text, rules=rules, nlp=pipeline_nlp), text,
                       "$4.2 billion").subject for text in (polled, named)]
    assert owners == ["Velora Systems", "Marten Research"]
