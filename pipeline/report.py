"""Report stage: findings, claims and documents -> text of the output files.

Pure functions returning strings; ``pipeline.api`` writes them atomically. The Markdown and
HTML pages are Jinja2 templates under ``pipeline/templates/`` (HTML autoescaped: every piece
of article text goes through escaping, and nothing from an article is ever placed in a URL
unless it is an ``http(s)`` address). Output is deterministic: sorted groups, fixed float
formatting, no timestamps, so golden files and committed ``out/`` stay stable.
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import jinja2
import markupsafe

from pipeline.models import SEVERITY_ORDER, Claim, Document, Finding, Skip

#: Report order of finding kinds: real problems first, reassurance last.
KIND_ORDER: tuple[str, ...] = (
    "contradiction", "arithmetic_error", "divergence", "update", "scope", "alternative",
    "garbled", "reconciled", "arithmetic_ok",
)
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
}
STATUS_LABEL: dict[str, str] = {
    "open": "open", "confirmed": "confirmed", "dismissed": "dismissed", "explained": "explained",
}
_CURRENCY_SYMBOL = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥"}
_CURRENCY_SIGNS = frozenset(_CURRENCY_SYMBOL.values())
_SAFE_URL = re.compile(r"^https?://[^\s\"'<>]+$", re.IGNORECASE)

# --------------------------------------------------------------------------- formatting


def _fmt(x: float | None) -> float | None:
    """A float rounded to 6 significant digits (stable across platforms), or None."""
    return None if x is None else float(f"{x:.6g}")


def _number(x: float) -> str:
    a = abs(x)
    for suffix, factor in (("T", 1e12), ("B", 1e9), ("M", 1e6)):
        if a >= factor:
            return f"{x / factor:.4g}{suffix}"
    if a >= 1000:
        return f"{x:,.0f}"
    return f"{x:.4g}"


def human(x: float | None, unit: str) -> str:
    """``2e9, "USD"`` -> ``$2B``; ``12000, "GPU"`` -> ``12,000 GPU``; ``None`` -> ``?``."""
    if x is None or not math.isfinite(x):
        return "?"
    head, _, rest = unit.partition("/")
    head, rest = head.strip(), rest.strip()
    tail = f"/{rest}" if rest else ""
    if head in _CURRENCY_SYMBOL:
        return f"{'-' if x < 0 else ''}{_CURRENCY_SYMBOL[head]}{_number(abs(x))}{tail}"
    if head == "percent":
        return f"{_number(x)}%{tail}"
    return f"{_number(x)} {unit}".rstrip()


def human_interval(low: float | None, high: float | None, unit: str) -> str:
    if low is None and high is None:
        return "?"
    if low is None:
        return f"≤ {human(high, unit)}"
    if high is None:
        return f"≥ {human(low, unit)}"
    if low == high:
        return human(low, unit)
    return f"{human(low, unit)} – {human(high, unit)}"


def safe_url(url: str | None) -> str | None:
    """The URL when it is a plain http(s) address, else None (never ``javascript:``...)."""
    if url and _SAFE_URL.match(url.strip()):
        return url.strip()
    return None


Highlight = tuple[int, int]


def _squeezed_find(sentence: str, surface: str) -> Highlight | None:
    """Find ``surface`` in ``sentence`` comparing letters and digits only (a repaired run reads
    ``$5 million a year`` where the article had ``5millionayear``)."""
    def squeeze(text: str) -> tuple[str, list[int]]:
        keep = [i for i, ch in enumerate(text) if ch.isalnum()]
        return "".join(text[i] for i in keep).casefold(), keep

    needle = squeeze(surface)[0]
    hay, where = squeeze(sentence)
    at = hay.find(needle) if needle else -1
    if at < 0:
        return None
    start, end = where[at], where[at + len(needle) - 1] + 1
    while start > 0 and sentence[start - 1] in _CURRENCY_SIGNS:
        start -= 1
    return start, end


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
        return _squeezed_find(sentence, surface)
    if claim.repaired:  # the repair restored a currency sign the garbled text had lost
        while at > 0 and sentence[at - 1] in _CURRENCY_SIGNS:
            at -= 1
    return at, sentence.find(surface, at) + len(surface)


def figure_spans(claims: Sequence[Claim],
                 documents: Mapping[str, Document]) -> dict[str, Highlight]:
    """:func:`figure_span` of every claim whose figure was found in its sentence."""
    found = {c.id: figure_span(c, documents.get(c.doc_id)) for c in claims}
    return {k: v for k, v in found.items() if v is not None}


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
    number: int
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
class Group:
    key: str
    subject: str
    metric: str
    severity: str
    findings: list[FindingView]
    chart: Chart | None


@dataclass
class ReportData:
    """Everything a template needs, computed once and deterministically."""

    documents: list[Document]
    n_claims: int
    groups: list[Group]
    kinds: list[tuple[str, int]]
    severities: list[tuple[str, int]]
    statuses: list[tuple[str, int]]
    index: list[tuple[str, list[ClaimView]]]
    skipped: list[Skip]
    n_findings: int
    reasons: dict[str, str] = field(default_factory=lambda: dict(KIND_REASON))


def document_numbers(documents: Mapping[str, Document]) -> dict[str, int]:
    """Document id -> its 1-based number in the report's source list (sorted by path)."""
    ordered = sorted(documents.values(), key=lambda d: (d.path, d.id))
    return {d.id: i for i, d in enumerate(ordered, start=1)}


def claim_view(claim: Claim, documents: Mapping[str, Document],
               figure_at: Mapping[str, Highlight], numbers: Mapping[str, int]) -> ClaimView:
    doc = documents.get(claim.doc_id)
    q, n = claim.quantity, claim.normalized
    written_unit = q.unit + (f"/{q.per}" if q.per else "")
    return ClaimView(
        id=claim.id, doc=doc.path if doc else claim.doc_id, number=numbers.get(claim.doc_id, 0),
        title=doc.title if doc else None,
        url=safe_url(doc.source) if doc else None, subject=claim.subject, metric=claim.metric,
        surface=claim.span.text, sentence=claim.sentence,
        pieces=_split_sentence(claim.sentence, figure_at.get(claim.id)),
        written=human_interval(q.low, q.high, written_unit), normalized=human_interval(
            n.low, n.high, n.unit), unit=n.unit, low=n.low, high=n.high,
        modality=claim.modality, as_of=claim.as_of, repaired=claim.repaired, hedges=claim.hedges,
    )


_QUOTED_PAIR = re.compile(r"[“\"](?P<original>.+?)[”\"] repaired to [“\"](?P<repaired>.+?)[”\"]",
                          re.DOTALL)


def repair_pair(finding: Finding) -> tuple[str, str] | None:
    """(original, repaired) of a garbled finding whose explanation quotes both, else None."""
    if finding.kind != "garbled":
        return None
    match = _QUOTED_PAIR.search(finding.explanation)
    return (match["original"], match["repaired"]) if match else None


def _side_order(kind: str) -> Callable[[ClaimView], tuple[Any, ...]]:
    """Sources side by side: oldest first for an update, else smallest value first."""
    def by_value(v: ClaimView) -> tuple[Any, ...]:
        return (v.low if v.low is not None else -math.inf, v.doc, v.id)

    if kind == "update":
        return lambda v: (v.as_of is None, v.as_of or "", *by_value(v))
    return by_value


def _finding_key(f: Finding) -> tuple[int, int, int, str]:
    kind = KIND_ORDER.index(f.kind) if f.kind in KIND_ORDER else len(KIND_ORDER)
    return (f.status == "dismissed", SEVERITY_ORDER.get(f.severity, 9), kind, f.id)


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


def build_chart(claims: Sequence[ClaimView], highlighted: Mapping[str, str], *,
                max_rows: int = 24) -> Chart | None:
    """A value-spread plot of the claims that share the most common unit of the group.

    Log scale when the values span more than a factor of 20; ``highlighted`` maps claim ids
    to the kind of the finding they belong to (for colour).
    """
    usable = [c for c in claims if (c.low is not None or c.high is not None)]
    if len(usable) < 2:
        return None
    unit = Counter(c.unit for c in usable if c.id in highlighted).most_common(1) or \
        Counter(c.unit for c in usable).most_common(1)
    chosen_unit = unit[0][0]
    rows_in = [c for c in usable if c.unit == chosen_unit]
    if len(rows_in) < 2:
        return None
    rows_in.sort(key=lambda c: (c.id not in highlighted,
                                c.low if c.low is not None else c.high or 0.0, c.doc, c.id))
    omitted = max(0, len(rows_in) - max_rows)
    rows_in = rows_in[:max_rows]
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
    for i, c in enumerate(rows_in):
        y = top + i * row_h + row_h / 2
        x1 = x(c.low) if c.low is not None else float(left)
        x2 = x(c.high) if c.high is not None else float(right)
        surface = re.sub(r"\s+", " ", c.surface)
        label = f"[{c.number}] {surface}" if c.number else surface
        value_x, anchor = x2 + 9, "start"  # the margin right of the plot holds the label
        rows.append({
            "value": c.normalized, "value_x": round(value_x, 1), "anchor": anchor,
            "doc": c.doc, "surface": surface,
            "y": y, "x1": x1, "x2": x2, "point": c.low is not None and c.low == c.high,
            "open_low": c.low is None, "open_high": c.high is None,
            "kind": highlighted.get(c.id, "other"),
            "label": label if len(label) <= 30 else label[:29] + "…",
            "tip": f"[{c.number}] {c.doc}: {surface} → {c.normalized}",
        })
    ticks = [(x(t), human(t, chosen_unit)) for t in _ticks(lo, hi, log)]
    height = top + len(rows) * row_h + 26
    return Chart(width=width, height=height, left=left, right=right, log=log, unit=chosen_unit,
                 ticks=ticks, rows=rows, omitted=omitted)


def build_report(
    findings: Sequence[Finding], claims: Sequence[Claim], documents: Mapping[str, Document],
    skipped: Sequence[Skip] = (), *, figure_at: Mapping[str, Highlight] | None = None,
) -> ReportData:
    """Group findings by (subject, metric), most severe group first, with charts and index.

    ``figure_at`` maps claim ids to the figure's ``(start, end)`` in its sentence (computed
    from the documents' text when not given).
    """
    if figure_at is None:
        figure_at = figure_spans(claims, documents)
    numbers = document_numbers(documents)
    views = {c.id: claim_view(c, documents, figure_at, numbers) for c in claims}
    by_block: dict[tuple[str, str], list[ClaimView]] = defaultdict(list)
    for c in claims:
        by_block[(c.subject or "", c.metric)].append(views[c.id])
    grouped: dict[tuple[str, str], list[Finding]] = defaultdict(list)
    for f in findings:
        grouped[(f.subject or "", f.metric or "")].append(f)
    groups: list[Group] = []
    for (subject, metric), members in grouped.items():
        members.sort(key=_finding_key)
        fviews = [FindingView(finding=f, claims=sorted(
            (views[c] for c in f.claims if c in views), key=_side_order(f.kind)),
            reason=KIND_REASON.get(f.kind, ""), repair=repair_pair(f)) for f in members]
        highlighted: dict[str, str] = {}
        for fv in reversed(fviews):  # most severe finding wins the colour
            for cv in fv.claims:
                highlighted[cv.id] = fv.finding.kind
        pool = {cv.id: cv for cv in by_block.get((subject, metric), [])}
        for fv in fviews:
            pool.update((cv.id, cv) for cv in fv.claims)
        live = [f for f in members if f.status != "dismissed"] or members
        severity = min((f.severity for f in live), key=lambda s: SEVERITY_ORDER.get(s, 9))
        key = re.sub(r"[^a-z0-9]+", "-", f"{subject}-{metric}".lower()).strip("-") or "group"
        label = subject or ("Repaired text" if {f.kind for f in members} == {"garbled"}
                            else "(no subject)")
        groups.append(Group(key=key, subject=label,
                            metric=metric.replace("_", " "), severity=severity,
                            findings=fviews, chart=build_chart(list(pool.values()), highlighted)))
    groups.sort(key=lambda g: (all(fv.finding.status == "dismissed" for fv in g.findings),
                               SEVERITY_ORDER.get(g.severity, 9),
                               min(_finding_key(fv.finding)[2] for fv in g.findings),
                               g.subject.lower(), g.metric))
    seen_keys: Counter[str] = Counter()
    for i, g in enumerate(groups):  # unique anchors
        seen_keys[g.key] += 1
        if seen_keys[g.key] > 1:
            groups[i] = Group(key=f"{g.key}-{seen_keys[g.key]}", subject=g.subject,
                              metric=g.metric, severity=g.severity, findings=g.findings,
                              chart=g.chart)
    index: dict[str, list[ClaimView]] = defaultdict(list)
    for c in claims:
        index[c.subject or "(no subject)"].append(views[c.id])
    kinds = Counter(f.kind for f in findings)
    severities = Counter(f.severity for f in findings)
    statuses: Counter[str] = Counter(f.status for f in findings)
    return ReportData(
        documents=sorted(documents.values(), key=lambda d: (d.path, d.id)), n_claims=len(claims),
        groups=groups,
        kinds=[(k, kinds[k]) for k in sorted(kinds, key=lambda k: (
            KIND_ORDER.index(k) if k in KIND_ORDER else 99, k))],
        severities=[(s, severities[s]) for s in sorted(severities,
                                                       key=lambda s: SEVERITY_ORDER.get(s, 9))],
        statuses=[(s, statuses[s]) for s in STATUS_LABEL if statuses[s]],
        index=[(subject, sorted(cs, key=lambda c: (c.metric, c.doc, c.id)))
               for subject, cs in sorted(index.items(), key=lambda kv: (
                   kv[0] == "(no subject)", kv[0].lower()))],
        skipped=list(skipped), n_findings=len(findings),
    )


# --------------------------------------------------------------------------- templates


_SPACES = re.compile(r"\s+")
_MD_SPECIAL = re.compile(r"[\\|<>`*\[\]_]")
_LONE_UNDERSCORE = re.compile(r"(?<![0-9A-Za-z])_|_(?![0-9A-Za-z])")


def _md_cell(text: str | None, *, strip: bool = True) -> str:
    """Text safe inside a Markdown table cell (pipes escaped, one line, no raw HTML)."""
    if text is None:
        return ""
    text = _SPACES.sub(" ", text)
    text = text.strip() if strip else text
    if _MD_SPECIAL.search(text) is None:
        return text
    text = (text.replace("\\", "\\\\").replace("|", "\\|").replace("<", "&lt;")
            .replace(">", "&gt;").replace("`", "\\`").replace("*", "\\*")
            .replace("[", "\\[").replace("]", "\\]"))
    # an underscore inside a word (gpu_count, 000_fc05.txt) never starts emphasis
    return _LONE_UNDERSCORE.sub(r"\\_", text) if "_" in text else text


def _md_code(text: str | None) -> str:
    """Inline code span that survives backticks in the text."""
    text = re.sub(r"\s+", " ", text or "").strip()
    fence = "``" if "`" in text else "`"
    return f"{fence} {text} {fence}" if fence == "``" else f"`{text}`"


def _md_sentence(pieces: list[tuple[str, bool]]) -> str:
    out = []
    for text, fig in pieces:
        flat = _md_cell(text, strip=fig)
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


def _environment(*, html: bool) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("pipeline", "templates"),
        autoescape=html, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    # one environment per render: the Markdown filters remember their answers for it (the
    # same documents, subjects and sentences come back in many findings)
    sentence = _remembered(_md_sentence_key)
    env.filters.update(md=_remembered(_md_cell), md_code=_remembered(_md_code),
                       md_sentence=lambda pieces: sentence(tuple(pieces)),
                       human=human, safe_url=safe_url)
    return env


def render_markdown(
    findings: Sequence[Finding], claims: Sequence[Claim], documents: Mapping[str, Document],
    skipped: Sequence[Skip] = (), *, figure_at: Mapping[str, Highlight] | None = None,
) -> str:
    """``contradictions.md``: the report for a terminal or a code host."""
    return _markdown(build_report(findings, claims, documents, skipped, figure_at=figure_at))


def _markdown(data: ReportData) -> str:
    text = _environment(html=False).get_template("contradictions.md.j2").render(r=data)
    text = re.sub(r"^(#{1,6} [^\n]*)\n+", r"\1\n\n", text, flags=re.MULTILINE)
    text = re.sub(r"\n+(#{1,6} )", r"\n\n\1", text)
    return re.sub(r"\n{3,}", "\n\n", text).rstrip("\n") + "\n"


def render_html(
    findings: Sequence[Finding], claims: Sequence[Claim], documents: Mapping[str, Document],
    skipped: Sequence[Skip] = (), *, figure_at: Mapping[str, Highlight] | None = None,
) -> str:
    """``report.html``: one self-contained page (inline CSS and JS, no network)."""
    return _html(build_report(findings, claims, documents, skipped, figure_at=figure_at))


def _html(data: ReportData) -> str:
    env = _environment(html=True)
    script = env.loader.get_source(env, "report.js")[0]  # type: ignore[union-attr]
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode()
    # a claim is shown in every finding about it: its block is rendered once
    side = env.get_template("side.html.j2")
    sides: dict[str, markupsafe.Markup] = {}
    for g in data.groups:
        for fv in g.findings:
            for c in fv.claims:
                if c.id not in sides:
                    sides[c.id] = markupsafe.Markup(side.render(c=c))
    return env.get_template("report.html.j2").render(
        r=data, sides=sides, script=markupsafe.Markup(script), script_hash=f"sha256-{digest}")


# --------------------------------------------------------------------------- JSON outputs


def report_order(findings: Sequence[Finding]) -> list[Finding]:
    """The findings in the order the report shows them (group by group)."""
    return [fv.finding for g in build_report(findings, [], {}).groups for fv in g.findings]


def claim_record(claim: Claim, documents: Mapping[str, Document],
                 figure_at: Mapping[str, Highlight] | None = None) -> dict[str, Any]:
    """The JSON shape of a claim embedded in a finding."""
    doc = documents.get(claim.doc_id)
    at = figure_at.get(claim.id) if figure_at is not None else figure_span(claim, doc)
    return {
        "id": claim.id,
        "doc": doc.path if doc else claim.doc_id,
        "doc_id": claim.doc_id,
        "title": doc.title if doc else None,
        "source": doc.source if doc else None,
        "sentence": claim.sentence,
        "surface": claim.span.text,
        "highlight": list(at) if at else None,
        "start": claim.span.start,
        "end": claim.span.end,
        "value": _fmt(claim.quantity.value),
        "low": _fmt(claim.quantity.low),
        "high": _fmt(claim.quantity.high),
        "bound": claim.quantity.bound,
        "unit": claim.quantity.unit,
        "per": claim.quantity.per,
        "normalized": {"low": _fmt(claim.normalized.low), "high": _fmt(claim.normalized.high),
                       "unit": claim.normalized.unit},
        "subject": claim.subject,
        "metric": claim.metric,
        "modality": claim.modality,
        "as_of": claim.as_of,
        "repaired": claim.repaired,
    }


class _NotPlain(Exception):
    """A value :func:`pretty_json` leaves to ``json.dumps``."""


_encode_str = json.encoder.encode_basestring  # type: ignore[attr-defined]
_FLOAT_SPECIAL = {math.inf: "Infinity", -math.inf: "-Infinity"}


class _Memo:
    """A JSON value met many times in one document (a claim embedded in each of its
    findings): :func:`pretty_json` writes it once per indentation and reuses the text."""

    __slots__ = ("make", "texts", "value")

    def __init__(self, make: Callable[[], Any]) -> None:
        self.make = make
        self.value: Any = None
        self.texts: dict[str, str] = {}

    def get(self) -> Any:
        if self.value is None:
            self.value = self.make()
        return self.value


def _emit_json(value: Any, newline: str, parts: list[str]) -> None:
    kind = type(value)
    if kind is _Memo:
        text = value.texts.get(newline)
        if text is None:
            pieces: list[str] = []
            _emit_json(value.get(), newline, pieces)
            text = value.texts[newline] = "".join(pieces)
        parts.append(text)
    elif kind is str:
        parts.append(_encode_str(value))
    elif kind is dict:
        if not value:
            parts.append("{}")
            return
        inner = newline + "  "
        sep = "{" + inner
        for key, item in sorted(value.items()):
            if type(key) is not str:
                raise _NotPlain
            head = sep + _encode_str(key) + ": "
            if type(item) is str:  # leaves inline: most values are strings or null
                parts.append(head + _encode_str(item))
            elif item is None:
                parts.append(head + "null")
            else:
                parts.append(head)
                _emit_json(item, inner, parts)
            sep = "," + inner
        parts.append(newline + "}")
    elif kind is list or kind is tuple:
        if not value:
            parts.append("[]")
            return
        inner = newline + "  "
        sep = "[" + inner
        for item in value:
            if type(item) is str:
                parts.append(sep + _encode_str(item))
            else:
                parts.append(sep)
                _emit_json(item, inner, parts)
            sep = "," + inner
        parts.append(newline + "]")
    elif value is None:
        parts.append("null")
    elif value is True:
        parts.append("true")
    elif value is False:
        parts.append("false")
    elif kind is int:
        parts.append(int.__repr__(value))
    elif kind is float:
        if value != value:
            parts.append("NaN")
        else:
            parts.append(_FLOAT_SPECIAL.get(value) or float.__repr__(value))
    else:
        raise _NotPlain


def _unknown(value: Any) -> Any:
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def pretty_json(value: Any) -> str:
    """``json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True)``, byte for byte.

    ``json.dumps`` with ``indent`` runs its pure-Python encoder (generators per level);
    this writer appends to one list. Values other than plain dicts with string keys, lists,
    tuples, strings, ints, floats, bools and None go to ``json.dumps``.
    """
    parts: list[str] = []
    try:
        _emit_json(value, "\n", parts)
    except _NotPlain:
        return json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True,
                          default=lambda v: v.get() if isinstance(v, _Memo) else _unknown(v))
    return "".join(parts)


# Characters str.splitlines() breaks on that json.dumps(ensure_ascii=False) leaves as they are.
_LINE_BREAKERS = {"\x85": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def _one_line_json(record: dict[str, Any]) -> str:
    """JSON on one physical line for every line reader, ``splitlines()`` included."""
    text = json.dumps(record, ensure_ascii=False, sort_keys=True)
    for char, escaped in _LINE_BREAKERS.items():
        text = text.replace(char, escaped)
    return text


def render_claims_jsonl(claims: Sequence[Claim], documents: Mapping[str, Document], *,
                        figure_at: Mapping[str, Highlight] | None = None) -> str:
    """``claims.jsonl``; ``figure_at`` as :func:`figure_spans` gives it (else computed)."""
    lines = []
    for claim in claims:
        record = claim.model_dump(mode="json")
        record["doc"] = documents[claim.doc_id].path if claim.doc_id in documents else None
        at = figure_span(claim, documents.get(claim.doc_id)) if figure_at is None \
            else figure_at.get(claim.id)
        record["highlight"] = list(at) if at else None
        lines.append(_one_line_json(record))
    return "\n".join(lines) + ("\n" if lines else "")


def render_json(
    findings: Sequence[Finding], claims: Sequence[Claim], documents: Mapping[str, Document],
    skipped: Sequence[Skip] = (), *, figure_at: Mapping[str, Highlight] | None = None,
    order: Sequence[Finding] | None = None,
) -> str:
    """``contradictions.json``: findings (with review status) embedding their claims.

    ``order``: the findings in report order when the caller has it (else computed).
    """
    by_id = {c.id: c for c in claims}
    # a claim is in every finding about it: its record is built and written once
    records: dict[str, _Memo] = {}

    def record(cid: str) -> _Memo:
        memo = records.get(cid)
        if memo is None:
            claim = by_id[cid]
            memo = records[cid] = _Memo(lambda: claim_record(claim, documents, figure_at))
        return memo

    payload = {
        "documents": [{"id": d.id, "path": d.path, "title": d.title, "source": d.source,
                       "published": d.published}
                      for d in sorted(documents.values(), key=lambda d: d.path)],
        "findings": [
            {**f.model_dump(mode="json"),
             "claims": [record(c) for c in f.claims if c in by_id]}
            for f in (report_order(findings) if order is None else order)
        ],
        "skipped": [s.model_dump(mode="json") for s in skipped],
    }
    return pretty_json(payload) + "\n"


_RATING = {"contradiction": (1, "Contradicted by other sources"),
           "arithmetic_error": (1, "Arithmetic does not add up"),
           "divergence": (2, "Diverges from other sources"),
           "update": (3, "Superseded by a later figure"),
           "scope": (3, "Different scope than other sources"),
           "reconciled": (5, "Consistent after normalization"),
           "arithmetic_ok": (5, "Arithmetic checks out")}


def render_claimreview(
    findings: Sequence[Finding], claims: Sequence[Claim], documents: Mapping[str, Document],
    *, order: Sequence[Finding] | None = None,
) -> str:
    """``claimreview.jsonld``: schema.org ClaimReview items for fact-check interop.

    One item per (finding, claim) for the kinds that carry a verdict, dismissed findings
    left out. ``order``: the findings in report order when the caller has it.
    """
    by_id = {c.id: c for c in claims}
    items = []
    for f in (report_order(findings) if order is None else order):
        if f.kind not in _RATING or f.status == "dismissed":
            continue
        value, label = _RATING[f.kind]
        for cid in f.claims:
            claim = by_id.get(cid)
            if claim is None:
                continue
            doc = documents.get(claim.doc_id)
            appearance: dict[str, Any] = {"@type": "CreativeWork",
                                          "name": (doc.title or doc.path) if doc else claim.doc_id}
            if doc and safe_url(doc.source):
                appearance["url"] = safe_url(doc.source)
            if doc and doc.published:
                appearance["datePublished"] = doc.published
            items.append({
                "@type": "ClaimReview",
                "identifier": f"{f.id}/{claim.id}",
                "author": {"@type": "Organization", "name": "claims (automated consistency "
                           "check" + (", reviewed" if f.status != "open" else "") + ")"},
                "claimReviewed": claim.sentence,
                "itemReviewed": {"@type": "Claim", "appearance": appearance},
                "reviewRating": {"@type": "Rating", "ratingValue": value, "bestRating": 5,
                                 "worstRating": 1, "alternateName": label,
                                 "ratingExplanation": f.note or f.explanation},
            })
    payload = {"@context": "https://schema.org", "@graph": items}
    return pretty_json(payload) + "\n"


def render_all(
    findings: Sequence[Finding], claims: Sequence[Claim], documents: Mapping[str, Document],
    skipped: Sequence[Skip] = (), *, figure_at: Mapping[str, Highlight] | None = None,
) -> dict[str, str]:
    """Every report file (name -> text); ``findings`` already carry their review status.

    ``figure_at`` (claim id -> ``(start, end)`` of the figure in its sentence) is computed
    from the documents' text when not given; a re-render from ``out/`` passes the saved ones.
    """
    if figure_at is None:
        figure_at = figure_spans(claims, documents)
    data = build_report(findings, claims, documents, skipped, figure_at=figure_at)
    # the group order depends on the findings only, so it is report_order(findings)
    order = [fv.finding for g in data.groups for fv in g.findings]
    return {
        "contradictions.json": render_json(findings, claims, documents, skipped,
                                           figure_at=figure_at, order=order),
        "contradictions.md": _markdown(data),
        "report.html": _html(data),
        "claimreview.jsonld": render_claimreview(findings, claims, documents, order=order),
    }
