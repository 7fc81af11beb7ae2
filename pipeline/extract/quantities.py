"""Quantities stage: find every number with its unit, bound, rate and duration in news text.

The extractor is a small hand-written parser over a token stream, not a pile of regular
expressions: it reads a number (digits with separators, number words, scale words and
newsroom abbreviations such as ``bn``/``mln``/``B``), then what stands before it (currency
signs and codes, hedges such as "about" or "more than", "between") and after it (a unit, a
percentage, a currency word, a counted noun, a rate such as "/month" or "per user monthly",
the second end of a range), and keeps the exact character span of all of it.

What is *not* a quantity is decided here too: versions and identifiers ("Grok 5", "GPT-4",
"S-1", "Colossus 1"), ranks ("#1", "No. 1", "top 5"), list markers, phone numbers, clock
times, ordinals, scores ("beat them 3-1") and dates. Dates are found by :func:`find_dates`
and handed to the claims stage for time scope instead.

Language (number words, hedge words, unit spellings) lives in the tables below; what the
units *are* (currencies, counted nouns and their aliases, reporting periods) lives in
``rules/units.txt`` and is read through the run's pint registry.

Absurd input never raises: numbers that overflow a float or exceed :data:`MAX_VALUE` are
skipped.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import NamedTuple

import pint

from pipeline.extract.dates import MONTHS
from pipeline.models import Bound, Quantity, Span
from pipeline.units import ensure_unit, unit_name_known

_CONTEXT_CURRENCY_CHARS = 2000
MAX_VALUE = 1e21
"""Numbers above this (a thousand quintillion) are read as noise, not as news figures."""

# --------------------------------------------------------------------------------------
# Lexicon: English number words, scale words, hedges and unit spellings.
# --------------------------------------------------------------------------------------
_ONES = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19,
}
_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}
_SCALE_WORDS = {
    "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12, "lakh": 1e5,
    "crore": 1e7,
}
# Abbreviations glued to a number ("$1.25B", "10k") or, for the unambiguous ones, after a
# space ("$5 bn").
_SCALE_ABBR = {
    "k": 1e3, "K": 1e3, "m": 1e6, "M": 1e6, "mn": 1e6, "mln": 1e6, "MM": 1e6, "b": 1e9,
    "B": 1e9, "bn": 1e9, "bln": 1e9, "Bn": 1e9, "T": 1e12, "tn": 1e12, "trn": 1e12,
    "Tn": 1e12,
}
_SPACED_ABBR = {"bn", "mn", "mln", "bln", "tn", "trn", "Bn", "Tn"}
# Vague plural amounts: "tens of thousands" -> [1e4, 1e5).
_VAGUE_HEADS = {"tens": (10, 100), "dozens": (24, 144), "hundreds": (100, 1000),
                "scores": (40, 200)}
_VAGUE_SCALES = {"thousands": 1e3, "millions": 1e6, "billions": 1e9, "trillions": 1e12}
_FEW = {"several": (3, 10), "few": (2, 10)}
_FRACTIONS = {
    "half": 0.5, "third": 1 / 3, "thirds": 1 / 3, "quarter": 0.25, "quarters": 0.25,
    "fifth": 0.2, "fifths": 0.2, "tenth": 0.1, "tenths": 0.1,
}

# Hedges before a number, longest first; matched on lower-cased words and symbols.
_HEDGES: tuple[tuple[tuple[str, ...], Bound], ...] = tuple(sorted(
    [
        (("about",), "approx"), (("around",), "approx"), (("roughly",), "approx"),
        (("approximately",), "approx"), (("nearly",), "approx"), (("almost",), "approx"),
        (("close", "to"), "approx"), (("nearing",), "approx"), (("approaching",), "approx"),
        (("some",), "approx"), (("circa",), "approx"), (("an", "estimated"), "approx"),
        (("estimated",), "approx"), (("~",), "approx"), (("≈",), "approx"),
        (("just", "under"), "at_most"), (("just", "over"), "at_least"),
        (("well", "over"), "at_least"), (("over",), "at_least"), (("more", "than"), "at_least"),
        (("at", "least"), "at_least"), (("above",), "at_least"), (("upwards", "of"), "at_least"),
        (("upward", "of"), "at_least"), (("in", "excess", "of"), "at_least"),
        (("north", "of"), "at_least"), (("exceeding",), "at_least"),
        (("greater", "than"), "at_least"), (("no", "less", "than"), "at_least"),
        (("a", "minimum", "of"), "at_least"), (("minimum", "of"), "at_least"),
        ((">",), "at_least"), (("≥",), "at_least"),
        (("under",), "at_most"), (("below",), "at_most"), (("up", "to"), "at_most"),
        (("less", "than"), "at_most"), (("fewer", "than"), "at_most"),
        (("at", "most"), "at_most"), (("no", "more", "than"), "at_most"),
        (("as", "many", "as"), "at_most"), (("as", "much", "as"), "at_most"),
        (("a", "maximum", "of"), "at_most"), (("maximum", "of"), "at_most"),
        (("south", "of"), "at_most"), (("<",), "at_most"), (("≤",), "at_most"),
    ],
    key=lambda item: -len(item[0]),
))

_HEDGES_BY_LAST: dict[str, tuple[tuple[tuple[str, ...], Bound], ...]] = {
    last: tuple(h for h in _HEDGES if h[0][-1] == last) for last in {h[0][-1] for h in _HEDGES}
}

_CURRENCY_SIGNS = {
    "$": "USD", "US$": "USD", "S$": "SGD", "A$": "AUD", "C$": "CAD", "HK$": "HKD",
    "NZ$": "NZD", "€": "EUR", "£": "GBP", "¥": "JPY", "₹": "INR", "₩": "KRW", "Rs": "INR",
}

# Reporting periods: the pint unit a rate or duration word names.
_PERIODS = {
    "second": "second", "sec": "second", "minute": "minute", "min": "minute",
    "hour": "hour", "hr": "hour", "day": "day", "week": "week", "wk": "week",
    "month": "month", "mo": "month", "quarter": "fiscal_quarter", "year": "year",
    "yr": "year", "annum": "year", "decade": "decade_of_years",
}
_PERIOD_ADVERBS = {
    "daily": "day", "weekly": "week", "monthly": "month", "quarterly": "fiscal_quarter",
    "annually": "year", "annual": "year", "yearly": "year",
}

# Physical units: symbols (case-sensitive) and spelled names (singular, lower-case).
_DIMENSION_ADJ = ("long", "wide", "tall", "high", "deep", "away", "across", "thick")
_UNIT_SYMBOLS = {
    "m": "meter", "p": "penny",
    "W": "watt", "kW": "kilowatt", "MW": "megawatt", "GW": "gigawatt", "TW": "terawatt",
    "kWh": "kilowatt_hour", "MWh": "megawatt_hour", "GWh": "gigawatt_hour",
    "TWh": "terawatt_hour", "km": "kilometer", "cm": "centimeter", "mm": "millimeter",
    "kg": "kilogram", "lb": "pound", "lbs": "pound", "oz": "ounce", "ft": "foot",
    "mph": "mile_per_hour", "kph": "kilometer_per_hour", "GB": "gigabyte", "TB": "terabyte",
    "PB": "petabyte", "MB": "megabyte", "GHz": "gigahertz", "MHz": "megahertz", "ha": "hectare",
    "mi": "mile", "hrs": "hour", "mins": "minute", "secs": "second", "yrs": "year",
    "°C": "degree_Celsius", "°F": "degree_Fahrenheit", "kV": "kilovolt", "kcal": "kilocalorie",
}
_UNIT_WORDS = {
    "watt": "watt", "kilowatt": "kilowatt", "megawatt": "megawatt", "gigawatt": "gigawatt",
    "terawatt": "terawatt", "kilowatt-hour": "kilowatt_hour", "megawatt-hour": "megawatt_hour",
    "gigawatt-hour": "gigawatt_hour", "terawatt-hour": "terawatt_hour",
    "kilowatt hour": "kilowatt_hour", "megawatt hour": "megawatt_hour",
    "gigawatt hour": "gigawatt_hour", "terawatt hour": "terawatt_hour",
    "metre": "meter", "meter": "meter", "kilometre": "kilometer", "kilometer": "kilometer",
    "centimetre": "centimeter", "centimeter": "centimeter", "millimetre": "millimeter",
    "millimeter": "millimeter", "mile": "mile", "foot": "foot", "feet": "foot", "inch": "inch",
    "yard": "yard", "kilogram": "kilogram", "kilo": "kilogram", "gram": "gram",
    "tonne": "metric_ton", "metric ton": "metric_ton", "ton": "ton", "ounce": "ounce",
    "litre": "liter", "liter": "liter", "gallon": "gallon", "barrel": "barrel",
    "cubic metre": "cubic_meter", "cubic meter": "cubic_meter", "acre": "acre",
    "hectare": "hectare", "square mile": "square_mile", "square kilometre": "square_kilometer",
    "square kilometer": "square_kilometer", "square foot": "square_foot",
    "square feet": "square_foot", "square metre": "square_meter", "square meter": "square_meter",
    "degree celsius": "degree_Celsius", "degree fahrenheit": "degree_Fahrenheit",
    "celsius": "degree_Celsius", "fahrenheit": "degree_Fahrenheit",
    "megabyte": "megabyte", "gigabyte": "gigabyte", "terabyte": "terabyte",
    "petabyte": "petabyte", "exabyte": "exabyte", "mile per hour": "mile_per_hour",
    "kilometre per hour": "kilometer_per_hour", "kilometer per hour": "kilometer_per_hour",
    "gigahertz": "gigahertz", "megahertz": "megahertz", "calorie": "kilocalorie",
    "kilocalorie": "kilocalorie", "volt": "volt", "kilovolt": "kilovolt",
    "knot": "knot", "percentage point": "percentage_point", "basis point": "basis_point",
    "light year": "light_year", "light-year": "light_year",
    "astronomical unit": "astronomical_unit", "milligram": "milligram",
    "microgram": "microgram", "millilitre": "milliliter", "milliliter": "milliliter",
}
_IRREGULAR_UNIT_PLURALS = {"feet": "foot", "inches": "inch", "degrees": "degree"}
_PERCENT_WORDS = {("per", "cent"), ("percent",), ("pct",), ("pc",), ("%",)}

# Words that end a counted-noun search, and words that may stand between a number and its
# counted noun ("555,000 Nvidia GPUs", "200 million regular users").
_STOP = frozenset("""
a an the of in on at to for with by from and or but nor so than then as that which who whom
whose this these those it its their his her our your my is are was were be been being has have
had will would can could should may might must shall do does did not no yes also only just
per each every about around over under up down out off into onto upon after before since
until while if when where why how all any both either neither more most less least much many
such same other another than very too again ever never already still yet there here
""".split())
_NOT_PLURAL = frozenset("""
is was has does this thus its his hers ours yours theirs as us yes always perhaps unless less
across whereas besides towards afterwards plus minus versus bus gas news series species
analysis basis crisis process business success access progress status campus bonus virus
census chaos lens alas famous various previous serious anonymous numerous enormous tremendous
axis tennis thesis diagnosis emphasis hypothesis synthesis
""".split())
_CHANGE_VERBS = frozenset("""
rose rise rises rising fell fall falls falling increased increase increases decreased
decrease decreases grew grow grows growing dropped drop drops climbed climb jumped jump
jumps cut cuts raised raise lowered reduced reduce slipped surged soared plunged declined
decline expanded shrank lifted boosted revised moved went changed slashed hiked narrowed
widened up down doubled tripled
""".split())
# Words before a number that make it an identifier or a rank, not an amount.
_IDENTIFIER_WORDS = frozenset("""
top no number rank ranked version v chapter section page room flight route model article
season episode phase stage round game tier series type category class gen generation step
item line act part volume vol issue figure table rule amendment district ward platform gate
terminal exit pier apartment suite grade level step bay lane highway interstate
""".split())
_CAPITALISED_FUNCTION_WORDS = frozenset("""
The A An About Around Over Some Nearly Only Just Almost Roughly More Fewer Less At In On By Of
For With All Another Those These Its His Her Their Our And But Up Under Approximately When
After Before Since Until From To Between Each Every Some Another Than That Total Nearly Just
Still Even Another Those Exactly Precisely Estimated An Roughly Around Barely Fully Maybe
Perhaps Only Like Then Now Almost Upwards Above Below Below
""".split())
_ATTACH_OVER = ("over", "across", "spanning")
# "12 times its revenue", "three times as many": a multiple, not a count of occasions
_MULTIPLIER_NEXT = ("its", "the", "their", "his", "her", "that", "as", "more", "higher",
                    "larger", "bigger", "greater", "faster", "what", "our")
# Nouns whose plural is the singular: "8.7 million species", "735 aircraft".
_INVARIANT_NOUNS = frozenset("""
species aircraft spacecraft sheep deer fish cattle personnel police offspring crew series
""".split())

# --------------------------------------------------------------------------------------
# Tokens
# --------------------------------------------------------------------------------------
_TOKEN = re.compile(
    r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?(?!\d)|\d+(?:\.\d+)?|\.\d+)"
    r"|(?P<cur>(?:US|S|A|C|HK|NZ)\$|[$€£¥₹₩])"
    r"|(?P<word>[^\W\d_]+(?:['’][^\W\d_]+)?)"
    r"|(?P<sym>°[CF]|\S)"
)
_DASHES = {"-", "–", "—", "‒", "−"}


class _Tok(NamedTuple):  # a tuple: a document has hundreds of tokens to build
    kind: str
    text: str
    start: int
    end: int
    low: str


def _tokenize(text: str) -> list[_Tok]:
    return [_Tok(m.lastgroup or "sym", (word := m.group()), m.start(), m.end(), word.lower())
            for m in _TOKEN.finditer(text)]


# Words that may open a quantity (see _Parser.core: number words, vague amounts, fractions,
# "a"/"an" before a scale word or a period); other words open one only as a currency code
# (upper case) or "Rs".
_OPENING_WORDS = frozenset({*_ONES, *_TENS, *_VAGUE_HEADS, *_VAGUE_SCALES, "several", "few",
                            "half", "a", "an"})


@dataclass
class _Num:
    """A parsed number: its token range and value or interval."""

    i: int
    j: int
    value: float | None
    low: float | None = None
    high: float | None = None
    vague: bool = False
    fraction: bool = False
    words: bool = False
    scale: float = 1.0
    scale_word: str | None = None
    literal: str = ""


@dataclass
class _Found:
    """A quantity under construction, in token coordinates."""

    i: int
    j: int
    num: _Num
    unit: str | None = None
    currency: str | None = None
    per: list[str] = field(default_factory=list)
    bound: Bound = "exact"
    low: float | None = None
    high: float | None = None
    value: float | None = None
    kind: str = ""  # money, percent, physical, count, duration, bare
    over: str | None = None


# --------------------------------------------------------------------------------------
# Dates
# --------------------------------------------------------------------------------------
_MONTH = (r"(?P<month>January|February|March|April|May|June|July|August|September|October|"
          r"November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?")
_YEAR = r"(?:1[89]|20)\d{2}"
# Each pattern but the month-first ones (which re already scans for fast) opens with a
# look-ahead at its first character: same matches, less time at the other positions.
_DATE_PATTERNS = [
    ("mdy", re.compile(_MONTH + r"\s+(?P<day>[0-3]?\d)(?:st|nd|rd|th)?(?:,\s*|\s+)"
                       r"(?P<year>" + _YEAR + r")\b")),
    ("dmy", re.compile(r"(?=\d)\b(?P<day>[0-3]?\d)(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MONTH
                       + r"(?:,?\s+(?P<year>" + _YEAR + r"))?\b")),
    ("md", re.compile(_MONTH + r"\s+(?P<day>[0-3]?\d)(?:st|nd|rd|th)?\b(?![,.]?\d)")),
    ("my", re.compile(_MONTH + r",?\s+(?P<year>" + _YEAR + r")\b")),
    ("iso", re.compile(r"(?=[12])\b(?P<year>" + _YEAR + r")-(?P<m>[01]\d)-(?P<day>[0-3]\d)\b")),
    ("quarter", re.compile(r"(?=[QH])\b(?P<q>[QH][1-4])(?!\d)(?:(?:\s+|\s*FY\s*|\s*')(?P<year>"
                           + _YEAR + r"|\d{2})\b)?")),
    ("fy", re.compile(r"(?=[Ff])\b(?:FY|fiscal(?:\s+year)?)\s*'?(?P<year>" + _YEAR + r"|\d{2})\b")),
    ("season", re.compile(r"(?=[12])\b(?P<year>" + _YEAR + r")[-–/](?P<y2>\d{2}|" + _YEAR
                          + r")\b")),
    ("decade", re.compile(r"(?=[12])\b(?P<year>(?:1[89]|20)\d0)s\b")),
    ("year", re.compile(r"(?=[12])(?<![\w$€£¥.,])(?P<year>" + _YEAR + r")(?![\w,.]\d|\d|%)")),
]
_DATE_PREPOSITIONS = frozenset("""
in by since until till from through during of before after early late mid year fiscal to
and between circa or throughout around
""".split())


def _iso_year(text: str) -> str:
    return text if len(text) == 4 else "20" + text


def find_dates(text: str) -> list[tuple[int, int, str]]:
    """Find dates and years used as dates; return ``(start, end, label)`` sorted by start.

    Labels are ISO-like: ``2026``, ``2026-03``, ``2026-05-06``, ``--06-16`` (a day without
    a year), ``2026-Q3``, ``Q3``, ``FY2025``, ``2025/26``, ``1990s``. A four-digit number
    reads as a year unless it is money or is followed by a counted noun ("2000 jobs").
    """
    found: list[tuple[int, int, str]] = []
    taken = bytearray(len(text))

    for kind, pattern in _DATE_PATTERNS:
        for m in pattern.finditer(text):
            start, end = m.start(), m.end()
            if any(taken[start:end]):
                continue
            groups = m.groupdict()
            label = _date_label(kind, groups, text, start, end)
            if label is None:
                continue
            found.append((start, end, label))
            taken[start:end] = b"\x01" * (end - start)
    return sorted(found)


def _date_label(kind: str, g: dict[str, str | None], text: str, start: int,
                end: int) -> str | None:
    month = MONTHS.get((g.get("month") or "").lower().rstrip("."), 0)
    if kind in ("mdy", "dmy", "md", "iso"):
        day = int(g["day"] or 0)
        if kind == "iso":
            month = int(g["m"] or 0)
        if not (1 <= day <= 31 and 1 <= month <= 12):
            return None
        if kind == "md" and month == 5 and text[start:start + 3] == "May":
            # "May 5" is a date, but not in "may 5" (lower case never matches anyway)
            pass
        year = g.get("year")
        return f"{year}-{month:02d}-{day:02d}" if year else f"--{month:02d}-{day:02d}"
    if kind == "my":
        return f"{g['year']}-{month:02d}"
    if kind == "quarter":
        q = g["q"] or ""
        year = g.get("year")
        return f"{_iso_year(year)}-{q}" if year else q
    if kind == "fy":
        return f"FY{_iso_year(g['year'] or '')}"
    if kind == "season":
        return f"{g['year']}/{g['y2']}"
    if kind == "decade":
        return f"{g['year']}s"
    if kind == "year":
        return g["year"] if _year_is_date(text, start, end) else None
    return None


_NEXT_WORD = re.compile(r"\s*([^\W\d_][\w'-]*)")
_PREV_WORD = re.compile(r"([^\W\d_][\w-]*)\W{0,2}$")


def _year_is_date(text: str, start: int, end: int) -> bool:
    before = text[max(0, start - 30):start]
    prev = _PREV_WORD.search(before)
    if prev and prev.group(1).lower() in _DATE_PREPOSITIONS:
        return True
    if before.rstrip().endswith(tuple(_CURRENCY_SIGNS)):
        return False
    nxt = _NEXT_WORD.match(text, end)
    if nxt:
        word = nxt.group(1)
        lower = word.lower()
        if lower in _SCALE_WORDS or word in _SCALE_ABBR or lower in ("per", "percent"):
            return False
        if (word.islower() and lower.endswith("s") and lower not in _NOT_PLURAL
                and lower not in _STOP and not prev):
            return False
        if (word.islower() and lower.endswith("s") and lower not in _NOT_PLURAL
                and lower not in _STOP and prev and prev.group(1).lower() not in
                _DATE_PREPOSITIONS and prev.group(1).lower() not in ("the", "a", "its")):
            return False
    return True


# --------------------------------------------------------------------------------------
# Masks: spans whose digits are never quantities.
# --------------------------------------------------------------------------------------
_MASKS = re.compile(
    # every alternative starts at a token start or with one of these characters: the guard
    # fails fast at every other position (same matches, half the scanning time)
    r"(?:(?=[hw@+(#\d])|(?<!\S))(?:"
    # e-mail addresses only from the start of a token: "\S+@" tried at every position of a
    # long run without spaces is quadratic (a denial of service on hostile articles)
    r"https?://\S+|www\.\S+|(?<!\S)[^\s@]+@[^\s@]+\.\w+|@\w+"
    r"|\+?\(?\d{1,4}\)?[-.\s]\(?\d{2,4}\)?[-.\s]\d{3,4}[-.\s]\d{3,4}\b"
    r"|\(\d{3}\)\s?\d{3}-\d{4}\b|\b\d{3}-\d{3}-\d{4}\b|\b\d{3}-\d{4}\b"
    r"|\b\d{1,2}:\d{2}(?::\d{2})?(?:\s?[ap]\.?m\.?)?|\b\d{1,2}\s?[ap]\.m\.|\b\d{1,2}\s?[ap]m\b"
    r"|\b\d+(?:st|nd|rd|th)\b|#\d+|\b\d+:\d+\b|\b\d+/\d+(?:/\d+)?\b"
    r"|(?m:^\s*\d{1,2}[.)](?=\s))"
    r")"
)


# --------------------------------------------------------------------------------------
# The parser
# --------------------------------------------------------------------------------------
class _Parser:
    def __init__(self, text: str, registry: pint.UnitRegistry) -> None:
        self.text = text
        self.registry = registry
        self.toks = _tokenize(text)
        self.n = len(self.toks)
        self.blocked = [False] * self.n
        self._unit_cache: dict[str, tuple[str, str] | None] = {}
        spans = [(m.start(), m.end()) for m in _MASKS.finditer(text)]
        spans += [(s, e) for s, e, _ in find_dates(text)]
        spans.sort()
        k = 0
        for idx, tok in enumerate(self.toks):
            while k < len(spans) and spans[k][1] <= tok.start:
                k += 1
            for s, e in spans[k:k + 8]:
                if s < tok.end and tok.start < e:
                    self.blocked[idx] = True
                    break
                if s >= tok.end:
                    break

    # -- small helpers ---------------------------------------------------------------
    def tok(self, i: int) -> _Tok | None:
        return self.toks[i] if 0 <= i < self.n else None

    def adjacent(self, i: int) -> bool:
        """True when token ``i`` touches the token before it (no whitespace between)."""
        return 0 < i < self.n and self.toks[i - 1].end == self.toks[i].start

    def gap(self, i: int) -> str:
        """The text between token ``i - 1`` and token ``i``."""
        if i <= 0 or i >= self.n:
            return ""
        return self.text[self.toks[i - 1].end:self.toks[i].start]

    def is_word(self, i: int, *words: str) -> bool:
        t = self.tok(i)
        return t is not None and t.kind == "word" and t.low in words

    def resolve(self, name: str) -> tuple[str, str] | None:
        """``(canonical unit, dimension)`` of ``name`` in the registry, or ``None``."""
        if name in self._unit_cache:
            return self._unit_cache[name]
        result: tuple[str, str] | None = None
        if re.fullmatch(r"[A-Za-z][A-Za-z_]*", name) and unit_name_known(self.registry, name):
            try:
                unit = self.registry.Unit(name)
                dims = dict(unit.dimensionality)
                dim = next(iter(dims)) if len(dims) == 1 else str(unit.dimensionality)
                result = (str(unit), dim)
            except (pint.errors.PintError, AttributeError, ValueError, TypeError,
                    KeyError, AssertionError):
                result = None
        self._unit_cache[name] = result
        return result

    def currency_code(self, word: str) -> str | None:
        found = self.resolve(word)
        if found and found[1].startswith("[currency_"):
            return found[0]
        return None

    # -- numbers ---------------------------------------------------------------------
    def number(self, i: int) -> _Num | None:
        t = self.tok(i)
        if t is None or self.blocked[i]:
            return None
        if t.kind == "num":
            return self.digits(i)
        if t.kind == "word":
            return self.number_words(i)
        return None

    def digits(self, i: int) -> _Num | None:
        t = self.toks[i]
        try:
            value = float(t.text.replace(",", ""))
        except ValueError:
            return None
        if not math.isfinite(value):
            return None
        j = i + 1
        num = _Num(i, j, value, literal=t.text)
        nxt = self.tok(j)
        if nxt is not None and nxt.kind == "word":
            if self.adjacent(j) and nxt.text == "m" and self.is_word(j + 1, *_DIMENSION_ADJ):
                return num  # "400m long": metres, read as a unit by the caller
            if self.adjacent(j) and nxt.text == "p" and re.fullmatch(r"\d{1,2}(?:\.\d+)?", t.text):
                return num  # "30p": pence
            if self.adjacent(j) and nxt.text in _SCALE_ABBR:
                if re.fullmatch(r"\d{4,}", t.text) and not self.prefix_currency(i - 1):
                    return None  # "14900K" is a model number, not 14.9 million
                num.scale, num.scale_word, num.j = _SCALE_ABBR[nxt.text], nxt.text, j + 1
            elif nxt.low in _SCALE_WORDS or nxt.text in _SPACED_ABBR:
                scale = _SCALE_WORDS.get(nxt.low) or _SCALE_ABBR[nxt.text]
                num.scale, num.scale_word, num.j = scale, nxt.text, j + 1
            elif nxt.low in ("hundred", "dozen") and not self.adjacent(j):
                num.scale = 100 if nxt.low == "hundred" else 12
                num.scale_word, num.j = nxt.text, j + 1
                after = self.tok(j + 1)
                if after is not None and after.low in _SCALE_WORDS:
                    num.scale *= _SCALE_WORDS[after.low]
                    num.scale_word, num.j = f"{nxt.text} {after.text}", j + 2
        num.value = value * num.scale
        return num

    def number_words(self, i: int) -> _Num | None:
        t = self.toks[i]
        w = t.low
        # vague amounts: "tens of thousands", "hundreds of millions", "dozens", "thousands"
        if w in _VAGUE_HEADS or w in _VAGUE_SCALES:
            if w in _VAGUE_HEADS:
                lo, hi = _VAGUE_HEADS[w]
                j = i + 1
                if self.is_word(j, "of") and self.tok(j + 1) is not None \
                        and self.toks[j + 1].low in _VAGUE_SCALES:
                    scale = _VAGUE_SCALES[self.toks[j + 1].low]
                    return _Num(i, j + 2, None, lo * scale, hi * scale, vague=True, words=True,
                                scale_word=f"{t.text} of {self.toks[j + 1].text}")
                return _Num(i, j, None, lo, hi, vague=True, words=True, scale_word=t.text)
            scale = _VAGUE_SCALES[w]
            return _Num(i, i + 1, None, scale, scale * 1000, vague=True, words=True,
                        scale_word=t.text)
        # "several hundred", "a few thousand"
        if w in ("several", "few") or (w == "a" and self.is_word(i + 1, "few")):
            k = i + 1 if w != "a" else i + 2
            nxt = self.tok(k)
            key = "several" if w == "several" else "few"
            if nxt is not None and (nxt.low in _SCALE_WORDS or nxt.low == "hundred"):
                scale = _SCALE_WORDS.get(nxt.low, 100.0)
                lo, hi = _FEW[key]
                return _Num(i, k + 1, None, lo * scale, hi * scale, vague=True, words=True,
                            scale_word=" ".join(x.text for x in self.toks[i:k + 1]))
            return None
        # fractions: "half of", "a third of", "two-thirds of", "half a million"
        frac = self.fraction(i)
        if frac is not None:
            return frac
        return self.cardinal_words(i)

    def fraction(self, i: int) -> _Num | None:
        t = self.toks[i]
        k = i
        numerator = 1.0
        if t.low in ("a", "one") and self.tok(i + 1) is not None \
                and self.toks[i + 1].low in _FRACTIONS and self.toks[i + 1].low != "half":
            k = i + 1
        elif t.low in _ONES and self.is_word(i + 2, *_FRACTIONS) and self.tok(i + 1) is not None \
                and self.toks[i + 1].text in _DASHES and self.adjacent(i + 1):
            numerator, k = float(_ONES[t.low]), i + 2
        elif t.low != "half":
            return None
        word = self.toks[k].low
        share = _FRACTIONS[word] * numerator
        # "half a million", "half a billion dollars"
        if word == "half" and self.is_word(k + 1, "a") and self.tok(k + 2) is not None \
                and self.toks[k + 2].low in _SCALE_WORDS:
            scale = _SCALE_WORDS[self.toks[k + 2].low]
            return _Num(i, k + 3, 0.5 * scale, words=True, scale=scale,
                        scale_word=self.toks[k + 2].text)
        if self.is_word(k + 1, "of") or self.is_word(i - 1, "by"):
            return _Num(i, k + 1, share * 100, fraction=True, words=True,
                        scale_word=" ".join(x.text for x in self.toks[i:k + 1]))
        return None

    def cardinal_words(self, i: int) -> _Num | None:
        total, current, j, seen = 0.0, 0.0, i, False
        scale_word: str | None = None
        top_scale = 1.0
        if self.toks[i].low in ("a", "an"):
            nxt = self.tok(i + 1)
            if nxt is None or nxt.low not in (*_SCALE_WORDS, "hundred", "dozen"):
                return None
            current, j, seen = 1.0, i + 1, True
        while j < self.n:
            t = self.toks[j]
            w = t.low
            if t.kind == "sym" and t.text in _DASHES and seen and self.adjacent(j) \
                    and self.tok(j + 1) is not None and self.toks[j + 1].low in _ONES \
                    and self.adjacent(j + 1) and current % 100 >= 20 and current % 10 == 0:
                j += 1
                continue
            if t.kind != "word" or self.blocked[j]:
                break
            if w in _ONES and (not seen or current % 10 == 0 and current % 100 != 10):
                if seen and current % 100 and _ONES[w] >= 10:
                    break
                current += _ONES[w]
            elif w in _TENS and (not seen or current % 100 == 0):
                current += _TENS[w]
            elif w == "hundred" and seen and 0 < current < 100:
                current *= 100
            elif w == "dozen" and seen and 0 < current < 100:
                current *= 12
            elif w in _SCALE_WORDS and seen and current > 0:
                total += current * _SCALE_WORDS[w]
                top_scale = max(top_scale, _SCALE_WORDS[w])
                scale_word = t.text
                current = 0
            elif w == "and" and seen and self.tok(j + 1) is not None \
                    and self.toks[j + 1].low in (*_ONES, *_TENS) and total + current >= 100:
                pass
            else:
                break
            seen = True
            j += 1
        if not seen or j == i:
            return None
        value = total + current
        if self.toks[j - 1].low == "and":
            j -= 1
        num = _Num(i, j, value, words=True, scale_word=scale_word, scale=top_scale)
        # "1.5 million" is digits; "one point five" is not handled: rare in news
        return num

    # -- units -----------------------------------------------------------------------
    def percent(self, j: int) -> int | None:
        for words in sorted(_PERCENT_WORDS, key=len, reverse=True):
            if all(self.tok(j + k) is not None and self.toks[j + k].low == w
                   for k, w in enumerate(words)):
                if words == ("pc",) and not self.adjacent(j):
                    return None
                return j + len(words)
        return None

    def physical(self, j: int) -> tuple[str, int] | None:
        """A physical unit starting at token ``j``: ``(pint unit, end token)``."""
        t = self.tok(j)
        if t is None or t.kind not in ("word", "sym"):
            return None
        if t.text in ("m", "p"):
            prev = self.tok(j - 1)
            if not (self.adjacent(j) and prev is not None and prev.kind == "num"):
                return None
            if t.text == "p" and not re.fullmatch(r"\d{1,2}(?:\.\d+)?", prev.text):
                return None  # "1080p" is a video resolution
        if t.text in _UNIT_SYMBOLS:
            unit = _UNIT_SYMBOLS[t.text]
            # "km/h"
            if t.text == "km" and self.tok(j + 2) is not None and self.toks[j + 1].text == "/" \
                    and self.toks[j + 2].text == "h":
                return "kilometer_per_hour", j + 3
            return unit, j + 1
        for size in (3, 2, 1):
            words = [x for x in self.toks[j:j + size] if x.kind == "word" or x.text in _DASHES]
            if len(words) != size or size > 1 and any(
                    self.toks[j + k].start != self.toks[j + k - 1].end and
                    self.gap(j + k) != " " for k in range(1, size)):
                continue
            parts = [x.low for x in self.toks[j:j + size]]
            surface = " ".join(parts).replace(" - ", "-").replace(" -", "-").replace("- ", "-")
            if "-" in surface and not all(self.adjacent(j + k) for k in range(1, size)):
                surface = surface.replace("-", " ")
            for candidate in (surface, _singular_phrase(surface)):
                if candidate in _UNIT_WORDS:
                    return _UNIT_WORDS[candidate], j + size
        return None

    def period(self, j: int) -> tuple[str, int] | None:
        t = self.tok(j)
        if t is None or t.kind != "word":
            return None
        w = t.low
        name = _PERIODS.get(w) or _PERIODS.get(w[:-1] if w.endswith("s") else w)
        if name:
            return name, j + 1
        return None

    def counted_noun(self, j: int, *, allow_singular: bool) -> tuple[str, int, str | None] | None:
        """A counted noun at ``j`` (after up to two modifiers): ``(unit, end, per)``.

        The head is the last noun of the phrase: "8.5 million Windows machines" -> machine.
        """
        per: str | None = None
        k = j
        modifiers = 0
        while k < self.n and modifiers <= 2:
            t = self.toks[k]
            if k > j and not (self.gap(k) in (" ", "-") or self.adjacent(k)):
                return None
            if t.kind == "sym" and t.text in _DASHES and k > j:
                k += 1
                continue
            if t.kind == "num" and k > j and self.adjacent(k) and self.toks[k - 1].kind == "word":
                k += 1  # "H100 chips"
                continue
            if t.kind != "word" or self.blocked[k]:
                return None
            w = t.low
            if w in _STOP or w in _ONES or w in _TENS or w in _SCALE_WORDS \
                    or self.period(k) is not None or self.physical(k) is not None:
                return None
            if w in _PERIOD_ADVERBS:
                per = _PERIOD_ADVERBS[w]
                k += 1
                modifiers += 1
                continue
            # a two-word unit from the rules: "GPU equivalents" -> GPU_equivalent
            nxt = self.tok(k + 1)
            if nxt is not None and nxt.kind == "word" and self.gap(k + 1) == " ":
                pair = f"{t.text}_{_singular(nxt.text)}"
                found = self.resolve(pair)
                if found and found[1].startswith("[count_"):
                    return found[0], k + 2, per
            unit = self.noun_unit(t.text, allow_singular=allow_singular and modifiers == 0)
            if unit is not None:
                if t.text[:1].isupper() and not t.text[:-1].isupper() \
                        and nxt is not None and nxt.kind == "word" and self.gap(k + 1) == " " \
                        and nxt.text.islower() and nxt.low not in _STOP \
                        and self.period(k + 1) is None and self.physical(k + 1) is None:
                    head = self.noun_unit(nxt.text, allow_singular=False)
                    if head is not None:
                        return head, k + 2, per
                return unit, k + 1, per
            modifiers += 1
            k += 1
        return None

    def noun_unit(self, word: str, *, allow_singular: bool) -> str | None:
        """The count unit for a counted noun, or ``None`` when ``word`` is not one.

        Plural nouns qualify ("GPUs", "accounts"); so do irregular plurals and mass nouns
        that the rules alias ("people" -> person, "staff" -> employee) and nouns whose plural
        is the singular ("species"). A singular noun qualifies only after "1".
        """
        lower = word.lower()
        plural = _is_plural(word)
        if not plural:
            found = self.resolve(lower)
            alias = found is not None and found[1].startswith("[count_") and (
                found[0].lower() != lower or lower in _INVARIANT_NOUNS)
            if word.islower() and alias and found is not None:
                return found[0]
            if not allow_singular:
                return None
        found = self.resolve(word)
        if found and found[1].startswith("[count_") and plural:
            return found[0]
        singular = _singular(word) if plural else word
        if not singular.isupper():
            singular = singular.lower()
        found = self.resolve(singular)
        if found and found[1].startswith("[count_"):
            return found[0]
        if len(singular) < 2 or not re.fullmatch(r"[A-Za-z]+", singular):
            return None
        name = singular if found is None else f"{singular}_count"
        try:
            return ensure_unit(self.registry, name)
        except (pint.errors.PintError, ValueError, TypeError):
            return None

    # -- rates -------------------------------------------------------------------------
    def rate(self, j: int, found: _Found, last_count: str | None) -> int:
        """Read rate denominators after token ``j`` into ``found.per``; return the new end."""
        while j < self.n:
            t = self.toks[j]
            if t.text == "/" and self.tok(j + 1) is not None:
                p = self.period(j + 1) or self.per_unit(j + 1)
                if p:
                    found.per.append(p[0])
                    j = p[1]
                    continue
                break
            if t.low == "per" or t.text == "p":
                if self.is_word(j + 1, "cent"):
                    break
                if self.is_word(j + 1, "annum"):
                    found.per.append("year")
                    j += 2
                    continue
                if self.is_word(j + 1, "capita", "head"):
                    found.per.append(self.noun_unit("person", allow_singular=True) or "person")
                    j += 2
                    continue
                p = self.period(j + 1) or self.per_unit(j + 1)
                if p:
                    found.per.append(p[0])
                    j = p[1]
                    continue
                break
            if t.low == "each" and last_count and found.kind == "money" and not found.per \
                    and self.period(j + 1) is None:
                found.per.append(last_count)
                j += 1
                continue
            if t.low in ("a", "an", "each", "every") and self.tok(j + 1) is not None:
                p = self.period(j + 1)
                if p and not self.is_word(p[1], "ago", "earlier", "later", "old") \
                        and not (self.is_word(p[1], "from") and self.is_word(p[1] + 1, "now")):
                    found.per.append(p[0])
                    j = p[1]
                    continue
                if t.low in ("a", "an") and self.is_word(j + 1, "share", "head", "barrel",
                                                          "gallon", "seat", "user", "dozen",
                                                          "kilo", "pound", "tonne", "ton"):
                    p = self.per_unit(j + 1)
                    if p:
                        found.per.append(p[0])
                        j = p[1]
                        continue
                break
            if t.low in _PERIOD_ADVERBS and not self.adjacent(j):
                found.per.append(_PERIOD_ADVERBS[t.low])
                j += 1
                continue
            if t.low == "in" and self.is_word(j + 1, "annual", "monthly", "yearly", "quarterly",
                                              "weekly", "daily"):
                found.per.append(_PERIOD_ADVERBS[self.toks[j + 1].low])
                j += 2
                noun = self.tok(j)
                if noun is not None and noun.kind == "word" and noun.text.islower() \
                        and noun.low not in _STOP and self.gap(j) == " ":
                    j += 1
                continue
            break
        return j

    def per_unit(self, j: int) -> tuple[str, int] | None:
        p = self.physical(j)
        if p:
            return p
        t = self.tok(j)
        if t is None or t.kind != "word" or t.low in _STOP or t.low in _SCALE_WORDS \
                or t.low in _ONES or t.low in _TENS or t.low == "hundred":
            return None
        unit = self.noun_unit(t.text, allow_singular=True)
        return (unit, j + 1) if unit else None

    # -- one quantity --------------------------------------------------------------------
    def prefix_currency(self, i: int) -> tuple[str, int] | None:
        """A currency sign or code at ``i`` directly followed by a number."""
        t = self.tok(i)
        if t is None or self.blocked[i]:
            return None
        if t.kind == "cur" or t.text == "Rs":
            code = _CURRENCY_SIGNS.get(t.text)
            k = i + 1
            if self.tok(k) is not None and self.toks[k].text == "." and t.text == "Rs":
                k += 1
            if code and self.tok(k) is not None and self.toks[k].kind == "num" \
                    and len(self.gap(k)) <= 1:
                return code, k
            return None
        if t.kind == "word" and t.text.isupper() and 3 <= len(t.text) <= 4 \
                and self.tok(i + 1) is not None and self.toks[i + 1].kind == "num" \
                and len(self.gap(i + 1)) <= 1:
            code = self.currency_code(t.text)
            if code:
                return code, i + 1
        return None

    def core(self, i: int, last_count: str | None) -> _Found | None:
        """Parse ``[currency] number [scale] [unit]`` at ``i`` (no rate, no range)."""
        currency = None
        start = i
        pre = self.prefix_currency(i)
        if pre:
            currency, i = pre
        num = self.number(i)
        if num is None and not currency and self.is_word(i, "a", "an") \
                and (self.is_word(i - 1, *_ATTACH_OVER, "for", "within")
                     or self.hedge_before(i) is not None) \
                and self.period(i + 1) is not None:
            num = _Num(i, i + 1, 1.0, words=True)  # "over a decade", "more than a year"
        if num is None:
            return None
        if num.words and currency:
            return None
        if self.is_word(start - 1, "in") and self.tok(start - 2) is not None and (
                self.toks[start - 2].kind == "num" or self.toks[start - 2].low in _ONES):
            return None  # odds and ratios: "one in five adults", "1 in 292.2 million"
        if not num.words and self.is_identifier(num.i, currency is not None, num):
            return None
        found = _Found(start, num.j, num, currency=currency)
        j = num.j
        nxt = self.tok(j)
        # "10,000+", "100-plus"
        if nxt is not None and nxt.text == "+" and self.adjacent(j):
            found.bound = "at_least"
            j += 1
        elif nxt is not None and nxt.text in _DASHES and self.adjacent(j) \
                and self.is_word(j + 1, "plus") and self.adjacent(j + 1):
            found.bound = "at_least"
            j += 2
        nxt = self.tok(j)
        if nxt is not None and self.adjacent(j) and not num.words and (
                nxt.kind == "num" or nxt.text == "^"
                or nxt.kind == "word" and num.scale_word is None
                and nxt.text not in _UNIT_SYMBOLS and nxt.low != "pc"):
            return None  # "5G", "1e999", "10^1000", "H100s": not amounts
        if currency:
            found.kind, found.unit = "money", currency
            found.j = j
            return found
        if num.fraction:
            found.kind, found.unit, found.j = "percent", "percent", j
            return found
        # compound adjectives: "three-year", "300-megawatt", but not "three-way", "10-K"
        hyphen = nxt is not None and nxt.text in _DASHES and self.adjacent(j) \
            and self.tok(j + 1) is not None and self.toks[j + 1].kind == "word" \
            and self.adjacent(j + 1)
        if hyphen:
            k = j + 1
            phys = self.physical(k)
            per = self.period(k)
            if per and not phys:
                phys = per
            if phys:
                found.kind = "duration" if per else "physical"
                found.unit, found.j = phys[0], phys[1]
                # "a 30-year-old man" is an age, still a duration; "five-year-old" fine
                return found
            return None
        pct = self.percent(j)
        if pct is not None:
            found.kind, found.unit, found.j = "percent", "percent", pct
            return found
        # currency words after the number: "5 billion dollars", "300 euros", "10 USD"
        cur = self.currency_after(j, num)
        if cur:
            found.kind, found.unit, found.currency, found.j = "money", cur[0], cur[0], cur[1]
            return found
        phys = self.physical(j)
        if phys and phys[0] == "penny":
            found.kind, found.unit, found.currency, found.j = "money", "penny", "GBP", phys[1]
            return found
        if phys and not (num.words and num.value == 1 and phys[0] in _PERIODS.values()
                         and self.tok(num.i) is not None and self.toks[num.i].low in ("a", "an")):
            found.kind = "duration" if phys[0] in _PERIODS.values() else "physical"
            found.unit, found.j = phys
            return found
        per = self.period(j)
        if per:
            found.kind, found.unit, found.j = "duration", per[0], per[1]
            return found
        # counted nouns: "555,000 Nvidia GPUs", "tens of thousands of chips", "300 staff"
        k = j
        if num.vague and self.is_word(j, "of"):
            cur = self.currency_after(j + 1, num)
            if cur:
                found.kind, found.unit, found.currency, found.j = \
                    "money", cur[0], cur[0], cur[1]
                return found
            k = j + 1
        elif self.is_word(j, "of") and num.scale_word and num.words:
            k = j + 1
        if self.tok(k) is not None and self.toks[k].text in ('"', "”", "’", "'") \
                and self.adjacent(k):
            k += 1
        if self.is_word(k, "times") and self.is_word(k + 1, *_MULTIPLIER_NEXT):
            found.kind, found.unit, found.j = "multiple", "dimensionless", k + 1
            return found
        counted = self.counted_noun(k, allow_singular=(num.value == 1 and not num.words))
        if counted:
            unit, end, per_word = counted
            found.kind, found.unit, found.j = "count", unit, end
            if per_word:
                found.per.append(per_word)
            return found
        found.kind, found.unit, found.j = "bare", "dimensionless", j
        return found

    def currency_after(self, j: int, num: _Num) -> tuple[str, int] | None:
        t = self.tok(j)
        if t is None or t.kind != "word":
            return None
        # "Singapore dollars", "US dollars", "Swiss francs", "pounds sterling"
        for size in (3, 2):
            words = self.toks[j:j + size]
            if len(words) == size and all(w.kind == "word" for w in words) and all(
                    self.gap(j + k) == " " for k in range(1, size)):
                name = "_".join(w.text for w in words[:-1]) + "_" + _singular(words[-1].text)
                code = self.currency_code(name)
                if code:
                    return code, j + size
        if t.low in ("pound", "pounds"):
            if self.is_word(j + 1, "sterling"):
                return "GBP", j + 2
            return ("GBP", j + 1) if num.scale_word else None
        if t.low in ("won",):
            return ("KRW", j + 1) if num.scale_word else None
        if t.text.isupper() or t.low in ("dollar", "dollars", "euro", "euros", "yen", "yuan",
                                         "cent", "cents", "pence", "penny",
                                         "renminbi", "rupee", "rupees", "franc", "francs",
                                         "bucks"):
            code = self.currency_code(t.text) or self.currency_code(_singular(t.low))
            if code:
                return code, j + 1
        return None

    def is_identifier(self, i: int, money: bool, num: _Num) -> bool:
        """Versions, model names, ranks and list markers: "Grok 5", "GPT-4", "S-1", "#1"."""
        prev = self.tok(i - 1)
        if prev is None:
            return False
        if prev.kind == "word" and self.adjacent(i) or prev.text == "^" and self.adjacent(i):
            return True  # "Q3", "H100", "v4", "10^1000"
        if prev.kind == "sym" and prev.text == "." and self.adjacent(i) \
                and self.tok(i - 2) is not None and self.toks[i - 2].kind == "num":
            return True  # "4.3.1"
        nxt = self.tok(i + 1)
        if nxt is not None and nxt.text == "." and self.adjacent(i + 1) \
                and self.tok(i + 2) is not None and self.toks[i + 2].kind == "num" \
                and self.adjacent(i + 2):
            return True
        if prev.text in _DASHES and self.adjacent(i) and self.tok(i - 2) is not None \
                and self.toks[i - 2].kind == "word" and self.adjacent(i - 1):
            return True  # "GPT-4", "S-1", "COVID-19"
        if money:
            return False
        if prev.text == "#":
            return True
        if prev.text == "." and self.is_word(i - 2, "no"):
            return True
        if prev.kind == "word" and prev.low in _IDENTIFIER_WORDS:
            return True
        literal = num.literal
        if prev.kind == "word" and prev.text[:1].isupper() and num.scale_word is None \
                and re.fullmatch(r"\d{1,4}(?:\.\d)?", literal) \
                and prev.text not in _CAPITALISED_FUNCTION_WORDS \
                and prev.low not in MONTHS and not self.percent(num.j):
            return True  # "Grok 5", "Colossus 1", "Windows 11", "Grok 4.3"
        return False

    def hedge_before(self, i: int) -> tuple[Bound, int] | None:
        """A hedge ending right before token ``i``: ``(bound, first token)``."""
        prev = self.tok(i - 1)
        if prev is None:
            return None
        for words, bound in _HEDGES_BY_LAST.get(prev.low, ()):
            k = i - len(words)
            if k < 0:
                continue
            if all(self.toks[k + m].low == w for m, w in enumerate(words)) and not any(
                    "\n" in self.gap(k + m) for m in range(1, len(words) + 1)):
                return bound, k
        return None

    # -- whole quantities, with ranges ---------------------------------------------------
    def quantities(self) -> Iterator[_Found]:
        i = 0
        last_count: str | None = None
        toks = self.toks
        while i < self.n:
            t = toks[i]
            if t.kind == "sym" or t.kind == "word" and t.low not in _OPENING_WORDS \
                    and t.text != "Rs" and not t.text.isupper():
                i += 1  # core() finds nothing here
                continue
            found = self.core(i, last_count)
            if found is None:
                i += 1
                continue
            found = self.extend(found, last_count)
            if found.kind == "count" and found.unit:
                last_count = found.unit
            yield found
            i = max(found.j, i + 1)

    def extend(self, first: _Found, last_count: str | None) -> _Found:
        """Add bounds, the second end of a range, rates and the value interval."""
        num = first.num
        value = num.value
        first.value = value
        first.low, first.high = (num.low, num.high) if num.vague else (value, value)
        if num.vague:
            first.bound = "vague"
        between = False
        hedge = self.hedge_before(first.i)
        if hedge is None and self.is_word(first.i - 1, "between"):
            between = True
        second = self.range_end(first, between=between)
        if second is not None:
            first = second
        elif hedge is not None and first.bound == "exact":
            first.bound, first.i = hedge[0], hedge[1]
        elif hedge is not None and first.bound == "at_least":
            first.i = hedge[1]
        if first.bound == "at_least" and first.value is not None:
            first.low, first.high = first.value, None
        elif first.bound == "at_most" and first.value is not None:
            first.low, first.high = None, first.value
        # "or more" / "or less"
        if self.is_word(first.j, "or") and self.is_word(first.j + 1, "more", "less", "fewer") \
                and first.value is not None:
            more = self.toks[first.j + 1].low == "more"
            first.bound = "at_least" if more else "at_most"
            first.low, first.high = (first.value, None) if more else (None, first.value)
            first.j += 2
        if first.kind in ("money", "count", "bare", "physical", "percent", "duration"):
            first.j = self.rate(first.j, first, last_count)
            # "55 billion cubic metres of gas a year", "150 minutes of exercise a week"
            if not first.per and self.is_word(first.j, "of"):
                for skip in (2, 3):
                    words = self.toks[first.j + 1:first.j + skip]
                    if all(w.kind == "word" and w.text.islower() and w.low not in _STOP
                           for w in words) and len(words) == skip - 1:
                        end = self.rate(first.j + skip, first, None)
                        if first.per:
                            first.j = end
                            break
        return first

    def range_end(self, first: _Found, *, between: bool) -> _Found | None:
        j = first.j
        t = self.tok(j)
        if t is None:
            return None
        if between and t.low == "and":
            k = j + 1
        elif t.low == "to" or t.text in _DASHES or (t.low == "and" and between):
            k = j + 1
            if t.low == "to":
                # "rose from 5% to 7%", "fell 12 per cent to 340 pence", "fell by 2 to 7":
                # a change and its result, not a range
                back = [x.low for x in self.toks[max(0, first.i - 4):first.i]]
                if any(w in _CHANGE_VERBS for w in back) or (back and back[-1] == "by"):
                    return None
        else:
            return None
        if first.num.vague or first.num.fraction:
            return None
        second = self.core(k, None)
        if second is None or second.num.vague or second.num.fraction:
            return None
        a, b = first.num, second.num
        if a.value is None or b.value is None:
            return None
        # units must agree; a missing unit on one side is taken from the other
        unit = first.unit if first.kind != "bare" else None
        unit2 = second.unit if second.kind != "bare" else None
        if unit and unit2 and unit != unit2:
            return None
        if unit and not unit2 and t.low == "to":
            return None  # "$45 to 75 users": the second figure is something else
        if not unit and not unit2:
            if not (a.scale_word or b.scale_word):
                return None
        low = a.value
        high = b.value
        # "$5-9 million": the scale of the second end applies to the first
        if b.scale_word and not a.scale_word and a.value <= b.value / b.scale:
            low = a.value * b.scale
        if not low < high:
            return None
        merged = _Found(first.i - (1 if between else 0), second.j, first.num,
                        unit=unit or unit2, currency=first.currency or second.currency,
                        kind=first.kind if unit else second.kind)
        merged.per = first.per + second.per
        merged.bound = "range"
        merged.low, merged.high = low, high
        merged.value = (low + high) / 2
        hedge = self.hedge_before(merged.i)
        if hedge and hedge[0] == "approx":
            merged.i = hedge[1]
        return merged


# --------------------------------------------------------------------------------------
# Word helpers
# --------------------------------------------------------------------------------------
def _is_plural(word: str) -> bool:
    lower = word.lower()
    if lower in _NOT_PLURAL or lower in _STOP or len(lower) < 3:
        return False
    if word.isupper():
        return False
    if word[:-1].isupper() and word.endswith("s"):
        return True  # "GPUs", "TPUs"
    return lower.endswith("s") and not lower.endswith(("ss", "us", "ous", "sis"))


def _singular(word: str) -> str:
    lower = word.lower()
    if lower in _IRREGULAR_UNIT_PLURALS:
        return _IRREGULAR_UNIT_PLURALS[lower]
    if word[:-1].isupper() and word.endswith("s") and len(word) > 1:
        return word[:-1]
    if lower.endswith("ies") and len(lower) > 4:
        return word[:-3] + "y"
    if lower.endswith(("sses", "shes", "ches", "xes", "zes")):
        return word[:-2]
    if lower.endswith("s") and not lower.endswith(("ss", "us", "sis")):
        return word[:-1]
    return word


def _singular_phrase(surface: str) -> str:
    parts = surface.split(" ")
    parts[-1] = _singular(parts[-1])
    if surface.startswith("degrees "):
        parts[0] = "degree"
    return " ".join(parts)


def _short(value: float) -> str:
    """``3.0`` -> ``"3"``: a duration's number as ``over`` writes it."""
    return f"{value:g}"


# --------------------------------------------------------------------------------------
# The stage function
# --------------------------------------------------------------------------------------
def extract_quantities(text: str, *, doc_id: str, registry: pint.UnitRegistry) -> list[Quantity]:
    """Find quantities in ``text``; spans are offsets into ``text``.

    Never raises on odd input: numbers that overflow or exceed :data:`MAX_VALUE` are
    skipped. Dates are not quantities (see :func:`find_dates`).
    """
    parser = _Parser(text, registry)
    found = [f for f in parser.quantities() if _keep(f, parser)]
    _attach_durations(found, parser)
    _inherit_units(found, parser)
    _infer_currency(found, parser)
    quantities: list[Quantity] = []
    for f in found:
        if f.kind == "bare" and f.unit == "dimensionless" and not f.num.scale_word:
            continue
        q = _to_quantity(f, parser, doc_id)
        if q is not None:
            quantities.append(q)
    return quantities


def _keep(f: _Found, parser: _Parser) -> bool:
    if f.kind == "bare" and parser.is_word(f.j, "more", "fewer", "others", "additional"):
        return True  # may take the unit of the figure before it (see _inherit_units)
    if f.kind == "duration" and parser.is_word(f.j, "ago", "earlier", "later"):
        return False  # "five years ago" is a time reference
    if f.kind == "bare":
        # numbers without a unit are kept only when a scale word makes them an amount
        return bool(f.num.scale_word) and not f.num.vague
    if f.kind == "count" and f.num.words and not f.num.scale_word and (f.num.value or 0) < 2:
        return False
    return True


def _attach_durations(found: list[_Found], parser: _Parser) -> None:
    """Set ``over`` on a total next to a duration: "three-year, $45 billion deal",
    "$45 billion over three years"."""
    for a, b in zip(found, found[1:], strict=False):
        if a.kind == "duration" and b.kind in ("money", "count", "physical") \
                and b.i - a.j <= 2 and not b.per:
            between = parser.text[parser.toks[a.j - 1].end:parser.toks[b.i].start]
            if between.strip() in ("", ",") and a.value is not None:
                b.over = f"{_short(a.value)} {a.unit}"
        if b.kind == "duration" and a.kind in ("money", "count", "physical") \
                and not a.per and b.value is not None and b.bound in ("at_least", "exact"):
            gap_words = [t.low for t in parser.toks[a.j:b.num.i]]
            if gap_words and gap_words[-1] in _ATTACH_OVER and len(gap_words) <= 4 \
                    and all(t.kind == "word" for t in parser.toks[a.j:b.num.i]) \
                    and not parser.is_word(b.j, "of", "ago"):
                a.over = f"{_short(b.value)} {b.unit}"
                b.bound, b.low, b.high = "exact", b.value, b.value


def _infer_currency(found: list[_Found], parser: _Parser) -> None:
    """A bare scaled amount ("a billion a month") takes the currency of the money figure
    before it, when there is one within a few paragraphs."""
    last: tuple[int, str] | None = None
    for f in found:
        start = parser.toks[f.i].start
        if f.kind == "money" and f.currency:
            last = (parser.toks[f.j - 1].end, f.currency)
        elif f.kind == "bare" and f.num.scale_word and last \
                and start - last[0] < _CONTEXT_CURRENCY_CHARS:
            f.kind, f.unit, f.currency = "money", last[1], last[1]


def _inherit_units(found: list[_Found], parser: _Parser) -> None:
    """A bare scaled figure later in the same sentence as a count or money figure counts
    the same thing: "3.76 million GPUs, up from 2.64 million" -> 2.64 million GPUs."""
    for prev, f in zip(found, found[1:], strict=False):
        more = parser.is_word(f.j, "more", "fewer", "others", "additional")
        if f.kind != "bare" or not (f.num.scale_word or more) \
                or prev.kind not in ("count", "money"):
            continue
        between = parser.text[parser.toks[prev.j - 1].end:parser.toks[f.i].start]
        if re.search(r"[.!?;:]\s|\n", between) or len(between) > 80:
            continue
        f.kind, f.unit, f.currency = prev.kind, prev.unit, prev.currency


def _to_quantity(f: _Found, parser: _Parser, doc_id: str) -> Quantity | None:
    for x in (f.value, f.low, f.high):
        if x is not None and (not math.isfinite(x) or abs(x) > MAX_VALUE):
            return None
    if f.unit is None:
        return None
    start = parser.toks[f.i].start
    end = parser.toks[f.j - 1].end
    text = parser.text[start:end]
    return Quantity(
        span=Span(doc_id=doc_id, start=start, end=end, text=text),
        value=f.value, low=f.low, high=f.high, bound=f.bound, unit=f.unit,
        currency=f.currency, per=_per_expression(f.per), over=f.over,
        scale_word=f.num.scale_word,
    )


def _per_expression(per: list[str]) -> str | None:
    """``["user", "month"]`` -> ``"user / month"``: a chain of "per", read by
    :func:`pipeline.units.unit_expression` as ``USD / user / month``."""
    if not per:
        return None
    return " / ".join(per)


__all__ = ["MAX_VALUE", "extract_quantities", "find_dates"]
