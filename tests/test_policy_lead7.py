"""Session 7 (lead): three mechanisms that keep a contradiction to one figure misreported, on
claims and sentences of our own: figures a scale word apart, several figures of one measure
listed in one sentence, and a difference written as "N fewer"/"N more"."""

from __future__ import annotations

from typing import Any

import pytest

from pipeline.check import checks
from pipeline.check.policy import NAME
from pipeline.models import Claim
from tests.conftest import make_claim
from tests.test_frames import claim_at, frames_of


@pytest.fixture(scope="module")
def pipeline_nlp(rules: Any) -> Any:
    from pipeline.extract.process import load_pipeline

    return load_pipeline(rules)


def _found(claims: list[Claim], rules: Any) -> list[Any]:
    return [f for f in checks.run_checks(claims, rules=rules)
            if f.check == NAME and f.kind in ("contradiction", "divergence")]


def _deal(registry: Any, value: float, doc: str, **kw: Any) -> Claim:
    return make_claim(registry, value, metric="deal_value", metric_key="deal value",
                      subject="Norvale Games", doc=doc, **kw)


def test_figures_a_scale_word_apart_are_a_divergence(rules: Any, registry: Any) -> None:
    """"$68" (the scale word cut off) vs "$68.7 billion": a thousand-millionfold apart, which a
    scale word left out explains and a misreport of one figure does not."""
    found = _found([_deal(registry, 68, "a", text="$68"),
                    _deal(registry, 68.7e9, "b", text="$68.7 billion")], rules)
    assert [f.kind for f in found] == ["divergence"]
    assert "scale word" in found[0].explanation


def test_figures_a_few_times_apart_still_contradict(rules: Any, registry: Any) -> None:
    """$6.9 billion vs $69 billion (a slipped decimal point, tenfold) stays a contradiction:
    the scale-word test starts far above such gaps."""
    found = _found([_deal(registry, 6.9e9, "a", text="$6.9 billion"),
                    _deal(registry, 69e9, "b", text="$69 billion")], rules)
    assert [f.kind for f in found] == ["contradiction"]


def _fine(registry: Any, value: float, doc: str, sentence: str, **kw: Any) -> Claim:
    return make_claim(registry, value, metric="fine", metric_key="fine", subject="Corvex",
                      doc=doc, sentence=sentence, text=f"${value / 1e9:g} billion", **kw)


def test_parts_listed_in_one_sentence_are_a_divergence(rules: Any, registry: Any) -> None:
    """One article lists $2.1 billion and $1.4 billion of one measure in one sentence (two
    parts of a settlement), the other gives the $3.5 billion whole: no contradiction."""
    listing = "Corvex will forfeit $2.1 billion and pay a $1.4 billion fine."
    found = _found([_fine(registry, 2.1e9, "a", listing),
                    _fine(registry, 1.4e9, "a", listing),
                    _fine(registry, 3.5e9, "b", "Corvex agreed to pay a $3.5 billion fine."),
                    _fine(registry, 3.5e9, "c", "Corvex will pay a $3.5 billion fine.")], rules)
    assert found and {f.kind for f in found} == {"divergence"}
    assert any("in one sentence" in f.explanation for f in found)


def test_an_estimate_beside_the_figure_is_no_list(rules: Any, registry: Any) -> None:
    """"$3.9 billion, beating estimates of $3.1 billion" gives one fact and one estimate: the
    fact still contradicts another report's $5.9 billion."""
    sentence = "Corvex paid a $3.9 billion fine, beating estimates of $3.1 billion."
    found = _found([_fine(registry, 3.9e9, "a", sentence),
                    _fine(registry, 3.1e9, "a", sentence, modality="projection"),
                    _fine(registry, 5.9e9, "b", "Corvex paid a $5.9 billion fine.")], rules)
    assert "contradiction" in {f.kind for f in found}


@pytest.mark.parametrize(("text", "figure"), [
    ("The Harbour Party won 143 seats, 80 fewer than polls had predicted.", "80"),
    ("The Harbour Party needs 26 more seats for a majority.", "26 more seats"),
])
def test_a_difference_has_no_metric_key(text: str, figure: str, rules: Any,
                                        pipeline_nlp: Any) -> None:
    """"80 fewer than polls predicted", "26 more seats": more or fewer than a level the words
    do not give, so no measure of the party's seats."""
    claim = claim_at(frames_of(text, rules=rules, nlp=pipeline_nlp), text, figure)
    assert claim.metric_key is None


def test_a_level_after_its_difference_keeps_its_key(rules: Any, pipeline_nlp: Any) -> None:
    text = "The Harbour Party won 143 seats in the election."
    claim = claim_at(frames_of(text, rules=rules, nlp=pipeline_nlp), text, "143 seats")
    assert claim.metric_key == "seat"


@pytest.mark.parametrize(("text", "figure", "full"), [
    ("Coach Martin Edvardsen left the club on Monday. Edvardsen will be paid a $4 million "
     "severance fee.", "$4 million", "Martin Edvardsen"),
    ("Borussia Veldhoven agreed the sale on Monday. Veldhoven will receive 40 million euros "
     "for the striker.", "40 million euros", "Borussia Veldhoven"),
])
def test_a_short_name_takes_the_full_name_the_article_writes(
        text: str, figure: str, full: str, rules: Any, pipeline_nlp: Any) -> None:
    """"Edvardsen" after "Martin Edvardsen": the subject is the full name, so that a report
    writing only the full name meets this one (subjects block by a letter of their key)."""
    claim = claim_at(frames_of(text, rules=rules, nlp=pipeline_nlp), text, figure)
    assert claim.subject == full


def test_a_short_name_two_full_names_fit_stays_as_written(rules: Any,
                                                          pipeline_nlp: Any) -> None:
    text = ("Anna Edvardsen and Martin Edvardsen both left the board. Edvardsen will be paid "
            "a $4 million severance fee.")
    claim = claim_at(frames_of(text, rules=rules, nlp=pipeline_nlp), text, "$4 million")
    assert claim.subject in (None, "Edvardsen")
