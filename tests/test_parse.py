"""The parse stage's matching gives spaCy's own matches: the AttributeRuler's stand-in for its
``Matcher`` (issue 8), the rules' names as phrase patterns (issue 14)."""

from __future__ import annotations

import functools
from pathlib import Path

import pytest
import spacy
from hypothesis import given, settings
from hypothesis import strategies as st
from spacy.attrs import (
    DEP,
    ENT_ID,
    ENT_IOB,
    ENT_TYPE,
    HEAD,
    LEMMA,
    MORPH,
    POS,
    SENT_START,
    TAG,
)
from spacy.matcher import Matcher
from spacy.pipeline import EntityRuler
from spacy.tokens import Doc

from pipeline.extract.parse import _AttributeMatcher, entity_patterns, numpy_products

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


def test_load_nlp_puts_the_stand_in_and_the_phrase_patterns_in(nlp):
    assert isinstance(nlp.get_pipe("attribute_ruler").matcher, _AttributeMatcher)
    ruler = nlp.get_pipe("entity_ruler")
    assert len(ruler.phrase_patterns) and not len(ruler.token_patterns)


def test_attribute_ruler_sets_the_same_attributes(nlp):
    texts = _texts()
    before = list(nlp.pipe(texts, disable=["attribute_ruler", "entity_ruler", "ner"]))
    real, fast = _with_each_matcher(nlp.get_pipe("attribute_ruler"), texts, before,
                                    [POS, MORPH, LEMMA, TAG, DEP])
    assert len(real) == len(texts)
    for text, a, b in zip(texts, real, fast, strict=True):
        assert (a == b).all(), text


def _models(nlp):
    return [node for _, component in nlp.pipeline
            if hasattr(getattr(component, "model", None), "walk")
            for node in component.model.walk()]


def test_matrix_products_with_numpy_annotate_as_with_blis(nlp):
    """load_nlp hands the networks' matrix products to numpy's BLAS (numpy_products): every
    annotation of the seed and test articles is what thinc's default (cython-blis) gives."""
    from thinc.api import NumpyOps

    texts = _texts()
    attrs = [TAG, POS, DEP, HEAD, ENT_IOB, ENT_TYPE, SENT_START]
    models = _models(nlp)
    assert {type(m.ops) for m in models} == {NumpyOps}
    assert not any(m.ops.use_blis for m in models)
    runs = []
    blis = NumpyOps(use_blis=True)
    try:
        for ops in (models[0].ops, blis):
            for model in models:
                model.ops = ops
            runs.append([doc.to_array(attrs) for doc in nlp.pipe(texts)])
    finally:
        numpy_products(nlp)
    assert sum(len(a) for a in runs[0]) > 5000
    for text, a, b in zip(texts, *runs, strict=True):
        assert (a == b).all(), text


def _token_patterns(patterns: list[dict[str, object]]) -> list[dict[str, object]]:
    """The same patterns as token texts (``ORTH``), as the Matcher takes them."""
    tokenizer = spacy.blank("en").tokenizer
    return [{**p, "pattern": [{"ORTH": t.text} for t in tokenizer(str(p["pattern"]))]}
            for p in patterns]


def test_phrase_patterns_set_the_entities_token_patterns_set(nlp, rules):
    """The rules' names as phrases (PhraseMatcher) give the entities the same names as token
    patterns give (Matcher), on the seed and test articles."""
    texts = _texts()
    by_tokens = EntityRuler(nlp, overwrite_ents=True, phrase_matcher_attr=None)
    by_tokens.add_patterns(_token_patterns(entity_patterns(rules)))
    ruler = nlp.get_pipe("entity_ruler")
    runs = []
    for component in (by_tokens, ruler):
        docs = [component(nlp.make_doc(text)) for text in texts]
        runs.append([doc.to_array([ENT_IOB, ENT_TYPE, ENT_ID]) for doc in docs])
    assert any(a[:, 0].any() for a in runs[0])  # the rules' names occur in these texts
    for text, a, b in zip(texts, *runs, strict=True):
        assert (a == b).all(), text


def test_every_name_of_the_rules_is_found_as_its_entity(nlp, rules):
    ruler = nlp.get_pipe("entity_ruler")
    for entity in rules.entities.entities:
        for alias in (entity.name, *entity.aliases):
            doc = ruler(nlp.make_doc(f"Reports say {alias} grew."))
            found = [(e.text, e.label_, e.ent_id_) for e in doc.ents]
            assert found == [(alias, entity.label, entity.name)], alias


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


_WORDS = ["Open", "AI", "OpenAI", "Elon", "Musk", "Colossus", "1", "One", "the", "said", "."]
_ALIASES = [("OpenAI", "ORG"), ("Open AI", "ORG"), ("Elon Musk", "PERSON"), ("Musk", "PERSON"),
            ("Colossus", "FAC"), ("Colossus 1", "FAC"), ("Colossus One", "FAC")]


@functools.lru_cache(maxsize=1)
def _two_rulers() -> tuple[spacy.language.Language, spacy.language.Language]:
    """Blank pipelines with the aliases as phrase patterns and as token patterns."""
    patterns = [{"label": label, "pattern": alias, "id": f"id{k}"}
                for k, (alias, label) in enumerate(_ALIASES)]
    pipelines = []
    for listed in (patterns, _token_patterns(patterns)):
        pipeline = spacy.blank("en")
        pipeline.add_pipe("entity_ruler", config={"phrase_matcher_attr": None}
                          ).add_patterns(listed)
        pipelines.append(pipeline)
    return pipelines[0], pipelines[1]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(_WORDS), max_size=30))
def test_phrase_patterns_find_what_token_patterns_find(words):
    phrases, tokens = _two_rulers()
    a = phrases(Doc(phrases.vocab, words=words))
    b = tokens(Doc(tokens.vocab, words=words))
    assert [(e.start, e.end, e.label_, e.ent_id_) for e in a.ents] == \
        [(e.start, e.end, e.label_, e.ent_id_) for e in b.ents]


def test_patterns_added_later_are_matched():
    nlp = spacy.blank("en")
    matcher = Matcher(nlp.vocab)
    matcher.add("0", [[{"LOWER": "acme"}]])  # the ruler's key of its pattern number 0
    fast = _AttributeMatcher.build(
        nlp.vocab, matcher, [{"patterns": [[{"LOWER": "acme"}]], "attrs": {}, "index": 0}])
    assert fast is not None
    doc = nlp.make_doc("Acme opened in Paris")
    assert fast(doc, allow_missing=True) == [(nlp.vocab.strings["0"], 0, 1)]
    fast.add("1", [[{"LOWER": "paris"}]])  # the real matcher answers from now on
    assert sorted(fast(doc, allow_missing=True)) == sorted(matcher(doc, allow_missing=True))
    assert len(fast(doc, allow_missing=True)) == 2


def test_the_model_tokenizer_is_read_whole_without_the_defaults_build(nlp):
    """load_nlp leaves the tokenizer's build to the model's data (empty_tokenizer): it is
    the tokenizer spaCy's own loading gives, every setting and special case, and it splits
    text as that one does."""
    from pipeline.extract.parse import EMPTY_TOKENIZER, default_model_name

    assert nlp.config["nlp"]["tokenizer"]["@tokenizers"] == EMPTY_TOKENIZER
    plain = spacy.load(default_model_name(), exclude=["lemmatizer"])
    assert nlp.tokenizer.to_bytes(exclude=["vocab"]) == \
        plain.tokenizer.to_bytes(exclude=["vocab"])
    assert len(nlp.tokenizer.rules) > 1000
    for text in [*_texts(), "Don't e.g. U.S. $1.2bn at 10:30a.m. (c) :-) N.Y.-based"]:
        assert [t.text for t in nlp.tokenizer(text)] == [t.text for t in plain.tokenizer(text)]


def test_the_tokenizer_is_left_to_a_model_folder_only_when_it_ships_one(tmp_path, rules):
    """A model given as a folder gets its own tokenizer through the rule-less stand-in as
    well; a folder without a serialized tokenizer, or with one of another kind, is not
    taken for one the stand-in can leave its tokenizer to."""
    from pipeline.extract.parse import _ships_tokenizer, default_model_name, load_nlp

    assert _ships_tokenizer(default_model_name())
    blank = spacy.blank("en")
    blank.to_disk(tmp_path / "model")
    assert _ships_tokenizer(str(tmp_path / "model"))
    loaded = load_nlp(rules, model=str(tmp_path / "model"))
    assert loaded.tokenizer.to_bytes(exclude=["vocab"]) == \
        blank.tokenizer.to_bytes(exclude=["vocab"])
    assert [t.text for t in loaded("Don't go to the U.S.")] == \
        ["Do", "n't", "go", "to", "the", "U.S."]
    config = (tmp_path / "model" / "config.cfg").read_text()
    (tmp_path / "model" / "config.cfg").write_text(
        config.replace('"spacy.Tokenizer.v1"', '"spacy.ja.JapaneseTokenizer"'))
    assert not _ships_tokenizer(str(tmp_path / "model"))  # another kind: spaCy's loading
    (tmp_path / "model" / "config.cfg").write_text(config)
    (tmp_path / "model" / "tokenizer").unlink()
    assert not _ships_tokenizer(str(tmp_path / "model"))
    assert not _ships_tokenizer(str(tmp_path / "no such model"))


def test_entry_points_by_group_are_catalogues_selection():
    """While a model loads, catalogue's entry points are selected through an index by group:
    the same entries in the same order as its own selection, for every group; other
    selections and the global itself are left as they were."""
    import catalogue

    from pipeline.extract.parse import _EntryPointIndex, _indexed_entry_points

    every = catalogue.AVAILABLE_ENTRY_POINTS
    index = _EntryPointIndex(every)
    groups = set(dict.keys(every))
    assert groups
    for group in [*groups, "no such group"]:
        assert list(index.select(group=group)) == list(every.select(group=group))
    some = next(iter(every.select(group=sorted(groups)[0])))
    assert list(index.select(name=some.name)) == list(every.select(name=some.name))
    with _indexed_entry_points():
        assert isinstance(catalogue.AVAILABLE_ENTRY_POINTS, _EntryPointIndex)
    assert catalogue.AVAILABLE_ENTRY_POINTS is every
