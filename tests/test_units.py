"""Unit helpers: canonical units, rates, totals over durations, dimensions, formatting."""

from __future__ import annotations

import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.models import Normalized, Quantity, Span
from pipeline.units import (
    dimension_key,
    duration_years,
    format_amount,
    format_number,
    format_ratio,
    normalize,
    rate_from_total,
    unit_name_known,
)

SPAN = Span(doc_id="d", start=0, end=1, text="x")


def quantity(value: float, unit: str = "USD", **kwargs) -> Quantity:
    return Quantity(span=SPAN, value=value, low=value, high=value, unit=unit, **kwargs)


@pytest.mark.parametrize(("value", "per", "expected"), [
    (1.25e9, "month", 15e9),
    (15e9, "year", 15e9),
    (300e6, "month", 3.6e9),
    (1e6, "week", 52.1775e6),
    (1e6, "day", 365.2422e6),
], ids=["month", "year", "300m-month", "week", "day"])
def test_rates_become_per_year(registry, value, per, expected):
    n = normalize(quantity(value, per=per), registry)
    assert n.unit == "USD / year"
    assert n.low == pytest.approx(expected, rel=1e-4)


def test_rate_per_user_keeps_the_count(registry):
    n = normalize(quantity(20, per="user / month"), registry)
    assert n.low == pytest.approx(240)
    assert dimension_key(registry, n.unit) == ("currency / count / time", "USD")


def test_total_over_a_duration_becomes_a_yearly_rate(registry):
    q = quantity(45e9, over="3 year")
    n = normalize(q, registry)
    assert (n.low, n.unit) == (45e9, "USD")
    rate = rate_from_total(q, n, registry)
    assert rate == Normalized(low=15e9, high=15e9, unit="USD / year", implied=(15e9, 15e9))


@pytest.mark.parametrize("q", [
    quantity(45e9), quantity(1e9, per="month"), quantity(1e9, over="forever"),
], ids=["no-duration", "already-a-rate", "not-a-duration"])
def test_no_rate_without_a_duration(registry, q):
    assert rate_from_total(q, normalize(q, registry), registry) is None


def test_open_bounds_stay_open(registry):
    q = Quantity(span=SPAN, value=60e9, low=60e9, high=None, bound="at_least", unit="USD",
                 over="2 year")
    rate = rate_from_total(q, normalize(q, registry), registry)
    assert rate is not None and rate.low == 30e9 and rate.high is None


@pytest.mark.parametrize(("expr", "years"), [
    ("3 year", 3.0), ("18 month", 1.5), ("6 months", 0.5), ("bogus", None), ("3 USD", None),
    ("0 year", None),
])
def test_duration_years(registry, expr, years):
    assert duration_years(registry, expr) == (pytest.approx(years) if years else None)


@pytest.mark.parametrize(("unit", "key"), [
    ("USD", ("currency", "USD")),
    ("EUR / year", ("currency / time", "EUR")),
    ("GPU", ("count", "")),
    ("GPU_equivalent", ("count", "")),
    ("megawatt", ("power", "")),
])
def test_dimension_key(registry, unit, key):
    assert dimension_key(registry, unit) == key


def test_currencies_never_share_a_key(registry):
    assert dimension_key(registry, "USD") != dimension_key(registry, "EUR")


@pytest.mark.parametrize(("value", "unit", "text"), [
    (15e9, "USD / year", "$15B/year"),
    (1.25e9, "USD / month", "$1.25B/month"),
    (1.2e12, "USD", "$1.2T"),
    (555_000, "GPU", "555,000 GPU"),
    (150_000, "USD", "$150,000"),
    (20, "EUR / user / month", "€20/user/month"),
    (0.75, "dimensionless", "0.75"),
    (math.inf, "USD", "$∞"),
])
def test_format_amount(value, unit, text):
    assert format_amount(value, unit) == text


def test_format_number_small_fractions():
    assert format_number(6.36) == "6.36"


@pytest.mark.parametrize("ratio, text", [
    (2.183, "2.2"), (9.333, "9.3"), (10.09, "10"), (11.45, "11"), (1.04, "1.04"),
    (1.5, "1.5"), (1.999, "2"), (1250.4, "1,250"), (math.inf, "∞"),
])
def test_format_ratio_speaks_as_a_reader_does(ratio, text):
    assert format_ratio(ratio) == text


_SETTINGS = settings(max_examples=100, deadline=None,
                     suppress_health_check=[HealthCheck.function_scoped_fixture])


@_SETTINGS
@given(value=st.floats(min_value=1e-3, max_value=1e15), per=st.sampled_from(["month", "week",
                                                                               "day", "year"]))
def test_rate_round_trip(registry, value, per):
    # a rate normalized to per year and converted back gives the figure as written
    n = normalize(quantity(value, per=per), registry)
    back = registry.Quantity(n.low, n.unit).to(f"USD / {per}").magnitude
    assert back == pytest.approx(value, rel=1e-9)


@_SETTINGS
@given(value=st.floats(min_value=1.0, max_value=1e15), years=st.integers(1, 10))
def test_total_and_rate_round_trip(registry, value, years):
    q = quantity(value, over=f"{years} year")
    rate = rate_from_total(q, normalize(q, registry), registry)
    assert rate is not None and rate.low is not None
    assert rate.low * years == pytest.approx(value, rel=1e-9)


# Identifiers that are units (names, aliases, symbols, prefixed, plural) and ones that are not.
_NAMES = ["USD", "dollar", "dollars", "GPU", "GPUs", "kilowatt", "kW", "MW", "month", "months",
          "year", "in", "m", "dimensionless", "Singapore_dollar", "person", "people", "H100",
          "Anthropic", "xAI", "pricetag", "per", "pi", "inf", "nan", "and", "the", "Q3",
          "robotaxi", "kiloGPU", "GB", "gigabytes", "_x", "USD_month"]


@pytest.mark.parametrize("name", _NAMES)
def test_unit_name_known_never_misses_a_unit(registry, name):
    # False must mean the registry lookup fails; True may still fail (an offset unit, ...)
    try:
        registry.Unit(name)
    except Exception:  # noqa: BLE001 - any failure of the lookup is a "not a unit"
        return
    assert unit_name_known(registry, name)


@_SETTINGS
@given(name=st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,12}", fullmatch=True))
def test_unit_name_known_agrees_with_a_failing_lookup(registry, name):
    if not unit_name_known(registry, name):
        with pytest.raises(Exception):  # noqa: B017, PT011 - pint raises several kinds
            registry.Unit(name)


@pytest.mark.parametrize(("unit", "per"), [
    ("USD", None), ("USD", "month"), ("USD", "user / month"), ("megawatt", None),
    ("GPU", None), ("percent", None), ("no_such_unit_xyz", None), ("USD", "fortnight_xyz"),
], ids=["usd", "per-month", "per-user-month", "power", "count", "percent", "unknown",
        "unknown-per"])
def test_normalize_with_remembered_conversions_is_the_same(registry, unit, per):
    conversions: dict[str, tuple[float, str] | None] = {}
    for value in (1.0, 2.5e9, 7.0):
        q = quantity(value, unit=unit, per=per)
        assert normalize(q, registry, conversions=conversions) == normalize(q, registry)
    assert len(conversions) == 1
