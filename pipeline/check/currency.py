"""Currency conversion for the checks: an interval in one currency, converted to another at
a year's average rate (``rules/rates.yaml``), with the text an explanation shows.

Pure functions over the validated rules; nothing here decides whether two claims are
compared (the comparison policy in :mod:`pipeline.check.checks` does).

>>> from pipeline.rules import load_rules
>>> rules = load_rules("rules")
>>> c = convert((1.3e9, 1.3e9), "SGD", "USD", year=2023, rates=rules.rates,
...             currencies=rules.currencies)
>>> c.text
'S$1.3B ≈ US$0.968B at the 2023 average rate'
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from pipeline.rules import CurrenciesFile, RatesFile, answered_for_last
from pipeline.units import format_number


@dataclass(frozen=True)
class Conversion:
    """An interval converted: its ends in ``currency``, the ``rate`` used (units of the
    target per unit of the source), the ``year`` of that rate, and the human ``text``
    ("S$1.3B ≈ US$0.97B at the 2025 average rate"). ``filled`` says how the table filled
    that year's rate when its source does not publish it (``None``: published)."""

    low: float | None
    high: float | None
    currency: str
    rate: float
    year: int
    text: str
    filled: str | None = None


@dataclass(frozen=True)
class NotConverted:
    """Why an amount cannot be converted; the checks list it as *not compared*."""

    reason: str


def convert(interval: tuple[float | None, float | None], source: str, target: str, *,
            year: int | None, rates: RatesFile, currencies: CurrenciesFile | None = None,
            why: str | None = None) -> Conversion | NotConverted:
    """Convert ``interval`` (amounts in ``source``, open ends ``None``) to ``target`` at
    ``year``'s average rate.

    ``year`` is the claim's date, else its article's; without one there is no rate to
    pick. ``currencies`` (optional) gives the symbols the text is written with; ``why``
    (optional) says in the text where the year comes from ("the year of its period"). A
    year the table fills is said so: "(filled: the 2024 value carried forward)".
    """
    if source == target:
        year_text = f" ({year})" if year is not None else ""
        return Conversion(interval[0], interval[1], target, 1.0, year or 0,
                          f"{money(interval, source, currencies)}{year_text}: same currency")
    if year is None:
        return NotConverted(f"no date for the claim or its article to pick a {source}/{target} "
                            "rate")
    rate = cross_rate(source, target, year, rates)
    if isinstance(rate, NotConverted):
        return rate
    low, high = (_scaled(x, rate) for x in interval)
    if all(x is None for x in (low, high)) and any(x is not None for x in interval):
        return NotConverted(f"{money(interval, source, currencies)} overflows when converted "
                            f"to {target}")
    filled = rates.filled.get(year)
    scale = _scale_of(interval)
    text = (f"{money(interval, source, currencies, scale=scale)} ≈ "
            f"{money((low, high), target, currencies, scale=scale)} at the {year} average rate")
    notes = [*([why] if why else []), *([f"filled: {filled.split(' (')[0]}"] if filled else [])]
    if notes:
        text += f" ({'; '.join(notes)})"
    return Conversion(low, high, target, rate, year, text, filled)


def cross_rate(source: str, target: str, year: int, rates: RatesFile) -> float | NotConverted:
    """Units of ``target`` per unit of ``source`` in ``year``, through the table's base."""
    per_base: dict[str, float] = {}
    for code in (source, target):
        if code == rates.base:
            per_base[code] = 1.0
            continue
        series = rates.currencies.get(code)
        if series is None:
            return NotConverted(f"no exchange rates for {code} in rates.yaml")
        value = series.rates.get(year)
        if value is None:
            years = sorted(series.rates)
            return NotConverted(f"no {year} rate for {code} in rates.yaml (it covers "
                                f"{years[0]}-{years[-1]})")
        per_base[code] = value if series.quote == "units_per_usd" else 1.0 / value
    return per_base[target] / per_base[source]


def money(interval: tuple[float | None, float | None], code: str,
          currencies: CurrenciesFile | None = None, *, scale: float | None = None) -> str:
    """An amount or interval as a newsroom writes it: ``S$1.3B``, ``US$0.968B``,
    ``€2B–2.5B``, ``at least $60B``; a currency without a symbol as ``CHF 3.2B``.
    ``scale`` (1e9 for "B"...) keeps a converted amount at the scale of the original."""
    sign = symbol(code, currencies)
    low, high = interval

    def one(x: float) -> str:
        return sign + _number(x, scale)

    if low is not None and high is not None:
        if math.isclose(low, high, rel_tol=1e-9):
            return one(low)
        return f"{one(low)}–{_number(high, scale)}"
    if low is not None:
        return f"at least {one(low)}"
    if high is not None:
        return f"at most {one(high)}"
    return f"an unknown amount of {code}"


_SUFFIXES = {1e12: "T", 1e9: "B", 1e6: "M"}


def _scale_of(interval: tuple[float | None, float | None]) -> float | None:
    values = [abs(x) for x in interval if x is not None and x]
    if not values:
        return None
    top = max(values)
    return next((s for s in sorted(_SUFFIXES, reverse=True) if top >= s), None)


def _number(x: float, scale: float | None) -> str:
    if scale is None or not math.isfinite(x):
        return format_number(x)
    return f"{x / scale:,.3g}{_SUFFIXES[scale]}"


def symbol(code: str, currencies: CurrenciesFile | None = None) -> str:
    """How to write ``code`` before a number: its first spelling no other currency shares,
    preferring a symbol ("US$", "S$", "€", "JP¥"); else the code and a space ("CHF ")."""
    if currencies is None or code not in currencies.currencies:
        return f"{code} "
    return _symbol(currencies, code)


@answered_for_last
def _symbol(currencies: CurrenciesFile, code: str) -> str:
    """(every converted figure asks: worked out once per currencies table and code)"""
    shared: dict[str, int] = {}
    for rule in currencies.currencies.values():
        for spelling in set(rule.prefixes):
            shared[spelling] = shared.get(spelling, 0) + 1
    mine = [p for p in currencies.currencies[code].prefixes if shared.get(p) == 1]
    for spelling in mine:
        if any(not ch.isalpha() and not ch.isspace() and ch != "." for ch in spelling) \
                and " " not in spelling:
            return spelling
    for spelling in mine:
        if spelling.isalpha() and spelling.isupper() and len(spelling) >= 2 \
                and spelling != code:
            return spelling
    return f"{code} "


def _scaled(x: float | None, rate: float) -> float | None:
    if x is None:
        return None
    y = x * rate
    return float(f"{y:.15g}") if math.isfinite(y) else None


__all__ = ["Conversion", "NotConverted", "convert", "cross_rate", "money", "symbol"]
