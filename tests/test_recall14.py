"""Session 11 (recall14): frames on stories nobody tuned for, fixed by mechanism and tested on
sentences of our own: a rate raised "by" a figure is the rate's change, not its level; who
reports a figure (a nationality or place naming the sayers, a personal pronoun standing for
them) is not its owner."""

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


# --- a level raised or cut "by" a figure: the figure is the change ----------------------------

@pytest.mark.parametrize(("text", "figure", "key"), [
    ("The Orvan central bank has raised interest rates by 0.5%, its largest rise in years.",
     "0.5%", "interest rate change"),
    ("The Orvan central bank raised its interest rate by 25 basis points on Thursday.",
     "25 basis points", "interest rate change"),
    ("The Orvan central bank hiked interest rates by 0.75 percentage points.",
     "0.75 percentage points", "interest rate change"),
    ("The Orvan central bank announced a 0.5 percentage point interest rate hike.",
     "0.5 percentage point", "interest rate change"),
    ("Orvena Telecom raised its prices by $20 per month.", "$20 per month", "price change"),
    ("Orvena Telecom slashed its prices by $15 per month.", "$15 per month", "price change"),
    # the same verbs to a level, or with money raised, are no change
    ("The Orvan central bank hiked interest rates to 3.5% on Thursday.", "3.5%",
     "interest rate"),
    ("The Orvan central bank raised interest rates by 0.25 percentage points to 3.5%.",
     "3.5%", "interest rate"),
])
def test_a_level_raised_by_a_figure_is_its_change(text: str, figure: str, key: str,
                                                  rules: Any, pipeline_nlp: Any) -> None:
    assert _claim(text, figure, rules, pipeline_nlp).metric_key == key


def test_money_raised_is_no_change(rules: Any, pipeline_nlp: Any) -> None:
    claim = _claim("Orvena AI raised $600 million in its latest funding round.",
                   "$600 million", rules, pipeline_nlp)
    assert "change" not in (claim.metric_key or "")


def test_a_rise_by_a_figure_never_meets_the_new_level(rules: Any, pipeline_nlp: Any) -> None:
    a = _claim("The Orvan central bank has raised interest rates by 0.5% on Thursday.",
               "0.5%", rules, pipeline_nlp, "a.txt")
    b = _claim("The Orvan central bank hiked interest rates to 1.75% on Thursday.",
               "1.75%", rules, pipeline_nlp, "b.txt")
    assert disagreement_kinds([a, b], rules) == []


# --- who reports a figure is not its owner ----------------------------------------------------

def test_a_nationality_naming_the_sayers_owns_nothing(rules: Any, pipeline_nlp: Any) -> None:
    text = ("Fire tore through a warehouse in the port of Velm overnight. Nine workers were "
            "killed in the blaze, Orvan authorities said on Thursday.")
    claim = _claim(text, "Nine workers", rules, pipeline_nlp)
    assert claim.subject != "Orvan"


def test_a_pronoun_standing_for_the_sayers_owns_nothing(rules: Any,
                                                        pipeline_nlp: Any) -> None:
    text = ("Fire tore through the Velm Tower on Friday. Officials from the Marlow Street "
            "station arrived within minutes. They said some 40 people were treated in "
            "hospital, while nine residents were declared dead.")
    claim = _claim(text, "nine residents", rules, pipeline_nlp)
    assert claim.subject != "Marlow Street"
    assert claim.subject_how != "resolved"


def test_a_company_saying_its_own_figure_still_owns_it(rules: Any,
                                                       pipeline_nlp: Any) -> None:
    text = ("Orvena Motors reported results on Tuesday. The company said revenue rose 12% "
            "to $4.1 billion.")
    claim = _claim(text, "$4.1 billion", rules, pipeline_nlp)
    assert claim.subject == "Orvena Motors"
