"""Quantities: shapes found on news-d-dev (issue 16, round 3), each on sentences of our own.

Each case names one quantity by its span and the fields it must have; ``absent`` lists spans
that must not come out as quantities (claims or references)."""

from __future__ import annotations

import math

import pytest

from pipeline.extract.quantities import extract_quantities


def _all(text, registry):
    return extract_quantities(text, doc_id="t", registry=registry)


def _find(text, span, registry):
    quantities = _all(text, registry)
    for q in quantities:
        if q.span.text == span:
            return q
    raise AssertionError(f"no quantity {span!r} in {[q.span.text for q in quantities]}")


def _unit(q):
    return q.unit.removesuffix("_count")


GOLF = [  # golf scores are strokes; "under" before a round's score is no hedge
    ("Lopez carded a four-under 67 to lead by one.", "four-under", 4),
    ("Lopez carded a four-under 67 to lead by one.", "67", 67),
    ("Ng closed with a two-over par 73 at the Open.", "two-over par", 2),
    ("Ng closed with a two-over par 73 at the Open.", "73", 73),
    ("She finished the week at 14 under par after three birdies.", "14 under par", 14),
    ("He made two bogeys and sat at minus-6 after nine holes.", "minus-6", -6),
    ("Park shot 79 on Friday and missed the cut by a stroke after a double bogey.", "79", 79),
    ("After a birdie at the last, Reyes posted a solid 66 and finished three back.", "66", 66),
    ("After a birdie at the last, Reyes posted a solid 66 and finished three back.", "three",
     3),
    ("Hall won by four after an eagle on the 15th.", "four", 4),
    ("Her 29-under-par 259 set a tournament record.", "259", 259),
]


@pytest.mark.parametrize(("text", "span", "value"), GOLF, ids=[c[1] + c[0][:12] for c in GOLF])
def test_golf_strokes(text, span, value, registry):
    q = _find(text, span, registry)
    assert math.isclose(q.value, value) and _unit(q) == "stroke"
    assert q.bound == "exact" and q.direction is None and not q.reference


def test_hole_numbers_are_not_counts(registry):
    text = "She birdied holes 12 and 13 and parred the rest."
    assert [q.span.text for q in _all(text, registry)] == []


def test_under_stays_a_hedge_outside_golf(registry):
    q = _find("The shares traded under 70 for a week.", "under 70", registry)
    assert q.bound == "at_most"
    assert _unit(_find("The lake froze at minus 6 degrees on the day of the golf final.",
                       "minus 6 degrees", registry)).startswith("degree")
