"""Time of claim frames: the date expression nearest a figure, normalized."""

from __future__ import annotations

import calendar
import re
from collections.abc import Sequence

from spacy.tokens import Span as SpacySpan
from spacy.tokens import Token

from pipeline.extract.cues import Cues
from pipeline.extract.tree import cue_regex, governing_chain, span_distance
from pipeline.models import Document
from pipeline.rules import Rules

_YEAR = re.compile(r"\b((?:19|20)\d{2})\b")
_QUARTER = re.compile(r"\bQ([1-4])\b", re.IGNORECASE)
_DAY = re.compile(r"\b([0-3]?\d)(?:st|nd|rd|th)?\b")
_MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
_MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
_MONTH = re.compile(r"\b(" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\b\.?",
                    re.IGNORECASE)


# --- time ------------------------------------------------------------------------------------


def _quarter(text: str, quarter_words: Sequence[str]) -> int | None:
    """``"Q3 2026"`` or (with the rules' quarter words) ``"the third quarter"`` -> 3."""
    match = _QUARTER.search(text)
    if match:
        return int(match.group(1))
    lowered = text.lower()
    for number, words in enumerate(quarter_words, start=1):
        if cue_regex(words).search(lowered):
            return number
    return None


def _relative_year(text: str, published: str | None,
                   relative: dict[str, int]) -> str | None:
    """``"last year"`` in an article of 2026 -> ``"2025"`` (offsets from the rules)."""
    if not published or not _YEAR.match(published[:4]):
        return None
    lowered = text.lower()
    for words, offset in sorted(relative.items(), key=lambda kv: -len(kv[0])):
        if cue_regex(words).search(lowered):
            return str(int(published[:4]) + offset)
    return None


def normalise_date(text: str, published: str | None,
                    quarter_words: Sequence[str] = (),
                    relative: dict[str, int] | None = None) -> str | None:
    """``"between February and April 2026"`` -> ``"2026-02/2026-04"``; ``"by 2029"`` -> 2029.

    ``"in the third quarter of 2024"`` -> ``"2024-Q3"``; a month or quarter without a year
    takes the year of ``published``; ``None`` when nothing can be dated.
    """
    years = _YEAR.findall(text) or [y for y in [_relative_year(text, published,
                                                                relative or {})] if y]
    fallback_year = published[:4] if published and _YEAR.match(published[:4]) else None
    year = years[-1] if years else fallback_year
    quarter = _quarter(text, quarter_words)
    if quarter and year:
        if not years and published and len(published) >= 7 and published[5:7].isdigit() \
                and 3 * quarter - 2 > int(published[5:7]):
            year = str(int(year) - 1)  # "the fourth quarter", written in February: last year's
        return f"{year}-Q{quarter}"
    months = [_MONTHS[m.group(1).lower()] for m in _MONTH.finditer(text)]
    if not months:
        if len(years) >= 2:
            return f"{years[0]}/{years[-1]}"
        return years[0] if years else None
    if year is None:
        return None
    if len(months) >= 2:
        first_year = years[0] if len(years) >= 2 else year
        return f"{first_year}-{months[0]:02d}/{year}-{months[-1]:02d}"
    rest = _YEAR.sub(" ", _MONTH.sub(" ", text))
    day = _DAY.search(rest)
    if day and 1 <= int(day.group(1)) <= 31:
        return f"{year}-{months[0]:02d}-{int(day.group(1)):02d}"
    return f"{year}-{months[0]:02d}"


def _has_date_marker(text: str, rules: Rules) -> bool:
    lowered = text.lower()
    return bool(_YEAR.search(text) or _MONTH.search(text)
                or _quarter(text, rules.cues.quarters)
                or any(cue_regex(w).search(lowered) for w in rules.cues.relative_years))


def time_scope(sent: SpacySpan, root: Token, figure: set[int], document: Document,
          rules: Rules, find: Cues) -> tuple[str | None, str | None]:
    chain = governing_chain(root)
    top = chain[-1] if chain else root
    # dates of the figure's own clause (its governing chain's top and what hangs below it)
    scope = {t.i for t in top.subtree} if top.dep_ in ("acl",) else None
    best: tuple[int, int, SpacySpan] | None = None
    for ent in find.ents_in(sent):
        if ent.label_ != "DATE" or (scope is not None and ent.root.i not in scope):
            continue
        if any(t.i in figure for t in ent):  # "a year through 2027": keep what follows
            after = [t.i for t in ent if t.i > max(figure)]
            if not after:
                continue
            ent = ent.doc[after[0]:ent.end]
        if not _has_date_marker(ent.text, rules):
            continue
        key = (span_distance(root, ent), abs(ent.start - root.i))
        if best is None or key < best[:2]:
            best = (*key, ent)
    if best is None:
        return document.published, None
    ent = best[2]
    start = ent.start
    preps = sorted((p.lower() for p in rules.cues.time_prepositions), key=len, reverse=True)
    before = ent.doc[max(sent.start, ent.start - 3):ent.start].text.lower()
    if not any(ent.text.lower().startswith(p + " ") for p in preps):
        for prep in preps:
            if before == prep or before.endswith(" " + prep):
                start = ent.start - len(prep.split())
                break
    period = ent.doc[start:ent.end].text
    as_of = normalise_date(ent.text, document.published, rules.cues.quarters,
                            rules.cues.relative_years)
    return as_of or document.published, period

