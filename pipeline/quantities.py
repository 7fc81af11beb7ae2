"""Quantities stage: find numbers with units in text.

First version: plain money figures ("$60 billion", "$1.25B/month", "$15 billion annually").
"""

from __future__ import annotations

import re

import pint

from pipeline.models import Quantity, Span

_SCALES = {
    "thousand": 1e3, "k": 1e3,
    "million": 1e6, "m": 1e6, "mn": 1e6, "mln": 1e6,
    "billion": 1e9, "b": 1e9, "bn": 1e9,
    "trillion": 1e12, "t": 1e12, "tn": 1e12,
}
_CURRENCY = {"$": "USD", "us$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "s$": "SGD"}
_PERIODS = {
    "month": "month", "monthly": "month", "year": "year", "annually": "year",
    "annual": "year", "yearly": "year", "week": "week", "day": "day", "quarter": "quarter",
}
_MONEY = re.compile(
    r"(?P<cur>US\$|S\$|\$|€|£|¥)\s?(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    r"(?:\s*(?P<scale>thousand|million|billion|trillion|bn|mln|mn|tn|[kKmMbBtT])\b)?"
    r"(?:\s*(?:/|per|a|an|each)\s*(?P<per>month|year|week|day|quarter)\b"
    r"|\s+(?P<adv>monthly|annually|yearly))?"
)


def extract_quantities(text: str, *, doc_id: str, registry: pint.UnitRegistry) -> list[Quantity]:
    """Find quantities in ``text``; spans are offsets into ``text``."""
    found: list[Quantity] = []
    for match in _MONEY.finditer(text):
        number = float(match["num"].replace(",", ""))
        scale = match["scale"]
        if scale:
            number *= _SCALES[scale.lower()]
        per = match["per"] or match["adv"]
        found.append(Quantity(
            span=Span(doc_id=doc_id, start=match.start(), end=match.end(), text=match.group(0)),
            value=number, low=number, high=number, bound="exact",
            unit=_CURRENCY[match["cur"].lower()], currency=_CURRENCY[match["cur"].lower()],
            per=_PERIODS[per.lower()] if per else None, scale_word=scale,
        ))
    return found


# Used by the parse stage to decide which sentences need the full parser (issue 8). It must
# accept every sentence in which ``extract_quantities`` can find something: keep it a
# superset when adding patterns (digits, currency signs and codes, number words).
_MAY_HOLD = re.compile(
    r"\d|[$€£¥₹%]|\b(?:USD|EUR|GBP|SGD|JPY|CNY)\b|(?i:\b(?:zero|one|two|three|four|five|six"
    r"|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen"
    r"|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundreds?"
    r"|thousands?|millions?|billions?|trillions?|dozens?|half|third|quarter|double|triple"
    r"|twice|tens|bn|mln|percent|per\s+cent)\b)"
)


def may_hold_quantity(sentence: str) -> bool:
    """Cheap test: can ``sentence`` contain a quantity (digit, currency, number word)?"""
    return _MAY_HOLD.search(sentence) is not None
