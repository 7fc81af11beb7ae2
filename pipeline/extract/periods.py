"""Time of claim frames: the date expression nearest a figure, normalized."""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence

from spacy.tokens import Doc, Token
from spacy.tokens import Span as SpacySpan

from pipeline.extract.cues import Cues
from pipeline.extract.dates import MONTHS
from pipeline.extract.tree import cue_regex, governing_chain, span_distance
from pipeline.models import Document, PeriodHow
from pipeline.rules import Rules

_YEAR = re.compile(r"\b((?:19|20)\d{2})\b")
_QUARTER = re.compile(r"\bQ([1-4])\b", re.IGNORECASE)
_DAY = re.compile(r"\b([0-3]?\d)(?:st|nd|rd|th)?\b")
# month names and three-letter abbreviations (as-of dates do not read AP style's "Sept")
_MONTHS = {name: number for name, number in MONTHS.items() if name != "sept"}
_MONTH = re.compile(r"\b(" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\b\.?",
                    re.IGNORECASE)
# Days named relative to the article's date ("on Tuesday", "yesterday"): the day they name
# is the last such day on or before the publication date ("next Tuesday": the one after).
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_WEEKDAY = re.compile(r"\b(" + "|".join(_WEEKDAYS) + r")(?:'s|’s)?\b|\b(today|tonight|"
                      r"yesterday)\b", re.IGNORECASE)
# Verbs a day names the saying of, not the figure's period ("Nvidia on Wednesday reported
# revenue for the quarter", "the Labor Department said Friday").
_SAYING = frozenset("say says said report reports reported announce announces announced tell "
                    "tells told state states stated disclose discloses disclosed post posts "
                    "posted confirm confirms confirmed add adds added note notes noted "
                    "release releases released publish published show shows showed".split())
# Words of a date still ahead ("by June", "until December"): its month is the coming one.
_AHEAD = re.compile(r"\b(?:by|until|till|through|thru|before|next|coming|ahead)\b",
                    re.IGNORECASE)
# Words that make a date phrase a period ("its latest fiscal year", "the quarter").
_PERIOD_WORD = re.compile(r"\b(?:years?|quarters?|months?|half|fiscal|season|weeks?)\b",
                          re.IGNORECASE)
# The least score of an article's focal period: named in the title, or twice in the text.
FOCAL_PERIOD_SCORE = 2


# --- time ------------------------------------------------------------------------------------


def _quarter(text: str, quarter_words: Sequence[str]) -> int | None:
    """``"Q3 2026"`` or (with the rules' quarter words) ``"the third quarter"`` -> 3."""
    match = _QUARTER.search(text)
    if match:
        return int(match.group(1))
    lowered = re.sub(r"(?<=[a-z])-(?=quarter)", " ", text.lower())  # "second-quarter"
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
    takes the year of ``published``, or the year before when it would lie more than a month
    after it ("in December" written in February; not "by December"); ``None`` when nothing
    can be dated.
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
    if not years and published and len(published) >= 7 and published[5:7].isdigit() \
            and months[0] > int(published[5:7]) + 1 and not _AHEAD.search(text):
        year = str(int(year) - 1)  # "in December", written in February: last December
    if len(months) >= 2:
        first_year = years[0] if len(years) >= 2 else year
        return f"{first_year}-{months[0]:02d}/{year}-{months[-1]:02d}"
    rest = _YEAR.sub(" ", _MONTH.sub(" ", text))
    day = _DAY.search(rest)
    if day and 1 <= int(day.group(1)) <= 31:
        return f"{year}-{months[0]:02d}-{int(day.group(1)):02d}"
    return f"{year}-{months[0]:02d}"


def _goes_on(clause: Token) -> bool:
    """An infinitive that goes on with its sentence's event, no condition or time of its
    own ("rose 121 points to close at 2,111 on Thursday": the close is the same day's)."""
    return clause.dep_ == "advcl" and not any(c.dep_ == "mark" for c in clause.children) \
        and any(c.dep_ == "aux" and c.lower_ == "to" for c in clause.children)


# Dependencies of a figure on the noun it measures ("a $2.4 billion fine", "a fine ($2.8
# billion)").
_ON_ITS_NOUN = frozenset({"nummod", "compound", "amod", "quantmod", "nmod", "appos"})


def _in_comparison(ent: SpacySpan, root: Token, words: set[str]) -> bool:
    """A date in a phrase a change is measured from ("up 9% from a year ago"), or in a
    subordinate clause ("if they had accounts between 2007 and 2022"), the figure not in it:
    not the figure's period."""
    token = ent.root
    # the noun the figure measures: a relative clause on it describes the figure itself ("a
    # $2.4 billion fine that regulators imposed a year ago"), its date is the figure's
    described = {root.i, root.head.i} if root.dep_ in _ON_ITS_NOUN else {root.i}
    for ancestor in [token, *token.ancestors]:
        if ancestor.dep_ == "relcl" and ancestor.head.i in described:
            return False
        if ancestor.lower_ in words or ancestor.dep_ in ("advcl", "relcl") and \
                not _goes_on(ancestor):
            if root.i not in {t.i for t in ancestor.subtree}:
                return True
            if ancestor.lower_ in words:
                return False
    return False


def _owned_elsewhere(ent: SpacySpan, root: Token) -> bool:
    """A date modifying a noun of another figure's clause ("revenue was $12.9 billion, with
    2026 revenue expected to reach $13.4 billion"): that figure's period, not this one's. A
    date modifying the figure's own noun, its subject or an ancestor ("2026 revenue was
    $13.4 billion") is its own."""
    date = ent.root
    owner = date.head
    if date.dep_ not in ("compound", "nmod", "amod", "nummod", "poss") or \
            owner.pos_ not in ("NOUN", "PROPN") or owner.i == date.i:
        return False
    between = ent.doc[ent.end:owner.i]
    if owner.i < ent.end or any(t.tag_ != "POS" for t in between):
        return False  # only a date written before its noun ("2026 revenue", "2025's sales")
    if owner.i == root.i or any(t.i == owner.i for t in root.ancestors) or \
            any(t.i == owner.i for t in root.subtree):
        return False
    chain = governing_chain(root)
    return not any(c.i == owner.i for t in chain for c in t.children
                   if c.dep_ in ("nsubj", "nsubjpass", "attr", "dobj"))


def _has_date_marker(text: str, rules: Rules) -> bool:
    lowered = text.lower()
    return bool(_YEAR.search(text) or _MONTH.search(text)
                or _quarter(text, rules.cues.quarters)
                or any(cue_regex(w).search(lowered) for w in rules.cues.relative_years))


def time_scope(sent: SpacySpan, root: Token, figure: set[int], document: Document,
               rules: Rules, find: Cues) -> tuple[str | None, str | None]:
    """The figure's date as written (``period``) and normalized (``as_of``), the article's
    date when the sentence has none; dates a change is measured from are not the figure's
    ("up 9% from a year ago")."""
    comparison = {w.lower() for w in rules.cues.comparison_words}
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
        if not _has_date_marker(ent.text, rules) or _in_comparison(ent, root, comparison) \
                or _owned_elsewhere(ent, root):
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



# --- period keys (issue 17) ------------------------------------------------------------------
# A period key says which period a figure is about, comparable across articles:
#   "2023"            a calendar year            "FY2024"       a fiscal year
#   "2023-Q2"         a calendar quarter         "FY2024-Q2"    a fiscal quarter
#   "?-Q2"            a quarter, year unwritten  "FY2024-H1"    a half
#   "2023-08"         a month                    "2023-08-24"   a day
#   "2022/2031"       a span of years            "to 2029"      a span ending then
# (see pipeline/check/frames.py for when two keys agree).

_FY = re.compile(r"\b(?:fiscal(?:\s+year)?|fy)\s*'?(\d{4}|\d{2})\b", re.IGNORECASE)
_FY_WORD = re.compile(r"\bfiscal\b|\bfy\b|\bfy'?\d", re.IGNORECASE)
_Q_GLUED = re.compile(r"\b(?:Q([1-4])|([1-4])Q)\s*(?:FY)?'?(\d{4}|\d{2})?\b", re.IGNORECASE)
_HALF = re.compile(r"\bH([12])\b|\b(first|second)[ -]half\b", re.IGNORECASE)
_SPAN_END = re.compile(r"\b(?:by|through|thru|until|till|to)\s+((?:19|20)\d{2})\b",
                       re.IGNORECASE)
_KEY = re.compile(r"^(FY)?(\d{4}|\?)(?:-(Q|H)([1-4]))?$")
_SEASON = re.compile(r"\b((?:19|20)\d{2})[-–/](\d{2})\b")


def _year(text: str) -> int:
    value = int(text)
    return value + 2000 if value < 100 else value


def _shift(key: str, years: int = 0, quarters: int = 0) -> str | None:
    """A period key moved by whole years or quarters; ``None`` when it cannot move."""
    match = _KEY.match(key)
    if not match:
        return None
    fiscal, year, kind, number = match.groups()
    if year == "?":
        return key if years == 0 and quarters == 0 else None
    y = int(year) + years
    if kind == "Q" and number:
        index = y * 4 + int(number) - 1 + quarters
        return f"{fiscal or ''}{index // 4}-Q{index % 4 + 1}"
    if quarters:
        return None
    return f"{fiscal or ''}{y}" + (f"-{kind}{number}" if kind else "")


def period_key(text: str, *, published: str | None, reference: str | None,
               rules: Rules) -> str | None:
    """The period key a date expression names (see above), ``None`` when none.

    Relative expressions ("a year ago", "the previous quarter") move ``reference`` (the
    sentence's or the article's own period), or the year of ``published``.
    """
    lowered = " ".join(text.lower().split())
    for words, offset in sorted(rules.cues.relative_quarters.items(),
                                key=lambda kv: -len(kv[0])):
        if cue_regex(words).search(lowered):
            if reference and "-Q" in reference:
                return _shift(reference, quarters=offset)
            return None
    for words, offset in sorted(rules.cues.relative_years.items(), key=lambda kv: -len(kv[0])):
        if cue_regex(words).search(lowered):
            shifted = _shift(reference, years=offset) if reference else \
                str(int(published[:4]) + offset) if published and \
                _YEAR.match(published[:4]) else None
            return _with_part(shifted, text, rules)
    day = _weekday_key(lowered, published)
    if day is not None:
        return day
    season = _SEASON.search(text)
    if season and int(season.group(2)) == (int(season.group(1)) + 1) % 100:
        first = int(season.group(1))  # "2022-23", a season across two years
        return f"{first}/{first + 1}"
    fiscal = bool(_FY_WORD.search(text))
    year: int | None = None
    if not _YEAR.search(text) and not _FY.search(text) and reference and any(
            cue_regex(w).search(lowered) for w in rules.cues.year_words):
        match = _KEY.match(reference)  # "full year revenues" of a fiscal 2024 Q4 report
        if match and match.group(2) != "?":
            return f"{match.group(1) or ''}{match.group(2)}"
    fy = _FY.search(text)
    if fy:
        year = _year(fy.group(1))
    quarter = _quarter(text, rules.cues.quarters)
    glued = _Q_GLUED.search(text)
    if glued:
        quarter = int(glued.group(1) or glued.group(2))
        if glued.group(3) and year is None:
            year = _year(glued.group(3))
    years = _YEAR.findall(text)
    if year is None and years:
        year = int(years[-1])
    prefix = "FY" if fiscal else ""
    shown = str(year) if year else "?"
    if quarter:
        return f"{prefix}{shown}-Q{quarter}"
    half = _HALF.search(text)
    if half:
        number = half.group(1) or ("1" if half.group(2).lower() == "first" else "2")
        return f"{prefix}{shown}-H{number}"
    if fiscal and year:
        return f"FY{year}"
    end = _SPAN_END.search(text)
    if end and len(years) == 1:
        return f"to {end.group(1)}"
    dated = normalise_date(text, published, rules.cues.quarters, {}) if years or \
        published else None
    if dated and (_MONTH.search(text) or "/" in dated):
        return dated
    month = _MONTH.search(text)
    if month and not years:
        return f"?-{_MONTHS[month.group(1).lower()]:02d}"  # "in June", the year unwritten
    return str(year) if year else None


def _with_part(key: str | None, text: str, rules: Rules) -> str | None:
    """A relative year's key with the quarter or half the words name ("last year's fourth
    quarter" in a third-quarter report is the year before's Q4, not its Q3)."""
    match = _KEY.match(key) if key else None
    if match is None or match.group(2) == "?":
        return key
    quarter = _quarter(text, rules.cues.quarters)
    half = _HALF.search(text)
    part = f"Q{quarter}" if quarter else \
        f"H{half.group(1) or ('1' if half.group(2).lower() == 'first' else '2')}" if half \
        else None
    if part is None:
        return key
    return f"{match.group(1) or ''}{match.group(2)}-{part}"


def _weekday_key(lowered: str, published: str | None) -> str | None:
    """The day a weekday or "yesterday" names, from the publication date (see _WEEKDAY)."""
    match = _WEEKDAY.search(lowered)
    if match is None or published is None or _YEAR.search(lowered) or _MONTH.search(lowered):
        return None
    try:
        day = datetime.date.fromisoformat(published[:10])
    except ValueError:
        return None
    if match.group(2):
        back = 1 if match.group(2) == "yesterday" else 0
    else:
        back = (day.weekday() - _WEEKDAYS.index(match.group(1))) % 7
        if re.search(r"\bnext\b", lowered):
            back -= 7 if back else 7
        elif back == 0 and re.search(r"\blast\b", lowered):
            back = 7
    return (day - datetime.timedelta(days=back)).isoformat()


def _saying_day(ent: SpacySpan) -> bool:
    """A day that dates a saying, not the figure ("said Friday")."""
    if not _WEEKDAY.search(ent.text):
        return False
    head = ent.root.head
    if head.dep_ == "prep" and head.head.i != head.i:
        head = head.head  # "said on Friday"
    return head.lower_ in _SAYING  # (the pipeline runs no lemmatizer)


def _same_period(a: str | None, b: str | None) -> bool:
    """Two keys of one period, a missing year matching any ("?-Q1" and "FY2024-Q1")."""
    if a is None or b is None:
        return False
    ma, mb = _KEY.match(a), _KEY.match(b)
    if not ma or not mb:
        return a == b
    if ma.groups()[2:] != mb.groups()[2:]:
        return False
    return "?" in (ma.group(2), mb.group(2)) or ma.group(2) == mb.group(2)


def title_end(doc: Doc, text: str, limit: int = 400) -> int:
    """The token after an article's title (``text`` is the doc's text): its first line when
    that is short (``limit`` characters), else its first sentence."""
    newline = text.find("\n", 0, limit)
    if 0 < newline < len(text.rstrip()):  # a first line with more text after it
        for token in doc:
            if token.idx >= newline:
                return token.i
    if doc.has_annotation("SENT_START"):
        return next((t.i for t in doc if t.i > 0 and t.is_sent_start), len(doc))
    return len(doc)


class Periods:
    """Period keys of one document's figures: written at the figure, relative to the
    sentence's or the article's period, or the article's focal period (the fiscal quarter,
    half or year its title and text name most)."""

    def __init__(self, doc: Doc, document: Document, rules: Rules, find: Cues) -> None:
        self.rules = rules
        self.published = document.published
        self.comparison = {w.lower() for w in rules.cues.comparison_words}
        first_break = title_end(doc, find.text)
        score: dict[str, int] = {}
        keys: dict[str, str | None] = {}  # a date's text -> its key (dates repeat)
        for ent in find.ents:
            if ent.label_ != "DATE":
                continue
            text = ent.text
            key = keys[text] if text in keys else keys.setdefault(
                text, period_key(text, published=None, reference=None, rules=rules))
            if key is None or not _KEY.match(key) or not (
                    key.startswith("FY") or "-" in key):
                continue  # only fiscal periods, quarters and halves make an article's own
            if any(t.lower_ in self.comparison for t in ent.root.ancestors):
                continue  # "compared with $2.5 billion in third quarter 2022": a base's
            score[key] = score.get(key, 0) + (3 if ent.start < first_break else 1)
        self.focal = self._focal(score)

    @staticmethod
    def _focal(score: dict[str, int]) -> str | None:
        """The most named period; "?-Q2" and "FY2024-Q2" count together as the latter."""
        merged: dict[str, int] = {}
        for key, count in score.items():
            kind = key.split("-", 1)[-1] if "-" in key else key
            fuller = [k for k in score if k != key and k.endswith("-" + kind)
                      and "?" not in k] if key.startswith(("?", "FY?")) else []
            target = max(fuller, key=lambda k: score[k]) if fuller else key
            merged[target] = merged.get(target, 0) + count
        if not merged:
            return None
        best = max(sorted(merged), key=lambda k: merged[k])
        return best if merged[best] >= FOCAL_PERIOD_SCORE else None


    def frame(self, sent: SpacySpan, root: Token, figure: set[int], find: Cues, *,
              base: bool, basis: str | None) -> tuple[str | None, PeriodHow | None]:
        """The figure's period key and how it was found."""
        chain = governing_chain(root)
        top = chain[-1] if chain else root
        scope = {t.i for t in top.subtree} if top.dep_ in ("acl",) else None
        best: tuple[int, int, SpacySpan] | None = None
        for ent in find.ents_in(sent):
            if ent.label_ != "DATE" or (scope is not None and ent.root.i not in scope):
                continue
            if any(t.i in figure for t in ent):
                continue
            if _in_comparison(ent, root, self.comparison) or _owned_elsewhere(ent, root) \
                    or _saying_day(ent):
                continue
            key = (span_distance(root, ent), abs(ent.start - root.i))
            if best is None or key < best[:2]:
                best = (*key, ent)
        if best is not None:
            written = period_key(best[2].text, published=self.published,
                                 reference=self.focal, rules=self.rules)
            if written is not None:
                relative = any(cue_regex(w).search(best[2].text.lower()) for w in
                               (*self.rules.cues.relative_years,
                                *self.rules.cues.relative_quarters))
                return self._completed(written), "relative" if relative else "written"
        if base:
            if self.focal is None:
                return None, None
            shifted = _shift(self.focal, years=-1) if basis == "year over year" else \
                _shift(self.focal, quarters=-1) if basis == "quarter over quarter" else None
            return (shifted, "relative") if shifted else (None, None)
        if self.focal is not None:
            return self.focal, "focal"
        if best is not None and _PERIOD_WORD.search(best[2].text):
            # "in its latest fiscal year" in an article of no one period: a period is
            # written, but no date fixes which
            return None, "unplaced"
        return None, None

    def basis(self, sent: SpacySpan, root: Token, find: Cues, period: str | None
              ) -> tuple[int, str] | None:
        """The basis of a change read from the date it is measured from ("up 88% since
        Q1" in a second-quarter report is quarter over quarter), with its distance to the
        figure in tokens; ``None`` when no such date is near."""
        if period is None:
            return None
        best: tuple[int, str] | None = None
        phrases = [ent for ent in find.ents_in(sent) if ent.label_ == "DATE"]
        phrases += [sent.doc[t.i:t.i + 1] for t in sent if _Q_GLUED.fullmatch(t.text)]
        for ent in phrases:
            if not _in_comparison(ent, root, self.comparison):
                continue
            base = period_key(ent.text, published=self.published, reference=period,
                              rules=self.rules)
            if base is None:
                continue
            base = self._completed(base)
            label = None
            if _same_period(base, _shift(period, years=-1)):
                label = "year over year"
            elif _same_period(base, _shift(period, quarters=-1)):
                label = "quarter over quarter"
            if label is None:
                continue
            distance = ent.start - root.i if ent.start > root.i else 2 * (root.i - ent.start)
            if best is None or distance < best[0]:
                best = (distance, label)
        return best

    def _completed(self, key: str) -> str:
        """A written quarter without its year takes the article's focal period's year when
        the quarters agree ("the second quarter" in a report on fiscal 2024's), and a
        calendar quarter of the year the focal fiscal quarter ends or starts in is that
        fiscal quarter ("the second quarter ended July 30, 2023" in a fiscal 2024 report)."""
        match = _KEY.match(key)
        focal = _KEY.match(self.focal) if self.focal else None
        if not match or not focal or match.groups()[2:] != focal.groups()[2:] or \
                match.group(3) is None:
            return key
        if match.group(2) == "?":
            return self.focal or key
        if focal.group(1) and not match.group(1) and focal.group(2) != "?" and \
                int(focal.group(2)) - int(match.group(2)) in (0, 1):
            return self.focal or key
        return key


# The most words of a line that is a section heading (see ``earlier_headings``).
HEADING_WORDS = 8
_LINE = re.compile(r"[^\n]+")


def earlier_sections(text: str, words: frozenset[str]
                     ) -> list[tuple[int, int, tuple[int, str] | None]]:
    """The sections under a heading that names an earlier time ("Previous election
    results"): (start, end, first year) with the character range of the section and the
    first year its text writes with that year's offset ("In 2019, ..."), ``None`` when it
    writes none. A heading is a short line of its own, not the title, without a final stop,
    one of whose words is in ``words``; the section runs to the next such short line."""
    if not words:
        return []
    headings: list[tuple[int, int, bool]] = []
    for n, match in enumerate(_LINE.finditer(text)):
        line = match.group().strip()
        tokens = line.split()
        if n == 0 or not tokens or len(tokens) > HEADING_WORDS or line[-1] in ".!?:;,\"'’”":
            continue
        lowered = " " + " ".join(t.lower().strip("()[]") for t in tokens) + " "
        headings.append((match.start(), match.end(),
                         any(f" {w} " in lowered for w in words)))
    found: list[tuple[int, int, tuple[int, str] | None]] = []
    for i, (_, end, earlier) in enumerate(headings):
        if earlier:
            stop = headings[i + 1][0] if i + 1 < len(headings) else len(text)
            year = _YEAR.search(text, end, stop)
            found.append((end, stop, (year.start(), year.group()) if year else None))
    return found
