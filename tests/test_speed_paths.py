"""Faster routes that replace a slower mechanism give the same answers as the mechanism they
replace (speed work must not change what comes out)."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.extract import subjects
from pipeline.extract.subjects import _WORD_RUN, _occurrences, _word_starts

# letters, digits, hyphens, underscores, spaces and a few non-ASCII word and non-word characters
_ALPHABET = st.sampled_from(list("abAB1_- .é²ñ’'"))


def _runs(text: str) -> dict[str, list[int]]:
    """Each word of ``text`` and where it starts, as ``Entities._propagate`` indexes them."""
    runs: dict[str, list[int]] = {}
    for run in _WORD_RUN.finditer(text):
        runs.setdefault(run.group(), []).append(run.start())
    return runs


@settings(max_examples=400, deadline=None)
@given(text=st.text(_ALPHABET, max_size=40),
       written=st.builds(str.__add__, st.sampled_from(list("aAbBé")),
                         st.text(_ALPHABET, max_size=3)))
def test_name_occurrences_are_the_regex_matches(text: str, written: str) -> None:
    """Names start with a letter (``_propagate`` takes capitalised names only)."""
    pattern = r"(?<![\w-])" + re.escape(written) + r"(?![\w-])"
    expected = [(m.start(), m.end()) for m in re.finditer(pattern, text)]
    assert _occurrences(text, written, _runs(text)) == expected


def test_name_occurrences_skip_words_and_hyphenated_words() -> None:
    text = " Acme rose; Acmes fell, pre-Acme and Acme-led; (Acme) too"
    found = _occurrences(text, "Acme", _runs(text))
    assert [text[s - 1:e + 1] for s, e in found] == [" Acme ", "(Acme)"]


@settings(max_examples=400, deadline=None)
@given(text=st.text(_ALPHABET, max_size=40),
       names=st.lists(st.builds(str.__add__, st.sampled_from(list("aAbBé")),
                                st.text(_ALPHABET, max_size=3)), max_size=6),
       few=st.sampled_from([0, 32]))
def test_word_starts_are_the_index_of_the_text_words(text: str, names: list[str],
                                                     few: int) -> None:
    """Both routes (a scan per first word, or the index of every word) give the index's
    entries for the names' first words."""
    index = _runs(text)
    saved = subjects.FEW_WORDS
    subjects.FEW_WORDS = few
    try:
        starts = _word_starts(text, names)
    finally:
        subjects.FEW_WORDS = saved
    for name in names:
        first = _WORD_RUN.match(name)
        assert first is not None
        assert starts.get(first.group(), []) == index.get(first.group(), [])
        assert _occurrences(text, name, starts) == _occurrences(text, name, index)


def test_shared_unit_cache_is_dropped_when_the_registry_gains_a_unit() -> None:
    from pipeline.check.checks import shared_cache
    from pipeline.rules import load_rules
    from pipeline.units import define_units

    rules = load_rules()  # its own registry: the session's is shared with other tests
    cache = shared_cache(rules)
    assert shared_cache(rules) is cache
    before = cache.dimension("speedxwidget")  # not a unit yet: its own name
    define_units(rules.registry, ["speedxwidget"])
    fresh = shared_cache(rules)
    assert fresh is not cache
    assert fresh.dimension("speedxwidget") != before
    assert shared_cache(load_rules()) is not fresh  # another registry: another memo


def test_policy_context_is_built_once_per_rules_and_rebuilt_for_other_rules(rules) -> None:
    from pipeline.check.policy import _shared_context

    first = _shared_context(rules)
    assert _shared_context(rules) is first
    from pipeline.rules import load_rules

    other = load_rules()
    assert _shared_context(other).rules is other
    again = _shared_context(rules)
    assert again.rules is rules and again.basis == first.basis


def test_claims_memo_is_kept_across_chunks_only_while_no_unit_is_defined() -> None:
    from pipeline.extract.process import _memo
    from pipeline.rules import load_rules
    from pipeline.units import define_units

    registry = load_rules().registry
    held: list = []
    first = _memo(held, registry)
    assert _memo(held, registry) is first  # the next chunk defined nothing: same answers
    define_units(registry, ["speedxgadget"])
    assert _memo(held, registry) is not first  # a new unit may change an answer


def test_governing_chains_remembered_equal_the_walk(nlp) -> None:
    """A figure's chain asked again (in any order, more tokens than are remembered) is the
    chain a fresh walk gives, and each call gets a list of its own."""
    import random

    from pipeline.extract.tree import _walk_chain, governing_chain

    doc = nlp("Halcon said its revenue figures were $1 million, $2 million, $3 million and "
              "$4 million. Westmark expects to burn through $115 billion by 2029, with 75 "
              "per cent of it coming from chips.")
    order = [t.i for t in doc] * 3
    random.Random(5).shuffle(order)
    for i in order:
        chain = governing_chain(doc[i])
        assert [t.i for t in chain] == [t.i for t in _walk_chain(doc[i])]
        chain.append(doc[0])  # a caller's list is its own
    assert [t.i for t in governing_chain(doc[order[-1]])] == \
        [t.i for t in _walk_chain(doc[order[-1]])]
