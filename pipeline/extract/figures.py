"""The figure parser: a small hand-written parser over a token stream, not a pile of regular
expressions.

It reads a number (digits with separators, number words, fractions, scale words and newsroom
abbreviations such as ``bn``/``mln``/``B``), then what stands before it (currency signs and
codes, a sign, hedges such as "about" or "more than", "between") and after it (a unit, a
percentage, a currency word or minor unit, a counted noun, a rate such as "/month" or "per
user monthly", the second end of a range), keeping the token range of all of it.
:mod:`pipeline.extract.quantities` turns what it finds into :class:`~pipeline.models.Quantity`.

What is *not* a quantity is decided here too: versions and identifiers ("Grok 5", "GPT-4",
"S-1", "Colossus 1"), ranks ("#1", "No. 1", "top 5"), list markers, phone numbers, clock
times, ordinals, score lines ("beat them 131-124") and dates (masked, see
:mod:`pipeline.extract.dates`).
"""

from __future__ import annotations

import bisect
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache, cached_property
from typing import NamedTuple

import pint

from pipeline.extract import words as W
from pipeline.extract.dates import MASKS, MONTHS, find_dates
from pipeline.extract.lexicon import Hedge, Lexicon, Tok, grouping, tokenize
from pipeline.models import Bound
from pipeline.units import ensure_unit, unit_name_known

MAX_VALUE = 1e21
"""Numbers above this (a thousand quintillion) are read as noise, not as news figures."""

DASHES = frozenset({"-", "–", "—", "‒", "−"})
# Words after "a third", "a fourth"... that make it an ordinal, not a fraction.
_ORDINAL_NOUNS = frozenset("""quarter half year month week day time term season round
straight consecutive successive place attempt""".split())
_MINUS = frozenset({"-", "−", "–"})
_FRACTION_DENOMINATORS = frozenset({2, 3, 4, 5, 6, 8, 10, 12, 16, 32, 64, 100})
_OPENING_WORDS = frozenset({*W.ONES, *W.TENS, *W.VAGUE_HEADS, *W.VAGUE_SCALES, *W.FEW,
                            *W.MULTIPLES, *W.VAGUE_PREFIXES, "half", "a", "an", "minus",
                            "negative", "dozen"})
_CLAUSE_END = frozenset({".", ";", "!", "?", ":"})
# a gapped clause ("..., and the Congress 99."): its links, the words of its name, its ends
GAP_LINKS = ("and", "while", "but", "whereas")
GAP_COMMAS = (",", ";")
GAP_NAME_WORDS = 4
GAP_ENDS = frozenset({".", ",", ";", ")", "!", "?"})
_SENTENCE_ENDS = frozenset({".", "!", "?", ";"})
# words after "a"/"an" that make a figure ("a billion", "a third", "a dozen", "a few")
_AFTER_A = frozenset({*W.SCALE_WORDS, *W.FRACTIONS, "hundred", "dozen", "few", "couple",
                      "half", "penny", "cent", "dollar", "euro", "pound", "yen"})
_EXTRA_WORDS = ("more", "fewer", "additional", "extra", "other", "further")
# Writing that says the article measures the metric way, so that a bare "degrees" is Celsius:
# a Celsius sign or word, British "per cent", millimetres of rain, kilometres, "metres"
_METRIC_WRITING = re.compile(
    r"[°º⁰˚]C|℃|Cel[sc]ius|centigrade|\d ?C\b|\bper cent\b|\d ?(?:mm|cm|km)\b"
    r"|(?:milli|centi|kilo)?metres?\b", re.IGNORECASE)
# Unit abbreviations written with a full stop inside a sentence ("5,000 lbs. to")
_DOTTED_ABBREVIATIONS = frozenset("lb lbs oz ft yd yds mi gal qt hr hrs min mins sec secs".split())
_HEAT_WORDS = frozenset("""
heat heatwave heatwaves hot hotter hottest scorching sweltering soared soaring record blistering
""".split())
_PERCENT_FIRST = frozenset(words[0] for words in W.PERCENT_POINT_WORDS + W.PERCENT_WORDS)


# how far up a list of "<label> – <number>" lines its header may stand
_LIST_REACH = 80
_LINE_MAX = 300  # characters of a list's line or header at most
_LIST_LINE = re.compile(r"(?P<label>[^\d\s:–—-][^\n]{0,80}?)\s*[–—:-]\s*\d[\d,]*")
# a table's row written on one line: capitalised labels, each followed by its number
_ROW_LINE = re.compile(r"(?:[A-Z][^\s\d]*(?:\s+[A-Z][^\s\d]*)*\s+\d[\d,]*\s*){2,}")
_HEADER_NOUN = re.compile(r"\bnumbers? of ([a-z]+)\b", re.IGNORECASE)


class ListEntry(NamedTuple):
    """A line of a list under a header that names what it counts: the line's label
    ("Greens") and the header's counted noun ("seats")."""

    label: str
    noun: str


def list_entry(text: str, start: int, end: int) -> ListEntry | None:
    """The list line a whole number at ``text[start:end]`` ends, under its header: the
    line is a label, a dash or colon and the number ("Greens – 4"), or a table's row of
    capitalised labels each followed by a number ("Party Won Greens 4 Liberals 9": a
    number's label is the word before it), and the first line above
    the list's lines ends with a colon and says "the number of <plural noun>" ("Following
    are the number of seats won by parties:"). ``None`` for any other figure."""
    line_start, line_end = _line_around(text, start, end)
    if line_start < 0:
        return None
    written = text[line_start:line_end].strip()
    line = _LIST_LINE.fullmatch(written)
    if line is not None and not text[end:line_end].strip():
        label = line["label"].strip()
    elif line is None and _ROW_LINE.fullmatch(written):  # "Alliance Won NDA 292 INDIA 234 Other 17"
        before = text[line_start:start].rstrip()
        label = before[before.rfind(" ") + 1:] if " " in before else before
    else:
        return None
    end_of_above = line_start - 1
    for _ in range(_LIST_REACH):  # line by line upwards, never the whole text (long lists)
        if end_of_above < 0:
            return None
        start_of_above, _ = _line_around(text, end_of_above, end_of_above)
        if start_of_above < 0:
            return None
        above = text[start_of_above:end_of_above].strip()
        end_of_above = start_of_above - 1
        if not above or _LIST_LINE.fullmatch(above) or _ROW_LINE.fullmatch(above):
            continue
        match = _HEADER_NOUN.search(above)
        if not above.endswith(":") or match is None or \
                not is_plural_word(match[1].lower()):
            return None
        return ListEntry(label, match[1])
    return None


def _line_around(text: str, start: int, end: int) -> tuple[int, int]:
    """(start, end) of the line holding ``text[start:end]``, ``(-1, -1)`` when it is longer
    than a list's line may be (each look stays short on a hostile single-line text)."""
    before = text.rfind("\n", max(0, start - _LINE_MAX), start)
    if before < 0 and start > _LINE_MAX:
        return -1, -1
    after = text.find("\n", end, end + _LINE_MAX)
    if after < 0:
        if len(text) - end > _LINE_MAX:
            return -1, -1
        after = len(text)
    return before + 1, after


def is_plural_word(word: str) -> bool:
    """A lower-case word read as a plural noun by its ending ("seats"; not "news")."""
    return word.endswith("s") and len(word) > 3 and word not in W.NOT_PLURAL


@dataclass
class Num:
    """A parsed number: its token range and value or interval, as written."""

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
    precision: float | None = None  # half a unit of the last digit written
    # a malformed figure: (token index, what the token probably meant, why)
    suspect: tuple[int, str, str] | None = None


_TEMPERATURE_UNITS = frozenset({"degree_Celsius", "degree_Fahrenheit", "kelvin", "degree"})


@dataclass
class Found:
    """A quantity under construction, in token coordinates."""

    i: int
    j: int
    num: Num
    unit: str | None = None
    currency: str | None = None
    per: list[str] = field(default_factory=list)
    bound: Bound = "exact"
    low: float | None = None
    high: float | None = None
    value: float | None = None
    kind: str = ""  # money, percent, physical, count, duration, multiple, bare
    over: str | None = None
    hedge: Hedge | None = None
    precision: float | None = None
    suspect: tuple[int, str, str] | None = None
    sign_i: int | None = None  # token of a written sign ("-1.29%", "minus-7 yards")
    reference: bool = False  # a time reference or a number nothing names the unit of
    direction: str | None = None


class Parser:
    """Parse one text. Holds the tokens, the masked (blocked) tokens and the article's
    context: which currency a bare ``$`` means, whether ``p`` after digits is pence."""

    def __init__(self, text: str, registry: pint.UnitRegistry, lexicon: Lexicon, *,
                 source: str | None = None) -> None:
        self.text = text
        self.original = text  # the text as given, when ``text`` is a same-length rewrite
        self.registry = registry
        self.lex = lexicon
        self.toks = tokenize(text)
        self.n = len(self.toks)
        self.blocked = [False] * self.n
        self._unit_cache = lexicon.memo.for_registry(registry)
        self._physical: dict[int, tuple[str, int] | None] = {}
        self._ends: list[int] | None = None
        self.facts: dict[tuple[object, ...], object] = {}  # per-sentence facts, computed once
        spans = [(m.start(), m.end()) for m in MASKS.finditer(text)]
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
        self.domain_currency = lexicon.domain_currency(source) \
            or lexicon.dateline_currency(text)
        self.pence = "£" in text or "pence" in text or "GBP" in text \
            or self.domain_currency == "GBP"
        # explicit currency mentions: code -> char offsets (sorted); see shared spellings
        self._explicit: dict[str, list[int]] = {}

    @cached_property
    def celsius(self) -> bool:
        """Whether a bare degree is Celsius: the article writes metric units (or "per cent"),
        or its source is not American. Worked out when a temperature needs it (a scan of
        the whole text most articles never need)."""
        return bool(_METRIC_WRITING.search(self.text)) \
            or self.domain_currency not in (None, "USD")

    # -- sentences ----------------------------------------------------------------------
    _CHUNK = 120

    def sentence(self, k: int) -> tuple[int, int]:
        """The token range of the sentence holding token ``k`` (ended by . ! ? or ;), cut
        into chunks of at most 120 tokens so that no look-around is quadratic on a hostile
        run without punctuation."""
        if self._ends is None:
            self._ends = [idx for idx, t in enumerate(self.toks) if t.text in _SENTENCE_ENDS]
        ends = self._ends
        pos = bisect.bisect_left(ends, k)
        lo = ends[pos - 1] + 1 if pos else 0
        hi = ends[pos] if pos < len(ends) else self.n
        if hi - lo > self._CHUNK:
            lo += (k - lo) // self._CHUNK * self._CHUNK
            hi = min(hi, lo + self._CHUNK)
        return lo, hi

    def sentence_words(self, k: int) -> frozenset[str]:
        """The lower-cased words of the sentence (chunk) holding token ``k``, computed once."""
        bounds = self.sentence(k)
        words = self.facts.get(("words", *bounds))
        if words is None:
            words = self.facts[("words", *bounds)] = frozenset(
                t.low for t in self.toks[bounds[0]:bounds[1]] if t.kind == "word")
        assert isinstance(words, frozenset)
        return words

    # -- small helpers ---------------------------------------------------------------
    def tok(self, i: int) -> Tok | None:
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

    def is_text(self, i: int, *texts: str) -> bool:
        t = self.tok(i)
        return t is not None and t.text in texts

    def index_at(self, offset: int) -> int:
        """The index of the first token starting at or after character ``offset``."""
        lo, hi = 0, self.n
        while lo < hi:
            mid = (lo + hi) // 2
            if self.toks[mid].start < offset:
                lo = mid + 1
            else:
                hi = mid
        return lo

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

    # -- currencies --------------------------------------------------------------------
    def pick_currency(self, codes: tuple[str, ...], offset: int) -> str:
        """One currency for a spelling several share: the first listed, unless the source's
        domain or an earlier unambiguous mention in the article points to another."""
        if len(codes) == 1:
            return codes[0]
        latest: tuple[int, str] | None = None
        for code in codes:
            offsets = self._explicit.get(code)
            if offsets:
                k = bisect.bisect_left(offsets, offset)
                if k and (latest is None or offsets[k - 1] > latest[0]):
                    latest = (offsets[k - 1], code)
        if latest is not None:
            return latest[1]
        if self.domain_currency in codes:
            return self.domain_currency  # type: ignore[return-value]
        return codes[0]

    def note_currency(self, spelling: str, code: str, offset: int) -> None:
        if (spelling in self.lex.unambiguous or spelling in self.lex.codes) \
                and not self._in_parentheses(offset):
            bisect.insort(self._explicit.setdefault(code, []), offset)

    def _in_parentheses(self, offset: int) -> bool:
        """Whether an unclosed "(" stands before ``offset`` on its line: "$410m (€331m)"."""
        line_start = self.text.rfind("\n", 0, offset) + 1
        before = self.text[max(line_start, offset - 80):offset]
        return before.rfind("(") > before.rfind(")")

    def prefix_currency(self, i: int) -> tuple[str, int] | None:
        """A currency spelling starting at token ``i`` and directly followed by a number
        (one space allowed): ``(code, index of the number's first token)``."""
        t = self.tok(i)
        if t is None or self.blocked[i]:
            return None
        if t.text[0] in self.lex.prefix_starts:
            m = self.lex.prefix_re.match(self.text, t.start)
            if m is not None:
                k = self.index_at(m.end())
                if k > i and self.toks[k - 1].end <= m.end() and self._number_follows(k, m.end()):
                    code = self.pick_currency(self.lex.prefixes[m.group()], t.start)
                    self.note_currency(m.group(), code, t.start)
                    return code, k
        if t.kind == "word" and t.text in self.lex.codes:
            k = i + 1
            if self.is_text(k, "$", "€", "£", "¥", "₹") and self.adjacent(k):
                k += 1  # "USD$5", "EUR€3"
            if self._number_follows(k, self.toks[k - 1].end):
                self.note_currency(t.text, t.text, t.start)
                return t.text, k
        return None

    def _number_follows(self, k: int, end: int) -> bool:
        nxt = self.tok(k)
        if nxt is None or len(self.text[end:nxt.start]) > 1 or "\n" in self.text[end:nxt.start]:
            return False
        if nxt.kind == "num":
            return True
        if nxt.text in _MINUS and self.tok(k + 1) is not None and self.toks[k + 1].kind == "num" \
                and self.adjacent(k + 1):
            return True  # "$-99.99"
        return nxt.kind == "word" and (nxt.low in W.ONES or nxt.low in W.TENS
                                       or nxt.low in ("a", "an", "half"))

    def currency_after(self, j: int, num: Num) -> tuple[str, str, int] | None:
        """A currency written after a number at token ``j``: ``(code, unit, end)``; the unit
        is the currency or its minor unit ("63 cents")."""
        t = self.tok(j)
        if t is None:
            return None
        # suffix symbols and codes: "100元", "100 ₭", "10 USD", "75mEUR"
        if self.lex.suffix_re is not None and (t.kind == "sym" or t.kind == "word"):
            m = self.lex.suffix_re.match(self.text, t.start)
            if m is not None and len(self.gap(j)) <= 1:
                k = self.index_at(m.end())
                if k > j and self.toks[k - 1].end == m.end() and (
                        self.tok(k) is None or not self.adjacent(k)
                        or self.toks[k].kind == "sym"):
                    code = self.pick_currency(self.lex.suffixes[m.group()], t.start)
                    return code, code, k
        if t.kind != "word":
            return None
        if t.text in self.lex.codes and len(self.gap(j)) <= 1 and (
                self.tok(j + 1) is None or not self.adjacent(j + 1)
                or self.toks[j + 1].kind == "sym"):
            self.note_currency(t.text, t.text, t.start)
            return t.text, t.text, j + 1
        # names: "Australian dollars", "pounds sterling", "crore rupees", "cents"
        best: tuple[str, str, int] | None = None
        for size in range(min(self.lex.max_name_words, self.n - j), 0, -1):
            if size > 1 and not all(self.gap(j + k) in ("", " ", "-", ".", ". ")
                                    for k in range(1, size)):
                continue
            key = tuple(x.low for x in self.toks[j:j + size])
            codes = self.lex.word_names.get(key)
            if codes:
                code = self.pick_currency(codes, t.start)
                self.note_currency(" ".join(key), code, t.start)
                return code, code, j + size
            weak = self.lex.weak_names.get(key)
            if weak:
                code = self.pick_currency(weak, t.start)
                named = bool(self._explicit.get(code)) and self._explicit[code][0] < t.start \
                    or code == "GBP" and self.pence
                if num.scale_word or named or self.is_word(j + size, "sterling") \
                        or self.is_text(num.i - 1, "="):  # "($1 = 0.6748 pounds)"
                    return code, code, j + size
            minor = self.lex.minor_names.get(key)
            if minor and best is None:
                code = self.pick_currency(tuple(c for c, _ in minor), t.start)
                unit = next(u for c, u in minor if c == code)
                best = (code, unit, j + size)
        return best

    def minor_glued(self, j: int, num: Num, currency: str | None) -> tuple[str, str] | None:
        """A minor-unit symbol glued to the digits: "34c", "96.5p" -> ``(code, unit)``."""
        t = self.tok(j)
        if t is None or not self.adjacent(j) or t.text not in self.lex.minor_glued:
            return None
        nxt = self.tok(j + 1)
        if nxt is not None and self.adjacent(j + 1) and nxt.kind in ("word", "num"):
            return None  # "34cm", "5px"
        options = self.lex.minor_glued[t.text]
        if t.text in ("p", "P"):
            whole = num.literal.split(".")[0].replace(",", "")
            if not (self.pence or "." in num.literal or len(whole) <= 2):
                return None  # "1080p" is a video resolution
        code = self.pick_currency(tuple(c for c, _ in options), self.toks[j].start)
        if currency is not None and any(c == currency for c, _ in options):
            code = currency
        return code, next(u for c, u in options if c == code)

    # -- numbers ---------------------------------------------------------------------
    def number(self, i: int) -> Num | None:
        t = self.tok(i)
        if t is None or self.blocked[i]:
            return None
        if t.kind == "num":
            return self.digits(i)
        if t.kind == "word":
            return self.number_words(i)
        if t.kind == "sym" and t.text in W.VULGAR_FRACTIONS:
            value = W.VULGAR_FRACTIONS[t.text]
            return Num(i, i + 1, value, literal=t.text, precision=0.0, fraction=False)
        return None

    def digits(self, i: int) -> Num | None:
        t = self.toks[i]
        literal = t.text
        if len(literal) > 1 and literal[0] == "0" and literal[1].isdigit():
            return None  # "000", "007": a code, or the tail of "10 000"
        prev = self.tok(i - 1)
        if prev is not None and prev.text == "=" and self.prefix_currency_before(i):
            prev = None  # "Y=410 billion": the old yen notation
        if prev is not None and self.adjacent(i) and prev.text in ("+", "/", ":", "⁄", "=") \
                and self.tok(i - 2) is not None and self.adjacent(i - 1) \
                and self.toks[i - 2].kind in ("num", "word") and prev.text != "+" \
                or prev is not None and prev.text == "+" and self.adjacent(i) \
                and self.tok(i - 2) is not None and self.adjacent(i - 1) \
                and self.toks[i - 2].kind == "num":
            return None  # "1/0", "J1149.5+6663": part of a code
        if prev is not None and prev.kind == "num" and self.gap(i) == " " \
                and self.tok(i - 2) is not None and self.toks[i - 2].kind == "word" \
                and self.adjacent(i - 1) and re.fullmatch(r"\d{1,5}", literal):
            return None  # "Core i7 860": the model number after a model name
        kind = grouping(literal)
        if kind == "decimal" and not self._scale_after(i + 1):
            return None  # "1,30 people": a garbled figure, neither 1.3 nor 1 and 30
        try:
            value = float(literal.replace(",", "." if kind == "decimal" else ""))
        except ValueError:
            return None
        if not math.isfinite(value):
            return None
        decimals = len(literal.split("." if "." in literal else ",")[1]) \
            if "." in literal or kind == "decimal" else 0
        j = i + 1
        num = Num(i, j, value, literal=literal, precision=0.5 * 10.0 ** -decimals)
        if kind == "malformed":
            num.suspect = (i, f"{value:,.{decimals}f}",
                           f"{literal} has a misplaced digit-group separator")
        # mixed numbers and fractions: "2 1/2", "63 3/16", "1/4 cup", "2½", "1⁄16"
        frac = self.fraction_digits(j)
        if frac is not None and "," not in literal and decimals == 0:
            part, end = frac
            num.value, num.j, num.precision = value + part, end, 0.0
            num.literal = self.text[t.start:self.toks[end - 1].end]
            return num
        nxt = self.tok(j)
        if nxt is not None and nxt.text in ("/", "⁄") and self.adjacent(j):
            slash = self.fraction_digits(i)
            if slash is not None:
                part, end = slash
                num.value, num.j, num.precision, num.literal = part, end, 0.0, \
                    self.text[t.start:self.toks[end - 1].end]
                if self.is_word(end, "of") and self.is_word(end + 1, "a", "an") \
                        and self.physical(end + 2) is not None:
                    num.literal = "of-unit"  # "1⁄16 of a gallon"
                elif self.is_word(end, "of"):  # "1/2 of the people": a share, like "half of"
                    num.value, num.fraction, num.j = tidy(part * 100), True, end + 1
                return num
            return None if self.tok(j + 1) is not None and self.toks[j + 1].kind == "num" \
                and self.adjacent(j + 1) else num  # "24/7", "9/11": not amounts
        after = self.tok(j + 1)
        if nxt is not None and nxt.text == "-" and after is not None and self.adjacent(j) \
                and self.adjacent(j + 1) and after.kind == "word" and \
                W.SCALE_WORDS.get(after.low, 0) >= 1e6:  # "a $1.9-billion fine"
            num.scale, num.scale_word, num.j = W.SCALE_WORDS[after.low], after.text, j + 2
        elif nxt is not None and nxt.kind == "word":
            glued = self.adjacent(j)
            if glued and nxt.text == "m" and self.is_word(j + 1, *W.DIMENSION_ADJ):
                return num  # "400m long": metres, read as a unit by the caller
            if glued and nxt.text in ("p", "P", "c") and self.minor_glued(j, num, None):
                return num  # "30p", "34c": minor units, read by the caller
            if glued and nxt.low in W.SCALE_WORDS and nxt.text.islower():
                num.scale, num.scale_word, num.j = W.SCALE_WORDS[nxt.low], nxt.text, j + 1
            elif glued and nxt.text == "m" and self._length_context(i):
                return num  # "a length of up to 13m": metres, read as a unit by the caller
            elif glued and nxt.text in W.SCALE_ABBR and not self._glued_unit(j):
                if re.fullmatch(r"\d{4,}", literal) and not self.prefix_currency_before(i):
                    return None  # "14900K" is a model number, not 14.9 million
                num.scale, num.scale_word, num.j = W.SCALE_ABBR[nxt.text], nxt.text, j + 1
            elif not glued and (nxt.low in W.SCALE_WORDS or nxt.text in W.SPACED_ABBR
                                or (nxt.low in W.SCALE_PLURALS and i > 0
                                    and self.prefix_currency_before(i))):
                scale = W.SCALE_WORDS.get(nxt.low) or W.SCALE_ABBR.get(nxt.text) \
                    or W.SCALE_PLURALS[nxt.low]
                num.scale, num.scale_word, num.j = scale, nxt.text, j + 1
                after = self.tok(j + 1)  # "1.17 lakh crore", "5 hundred million"
                if after is not None and after.low in W.SCALE_WORDS and \
                        W.SCALE_WORDS[after.low] > 1 and after.low != nxt.low:
                    num.scale *= W.SCALE_WORDS[after.low]
                    num.scale_word, num.j = f"{nxt.text} {after.text}", j + 2
            elif nxt.low in ("hundred", "dozen") and not glued:
                num.scale = 100 if nxt.low == "hundred" else 12
                num.scale_word, num.j = nxt.text, j + 1
                after = self.tok(j + 1)
                if after is not None and after.low in W.SCALE_WORDS:
                    num.scale *= W.SCALE_WORDS[after.low]
                    num.scale_word, num.j = f"{nxt.text} {after.text}", j + 2
            elif not glued and nxt.text.islower() and len(nxt.text) >= 5:
                near = _misspelled_scale(nxt.low)
                if near is not None:
                    num.scale, num.scale_word, num.j = W.SCALE_WORDS[near], nxt.text, j + 1
                    num.suspect = (j, near, f"“{nxt.text}” looks like a misspelling")
        num.value = tidy(value * num.scale)
        if num.precision is not None:
            num.precision = tidy(num.precision * num.scale)
        return num

    def _scale_after(self, j: int) -> bool:
        """Whether token ``j`` is a scale word or abbreviation ("billion", "bn", glued "m")."""
        nxt = self.tok(j)
        return nxt is not None and nxt.kind == "word" and (
            nxt.low in W.SCALE_WORDS or nxt.text in W.SPACED_ABBR
            or self.adjacent(j) and nxt.text in W.SCALE_ABBR)

    def fraction_digits(self, j: int) -> tuple[float, int] | None:
        """A fraction starting at token ``j``: "1/4", "3 / 16", "1⁄16", "½"."""
        t = self.tok(j)
        if t is None or self.blocked[j]:
            return None
        if t.kind == "sym" and t.text in W.VULGAR_FRACTIONS and self.adjacent(j):
            return W.VULGAR_FRACTIONS[t.text], j + 1
        if t.kind != "num" or "." in t.text or "," in t.text:
            return None
        slash = self.tok(j + 1)
        den = self.tok(j + 2)
        if slash is None or den is None or slash.text not in ("/", "⁄") or den.kind != "num":
            return None
        spaced = self.gap(j + 1) == " " and self.gap(j + 2) == " "
        if not (self.adjacent(j + 1) and self.adjacent(j + 2)) and not spaced:
            return None
        if self.tok(j + 3) is not None and self.toks[j + 3].text in ("/", "⁄") \
                and self.adjacent(j + 3):
            return None  # "3/4/2020"
        a, b = int(t.text), int(den.text) if den.text.isdigit() else 0
        if not (0 < a < b and b in _FRACTION_DENOMINATORS):
            return None
        return a / b, j + 3

    def _open_quote(self, j: int) -> bool:
        """Whether a quotation is open before token ``j`` on its line."""
        start = self.toks[j].start
        line = self.text[max(self.text.rfind("\n", 0, start) + 1, start - 300):start]
        return line.count('"') % 2 == 1 or line.count("“") > line.count("”")

    def _length_context(self, i: int) -> bool:
        """A length word shortly before token ``i``: "a length of up to 13m"."""
        for t in self.toks[max(0, i - 6):i]:
            if t.low in _LENGTH_WORDS:
                return True
        return False

    def _glued_unit(self, j: int) -> bool:
        """Whether the glued word at ``j`` starts a unit symbol rather than being a scale
        ("200m2", "5m/s" are units; "$1.25B/month" is a scale and a rate)."""
        for size in (3, 2):
            if j + size <= self.n and all(self.adjacent(j + k) for k in range(1, size)):
                surface = self.text[self.toks[j].start:self.toks[j + size - 1].end]
                if surface in W.UNIT_SYMBOLS:
                    return True
        return False

    def _spaced_metres(self, j: int) -> bool:
        """A spaced "m" at ``j`` that ends a figure's phrase is metres: "between 50 and 60 m.",
        "a 100 m sprint"; never after money ("$60 m" is a scale) or before a capital."""
        prev = self.tok(j - 1)
        if prev is None or prev.kind != "num" or self.gap(j) != " " \
                or self.prefix_currency_before(j - 1):
            return False
        k = j - 1
        while k > 0 and self.toks[k - 1].kind == "num" and self.adjacent(k):
            k -= 1  # "1.5" read as several tokens
        if self.prefix_currency_before(k):
            return False
        nxt = self.tok(j + 1)
        return nxt is None or nxt.text in (".", ",", ";", ")") \
            or nxt.kind == "word" and nxt.text.islower() and nxt.low not in W.STOP \
            and not _is_plural(nxt.text)  # "60 m units": millions

    def prefix_currency_before(self, i: int) -> bool:
        """Whether a currency prefix ends right before token ``i``."""
        for back in (1, 2, 3):
            k = i - back
            if k < 0:
                return False
            pre = self.prefix_currency(k)
            if pre is not None:
                return pre[1] == i
        return False

    def number_words(self, i: int) -> Num | None:
        t = self.toks[i]
        w = t.low
        # vague amounts: "tens of thousands", "hundreds of millions", "dozens", "thousands"
        if w in W.VAGUE_HEADS or w in W.VAGUE_SCALES:
            if w in W.VAGUE_HEADS:
                lo, hi = W.VAGUE_HEADS[w]
                j = i + 1
                if self.is_word(j, "of") and self.tok(j + 1) is not None \
                        and self.toks[j + 1].low in W.VAGUE_SCALES:
                    scale = W.VAGUE_SCALES[self.toks[j + 1].low]
                    return Num(i, j + 2, None, lo * scale, hi * scale, vague=True, words=True,
                               scale_word=f"{t.text} of {self.toks[j + 1].text}")
                if w == "scores" and not self.is_word(j, "of"):
                    return None  # "scores more than 3.5": the verb
                return Num(i, j, None, lo, hi, vague=True, words=True, scale_word=t.text)
            scale = W.VAGUE_SCALES[w]
            if self.is_word(i + 1, "of") and self.tok(i + 2) is not None \
                    and self.toks[i + 2].low in W.VAGUE_SCALES:
                inner = W.VAGUE_SCALES[self.toks[i + 2].low]  # "millions of billions"
                return Num(i, i + 3, None, scale * inner, scale * inner * 1000, vague=True,
                           words=True, scale_word=" ".join(x.text for x in self.toks[i:i + 3]))
            return Num(i, i + 1, None, scale, scale * 10, vague=True, words=True,
                       scale_word=t.text)
        if w in W.VAGUE_PREFIXES:
            low, high = W.VAGUE_PREFIXES[w]
            return Num(i, i + 1, None, low, high, vague=True, words=True, scale_word=t.text)
        # "several hundred", "a few thousand", "a couple of million"
        if w in ("several", "few", "couple") or (
                w == "a" and self.is_word(i + 1, "few", "couple")):
            k = i + 1 if w != "a" else i + 2
            key = self.toks[k - 1].low
            if key == "couple" and self.is_word(k, "of"):
                k += 1
            nxt = self.tok(k)
            if nxt is not None and (nxt.low in W.SCALE_WORDS or nxt.low in ("hundred", "dozen")):
                scale = W.SCALE_WORDS.get(nxt.low) or (100.0 if nxt.low == "hundred" else 12.0)
                if nxt.low == "hundred" and self.tok(k + 1) is not None \
                        and self.toks[k + 1].low in W.SCALE_WORDS:
                    k += 1  # "several hundred billion dollars"
                    scale *= W.SCALE_WORDS[self.toks[k].low]
                lo, hi = W.FEW[key]
                return Num(i, k + 1, None, lo * scale, hi * scale, vague=True, words=True,
                           scale_word=" ".join(x.text for x in self.toks[i:k + 1]))
            return None
        if w in W.MULTIPLES:
            return Num(i, i + 1, W.MULTIPLES[w], words=True, precision=0.0, literal=t.text)
        # fractions: "half of", "a third of", "two-thirds of", "half a million"
        frac = self.fraction(i)
        if frac is not None:
            return frac
        return self.cardinal_words(i)

    def fraction(self, i: int) -> Num | None:
        t = self.toks[i]
        k = i
        numerator = 1.0
        if t.low in ("a", "one") and self.tok(i + 1) is not None \
                and self.toks[i + 1].low in W.FRACTIONS and self.toks[i + 1].low != "half":
            k = i + 1
        elif t.low in W.ONES and self.tok(i + 1) is not None \
                and self.toks[i + 1].text in DASHES and self.adjacent(i + 1) \
                and self.is_word(i + 2, *W.FRACTIONS) and self.adjacent(i + 2):
            numerator, k = float(W.ONES[t.low]), i + 2
        elif t.low in W.ONES and t.low not in ("one",) and self.is_word(i + 1, *W.FRACTIONS) \
                and self.toks[i + 1].low.endswith("s"):
            numerator, k = float(W.ONES[t.low]), i + 1  # "two thirds", "three quarters"
        elif t.low == "one" and self.is_word(i + 1, *W.FRACTIONS):
            k = i + 1  # "one sixth", "one-half" below
        elif t.low == "one" and self.is_text(i + 1, *DASHES) and self.adjacent(i + 1) \
                and self.is_word(i + 2, *W.FRACTIONS) and self.adjacent(i + 2):
            k = i + 2
        elif t.low == "a" and self.is_word(i + 1, "half") and self.is_text(i + 2, *DASHES) \
                and self.is_word(i + 3, "dozen"):
            return Num(i, i + 4, 6.0, words=True, precision=0.0, scale_word="a half-dozen")
        elif t.low != "half":
            return None
        elif self.is_word(i - 1, "the", "first", "second", "this", "last", "next", "previous",
                          "latest", "current") or self.is_word(i + 1, "year", "term",
                                                                "time", "way", "hour"):
            if not self.is_word(i + 1, "hour") or self.is_word(i - 1, "the"):
                return None  # "in the half year", "the first half", "half time"
        word = self.toks[k].low
        if word not in W.FRACTIONS:
            return None
        if word not in ("half", "quarter", "quarters") and not word.endswith("s") and \
                self.is_word(k + 1, *_ORDINAL_NOUNS):
            return None  # "a fourth quarter decline", "a third straight year": ordinals
        share = W.FRACTIONS[word] * numerator
        surface = " ".join(x.text for x in self.toks[i:k + 1])
        # "half a dozen", "a half-dozen"
        if word == "half" and (self.is_word(k + 1, "a") and self.is_word(k + 2, "dozen")):
            return Num(i, k + 3, 6.0, words=True, precision=0.0, scale_word="half a dozen")
        if word == "half" and self.is_text(k + 1, *DASHES) and self.is_word(k + 2, "dozen") \
                and self.adjacent(k + 1) and self.adjacent(k + 2):
            return Num(i, k + 3, 6.0, words=True, precision=0.0, scale_word="half-dozen")
        # "half a million", "a quarter million", "a third of a million people",
        # "three-quarters of a billion dollars": the share of a scale word
        m = k + 1
        if self.is_word(m, "of") and self.is_word(m + 1, "a", "an"):
            m += 2
        elif word == "half" and self.is_word(m, "a"):
            m += 1
        if self.tok(m) is not None and self.toks[m].low in W.SCALE_WORDS \
                and (m > k + 1 or word != "half" or t.low in ("a", "one")) \
                and not (self.is_text(m + 1, *DASHES) and self.adjacent(m + 1)):
            scale = W.SCALE_WORDS[self.toks[m].low]
            return Num(i, m + 1, share * scale, words=True, scale=scale,
                       scale_word=self.toks[m].text, precision=0.0)
        if self.is_word(k + 1, "of") and self.is_word(k + 2, "a", "an") \
                and self.physical(k + 3) is not None:
            return Num(i, k + 1, share, words=True, precision=0.0, scale_word=surface,
                       literal="of-unit")  # "a millionth of an inch"
        hedge = self.hedge_before(i)
        by = self.is_word(i - 1, "by") or hedge is not None and self.is_word(hedge[1] - 1, "by")
        if self.is_word(k + 1, "of") or by:
            return Num(i, k + 1, share * 100, fraction=True, words=True, scale_word=surface,
                       precision=0.0)
        # "a millionth of an inch" handled above ("of"); "one-half miles", "a quarter mile"
        nxt = self.tok(k + 1)
        if word == "half" and nxt is not None and nxt.text in DASHES and self.adjacent(k + 1) \
                and self.physical(k + 2) is not None and self.adjacent(k + 2):
            return Num(i, k + 2, 0.5, words=True, precision=0.0, scale_word=surface,
                       literal="half-unit")  # "a half-acre lot", "a half-mile"
        if k > i and self.toks[k - 1].text in DASHES and word != "half":
            return Num(i, k + 1, share * 100, fraction=True, words=True, scale_word=surface,
                       precision=0.0)  # "a two-thirds majority"
        if nxt is not None and nxt.kind == "word" and (
                self.physical(k + 1) is not None or self.period(k + 1) is not None):
            return Num(i, k + 1, share, words=True, precision=0.0, scale_word=surface)
        if word != "half" and t.low not in ("a", "an") and (
                nxt is None or nxt.kind != "word" or nxt.low in W.STOP):
            return Num(i, k + 1, share, words=True, precision=0.0, scale_word=surface,
                       literal="fraction")  # "exactly one sixth.", "Is three halves"
        return None

    def cardinal_words(self, i: int) -> Num | None:
        total, current, j, seen = 0.0, 0.0, i, False
        scale_word: str | None = None
        top_scale = 1.0
        if self.toks[i].low in ("a", "an"):
            nxt = self.tok(i + 1)
            if nxt is None or nxt.low not in (*W.SCALE_WORDS, "hundred", "dozen"):
                return None
            current, j, seen = 1.0, i + 1, True
        while j < self.n:
            t = self.toks[j]
            w = t.low
            if t.kind == "sym" and t.text in DASHES and seen and self.adjacent(j) \
                    and self.tok(j + 1) is not None and self.toks[j + 1].low in W.ONES \
                    and self.adjacent(j + 1) and current % 100 >= 20 and current % 10 == 0:
                j += 1
                continue
            if t.kind != "word" or self.blocked[j]:
                break
            if w in W.ONES and (not seen or current % 10 == 0 and current % 100 != 10):
                if seen and current % 100 and W.ONES[w] >= 10:
                    break
                if seen and w == "one" and current == 0:
                    break
                current += W.ONES[w]
            elif w in W.TENS and (not seen or current % 100 == 0):
                current += W.TENS[w]
            elif w == "hundred" and seen and 0 < current < 100:
                current *= 100
            elif w == "dozen" and seen and 0 < current < 100:
                current *= 12
            elif w in W.SCALE_WORDS and seen and current > 0:
                total += current * W.SCALE_WORDS[w]
                top_scale = max(top_scale, W.SCALE_WORDS[w])
                scale_word = t.text
                current = 0
            elif w == "and" and seen and self.tok(j + 1) is not None \
                    and self.toks[j + 1].low in (*W.ONES, *W.TENS) and total + current >= 100:
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
        # "two and a half miles"
        if self.is_word(j, "and") and self.is_word(j + 1, "a") and self.is_word(j + 2, "half") \
                and total == 0:
            value += 0.5
            j += 3
        return Num(i, j, value, words=True, scale_word=scale_word, scale=top_scale,
                   precision=0.5 * top_scale)

    # -- units -----------------------------------------------------------------------
    def percent(self, j: int) -> tuple[str, int] | None:
        t = self.tok(j)
        if t is None or t.low not in _PERCENT_FIRST:
            return None
        for words in W.PERCENT_POINT_WORDS + W.PERCENT_WORDS:
            if all(self.tok(j + k) is not None and self.toks[j + k].low == w
                   for k, w in enumerate(words)):
                if words == ("pc",) and not self.adjacent(j):
                    return None
                if words in (("pp",), ("pts",), ("ppts",)) and not self.adjacent(j) \
                        and words == ("pp",):
                    return None
                unit = "percentage_point" if words in W.PERCENT_POINT_WORDS else "percent"
                return unit, j + len(words)
        return None

    def physical(self, j: int) -> tuple[str, int] | None:
        """A physical unit starting at token ``j``: ``(pint unit, end token)``."""
        if j in self._physical:
            return self._physical[j]
        found = self._physical[j] = self._read_physical(j)
        return found

    def _read_physical(self, j: int) -> tuple[str, int] | None:
        t = self.tok(j)
        if t is None or t.kind not in ("word", "sym") or self.blocked[j]:
            return None
        glued = self.adjacent(j) and self.tok(j - 1) is not None \
            and self.toks[j - 1].kind == "num"
        if t.low in W.STOP and not glued and t.low != "in":
            return None
        # symbols, possibly over several tokens ("km/h", "lb-ft", "sq ft", "mg/dL", "Wh/kg")
        for size in _SYMBOL_SIZES.get(t.text, ()):
            if j + size > self.n:
                continue
            if size > 1 and not all(self.adjacent(j + k) or self.gap(j + k) == " "
                                    for k in range(1, size)):
                continue
            surface = self.text[t.start:self.toks[j + size - 1].end]
            unit = W.UNIT_SYMBOLS.get(surface)
            if unit is None:
                continue
            if surface in W.GLUED_ONLY and not glued and not (
                    surface == "m" and self.tok(j - 1) is not None
                    and self.toks[j - 1].kind == "num" and self.gap(j) == " "
                    and self.is_word(j + 1, *W.DIMENSION_ADJ)) and not (
                    surface == "m" and self._spaced_metres(j)) and not (
                    surface in ("W", "V", "L") and self.tok(j - 1) is not None
                    and self.toks[j - 1].kind == "num" and self.gap(j) == " " and (
                        self.tok(j + 1) is None or self.toks[j + 1].text.islower()
                        or self.toks[j + 1].kind == "sym")):
                continue
            nxt = self.tok(j + size)
            if nxt is not None and self.adjacent(j + size) and nxt.kind in ("word", "num") \
                    and not (surface in ("km", "m", "ft", "cm") and nxt.text in ("2", "3")):
                continue  # "5mg" fine, "5mph" fine, "5msg": no
            if surface == "m" and not self.is_word(j + 1, *W.DIMENSION_ADJ) and glued \
                    and not self._length_context(j - 1):
                continue  # "5m" alone: million, read as a scale (see digits)
            if surface in ("'", "’") and not glued:
                continue
            if surface in ('"', "”") and self._open_quote(j):
                continue  # the closing quotation mark after 'the top 10"', not inches
            if surface == "in" and not glued:
                continue
            if surface in ("°", "º", "⁰", "˚") and self.is_word(j + 1, "c", "f") \
                    and not self.adjacent(j + 1):
                unit = W.TEMPERATURE_LETTERS[self.toks[j + 1].text.upper()]
                return unit, j + 2
            if surface in ("°", "º", "⁰", "˚"):
                unit = "degree_Celsius" if self.celsius else "degree_Fahrenheit"
            if surface in _DOTTED_ABBREVIATIONS and self.is_text(j + size, ".") \
                    and self.adjacent(j + size) and self.tok(j + size + 1) is not None \
                    and self.toks[j + size + 1].text.islower():
                return unit, j + size + 1  # "from 5,000 lbs. to 13,200 lbs."
            return unit, j + size
        if t.low == "in" and not glued and self.tok(j - 1) is not None \
                and self.toks[j - 1].kind == "num" and self.is_word(j + 1, *W.DIMENSION_ADJ):
            return "inch", j + 1  # "2 1/2 in thick"
        # temperatures: "-10C", "30 C", "98.6F", "1.7deg C", "3.1degF"
        if t.text in W.TEMPERATURE_LETTERS and self.tok(j - 1) is not None \
                and self.toks[j - 1].kind == "num" and len(self.gap(j)) <= 1 \
                and (self.tok(j + 1) is None or not self.adjacent(j + 1)
                     or self.toks[j + 1].kind == "sym"):
            if self.gap(j) == "" or not (self.tok(j + 1) is not None
                                         and self.toks[j + 1].kind == "word"
                                         and self.toks[j + 1].text[:1].isupper()):
                return W.TEMPERATURE_LETTERS[t.text], j + 1
        if t.low == "deg" and self.tok(j + 1) is not None \
                and self.toks[j + 1].text in W.TEMPERATURE_LETTERS:
            return W.TEMPERATURE_LETTERS[self.toks[j + 1].text], j + 2
        if t.kind != "word":
            return None
        # spelled names, several words ("cubic feet", "pound-feet", "miles per hour")
        sizes = sorted({*_WORD_SIZES.get(t.low, ()), *_WORD_SIZES.get(_singular(t.low), ())},
                       reverse=True)
        for size in sizes:
            toks = self.toks[j:j + size]
            if len(toks) != size or any(x.kind != "word" and x.text not in DASHES for x in toks):
                continue
            if size > 1 and any(not self.adjacent(j + k) and self.gap(j + k) != " "
                                for k in range(1, size)):
                continue
            parts = [x.low for x in toks]
            surface = " ".join(parts).replace(" - ", "-").replace(" -", "-").replace("- ", "-")
            if "-" in surface and not all(self.adjacent(j + k) for k in range(1, size)):
                surface = surface.replace("-", " ")
            spaced = surface.replace("-", " ")
            for candidate in (surface, _singular_phrase(surface), spaced,
                              _singular_phrase(spaced)):
                if candidate in W.UNIT_WORDS:
                    unit = W.UNIT_WORDS[candidate]
                    if unit == "degree":
                        break
                    return unit, j + size
        # "degrees" alone: a temperature in news, unless an angle is meant
        if t.low in ("degree", "degrees"):
            if self.is_word(j + 1, *W.CELSIUS_WORDS):
                return "degree_Celsius", j + 2
            if self.is_word(j + 1, *W.FAHRENHEIT_WORDS):
                return "degree_Fahrenheit", j + 2
            if self.is_word(j + 1, "kelvin"):
                return "kelvin", j + 2
            if self.is_word(j + 1, "of") and self.tok(j + 2) is not None \
                    and self.toks[j + 2].kind == "num":
                return self.degrees(j), j + 1  # "the 101.1 degrees of 2003"
            if self.is_word(j + 1, "of", "turn", "angle", "east", "west", "north", "south",
                            "latitude", "longitude", "incline", "tilt", "rotation"):
                return "degree", j + 1
            return self.degrees(j), j + 1
        # any other unit pint knows by its full name, if that is no common English word
        # ("3 ergs", "12 sieverts"; "27 shots" and "20 league games" are counted nouns)
        word = t.low
        singular = W.IRREGULAR_UNIT_PLURALS.get(word) or _singular(word)
        if len(singular) >= 3 and singular not in W.NOT_UNITS and word not in W.NOT_UNITS \
                and word.isalpha() and (t.text.islower() or t.text.istitle()) \
                and not _common_word(singular):
            found = self.resolve(singular)
            if found is not None and found[0] in (singular, singular.replace("metre", "meter")) \
                    and not found[1].startswith(("[count_", "[currency_")) \
                    and found[0] not in W.PERIODS.values() and found[1] != "[time]":
                return found[0], j + 1
        return None

    def degrees(self, j: int) -> str:
        """What a bare "degrees" means: Celsius in an article that writes Celsius (or
        British "per cent", or from a non-US domain), or when 30-50 degrees is a heatwave;
        else Fahrenheit. A conversion in parentheses right after says which scale it is not:
        "101.3 degrees (38.9 Celsius)" is Fahrenheit, "40 degrees (104F)" Celsius."""
        converted = self._converted_scale(j + 1) or self._sentence_conversion(j)
        if converted is not None:
            return "degree_Fahrenheit" if converted == "degree_Celsius" else "degree_Celsius"
        if self.celsius:
            return "degree_Celsius"
        before = self.tok(j - 1)
        value = _plain_number(before.text) if before is not None and before.kind == "num" \
            else None
        if value is not None and 30 <= value <= 50 and \
                self.sentence_words(j) & _HEAT_WORDS:
            return "degree_Celsius"  # "soared to 40 degrees, the hottest day on record"
        return "degree_Fahrenheit"

    def _sentence_conversion(self, j: int) -> str | None:
        """The scale another bare "degrees" of the sentence is converted to: "101.3 degrees
        (38.9 Celsius) ..., breaking a record of 100.8 degrees" (both Fahrenheit)."""
        lo, hi = self.sentence(j)
        key = ("converted degrees", lo, hi)
        if key not in self.facts:
            self.facts[key] = next(
                (scale for k in range(lo, hi) if self.toks[k].low in ("degree", "degrees")
                 and (scale := self._converted_scale(k + 1)) is not None), None)
        found = self.facts[key]
        return found if isinstance(found, str) else None

    def _converted_scale(self, k: int) -> str | None:
        """The temperature scale of a conversion in parentheses at token ``k``: "(38.9
        Celsius)", "(45C)", "(113 °F)"."""
        if not self.is_text(k, "(") or self.tok(k + 1) is None \
                or self.toks[k + 1].kind != "num":
            return None
        m = k + 2
        if self.is_text(m, "°", "º", "˚"):
            m += 1
        t = self.tok(m)
        if t is None or not self.is_text(m + 1, ")"):
            return None
        if t.low in W.CELSIUS_WORDS:
            return "degree_Celsius"
        if t.low in W.FAHRENHEIT_WORDS:
            return "degree_Fahrenheit"
        return None

    def period(self, j: int) -> tuple[str, int] | None:
        t = self.tok(j)
        if t is None or t.kind != "word":
            return None
        w = t.low
        name = W.PERIODS.get(w) or W.PERIOD_PLURALS.get(w) \
            or W.PERIODS.get(w[:-1] if w.endswith("s") else w)
        if name:
            return name, j + 1
        return None

    def counted_noun(self, j: int, *, allow_singular: bool) -> tuple[str, int, str | None] | None:
        """A counted noun at ``j`` (after up to three modifiers): ``(unit, end, per)``.

        The head is the last noun of the phrase: "8.5 million Windows machines" -> machine,
        "5.9m payments cards" -> card, "3.9 million Xbox One consoles" -> console.
        """
        per: str | None = None
        if "\n" in self.gap(j):
            return None  # a word on the next line is no noun of the figure ("– 1\n\nAsom")
        k = j
        modifiers = 0
        while k < self.n and modifiers <= 3:
            t = self.toks[k]
            if k > j and not (self.gap(k) in (" ", "-") or self.adjacent(k)):
                return None
            if t.kind == "sym" and t.text in DASHES and k > j:
                k += 1
                continue
            if t.kind == "num" and k > j and self.adjacent(k) and self.toks[k - 1].kind == "word":
                k += 1  # "H100 chips"
                continue
            if self._dotted_initials(k):
                k += 4  # "7.8 million U.S. vehicles", "200 U.K. stores"
                modifiers += 1
                continue
            if t.kind != "word" or self.blocked[k] or (
                    t.text[0] in self.lex.prefix_starts and self.prefix_currency(k)):
                return None
            w = t.low
            if k == j and w in W.PER_GAME_ABBR:  # "9.1 ppg": points per game
                noun = self.noun_unit(W.PER_GAME_ABBR[w], allow_singular=False)
                return (noun, k + 1, "game") if noun is not None else None
            back = k - 1 if k == j or self.toks[k - 1].text not in DASHES else k - 2
            name_word = k > j and t.text[:1].isupper() and self.toks[back].text[:1].isupper() \
                and (w in W.ONES or w in W.STOP)  # "Xbox One consoles", "USB-A slots"
            if not name_word and (w in W.STOP or w in W.ONES or w in W.TENS
                                  or w in W.SCALE_WORDS or self.period(k) is not None):
                return None
            phys = None if name_word else self.physical(k)
            if phys is not None:
                return (phys[0], phys[1], per) \
                    if modifiers and t.text.islower() else None  # "412 passing yards"
            if w in W.PERIOD_ADVERBS:
                per = W.PERIOD_ADVERBS[w]
                k += 1
                modifiers += 1
                continue
            nxt = self.tok(k + 1)
            # a two-word unit from the rules: "GPU equivalents" -> GPU_equivalent
            if nxt is not None and nxt.kind == "word" and self.gap(k + 1) == " ":
                pair = f"{t.text}_{_singular(nxt.text)}"
                found = self.resolve(pair)
                if found and found[1].startswith("[count_"):
                    return found[0], k + 2, per
            if allow_singular and modifiers == 0 and not _is_plural(t.text) \
                    and nxt is not None and nxt.kind == "word" and self.gap(k + 1) == " " \
                    and nxt.text.islower() and nxt.low not in W.STOP \
                    and nxt.low not in W.ADVERBS_AFTER_NOUN \
                    and not nxt.low.endswith(("ed", "ing", "ly")) \
                    and self.period(k + 1) is None and not _is_plural(nxt.text):
                modifiers += 1  # "one complete orbit": an adjective, then the noun
                k += 1
                allow_singular = True
                continue
            unit = None if name_word else self.noun_unit(
                t.text, allow_singular=allow_singular and (modifiers == 0 or allow_singular))
            if unit is not None and nxt is not None and nxt.text in DASHES \
                    and self.adjacent(k + 1) and self.tok(k + 2) is not None \
                    and self.toks[k + 2].kind == "word" and self.adjacent(k + 2):
                unit = None  # "data-center GPUs": a compound modifier, not the noun
            if unit is not None:
                # the head noun comes last: "Windows machines" (a name, then the noun),
                # "data breaches", "payments cards" (a noun used as a modifier)
                if nxt is not None and nxt.kind == "word" and self.gap(k + 1) == " " \
                        and nxt.text.islower() and nxt.low not in W.STOP \
                        and self.period(k + 1) is None and self.physical(k + 1) is None \
                        and (t.text[:1].isupper() and not t.text[:-1].isupper()
                             or w in W.MODIFIER_NOUNS and _is_plural(nxt.text)):
                    head = self.noun_unit(nxt.text, allow_singular=False)
                    if head is not None:
                        return head, k + 2, per
                return unit, k + 1, per
            modifiers += 1
            k += 1
        return None

    def scale_point(self, found: Found, j: int) -> bool:
        """Read ``found`` as a point on a measuring scale (:data:`W.SCALE_NOUNS`) when the
        scale's noun is written singular right after the number ("a 6.3 magnitude quake"),
        names it before ("magnitude 6.4", "magnitude-6.4", "a magnitude of 6.3": the span
        then starts at the noun) or the number is "on the Richter scale"; the unit is that
        noun's count. ``j``: the token after the number."""
        toks = self.toks
        after = self.tok(j)
        noun: str | None = None
        end = j
        if after is not None and after.kind == "word" and after.text.islower() \
                and after.low in W.SCALE_NOUNS and not self.adjacent(j):
            noun, end = after.low, j + 1
        elif self.is_word(j, "on") and self.is_word(j + 1, "the") \
                and self.tok(j + 2) is not None and toks[j + 2].low in W.NAMED_SCALES \
                and self.is_word(j + 3, "scale"):
            noun, end = W.NAMED_SCALES[toks[j + 2].low], j + 4
        start = found.i
        if noun is None and found.i == found.num.i:
            k = found.i - 1
            if k >= 0 and (toks[k].text in DASHES and self.adjacent(found.i)
                           and self.adjacent(k) or toks[k].low == "of"):
                k -= 1  # "magnitude-6.4", "a magnitude of 6.3"
            if k >= 0 and toks[k].kind == "word" and toks[k].low in W.SCALE_NOUNS \
                    and not self.blocked[k]:
                noun, start = toks[k].low, k
        if noun is None:
            return False
        unit = self._count_unit(noun)
        if unit is None:
            return False
        found.kind, found.unit, found.i, found.j = "count", unit, start, end
        return True

    def _dotted_initials(self, k: int) -> bool:
        """Two dotted initials at ``k`` ("U.S.", "U.K.") before a lower-case word."""
        toks = self.toks
        return k + 4 < self.n and all(
            len(toks[k + m].text) == 1 and toks[k + m].text.isupper() for m in (0, 2)) \
            and all(toks[k + m].text == "." and self.adjacent(k + m) for m in (1, 3)) \
            and self.adjacent(k + 2) and toks[k + 4].kind == "word" \
            and toks[k + 4].text.islower() and self.gap(k + 4) == " "

    def noun_unit(self, word: str, *, allow_singular: bool) -> str | None:
        """The count unit for a counted noun, or ``None`` when ``word`` is not one.

        Plural nouns qualify ("GPUs", "accounts", "vertebrae"); so do nouns that the rules
        alias ("people" -> person, "staff" -> employee) and nouns whose plural is the
        singular ("species"). A singular noun qualifies only after "1".
        """
        lower = word.lower()
        irregular = W.IRREGULAR_PLURALS.get(lower)
        plural = irregular is not None or _is_plural(word)
        if not plural:
            found = self.resolve(lower)
            alias = found is not None and found[1].startswith("[count_") and (
                found[0].lower() != lower or lower in W.INVARIANT_NOUNS)
            if word.islower() and alias and found is not None:
                return found[0]
            if word.islower() and lower in W.INVARIANT_NOUNS:
                return self._count_unit(lower)
            if not allow_singular:
                return None
        found = self.resolve(word)
        if found and found[1].startswith("[count_") and plural:
            return found[0]
        singular = irregular or (_singular(word) if plural else word)
        if not singular.isupper():
            singular = singular.lower()
        return self._count_unit(singular)

    def _count_unit(self, singular: str, *, compound: bool = False) -> str | None:
        found = self.resolve(singular)
        if found and found[1].startswith("[count_"):
            return found[0]
        if len(singular) < 2 or not re.fullmatch(r"[A-Za-z]+(?:_[A-Za-z]+)?" if compound
                                                 else r"[A-Za-z]+", singular):
            return None
        name = singular if found is None else f"{singular}_count"
        try:
            unit = ensure_unit(self.registry, name)
        except (pint.errors.PintError, ValueError, TypeError):
            return None
        self._unit_cache = self.lex.memo.for_registry(self.registry)  # it gained a unit
        return unit

    # -- rates -------------------------------------------------------------------------
    def rate(self, j: int, found: Found, last_count: str | None) -> int:
        """Read rate denominators after token ``j`` into ``found.per``; return the new end."""
        while j < self.n:
            t = self.toks[j]
            if t.text == "-" and self.adjacent(j) and self.is_word(j + 1, "a", "an") \
                    and self.adjacent(j + 1) and self.is_text(j + 2, "-") \
                    and self.adjacent(j + 2) and self.adjacent(j + 3):
                # "a 12-cent-a-share dividend", "a $1.50-a-share payout", "a $5-a-day fee"
                p = self.period(j + 3) or self.per_unit(j + 3, singular_only=True)
                if p:
                    found.per.append(p[0])
                    j = p[1]
                    continue
            if t.text == "/" and self.tok(j + 1) is not None and self.gap(j + 1) in ("", " "):
                p = self.period(j + 1) or self.per_unit(j + 1)
                if p:
                    found.per.append(p[0])
                    j = p[1]
                    continue
                break
            if t.low == "per":
                if self.is_word(j + 1, "cent", "centum"):
                    break
                if self.is_word(j + 1, "annum"):
                    found.per.append("year")
                    j += 2
                    continue
                if self.is_word(j + 1, "capita", "head", "person"):
                    found.per.append(self.noun_unit("person", allow_singular=True) or "person")
                    j += 2
                    continue
                k = j + 1
                if self.is_word(k, "a", "an", "each", "every", "one"):
                    k += 1
                money = self.currency_after(k, Num(k, k, 1.0, scale_word="per"))
                if money is not None and money[0] == money[1]:
                    found.per.append(money[0])  # "151.8 yen per dollar"
                    j = money[2]
                    continue
                p = self.period(k) or self.per_unit(k)
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
            if t.low in ("each", "every") and found.unit in _TEMPERATURE_UNITS:
                break  # "past 33°C each day": a level reached day after day, not a rate
            if t.low in ("a", "an", "each", "every") and self.tok(j + 1) is not None:
                p = self.period(j + 1)
                if p and not self.is_word(p[1], "ago", "earlier", "later", "old") \
                        and not (self.is_word(p[1], "from") and self.is_word(p[1] + 1, "now")):
                    found.per.append(p[0])
                    j = p[1]
                    continue
                if p:
                    break  # "$6.63 billion a year ago": a time reference, not a rate
                if t.low in ("a", "an") and found.kind in ("money", "count", "physical", "bare") \
                        and self.tok(j + 1) is not None and self.toks[j + 1].kind == "word" \
                        and not self.is_word(j + 2, "of"):
                    p = self.per_unit(j + 1, singular_only=True)
                    if p:
                        found.per.append(p[0])
                        j = p[1]
                        continue
                break
            if t.low in W.PERIOD_ADVERBS and not self.adjacent(j) \
                    and not self.is_word(j + 1, *_STATISTIC_NOUNS):
                found.per.append(W.PERIOD_ADVERBS[t.low])
                j += 1
                continue
            if t.low == "in" and self.is_word(j + 1, "annual", "monthly", "yearly", "quarterly",
                                              "weekly", "daily"):
                found.per.append(W.PERIOD_ADVERBS[self.toks[j + 1].low])
                j += 2
                noun = self.tok(j)
                if noun is not None and noun.kind == "word" and noun.text.islower() \
                        and noun.low not in W.STOP and self.gap(j) == " ":
                    j += 1
                continue
            break
        return j

    def per_unit(self, j: int, *, singular_only: bool = False) -> tuple[str, int] | None:
        p = self.physical(j)
        if p:
            return p
        t = self.tok(j)
        if t is not None and t.low == "over" and self.is_word(j - 1, "per"):
            unit = self._count_unit("over")  # cricket: "2.73 runs per over"
            return (unit, j + 1) if unit else None
        if t is None or t.kind != "word" or t.low in W.STOP or t.low in W.SCALE_WORDS \
                or t.low in W.ONES or t.low in W.TENS or t.low == "hundred":
            return None
        if singular_only and (_is_plural(t.text) or not t.text.islower()
                              or t.low in W.NOT_PLURAL):
            return None
        # "per Troy ounce", "per cubic cm": an adjective before the unit
        nxt = self.tok(j + 1)
        if nxt is not None and self.gap(j + 1) == " " and nxt.kind == "word":
            two = self.physical(j + 1)
            if two and t.text[:1].isupper():
                both = W.UNIT_WORDS.get(f"{t.low} {nxt.low}")
                return (both or two[0]), two[1]
        unit = self.noun_unit(t.text, allow_singular=True)
        return (unit, j + 1) if unit else None

    # -- prefixes ------------------------------------------------------------------------
    def is_identifier(self, i: int, money: bool, num: Num) -> bool:
        """Versions, model names, ranks and list markers: "Grok 5", "GPT-4", "S-1", "#1"."""
        prev = self.tok(i - 1)
        if prev is None:
            return False
        if prev.kind == "word" and self.adjacent(i) and not money and not (
                prev.text == "c" and self.hedge_before(i) is not None):
            return True  # "Q3", "H100", "v4" (not "c1.84%": circa)
        if prev.text == "^" and self.adjacent(i):
            return True  # "10^1000"
        if prev.kind == "sym" and prev.text == "." and self.adjacent(i) \
                and self.tok(i - 2) is not None and self.toks[i - 2].kind == "num":
            return True  # "4.3.1"
        nxt = self.tok(num.i + 1)
        if nxt is not None and nxt.text == "." and self.adjacent(num.i + 1) \
                and self.tok(num.i + 2) is not None and self.toks[num.i + 2].kind == "num" \
                and self.adjacent(num.i + 2):
            return True
        if prev.text in DASHES and prev.text != "—" and self.adjacent(i) \
                and self.tok(i - 2) is not None \
                and self.toks[i - 2].kind == "word" and self.adjacent(i - 1) \
                and self.toks[i - 2].low not in W.SIGN_WORDS \
                and self.toks[i - 2].low not in W.SCALE_NOUNS \
                and self.toks[i - 2].low not in ("to", "and", "or", "from", "between"):
            return True  # "GPT-4", "S-1", "COVID-19" (not "150,000 to-180,000", not a
            # point of a scale: "magnitude-6.4")
        if money:
            return False
        if prev.text == "#":
            return True
        if prev.text == "." and self.is_word(i - 2, "no"):
            return True
        if prev.kind == "word" and prev.low in W.IDENTIFIER_WORDS and not (
                prev.low in ("day", "week") and prev.text.islower()
                and not self.is_word(i - 2, "on", "in", "of", "by", "from", "until", "since")):
            return prev.low not in ("day", "week") or prev.text[:1].isupper() \
                or self.is_word(i - 2, "on", "in", "of", "by", "from", "until", "since")
        literal = num.literal
        nxt_word = self.tok(num.j)
        if prev.kind == "word" and any(c.isupper() for c in prev.text[1:]) \
                and prev.text[:1].islower() and num.scale_word is None \
                and re.fullmatch(r"\d{1,4}", literal):
            return True  # "iPhone 15", "eBay 2"
        if prev.kind == "word" and prev.text[:1].isupper() and nxt_word is not None \
                and nxt_word.kind == "sym" and nxt_word.text in DASHES \
                and self.adjacent(num.j) and self.tok(num.j + 1) is not None \
                and self.toks[num.j + 1].kind == "num":
            return False  # "the Celtics 118-112": a score line, read by range_end
        if self._gapped_count(i, num):
            return False  # "the BJP winning 240 seats and the Congress 99."
        if prev.kind == "word" and "\n" in self.text and list_entry(
                self.text, self.toks[num.i].start, self.toks[num.j - 1].end) is not None:
            return False  # a table's row under its header: "Alliance Won NDA 292 INDIA 234"
        if prev.kind == "word" and prev.text[:1].isupper() and num.scale_word is None \
                and re.fullmatch(r"\d{1,4}(?:\.\d)?", literal) \
                and prev.text not in W.CAPITALISED_FUNCTION_WORDS \
                and not prev.low.endswith(("'s", "’s")) \
                and prev.low not in MONTHS and not self.percent(num.j) \
                and not self._unit_follows(num.j) and not prev.text.isupper() \
                and not self._range_with_unit(num.j) or (
                    prev.kind == "word" and prev.text.isupper() and len(prev.text) > 1
                    and num.scale_word is None and re.fullmatch(r"\d{1,4}", literal)
                    and prev.text not in self.lex.codes and not self.percent(num.j)
                    and not self._unit_follows(num.j) and not self._range_with_unit(num.j)):
            return True  # "Grok 5", "Colossus 1", "Windows 11", "S&P 500", "IP 67"
        if prev.kind == "word" and prev.text[:1].isupper() and self.is_text(i - 2, "&") \
                and num.scale_word is None:
            return True  # "S&P 500"
        return False

    def _gapped_count(self, i: int, num: Num) -> bool:
        """A number after a name at the end of a gapped clause ("winning 240 seats and the
        Congress 99."): "and" (or "while", "but", a comma), maybe "the", up to four capitalised
        words, the number, the clause's end; and a number earlier in the sentence."""
        nxt = self.tok(num.j)
        if nxt is not None and nxt.text not in GAP_ENDS:
            return False
        k = i - 1
        while k >= 0 and i - k <= GAP_NAME_WORDS and self.toks[k].kind == "word" \
                and self.toks[k].text[:1].isupper():
            k -= 1
        if k == i - 1:
            return False
        if self.is_word(k, "the"):
            k -= 1
        if not (self.is_word(k, *GAP_LINKS) or self.is_text(k, *GAP_COMMAS)):
            return False
        lo, _ = self.sentence(k)
        return any(self.toks[m].kind == "num" for m in range(lo, k))

    def _range_with_unit(self, j: int) -> bool:
        """ "to 2.5 inches", "TO 3 INCHES" at ``j``: the number before is the first end of a
        range ("Widespread 1.5 to 2.5 inches"), not a model number."""
        return self.is_word(j, "to") and self.tok(j + 1) is not None \
            and self.toks[j + 1].kind == "num" and self._unit_follows(j + 2)

    def _unit_follows(self, j: int) -> bool:
        t = self.tok(j)
        if t is None or t.kind != "word":
            return False
        return self.physical(j) is not None or self.period(j) is not None

    def hedge_before(self, i: int) -> tuple[Hedge, int] | None:
        """A hedge ending right before token ``i``: ``(hedge, first token)``."""
        prev = self.tok(i - 1)
        if prev is None:
            return None
        for hedge in self.lex.hedges_before.get(prev.low, ()):
            k = i - len(hedge.words)
            if k < 0:
                continue
            if all(self.toks[k + m].low == w for m, w in enumerate(hedge.words)) and not any(
                    "\n" in self.gap(k + m) for m in range(1, len(hedge.words) + 1)):
                if hedge.words[-1] in ("c", "ca") and not (self.adjacent(i) or
                                                           self.is_text(i - 1, ".")):
                    continue
                if hedge.words == ("c",) and not self.adjacent(i):
                    continue
                if len(hedge.words) == 1 and hedge.words[0] in ("near", "some") \
                        and self.is_word(k - 1, "the", "in", "for", *(
                            ("a",) if hedge.words[0] == "some" else ())):
                    continue  # "the near 2 dams" is rare; "in some 5 cases"
                return hedge, k
        return None

    def hedge_after(self, j: int) -> tuple[Hedge, int] | None:
        """A hedge starting at token ``j``: ``(hedge, end)``; "+" and "-ish" glued only."""
        t = self.tok(j)
        if t is None:
            return None
        k0 = j
        if t.text in DASHES and self.adjacent(j) and self.is_word(j + 1, "plus", "odd") \
                and self.adjacent(j + 1):
            k0 = j + 1  # "100-plus", "40-odd"
        first = self.toks[k0].low
        for hedge in self.lex.hedges_after.get(first, ()):
            end = k0 + len(hedge.words)
            if end > self.n:
                continue
            if all(self.toks[k0 + m].low == w for m, w in enumerate(hedge.words)):
                if hedge.words[0] in ("+", "-") and not self.adjacent(k0):
                    continue
                if hedge.words[0] in ("plus", "odd") and k0 == j:
                    continue  # "5 plus 3": only "100-plus", "40-odd"
                if any("\n" in self.gap(k0 + m) for m in range(0, len(hedge.words))):
                    continue
                if hedge.words in (("at", "least"), ("at", "most")) and \
                        not self.is_text(end, ",", ".", ")", ";"):
                    continue
                return hedge, end
        return None

    def sign_before(self, i: int) -> int | None:
        """A minus or plus sign right before token ``i`` (a number or a currency prefix):
        the sign's token index. "-1.29%", "(-2.8%)", "+11.7%", "minus-7 yards", "$-99.99"."""
        prev = self.tok(i - 1)
        if prev is None:
            return None
        if prev.low == "minus" and self.is_word(i - 2, "or") and self.is_word(i - 3, "plus"):
            return None  # "plus or minus 5 million light-years": a margin, not negative
        if prev.kind == "word" and prev.low in ("minus", "negative") and \
                (self.gap(i) == " " or self.gap(i) == ""):
            return i - 1
        if prev.kind == "word" and prev.low in ("minus",):
            return i - 1
        if prev.kind == "sym" and prev.text in DASHES and self.is_word(i - 2, "minus") \
                and self.adjacent(i - 1) and self.adjacent(i):
            return i - 2  # "minus-7"
        if prev.kind == "sym" and (prev.text in _MINUS or prev.text == "+") and self.adjacent(i):
            before = self.tok(i - 2)
            if before is None or not self.adjacent(i - 1) or before.text in ("(", "[", "/") \
                    or (before.kind == "sym" and before.text not in DASHES
                        and before.text not in ("%", ".", ",")):
                return i - 1
        return None

    # -- one quantity --------------------------------------------------------------------
    def core(self, i: int, last_count: str | None, *, second: int | bool = False
             ) -> Found | None:
        """Parse ``[sign] [currency] [sign] number [scale] [unit]`` at ``i`` (no range, no
        rate)."""
        currency: str | None = None
        start = i
        pre = self.prefix_currency(i)
        if pre:
            currency, i = pre
        sign_i = None
        if currency is not None and self.tok(i) is not None and self.toks[i].text in _MINUS \
                and self.adjacent(i + 1):
            sign_i, i = i, i + 1  # "$-99.99"
        num = self.number(i)
        if num is None and not currency and self.is_word(i, "a", "an", "one") \
                and (self.is_word(i - 1, *W.ATTACH_OVER, "for", "within", "than", "of", "in",
                                  "over") or self.hedge_before(i) is not None) \
                and self.period(i + 1) is not None:
            num = Num(i, i + 1, 1.0, words=True, precision=0.5)  # "over a decade"
        if num is None and not currency and self.is_word(i, "a", "an", "one") \
                and self.tok(i + 1) is not None and self.toks[i + 1].kind == "word" \
                and self.physical(i + 1) is not None \
                and not self.is_word(i - 1, "of", "per", "each", "every") \
                and self.toks[i + 1].low not in ("degree", "deg") \
                and not (self.toks[i + 1].low in ("foot", "pound", "mile", "inch", "yard")
                         and not self.is_word(i - 1, "weighed", "weighs", "weigh", "over",
                                              "than", "about", "nearly", "almost", "just")
                         and not self.is_word(i + 2, "of") and self.toks[i].low != "one"):
            num = Num(i, i + 1, 1.0, words=True, precision=0.5)  # "weighed a tonne"
        if num is None and not currency and self.is_word(i, "a", "one") \
                and self.tok(i + 1) is not None and self.toks[i + 1].kind == "word" \
                and self.toks[i + 1].low in ("penny", "cent", "dollar", "euro", "pound", "yen"):
            num = Num(i, i + 1, 1.0, words=True, precision=0.5)  # "up a penny"
        if num is None:
            return None
        if num.words and currency and num.fraction:
            return None
        if self.is_word(start - 1, "in") and self.tok(start - 2) is not None and (
                self.toks[start - 2].kind == "num" or self.toks[start - 2].low in W.ONES):
            return None  # odds and ratios: "one in five adults", "1 in 292.2 million"
        if not num.words and self.is_identifier(num.i, currency is not None, num):
            return None
        if not currency and not second and self.is_text(num.i - 1, *DASHES) \
                and self.adjacent(num.i) \
                and self.tok(num.i - 2) is not None and self.toks[num.i - 2].kind == "num" \
                and self.adjacent(num.i - 1):
            return None  # the second half of "118-112" (a score line), or of "3-2"
        if num.scale_word is None and self.is_word(num.j, *W.ONES) \
                and self.is_text(num.j + 1, *DASHES) and self.adjacent(num.j + 2) \
                and self.adjacent(num.j + 1) and self.tok(num.j + 2) is not None \
                and self.toks[num.j + 2].kind == "word" and _is_plural(self.toks[num.j + 2].text):
            unit = self._count_unit(
                f"{self.toks[num.j].low}_{_singular(self.toks[num.j + 2].low)}", compound=True)
            if unit is not None:  # "8 three-pointers"
                found = Found(start, num.j + 3, num, kind="count", unit=unit)
                return found
        if currency is None:
            sign_i = self.sign_before(num.i)
            if second is not False and sign_i is not None and dash_range(self, sign_i):
                sign_i = None  # "1500 - 1800": the range's dash, not a minus sign
            if sign_i is not None and self.prefix_currency(sign_i + 1) is None:
                start = sign_i
            elif sign_i is not None:
                sign_i = None
        elif sign_i is None:
            before = self.sign_before(start)
            if before is not None:
                sign_i, start = before, before  # "-$5 million"
        found = Found(start, num.j, num, currency=currency, sign_i=sign_i)
        j = num.j
        nxt = self.tok(j)
        post = self.hedge_after(j)  # "10,000+ users", "a dozen or so stores", "50 or more GPUs"
        if post is not None and post[0].words not in (("at", "least"), ("at", "most")) \
                and (post[0].words[-1] in ("+", "plus", "odd", "ish")
                     or self._unit_or_noun_at(post[1])):
            found.hedge, j = post[0], post[1]
            found.bound = post[0].rule.bound
            nxt = self.tok(j)
        glued_word = nxt is not None and self.adjacent(j) and nxt.kind == "word" \
            and not num.words and found.hedge is None
        if currency:
            found.kind, found.unit = "money", currency
            if glued_word and num.scale_word is None and not self._scale_glued(j):
                return None  # "$5G"
            found.j = j
            return found
        if nxt is not None and self.adjacent(j) and not num.words and (
                nxt.kind == "num" or nxt.text == "^"):
            return None  # "1e999", "10^1000"
        if num.fraction:
            found.kind, found.unit, found.j = "percent", "percent", j
            return found
        if num.literal == "half-unit":
            phys = self.physical(j + 1)
            if phys is not None:
                found.kind, found.unit, found.j = "physical", phys[0], phys[1]
                return found
        if num.literal == "of-unit":
            phys = self.physical(j + 2)
            if phys is not None:
                found.kind, found.unit, found.j = "physical", phys[0], phys[1]
                return found
        if not num.words and self.is_word(j, *W.FRACTIONS) and self.is_word(j + 1, "of") \
                and self.is_word(j + 2, "a", "an") and self.physical(j + 3) is not None \
                and num.value is not None:
            phys = self.physical(j + 3)
            assert phys is not None
            num.value = tidy(num.value * W.FRACTIONS[self.toks[j].low])
            num.precision = None
            found.kind, found.unit, found.j = "physical", phys[0], phys[1]
            return found  # "32 billionths of a meter"
        if not num.words and self.is_text(j, *DASHES) and self.is_word(j + 1, "to") \
                and self.is_text(j + 2, *DASHES) and self.tok(j + 3) is not None \
                and self.toks[j + 3].kind == "num" and self.adjacent(j + 3) \
                and num.value is not None:
            try:
                other = float(self.toks[j + 3].text.replace(",", ""))
            except ValueError:
                other = 0.0
            if other > 0:
                num.value = tidy(num.value / other)
                found.kind, found.unit, found.j = "ratio", "dimensionless", j + 4
                return found  # "2-to-1"
        if num.literal == "fraction" or (num.words and num.value is not None
                                         and 0 < num.value < 1 and not num.fraction
                                         and self.physical(j) is None):
            found.kind, found.unit, found.j = "bare", "dimensionless", j
            return found
        if num.words and self.toks[num.i].low in ("twice", "thrice"):
            found.kind, found.unit, found.j = "multiple", \
                self.noun_unit("times", allow_singular=False) or "time", j
            return found
        minor = self.minor_glued(j, num, None) if glued_word else None
        if minor:
            code, unit = minor
            found.kind, found.unit, found.currency, found.j = "money", unit, code, j + 1
            return found
        # compound adjectives: "three-year", "300-megawatt", "17-point", "30-share"
        hyphen = nxt is not None and nxt.text in DASHES and self.adjacent(j) \
            and self.tok(j + 1) is not None and self.toks[j + 1].kind == "word" \
            and self.adjacent(j + 1)
        if hyphen:
            return self.compound(found, j + 1)
        if glued_word and nxt is not None and nxt.text == "s" and num.value is not None \
                and num.literal.isdigit() and num.value % 10 == 0 and 10 <= num.value <= 190 \
                and (self.tok(j + 1) is None or not self.adjacent(j + 1)
                     or self.toks[j + 1].kind == "sym"):
            found.kind, found.unit, found.j = "bare", "dimensionless", j + 1
            found.num.vague, found.num.low, found.num.high = True, num.value, num.value + 10
            found.num.value = None
            return found  # "the upper 90s", "in their 30s"
        if glued_word and num.scale_word is None:
            phys = self.physical(j)
            if phys:
                found.kind = "duration" if phys[0] in W.PERIODS.values() else "physical"
                found.unit, found.j = phys
                self.feet_and_inches(found)
                return found
            pct = self.percent(j)
            if pct:
                found.kind, found.unit, found.j = "percent", pct[0], pct[1]
                return found
            cur = self.currency_after(j, num)
            if cur:
                found.kind, found.currency, found.unit, found.j = "money", cur[0], cur[1], cur[2]
                return found
            span = self.period(j)
            if span and len(self.toks[j].text) >= 4 and self.toks[j].text.islower():
                found.kind, found.unit, found.j = "duration", span[0], span[1]
                return found  # "in the last 24hours", "a 10years deal"
            return None  # "5G", "H100s", "3x": not amounts
        if self.is_word(j, *_EXTRA_WORDS) and self.tok(j + 1) is not None \
                and self.toks[j + 1].kind == "word" and self._unit_or_noun_at(j + 1):
            j += 1  # "10 more years", "2 more shelters", "12 straight games"
        pct = self.percent(j)
        if pct is not None:
            found.kind, found.unit, found.j = "percent", pct[0], pct[1]
            return found
        # currency words after the number: "5 billion dollars", "300 euros", "10 USD"
        cur = self.currency_after(j, num)
        if cur:
            found.kind, found.currency, found.unit, found.j = "money", cur[0], cur[1], cur[2]
            return found
        phys = self.physical(j)
        if phys and phys[0] == "penny":
            phys = None
        if phys:
            found.kind = "duration" if phys[0] in W.PERIODS.values() else "physical"
            found.unit, found.j = phys
            self.feet_and_inches(found)
            return found
        per = self.period(j)
        if per:
            found.kind, found.unit, found.j = "duration", per[0], per[1]
            return found
        # counted nouns: "555,000 Nvidia GPUs", "tens of thousands of chips", "300 staff"
        k = j
        if (num.vague or num.scale_word and num.words) and self.is_word(j, "of"):
            cur = self.currency_after(j + 1, num)
            if cur:
                found.kind, found.currency, found.unit, found.j = \
                    "money", cur[0], cur[1], cur[2]
                return found
            k = j + 1
            if self.is_word(k, "the", "these", "those", "its", "their"):
                k += 1
            unit_after = self.period(k) or self.physical(k)
            if unit_after is not None and num.vague:
                found.kind = "duration" if self.period(k) else "physical"
                found.unit, found.j = unit_after
                return found  # "hundreds of millions of years"
        if self.tok(k) is not None and self.toks[k].text in ('"', "”", "’", "'") \
                and self.adjacent(k):
            k += 1
        if self.is_word(k, "times") and self.is_word(k + 1, *W.MULTIPLIER_NEXT):
            found.kind, found.unit, found.j = "multiple", "dimensionless", k + 1
            return found
        if not num.words and not num.scale_word and not num.vague and self.scale_point(found, k):
            return found  # "a magnitude 6.4 quake", "6.3 on the Richter scale"
        counted = self.counted_noun(k, allow_singular=(num.value == 1 and not num.words
                                                       or num.value == 1 and
                                                       self.toks[num.i].low == "one"))
        if counted:
            unit, end, per_word = counted
            found.kind, found.unit, found.j = "count", unit, end
            if per_word:
                found.per.append(per_word)
            return found
        found.kind, found.unit, found.j = "bare", "dimensionless", j
        return found

    def _unit_or_noun_at(self, j: int) -> bool:
        t = self.tok(j)
        if t is None or t.kind != "word" or t.low in W.STOP:
            return False
        return self.physical(j) is not None or self.period(j) is not None \
            or self.percent(j) is not None or _is_plural(t.text)

    def _scale_glued(self, j: int) -> bool:
        t = self.tok(j)
        return t is not None and (t.text in W.SCALE_ABBR or t.low in self.lex.minor_glued)

    def compound(self, found: Found, k: int) -> Found | None:
        """A number-hyphen-word compound: "three-year", "300-megawatt", "17-point lead",
        "30-share index", "8-speed gearbox", "46-million-year-old"."""
        scale = self.toks[k].low
        if scale in W.SCALE_WORDS and found.num.value is not None and found.num.scale == 1.0:
            found.num.value = tidy(found.num.value * W.SCALE_WORDS[scale])
            found.num.scale, found.num.scale_word = W.SCALE_WORDS[scale], self.toks[k].text
            if found.num.precision is not None:
                found.num.precision = tidy(found.num.precision * found.num.scale)
            found.j = k + 1
            if self.is_text(k + 1, *DASHES) and self.adjacent(k + 1) and \
                    self.tok(k + 2) is not None and self.toks[k + 2].kind == "word" \
                    and self.adjacent(k + 2):
                return self.compound(found, k + 2)
            found.kind, found.unit = "bare", "dimensionless"
            return found
        phys = self.physical(k)
        per = self.period(k)
        if per and not phys:
            phys = per
        if phys:
            found.kind = "duration" if per else "physical"
            found.unit, found.j = phys[0], phys[1]
            # "5-foot-10"
            if phys[0] == "foot" and self.is_text(found.j, *DASHES) \
                    and self.tok(found.j + 1) is not None \
                    and self.toks[found.j + 1].kind == "num" and self.adjacent(found.j + 1):
                inches = _plain_number(self.toks[found.j + 1].text)
                if found.num.value is not None and inches is not None and inches < 12:
                    found.num.value += inches / 12
                    found.j += 2
            return found
        t = self.toks[k]
        money = self.currency_after(k, found.num) if t.text.islower() else None
        if money is not None and money[2] == k + 1:
            found.kind, found.currency, found.unit, found.j = "money", money[0], money[1], k + 1
            return found  # "a 1-yen rise", "a 50-euro fine", "a 30-cent fee"
        if t.text.islower() and t.low not in W.STOP and t.low not in _NOT_COMPOUND_NOUNS \
                and not t.low.endswith(("ly", "ing")) and len(t.low) >= 3 \
                and not self.is_text(k + 1, *DASHES) and t.low not in W.FRACTIONS:
            unit = self._count_unit(W.IRREGULAR_PLURALS.get(t.low) or t.low)
            if unit is not None:
                found.kind, found.unit, found.j = "count", unit, k + 1
                return found
        if self.is_text(k + 1, *DASHES) and self.is_word(k + 2, "old") \
                and t.low in ("year", "month", "week", "day"):
            found.kind, found.unit, found.j = "duration", W.PERIODS[t.low], k + 1
            return found
        return None

    def feet_and_inches(self, found: Found) -> None:
        """ "6ft 3in", "6 feet 2 inches": one length, in feet."""
        if found.unit != "foot" or found.num.value is None:
            return
        j = found.j
        t = self.tok(j)
        if t is None or t.kind != "num" or self.gap(j) != " ":
            return
        inch = self.physical(j + 1)
        if inch is None and self.is_word(j + 1, "in", "inch", "inches") and (
                self.adjacent(j + 1) or self.is_word(j + 1, "inch", "inches")):
            inch = ("inch", j + 2)
        if inch is None or inch[0] != "inch":
            return
        inches = _plain_number(t.text)
        if inches is not None and inches < 12:
            found.num.value += inches / 12
            found.j = inch[1]

    # -- whole quantities, with ranges ---------------------------------------------------
    def quantities(self) -> Iterator[Found]:
        i = 0
        last_count: str | None = None
        toks = self.toks
        starts = self.lex.prefix_starts
        while i < self.n:
            t = toks[i]
            if t.kind == "sym" and t.text[0] not in starts and t.text not in W.VULGAR_FRACTIONS \
                    or t.kind == "word" and t.low not in _OPENING_WORDS \
                    and t.text[0] not in starts and t.text not in self.lex.codes \
                    or t.kind != "num" and not self._may_open(i, t):
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

    def _may_open(self, i: int, t: Tok) -> bool:
        """A cheap test before core(): a word or symbol opens a figure only as a number word,
        or as a currency spelling with a number right after it ("a" only before a scale,
        fraction, period, unit or minor-unit word)."""
        if t.kind == "word" and t.low in ("a", "an"):
            nxt = self.tok(i + 1)
            if nxt is not None and nxt.kind == "word" and (
                    nxt.low in _AFTER_A or self.period(i + 1) is not None
                    or self.physical(i + 1) is not None):
                return True
        elif t.kind == "word" and t.low in _OPENING_WORDS or t.text in W.VULGAR_FRACTIONS:
            return True
        for k in range(i + 1, min(i + 4, self.n)):  # a currency spelling: a number follows
            if self.toks[k].kind == "num":
                return self.toks[k].start - t.end <= 6
        return False

    def extend(self, first: Found, last_count: str | None) -> Found:
        """Add hedges, the second end of a range, rates and the value interval."""
        num = first.num
        value = num.value
        if first.sign_i is not None and value is not None and \
                self.toks[first.sign_i].text != "+" and \
                self.toks[first.sign_i].low not in ("plus",):
            value = -value
        first.value = value
        first.low, first.high = (num.low, num.high) if num.vague else (value, value)
        first.precision, first.suspect = num.precision, num.suspect
        if num.vague:
            first.bound = "vague"
        between = False
        from_range = False
        hedge = self.hedge_before(first.i)
        if hedge is None and self.is_word(first.i - 1, "between"):
            between = True
        elif hedge is None and self.is_word(first.i - 1, "from") and self._range_verb(first.i - 1):
            from_range = True
        second = self.range_end(first, between=between, from_range=from_range)
        if second is not None:
            first = second
        else:
            if first.hedge is not None and hedge is None:  # "10,000+ users" (see core)
                hedge = (first.hedge, first.i)
            if hedge is not None and first.bound in ("exact", "vague", "at_least"):
                first.hedge = hedge[0]
                if first.bound == "exact":
                    first.bound = hedge[0].rule.bound
                first.i = min(first.i, hedge[1])
        if first.bound == "at_least" and first.value is not None:
            first.low, first.high = first.value, None
        elif first.bound == "at_most" and first.value is not None:
            first.low, first.high = None, first.value
        if first.kind in ("money", "count", "bare", "physical", "percent", "duration"):
            first.j = self.rate(first.j, first, last_count)
            # "55 billion cubic metres of gas a year", "150 minutes of exercise a week"
            if not first.per and self.is_word(first.j, "of"):
                for skip in (2, 3):
                    words = self.toks[first.j + 1:first.j + skip]
                    if all(w.kind == "word" and w.text.islower() and w.low not in W.STOP
                           for w in words) and len(words) == skip - 1:
                        end = self.rate(first.j + skip, first, None)
                        if first.per:
                            first.j = end
                            break
        # hedges after the unit: "300 GPUs or more", "a dozen or so"
        after = self.hedge_after(first.j)
        if after is not None and first.value is not None and (
                first.bound == "exact" or first.bound == "approx"
                and after[0].rule.bound != "approx") \
                and after[0].words[0] not in ("+", "plus", "odd", "-"):
            first.hedge = after[0]
            first.bound = after[0].rule.bound
            first.j = after[1]
            if first.bound == "at_least":
                first.low, first.high = first.value, None
            elif first.bound == "at_most":
                first.low, first.high = None, first.value
        return first

    def _clause_before(self, i: int, reach: int) -> list[str]:
        """The lower-case words of up to ``reach`` tokens before ``i``, back to the nearest
        clause mark."""
        words: list[str] = []
        for k in range(i - 1, max(-1, i - reach - 1), -1):
            t = self.toks[k]
            if t.text in (",", ";", ".", ":", "(", ")", "!", "?") or t.kind == "num":
                break
            words.append(t.low)
        return words[::-1]

    def _range_verb(self, k: int) -> bool:
        """ "ranged from A to B", "anywhere from": a range, not a change from A to B."""
        prev = self.tok(k - 1)
        return prev is not None and prev.low in ("ranged", "range", "ranging", "ranges",
                                                 "anywhere", "vary", "varying", "varied",
                                                 "varies", "spanning", "run", "runs")

    def range_end(self, first: Found, *, between: bool, from_range: bool = False
                  ) -> Found | None:
        j = first.j
        t = self.tok(j)
        if t is None:
            return None
        dash = t.text in DASHES
        if between and t.low == "and":
            k = j + 1
        elif t.low in ("to", "through", "thru") or dash or (t.low == "and" and between) \
                or t.text == "~" and self.adjacent(j) and self.adjacent(j + 1):
            k = j + 1
            if t.low == "to" and not from_range:
                # "rose from 5% to 7%", "fell 12 per cent to 340 pence", "fell by 2 to 7":
                # a change and its result, not a range; unless the first has no unit
                back = [x.low for x in self.toks[max(0, first.i - 4):first.i]]
                if back and back[-1] == "from":
                    back = self._clause_before(first.i, 12)  # "increased the total ... from"
                elif first.kind != "bare":
                    clause = self._clause_before(first.i, 8)  # "increased from last year's
                    if "from" in clause and any(  # total of £44.7m to £50m": two levels
                            w in W.CHANGE_VERBS for w in clause[:clause.index("from")]):
                        return None
                if (any(w in W.CHANGE_VERBS for w in back) or (back and back[-1] == "by")) \
                        and first.kind != "bare":
                    return None
                if back and back[-1] == "from" and first.kind == "bare" \
                        and any(w in W.CHANGE_VERBS for w in back):
                    return None
            if dash and self.is_word(k, "to") and self.adjacent(k):
                k += 1  # "150,000 -to-180,000"
            elif dash and self.adjacent(j) and self.is_word(k, "to") \
                    and not self.adjacent(k) and first.kind == "bare" \
                    and self.tok(k + 1) is not None and self.toks[k + 1].kind == "num":
                k += 1  # "an 8- to 16-meter telescope": the unit after the second end
            elif t.low == "to" and self.is_text(k, *DASHES) and self.adjacent(k) \
                    and self.adjacent(k + 1):
                k += 1  # "150,000 to-180,000"
        else:
            return None
        if first.num.vague or first.num.fraction:
            return None
        if self.is_text(k, *_MINUS, "+") and self.tok(k + 1) is not None \
                and self.toks[k + 1].kind == "num" and self.adjacent(k + 1):
            k += 1  # "-18 °C to -34 °C": core() reads the sign before the number
        second = self.core(k, None, second=k)  # a sign on it: "-18 °C to -34 °C"
        if second is None or second.num.vague or second.num.fraction:
            return None
        if dash and not self.adjacent(j) and first.kind == "bare" and second.kind == "bare" \
                and not num_scaled(first) and not num_scaled(second):
            return None  # "3 - 1": a score or a sum
        a, b = first.num, second.num
        if a.value is None or b.value is None:
            return None
        # units must agree; a missing unit on one side is taken from the other
        unit = first.unit if first.kind != "bare" else None
        unit2 = second.unit if second.kind != "bare" else None
        if unit and unit2 and unit != unit2:
            return None
        if unit and not unit2 and t.low == "to" and not from_range:
            return None  # "$45 to 75 users": the second figure is something else
        age = self.is_word(first.i - 1, "age", "ages", "aged") and not first.num.words
        if not unit and not unit2 and not (a.scale_word or b.scale_word) and not age:
            if not (between or from_range or t.low in ("through", "thru")
                    or t.low == "to" and self._range_context(first)):
                if dash and self.adjacent(j) and self.adjacent(k):
                    first.reference = True  # "131-124", "4-0": a score line
                    second_end = second.j
                    first.j = second_end
                    first.kind = "score"
                    return first
                return None
        low = first.value if first.value is not None else a.value
        high = b.value
        if second.sign_i is not None and high is not None and \
                self.toks[second.sign_i].text != "+":
            high = -high
        # "$5-9 million", "64 and 69 million": the scale of the second end applies to the first
        if b.scale_word and not a.scale_word and abs(a.value) <= abs(b.value) / b.scale:
            low = low * b.scale
        if low is None or high is None:
            return None
        if low > high and (first.sign_i is not None or second.sign_i is not None or between):
            low, high = high, low  # "-18 °C to -34 °C", "between 3.9 and 3.6"
        if not low < high:
            return None
        merged = Found(first.i - (1 if between else 0), second.j, first.num,
                       unit=unit or unit2 or "dimensionless",
                       currency=first.currency or second.currency,
                       kind=first.kind if unit else second.kind, sign_i=first.sign_i)
        if age and not unit and not unit2:
            merged.unit, merged.kind = "year", "duration"  # "(age 12-15)", "ages 5 to 11"
        merged.per = first.per + second.per
        merged.bound = "range"
        merged.low, merged.high = low, high
        merged.value = tidy((low + high) / 2)
        scale = b.scale if b.scale_word and not a.scale_word else 1.0
        precisions = [p for p in ((a.precision or 0.0) * scale, b.precision) if p is not None]
        merged.precision = max(precisions) if precisions else None
        merged.suspect = a.suspect or b.suspect
        if from_range:
            merged.i = first.i - 1
        hedge = self.hedge_before(merged.i)
        if hedge and hedge[0].rule.bound == "approx":
            merged.i = hedge[1]
            merged.hedge = hedge[0]
        return merged

    def _range_context(self, first: Found) -> bool:
        """A bare "A to B" with nothing after is a range when a verb of spread or a hedge
        stands before it: "from 7 to 10", "ranged 7 to 10"."""
        back = [x.low for x in self.toks[max(0, first.i - 3):first.i]]
        return bool(back) and back[-1] in ("from", "ranged", "ranging", "range", "between")


def _sizes(phrases: list[tuple[str, int]]) -> dict[str, tuple[int, ...]]:
    index: dict[str, set[int]] = {}
    for first, size in phrases:
        index.setdefault(first, set()).add(size)
    return {k: tuple(sorted(v, reverse=True)) for k, v in index.items()}


# first token of each unit symbol and spelled name -> how many tokens it may span
_SYMBOL_SIZES = _sizes([(toks[0].text, len(toks)) for toks in map(tokenize, W.UNIT_SYMBOLS)
                        if toks])
_WORD_SIZES = _sizes([(toks[0].low, size) for toks in map(tokenize, W.UNIT_WORDS) if toks
                      for size in {len(toks), 2 * len(toks) - 1}])  # "square-foot" too

_LENGTH_WORDS = frozenset("""
length height width depth diameter distance long tall high deep wide span altitude elevation
radius thick thickness metres meters
""".split())
# "1.4 billion daily average", "a 52-week high": the period word qualifies a statistic
_STATISTIC_NOUNS = ("average", "averages", "mean", "median", "high", "highs", "low", "lows",
                    "record", "total", "range", "volume", "limit", "cap", "peak")

_NOT_COMPOUND_NOUNS = frozenset("""
way time off on up out down fold for one two three four five six seven eight nine ten
thirds quarters year-old old odd plus ish something somethings someone
""".split())


_COMMON_RANK = 6000


@cache
def _common_cost() -> tuple[dict[str, float], float]:
    """wordninja's English word costs and the cost of the word at :data:`_COMMON_RANK`."""
    import wordninja

    costs: dict[str, float] = wordninja.DEFAULT_LANGUAGE_MODEL._wordcost  # noqa: SLF001
    return costs, math.log(_COMMON_RANK * math.log(max(len(costs), 2)))


def _common_word(word: str) -> bool:
    """Whether ``word`` is among the most frequent English words (wordninja's list)."""
    costs, limit = _common_cost()
    return costs.get(word, math.inf) < limit


def _plain_number(literal: str) -> float | None:
    """A digit token without separators as a float, else ``None`` ("3150,000" is not)."""
    try:
        return float(literal) if "," not in literal else None
    except ValueError:
        return None


def tidy(x: float) -> float:
    """``x`` without the noise of binary arithmetic: 64.1 * 1e6 is 64,100,000, not
    64,099,999.99999999 (15 significant digits are kept)."""
    return float(f"{x:.15g}") if math.isfinite(x) else x


def dash_range(parser: Parser, k: int) -> bool:
    """Whether the dash at ``k`` separates two figures ("1500 - 1800", "5-7")."""
    before = parser.tok(k - 1)
    return before is not None and (before.kind == "num" or before.kind == "word"
                                   and before.low in W.SCALE_WORDS | W.SCALE_ABBR.keys()
                                   or parser.physical(k - 1) is not None) \
        and parser.toks[k].text in DASHES


def num_scaled(found: Found) -> bool:
    return found.num.scale_word is not None


def _misspelled_scale(word: str) -> str | None:
    """The scale word ``word`` probably misspells ("bilion" -> "billion"), or ``None``.

    A word within one edit (insertion, deletion, substitution, swap of neighbours) of a
    scale word, with the same first letter, that is not a scale word itself.
    """
    if word in W.SCALE_WORDS or not word.isalpha():
        return None
    for target in W.SCALE_SPELLINGS:
        if word[0] == target[0] and abs(len(word) - len(target)) <= 1 \
                and _one_edit(word, target):
            return target
    return None


def _one_edit(a: str, b: str) -> bool:
    if a == b:
        return False
    if len(a) == len(b):
        diffs = [k for k in range(len(a)) if a[k] != b[k]]
        if len(diffs) == 1:
            return True
        return len(diffs) == 2 and diffs[1] == diffs[0] + 1 \
            and a[diffs[0]] == b[diffs[1]] and a[diffs[1]] == b[diffs[0]]
    if len(a) > len(b):
        a, b = b, a
    return any(b[:k] + b[k + 1:] == a for k in range(len(b)))


# --------------------------------------------------------------------------------------
# Word helpers
# --------------------------------------------------------------------------------------
def _is_plural(word: str) -> bool:
    lower = word.lower()
    if lower in W.IRREGULAR_PLURALS:
        return True
    if lower in W.NOT_PLURAL or lower in W.STOP or len(lower) < 3:
        return False
    if word.isupper():
        return False
    if word[:-1].isupper() and word.endswith("s"):
        return True  # "GPUs", "TPUs"
    return lower.endswith("s") and not lower.endswith(("ss", "us", "ous", "sis", "'s", "’s"))


def _singular(word: str) -> str:
    lower = word.lower()
    if lower in W.IRREGULAR_UNIT_PLURALS:
        return W.IRREGULAR_UNIT_PLURALS[lower]
    if lower in W.IRREGULAR_PLURALS:
        return W.IRREGULAR_PLURALS[lower]
    if word[:-1].isupper() and word.endswith("s") and len(word) > 1:
        return word[:-1]
    if lower.endswith("ies") and len(lower) > 4:
        return word[:-1] if lower[:-1] in W.IE_NOUNS else word[:-3] + "y"
    if lower.endswith(("sses", "shes", "ches", "xes", "zes")):
        return word[:-2]
    if lower.endswith("ses") and lower[:-2] in W.NOT_PLURAL:
        return word[:-2]  # "buses", "gases", "lenses", "bonuses"
    if lower.endswith("oes") and len(lower) > 4 and lower[-4] not in "aeiou" \
            and lower[:-1] not in W.OE_NOUNS:
        return word[:-2]  # "tornadoes", "heroes"; not "shoes", "canoes"
    if lower.endswith("s") and not lower.endswith(("ss", "us", "sis")):
        return word[:-1]
    return word


def _singular_phrase(surface: str) -> str:
    parts = surface.split(" ")
    parts[-1] = _singular(parts[-1])
    if len(parts) > 1 and parts[0] in W.IRREGULAR_UNIT_PLURALS:
        parts[0] = W.IRREGULAR_UNIT_PLURALS[parts[0]]
    elif len(parts) > 1 and parts[0].endswith("s") and parts[1] in ("per", "an", "a"):
        parts[0] = _singular(parts[0])
        parts[-1] = surface.split(" ")[-1]
        parts[-1] = _singular(parts[-1]) if parts[-1].endswith("s") else parts[-1]
    hy = surface.split("-")
    if len(hy) == 2 and " " not in surface:
        return f"{hy[0]}-{_singular(hy[1])}"
    return " ".join(parts)


__all__ = ["MAX_VALUE", "Found", "Num", "Parser"]
