"""Quantities: shapes found on the development sets of issue 16, round 4 (news-d-held, now
spent, and news-a), each on sentences of our own."""

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


# -- stock indexes: a level or a move in a sentence naming an index is in points -------------

INDEX_LEVELS = [
    ("The FTSE 250 ended the week at 19,412.50 after a quiet session.", "19,412.50", 19412.5),
    ("Tokyo's Topix slipped 0.3% to 2,731.04 on Tuesday.", "2,731.04", 2731.04),
    ("In Mumbai the Sensex closed at 72,105 while the rupee firmed.", "72,105", 72105),
    ("The Hang Seng dropped 1.1 per cent to 17,230.6 in late trade.", "17,230.6", 17230.6),
]


@pytest.mark.parametrize(("text", "span", "value"), INDEX_LEVELS,
                         ids=[c[1] for c in INDEX_LEVELS])
def test_index_levels_are_points(text, span, value, registry):
    q = _find(text, span, registry)
    assert math.isclose(q.value, value) and _unit(q) == "point"
    assert q.direction is None


def test_no_index_no_points(registry):
    q = _find("Attendance at the fair closed at 5,200 on Sunday.", "5,200", registry)
    assert _unit(q) != "point"


# -- directions ------------------------------------------------------------------------------

DIRECTIONS = [
    # a direction word after "N points, or M%," applies to both
    ("The Kospi ended 12.6 points, or 0.5%, lower at 2,510.3.", "12.6 points", "down"),
    ("The Kospi ended 12.6 points, or 0.5%, lower at 2,510.3.", "0.5%", "down"),
    ("The Topix finished 9.1 points, or 0.4 per cent, higher at 2,304.", "0.4 per cent", "up"),
    # "gave up" is a fall of an index or a price
    ("The Nasdaq 100 gave up 88 points, or 0.6 percent, by the close.", "88 points", "down"),
    ("The Nasdaq 100 gave up 88 points, or 0.6 percent, by the close.", "0.6 percent", "down"),
    # a noun of change before ", or" names the figure after it too
    ("It was a 30-point rise, or 0.2%, for the Dow.", "0.2%", "up"),
    ("Traders saw a 45-point drop, or 0.3%, in the S&P 500.", "0.3%", "down"),
]


@pytest.mark.parametrize(("text", "span", "direction"), DIRECTIONS,
                         ids=[c[1] + c[0][:10] for c in DIRECTIONS])
def test_directions_across_or(text, span, direction, registry):
    assert _find(text, span, registry).direction == direction


def test_gave_up_runs_is_no_fall(registry):
    q = _find("The reliever gave up 4 runs in two innings.", "4 runs", registry)
    assert q.direction is None


# -- currencies, units, times ------------------------------------------------------------------

UNITS = [
    ("She has earned AUD $12.5 million (USD $8.1 million) on tour.", "AUD $12.5 million",
     12.5e6, "AUD"),
    ("She has earned AUD $12.5 million (USD $8.1 million) on tour.", "USD $8.1 million",
     8.1e6, "USD"),
    ("The club paid NZD $3 million for the land.", "NZD $3 million", 3e6, "NZD"),
    ("Warming could pass 2.1 degrees Celcius by 2060.", "2.1 degrees Celcius", 2.1,
     "degree_Celsius"),
    ("The guard averaged 17.3 ppg over four seasons.", "17.3 ppg", 17.3, "point / game"),
    ("The centre posted 11.2 rpg as a rookie.", "11.2 rpg", 11.2, "rebound / game"),
    ("The boat drifted for somewhere between 300 and 400 m.", "between 300 and 400 m", None,
     "meter"),
    ("Her javelin landed at 64 m, a national record.", "64 m", 64, "meter"),
]


@pytest.mark.parametrize(("text", "span", "value", "unit"), UNITS, ids=[c[1] for c in UNITS])
def test_units(text, span, value, unit, registry):
    q = _find(text, span, registry)
    if value is not None:
        assert math.isclose(q.value, value)
    got = _unit(q) if q.per is None else f"{_unit(q)} / {q.per.removesuffix('_count')}"
    assert got == unit or q.currency == unit, (q.unit, q.per, q.currency)


def test_spaced_m_after_money_or_before_plural_is_no_metre(registry):
    quantities = _all("It sold 40 m units last year.", registry)
    assert all(_unit(q) != "meter" for q in quantities)


LAP_TIMES = [
    ("She won the 1500m in 3:58.21, a meeting record.", "3:58.21", 238.21),
    ("His 200m freestyle time of 1:44.9 stood for a decade.", "1:44.9", 104.9),
]


@pytest.mark.parametrize(("text", "span", "seconds"), LAP_TIMES, ids=[c[1] for c in LAP_TIMES])
def test_lap_times_in_seconds(text, span, seconds, registry):
    q = _find(text, span, registry)
    assert math.isclose(q.value, seconds) and q.unit == "second"


def test_clock_time_is_no_lap_time(registry):
    assert [q.span.text for q in _all("The train left at 10:45 on Monday.", registry)] == []


def test_temperature_each_day_is_a_level_not_a_rate(registry):
    text = "The thermometer climbed past 38°C every day of the heatwave."
    q = _find(text, "climbed past 38°C", registry)
    assert q.unit == "degree_Celsius" and q.per is None and q.bound == "at_least"


def test_warming_per_decade_stays_a_rate(registry):
    q = _find("The region warmed 0.3C a decade since 1980.", "0.3C a decade", registry)
    assert q.per is not None


SHARES_OF_SCALES = [
    ("Nearly a quarter million fans came to the parade.", "Nearly a quarter million fans",
     2.5e5),
    ("Roughly a third of a million voters stayed home.",
     "Roughly a third of a million voters",
     1e6 / 3),
    ("The city spent three-quarters of a billion dollars on roads.",
     "three-quarters of a billion dollars", 7.5e8),
    ("The charity raised half a million pounds.", "half a million pounds", 5e5),
]


@pytest.mark.parametrize(("text", "span", "value"), SHARES_OF_SCALES,
                         ids=[c[1] for c in SHARES_OF_SCALES])
def test_share_of_a_scale_word(text, span, value, registry):
    assert math.isclose(_find(text, span, registry).value, value, rel_tol=1e-6)


def test_ordinal_before_a_compound_is_no_share(registry):
    spans = [q.span.text for q in _all("It was its third billion-dollar deal.", registry)]
    assert not any("third" in s for s in spans)


def test_hyphenated_rates(registry):
    q = _find("The board declared a 15-cent-a-share dividend.", "15-cent-a-share", registry)
    assert q.per == "share"
    q = _find("Parking is a $7-a-day charge.", "$7-a-day", registry)
    assert q.per == "day" and q.currency == "USD"


def test_suspended_hyphen_range_takes_the_unit(registry):
    q = _find("They planned a 30- to 40-meter tower.", "30- to 40-meter", registry)
    assert (q.bound, q.low, q.high, q.unit) == ("range", 30, 40, "meter")
    # "or" offers two sizes, not a range
    spans = [q.span.text for q in _all("Pick a 13- or 15-inch laptop.", registry)]
    assert spans == ["13", "15-inch"]


def test_capitalised_number_word_in_a_name_is_no_figure(registry):
    assert _all("Crowds cheered the band called Three Dog Night.", registry) == []
    assert _all("They toured the Three Mile Island plant in May.", registry) == []
    q = _find("Officials said Two Hundred people came.", "Two Hundred people", registry)
    assert q.value == 200


def test_change_verb_by_past_a_year(registry):
    q = _find("The agency cut its forecast for 2026 by about 2 percent.", "about 2 percent",
              registry)
    assert q.direction == "down"


EXCHANGE_LEVELS = [
    ("The rupee was trading at 83.215 in early deals.", "83.215", "INR"),
    ("Later the yen weakened to 151.62 after the data.", "151.62", "JPY"),
    ("The Swiss franc firmed to 0.8843 by noon.", "0.8843", "CHF"),
]


@pytest.mark.parametrize(("text", "span", "code"), EXCHANGE_LEVELS,
                         ids=[c[2] for c in EXCHANGE_LEVELS])
def test_currency_as_subject_quotes_its_level(text, span, code, registry):
    assert _find(text, span, registry).currency == code


@pytest.mark.parametrize("text", [
    "The euro rose to 1.0812 in New York.",  # quoted in dollars, not per dollar
    "The euro zone's index rose to 45.62.",
    "Sales in yen rose to 12.55.",
])
def test_no_currency_for_other_levels(text, registry):
    assert all(q.currency is None for q in _all(text, registry))


def test_bare_figure_between_two_of_one_noun_takes_it(registry):
    text = "A win is worth 3 points, a draw 1 and a bonus 2 points."
    q = _find(text, "1", registry)
    assert _unit(q) == "point"
    text = "The club has 14 shops, 6 outlets and 3 kiosks."
    assert _unit(_find(text, "6 outlets", registry)) == "outlet"


def test_runs_off_balls_win_over_the_neighbours(registry):
    text = "He made 88 off 51 balls and then 40 off 22 balls."
    assert _unit(_find(text, "40", registry)) == "run"


# -- the new shapes never crash, stay finite and take linear time ----------------------------

_NEW_SHAPES = st.sampled_from([
    "FTSE 250", "Sensex", "closed", "at", "7,490.5", "gave up", "12 points", ", or", "0.5%",
    "higher", "lower", "a 30-point", "rise", "AUD $", "USD $12", "million", "Celcius",
    "degrees", "ppg", "9.1", "between", "50 and 60", "m", "3:43.13", "4:07", "each day",
    "past 33°C", "soared past", "units", "$60", "a quarter", "of a", "billion", "-a-share",
    "12-cent", "8-", "to", "16-meter", ",", ".", " ", "\n",
])


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.lists(_NEW_SHAPES, max_size=30).map(" ".join),
                 st.lists(_NEW_SHAPES, max_size=30).map("".join)))
def test_round4_shapes_never_crash_and_stay_finite(registry, text):
    for q in _all(text, registry):
        assert text[q.span.start:q.span.end] == q.span.text
        for x in (q.value, q.low, q.high):
            assert x is None or (math.isfinite(x) and abs(x) <= MAX_VALUE), q
        if q.low is not None and q.high is not None:
            assert q.low <= q.high, q
        registry.parse_units(q.unit)


@pytest.mark.parametrize("unit", [
    "the FTSE 100 closed 3 points, or 0.1%, higher at 7,490. ", "gave up 5 points, ",
    "AUD $3 million (USD $2 million), ", "between 50 and 60 m, ", "3:43.13 and 4:07.64, ",
    "9.1 ppg, ", "past 33°C each day, ", "a third of a million people, ",
    "a 12-cent-a-share dividend, ", "an 8- to 16-meter mast, ",
], ids=lambda u: u.strip()[:20])
def test_round4_time_grows_linearly(registry, unit):
    # the same shape 200 and 800 times: linear time grows 4x, quadratic 16x
    small, large = unit * 200, unit * 800
    _all(small, registry)
    t_small = best_cpu_seconds(lambda t: _all(t, registry), small)
    t_large = best_cpu_seconds(lambda t: _all(t, registry), large)
    assert t_large < 8 * t_small + 0.05, (unit, t_small, t_large)


# -- currency names written with stops, and scale words joined by a hyphen ------------------

CURRENCY_NAMES = [
    ("Exports reached 41.3 billion U.S. dollars last year.", "41.3 billion U.S. dollars",
     41.3e9, "USD"),
    ("The port handled goods worth 12 billion U.S. dollars.", "12 billion U.S. dollars",
     12e9, "USD"),
    ("A regulator imposed a $2.4-billion penalty on the carrier.", "$2.4-billion", 2.4e9, "USD"),
    ("The bank was handed a 1.1-billion-euro fine.", "1.1-billion-euro", 1.1e9, "EUR"),
]


@pytest.mark.parametrize(("text", "span", "value", "unit"), CURRENCY_NAMES)
def test_stopped_currency_names_and_hyphenated_scales(text, span, value, unit, registry):
    q = _find(text, span, registry)
    assert math.isclose(q.value, value) and q.unit == unit


def test_a_hyphen_before_a_small_word_is_no_scale(registry):
    assert [q.value for q in _all("They won 3-0 and charged a $4-a-month fee.", registry)
            if q.unit == "USD"] == [4.0]
