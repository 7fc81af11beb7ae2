"""Quantities: shapes found on news-d-dev (issue 16, round 3), each on sentences of our own.

Each case names one quantity by its span and the fields it must have; ``absent`` lists spans
that must not come out as quantities (claims or references)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.extract.quantities import MAX_VALUE, extract_quantities
from tests.conftest import best_cpu_seconds


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


DIRECTIONS = [
    ("Oceans have warmed by 0.6 degrees since 1970.", "0.6 degrees", "up"),
    ("Models say the Arctic will warm by 4C this century.", "4C", "up"),
    ("Sensors show the lake cooled 2 degrees in a week.", "2 degrees", "down"),
    ("Fares rose by an average of 4.5 percent this spring.", "4.5 percent", "up"),
    ("The plan raises federal spending on roads and ports by $12 billion.", "$12 billion", "up"),
    ("Miners posted losses of 2.4% on Friday.", "2.4%", "down"),
    ("The two firms will lift output by a combined 300,000 tonnes.", "300,000 tonnes", "up"),
    ("Voters approved a $40 million bond issue increase.", "$40 million", "up"),
]


@pytest.mark.parametrize(("text", "span", "direction"), DIRECTIONS,
                         ids=[c[0][:30] for c in DIRECTIONS])
def test_direction(text, span, direction, registry):
    assert _find(text, span, registry).direction == direction


BOUNDS = [
    ("Damage is expected to exceed $2 billion.", "exceed $2 billion", 2e9, "at_least"),
    ("Gusts exceeded 90 mph on the coast.", "exceeded 90 mph", 90, "at_least"),
    ("She ran the first sub-2:10:00 race on that course.", "sub-2:10:00", 7800, "at_most"),
    ("The vaccine is offered to adults aged 65 and older.", "65 and older", 65, "at_least"),
]


@pytest.mark.parametrize(("text", "span", "value", "bound"), BOUNDS, ids=[c[1] for c in BOUNDS])
def test_bound(text, span, value, bound, registry):
    q = _find(text, span, registry)
    assert math.isclose(q.value, value) and q.bound == bound


def test_topped_is_a_level(registry):
    # the project's tables read "topped $3 trillion" as the level reached
    assert _find("Its value topped $3 trillion.", "$3 trillion", registry).bound == "exact"


def test_noun_before_a_passing_verb(registry):
    q = _find("Confirmed cases exceeded 2 million on Sunday.", "exceeded 2 million", registry)
    assert _unit(q) == "case" and q.bound == "at_least"


SHAPES = [
    # a range after a capitalised word is no model number ("Grok 5")
    ("Expect 2 to 4 inches of snow by morning.", "2 to 4 inches", 3, "inch", "range"),
    ("TOTALS OF 1 TO 2 INCHES ARE LIKELY.", "1 TO 2 INCHES", 1.5, "inch", "range"),
    # two figures joined by "or even", or a suspended hyphen, share the unit
    ("The talks could last 3 or even 4 weeks.", "3", 3, "week", "exact"),
    ("He signed a 4- or 5-year extension.", "4", 4, "year", "exact"),
    # multiples written with -fold
    ("Imports grew sixfold in a decade.", "sixfold", 6, "time", "exact"),
    ("Claims rose 3-fold after the storm.", "3-fold", 3, "time", "exact"),
    ("Funding must rise two-fold to reach the goal.", "two-fold", 2, "time", "exact"),
    # ages
    ("The trial enrolled children (age 6-11) in four cities.", "6-11", 8.5, "year", "range"),
    ("Residents (age 65 and older) get the shot first.", "65 and older", 65, "year",
     "at_least"),
    # a cricket rate
    ("The side scored at 6.4 runs per over in the final.", "6.4 runs per over", 6.4, "run",
     "exact"),
    # "one" before a noun, after "in"/"for", beside an earlier figure
    ("He caught 11 passes in one game last year.", "one game", 1, "game", "exact"),
    ("Meetings ran 45 minutes, and the vote took one hour.", "one hour", 1, "hour", "exact"),
    # a counted noun is not followed by its adverb
    ("She finished one stroke ahead of the field.", "one stroke", 1, "stroke", "exact"),
]


@pytest.mark.parametrize(("text", "span", "value", "unit", "bound"), SHAPES,
                         ids=[c[1] for c in SHAPES])
def test_shape(text, span, value, unit, bound, registry):
    q = _find(text, span, registry)
    assert q.value is not None and math.isclose(q.value, value, rel_tol=1e-9)
    assert _unit(q) == unit and q.bound == bound


def test_runs_per_over_is_a_rate(registry):
    assert _find("The side scored at 6.4 runs per over.", "6.4 runs per over",
                 registry).per == "over"


ABSENT = [
    ("Rates doubled between 1990 and 2014.3", "2014.3"),  # a year, then a note mark
    ("The world number one Ana Silva withdrew.", "one"),
    ("In one incident, a driver was hurt.", "one"),
    ("The Windows 11 to 12 upgrade path is open.", "11"),
]


@pytest.mark.parametrize(("text", "digits"), ABSENT, ids=[c[1] for c in ABSENT])
def test_not_a_quantity(text, digits, registry):
    spans = [q.span.text for q in _all(text, registry)]
    assert not any(s == digits or s.startswith(digits + " ") for s in spans), spans


MORE = [
    # "several hundred" before a scale word takes it, and the currency after
    ("Repairs could cost several hundred million dollars.", "several hundred million dollars",
     "USD"),
    # cricket: a bare score before "off N balls" is runs
    ("Her unbeaten 88 off 51 balls sealed the chase.", "88", "run"),
    ("They needed 30 off just 12 balls.", "30", "run"),
    # a label names the noun of a scaled figure
    ("Paid subscribers (PS): 12.5 million in the quarter.", "12.5 million", "subscriber"),
]


@pytest.mark.parametrize(("text", "span", "unit"), MORE, ids=[c[1] for c in MORE])
def test_unit(text, span, unit, registry):
    q = _find(text, span, registry)
    assert _unit(q) == unit and q.direction is None


def test_several_hundred_billion_is_vague(registry):
    q = _find("Losses of several hundred billion dollars were feared.",
              "several hundred billion dollars", registry)
    assert q.bound == "vague" and math.isclose(q.low, 3e11) and math.isclose(q.high, 1e12)


def test_a_change_from_a_level_far_before(registry):
    spans = [q.span.text for q in _all(
        "The fund was increased from last year's total of £4.2m to £5m.", registry)]
    assert spans == ["£4.2m", "£5m"]


def test_a_verb_compound_is_no_count(registry):
    spans = [q.span.text for q in _all("She three-putted from 20 feet.", registry)]
    assert spans == ["20 feet"]


def test_golf_total_with_relative_score_in_parentheses(registry):
    text = "Her winning total was 271 (17 under) at the Classic."
    assert [(_unit(q), q.value) for q in _all(text, registry)] == [("stroke", 271),
                                                                    ("stroke", 17)]


def test_an_abbreviation_ends_no_sentence(registry):
    q = _find("EPS: 31 cents vs. 28 cents a year ago, on revenue of $2 billion.", "28 cents",
              registry)
    assert q.per == "share"


# -- the new shapes never crash, stay finite and take linear time ----------------------------

_NEW_SHAPES = st.sampled_from([
    "three-under", "68", "par", "birdies", "minus-12", "holes", "17", "and", "four", "back",
    "won by", "(", ")", "14 under", "278", "fivefold", "5-fold", "two-fold", "degrees",
    "(38.9 Celsius)", "(104F)", "101.3", "off", "60 balls", "age", "12-15", "and older",
    "several hundred billion dollars", "Users (U):", "330 million", "vs.", "10- or", "12-inch",
    "7 or even", "8 years", "exceeded", "sub-2:04:00", "heated", "by an average of", "1.1",
    "warm by", "a", "$5 trillion", "debt limit increase", "Widespread", "1.5 to 2.5 inches",
    "TO", "3 INCHES", "2013.4", "one", "game", "in", "—", "39 C", ",", ".", " ", "\n",
])


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.lists(_NEW_SHAPES, max_size=30).map(" ".join),
                 st.lists(_NEW_SHAPES, max_size=30).map("".join)))
def test_round3_shapes_never_crash_and_stay_finite(registry, text):
    for q in _all(text, registry):
        assert text[q.span.start:q.span.end] == q.span.text
        for x in (q.value, q.low, q.high):
            assert x is None or (math.isfinite(x) and abs(x) <= MAX_VALUE), q
        if q.low is not None and q.high is not None:
            assert q.low <= q.high, q
        registry.parse_units(q.unit)


@pytest.mark.parametrize("unit", [
    "a birdie and a three-under 68, ", "holes 17 and 18 and ", "five-fold and 3-fold, ",
    "101 degrees (38 Celsius), ", "107 off 60 balls, ", "Users (U): 3 million vs. ",
    "7 or even 8 years, ", "in one game after 4 goals, ",
], ids=lambda u: u.strip()[:20])
def test_round3_time_grows_linearly(registry, unit):
    # the same shape 200 and 800 times: linear time grows 4x, quadratic 16x
    small, large = unit * 200, unit * 800
    _all(small, registry)
    t_small = best_cpu_seconds(lambda t: _all(t, registry), small)
    t_large = best_cpu_seconds(lambda t: _all(t, registry), large)
    assert t_large < 8 * t_small + 0.05, (unit, t_small, t_large)
