"""Month names: the one table the date readers share.

Ingest reads an article's publication date ("March 3, 2026"), quantities the dates in its
text (so that "March 2026" is not read as a figure), claims a figure's as-of month.
"""

from __future__ import annotations

MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August",
               "September", "October", "November", "December")
#: Lower-case month name or abbreviation ("jan", and AP style's "sept") -> month number.
MONTHS: dict[str, int] = {
    **{name.lower(): number for number, name in enumerate(MONTH_NAMES, start=1)},
    **{name[:3].lower(): number for number, name in enumerate(MONTH_NAMES, start=1)},
    "sept": 9,
}
