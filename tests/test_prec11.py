"""Session 10 (prec11): false contradictions on news nobody tuned for, on sentences of our own.

- Whoever a figure is credited to is not its owner, also when the parser loses the shape: a
  name set off by commas right after "according to the agency's former head" is that source's
  apposition, and "as per X" credits a figure as "according to X" does.
- A name with a serial number written as one word ("Selene-4", "Falcon-9") is a name even when
  the NER misses it: "the cost of Selene-4" is Selene-4's, not the article's focal agency's,
  and two missions' costs are not one figure.
- A relative clause whose subject is a relative pronoun ("its predecessor, Selene-2, which had
  a budget of $96.5 million") is about the noun it hangs on, or the name in apposition to it:
  the figure is that name's, not the main clause's "it".
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.test_frames import claim_at, frames_of

HEAD = "Norsa readies Selene-4\n\nNorsa will launch Selene-4 next month, Norsa said. "


@pytest.fixture(scope="module")
def pipeline_nlp(rules: Any) -> Any:
    from pipeline.extract.process import load_pipeline

    return load_pipeline(rules)


@pytest.mark.model
@pytest.mark.parametrize("sentence", [
    "According to the former chairman of Norsa, Ravi Menon, the total cost of Selene-4 is "
    "Rs 720 crore.",
    "As per the former head of Norsa, Ravi Menon, the cost approved for this mission is "
    "Rs 310 crore.",
    "According to a retired engineer, Dara Voss, the probe's budget was $88 million.",
])
def test_an_apposed_source_is_not_the_subject(sentence: str, rules: Any,
                                               pipeline_nlp: Any) -> None:
    """The name apposed to a source credits the figure; it does not own it."""
    text = HEAD + sentence
    figure = sentence.split(" is ")[-1].split(" was ")[-1].rstrip(".")
    claim = claim_at(frames_of(text, rules=rules, nlp=pipeline_nlp), text, figure)
    assert claim.subject not in ("Ravi Menon", "Dara Voss")
    assert claim.modality == "quoted"


@pytest.mark.model
def test_a_name_after_the_source_s_clause_is_still_a_subject(rules: Any,
                                                             pipeline_nlp: Any) -> None:
    """Only a name between two commas right after the source is apposed to it: the subject of
    the credited clause itself stays a candidate."""
    text = HEAD + "According to Norsa, Helio Dynamics paid Rs 95 crore for the launch."
    claim = claim_at(frames_of(text, rules=rules, nlp=pipeline_nlp), text, "Rs 95 crore")
    assert claim.subject == "Helio Dynamics"


@pytest.mark.model
def test_a_serial_name_owns_its_cost(rules: Any, pipeline_nlp: Any) -> None:
    """Two missions of one agency, each cost stated with the mission's serial name: each
    mission owns its cost; neither falls to the agency the article is about."""
    text = HEAD + ("The total cost of Selene-4 is Rs 615 crore, officials said. "
                   "The total cost of Selene-2 was Rs 978 crore.")
    claims = frames_of(text, rules=rules, nlp=pipeline_nlp)
    newer = claim_at(claims, text, "Rs 615 crore")
    older = claim_at(claims, text, "Rs 978 crore")
    assert (newer.subject, older.subject) == ("Selene-4", "Selene-2")


@pytest.mark.model
def test_a_relative_clause_figure_is_its_antecedent_s(rules: Any, pipeline_nlp: Any) -> None:
    """The predecessor's budget, told in a relative clause, is the predecessor's."""
    text = HEAD + ("Selene-4 has a budget of $75 million. Incidentally, it was cheaper "
                   "compared to its predecessor, Selene-2, which had a budget of $96.5 million.")
    claims = frames_of(text, rules=rules, nlp=pipeline_nlp)
    assert claim_at(claims, text, "$75 million").subject == "Selene-4"
    assert claim_at(claims, text, "$96.5 million").subject == "Selene-2"


@pytest.mark.model
def test_a_relative_clause_of_a_common_noun_names_no_one(rules: Any,
                                                         pipeline_nlp: Any) -> None:
    """A relative clause on a common noun with no name gives no owner of its own: the
    clause's figure keeps the subject it had."""
    text = HEAD + "Norsa ordered a rocket, which had a price of $40 million."
    claim = claim_at(frames_of(text, rules=rules, nlp=pipeline_nlp), text, "$40 million")
    assert claim.subject == "Norsa"
