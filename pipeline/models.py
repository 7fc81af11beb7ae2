"""Pydantic models passed between stages: the only contract between them.

All models are frozen and reject unknown fields. Offsets in :class:`Span` always point into
``Document.text`` (the article text as ingested, before any repair).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Bound = Literal["exact", "approx", "at_least", "at_most", "range", "vague"]
Modality = Literal["asserted", "hypothetical", "conditional", "alternative", "projection", "quoted"]
FindingKind = Literal[
    "contradiction",
    "divergence",
    "update",
    "scope",
    "alternative",
    "garbled",
    "arithmetic_error",
    "reconciled",
    "arithmetic_ok",
    "not_compared",
]
Direction = Literal["up", "down"]
Severity = Literal["high", "medium", "low", "info"]
Status = Literal["open", "confirmed", "dismissed", "explained"]

SEVERITY_ORDER: dict[str, int] = {"high": 0, "medium": 1, "low": 2, "info": 3}


class Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Document(Model):
    """One article as ingested: decoded text plus metadata."""

    id: str = Field(description="short content hash, stable across runs")
    path: str = Field(description="path relative to the corpus folder, with '/' separators")
    title: str | None = None
    source: str | None = Field(default=None, description="source URL when the article names one")
    published: str | None = Field(default=None, description="ISO date when the article has one")
    text: str
    sha256: str
    boilerplate: tuple[tuple[int, int], ...] = Field(
        default=(), description="(start, end) ranges of boilerplate lines; marked, not deleted"
    )
    untitled: bool = Field(default=False, description="no headline found: the title is the "
                           "file name (so it follows the file when the file is renamed)")

    def moved(self, path: str) -> Document:
        """The same article found under another path (its stored results are reused)."""
        if path == self.path:
            return self
        update: dict[str, object] = {"path": path}
        if self.untitled:
            update["title"] = file_title(path)
        return self.model_copy(update=update)


def file_title(path: str) -> str:
    """The title of an article without a headline: its file name without the suffix."""
    name = path.rsplit("/", 1)[-1]
    return name.rsplit(".", 1)[0] if "." in name.lstrip(".") else name


class Span(Model):
    """A character range of a document's original text."""

    doc_id: str
    start: int
    end: int
    text: str


class Repair(Model):
    """One garbled run and what it was repaired to."""

    span: Span
    original: str
    repaired: str
    kind: str
    confidence: float


class Quantity(Model):
    """A number with its unit, as written in the text.

    ``value`` is the point value (the midpoint for intervals); ``low``/``high`` are the
    interval, ``None`` meaning open. ``unit`` is a unit name of the run's pint registry (a
    currency code such as ``USD``, a count noun such as ``GPU``, ``percent``, ``MW``...).
    ``per`` is the rate denominator as a pint expression (``month``, ``user / month``);
    ``over`` a duration a total is spread over (``3 year``).

    Written precision: ``precision`` is half a unit of the last digit written, in the value's
    own unit (``$6.4 billion`` -> 5e7, ``$6.36 billion`` -> 5e6); ``implied`` is the interval
    the writing implies (``$6.4 billion`` covers 6.35e9-6.45e9; hedges such as ``about`` widen
    it by the amounts in the rules; ``more than`` / ``up to`` open one side, ``None``); checks
    compare these intervals. ``implied`` is ``None`` when not computed (use ``low``/``high``).
    ``direction`` says whether the text reports the amount as a rise or a fall (``rose 3%``).
    A malformed figure (``55,5000``, ``$1.25 bilion``) keeps its reading with a lower
    ``confidence`` and the suspected reading in ``suspect``.

    ``reference`` marks a number the text uses to point at something rather than to state
    an amount of it: a time reference ("39 years ago"), or a bare number nothing in the
    sentence gives a unit or counted noun to ("the answer is 42", "scored 4.3"). Such
    numbers are extracted (a reader sees them) but no claim is framed from them.
    """

    span: Span
    value: float | None
    low: float | None
    high: float | None
    bound: Bound = "exact"
    unit: str
    currency: str | None = None
    per: str | None = None
    over: str | None = None
    scale_word: str | None = None
    precision: float | None = None
    hedge: str | None = None
    direction: Direction | None = None
    implied: tuple[float | None, float | None] | None = None
    confidence: float = 1.0
    suspect: str | None = None
    reference: bool = False


class Normalized(Model):
    """A quantity converted to the canonical unit of its dimension; ``implied`` is the
    quantity's written-precision interval (see :class:`Quantity`), converted the same way."""

    low: float | None
    high: float | None
    unit: str
    implied: tuple[float | None, float | None] | None = None


SubjectHow = Literal["named", "resolved", "focal"]
PeriodHow = Literal["written", "relative", "focal", "unplaced"]


class Claim(Model):
    """A quantity with what it is about: subject, metric, time and modality.

    The frame a check compares (issue 17):

    - **who**: ``subject``, and ``subject_how`` says how it was found: ``named`` in the
      figure's own clause, ``resolved`` from a pronoun or a description (``subject_cue``:
      "the company", "we", "its"), or the document's ``focal`` entity (named in its title
      and lede, and most often) when the sentence names no owner; ``owner`` the words of
      the figure's owner when its clause gives one the subject does not name (a common-noun
      subject such as "the lander and rover", "Holm's centrist bloc", "Wholesale sales");
    - **what**: ``metric`` is the coarse class from ``rules/metrics.yaml`` (it decides whose
      figure a payment is); ``metric_key`` the measured noun phrase normalized (lemmas, the
      synonym table: "EPS" -> "earnings per share", "sales" -> "revenue"; a percentage
      change is "<metric> change"), ``qualifiers`` the words that narrow it ("adjusted",
      "data center", "year over year"), sorted; two figures are comparable only when both
      match;
    - **when**: ``period_key`` the period the figure is about, normalized ("2023-Q2",
      "FY2024-Q2", "2022", "2022/2031", "2023-02-09"), ``period_how`` whether it was
      ``written`` at the figure, ``relative`` ("last year", "a year ago" from the article's
      date or period) or the document's ``focal`` period; ``as_of`` the date the figure
      holds at; ``base`` marks the earlier figure of a change ("up from $656 million"),
      which is about an earlier period than its sentence.
    """

    id: str
    doc_id: str
    span: Span
    sentence: str
    subject: str | None
    metric: str
    quantity: Quantity
    normalized: Normalized
    as_of: str | None = None
    modality: Modality = "asserted"
    hedges: tuple[str, ...] = ()
    attribution: str | None = None
    repaired: bool = False
    period: str | None = Field(default=None, description="time scope as written: 'by June'")
    payer: str | None = Field(default=None, description="who pays, for payment figures")
    payee: str | None = Field(default=None, description="who is paid, for payment figures")
    qualifier: str | None = Field(
        default=None, description="scope words narrowing the figure: 'GPU equivalents'"
    )
    subject_how: SubjectHow | None = None
    subject_cue: str | None = Field(
        default=None, description="the words the subject was resolved from: 'the company'"
    )
    owner: str | None = Field(
        default=None, description="the figure's owner as written when the subject does not "
        "name it: a common noun ('the lander and rover') the subject only modifies or stands "
        "in for"
    )
    metric_key: str | None = Field(
        default=None, description="the measured noun phrase, normalized: 'earnings per share'"
    )
    qualifiers: tuple[str, ...] = Field(
        default=(), description="words narrowing the metric, normalized and sorted"
    )
    period_key: str | None = Field(
        default=None, description="the period the figure is about: '2023-Q2', 'FY2024'"
    )
    period_how: PeriodHow | None = None
    base: bool = Field(
        default=False, description="the earlier figure of a change ('up from $656 million')"
    )


class Finding(Model):
    """Something a reviewer should look at, with a one-sentence explanation."""

    id: str
    kind: FindingKind
    severity: Severity
    subject: str | None
    metric: str | None
    claims: tuple[str, ...]
    explanation: str
    check: str = Field(description="versioned name of the check that produced it")
    arithmetic: str | None = Field(default=None, description="the normalization or sum shown")
    status: Status = "open"
    note: str | None = None


class Skip(Model):
    """An input file the run could not use, and why."""

    path: str
    reason: str

    @classmethod
    def failed(cls, path: str, stage: str, error: BaseException | str) -> Skip:
        """An article a stage raised on (any exception): one line naming the stage and the
        error, with what to do. The other articles are processed."""
        if isinstance(error, BaseException):
            what = " ".join(str(error).split()) or "no message"
            error = f"{type(error).__name__}: {what}"
        if len(error) > 300:
            error = error[:297] + "..."
        hint = ("a library the tool uses is missing or broken: reinstall claims (see the "
                "README's quick start)" if error.startswith(("ImportError", "ModuleNotFound"))
                else "the other articles were processed; please report this file")
        return cls(path=path, reason=f"failed in the {stage} stage ({error}); {hint}")


class RepairedText(Model):
    """A document's text after repair, with the map back to the original text.

    ``edits`` are ``(repaired_start, repaired_end, original_start, original_end)`` for each
    replaced run, sorted; text outside the edits is unchanged, shifted by earlier edits.
    """

    doc_id: str
    text: str
    repairs: tuple[Repair, ...] = ()
    edits: tuple[tuple[int, int, int, int], ...] = ()

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a ``[start, end)`` range of the repaired text to the original text.

        A range that touches an edited run maps to the whole original run.
        """
        return self._map(start, is_end=False), self._map(end, is_end=True)

    def _map(self, pos: int, *, is_end: bool) -> int:
        shift = 0
        for r_start, r_end, o_start, o_end in self.edits:
            if pos < r_start or (is_end and pos == r_start):
                break
            if pos < r_end or (is_end and pos == r_end):
                return o_end if is_end else o_start
            shift = o_end - r_end
        return pos + shift
