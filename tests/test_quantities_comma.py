"""Quantities: a comma before one or two digits is a decimal comma or a garbled figure, never
a split into two numbers (issue 17, fresh stories). Sentences of our own."""

from __future__ import annotations

import math

import pytest

from pipeline.extract.quantities import extract_quantities

DECIMAL = [
    ("The regulator imposed a fine of €3,4 billion on the carrier.", "€3,4 billion", 3.4e9,
     "EUR", 0.05e9),
    ("Investors paid $2,75 billion for the stake.", "$2,75 billion", 2.75e9, "USD", 0.005e9),
    ("The club's debt rose to £1,8bn last season.", "£1,8bn", 1.8e9, "GBP", 0.05e9),
    ("A budget of 4,5 million euros was approved.", "4,5 million euros", 4.5e6, "EUR", 0.05e6),
]


@pytest.mark.parametrize(("text", "span", "value", "currency", "precision"), DECIMAL,
                         ids=[c[1] for c in DECIMAL])
def test_decimal_comma_before_a_scale_word(text, span, value, currency, precision, registry):
    quantities = extract_quantities(text, doc_id="t", registry=registry)
    assert [q.span.text for q in quantities] == [span]
    q = quantities[0]
    assert math.isclose(q.value, value) and q.currency == currency
    assert q.precision is not None and math.isclose(q.precision, precision)


GARBLED = [
    "The ferry carried 2,40 passengers to the island.",
    "Prices rose 3,5 per cent in the quarter.",
]


@pytest.mark.parametrize("text", GARBLED)
def test_lone_short_group_is_no_split(text, registry):
    """Without a scale word "2,40" is neither 2.4 nor the two numbers 2 and 40: no figure."""
    assert extract_quantities(text, doc_id="t", registry=registry) == []


def test_groups_of_three_and_lists_are_unchanged(registry):
    text = "The hall seats 1,250 people; rows 1,2,3 are reserved; in 2019,2020 it closed."
    spans = [q.span.text for q in extract_quantities(text, doc_id="t", registry=registry)]
    assert "1,250 people" in spans
