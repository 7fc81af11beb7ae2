"""Quantities stage: table-driven cases, dates, and properties. Needs no spaCy model."""

from __future__ import annotations

import math

import pytest
import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st

from pipeline.extract import words as W
from pipeline.extract.quantities import MAX_VALUE, extract_quantities, find_dates
from tests.conftest import DATA

TABLE = yaml.safe_load((DATA / "quantities_cases.yaml").read_text(encoding="utf-8"))
FLOAT_FIELDS = ("value", "low", "high", "precision", "confidence")


def _params(section: str) -> list:
    params = []
    for case in TABLE[section]:
        marks = [pytest.mark.xfail(reason=case["xfail"], strict=True)] if "xfail" in case else []
        params.append(pytest.param(case, id=case["id"], marks=marks))
    return params


def _same_unit(registry, actual: str, expected: str) -> bool:
    """The same unit, or another name for it (``staff`` is ``employee``: 300 staff are 300
    employees)."""
    if actual == expected:
        return True
    try:
        if registry.parse_units(actual) == registry.parse_units(expected):
            return True
        return math.isclose(registry.Quantity(1.0, actual).to(expected).magnitude, 1.0)
    except Exception:  # noqa: BLE001 - an unknown name is simply not the same unit
        return False


@pytest.mark.parametrize("case", _params("cases"))
def test_extraction_table(case, registry):
    # `expect` lists the quantities claims are framed from; `references` (optional) the
    # spans of reference numbers (bare numbers nothing gives a unit, time references), which
    # are extracted with reference=True and never framed as claims
    text = case["text"]
    extracted = extract_quantities(text, doc_id="t", registry=registry)
    found = [q for q in extracted if not q.reference]
    if "references" in case:
        assert [q.span.text for q in extracted if q.reference] == case["references"]
    expected = case["expect"]
    assert [q.span.text for q in found] == [e["span"] for e in expected]
    for quantity, want in zip(found, expected, strict=True):
        assert text[quantity.span.start:quantity.span.end] == quantity.span.text
        for key, value in want.items():
            if key == "span":
                continue
            actual = getattr(quantity, key)
            if key in FLOAT_FIELDS and value is not None:
                assert actual is not None and math.isclose(actual, float(value), rel_tol=1e-6), \
                    (key, actual, value)
            elif key == "implied":
                assert actual is not None and len(actual) == 2, actual
                for got, want in zip(actual, value, strict=True):
                    assert (got is None) == (want is None), (key, actual, value)
                    assert want is None or math.isclose(got, float(want), rel_tol=1e-9), \
                        (key, actual, value)
            elif key == "unit":
                assert _same_unit(registry, actual, value), (actual, value)
            else:
                assert actual == value, (key, actual, value)


@pytest.mark.parametrize("case", _params("dates"))
def test_find_dates(case):
    found = find_dates(case["text"])
    assert [label for _, _, label in found] == case["expect"]
    for start, end, _ in found:
        assert 0 <= start < end <= len(case["text"])


def test_dates_are_not_quantities(registry):
    text = "Revenue will reach $4 billion in 2026, up from 2025."
    found = extract_quantities(text, doc_id="t", registry=registry)
    assert [q.span.text for q in found] == ["$4 billion"]
    assert [label for _, _, label in find_dates(text)] == ["2026", "2025"]


def test_counted_nouns_become_units_of_the_registry(registry):
    found = extract_quantities("It operates 12 robotaxis.", doc_id="t", registry=registry)
    assert [q.unit for q in found] == ["robotaxi"]
    assert str(registry.parse_units("robotaxi").dimensionality) == "[count_robotaxi]"


def test_counted_noun_never_reuses_a_physical_unit(registry):
    # pint reads "points" as a typographic length and "dam" as a decametre
    found = extract_quantities("He scored 30 points near 2 dams.", doc_id="t", registry=registry)
    for quantity in found:
        dims = registry.parse_units(quantity.unit).dimensionality
        assert str(dims).startswith("[count_"), quantity.unit


_PIECES = st.sampled_from([
    "$", "US$", "S$", "€", "£", "¥", "1", "2.5", "555,000", "1e999", "10^", "9" * 400, "0",
    "billion", "bn", "B", "M", "k", "tens of", "thousands", "dozens", "half", "a third",
    "of", "per", "cent", "%", "/", "month", "monthly", "a year", "each", "-", "–", "to",
    "between", "and", "about", "over", "up to", "more than", "+", "GPUs", "users", "staff",
    "MW", "gigawatt", "three-year", "Grok", "GPT-4", "Q3", "#", "2026", "June", " ", ".",
    "\n", ",", "(", ")", "'", "”", "one", "twenty-five", "hundred", "a", "in", "annual",
])


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=80), st.lists(_PIECES, max_size=25).map(" ".join),
                 st.lists(_PIECES, max_size=25).map("".join)))
@example("TWENTY/AA PER OVER")  # the cricket "per over" is a unit the registry knows
def test_never_raises_and_spans_slice_the_text(registry, text):
    found = extract_quantities(text, doc_id="h", registry=registry)
    for quantity in found:
        span = quantity.span
        assert 0 <= span.start < span.end <= len(text)
        assert text[span.start:span.end] == span.text
        for value in (quantity.value, quantity.low, quantity.high):
            assert value is None or (math.isfinite(value) and abs(value) <= MAX_VALUE)
        if quantity.low is not None and quantity.high is not None:
            assert quantity.low <= quantity.high
        registry.parse_units(quantity.unit)
        if quantity.per:
            registry.parse_units(quantity.per)
    for start, end, _ in find_dates(text):
        assert 0 <= start < end <= len(text)


_OPENERS = st.sampled_from([
    "USD", "EUR", "Rs", "Rs.", "NASA", "GPU", "an", "An", "a", "A", "few", "several", "Several",
    "half", "Half", "one", "One", "twenty", "Twenty", "tens", "Dozens", "hundreds", "millions",
    "fifteen", "dozen", "hundred", "over", "decade", "years", "five", "billion",
])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(_PIECES, _OPENERS), max_size=25).map(" ".join))
@example("half of the users, a third of staff, one-third of GPUs, half a million people")
@example("a few thousand staff, several hundred GPUs, tens of thousands of chips, dozens")
@example("USD 5 billion, Rs. 500 crore, Rs 20, over a decade, more than a year, an hour")
@example("twenty-five GPUs, One hundred staff, a billion a month, millions of users")
def test_only_opening_tokens_start_a_figure(registry, text):
    # the parser skips tokens that are neither numbers, currency signs, opening words nor
    # upper-case words (currency codes): core() must find nothing at any of them
    from pipeline.extract.figures import _OPENING_WORDS, Parser
    from pipeline.extract.lexicon import default_lexicon

    lexicon = default_lexicon()
    parser = Parser(text, registry, lexicon)
    for i, tok in enumerate(parser.toks):
        if parser.core(i, None) is not None:
            assert tok.kind == "num" or tok.text[0] in lexicon.prefix_starts \
                or tok.text in lexicon.codes or tok.kind == "word" and tok.low in _OPENING_WORDS \
                or tok.kind == "sym" and tok.text in W.VULGAR_FRACTIONS, tok
