"""Dates: the month table the date readers share, and the dates and other spans whose digits
are never quantities (URLs, phone numbers, clock times, ordinals, list markers).

Ingest reads an article's publication date ("March 3, 2026"), claims a figure's as-of month;
the quantities stage masks the dates :func:`find_dates` finds (so that "March 2026" is not
read as a figure), and every other span :data:`MASKS` finds. :func:`find_dates` also hands
the claims stage the dates of the text for time scope.
"""

from __future__ import annotations

import re

from pipeline.extract.words import (
    IRREGULAR_UNIT_PLURALS,
    NOT_PLURAL,
    SCALE_ABBR,
    SCALE_WORDS,
    STOP,
    UNIT_SYMBOLS,
    UNIT_WORDS,
)

MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August",
               "September", "October", "November", "December")
#: Lower-case month name or abbreviation ("jan", and AP style's "sept") -> month number.
MONTHS: dict[str, int] = {
    **{name.lower(): number for number, name in enumerate(MONTH_NAMES, start=1)},
    **{name[:3].lower(): number for number, name in enumerate(MONTH_NAMES, start=1)},
    "sept": 9,
}
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
    ("fy", re.compile(r"(?=[Ff])\b(?:FY|fiscal(?:\s+year)?)\s*'?(?P<year>" + _YEAR
                      + r"|\d{2})(?:[-–/](?:\d{2}|" + _YEAR + r"))?\b")),
    ("season", re.compile(r"(?=[12])\b(?P<year>" + _YEAR + r")[-–/](?P<y2>\d{2}|" + _YEAR
                          + r")\b")),
    ("decade", re.compile(r"(?=[12'’])(?:\b(?P<year>(?:1[89]|20)\d0)|['’](?P<yy>\d0))s\b")),
    ("year", re.compile(r"(?=[12])(?<![\w$€£¥.,])(?P<year>" + _YEAR + r")(?![\w,.]\d|\d|%)")),
    # any year named as one: "by the year 2300", "in the year 950"
    ("named", re.compile(r"(?<=\b[Yy]ear )(?P<year>\d{3,4})\b(?![,.]\d)")),
]
_DATE_PREPOSITIONS = frozenset("""
in by since until till from through during of before after early late mid year fiscal to
and between circa or throughout around
""".split())
_MONEY_BEFORE = ("$", "€", "£", "¥", "₹", "₩")


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
        return f"{g['year']}s" if g.get("year") else f"19{g['yy']}s"
    if kind == "year":
        return g["year"] if _year_is_date(text, start, end) else None
    if kind == "named":
        return g["year"]
    return None


_NEXT_WORD = re.compile(r"\s*([^\W\d_][\w'-]*)")
_PREV_WORD = re.compile(r"([^\W\d_][\w-]*)\W{0,2}$")


def _year_is_date(text: str, start: int, end: int) -> bool:
    before = text[max(0, start - 30):start]
    prev = _PREV_WORD.search(before)
    if prev and prev.group(1).lower() in _DATE_PREPOSITIONS:
        return True
    if before.rstrip().endswith(_MONEY_BEFORE):
        return False
    nxt = _NEXT_WORD.match(text, end)
    if nxt:
        word = nxt.group(1)
        lower = word.lower()
        if lower in SCALE_WORDS or word in SCALE_ABBR or lower in ("per", "percent"):
            return False
        if word in UNIT_SYMBOLS or lower in UNIT_WORDS or lower[:-1] in UNIT_WORDS \
                or lower in IRREGULAR_UNIT_PLURALS:
            return False  # "1800 Calories", "2000 feet"
        if (word.islower() and lower.endswith("s") and lower not in NOT_PLURAL
                and lower not in STOP and not prev):
            return False
        if (word.islower() and lower.endswith("s") and lower not in NOT_PLURAL
                and lower not in STOP and prev and prev.group(1).lower() not in
                _DATE_PREPOSITIONS and prev.group(1).lower() not in ("the", "a", "its")):
            return False
    return True


MASKS = re.compile(
    # every alternative starts at a token start or with one of these characters: the guard
    # fails fast at every other position (same matches, half the scanning time)
    r"(?:(?=[hw@+(#\d\[])|(?<!\S))(?:"
    # e-mail addresses only from the start of a token: "\S+@" tried at every position of a
    # long run without spaces is quadratic (a denial of service on hostile articles)
    r"https?://\S+|www\.\S+|(?<!\S)[^\s@]+@[^\s@]+\.\w+|@\w+"
    r"|\+?\(?\d{1,4}\)?[-.\s]\(?\d{2,4}\)?[-.\s]\d{3,4}[-.\s]\d{3,4}\b"
    r"|\(\d{3}\)\s?\d{3}-\d{4}\b|\b\d{3}-\d{3}-\d{4}\b|\b\d{3}-\d{4}\b(?![-–])"
    r"|\b\d{1,2}:\d{2}(?::\d{2})?(?:\s?[ap]\.?m\.?)?|\b\d{1,2}\s?[ap]\.m\.|\b\d{1,2}\s?[ap]m\b"
    r"|\b\d+(?:st|nd|rd|th)\b|#\d+|\b\d+:\d+\b|\b\d+/\d+/\d+\b"
    r"|\b[0-2]\d[0-5]\d\s?(?:GMT|UTC|BST|CET|IST|EST|EDT|PST|PDT|hrs)\b"
    r"|(?m:^\s*\d{1,2}[.)](?=\s))"
    # citation marks of reference works: "record,[26]", "[nb 4]"
    r"|\[(?:\d{1,3}|nb \d{1,3}|note \d{1,3})\]"
    r")"
)
"""Spans whose digits are never quantities. A plain ``a/b`` is left to the parser, which
reads a fraction ("1/4 cup", "63 3/16") and blocks the rest ("24/7", "9/11")."""
