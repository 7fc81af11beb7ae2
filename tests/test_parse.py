"""The parse stage's stand-ins for spaCy's ``Matcher`` give spaCy's own matches (issue 8)."""

from __future__ import annotations

from pathlib import Path

import pytest
import spacy
from hypothesis import given, settings
from hypothesis import strategies as st
from spacy.attrs import DEP, ENT_ID, ENT_IOB, ENT_TYPE, LEMMA, MORPH, POS, TAG
from spacy.matcher import Matcher

from pipeline.extract.parse import _AttributeMatcher, _OrthMatcher

ROOT = Path(__file__).resolve().parent.parent


def _texts() -> list[str]:
    """Every paragraph of the seed corpus and the tiny test corpus."""
    paths = sorted((ROOT / "corpus").iterdir()) + sorted((ROOT / "tests/data/tiny").iterdir())
    return [part for path in paths for part in path.read_text(encoding="utf-8").split("\n\n")
            if part.strip()]


def _with_each_matcher(component, texts, before, attrs):
    """The component run over copies of ``before`` with its real matcher and with the
    stand-in, as two lists of attribute arrays."""
    fast = component.matcher
    runs = []
    try:
        for matcher in (fast.matcher, fast):
            component.matcher = matcher
            docs = [doc.copy() for doc in before]
            for doc in docs:
                component(doc)
            runs.append([doc.to_array(attrs) for doc in docs])
    finally:
        component.matcher = fast
    return runs


def test_load_nlp_puts_the_stand_ins_in(nlp):
    assert isinstance(nlp.get_pipe("attribute_ruler").matcher, _AttributeMatcher)
    assert isinstance(nlp.get_pipe("entity_ruler").matcher, _OrthMatcher)


def test_attribute_ruler_sets_the_same_attributes(nlp):
    texts = _texts()
    before = list(nlp.pipe(texts, disable=["attribute_ruler", "entity_ruler", "ner"]))
    real, fast = _with_each_matcher(nlp.get_pipe("attribute_ruler"), texts, before,
                                    [POS, MORPH, LEMMA, TAG, DEP])
    assert len(real) == len(texts)
    for text, a, b in zip(texts, real, fast, strict=True):
        assert (a == b).all(), text


def test_entity_ruler_sets_the_same_entities(nlp):
    texts = _texts()
    before = [nlp.make_doc(text) for text in texts]
    real, fast = _with_each_matcher(nlp.get_pipe("entity_ruler"), texts, before,
                                    [ENT_IOB, ENT_TYPE, ENT_ID])
    assert any(a[:, 0].any() for a in real)  # the rules' names occur in these texts
    for text, a, b in zip(texts, real, fast, strict=True):
        assert (a == b).all(), text


@pytest.mark.parametrize("pattern", [
    [{"TAG": "NN", "OP": "+"}],                      # an operator
    [{"POS": "NOUN"}],                               # an attribute the stand-in does not read
    [{"LOWER": {"FUZZY": "gets"}}],                  # a predicate it does not know
    [{"TAG": "DT"}, {"TAG": "JJ"}, {"TAG": "NN"}],   # three tokens
], ids=["operator", "attribute", "predicate", "three-tokens"])
def test_attribute_stand_in_declines_other_patterns(pattern):
    nlp = spacy.blank("en")
    patterns = [{"patterns": [[{"TAG": "NN"}]], "attrs": {"POS": "NOUN"}, "index": 0},
                {"patterns": [pattern], "attrs": {"POS": "X"}, "index": 0}]
    assert _AttributeMatcher.build(nlp.vocab, None, patterns) is None
    assert _AttributeMatcher.build(nlp.vocab, None, patterns[:1]) is not None


@pytest.mark.parametrize("patterns", [
    {"ORG": [[{"LOWER": "acme"}]]},
    {"ORG": [[{"ORTH": "Acme", "OP": "?"}]]},
    {"ORG": [[{"ORTH": "Acme"}]], "PRODUCT": [[{"ORTH": "Acme"}]]},  # one text, two keys
], ids=["lower", "operator", "shared-sequence"])
def test_orth_stand_in_declines_other_patterns(patterns):
    nlp = spacy.blank("en")
    assert _OrthMatcher.build(nlp.vocab, None, patterns) is None


_WORDS = ["Open", "AI", "OpenAI", "Elon", "Musk", "Colossus", "1", "One", "the", "said", "."]
_ALIASES = [["OpenAI"], ["Open", "AI"], ["Elon", "Musk"], ["Musk"], ["Colossus"],
            ["Colossus", "1"], ["Colossus", "One"]]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(_WORDS), max_size=30))
def test_orth_stand_in_finds_what_the_matcher_finds(words):
    nlp = spacy.blank("en")
    matcher = Matcher(nlp.vocab)
    patterns: dict[str, list[object]] = {}
    for k, alias in enumerate(_ALIASES):
        label = f"LABEL{k % 3}||id{k}"
        pattern = [{"ORTH": word} for word in alias]
        patterns.setdefault(label, []).append(pattern)
        matcher.add(label, [pattern])
    fast = _OrthMatcher.build(nlp.vocab, matcher, patterns)
    assert fast is not None
    doc = spacy.tokens.Doc(nlp.vocab, words=words)
    assert sorted(fast(doc)) == sorted(matcher(doc))


def test_patterns_added_later_are_matched():
    nlp = spacy.blank("en")
    matcher = Matcher(nlp.vocab)
    matcher.add("ORG", [[{"ORTH": "Acme"}]])
    fast = _OrthMatcher.build(nlp.vocab, matcher, {"ORG": [[{"ORTH": "Acme"}]]})
    assert fast is not None
    fast.add("GPE", [[{"ORTH": "Paris"}]])  # the real matcher answers from now on
    doc = nlp.make_doc("Acme opened in Paris")
    assert sorted(fast(doc)) == sorted(matcher(doc))
    assert len(fast(doc)) == 2
