"""Quantities stage: find every number with its unit, bound, rate, duration, direction and
written precision in news text.

The figures themselves are read by the parser in :mod:`pipeline.extract.figures` (numbers,
currencies, units, counted nouns, hedges, ranges, rates). This module runs it over a text,
then reads what only the neighbourhood of a figure tells:

* a total spread over a duration ("a three-year, $45 billion deal");
* a unit given once for several figures ("45 and 50 mg", "33 points ... Lillard (32)",
  "2.64 million, up from 3.76 million GPUs", "13 of them", "115 of over 1,400 shops", a
  gapped clause "won 41 seats and the Greens 9"), written before the figure ("U.S. cases
  surpassing 5 million"), or by the header of a list ("the number of seats won by
  parties:" over "Greens – 9");
* index levels ("the Dow fell 128.34 points ... to 17,849.08");
* the currency of a bare scaled amount ("a billion a month" after "$3 billion");
* whether the figure is a rise or a fall ("rose 3.4 per cent", "a decline of 6 million
  barrels", "0.27 per cent higher"), and
* the interval its writing implies (``precision`` and ``implied``, widened by the hedges of
  ``rules/precision.yaml``).

A malformed figure ("55,5000 GPUs", "$1.25 bilion") keeps its best reading with a lower
``confidence`` and the suspicion in ``suspect``. Language lives in
:mod:`pipeline.extract.words`; currencies and hedges in ``rules/`` (see
:class:`~pipeline.extract.lexicon.Lexicon`). Absurd input never raises: numbers that
overflow a float or exceed :data:`MAX_VALUE` are skipped.
"""

from __future__ import annotations

import bisect
import hashlib
import math
import re
from collections.abc import Iterable

import pint

from pipeline.extract import words as W
from pipeline.extract.dates import find_dates
from pipeline.extract.figures import (
    DASHES,
    GAP_COMMAS,
    GAP_ENDS,
    GAP_LINKS,
    GAP_NAME_WORDS,
    MAX_VALUE,
    Found,
    Num,
    Parser,
    is_plural_word,
    list_entry,
    tidy,
)
from pipeline.extract.lexicon import Lexicon, default_lexicon
from pipeline.extract.repair import CHECK_NAME as MALFORMED_CHECK
from pipeline.models import Claim, Document, Finding, Quantity, Span

_CONTEXT_CURRENCY_CHARS = 2000
SUSPECT_CONFIDENCE = 0.5
"""Confidence of a malformed figure's reading ("55,5000", "$1.25 bilion")."""
_SKIPPABLE = frozenset("""
by a an another further just only sharply slightly nearly almost about some roughly
around more than over under less further marginally modestly steeply fully combined
""".split())
# "one thing is clear", "one day", "in one way": idioms, not counts
_ONE_IDIOMS = frozenset("thing things day way time point hand side another other".split())
_YEAR_AND_NOTE = re.compile(r"(?:19|20)\d\d\.\d{1,2}")
_YEAR = re.compile(r"(?:19|20)\d\d")
_MARKET_WORDS = frozenset("stock stocks share shares dollar benchmark market industrial".split())


def extract_quantities(text: str, *, doc_id: str, registry: pint.UnitRegistry,
                       lexicon: Lexicon | None = None, source: str | None = None,
                       references: bool = True) -> list[Quantity]:
    """Find quantities in ``text``; spans are offsets into ``text``.

    ``lexicon`` holds the run's currencies and hedges (``lexicon_of(rules)``; by default the
    rules shipped with the package); ``source`` is the article's address, whose domain says
    what a bare ``$`` means (a ``.com.au`` page writes Australian dollars).
    ``references=False`` leaves out the reference numbers (``Quantity.reference``), as the
    pipeline does: claims are framed from the others only.
    Never raises on odd input. Dates are not quantities (see :func:`find_dates`).
    """
    # a dollar sign escaped for markdown ("A\\$4.1 million") reads as the sign itself; the
    # same length, so offsets and span texts stay those of ``text``
    parser = Parser(text.replace("\\$", " $") if "\\$" in text else text, registry,
                    lexicon or default_lexicon(), source=source)
    parser.original = text
    found = [f for f in parser.quantities() if _keep(f, parser)]
    found = _race_times(found, parser)
    found = _folds(found, parser)
    found = _golf(found, parser)
    _time_since(found, parser)
    _attach_durations(found, parser)
    _below_zero(found, parser)
    _inherit_units(found, parser)
    _infer_currency(found, parser)
    found = _join_major_minor(found, parser)
    found = _join_bounds(found, parser)
    _conversions(found, parser)
    _per_share(found, parser)
    _rate_before(found, parser)
    _directions(found, parser)
    quantities: list[Quantity] = []
    for f in found:
        if f.reference and not references:
            continue
        q = _to_quantity(f, parser, doc_id)
        if q is not None:
            quantities.append(q)
    return quantities


def _keep(f: Found, parser: Parser) -> bool:
    if f.kind == "score":
        return False
    if f.num.words and f.kind != "money" and (
            parser.is_word(f.num.i - 1, "top", "bottom") or parser.is_text(f.num.i - 1, *DASHES)
            and parser.adjacent(f.num.i) and parser.is_word(f.num.i - 2, "top", "bottom")):
        return False  # "the top-eight finishers", "top three": a rank, like "top 10"
    first = parser.toks[f.num.i]
    if f.num.words and first.text[:1].isupper() and f.kind not in ("money", "percent"):
        before, after = parser.tok(f.num.i - 1), parser.tok(f.num.j)
        if before is not None and (before.kind == "word" and before.text.islower()
                                   or before.text == ",") \
                and after is not None and after.kind == "word" and after.text[:1].isupper() \
                and not parser.adjacent(f.num.j):
            return False  # "dubbed One Big Beautiful Bill", "the Three Mile Island plant"
    if f.kind == "duration" and parser.is_word(f.j, "ago", "earlier", "later", "before"):
        f.reference = True  # "five years ago": a time reference, counted but not a claim
        return True
    if f.num.words and f.num.value is not None and f.num.value <= 1 and not f.num.scale_word \
            and f.kind in ("bare", "count", "physical", "duration") and first.low != "half" \
            and f.bound != "range":
        if first.low in ("a", "an"):
            f.reference = f.kind == "physical"  # "weighed a tonne": not framed as a claim
            return f.kind in ("physical", "duration") and f.hedge is not None or \
                f.kind == "physical" and not parser.is_word(f.num.i - 1, "the", "per")
        if first.low == "one":
            noun = parser.toks[f.j - 1]
            if f.kind == "bare" or parser.is_word(f.num.j, "of") or parser.is_word(
                    f.num.i - 1, "at", "in", "for", "no", "the", "any", "under", "by", "from",
                    "to", "into", "with", "than", "number") and not (
                    f.kind in ("duration", "count") and parser.is_word(f.num.i - 1, "in", "for")
                    and noun.low not in _ONE_IDIOMS
                    and _sentence_has_other_figure(parser, f)) or noun.low in _ONE_IDIOMS \
                    or f.kind == "count" and noun.low.endswith("s") and not noun.text.isupper() \
                    or first.text == "One" and parser.tok(f.num.i - 1) is not None \
                    and parser.toks[f.num.i - 1].text[:1].isupper():
                return False  # "one of", "under one roof", "That one costs", "Colossus One"
            if f.kind == "physical" and parser.is_text(f.num.j, *DASHES) and \
                    parser.adjacent(f.num.j) and parser.adjacent(f.num.j + 1):
                return True  # "a one-yard touchdown pass": a measure, as "a 3-yard pass" is
            f.reference = True  # "one charge": extracted, too slight to frame as a claim
            return True
        if f.kind == "bare" and first.low == "zero":
            return False
    if f.kind == "count" and f.unit is not None and f.unit.endswith("ed") \
            and parser.is_text(f.num.j, *DASHES) and parser.adjacent(f.num.j) \
            and f.j == f.num.j + 2 and (parser.tok(f.j) is None or parser.toks[f.j].kind != "word"
                                        or parser.toks[f.j].low in W.STOP):
        return False  # "He three-putted from 7 feet": a verb, not a count of anything
    if f.kind == "bare" and _YEAR_AND_NOTE.fullmatch(f.num.literal) \
            and parser.is_word(f.num.i - 1, "in", "and", "since", "to", "from", "until", "of",
                               "through", "by"):
        return False  # "between 1980 and 2013.4": a year, then a reference mark
    if f.kind == "bare" and parser.is_word(f.j, "in") and parser.tok(f.j + 1) is not None \
            and (parser.toks[f.j + 1].kind == "num" or parser.toks[f.j + 1].low in W.ONES):
        return False  # odds: "1 in 4 workers", "odds of 1 in 292.2 million"
    if f.kind == "bare":
        t = parser.tok(f.num.i - 1)
        if t is not None and t.text == "(" and parser.tok(f.j) is not None \
                and parser.toks[f.j].text == ")" and parser.tok(f.j + 1) is not None \
                and parser.toks[f.j + 1].text[:1].isupper():
            return False  # "(243) Ida": a catalogue number
    return True


# a golf score relative to par: "three-under", "11 under par", "35-under-par", "one-over"
_GOLF_RELATIVE = re.compile(
    r"(?<![\w.,-])(?P<n>\d{1,2}|" + "|".join(sorted(W.ONES, key=len, reverse=True)) +
    r")(?:-|\s)(?P<side>under|over)(?:(?:-|\s)par\b)?(?![\w-])", re.IGNORECASE)
_GOLF_WORD = re.compile(r"\b(?:" + "|".join(sorted(W.GOLF_WORDS, key=len, reverse=True)) +
                        r")\b", re.IGNORECASE)
_GOLF_SCORE = (55, 90)  # the strokes of a round of 18 holes
_GOLF_TOTAL = (240, 300)  # of four rounds


def _golf(found: list[Found], parser: Parser) -> list[Found]:
    """Read golf scores as strokes in a sentence about golf (a word of
    :data:`~pipeline.extract.words.GOLF_WORDS`, or a relative score before a round's score):
    relative scores ("a three-under 68": 3 and 68; "11 under par"; "minus-12"), the round's
    score ("shot 80", "posting a 68", "rounds of 68, 68 and 69") and margins ("four back",
    "won by two"). The "under" of "three-under 68" is no hedge on the 68."""
    text = parser.text
    golf_text = _GOLF_WORD.search(text) is not None
    if not golf_text and not _GOLF_RELATIVE.search(text):
        return found
    toks = parser.toks
    stroke = parser.noun_unit("strokes", allow_singular=False) or "stroke"
    golf: dict[tuple[int, int], bool] = {}

    def about_golf(k: int) -> bool:
        bounds = parser.sentence(k)
        if bounds not in golf:
            golf[bounds] = bool(parser.sentence_words(k) & W.GOLF_WORDS)
        return golf[bounds]

    at = {f.num.i: f for f in found}
    covered = _covered(found)
    extra: list[Found] = []
    for m in _GOLF_RELATIVE.finditer(text):
        i = parser.index_at(m.start("n"))
        side = parser.index_at(m.start("side"))
        end = parser.index_at(m.end())
        if i >= parser.n or toks[i].start != m.start("n") or end <= side:
            continue
        after = parser.tok(end)
        at_score = end
        if parser.is_text(i - 1, "(") and parser.is_text(end, ")"):
            after, at_score = parser.tok(i - 2), i - 2  # "278 (14 under)"
        total = int(after.text) if after is not None and after.kind == "num" \
            and after.text.isdigit() and not parser.adjacent(at_score) else 0
        score = _GOLF_SCORE[0] <= total < _GOLF_SCORE[1] \
            or _GOLF_TOTAL[0] <= total < _GOLF_TOTAL[1]
        if score:
            golf[parser.sentence(i)] = True
        elif not about_golf(i):
            continue
        if score:  # "three-under 68": the 68 is the round, not "under 68"
            g = at.get(at_score)
            if g is not None and g.kind == "bare":
                _as_strokes(g, stroke, exact=True)
                g.i = g.num.i
        value = float(m["n"]) if m["n"].isdigit() else float(W.ONES[m["n"].lower()])
        f = at.get(i)
        if f is not None and f.kind in ("bare", "count") and f.j <= end:
            _as_strokes(f, stroke, exact=True)
            f.j = max(f.j, end)
        elif f is None and i not in covered:
            num = Num(i, i + 1, value, words=not m["n"].isdigit(), literal=m["n"],
                      precision=0.5)
            extra.append(Found(i, end, num, unit=stroke, kind="count", value=value,
                               low=value, high=value, precision=0.5))
    if not golf_text and not any(golf.values()):
        return sorted(found + extra, key=lambda f: f.i) if extra else found
    margins: set[int] = set()
    parser.facts[("golf_margins",)] = margins
    holes = False
    for idx, f in enumerate(found):
        if f.kind != "bare" or f.value is None or f.num.scale_word or f.bound == "range" \
                or not f.value.is_integer() or not about_golf(f.num.i):
            continue
        prev = found[idx - 1] if idx else None
        if 0 < f.value <= 18 and (parser.is_word(f.i - 1, "hole", "holes") or holes and (
                parser.is_word(f.i - 1, "and") or parser.is_text(f.i - 1, ","))):
            f.kind, holes = "score", True  # "holes 17 and 18": which holes, not how many
            continue
        holes = False
        if f.sign_i is not None or f.value < 0:
            _as_strokes(f, stroke, exact=False)  # "minus-12", "Woods, -11"
        elif _GOLF_SCORE[0] <= f.value < _GOLF_SCORE[1] and (
                _golf_score_before(parser, f) or prev is not None and prev.unit == stroke
                and _GOLF_SCORE[0] <= (prev.value or 0) and all(
                    t.low in (",", "and") for t in toks[prev.j:f.i])):
            _as_strokes(f, stroke, exact=False)  # "shot 80", "rounds of 68, 68 and 69"
        elif f.value < 30 and (parser.is_word(f.j, *W.GOLF_MARGIN_AFTER) or (
                parser.is_word(f.i - 1, "by")
                and parser.is_word(f.i - 2, *W.GOLF_MARGIN_VERBS))):
            _as_strokes(f, stroke, exact=False)  # "four back", "won by two"
            margins.add(f.i)
    found = [f for f in found if f.kind != "score"]
    if not extra:
        return found
    return sorted(found + extra, key=lambda f: f.i)


def _as_strokes(f: Found, stroke: str, *, exact: bool) -> None:
    f.kind, f.unit, f.reference = "count", stroke, False
    if exact and f.hedge is not None and f.hedge.words[0] in ("under", "over"):
        f.hedge, f.bound, f.low, f.high = None, "exact", f.value, f.value


def _golf_score_before(parser: Parser, f: Found) -> bool:
    """A verb or noun of a round's score before the figure, past "a" and adjectives: "shot
    80", "posting a 68", "scored a disappointing 71", "rounds of 68"."""
    for k in range(f.i - 1, max(-1, f.i - 4), -1):
        t = parser.toks[k]
        if t.kind != "word":
            return False
        if t.low in W.GOLF_SCORE_BEFORE:
            return True
        if t.low != "of" and not (t.text.islower() and t.low not in W.STOP):
            return False
    return False


def _sentence_has_other_figure(parser: Parser, f: Found) -> bool:
    """Whether a number stands before ``f`` in its sentence: "four touchdowns in one game",
    "all sessions last for one hour" after "From 2021", unlike "In one incident, a
    33-year-old ..." or the idiom "in one go"."""
    lo, _ = parser.sentence(f.num.i)
    return any(parser.toks[k].kind == "num" or parser.toks[k].low in W.ONES
               for k in range(lo, f.num.i))


def _time_since(found: list[Found], parser: Parser) -> None:
    """A time reference "N years ago" that is the only figure of its sentence says how long
    ago something happened ("pleaded guilty in the death 35 years ago of a visitor"): a
    claim, not a reference. Beside another figure it dates that figure ("a Big Mac cost
    $4.79 five years ago") and stays a reference."""
    figures = [g for g in found if not g.reference]  # in text order
    starts = [parser.toks[g.i].start for g in figures]
    for f in found:
        if not (f.reference and f.kind == "duration" and parser.is_word(f.j, "ago")):
            continue
        start, end = parser.toks[f.i].start, parser.toks[f.j - 1].end
        k = bisect.bisect_left(starts, start)  # the nearest figures before and after
        before = figures[k - 1] if k > 0 else None
        after = figures[k] if k < len(figures) else None
        if before is not None and not _sentence_break(
                parser, parser.toks[before.j - 1].end, start):
            continue
        if after is not None and not _sentence_break(parser, end, starts[k]):
            continue
        f.reference = False


def _attach_durations(found: list[Found], parser: Parser) -> None:
    """Set ``over`` on a total next to a duration: "three-year, $45 billion deal",
    "$45 billion over three years"."""
    for a, b in zip(found, found[1:], strict=False):
        if a.kind == "duration" and b.kind in ("money", "count", "physical") \
                and b.i - a.j <= 2 and not b.per:
            between = parser.text[parser.toks[a.j - 1].end:parser.toks[b.i].start]
            if between.strip() in ("", ",") and a.value is not None and a.value > 0:
                b.over = f"{_short(a.value)} {a.unit}"
        if b.kind == "duration" and a.kind in ("money", "count", "physical") \
                and not a.per and b.value is not None and b.bound in ("at_least", "exact") \
                and b.value > 0:
            gap_words = [t.low for t in parser.toks[a.j:b.num.i]]
            if gap_words and gap_words[-1] in W.ATTACH_OVER and len(gap_words) <= 4 \
                    and all(t.kind == "word" for t in parser.toks[a.j:b.num.i]) \
                    and not parser.is_word(b.j, "of", "ago"):
                a.over = f"{_short(b.value)} {b.unit}"
                b.bound, b.low, b.high, b.hedge = "exact", b.value, b.value, None


# A time of a race or a record, hours:minutes:seconds ("2:00:35", "1:59:40.2"): a duration,
# unless a clock reading follows (a.m., p.m., a time zone)
_RACE_TIME = re.compile(
    r"(?<![\d:.,])(\d{1,2}):([0-5]\d):([0-5]\d(?:\.\d{1,3})?)(?![\d:])"
    r"(?!\s?(?:[aApP]\.?[mM]\b|GMT|UTC|BST|CET|EST|EDT|PST|PDT|ET\b|local))")
# minutes:seconds with hundredths, the writing of track and swimming times ("3:43.13",
# "1:43.40"): a clock never has a fraction of a second
_LAP_TIME = re.compile(r"(?<![\d:.,])(\d{1,2}):([0-5]\d\.\d{1,3})(?![\d:])")
_UNDER_WORDS = frozenset("under less sub within".split())


def _race_times(found: list[Found], parser: Parser) -> list[Found]:
    """Add each race time of the text (see :data:`_RACE_TIME`) as a duration in seconds;
    "less than 2:01:00" and "under 2:01:00" are at most that."""
    if ":" not in parser.text:
        return found
    extra: list[Found] = []
    matches = [(m, int(m[1]) * 3600 + int(m[2]) * 60 + float(m[3]), m[3])
               for m in _RACE_TIME.finditer(parser.text)]
    matches += [(m, int(m[1]) * 60 + float(m[2]), m[2]) for m in _LAP_TIME.finditer(parser.text)]
    for m, seconds, last in matches:
        i = parser.index_at(m.start())
        j = parser.index_at(m.end())
        if i >= j or parser.toks[i].start != m.start():
            continue
        decimals = len(last.partition(".")[2])
        precision = 0.5 * 10 ** -decimals
        f = Found(i, j, Num(i, j, seconds, literal=m.group(), precision=precision),
                  unit="second", kind="duration", value=seconds, low=seconds, high=seconds,
                  precision=precision)
        if parser.is_word(i - 1, *_UNDER_WORDS):
            f.bound, f.low, f.i = "at_most", None, i - 1
        elif parser.is_text(i - 1, "-") and parser.adjacent(i) and parser.is_word(i - 2, "sub"):
            f.bound, f.low, f.i = "at_most", None, i - 2  # "the first sub-2:04:00 marathon"
        elif parser.is_word(i - 1, "than") and parser.is_word(i - 2, "less", "fewer"):
            f.bound, f.low, f.i = "at_most", None, i - 2
        extra.append(f)
    if not extra:
        return found
    return sorted(found + extra, key=lambda f: f.i)


_FOLD_NUMBERS = {**W.ONES, **W.TENS, "hundred": 100, "thousand": 1000}
_FOLD = re.compile(
    r"(?<![\w.,-])(?P<n>\d+(?:\.\d+)?|" +
    "|".join(sorted(_FOLD_NUMBERS, key=len, reverse=True)) + r")(?:-|\s)?fold\b",
    re.IGNORECASE)


def _covered(found: list[Found]) -> set[int]:
    """The tokens the figures found so far cover."""
    return {k for f in found for k in range(f.i, f.j)}


def _folds(found: list[Found], parser: Parser) -> list[Found]:
    """Add each multiple written with "-fold" ("five-fold", "a tenfold rise", "3-fold") as
    that many times."""
    if "fold" not in parser.text.lower():
        return found
    extra: list[Found] = []
    times = parser.noun_unit("times", allow_singular=False) or "time"
    covered = _covered(found)
    for m in _FOLD.finditer(parser.text):
        i, j = parser.index_at(m.start()), parser.index_at(m.end())
        if i >= j or parser.toks[i].start != m.start() or any(k in covered
                                                              for k in range(i, j)):
            continue
        literal = m["n"]
        value = float(literal) if literal[0].isdigit() else float(_FOLD_NUMBERS[literal.lower()])
        num = Num(i, j, value, words=not literal[0].isdigit(), literal=literal, precision=0.5)
        extra.append(Found(i, j, num, unit=times, kind="multiple", value=value, low=value,
                           high=value, precision=0.5))
    if not extra:
        return found
    return sorted(found + extra, key=lambda f: f.i)


def _conversions(found: list[Found], parser: Parser) -> None:
    """A figure converted in parentheses shares the bound and the rate of the one before:
    "over 160 miles (257 kilometers) an hour" (both at least, both per hour), "nearly 100
    miles (161 kilometers)", "2.4 trillion gallons (9 trillion liters) of rain a day"."""
    toks = parser.toks
    for f, g in zip(found, found[1:], strict=False):
        if g.i != f.j + 1 or not parser.is_text(f.j, "(") or not parser.is_text(g.j, ")") \
                or f.kind != g.kind or f.kind not in ("physical", "money") \
                or f.unit is None or g.unit is None or f.unit == g.unit:
            continue
        if f.kind == "physical":
            try:
                parser.registry.Quantity(1.0, f.unit).to(g.unit)
            except Exception:  # noqa: BLE001 - not the same dimension: not a conversion
                continue
        if g.bound == "exact" and f.bound in ("approx", "at_least", "at_most") \
                and g.value is not None:
            g.bound, g.hedge = f.bound, f.hedge
            g.low = None if f.low is None else g.value
            g.high = None if f.high is None else g.value
        if f.per or g.per or f.kind != "physical":
            continue
        k = g.j + 1
        if parser.is_word(k, "of") and parser.tok(k + 1) is not None \
                and toks[k + 1].kind == "word" and toks[k + 1].low not in W.STOP:
            k += 2  # "(9 trillion liters) of rain a day"
        probe = Found(g.i, g.j, g.num, unit=g.unit, kind=g.kind)
        end = parser.rate(k, probe, None)
        if probe.per and end > k:
            f.per, g.per = list(probe.per), list(probe.per)


def _below_zero(found: list[Found], parser: Parser) -> None:
    """A temperature "below zero" is negative: "a low of 2 below zero", "5 to 10 degrees
    below zero" (-10..-5); a bare figure takes the article's temperature scale."""
    for f in found:
        if not (parser.is_word(f.j, "below") and parser.is_word(f.j + 1, "zero")) \
                or f.kind not in ("bare", "physical") or f.sign_i is not None:
            continue
        if f.kind == "bare":
            if f.unit != "dimensionless" or f.num.scale_word:
                continue
            f.kind, f.unit = "physical", \
                "degree_Celsius" if parser.celsius else "degree_Fahrenheit"
        elif f.unit not in _TEMPERATURES:
            continue
        f.value = -f.value if f.value is not None else None
        f.low, f.high = (-f.high if f.high is not None else None,
                         -f.low if f.low is not None else None)
        if f.bound in ("at_least", "at_most"):
            f.bound = "at_most" if f.bound == "at_least" else "at_least"
        f.j += 2


def _sentence_break(parser: Parser, start: int, end: int) -> bool:
    """A sentence boundary in the text between character offsets ``start`` and ``end``: a
    line break, or . ! ? ; before white space."""
    between = parser.text[start:end]
    if "\n" in between:
        return True
    if not any(p in between for p in _BREAKS):
        return False
    return _BREAK.search(between) is not None


_BREAKS = (". ", "! ", "? ", "; ", ".\t", "!\t", "?\t", ";\t")
# a full stop after an abbreviation ends no sentence: "10 cents vs. 6 cents", "Acme Inc. 40"
_BREAK = re.compile(r"(?<!\bvs)(?<!\bv)(?<!\bInc)(?<!\bCorp)(?<!\bCo)(?<!\bLtd)(?<!\bNo)"
                    r"(?<!\bMr)(?<!\bMrs)(?<!\bMs)(?<!\bDr)(?<!\bJr)(?<!\bSt)[.!?;][ \t]"
                    r"|[!?;][ \t]")


def _infer_currency(found: list[Found], parser: Parser) -> None:
    """A bare scaled amount ("a billion a month") takes the currency of the money figure
    before it, when there is one within a few paragraphs."""
    last: tuple[int, str] | None = None
    for f in found:
        start = parser.toks[f.i].start
        if f.kind == "money" and f.currency:
            last = (parser.toks[f.j - 1].end, f.currency)
        elif f.kind == "bare" and f.num.scale != 1.0 and not f.num.vague and last \
                and start - last[0] < _CONTEXT_CURRENCY_CHARS and not f.reference:
            f.kind, f.unit, f.currency = "money", last[1], last[1]


def _take_unit(f: Found, other: Found) -> None:
    f.kind, f.unit, f.currency = other.kind, other.unit, other.currency
    if other.per and not f.per:
        f.per = list(other.per)


def _inherit_units(found: list[Found], parser: Parser) -> None:
    """Give a figure without a unit the unit the text gives it elsewhere (see the module
    docstring); a figure nothing names the unit of stays a bare reference number."""
    toks = parser.toks
    # forward, right to left so chains pass the unit along: "45 and 50 mg", "19 x 12 x 11 km"
    for idx in range(len(found) - 2, -1, -1):
        f, nxt = found[idx], found[idx + 1]
        if f.kind == "bare" and f.unit == "dimensionless" and f.bound != "range" \
                and nxt.kind not in ("bare", "score") and nxt.unit \
                and parser.is_word(f.i - 1, "from") and f.j == nxt.i - 1 \
                and parser.is_word(f.j, "to"):
            _take_unit(f, nxt)  # "increased from 4.7 million to 6.1 million vehicles"
            continue
        if f.kind != "bare" or f.unit != "dimensionless" or nxt.kind in ("bare", "score") \
                or f.bound == "range" or nxt.num.scale_word or not nxt.unit:
            continue
        link = [t.low for t in toks[f.j:nxt.i]]
        if link in _UNIT_LINKS \
                or link == [] and toks[nxt.i].text in ("×", "x"):
            _take_unit(f, nxt)
        elif link == [] and f.j == nxt.i and toks[f.j - 1].text.endswith(("×", "x")):
            _take_unit(f, nxt)

    starts = [g.i for g in found]
    for idx, f in enumerate(found):
        if f.kind != "bare" or f.unit != "dimensionless":
            continue
        if f.per and f.per[-1] in parser.lex.codes:
            quoted = _exchange_rate(parser, f)
            if quoted is not None and quoted != f.per[-1]:
                f.kind, f.unit, f.currency = "money", quoted, quoted  # "151.8 yen per dollar"
            continue
        following = found[idx + 1] if idx + 1 < len(found) else None
        end = toks[f.j - 1].end
        # "13 of them", "nine of which": the noun of the figure before
        if parser.is_word(f.j, "of") and parser.is_word(f.j + 1, "them", "which", "those",
                                                          "these", "whom"):
            donor = _previous_count(found, idx, parser)
            if donor is not None:
                _take_unit(f, donor)
                continue
        # "Four of the largest tech companies", "3,700 of the company's staff"
        noun = _of_the_noun(parser, f)
        if noun is not None:
            f.kind, f.unit = "count", noun
            continue
        # "won 12 straight games and 15 of their last 17": both take the noun said before
        if _of_their_last(parser, f) or parser.is_word(f.i - 1, "last", "first", "past",
                                                         "next", "previous") \
                and parser.is_word(f.i - 2, "their", "its", "his", "her", "the", "our"):
            donor = _previous_count(found, idx, parser)
            if donor is not None:
                _take_unit(f, donor)
                continue
        # "115 of over 1,400 shops", "two million to 2.5 million of its 77 million customers"
        if parser.is_word(f.j, "of") and following is not None and following.kind == "count" \
                and following.i - f.j <= 4 \
                and not _sentence_break(parser, end, toks[following.i].start):
            _take_unit(f, following)
            continue
        # "rose 1.08, or 13 percent, to $9.38": a change in the unit of the level it reached
        level = _level_of_change(found, idx, parser)
        if level is not None:
            _take_unit(f, level)
            continue
        # index levels and point changes in a sentence about an index
        if _index_sentence(parser, f):
            f.kind, f.unit = "count", parser.noun_unit("points", allow_singular=False)
            continue
        # "3.76 million GPUs, up from 2.64 million", "Lillard (32)", "80 more", "Of the 13
        # crossovers, seven offer ..."
        donor = _previous_count(found, idx, parser)
        more = parser.is_word(f.j, "more", "fewer", "others", "additional", "less") or \
            _subject_of_verb(parser, f) or \
            parser.is_word(f.i - 1, "from", "to", "of", "than") and not f.num.words
        # "1,100 people died and 20,000 were hospitalized", "down from a peak of 800,000"
        if donor is not None and (f.num.scale_word and not f.num.vague or more
                                  or _listed(f, parser) or _of_the(donor, f, parser)):
            _take_unit(f, donor)
            continue
        # cricket: "an unbeaten 107 off 60 balls" is runs
        if parser.is_word(f.j, "off") and following is not None \
                and (following.i == f.j + 1 or following.i == f.j + 2
                     and parser.is_word(f.j + 1, "just", "only")) \
                and following.kind == "count" and following.unit is not None \
                and parser.toks[following.j - 1].low in W.BALL_NOUNS and not f.num.words:
            f.kind, f.unit = "count", parser.noun_unit("runs", allow_singular=False) or "run"
            continue
        # between two figures of one noun: "first place gets 25 points, second 18 and third
        # 15 points"
        if donor is not None and following is not None and following.kind == donor.kind \
                and following.unit == donor.unit and following.currency == donor.currency \
                and following.i - f.j <= 6 and not f.per \
                and not _sentence_break(parser, end, toks[following.i].start):
            _take_unit(f, donor)
            continue
        # a label names the noun: "Monthly active users (MAUs): 330 million"
        label = _label_before(parser, f)
        if label is not None:
            f.kind, f.unit = "count", label
            continue
        # a gapped clause: "the BJP winning 240 seats and the Congress 99", "250 miles per
        # charge for the base model, and 320 for the premium one"
        gapped = _gapped(found, idx, parser)
        if gapped is not None:
            _take_unit(f, gapped)
            continue
        # a line of a list under a header that names what it counts: "Following are the
        # number of seats won by parties:" then "Labour – 411", "Greens – 4"
        listed = _list_header(parser, f)
        if listed is not None:
            f.kind, f.unit = "count", listed
            continue
        # exchange rates: "the rupee ended at 72.51", "USD/JPY now at 105.68"
        quoted = _exchange_rate(parser, f)
        if quoted is not None:
            f.kind, f.unit, f.currency = "money", quoted, quoted
            continue
        # temperatures without a unit in a sentence about them: "lows near 30", "a heat
        # index of 110", "highs in the upper 90s"
        temperature = _temperature_context(parser, f, found, starts)
        if temperature is not None:
            f.kind, f.unit = "physical", temperature
            continue
        # people in a state: "over 3,000 injured", "12 dead", "five missing"
        if parser.is_word(f.j, *_PERSON_STATES) and not (
                parser.tok(f.j + 1) is not None and parser.toks[f.j + 1].kind == "word"
                and parser.toks[f.j + 1].low not in W.STOP):
            f.kind, f.unit = "count", parser.noun_unit("people", allow_singular=False) \
                or "person"
            f.j += 1
            continue
        # the subject of a verb of a part of a count of people: "Eleven were injured", "19
        # are yet to be identified", "58 have been rescued" (the words: ``count_states``)
        if _subject_of_state(parser, f):
            f.kind, f.unit = "count", parser.noun_unit("people", allow_singular=False) \
                or "person"
            continue
        # a death toll: "The death toll stands at 812"
        if _death_toll(parser, f):
            f.kind, f.unit = "count", parser.noun_unit("deaths", allow_singular=False) \
                or "death"
            continue
        # ages after a name: "John Smith, 34, of Springfield", "aged 34", "in their 30s"
        if _age(parser, f):
            f.kind, f.unit = "duration", "year"
            continue
        # the counted noun stands before the figure: "U.S. cases surpassing 5 million"
        before = _noun_before(parser, f)
        if before is not None:
            f.kind, f.unit = "count", before
            continue
    for f in found:
        if f.kind == "bare" and f.unit == "dimensionless" and (
                not f.num.scale_word or f.num.vague):
            f.reference = True


# the words between two figures that share the second one's unit: "45 and 50 mg", "7 or
# even 8 years", "a 5- or 6-year deal", "19 x 12 x 11 km"
_UNIT_LINKS = (["and"], ["or"], ["nor"], ["×"], ["x"], ["by"], ["*"], ["or", "even"],
               ["and", "even"], ["or", "perhaps"], ["or", "possibly"], ["or", "maybe"],
               ["-", "or"], ["-", "and"], ["–", "or"], ["-", "to"])
_PERSON_STATES = frozenset("""
injured dead wounded missing hurt killed hospitalized hospitalised displaced evacuated
stranded homeless unaccounted
""".split())


# words between a bare figure and the state its verb names: auxiliaries, adverbs and the
# verbs of reporting ("were later rescued", "are yet to be identified", "were believed to be
# trapped", "have been confirmed dead")
_STATE_CHAIN = frozenset("""
were was are is have has had been be being remain remained remains still also later all now
yet to reportedly confirmed believed feared presumed reported said thought listed as either
seriously critically badly slightly severely
""".split())
_STATE_VERBS = frozenset("were was are is have has had remain remained remains".split())
_STATE_NOT_AFTER = frozenset("to from of than at by in on with for about per".split())


def _subject_of_state(parser: Parser, f: Found) -> bool:
    """A bare figure that is the subject of a verb (an auxiliary or "remain" first) naming a
    part of a count of people: "Eleven were injured", "19 are yet to be identified", "nine
    remain missing". A figure after a preposition ("rose to 58") or with a scale word is no
    such subject."""
    states = parser.lex.person_states
    if not states or f.num.scale_word or not parser.is_word(f.j, *_STATE_VERBS) \
            or parser.is_word(f.i - 1, *_STATE_NOT_AFTER):
        return False
    for k in range(f.j + 1, min(f.j + 7, len(parser.toks))):
        t = parser.toks[k]
        if t.kind != "word":
            return False
        if t.low in states:
            return True
        if t.low not in _STATE_CHAIN:
            return False
    return False


def _death_toll(parser: Parser, f: Found) -> bool:
    """The figure a death toll reaches: "the death toll stands at 812", "death toll rose to
    41", "a death toll of 12", "the death toll from the fire in Tarvo stands at 64" (words
    only between them: a comma or a figure ends the search)."""
    toks = parser.toks
    for k in range(f.i - 1, max(-1, f.i - 11), -1):
        if toks[k].kind != "word":
            return False
        if toks[k].low == "toll":
            return parser.is_word(k - 1, "death")
    return False


def _of_the_noun(parser: Parser, f: Found) -> str | None:
    """ "N of the <words> <plural noun>": the noun counted ("Four of the largest tech
    companies", "3,700 of the company's staff")."""
    j = f.j
    owner = parser.tok(j + 1)
    possessive = owner is not None and owner.kind == "word" and owner.low.endswith(("'s", "’s"))
    if not parser.is_word(j, "of") or not (possessive or parser.is_word(
            j + 1, "the", "its", "their", "our", "his", "her", "these", "those")):
        return None
    k = j + 2
    while k < parser.n and k - j < 7:
        t = parser.toks[k]
        if t.kind == "num" or t.text in (",", ".", ";", "(", ")", "—", "–") or \
                t.low in W.STOP and t.low not in ("the",):
            return None
        if t.kind == "word" and t.text.islower() and (
                W.IRREGULAR_PLURALS.get(t.low) or t.low.endswith("s") and len(t.low) > 3
                and t.low not in W.NOT_PLURAL or t.low in W.INVARIANT_NOUNS):
            nxt = parser.tok(k + 1)
            if nxt is not None and nxt.kind == "word" and nxt.text.islower() \
                    and nxt.low not in W.STOP and parser.gap(k + 1) == " " \
                    and (nxt.low.endswith("s") or nxt.low in W.INVARIANT_NOUNS):
                k += 1
                continue
            if t.low.endswith(("'s", "’s")):
                k += 1
                continue
            return parser.noun_unit(t.text, allow_singular=False)
        k += 1
    return None


def _of_their_last(parser: Parser, f: Found) -> bool:
    """ "15 of their last 17", "5 of its past 8": a count out of a bare total."""
    j = f.j
    return parser.is_word(j, "of") and parser.is_word(j + 1, "their", "its", "his", "her",
                                                      "the", "our") \
        and parser.is_word(j + 2, "last", "first", "past", "next", "previous") \
        and parser.tok(j + 3) is not None and parser.toks[j + 3].kind == "num"


def _level_of_change(found: list[Found], idx: int, parser: Parser) -> Found | None:
    """The level a bare change reached: "rose 1.08, or 13 percent, to $9.38" -> $9.38."""
    toks = parser.toks
    f = found[idx]
    if idx + 2 >= len(found) or f.num.scale_word:
        return None
    pct, level = found[idx + 1], found[idx + 2]
    if pct.kind != "percent" or level.kind not in ("money", "count") or not level.unit:
        return None
    before = [t.low for t in toks[f.j:pct.i]]
    after = [t.low for t in toks[pct.j:level.i]]
    return level if before in ([",", "or"], ["or"], ["("]) and after and \
        after[-1] in ("to", "at") and len(after) <= 3 else None


def _of_the(donor: Found, f: Found, parser: Parser) -> bool:
    """ "Of the 13 crossovers in this year's field, seven offer ...": the donor follows "of
    the" at the start of the sentence, the figure opens the next clause."""
    k = donor.num.i - 1
    if not parser.is_word(k, "the", "its", "their", "these", "those"):
        return False
    if not parser.is_word(k - 1, "of"):
        return False
    first = parser.tok(k - 2)
    return first is None or first.text in (".", "\n", ";", "(", "—") or k - 1 == 0 or \
        parser.toks[k - 1].text[:1].isupper()


def _exchange_rate(parser: Parser, f: Found) -> str | None:
    """The quoted currency of a bare exchange rate: a currency pair ("USD/JPY now at
    105.68" -> JPY), or a currency named as the sentence's subject and measured against
    another ("the rupee ended at 72.51 against the dollar" -> INR)."""
    if f.num.scale_word or "." not in f.num.literal:
        return None
    lo, hi = _sentence_bounds(parser, f.num.i)
    toks = parser.toks
    lex = parser.lex
    words = parser.sentence_words(f.num.i)
    if "/" in parser.text[toks[lo].start:toks[f.i].start]:
        for k in range(lo, f.i - 2):
            if toks[k].text in lex.codes and toks[k + 1].text == "/" \
                    and toks[k + 2].text in lex.codes:
                return toks[k + 2].text
    if not words & {"against", "versus", "vs", "per"} and not f.per:
        # "the rupee ended at 72.51", "the partially convertible rupee was hovering at
        # 79.715": a currency as the subject, its level after "at" or "to"
        if not parser.is_word(f.i - 1, "at", "to") or len(f.num.literal.partition(".")[2]) < 2:
            return None
        for k in range(f.i - 2, max(lo - 1, f.i - 10), -1):
            codes = lex.word_names.get((toks[k].low,))
            if codes and codes[0] not in lex.quoted_in_dollars \
                    and (any(parser.is_word(m, "the") for m in range(max(lo, k - 3), k))
                         or k - 1 <= lo) \
                    and not parser.is_word(k + 1, *_NOT_A_CURRENCY_AFTER):
                return codes[0]  # quoted per dollar: the rupee's, the yen's level
        return None
    for k in range(f.i - 1, lo - 1, -1):  # the nearest currency named before the rate
        codes = lex.word_names.get((toks[k].low,))
        if codes and toks[k].low not in ("dollar", "dollars", "greenback", "buck", "bucks"):
            return codes[0]
    return None


# nouns after a currency's name that make it something else: "the euro zone", "the yen
# carry trade", "the rupee index"
_NOT_A_CURRENCY_AFTER = frozenset("""
zone area index indices bond bonds stocks shares market markets futures trade region
""".split())


def _sentence_bounds(parser: Parser, k0: int) -> tuple[int, int]:
    return parser.sentence(k0)


_GAP_PREPOSITIONS = frozenset({"for", "in", "at", "on", "from", "by", "among", "with"})


def _gapped(found: list[Found], idx: int, parser: Parser) -> Found | None:
    """The figure before a bare one whose clause leaves out its verb and noun (a gapped
    clause): after "and" (or "while", "but", a comma), either a name then the number at the
    clause's end ("the BJP winning 240 seats and the Congress 99.", "NDA has 292 seats,
    INDIA 234;"), or the number then the
    preposition the figure before is followed by ("250 miles per charge for the base model,
    and 320 for the premium one"). ``None`` for any other figure."""
    if idx == 0 or found[idx].num.words:
        return None
    f, donor = found[idx], found[idx - 1]
    if donor.kind not in ("count", "money", "physical") or not donor.unit or \
            donor.unit == "dimensionless":
        return None
    toks = parser.toks
    if _sentence_break(parser, toks[donor.j - 1].end, toks[f.i].start):
        return None
    link = toks[donor.j:f.i]
    after = parser.tok(f.j)
    k = next((n for n in range(len(link) - 1, -1, -1)
              if link[n].low in GAP_LINKS or link[n].text in GAP_COMMAS), None)
    if k is None:
        return None
    name = link[k + 1:]
    if name and name[0].low == "the":
        name = name[1:]
    if name:  # "and the Congress 99."
        named = len(name) <= GAP_NAME_WORDS and all(
            t.kind == "word" and t.text[:1].isupper() for t in name)
        return donor if named and (after is None or after.text in GAP_ENDS) and \
            _named_before(parser, donor) else None
    # "..., and 320 for the premium Cyberbeast": the same preposition follows both
    if after is None or after.low not in _GAP_PREPOSITIONS:
        return None
    return donor if any(t.low == after.low for t in link[:3]) else None


def _named_before(parser: Parser, donor: Found) -> bool:
    """Whether the clause of the figure a gapped clause repeats starts from a name, as the
    gapped one does ("the BJP winning 240 seats and the Congress 99"; not "It sold 5 cars
    and Windows 11"): a capitalised word that is no function word, a few words before it."""
    lo, _ = parser.sentence(donor.i)
    return any(t.kind == "word" and t.text[:1].isupper()
               and t.text not in W.CAPITALISED_FUNCTION_WORDS and t.low not in W.STOP
               for t in parser.toks[max(lo, donor.i - _GAP_REACH):donor.i])


_GAP_REACH = 6  # words before a figure in which its clause names its owner


def _previous_count(found: list[Found], idx: int, parser: Parser) -> Found | None:
    """The nearest earlier count or money figure in the same sentence (a few figures back
    at most: the look-back stays linear on long runs of figures)."""
    later = found[idx]
    for k in range(idx - 1, max(-1, idx - 8), -1):
        other = found[k]
        if _sentence_break(parser, parser.toks[other.j - 1].end, parser.toks[later.i].start):
            return None
        if other.kind in ("count", "money") and other.unit:
            return other
        if other.kind not in ("bare", "percent", "duration"):
            return None
        later = other
    return None


_AUXILIARIES = frozenset("""
have has had were was are is will would could may might remain remained died fled
""".split())


def _subject_of_verb(parser: Parser, f: Found) -> bool:
    """A bare figure followed by a verb stands for a noun said before it: "more than 20,000
    have been hospitalized", "while 300 were injured"."""
    t = parser.tok(f.j)
    return t is not None and t.kind == "word" and t.text.islower() and t.low in _AUXILIARIES


def _listed(f: Found, parser: Parser) -> bool:
    """A figure in a list after a name: "Lillard (32)", ", Curry 28,"."""
    before = parser.tok(f.num.i - 1)
    after = parser.tok(f.j)
    if before is not None and before.text == "(" and after is not None and after.text == ")":
        name = parser.tok(f.num.i - 2)
        return name is not None and name.kind == "word" and name.text[:1].isupper()
    return False


_TEMPERATURE_WORDS = frozenset("""
temperature temperatures temps degree degrees highs lows thermometer mercury heat celsius
fahrenheit chill chills subzero freezing frostbite
""".split())


def _temperature_context(parser: Parser, f: Found, found: list[Found], starts: list[int]
                         ) -> str | None:
    """The temperature unit of a bare figure in a sentence about temperatures (a
    temperature word or figure in it), or ``None``."""
    values = [x for x in (f.value, f.low, f.high) if x is not None]
    if not values or not all(-80 <= x <= 150 for x in values) or f.num.scale_word \
            or "," in f.num.literal:
        return None
    lo, hi = _sentence_bounds(parser, f.num.i)
    words = parser.sentence_words(f.num.i)
    units = parser.facts.get(("temperatures", lo, hi))
    if units is None:
        units = parser.facts[("temperatures", lo, hi)] = {
            g.unit for g in _near(found, starts, f) if lo <= g.i < hi
            and g.unit in _TEMPERATURES}
    assert isinstance(units, set)
    if not (words & _TEMPERATURE_WORDS or units or "index" in words and "heat" in words
            or "chill" in words):
        return None
    if len(units) > 1 and {"degree_Celsius", "degree_Fahrenheit"} <= units:
        # both scales in the sentence: no air is 60 degrees Celsius; else the scale of the
        # nearest temperature before the figure ("100.8 degrees (38.2 C) ... a record of 100.4")
        if max(values) > 60:
            return "degree_Fahrenheit"
        before = [g for g in _near(found, starts, f) if g.j <= f.i and g.unit in _TEMPERATURES
                  and not parser.is_text(g.i - 1, "(")]
        if before:
            return str(before[-1].unit)
    if units:
        return sorted(units)[0]
    return "degree_Celsius" if parser.celsius else "degree_Fahrenheit"


_TEMPERATURES = frozenset({"degree_Celsius", "degree_Fahrenheit", "kelvin"})


def _near(found: list[Found], starts: list[int], f: Found, reach: int = 60) -> list[Found]:
    """The figures within ``reach`` tokens of ``f``; ``starts`` are the figures' first
    tokens, sorted (figures come in text order), so this is a bisection, not a scan."""
    lo = bisect.bisect_left(starts, f.i - reach)
    hi = bisect.bisect_right(starts, f.j + reach)
    return found[lo:hi]


def _age(parser: Parser, f: Found) -> bool:
    """An age: "John Smith, 34, of Springfield", "Smith (34)", "aged 34"."""
    if f.num.vague and f.low is not None and parser.is_word(f.i - 1, "their", "his", "her",
                                                              "your", "my", "our"):
        return True  # "in their 30s"
    if not f.num.literal.isdigit() or f.value is None or not 0 < f.value < 120:
        return False
    if parser.is_word(f.i - 1, "aged", "age", "ages"):
        return True  # "aged 34", "(age 18 and older)"
    before, after = parser.tok(f.i - 1), parser.tok(f.j)
    name = parser.tok(f.i - 2)
    if f.num.words or not f.value.is_integer():
        return False
    return before is not None and after is not None and name is not None \
        and (before.text, after.text) in ((",", ","), ("(", ")")) \
        and name.kind == "word" and name.low not in W.STOP and (
            name.text[:1].isupper() or name.low in _PERSON_NOUNS)


_PERSON_NOUNS = frozenset("""
suspect victim man woman boy girl driver passenger son daughter wife husband mother father
brother sister student teacher officer resident owner worker patient player defendant
""".split())


def _index_sentence(parser: Parser, f: Found) -> bool:
    """Whether the figure's sentence is about a market index (an index word or a "points"
    figure in it) and the figure reads as a level or a change of it."""
    literal = f.num.literal
    if f.num.words or f.num.scale_word:
        return False
    lo, hi = _sentence_bounds(parser, f.num.i)
    named = parser.facts.get(("index", lo, hi))
    if named is None:
        named = parser.facts[("index", lo, hi)] = _names_an_index(parser, lo, hi)
    if not named:
        return False
    prev = parser.tok(f.i - 1)
    return "." in literal or "," in literal or (
        prev is not None and prev.low in ("at", "to", "above", "below", "of"))


def _names_an_index(parser: Parser, lo: int, hi: int) -> bool:
    toks = parser.toks
    index_re = parser.lex.index_re
    if index_re is not None and hi > lo and index_re.search(
            parser.text, toks[lo].start, toks[hi - 1].end) is not None:
        return True  # "the FTSE 100 closed at 7,490", "the CAC 40 rose 1.6% to 4,331"
    named = False
    for k in range(lo, hi):
        t = toks[k]
        if t.low in ("points", "point") and k > lo and toks[k - 1].kind == "num":
            named = True  # "fell 128.34 points"
        elif t.low in ("index", "indices", "indexes", "composite", "average"):
            before = [x for x in toks[max(lo, k - 3):k] if x.kind == "word"]
            if any(x.low in ("heat", "uv", "price", "body", "mass") for x in before):
                continue
            if any(x.text[:1].isupper() and x.low not in W.STOP or x.low in _MARKET_WORDS
                   for x in before):
                named = True  # "the Hang Seng Index", "the dollar index", "Dow ... average"
    return named


def _label_before(parser: Parser, f: Found) -> str | None:
    """The plural noun of a label before a colon and a scaled figure: "Monthly active users
    (MAUs): 330 million", "Subscribers: 2.1 million"."""
    if not f.num.scale_word or f.num.vague or not parser.is_text(f.i - 1, ":"):
        return None
    k = f.i - 2
    if parser.is_text(k, ")"):  # an abbreviation in parentheses: "(MAUs)"
        while k >= 0 and parser.toks[k].text != "(" and f.i - k < 6:
            k -= 1
        k -= 1
    t = parser.tok(k)
    if t is None or t.kind != "word" or t.low in W.STOP or t.low in _NOT_COUNTED_BEFORE \
            or not (is_plural_word(t.low) or t.low in W.IRREGULAR_PLURALS):
        return None
    return parser.noun_unit(t.text, allow_singular=False)


def _list_header(parser: Parser, f: Found) -> str | None:
    """The counted noun of a list line's header (:func:`list_entry`)."""
    if f.num.words or f.num.scale_word or f.value is None or not f.value.is_integer() \
            or f.per:
        return None
    entry = list_entry(parser.text, parser.toks[f.i].start, parser.toks[f.j - 1].end)
    return None if entry is None else parser.noun_unit(entry.noun, allow_singular=False)


def _noun_before(parser: Parser, f: Found) -> str | None:
    """The counted noun right before a verb of reaching that governs a bare scaled figure:
    "U.S. cases surpassing 5 million", "the number of airbags being between 64 and 69
    million", "subscribers topped 2.1 million"."""
    if f.num.vague or f.num.words and not f.num.scale_word:
        return None
    toks = parser.toks
    k = f.i - 1
    if f.hedge is not None and f.hedge.words[0] == toks[f.i].low in _REACH_VERBS:
        k = f.i  # "exceeded 2.1 million": the verb is the hedge
    while k >= 0 and toks[k].low in ("a", "an", "the", "record", "about", "nearly", "almost",
                                     "some", "roughly", "around") or (
            k >= 0 and toks[k].low.endswith("ly") and toks[k].kind == "word") or (
            k >= 1 and toks[k].kind == "word" and toks[k].text.islower()
            and toks[k - 1].low in ("a", "an") and toks[k].low not in _REACH_VERBS):
        k -= 1  # (and "an impressive 260 million": a word between an article and it)
    if k >= 0 and toks[k].low in ("to", "at"):
        k -= 1  # "rose to", "stood at"
    if k < 0 or toks[k].low not in _REACH_VERBS:
        return None
    k -= 1
    while k >= 0 and toks[k].low in ("have", "has", "had", "been", "now", "already", "just"):
        k -= 1
    if k < 0:
        return None
    t = toks[k]
    if t.kind == "word" and t.text.islower() and t.low not in W.STOP \
            and t.low not in W.NOT_PLURAL and t.low not in _NOT_COUNTED_BEFORE \
            and (t.low.endswith("s") and len(t.low) > 3 or t.low in W.IRREGULAR_PLURALS) \
            and parser.physical(k) is None and parser.period(k) is None:
        return parser.noun_unit(t.text, allow_singular=False)
    return None


# nouns that name an amount, not the things counted: "sales climbed to 17.55 million"
_NOT_COUNTED_BEFORE = frozenset("""
sales revenues earnings assets losses profits costs prices savings funds proceeds shares
numbers figures totals levels rates values volumes amounts sums counts scores results readings
ratings tallies estimates
""".split())
_REACH_VERBS = frozenset("""
is are was were be being been reached reach reaches reaching topped tops topping hit hits
hitting surpassed surpassing surpass surpasses exceeded exceeding exceed exceeds totalled
totaled totals totalling totaling numbered numbering stood stands climbed climbing rose
rising fell falling grew growing jumped jumping passed passing between
""".split())


def _join_major_minor(found: list[Found], parser: Parser) -> list[Found]:
    """ "3 dollars 50 cents", "thirteen dollars and forty-five cents": one amount."""
    out: list[Found] = []
    skip = -1
    for idx, f in enumerate(found):
        if idx == skip:
            continue
        nxt = found[idx + 1] if idx + 1 < len(found) else None
        if nxt is not None and f.kind == "money" and f.unit == f.currency and f.currency \
                and nxt.kind == "money" and nxt.currency == f.currency \
                and nxt.unit != nxt.currency and f.value is not None \
                and nxt.value is not None and 0 < nxt.value < 100 and f.bound == "exact" \
                and (nxt.i == f.j or parser.is_word(f.j, "and") and nxt.i == f.j + 1):
            f.value = f.low = f.high = f.value + nxt.value / 100
            f.j = nxt.j
            f.precision = 0.005
            skip = idx + 1
        out.append(f)
    return out


def _join_bounds(found: list[Found], parser: Parser) -> list[Found]:
    """A floor and a ceiling of one thing: "above 1,000 and below 1,500", "at least 20 and
    at most 100 apples" -> one range."""
    out: list[Found] = []
    skip = -1
    for idx, f in enumerate(found):
        if idx == skip:
            continue
        nxt = found[idx + 1] if idx + 1 < len(found) else None
        if nxt is not None and {f.bound, nxt.bound} == {"at_least", "at_most"} \
                and parser.is_word(f.j, "and", "but") and nxt.i in (f.j + 1, f.j + 2) \
                and f.value is not None and nxt.value is not None \
                and (f.unit == nxt.unit or "dimensionless" in (f.unit, nxt.unit)):
            low, high = sorted((f.value, nxt.value))
            if low < high:
                if f.unit == "dimensionless" and nxt.unit:
                    _take_unit(f, nxt)
                f.bound, f.low, f.high, f.value = "range", low, high, tidy((low + high) / 2)
                f.j, f.hedge = nxt.j, None
                f.reference = f.reference and nxt.reference
                skip = idx + 1
        out.append(f)
    return out


def _per_share(found: list[Found], parser: Parser) -> None:
    """Per-share amounts the sentence states once: "Earnings per share came to 78 cents",
    "a dividend of 10.28p (2007: 9.13p) per share", "2.05 pence per share, ... (H1 2016 -
    1.95 pence)"."""
    toks = parser.toks
    share = None
    for idx, f in enumerate(found):
        if f.kind != "money" or f.per or f.num.scale != 1.0 or f.value is None \
                or abs(f.value) >= 1000:
            continue
        # "10.28p (2007: 9.13p) per share": the rate after the parenthesis
        j = f.j
        if parser.is_text(j, "("):
            k = j
            while k < parser.n and toks[k].text != ")" and k - j < 12:
                k += 1
            j = k + 1
        if (parser.is_word(j, "per", "a") and parser.is_word(j + 1, "share")) \
                or _per_share_before(parser, f):
            share = share or parser.noun_unit("share", allow_singular=True)
            if share is None:
                return
            f.per.append(share)
            inside = [g for g in found[idx + 1:] if g.i < j and g.kind == "money" and not g.per]
            for g in inside:
                g.per.append(share)
        elif share is not None:
            earlier = [g for g in found[max(0, idx - 8):idx] if g.kind == "money"
                       and g.per == [share] and g.unit == f.unit and not _sentence_break(
                           parser, toks[g.j - 1].end, toks[f.i].start)]
            if earlier:
                f.per.append(share)


def _rate_before(found: list[Found], parser: Parser) -> None:
    """A money figure whose rate is named just before it: "the lowest cost per kWh at $551",
    "a price per tonne of $120", "revenue per user was $5.20"."""
    toks = parser.toks
    for f in found:
        if f.kind != "money" or f.per or f.bound == "range":
            continue
        k = f.i - 1
        if parser.is_word(k, "at", "of", "was", "is", "to", "hit", "reached"):
            k -= 1
        for size in (1, 2, 3):  # "per kWh", "per cubic metre", "per metric ton"
            start = k - size + 1
            if start < 1 or not parser.is_word(start - 1, "per"):
                continue
            unit = parser.per_unit(start)
            if unit is not None and unit[1] == k + 1 and toks[start].low != "cent" \
                    and unit[0] not in parser.lex.codes:
                f.per.append(unit[0])
                break


def _per_share_before(parser: Parser, f: Found) -> bool:
    """ "per share" / "EPS" earlier in the figure's sentence, with no other figure between
    that states its own rate."""
    sentence = parser.sentence_words(f.i)
    if not ("per" in sentence and "share" in sentence or "eps" in sentence):
        return False
    lo, _ = _sentence_bounds(parser, f.i)
    words = [t.low for t in parser.toks[lo:f.i]]
    for k in range(len(words) - 1):
        if words[k] == "per" and words[k + 1] == "share" or words[k] == "eps":
            return True
    return "eps" in words


def _directions(found: list[Found], parser: Parser) -> None:
    """Read whether each figure is the size of a rise or a fall (see the module docstring).

    Coordinated figures share it both ways: "fell 128 points, or 0.7 per cent" (the second
    from the first), "ended 163.11 points or 0.27 per cent higher" (the first from the
    second)."""
    previous: Found | None = None
    margins = parser.facts.get(("golf_margins",))
    for f in found:
        golf_margin = isinstance(margins, set) and f.i in margins
        f.direction = None if golf_margin else _direction(f, parser, previous)
        if f.direction is None and previous is not None and previous.direction \
                and _listed_change(previous, f, parser):
            f.direction = previous.direction
        previous = f
    for a, b in zip(reversed(found[:-1]), reversed(found[1:]), strict=True):
        if a.direction is None and b.direction is not None and _coordinated(a, b, parser) \
                and not a.reference:
            a.direction = b.direction


def _listed_change(a: Found, b: Found, parser: Parser) -> bool:
    """The next item of a list of changes, each with its own period or place: "falls of
    55.6% in March, 7.2% in February and 8.2% in January"."""
    if a.kind != "percent" or b.kind != "percent" or a.j > b.i:
        return False
    gap = [t for t in parser.toks[a.j:b.i]]
    if not gap or gap[0].low not in ("in", "on", "at", "for", "during"):
        return False
    tail = [t.low for t in gap[1:]]
    for end in ([",", "and"], [","], ["and"]):
        if tail[-len(end):] == end and 1 <= len(tail) - len(end) <= 3 and all(
                t.kind == "word" for t in gap[1:len(gap) - len(end)]):
            return True
    return False


def _coordinated(a: Found, b: Found, parser: Parser) -> bool:
    """ "128 points, or 0.7 per cent", "3.68 (0.17 per cent)": one change said twice."""
    if a.j > b.i:
        return False
    gap = [t.low for t in parser.toks[a.j:b.i]]
    if gap in (["and"], [",", "and"]) and a.kind == b.kind and a.kind in ("count", "money"):
        return True  # "cut 3,700 staff and 1,200 contractors"
    if len(gap) > 1 and _singular_noun(gap[0]) in W.UP_NOUNS | W.DOWN_NOUNS:
        gap = gap[1:]  # "a 50-point decrease, or 0.1%": the noun of change names both
    return bool(gap) and all(w in (",", "or", "(") for w in gap) and ("or" in gap or "(" in gap)


def _direction(f: Found, parser: Parser, previous: Found | None) -> str | None:
    toks = parser.toks
    if f.reference and f.kind != "bare" or f.kind in ("duration",) and f.unit == "year" \
            and parser.is_word(f.j, "old"):
        return None
    # a written sign: "+11.7%", "(-2.8%)", "fell -9.3%"
    if f.sign_i is not None and f.kind == "percent":
        return "up" if toks[f.sign_i].text == "+" else "down"
    # a figure coordinated with the one before: "fell 128 points, or 0.7 per cent"
    if previous is not None and previous.direction and _coordinated(previous, f, parser):
        return previous.direction
    # a noun phrase naming the change after the figure: "a 0.9% increase", "a 280 billion
    # yen upgrade", "a 1-yen rise"
    if parser.is_word(f.i - 1, "a", "an", "every", "each") \
            and f.kind in ("percent", "money", "count", "physical"):
        for k in range(f.j, min(parser.n, f.j + 3)):  # "a $5 trillion debt limit increase"
            t = toks[k]
            if t.kind != "word" or not t.text.islower():
                break
            if t.low in W.UP_NOUNS:
                return "up"
            if t.low in W.DOWN_NOUNS:
                return "down"
            if t.low in W.STOP:
                break
    # before the figure: "rose 3.4 per cent", "cutting about 12,000 jobs", "a rise of 11
    # paise", "up by 2%", "revenue growth of between 8 and 11 percent"
    k = f.i - 1
    steps = 0
    while k >= 0 and steps < 4:
        t = toks[k]
        if t.kind != "word":
            if t.text in ("(", "-", "–") and steps == 0:
                k -= 1
                steps += 1
                continue
            break
        w = t.low
        if w == "of" and k >= 3 and toks[k - 1].low in ("average", "total") \
                and toks[k - 2].low in ("a", "an") and toks[k - 3].low == "by":
            k -= 3  # "heated the planet by an average of 1.1 degrees": "by" governs
            steps += 1
            continue
        if w in W.LEVEL_WORDS:
            noun = _singular_noun(toks[k - 1].low) if k > 0 else ""  # "falls of 7%"
            if w == "of" and k > 0 and noun in W.UP_NOUNS | W.DOWN_NOUNS:
                return "up" if noun in W.UP_NOUNS else "down"
            return None
        if w == "up" and k > 0 and toks[k - 1].low in W.DOWN_BEFORE_UP:
            # "the index gave up 25 points": a fall; "gave up 3 runs": conceded, no change
            market = f.kind in ("percent", "money") or (f.unit or "").startswith("point")
            return "down" if market and not _level_after(parser, k, f) else None
        if w in W.UP_WORDS and w not in ("up",) or w == "up" and not parser.is_word(k + 1, "to"):
            return "up" if not _level_after(parser, k, f) else None
        if w in W.DOWN_WORDS:
            if w in ("off",) and (steps or f.kind == "count" and f.unit is not None
                                  and parser.toks[f.j - 1].low in W.BALL_NOUNS):
                return None  # "107 off 60 balls": the balls faced
            return "down" if not _level_after(parser, k, f) else None
        if w == "by" and steps <= 2:
            verb = _verb_before_object(parser, k)  # "cut the risk by almost a quarter"
            if verb is not None:
                return verb
        if w not in _SKIPPABLE and not w.endswith("ly") and w != "between":
            break
        k -= 1
        steps += 1
    # after the figure: "0.27 per cent higher", "2.58 per cent up at", "10.7% down on"
    after = parser.tok(f.j)
    if after is not None and after.text == "," and previous is not None \
            and _coordinated(previous, f, parser) and parser.is_word(f.j + 1, *W.AFTER_UP,
                                                                      *W.AFTER_DOWN):
        after = parser.toks[f.j + 1]  # "22.43 points, or 0.3%, higher at 7556.24"
        f_end = f.j + 1
    else:
        f_end = f.j
    if after is not None and after.kind == "word":
        if after.low in W.UP_NOUNS and f.kind == "percent":
            return "up"  # "a 5.8% gain", "a 20 per cent increase"
        if after.low in W.DOWN_NOUNS and f.kind == "percent":
            return "down"
        comparison = f.kind == "percent" and parser.is_word(f_end + 1, "than")
        if after.low in W.AFTER_UP and (comparison or not parser.is_word(f_end + 1, "to", "than")):
            return "up"  # "11.6 per cent higher than a year earlier"
        balls = after.low == "off" and any(parser.is_word(k, *W.BALL_NOUNS)
                                           for k in range(f.j + 2, f.j + 5))
        if after.low in W.AFTER_DOWN and not balls and (
                comparison or not parser.is_word(f_end + 1, "to", "than")):
            return "down"
        if f.kind == "percent" and after.low in ("more", "excess", "fewer", "less") \
                and parser.tok(f.j + 1) is not None and parser.toks[f.j + 1].kind == "word" \
                and parser.toks[f.j + 1].low not in W.STOP:
            return "up" if after.low in ("more", "excess") else "down"  # "15.7% more rain"
    return None


def _verb_before_object(parser: Parser, by: int) -> str | None:
    """The direction of a change verb governing "by": "cut the risk by", "raised its rate
    by", "lowered prices by", "increases federal spending for domestic and defense programs
    by", "will still warm by"."""
    toks = parser.toks
    for k in range(by - 1, max(-1, by - 9), -1):
        t = toks[k]
        if t.kind == "num" and _YEAR.fullmatch(t.text):
            continue  # "reduced its estimate for 2015 by"
        if t.kind != "word" or t.low in ("to", "from", "at"):
            return None
        if t.low in W.UP_WORDS and t.low not in ("up",) or t.low in W.UP_BY:
            return "up"
        if t.low in W.DOWN_WORDS and t.low not in ("down", "off") or t.low in W.DOWN_BY:
            return "down"
    return None


def _singular_noun(word: str) -> str:
    """ "falls" -> "fall", "losses" -> "loss": enough for the nouns of change."""
    if word.endswith("sses"):
        return word[:-2]
    return word.removesuffix("s")


def _level_after(parser: Parser, k: int, f: Found) -> bool:
    """Whether a level word stands between the change verb at ``k`` and the figure."""
    return any(t.low in ("to", "at", "from") for t in parser.toks[k + 1:f.i])


def _to_quantity(f: Found, parser: Parser, doc_id: str) -> Quantity | None:
    for x in (f.value, f.low, f.high):
        if x is not None and (not math.isfinite(x) or abs(x) > MAX_VALUE):
            return None
    if f.unit is None:
        return None
    start = parser.toks[f.i].start
    end = parser.toks[f.j - 1].end
    text = parser.original[start:end]
    precision = f.precision if f.precision is not None and math.isfinite(f.precision) else None
    suspect = None
    if f.suspect is not None:
        k, reading, why = f.suspect
        tok = parser.toks[k]
        suspect = f"{text[:tok.start - start]}{reading}{text[tok.end - start:]} ({why})"
    return Quantity(
        span=Span(doc_id=doc_id, start=start, end=end, text=text),
        value=f.value, low=f.low, high=f.high, bound=f.bound, unit=f.unit,
        currency=f.currency, per=_per_expression(f.per), over=f.over,
        scale_word=f.num.scale_word, precision=precision,
        hedge=f.hedge.text if f.hedge is not None else None,
        direction=f.direction,  # type: ignore[arg-type]
        implied=implied_interval(f, precision),
        confidence=SUSPECT_CONFIDENCE if suspect else 1.0,
        suspect=suspect,
        reference=f.reference,
    )


def malformed_findings(document: Document, claims: Iterable[Claim]) -> list[Finding]:
    """One ``garbled`` finding per claim whose figure is malformed ("roughly 55,5000 GPUs",
    "$1.25 bilion"): the figure as written, the suspected reading and why. The claim stays,
    with its lower confidence."""
    findings = []
    for claim in claims:
        q = claim.quantity
        if not q.suspect:
            continue
        raw = f"{document.sha256}:{q.span.start}:{q.span.end}:{MALFORMED_CHECK}".encode()
        reading, _, why = q.suspect.partition(" (")
        findings.append(Finding(
            id="f-" + hashlib.sha1(raw).hexdigest()[:12],
            kind="garbled",
            severity="low",
            subject=claim.subject,
            metric=claim.metric,
            claims=(claim.id,),
            explanation=(f"{document.path} chars {q.span.start}-{q.span.end}: malformed figure "
                         f"“{q.span.text}” repaired to “{reading}” ({why.rstrip(')')}; the "
                         f"claim is kept with confidence {q.confidence:.2f})."),
            check=MALFORMED_CHECK,
        ))
    return findings


def implied_interval(f: Found, precision: float | None
                     ) -> tuple[float | None, float | None] | None:
    """The interval a figure's writing implies (see ``rules/precision.yaml``)."""
    if f.bound == "vague" or f.value is None:
        return (f.low, f.high)
    p = precision or 0.0
    if f.bound == "range":
        if f.low is None or f.high is None:
            return (f.low, f.high)
        return (_finite(f.low - p), _finite(f.high + p))
    v = f.value
    rule = f.hedge.rule if f.hedge is not None else None
    if rule is None:
        return (_finite(v - p), _finite(v + p))
    below = max(p, rule.below * abs(v)) if rule.below > 0 else 0.0
    above = max(p, rule.above * abs(v)) if rule.above > 0 else 0.0
    if rule.bound == "approx" and rule.below == 0 and rule.above == 0:
        below = above = p
    low: float | None = v - below
    high: float | None = v + above
    if rule.open:
        if rule.bound == "at_least":
            low, high = v, None
        elif rule.bound == "at_most":
            low, high = None, v
    return (_finite(low), _finite(high))


def _finite(x: float | None) -> float | None:
    return tidy(x) if x is not None and math.isfinite(x) else None


def _per_expression(per: list[str]) -> str | None:
    """``["user", "month"]`` -> ``"user / month"``: a chain of "per", read by
    :func:`pipeline.units.unit_expression` as ``USD / user / month``."""
    if not per:
        return None
    return " / ".join(per)


def _short(value: float) -> str:
    """``3.0`` -> ``"3"``: a duration's number as ``over`` writes it."""
    return f"{value:g}"


__all__ = ["DASHES", "MALFORMED_CHECK", "MAX_VALUE", "SUSPECT_CONFIDENCE", "extract_quantities",
           "find_dates", "implied_interval", "malformed_findings"]
