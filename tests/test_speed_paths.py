"""Faster routes that replace a slower mechanism give the same answers as the mechanism they
replace (speed work must not change what comes out)."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.extract.subjects import _occurrences

# letters, digits, hyphens, underscores, spaces and a few non-ASCII word and non-word characters
_ALPHABET = st.sampled_from(list("abAB1_- .é²ñ’'"))


@settings(max_examples=400, deadline=None)
@given(text=st.text(_ALPHABET, max_size=40), written=st.text(_ALPHABET, min_size=1, max_size=4))
def test_name_occurrences_are_the_regex_matches(text: str, written: str) -> None:
    pattern = r"(?<![\w-])" + re.escape(written) + r"(?![\w-])"
    expected = [(m.start(), m.end()) for m in re.finditer(pattern, text)]
    assert list(_occurrences(text, written)) == expected


def test_name_occurrences_skip_words_and_hyphenated_words() -> None:
    text = " Acme rose; Acmes fell, pre-Acme and Acme-led; (Acme) too"
    assert [text[s - 1:e + 1] for s, e in _occurrences(text, "Acme")] == [" Acme ", "(Acme)"]
