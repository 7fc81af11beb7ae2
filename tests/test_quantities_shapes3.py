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


TEMPERATURES = [  # a conversion in parentheses says which scale a bare "degrees" is not
    ("Lyon hit 102.2 degrees (39 Celsius) on Sunday.", "102.2 degrees", "degree_Fahrenheit"),
    ("Lyon hit 102.2 degrees (39 Celsius) on Sunday.", "39 Celsius", "degree_Celsius"),
    ("Seville reached 41 degrees (106F), topping 104.9 degrees set in 1995.", "41 degrees",
     "degree_Celsius"),
    # the other "degrees" of the sentence is on the same scale as the converted one
    ("Lyon hit 102.2 degrees (39 Celsius), beating the 101.1 degrees of 2003.",
     "101.1 degrees", "degree_Fahrenheit"),
    # a bare figure beside both scales: no air is 60 degrees Celsius
    ("Lyon hit 102.2 degrees (39 Celsius), beating a record of 101.1 from 2003.", "101.1",
     "degree_Fahrenheit"),
    # an em dash before a temperature is punctuation, not part of a name ("GPT-4")
    ("It was hot across Spain—43 C in Cordoba.", "43 C", "degree_Celsius"),
]


@pytest.mark.parametrize(("text", "span", "unit"), TEMPERATURES,
                         ids=[c[1] for c in TEMPERATURES])
def test_temperature_scale(text, span, unit, registry):
    assert _find(text, span, registry).unit == unit


def test_hyphenated_names_stay_names(registry):
    spans = [q.span.text for q in _all("The GPT-4 model and the S-1 filing.", registry)]
    assert spans == []
