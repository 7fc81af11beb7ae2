"""``contradictions.md`` and the report's HTML pages: the findings for people, as signed pieces.

:func:`markdown_pieces` writes the Markdown page from a :class:`rows.View`, and the
:class:`_Renderer` here renders the pieces of the HTML pages that :mod:`pipeline.render.pages`
lays out (``report.html`` and the folder ``report/``); one Jinja2 template each under
``pipeline/render/templates/``, a macro per
piece; HTML autoescaped: every piece of article text goes through escaping, and nothing from
an article is ever placed in a URL unless it is an ``http(s)`` address). Order, keys and
signatures come from the view's light rows; the full claims and documents are read only by
the pieces rendered (:mod:`pipeline.render.splice`). Both reports share one plan of the run
(:func:`_plan`, made once per view): the groups of findings by (subject, metric), most severe
first, their charts, and the claims index.

Also here, shared by every writer of the run: the findings' report order and signatures
(:func:`shared`), where a claim's figure is in its sentence (:func:`figure_span`), and which
source links are safe (:func:`safe_url`). Output is deterministic: sorted groups, fixed
float formatting, no timestamps, so golden files and committed ``out/`` stay stable.
"""

from __future__ import annotations

import base64
import contextlib
import dataclasses
import functools
import hashlib
import heapq
import itertools
import math
import operator
import os
import re
import stat
import textwrap
import zlib
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from itertools import repeat
from typing import Any, NamedTuple

import jinja2
import markupsafe

from pipeline import wording
from pipeline.models import SEVERITY_ORDER, Claim, Document, Finding
from pipeline.render import escape, splice
from pipeline.render.order import KIND_ORDER, OrderedGroup, ordered_groups
from pipeline.render.order import report_order as report_order  # re-exported
from pipeline.state.rows import ClaimRow, DocRow, View
from pipeline.units import CURRENCY_SIGNS, format_amount

#: What each kind means to a reviewer: why it was (or was not) flagged.
KIND_REASON: dict[str, str] = {
    "contradiction": "Flagged: the sources give values that cannot both be true.",
    "divergence": "Flagged: the bounds are compatible, but the values are far apart.",
    "update": "Flagged as an update: the figure changed over time; newer is not wrong.",
    "scope": "Flagged as a scope difference: the figures measure different scopes or "
             "qualifiers.",
    "alternative": "Not a contradiction: the text offers the figures as alternatives "
                   "(either/or terms).",
    "garbled": "Flagged: the article text was mangled by a renderer and has been repaired.",
    "arithmetic_error": "Flagged: the stated arithmetic does not add up.",
    "reconciled": "Not flagged: the figures look different as written but agree after "
                  "normalization.",
    "arithmetic_ok": "Not flagged: the stated arithmetic checks out.",
    "not_compared": "Not compared: a figure in a currency (or of a year) the rates table "
                    "cannot convert, beside figures in other currencies; listed so that "
                    "nothing is dropped silently.",
}
STATUS_LABEL: dict[str, str] = {
    "open": "open", "confirmed": "confirmed", "dismissed": "dismissed", "explained": "explained",
}
_CURRENCY_SIGNS = frozenset(CURRENCY_SIGNS.values())
_SAFE_URL = re.compile(r"^https?://[^\s\"'<>]+$", re.IGNORECASE)

# --------------------------------------------------------------------------- formatting


def human_interval(low: float | None, high: float | None, unit: str) -> str:
    """An interval as the pages show it: ``$2B``, ``≥ $40M``, ``$1B – $3B``, ``?``."""
    if low is None and high is None:
        return "?"
    if low is None:
        return f"≤ {format_amount(high, unit, report=True)}"
    if high is None:
        return f"≥ {format_amount(low, unit, report=True)}"
    if low == high:
        return format_amount(low, unit, report=True)
    return f"{format_amount(low, unit, report=True)} – {format_amount(high, unit, report=True)}"


def safe_url(url: str | None) -> str | None:
    """The URL when it is a plain http(s) address, else None (never ``javascript:``...)."""
    if url and _SAFE_URL.match(url.strip()) and url.strip().isprintable():
        return url.strip()
    return None


Highlight = tuple[int, int]


def figure_span(claim: Claim, document: Document | None) -> Highlight | None:
    """Where the claim's figure is inside ``claim.sentence`` as ``(start, end)``, or None.

    Uses the claim's offsets in the document (so the right one of two equal figures in a
    sentence is marked); falls back to the first occurrence of the figure in the sentence,
    then to a match that ignores spaces (repaired text).
    """
    sentence, surface = claim.sentence, claim.span.text
    if not surface.strip():
        return None
    if document is not None and document.text:
        start, end = claim.span.start, claim.span.end
        at = document.text.find(sentence, max(0, end - len(sentence)))
        while 0 <= at <= start:
            if end <= at + len(sentence) and sentence[start - at:end - at] == surface:
                return start - at, end - at
            at = document.text.find(sentence, at + 1)
    at = sentence.find(surface)
    if at < 0:
        return wording.squeezed_find(sentence, surface)
    if claim.repaired:  # the repair restored a currency sign the garbled text had lost
        while at > 0 and sentence[at - 1] in _CURRENCY_SIGNS:
            at -= 1
    return at, sentence.find(surface, at) + len(surface)


#: where an explanation's details start: the intervals compared, the frames' agreement, the
#: frame of each side (pipeline.check.policy words them so)
_DETAILS = re.compile(r"(?<=\.) (?=Compared as |"
                      r"Subject, metric and period match, and both are stated as facts\.|"
                      r"Frames \()")


def explanation_parts(text: str) -> list[str]:
    """An explanation as its verdict sentence and its details (the intervals compared and
    why, the frames), for the pages to show as a short list under the verdict."""
    return _DETAILS.split(text)


def _split_sentence(sentence: str, at: Highlight | None) -> list[tuple[str, bool]]:
    """The sentence as (text, is_figure) pieces, the figure at ``at``."""
    if at is not None and 0 <= at[0] < at[1] <= len(sentence):
        pieces = [(sentence[:at[0]], False), (sentence[at[0]:at[1]], True),
                  (sentence[at[1]:], False)]
        return [p for p in pieces if p[0]]
    return [(sentence, False)] if sentence else []


# --------------------------------------------------------------------------- view models


@dataclass(frozen=True)
class ClaimView:
    """One claim as the report shows it."""

    id: str
    doc: str
    label: str  # the document's label in the sources list (``[label]``; "": not in the run)
    page: str  # the sources page that lists the document
    title: str | None
    url: str | None
    subject: str | None
    metric: str
    surface: str
    sentence: str
    pieces: list[tuple[str, bool]]
    written: str
    normalized: str
    unit: str
    low: float | None
    high: float | None
    modality: str
    as_of: str | None
    repaired: bool
    hedges: tuple[str, ...]
    #: the figure as a reader quotes it (the repaired words of garbled text), and the
    #: article's original text of it when that really was garbled (else None)
    figure: str = ""
    original: str | None = None
    modality_text: str = ""  # how sure, in words ("stated as fact")
    metric_text: str = ""  # the metric in words


@dataclass(frozen=True)
class FindingView:
    finding: Finding
    claims: list[ClaimView]
    reason: str
    repair: tuple[str, str] | None = None

    @property
    def id(self) -> str:
        return self.finding.id


@dataclass(frozen=True)
class Chart:
    """A value-spread plot: one row per claim, x on a linear or log axis (SVG units)."""

    width: int
    height: int
    left: int
    right: int
    log: bool
    unit: str
    ticks: list[tuple[float, str]]
    rows: list[dict[str, Any]]
    omitted: int = 0


@dataclass(frozen=True)
class GroupView:
    """A (subject, metric) group's heading as the report shows it, with its chart."""

    key: str  # the HTML anchor
    subject: str  # label
    metric: str  # label
    severity: str
    chart: Chart | None


def claim_view(claim: Claim, doc: Document | None, labels: Mapping[str, str],
               pages: Mapping[str, str] | None = None) -> ClaimView:
    """``claim`` as the report shows it; ``doc`` its document (None: not in the run),
    ``labels`` each document's label in the sources list (:func:`source_labels`), ``pages``
    the sources page listing it (the first page when not given)."""
    q, n = claim.quantity, claim.normalized
    written_unit = q.unit + (f"/{q.per}" if q.per else "")
    at = figure_span(claim, doc)
    figure = claim.span.text
    if claim.repaired and at is not None:
        figure = claim.sentence[at[0]:at[1]]
    original = wording.garbled_original(claim.span.text, figure) if claim.repaired else None
    return ClaimView(
        id=claim.id, doc=doc.path if doc else claim.doc_id, label=labels.get(claim.doc_id, ""),
        page=(pages or {}).get(claim.doc_id, FIRST_SOURCES_PAGE),
        title=doc.title if doc else None,
        url=safe_url(doc.source) if doc else None, subject=claim.subject, metric=claim.metric,
        surface=claim.span.text, sentence=claim.sentence,
        pieces=_split_sentence(claim.sentence, at),
        written=wording.unit_words(human_interval(q.low, q.high, written_unit)),
        normalized=wording.unit_words(human_interval(n.low, n.high, n.unit)), unit=n.unit,
        low=n.low, high=n.high, modality=claim.modality, as_of=claim.as_of,
        repaired=claim.repaired, hedges=claim.hedges, figure=figure, original=original,
        modality_text=wording.modality_words(claim.modality),
        metric_text=wording.name_words(claim.metric),
    )


_QUOTED_PAIR = re.compile(r"[“\"](?P<original>.+?)[”\"] repaired to [“\"](?P<repaired>.+?)[”\"]",
                          re.DOTALL)


def repair_pair(finding: Finding) -> tuple[str, str] | None:
    """(original, repaired) of a garbled finding whose explanation quotes both, else None."""
    if finding.kind != "garbled":
        return None
    match = _QUOTED_PAIR.search(finding.explanation)
    return (match["original"], match["repaired"]) if match else None


def _side_order(kind: str, doc_of: Callable[[Any], str] = lambda v: v.doc
                ) -> Callable[[Any], tuple[Any, ...]]:
    """Sources side by side: oldest first for an update, else smallest value first.

    The key takes a :class:`ClaimView` (or, with ``doc_of`` giving its document's path, a
    :class:`rows.ClaimRow`)."""
    def by_value(v: Any) -> tuple[Any, ...]:
        return (v.low if v.low is not None else -math.inf, doc_of(v), v.id)

    if kind == "update":
        return lambda v: (v.as_of is None, v.as_of or "", *by_value(v))
    return by_value


def _ticks(lo: float, hi: float, log: bool) -> list[float]:
    if log:
        first, last = math.floor(math.log10(lo)), math.ceil(math.log10(hi))
        every = max(1, math.ceil((last - first) / 6))
        return [10.0 ** e for e in range(first, last + 1, every) if lo <= 10.0 ** e <= hi]
    span = hi - lo
    raw = span / 4 if span > 0 else abs(hi) or 1.0
    mag = 10.0 ** math.floor(math.log10(raw))
    step = min((m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw), default=raw)
    start = float(math.ceil(lo / step) * step)
    return [start + i * step for i in range(int((hi - start) // step) + 1)][:8]


def _chart_pick(claims: Sequence[Any], highlighted: Mapping[str, str],
                doc_of: Callable[[Any], str], *, max_rows: int = 24
                ) -> tuple[list[Any], str, int] | None:
    """The claims a chart plots (in plot order), their unit and how many more were left out.

    ``claims`` need ``id``, ``low``, ``high`` and ``unit`` (normalized): a :class:`ClaimView`
    or a :class:`rows.ClaimRow`; ``doc_of`` gives a claim's document path (it orders ties).
    """
    usable = [c for c in claims if (c.low is not None or c.high is not None)]
    if len(usable) < 2:
        return None
    unit = Counter(c.unit for c in usable if c.id in highlighted).most_common(1) or \
        Counter(c.unit for c in usable).most_common(1)
    chosen_unit: str = unit[0][0]
    rows_in = [c for c in usable if c.unit == chosen_unit]
    if len(rows_in) < 2:
        return None
    omitted = max(0, len(rows_in) - max_rows)
    # sorted(rows_in, key)[:max_rows], highlighted claims first
    first = [c for c in rows_in if c.id in highlighted]
    rest = [] if len(first) >= max_rows else [c for c in rows_in if c.id not in highlighted]
    picked = heapq.nsmallest(max_rows, first, key=lambda c: (
        c.low if c.low is not None else c.high or 0.0, doc_of(c), c.id))
    picked += heapq.nsmallest(max_rows - len(picked), rest, key=lambda c: (
        c.low if c.low is not None else c.high or 0.0, doc_of(c), c.id))
    return picked, chosen_unit, omitted


#: characters per line of a chart's row label (the margin left of the plot), and the
#: height of a line: a longer label wraps onto more lines (never cut)
LABEL_CHARS, LABEL_LINE = 30, 13


def chart_label_lines(label: str) -> list[str]:
    """A chart row's label wrapped into lines of at most :data:`LABEL_CHARS` characters
    (a word longer than a line is broken inside it)."""
    return textwrap.wrap(label, LABEL_CHARS, break_long_words=True,
                         break_on_hyphens=False) or [label]


def _chart_draw(rows_in: Sequence[Any], chosen_unit: str, omitted: int,
                highlighted: Mapping[str, str]) -> Chart:
    """The chart of the claims :func:`_chart_pick` chose; each needs ``id``, ``low``, ``high``,
    ``surface``, ``doc`` (path), ``label`` and ``normalized`` (text), as a :class:`ClaimView`."""
    values = [v for c in rows_in for v in (c.low, c.high) if v is not None]
    lo, hi = min(values), max(values)
    log = lo > 0 and hi / lo > 20
    if log:
        lo, hi = lo / 1.6, hi * 1.6
    else:
        pad = (hi - lo) * 0.08 or abs(hi) * 0.1 or 1.0
        lo, hi = lo - pad, hi + pad
        if min(values) >= 0:
            lo = max(lo, 0.0)
    width, left, right, row_h, top = 800, 200, 630, 20, 16

    def x(v: float) -> float:
        if log:
            frac = (math.log10(v) - math.log10(lo)) / (math.log10(hi) - math.log10(lo))
        else:
            frac = (v - lo) / (hi - lo) if hi > lo else 0.5
        return round(left + frac * (right - left), 1)

    rows = []
    y_top = float(top)
    for c in rows_in:
        surface = re.sub(r"\s+", " ", c.surface)
        lines = chart_label_lines(f"[{c.label}] {surface}" if c.label else surface)
        height_of_row = max(row_h, LABEL_LINE * len(lines) + 6)
        y = y_top + height_of_row / 2
        y_top += height_of_row
        x1 = x(c.low) if c.low is not None else float(left)
        x2 = x(c.high) if c.high is not None else float(right)
        value_x, anchor = x2 + 9, "start"  # the margin right of the plot holds the label
        rows.append({
            "value": c.normalized, "value_x": round(value_x, 1), "anchor": anchor,
            "doc": c.doc, "surface": surface,
            "y": y, "x1": x1, "x2": x2, "point": c.low is not None and c.low == c.high,
            "open_low": c.low is None, "open_high": c.high is None,
            "kind": highlighted.get(c.id, "other"),
            "label": " ".join(lines), "lines": [
                (round(y + 4 + LABEL_LINE * (k - (len(lines) - 1) / 2), 1), line)
                for k, line in enumerate(lines)],
            "tip": f"[{c.label}] {c.doc}: {surface} → {c.normalized}" if c.label
                   else f"{c.doc}: {surface} → {c.normalized}",
        })
    ticks = [(x(t), wording.unit_words(format_amount(t, chosen_unit, report=True)))
             for t in _ticks(lo, hi, log)]
    height = round(y_top) + 26
    return Chart(width=width, height=height, left=left, right=right, log=log, unit=chosen_unit,
                 ticks=ticks, rows=rows, omitted=omitted)


# --------------------------------------------------------------------------- templates


def _md_sentence(pieces: list[tuple[str, bool]]) -> str:
    out = []
    for text, fig in pieces:
        flat = escape.markdown(text, strip=fig)
        out.append(f"**{flat}**" if fig else flat)
    return "".join(out)


def _md_sentence_key(pieces: tuple[tuple[str, bool], ...]) -> str:
    return _md_sentence(list(pieces))


def _remembered(function: Callable[[Any], str]) -> Callable[[Any], str]:
    """``function`` of one hashable argument, each answer computed once."""
    answers: dict[Any, str] = {}

    def remembered(value: Any) -> str:
        answer = answers.get(value)
        if answer is None:
            answer = answers[value] = function(value)
        return answer

    return remembered


SOURCES_PAGE = 1000
"""Documents per page of the HTML report's sources (``report/sources*.html``)."""


FIRST_SOURCES_PAGE = "sources.html"
#: A document's label in the report is at least this many characters of its id.
SOURCE_LABEL = 6


def source_pages(ids: Iterable[str], size: int = SOURCES_PAGE) -> dict[str, str]:
    """The page of the HTML report's folder listing each source (``ids`` in path order).

    About one document in ``size`` starts a page (a hash of its id), and a page that reaches
    twice ``size`` documents ends there, so the cuts stay where they are when documents
    come and go elsewhere: an article added before the others changes the first page, not
    the page of every later source (which every link to it names). The first page is
    ``sources.html``, each other one is named after the document that starts it."""
    pages: dict[str, str] = {}
    name, count = FIRST_SOURCES_PAGE, 0
    taken = {name}
    for doc in ids:
        cut = zlib.crc32(doc.encode("utf-8", "surrogatepass"))
        if count and (count >= 2 * size or cut % size == 0):
            name = f"sources-{cut:08x}.html"
            while name in taken:  # two cuts of one hash (unlikely): unique names
                name = name.replace(".html", "-2.html")
            taken.add(name)
            count = 0
        pages[doc] = name
        count += 1
    return pages


def source_labels(ids: Iterable[str], shortest: int = SOURCE_LABEL) -> dict[str, str]:
    """Each document's label in the report (``[7f251c]``): the start of its id, ``shortest``
    characters or as many more as it takes to tell it from every other id (the whole id at
    most). A label depends only on the ids that start like it, not on the document's place
    among the others, so adding an article leaves the other labels as they were (where
    numbers by rank renumbered every later source); distinct ids get distinct labels."""
    ordered = sorted(set(ids))
    common = [0] * (len(ordered) + 1)  # common[i]: shared prefix of ordered[i - 1], ordered[i]
    for i in range(1, len(ordered)):
        a, b = ordered[i - 1], ordered[i]
        n, top = 0, min(len(a), len(b))
        while n < top and a[n] == b[n]:
            n += 1
        common[i] = n
    return {d: d[:max(shortest, common[i] + 1, common[i + 1] + 1)]
            for i, d in enumerate(ordered)}


class _TemplateCache(jinja2.FileSystemBytecodeCache):
    """The templates compiled to Python bytecode, kept in the user's cache folder: compiling
    the two templates is some 0.3-0.7 s of every run that renders a piece (a one-article
    ``claims add``). Jinja checks each cached entry against the template's source (a
    checksum) and its own and Python's versions; a folder that cannot be read or written
    only means compiling again."""

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        with contextlib.suppress(OSError, ValueError, EOFError, TypeError):
            super().load_bytecode(bucket)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


@functools.cache
def _template_cache(html: bool) -> _TemplateCache | None:
    """The bytecode cache of one kind of environment (its options shape the compiled
    code), or None when there is no private cache folder (``CLAIMS_NO_TEMPLATE_CACHE`` set,
    or the folder cannot be made ours alone)."""
    if os.environ.get("CLAIMS_NO_TEMPLATE_CACHE"):
        return None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    folder = os.path.join(base, "claims", "templates")
    try:
        os.makedirs(folder, mode=0o700, exist_ok=True)
        st = os.lstat(folder)
    except OSError:
        return None
    if not stat.S_ISDIR(st.st_mode) or st.st_uid != os.getuid() or st.st_mode & 0o077:
        return None  # someone else's folder, or one others can write: never load from it
    return _TemplateCache(folder, f"{'html' if html else 'md'}-%s.cache")


def _environment(*, html: bool) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("pipeline.render", "templates"),
        autoescape=html, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined, finalize=escape.finalize if html else None,
        bytecode_cache=_template_cache(html),
    )
    # one environment per render: the Markdown filters remember their answers for it (the
    # same documents, subjects and sentences come back in many findings)
    env.filters.update(safe_url=safe_url, words=wording.user_words,
                       parts=explanation_parts)
    if not html:
        sentence = _remembered(_md_sentence_key)
        env.filters.update(md=_remembered(escape.markdown),
                           md_code=_remembered(escape.markdown_code),
                           md_code_cell=_remembered(partial(escape.markdown_code, cell=True)),
                           md_url=escape.markdown_url,
                           md_sentence=lambda pieces: sentence(tuple(pieces)))
    return env


# --------------------------------------------------------------------------- pieces
#
# contradictions.md and report.html as signed pieces (pipeline.render.splice): keys, order and
# signatures come from the view's light rows only; a piece's render asks the view for the full
# claims and documents it shows.

MD_TEMPLATE = "contradictions.md.j2"
HTML_TEMPLATE = "report.html.j2"


class _Counts(NamedTuple):
    """The counts the top of both pages shows."""

    n_documents: int
    n_claims: int
    n_findings: int
    n_groups: int
    kinds: tuple[tuple[str, int], ...]
    severities: tuple[tuple[str, int], ...]
    statuses: tuple[tuple[str, int], ...]


class _ChartPick(NamedTuple):
    """The claims a group's chart plots, chosen from light rows."""

    rows: list[ClaimRow]
    unit: str
    omitted: int
    kinds: dict[str, str]  # claim id -> kind of the most severe finding showing it


class _PlotRow(NamedTuple):
    """A plotted claim as :func:`_chart_draw` reads it."""

    id: str
    low: float | None
    high: float | None
    surface: str
    doc: str
    label: str
    normalized: str


class _IndexRow(NamedTuple):
    """A claims-index row of the Markdown page (light data only)."""

    metric: str
    surface: str
    normalized: str
    modality: str
    doc: str


#: About one run of index rows in this many starts a piece (see :func:`_index_chunks`).
INDEX_CHUNK = 8
_CLAIM_ID = operator.attrgetter("id")
_CLAIM_METRIC = operator.attrgetter("metric")


class _Chunk(NamedTuple):
    """Consecutive rows of one subject's claims index: a piece of each page."""

    key: str
    rows: list[ClaimRow]
    md_sig: str  # ids and document paths of the rows
    html_sig: str  # and their documents' labels and sources pages


_ROW_ID, _ROW_DOC, _ROW_SUBJECT, _ROW_METRIC = map(operator.itemgetter, map(
    ClaimRow._fields.index, ("id", "doc_id", "subject", "metric")))
_DOC_ID, _DOC_PATH = map(operator.itemgetter, map(DocRow._fields.index, ("id", "path")))
_FINDING_ID = operator.attrgetter("id")
_F_KIND, _F_SEVERITY, _F_STATUS = map(operator.attrgetter, ("kind", "severity", "status"))
_NO_DOC = "\x00"  # in a signature: the claim's document is not in the run
_NO_CLAIM = "\x00\x00"  # in a signature: the claim is not in the run
#: stands for a claim not in the run (no document id holds NUL)
_MISSING_ROW = ClaimRow("", "\x00missing", 0, None, "", "", None, None, "", None, "", "")


class Shared(NamedTuple):
    """What the writers of every output file plan alike, made once per run
    (:func:`shared`): the report order of the findings and their signatures."""

    path: dict[str, str]  # document id -> path
    label: dict[str, str]  # document id -> its [label] in the sources list
    page: dict[str, str]  # document id -> the sources page listing it
    rows: dict[str, ClaimRow]  # claim id -> its row
    groups: list[OrderedGroup]
    order: list[Finding]  # report order (group by group)
    keys: list[str]  # per finding in report order: its piece key, "f:" + its id
    #: per finding in report order: a digest of its JSON and the paths of its claims'
    #: documents (``_NO_DOC``, ``_NO_CLAIM`` for a document, a claim not in the run)
    sigs: list[str]
    cited: list[str]  # and the labels and pages of those documents (-1: no such claim)
    #: per group: claim id -> kind of the most severe finding showing the claim
    highlighted: list[dict[str, str]]
    elsewhere: list[bool]  # per group: a finding shows a claim of another (subject, metric)


def shared(view: View) -> Shared:
    """:class:`Shared` of ``view``, made on first use and remembered by the view."""
    return view.shared("report.shared", _make_shared)


def _make_shared(view: View) -> Shared:
    docs, claims = view.docs, view.claims
    path = dict(zip(map(_DOC_ID, docs), map(_DOC_PATH, docs), strict=True))
    label = source_labels(map(_DOC_ID, docs))
    page = source_pages(map(_DOC_ID, docs))
    # what a page shows of a claim's document: its label and the link to its sources page
    cited = {d: f"{shown}@{page[d]}" for d, shown in label.items()}
    rows = dict(zip(map(_ROW_ID, claims), claims, strict=True))
    groups = ordered_groups(view.findings)
    order = [f for g in groups for f in g.findings]
    sigs = [d + "\x1e" for d in map(Finding.model_dump_json, order)]  # as finding_sigs
    cites = [""] * len(order)
    # a claim's document: "0" for a document not in the run, "-1" for a claim not in it
    numbered = {**cited, _MISSING_ROW.doc_id: "-1"}
    path_of = {**path, _MISSING_ROW.doc_id: _NO_CLAIM}
    highlighted: list[dict[str, str]] = []
    elsewhere: list[bool] = []
    at = 0
    get_row, get_number, repeat = rows.get, numbered.get, itertools.repeat
    for g in groups:
        shown: dict[str, str] = {}
        known: list[ClaimRow] = []
        for i, f in enumerate(g.findings, start=at):
            if f.claims:
                found = list(map(get_row, f.claims, repeat(_MISSING_ROW)))
                docs_of = list(map(_ROW_DOC, found))
                at_doc = list(map(get_number, docs_of, repeat("0")))
                sigs[i] += "\x1f".join(map(path_of.get, docs_of, repeat(_NO_DOC)))
                cites[i] = " ".join(at_doc)
                known += found if "-1" not in at_doc else \
                    [row for row in found if row is not _MISSING_ROW]
        for f in reversed(g.findings):  # the most severe finding (the first) wins
            if f.claims:
                shown.update(dict.fromkeys(f.claims, f.kind))
        at += len(g.findings)
        highlighted.append(shown)
        # a finding shows a claim of another (subject, metric) block
        metrics = set(map(_ROW_METRIC, known))
        metrics.discard(g.metric)
        subjects = set(map(_ROW_SUBJECT, known))
        subjects.discard(g.subject)
        if not g.subject:
            subjects.discard(None)
        elsewhere.append(bool(metrics or subjects))
    keys = list(map("f:".__add__, map(_FINDING_ID, order)))
    return Shared(path, label, page, rows, groups, order, keys, _digested(sigs), cites,
                  highlighted, elsewhere)


def _digested(sigs: list[str]) -> list[str]:
    """Each signature as a short digest of it, made once: four files sign a piece per
    finding with it (each prefixed or suffixed differently), so hashing the finding's JSON
    once here spares :func:`splice.compose` hashing it again in each of them."""
    blake2b = hashlib.blake2b
    return [blake2b(s.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()
            for s in sigs]


def finding_sigs(findings: Sequence[Finding], rows: Mapping[str, ClaimRow],
                 path: Mapping[str, str]) -> list[str]:
    """Per finding: a digest of its JSON (status and note included) and of the path of each
    of its claims' documents, the signature of its piece in every file that shows it."""
    sigs = [d + "\x1e" for d in map(Finding.model_dump_json, findings)]
    paths = {**path, _MISSING_ROW.doc_id: _NO_CLAIM}
    get_row, repeat = rows.get, itertools.repeat
    for i, f in enumerate(findings):
        if f.claims:
            sigs[i] += "\x1f".join(map(paths.get, map(_ROW_DOC, map(
                get_row, f.claims, repeat(_MISSING_ROW))), repeat(_NO_DOC)))
    return _digested(sigs)


def pieces_of(keys: Iterable[str], sigs: Iterable[str],
              renders: Iterable[Callable[[], str]]) -> Iterator[splice.Piece]:
    """Pieces from their keys, signatures and renders (made without a Python call each)."""
    return map(tuple.__new__, itertools.repeat(splice.Piece), zip(keys, sigs, renders, strict=True))


@dataclass
class _Plan:
    """Order, grouping and numbering of both pages, from the view's light rows."""

    counts: _Counts
    path: dict[str, str]  # document id -> path
    label: dict[str, str]  # document id -> its [label] in the sources list
    page: dict[str, str]  # document id -> the sources page listing it
    claims: dict[str, ClaimRow]
    groups: list[OrderedGroup]
    charts: list[_ChartPick | None]
    index: list[tuple[str, int, list[_Chunk]]]  # subject label, its claim count, its rows
    shared: Shared

    def doc_of(self, c: ClaimRow) -> str:
        return self.path.get(c.doc_id, c.doc_id)


def _plan(view: View) -> _Plan:
    """The plan of both pages for ``view``, made once per state of the view."""
    return view.shared("report.plan", _make_plan)


def _make_plan(view: View) -> _Plan:
    common = shared(view)
    path, label, by_id, groups = common.path, common.label, common.rows, common.groups
    doc_of: Callable[[ClaimRow], str] = lambda c: path.get(c.doc_id, c.doc_id)  # noqa: E731
    by_block: dict[tuple[Any, Any], list[ClaimRow]] = {}
    for c, block in zip(view.claims, zip(map(_BLOCK_SUBJECT.get, map(_ROW_SUBJECT, view.claims),
                                             map(_ROW_SUBJECT, view.claims)),
                                         map(_ROW_METRIC, view.claims), strict=True),
                        strict=True):
        members = by_block.get(block)
        if members is None:
            by_block[block] = [c]
        else:
            members.append(c)
    charts: list[_ChartPick | None] = []
    for g, highlighted, elsewhere in zip(groups, common.highlighted, common.elsewhere,
                                         strict=True):
        subject, metric = g.subject, g.metric
        pool = by_block.get((subject, metric), [])
        if elsewhere:  # the chart plots them too, after the block's, in report order
            extra: dict[str, ClaimRow] = {}
            for f in g.findings:
                new = [c for c in map(by_id.get, f.claims) if c is not None and c.id not in extra
                       and (c.metric != metric or (c.subject or "") != subject)]
                if len(new) > 1:  # in the order the finding shows them
                    new.sort(key=_side_order(f.kind, doc_of))
                extra.update((c.id, c) for c in new)
            pool = pool + list(extra.values())
        picked = _chart_pick(pool, highlighted, doc_of)
        charts.append(None if picked is None else _ChartPick(
            picked[0], picked[1], picked[2],
            {c.id: highlighted[c.id] for c in picked[0] if c.id in highlighted}))
    kinds = Counter(map(_F_KIND, view.findings))
    severities = Counter(map(_F_SEVERITY, view.findings))
    statuses: Counter[str] = Counter(map(_F_STATUS, view.findings))
    counts = _Counts(
        len(view.docs), len(view.claims), len(view.findings), len(groups),
        tuple((k, kinds[k]) for k in sorted(kinds, key=lambda k: (
            KIND_ORDER.index(k) if k in KIND_ORDER else 99, k))),
        tuple((s, severities[s]) for s in sorted(severities,
                                                 key=lambda s: SEVERITY_ORDER.get(s, 9))),
        tuple((s, statuses[s]) for s in STATUS_LABEL if statuses[s]))
    # run order keeps a document's claims together: a list per run of one document
    by_doc: dict[str, list[ClaimRow]] = {
        doc: list(cs) for doc, cs in itertools.groupby(view.claims, _ROW_DOC)}
    if sum(map(len, by_doc.values())) != len(view.claims):  # a document's claims apart
        by_doc = defaultdict(list)
        for c in view.claims:
            by_doc[c.doc_id].append(c)
    index = _index_chunks(view.claims, by_doc, view.docs, path, label, common.page)
    return _Plan(counts, path, label, common.page, by_id, groups, charts, index, common)


_BLOCK_SUBJECT = {None: ""}  # a claim's subject -> that of its (subject, metric) block


def _index_chunks(claims: Sequence[ClaimRow], by_doc: Mapping[str, list[ClaimRow]],
                  docs: Sequence[DocRow], path: Mapping[str, str], number: Mapping[str, str],
                  page: Mapping[str, str]
                  ) -> list[tuple[str, int, list[_Chunk]]]:
    """The claims index: subjects in order, each with its claim count and its rows sorted by
    (metric, document path, id), cut into chunks.

    A chunk is a few runs of rows of one (metric, document): a run starts a chunk when its
    document's id hashes to 0 modulo :data:`INDEX_CHUNK` (or it is the subject's first), so
    the cuts stay where they are when other rows come and go, and the chunk is named after
    the run that starts it. Adding an article changes a chunk per run of its rows.
    """
    labels = dict.fromkeys((s or "(no subject)") for s in dict.fromkeys(c.subject for c in claims))
    # per subject: its rows in order, by metric
    parts_of: dict[str, list[tuple[str, list[ClaimRow]]]] = defaultdict(list)
    if len(set(path.values())) == len(path) and all(d in path for d in by_doc):
        buckets: dict[tuple[str, str], list[ClaimRow]] = {}
        for d in docs:  # in path order, each document's rows by id
            cs = by_doc.get(d.id)
            if cs is None:
                continue
            for c in (sorted(cs, key=_CLAIM_ID) if len(cs) > 1 else cs):
                bucket = buckets.get((c.subject or "(no subject)", c.metric))
                if bucket is None:
                    buckets[(c.subject or "(no subject)", c.metric)] = [c]
                else:
                    bucket.append(c)
        for (label, metric), bucket in buckets.items():
            parts_of[label].append((metric, bucket))
        for parts in parts_of.values():
            parts.sort(key=lambda part: part[0])
    else:  # two documents with one path (their rows interleave by claim id), or unknown ones
        rows_of: dict[str, list[ClaimRow]] = defaultdict(list)
        for c in claims:
            rows_of[c.subject or "(no subject)"].append(c)
        for label, cs in rows_of.items():
            cs.sort(key=lambda c: (c.metric, path.get(c.doc_id, c.doc_id), c.id))
            parts_of[label] = [(m, list(g)) for m, g in itertools.groupby(cs, _CLAIM_METRIC)]
    doc_path = {d: path.get(d, d) for d in by_doc}
    doc_number = {d: f"{number.get(d, '')}@{page.get(d, FIRST_SOURCES_PAGE)}" for d in by_doc}
    cuts = {d for d in by_doc if zlib.crc32(d.encode("utf-8", "surrogatepass")) % INDEX_CHUNK == 0}
    subjects = []
    for label in sorted(labels, key=lambda s: (s == "(no subject)", str(s).lower())):
        chunks: list[_Chunk] = []
        seen: set[str] = set()
        rows: list[ClaimRow] = []
        run_docs: list[str] = []  # the document of each run of the chunk
        name = f"{label}\x1f"
        count = 0
        for metric, part in parts_of[label]:
            previous = None
            for c in part:
                doc_id = c.doc_id
                if doc_id != previous:  # a run starts
                    previous = doc_id
                    if doc_id in cuts and rows:
                        chunks.append(_chunk(name, rows, run_docs, doc_path, doc_number))
                        name = f"{label}\x1f{metric}\x1f{doc_id}"
                        while name in seen:
                            name += "+"
                        seen.add(name)
                        count += len(rows)
                        rows, run_docs = [], []
                    run_docs.append(doc_id)
                rows.append(c)
        chunks.append(_chunk(name, rows, run_docs, doc_path, doc_number))
        subjects.append((label, count + len(rows), chunks))
    return subjects


def _chunk(name: str, rows: list[ClaimRow], docs: list[str], doc_path: Mapping[str, str],
           doc_number: Mapping[str, str]) -> _Chunk:
    return _Chunk(name, rows, " ".join(map(_ROW_ID, rows)) + "\x1e" + "\x1f".join(
        map(doc_path.__getitem__, docs)), " ".join(map(doc_number.__getitem__, docs)))


@functools.cache
def _html_macros() -> tuple[Any, markupsafe.Markup, str]:
    """The HTML pages' macros, their script and its CSP hash: compiled once per process (the
    HTML environment's filters remember nothing, unlike the Markdown page's, made per
    render), since a run renders several pages."""
    env = _environment(html=True)
    script = env.loader.get_source(env, "report.js")[0]  # type: ignore[union-attr]
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest())
    return (env.get_template(HTML_TEMPLATE).module, markupsafe.Markup(script),
            f"sha256-{digest.decode()}")


class _Renderer:
    """What rendering a piece needs, made on first use: a reused piece needs none of it."""

    def __init__(self, view: View, plan: _Plan, *, html: bool) -> None:
        self.view, self.plan, self.is_html = view, plan, html
        self._macros: Any = None
        self.script = markupsafe.Markup("")
        self.script_hash = ""
        self._views: dict[str, ClaimView] = {}
        self._sides: dict[str, markupsafe.Markup] = {}

    @property
    def macros(self) -> Any:
        if self._macros is None:
            if self.is_html:
                self._macros, self.script, self.script_hash = _html_macros()
            else:
                self._macros = _environment(html=False).get_template(MD_TEMPLATE).module
        return self._macros

    def claim_views(self, ids: Sequence[str]) -> list[ClaimView]:
        """The claims with these ids (unknown ones left out) as the report shows them."""
        missing = [i for i in ids if i not in self._views]
        if missing:
            claims = self.view.full_claims(missing)
            documents = self.view.full_documents(sorted({c.doc_id for c in claims.values()}))
            for claim in claims.values():
                cv = claim_view(claim, documents.get(claim.doc_id), self.plan.label,
                                self.plan.page)
                path = self.plan.path.get(claim.doc_id)
                if path is not None and cv.doc != path:  # the document moved since it was stored
                    cv = dataclasses.replace(cv, doc=path)
                self._views[claim.id] = cv
        return [self._views[i] for i in ids if i in self._views]

    def finding(self, f: Finding) -> FindingView:
        return FindingView(finding=f, claims=sorted(self.claim_views(f.claims),
                                                    key=_side_order(f.kind)),
                           reason=KIND_REASON.get(f.kind, ""), repair=repair_pair(f))

    def side(self, c: ClaimView) -> markupsafe.Markup:
        """A claim's side-by-side block (HTML), rendered once."""
        block = self._sides.get(c.id)
        if block is None:
            block = self._sides[c.id] = self.macros.side(c)
        return block

    def md(self, sep: str, name: str, *args: Any) -> str:
        """A Markdown piece: macro ``name`` of the arguments, tidied, after ``sep``."""
        return _md_tidy(getattr(self.macros, name)(*args), sep)

    def md_group(self, g: OrderedGroup, pick: _ChartPick | None) -> str:
        return self.md("\n\n", "group", self.group(g, pick))

    def md_finding(self, f: Finding) -> str:
        return self.md("\n\n", "finding", self.finding(f))

    def md_rows(self, cs: Sequence[ClaimRow]) -> str:
        doc_of = self.plan.doc_of
        return self.md("\n", "rows", [_IndexRow(
            wording.name_words(c.metric), c.surface,
            wording.unit_words(human_interval(c.low, c.high, c.unit)),
            wording.modality_words(c.modality), doc_of(c)) for c in cs])

    def html(self, name: str, *args: Any) -> str:
        """An HTML piece: macro ``name`` of the arguments."""
        return str(getattr(self.macros, name)(*args))

    def html_group(self, g: OrderedGroup, pick: _ChartPick | None) -> str:
        return self.html("group", self.group(g, pick))

    def html_finding(self, f: Finding) -> str:
        fv = self.finding(f)
        macros = self.macros
        return str(macros.finding(fv, [self.side(c) for c in fv.claims]))

    def html_rows(self, cs: Sequence[ClaimRow]) -> str:
        return self.html("rows", self.claim_views([c.id for c in cs]))

    def group(self, g: OrderedGroup, pick: _ChartPick | None) -> GroupView:
        chart = None
        if pick is not None:
            rows = [_PlotRow(c.id, c.low, c.high, c.surface, self.plan.doc_of(c),
                             self.plan.label.get(c.doc_id, ""),
                             wording.unit_words(human_interval(c.low, c.high, c.unit)))
                    for c in pick.rows]
            chart = _chart_draw(rows, pick.unit, pick.omitted, pick.kinds)
        return GroupView(key=g.key, subject=g.label, metric=g.metric_label,
                         severity=g.severity, chart=chart)


_HEADING_GAP = re.compile(r"^(#{1,6} [^\n]*)\n+", re.MULTILINE)
_GAP_HEADING = re.compile(r"\n+(#{1,6} )")
_BLANK_RUN = re.compile(r"\n{3,}")


def _md_tidy(text: str, sep: str) -> str:
    """A Markdown piece, tidied: ``sep`` (a blank line before a block, a newline before table
    rows), then the text with one blank line after every heading and before it, no runs of
    blank lines, no newlines at its edges."""
    text = _HEADING_GAP.sub(r"\1\n\n", text)
    text = _GAP_HEADING.sub(r"\n\n\1", text)
    return sep + _BLANK_RUN.sub("\n\n", text).strip("\n")


def _group_key(g: OrderedGroup) -> str:
    return f"{g.subject}\x1f{g.metric}"


def _md_pieces(view: View, plan: _Plan) -> list[splice.Piece]:
    r = _Renderer(view, plan, html=False)
    P, sig = splice.Piece, splice.sig
    counts = plan.counts
    keys, sigs, at = plan.shared.keys, plan.shared.sigs, 0
    pieces = [P("head", sig(counts), partial(r.md, "", "head", counts))]
    for g, pick in zip(plan.groups, plan.charts, strict=True):
        chart_sig = None if pick is None else (
            pick.unit, pick.omitted, tuple((c.id, plan.doc_of(c)) for c in pick.rows))
        pieces.append(P("g:" + _group_key(g), sig(g.label, g.metric_label, chart_sig),
                        partial(r.md_group, g, pick)))
        end = at + len(g.findings)
        pieces += pieces_of(keys[at:end], sigs[at:end],
                            map(partial, repeat(r.md_finding), g.findings))
        at = end
    if plan.index:
        pieces.append(P("index", "", partial(r.md, "\n\n", "index_head")))
    for label, _, chunks in plan.index:
        pieces.append(P("s:" + label, "", partial(r.md, "\n\n", "subject", label)))
        for chunk in chunks:
            pieces.append(P("r:" + chunk.key, chunk.md_sig, partial(r.md_rows, chunk.rows)))
    if view.skipped:
        skipped = list(view.skipped)
        pieces.append(P("skipped", sig(tuple((s.path, s.reason) for s in skipped)),
                        partial(r.md, "\n\n", "skipped", skipped)))
    pieces.append(P("end", "", partial(str, "\n")))
    return pieces


def markdown_pieces(view: View) -> list[splice.Piece]:
    """``contradictions.md``: the report for a terminal or a code host.

    Pieces: the head, per group its heading (and values line) and its findings, per
    claims-index subject its heading and its runs of index rows of one (metric, document),
    skipped files, the end."""
    return _md_pieces(view, _plan(view))
