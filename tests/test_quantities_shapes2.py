"""Quantities: shapes found on news-c (issue 16, round 2), each on sentences of our own.

Each case names one quantity by its span and the fields it must have; ``absent`` lists spans
that must not come out as quantities (claims or references)."""

from __future__ import annotations

import math

import pytest

from pipeline.extract.quantities import extract_quantities

CASES = [
    # degree-sign look-alikes and the metric way of writing
    ("Thermometers in the valley read 41⁰C on Tuesday.", "41⁰C", 41, "degree_Celsius", "exact"),
    ("The pool was kept at 28ºC all winter.", "28ºC", 28, "degree_Celsius", "exact"),
    ("Snow melted at 34˚F by noon.", "34˚F", 34, "degree_Fahrenheit", "exact"),
    ("After 40mm of rain the mercury dropped 6 degrees in Pune.", "6 degrees", 6,
     "degree_Celsius", "exact"),
    ("The trail climbs 12 km and the hut sits at 15 degrees in July.", "15 degrees", 15,
     "degree_Celsius", "exact"),
    # a spaced "m" before a dimension adjective is metres
    ("The excavators found a tusk about 2.4 m long in the gravel.", "about 2.4 m", 2.4,
     "meter", "approx"),
    ("The new tower is 30 m taller than the old one.", "30 m", 30, "meter", "exact"),
    # parts per million/billion
    ("Ozone peaked at 95 parts per billion near the port.", "95 parts per billion", 95, "ppb",
     "exact"),
    ("Methane held at 1,900 part per billion in the samples.", "1,900 part per billion", 1900,
     "ppb", "exact"),
    # a period word glued to the number
    ("Crews worked for 36hours to restore power.", "36hours", 36, "hour", "exact"),
    # below zero
    ("Bismarck woke to 14 below zero on Friday.", "14 below zero", -14, "degree_Fahrenheit",
     "exact"),
    ("Wind chills of 25 degrees below zero are likely.", "25 degrees below zero", -25,
     "degree_Fahrenheit", "exact"),
    # race times as durations
    ("She won the Berlin race in 2:15:25, a course record.", "2:15:25", 8125, "second", "exact"),
    ("The relay team finished in 1:04:09.5 after a fall.", "1:04:09.5", 3849.5, "second",
     "exact"),
    ("Nobody had gone under 2:05:00 on that course.", "under 2:05:00", 7500, "second",
     "at_most"),
    # a conversion in parentheses shares the bound
    ("The dam holds back more than 40 miles (64 kilometers) of river.", "64 kilometers", 64,
     "kilometer", "at_least"),
    ("The sail spans nearly 30 feet (9 meters) at full stretch.", "9 meters", 9, "meter",
     "approx"),
    # a change "from A to B" names two levels, even with the verb far before it
    ("The agency raised its estimate of affected homes on Friday from 2.1 million to "
     "2.6 million homes.", "2.1 million", 2.1e6, "home", "exact"),
    # a unit abbreviation with a full stop inside a sentence
    ("The trailer weighs between 3,000 lbs. and 4,500 lbs. when loaded.",
     "between 3,000 lbs. and 4,500 lbs.", 3750, "pound", "range"),
    # a margin is not negative
    ("The estimate carries a margin of plus or minus 3 percent.", "3 percent", 3, "percent",
     "exact"),
    # a possessive before a number is no model name
    ("The board preferred Vodafone's 120 pence offer.", "120 pence", 120, "penny", "exact"),
    # "a near 50%" is approximate
    ("The bid is a near 40% premium to Friday's close.", "near 40%", 40, "percent", "approx"),
]

MONEY = [
    # a dollar sign escaped for markdown; the span keeps the text as written
    ("The winner takes home A\\$3,500,000 this year.", "A\\$3,500,000", 3.5e6, "AUD"),
    ("Tickets cost \\$45 at the gate.", "$45", 45, "USD"),
    # an exchange-rate note: "pounds" after "=" is sterling
    ("Profit rose to $2 billion. ($1 = 0.7912 pounds)", "0.7912 pounds", 0.7912, "GBP"),
    # a currency in a hyphenated compound
    ("Every 1-yen move shifts profit by 40 billion yen.", "1-yen", 1, "JPY"),
    ("Drivers face a 60-euro fine for speeding.", "60-euro", 60, "EUR"),
]

RATES = [  # a conversion in parentheses shares the rate after it
    ("Gusts reached 90 miles (145 kilometers) an hour on the ridge.", "145 kilometers", "hour"),
    ("The pipeline moves 300,000 barrels (48 million liters) of crude a day.",
     "48 million liters", "day"),
]

COUNTS = [  # the counted noun a reader supplies
    ("The landslide left 14 dead and dozens homeless.", "14 dead", 14, "person"),
    ("Rescuers said more than 230 injured were taken to hospitals.",
     "more than 230 injured", 230, "person"),
    ("By Monday the death toll had risen to 57, officials said.", "57", 57, "death"),
    ("The agency recalled 1.2 million U.S. trucks over brake faults.",
     "1.2 million U.S. trucks", 1.2e6, "truck"),
]

PLURALS = [
    ("The city bought 40 electric buses this year.", "40 electric buses", "bus"),
    ("Forecasters counted 12 tornadoes across the plains.", "12 tornadoes", "tornado"),
    ("The shop sold 300 pairs of shoes.", "300 pairs", "pair"),
    ("Volunteers handed out 500 potatoes.", "500 potatoes", "potato"),
]

@pytest.mark.parametrize(("text", "span", "value", "currency"), MONEY,
                         ids=[c[1] for c in MONEY])
def test_money(text, span, value, currency, registry):
    q = _find(text, span, registry)
    assert text[q.span.start:q.span.end] == q.span.text
    assert math.isclose(q.value, value) and q.currency == currency


@pytest.mark.parametrize(("text", "span", "per"), RATES, ids=[c[1] for c in RATES])
def test_conversion_shares_rate(text, span, per, registry):
    assert _find(text, span, registry).per == per


ABSENT = [
    ("Each of the top-five finishers earns a bonus.", "five"),
    ("He has finished in the top three twice.", "three"),
    ("The alarm sounded at 10:32:15 a.m. on the third floor.", "10"),
    ("The stadium seats 40,000,[12] more than any other in the league.", "12"),
    ("The rule dates from an earlier code,[nb 3] since repealed.", "3"),
    ("Engineers expect the dam to last until the year 2400 at least.", "2400"),
]


def _find(text, span, registry):
    quantities = extract_quantities(text, doc_id="t", registry=registry)
    for q in quantities:
        if q.span.text == span:
            return q
    raise AssertionError(f"no quantity {span!r} in {[q.span.text for q in quantities]}")


@pytest.mark.parametrize(("text", "span", "value", "unit", "bound"), CASES,
                         ids=[c[1] for c in CASES])
def test_shape(text, span, value, unit, bound, registry):
    q = _find(text, span, registry)
    assert q.value is not None and math.isclose(q.value, value, rel_tol=1e-9)
    assert q.unit == unit
    assert q.bound == bound


@pytest.mark.parametrize(("text", "span", "value", "noun"), COUNTS, ids=[c[1] for c in COUNTS])
def test_counted(text, span, value, noun, registry):
    q = _find(text, span, registry)
    assert math.isclose(q.value, value) and q.unit.removesuffix("_count") == noun
    assert not q.reference


@pytest.mark.parametrize(("text", "span", "noun"), PLURALS, ids=[c[2] for c in PLURALS])
def test_counted_noun_singular(text, span, noun, registry):
    # a noun that is also a pint name gets a "_count" suffix ("bus_count")
    assert _find(text, span, registry).unit.removesuffix("_count") == noun


@pytest.mark.parametrize(("text", "digits"), ABSENT, ids=[c[1] for c in ABSENT])
def test_not_a_quantity(text, digits, registry):
    spans = [q.span.text for q in extract_quantities(text, doc_id="t", registry=registry)]
    assert not any(s == digits or s.startswith(digits + " ") for s in spans), spans


DIRECTIONS = [
    ("Orders are now expected to show a 2.5% increase for the year.", "2.5%", "up"),
    ("Analysts pencilled in a 40 billion yen upgrade to the forecast.", "40 billion yen", "up"),
    ("Every 1-euro rise costs the exporter dearly.", "1-euro", "up"),
    ("Output was 4.2 per cent higher than a year earlier.", "4.2 per cent", "up"),
    ("Margins came in 3% lower than analysts expected.", "3%", "down"),
    ("The region saw 22% more snowfall than usual.", "22%", "up"),
    ("Exports suffered falls of 6% in May, 4% in June and 3% in July.", "3%", "down"),
    ("Sales rose 9% in Ohio, 5% in Texas and 1% in Maine.", "5%", "up"),
]


@pytest.mark.parametrize(("text", "span", "direction"), DIRECTIONS,
                         ids=[c[0][:30] for c in DIRECTIONS])
def test_direction(text, span, direction, registry):
    assert _find(text, span, registry).direction == direction


def test_level_in_a_list_has_no_direction(registry):
    text = "Profit rose 5% in 2023, and margins were 12% in the quarter."
    assert _find(text, "12%", registry).direction is None


DATELINES = [
    ("BRISBANE, Australia — The council approved a $40 million stadium upgrade.", "AUD"),
    ("AUCKLAND (Reuters) - Fonterra cut its payout forecast by $1.5 billion.", "NZD"),
    ("TORONTO — The lender set aside $900 million for bad loans.", "CAD"),
    ("CHICAGO (Reuters) - Boeing booked a $2 billion charge.", "USD"),
    ("The fund raised $40 million in Sydney last week.", "USD"),  # no dateline: US dollars
]


@pytest.mark.parametrize(("text", "currency"), DATELINES, ids=[c[1] + c[0][:8] for c in DATELINES])
def test_dateline_currency(text, currency, registry):
    money = [q for q in extract_quantities(text, doc_id="t", registry=registry) if q.currency]
    assert [q.currency for q in money] == [currency]


RATE_BEFORE = [
    ("Utilities paid a price per tonne of $85 for coal.", "$85", "metric_ton"),
    ("Average revenue per user was $7.40 in the quarter.", "$7.40", "user"),
]


@pytest.mark.parametrize(("text", "span", "per"), RATE_BEFORE, ids=[c[1] for c in RATE_BEFORE])
def test_rate_named_before(text, span, per, registry):
    assert _find(text, span, registry).per == per


def test_per_cent_is_no_rate(registry):
    q = _find("Costs fell 5 per cent to $40.", "$40", registry)
    assert q.per is None
