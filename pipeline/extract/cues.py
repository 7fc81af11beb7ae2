"""Cue lookups over one parsed document, shared by the claim-frame modules (memoised: every
figure of a sentence asks the same questions)."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar, cast

import pint
from spacy.tokens import Doc
from spacy.tokens import Span as SpacySpan

from pipeline.extract.tree import cue_regex
from pipeline.models import Quantity
from pipeline.rules import Rules
from pipeline.units import Conversions, dimension_of, unit_expression

_T = TypeVar("_T")


@dataclass
class Memo:
    """Answers :func:`build_claims` may share between documents: unit conversions, unit
    dimensions and whether a word names a unit, in the run's registry as it stands.

    Valid while no unit is defined in the registry (the quantities stage defines counted
    nouns as it meets them): the API makes one per chunk of documents, after the chunk's
    quantities and before its claims. Without one, each document has its own.
    """

    conversions: Conversions = field(default_factory=dict)
    dimensions: dict[tuple[str, str | None], str] = field(default_factory=dict)
    units: dict[str, bool] = field(default_factory=dict)
    # look-up tables built from the rules once, not once per document (the metric keys'
    # tables, the words that are never names)
    tables: dict[str, object] = field(default_factory=dict)
    # cue lists of the rules in lower case: id(list) -> (the list, its lowered cues)
    lowered: dict[int, tuple[Sequence[str], tuple[str, ...]]] = field(default_factory=dict)

    def table(self, name: str, kind: type[_T], build: Callable[[], _T]) -> _T:
        """The look-up table ``name`` (a ``kind``), built by ``build`` on first use."""
        found = self.tables.get(name)
        if isinstance(found, kind):
            return found
        made = self.tables[name] = build()
        return made


#: The publication date marker opening a plain-text article (see ingest._find_date).
DATELINE = re.compile(r"\s*date\s+(?:19|20)\d{2}-\d{2}-\d{2}\b", re.IGNORECASE)


class Cues:
    """Cue lookups over one parsed document, memoised: every figure of a sentence asks the same
    questions, and a span's text costs a walk over its tokens each time it is read.

    Also holds the rules tables the stage reads per figure (metric dimensions, role frames),
    built once per document instead of once per figure.
    """

    def __init__(self, doc: Doc, rules: Rules, *, text: str | None = None,
                 memo: Memo | None = None) -> None:
        self.memo = Memo() if memo is None else memo
        self.doc = doc
        self.text = doc_text(doc, text)
        # each read of doc.ents walks the whole document; the dateline's date ("date
        # 2023-04-24" opening the text) is when the article was published, no figure's period
        marker = DATELINE.match(self.text)
        self.ents = tuple(ent for ent in doc.ents if not (
            marker and ent.label_ == "DATE" and doc[ent.start].idx < marker.end()))
        self._ent_starts = [ent.start for ent in self.ents]  # sorted: doc.ents are
        self._lowered: dict[tuple[int, int], tuple[int, str]] = {}
        self._found: dict[tuple[int, int, str], list[SpacySpan]] = {}
        self._present: dict[tuple[int, int, int], tuple[Sequence[str], list[str]]] = {}
        self._regex: dict[str, re.Pattern[str]] = {}
        self._words: dict[str, str] = {}  # cue -> its lowercase form
        # answers about a sentence every figure in it asks again: (question, start) -> answer
        self.per_sentence: dict[tuple[str, int], object] = {}
        self._last: tuple[SpacySpan, int, str] | None = None  # the span read last (a figure's
        # sentence is asked about every cue list in turn)
        self.dimensions = {name: rule.dimensions() for name, rule in rules.metrics.metrics.items()}
        self.frames = {w.lower(): f for f in rules.roles.frames.values() for w in f.words}
        self._dimensions = self.memo.dimensions
        self.conversions = self.memo.conversions  # unit expression -> normalize()'s conversion

    def dimension(self, registry: pint.UnitRegistry, quantity: Quantity) -> str:
        """:func:`unit_dimension`, once per unit."""
        key = (quantity.unit, quantity.per)
        if key not in self._dimensions:
            self._dimensions[key] = unit_dimension(registry, quantity)
        return self._dimensions[key]

    def _span_text(self, span: SpacySpan) -> tuple[int, str]:
        """The span's start offset and its lowered text (as ``span.text.lower()``)."""
        last = self._last
        if last is not None and last[0] is span:
            return last[1], last[2]
        key = (span.start, span.end)
        if key not in self._lowered:
            start = span.start_char
            text = self.text[start:span.end_char] if len(span) else ""
            self._lowered[key] = (start, text.lower())
        offset, lowered = self._lowered[key]
        self._last = (span, offset, lowered)
        return offset, lowered

    def of_sentence(self, question: str, sent: SpacySpan, make: Callable[[], _T]) -> _T:
        """The answer to ``question`` about ``sent``: ``make()`` the first time any of the
        sentence's figures asks, :attr:`per_sentence`'s after."""
        key = (question, sent.start)
        if key not in self.per_sentence:
            self.per_sentence[key] = make()
        return cast(_T, self.per_sentence[key])

    def lowered(self, span: SpacySpan) -> str:
        """``span.text.lower()``."""
        return self._span_text(span)[1]

    def regex(self, cue: str) -> re.Pattern[str]:
        regex = self._regex.get(cue)
        if regex is None:
            regex = self._regex[cue] = cue_regex(cue)
        return regex

    def word(self, cue: str) -> str:
        word = self._words.get(cue)
        if word is None:
            word = self._words[cue] = cue.lower()
        return word

    def lows(self, cues: Sequence[str]) -> tuple[str, ...]:
        """The cues of a list in lower case (``word`` of each), once per list."""
        found = self.memo.lowered.get(id(cues))
        if found is None or found[0] is not cues:
            found = self.memo.lowered[id(cues)] = (cues, tuple(map(self.word, cues)))
        return found[1]

    def marked(self, text: str, cues: Iterable[str]) -> bool:
        """Whether any of ``cues`` occurs in ``text`` (case-insensitive, whole word)."""
        lowered = text.lower()
        if isinstance(cues, (list, tuple)):
            return any(low in lowered and self.regex(cue).search(lowered)
                       for cue, low in zip(cues, self.lows(cues), strict=True))
        return any(self.word(cue) in lowered and self.regex(cue).search(lowered)
                   for cue in cues)

    def spans(self, span: SpacySpan, cue: str) -> list[SpacySpan]:
        """Every occurrence of ``cue`` in ``span`` as a token span (case-insensitive, whole
        word)."""
        offset, text = self._span_text(span)
        if self.word(cue) not in text:  # the regex needs the word itself: most cues are absent
            return []
        key = (span.start, span.end, cue)
        found = self._found.get(key)
        if found is not None:
            return found
        found = []
        for match in self.regex(cue).finditer(text):
            start = offset + match.start()
            end = offset + match.end()
            tokens = span.doc.char_span(start, end, alignment_mode="expand")
            if tokens is not None and len(tokens):
                found.append(tokens)
        self._found[key] = found
        return found

    def present(self, span: SpacySpan, cues: Sequence[str]) -> Sequence[str]:
        """The ``cues`` whose word occurs in ``span``'s text, in order (a cheap pre-test of
        :meth:`spans`, kept per span and cue list: a sentence's figures ask alike)."""
        key = (span.start, span.end, id(cues))
        found = self._present.get(key)
        if found is None or found[0] is not cues:
            text = self.lowered(span)
            found = self._present[key] = (cues, [cue for cue, low in zip(
                cues, self.lows(cues), strict=True) if low in text])
        return found[1]

    def tokens(self, span: SpacySpan, cues: Sequence[str]) -> list[SpacySpan]:
        return [tokens for cue in self.present(span, cues) for tokens in self.spans(span, cue)]

    def ents_in(self, span: SpacySpan) -> list[SpacySpan]:
        """The entities wholly inside ``span`` (as ``span.ents``): the first found by bisection
        (a scan from the document's first entity made a figure-dense article quadratic)."""
        found = []
        ents = self.ents
        for i in range(bisect_left(self._ent_starts, span.start), len(ents)):
            ent = ents[i]
            if ent.end > span.end:
                break
            found.append(ent)
        return found

    def text_before(self, span: SpacySpan, offset: int) -> str:
        """``span.text`` up to the document offset ``offset``."""
        start = span.start_char
        return self.text[start:min(start + max(0, offset - start), span.end_char)]


def doc_text(doc: Doc, text: str | None) -> str:
    """``doc.text`` (a walk over every token), or ``text`` when the doc was parsed from it: a
    spaCy ``Doc`` keeps its text exactly, so the parsed text has the doc's length and ends
    where the doc's last token does."""
    if text is not None and len(doc) and doc[0].idx == 0 and \
            doc[-1].idx + len(doc[-1].text_with_ws) == len(text):
        return text
    return doc.text


def unit_dimension(registry: pint.UnitRegistry, quantity: Quantity) -> str:
    """The quantity's dimension terms; ``""`` (no metric fits) for a unit pint does not know,
    so one odd figure never stops the run."""
    try:
        return dimension_of(registry, unit_expression(quantity))
    except (pint.errors.PintError, ValueError, TypeError, KeyError, AttributeError,
            AssertionError):
        return ""
