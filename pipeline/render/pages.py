"""``report.html`` and the folder ``report/``: the report for people as small static pages.

One page of every finding does not scale (66 MB at 10,000 articles), so the report is an
index and pages linked from it, all static files that open from ``file://`` (no server, no
``fetch``):

* ``report.html`` (:func:`index_pieces`): the counts per kind, severity and review status,
  and the groups of findings by (subject, metric), most severe first, a row each linking to
  its page (the row carries its findings' counts per kind, severity and status, so the
  filters show what is left of each group); the repaired-text findings' pages in a section
  collapsed at first; the claims index's pages; skipped files.
* ``report/`` (:func:`folder_pieces`): a page per group (``g-….html``: its chart, its findings
  but the repaired-text ones), the repaired-text findings (``repaired….html``), the claims
  index (``claims….html``) and the sources (``sources.html``, ``sources-HASH.html``…, about a
  thousand documents a page, cut by content).

Every page has the same filters (their state in the URL's hash, carried by the links between
pages) and the same script. A page is signed pieces like every output file
(:mod:`pipeline.render.splice`); the pieces come from the plan both report pages share
(:func:`report._plan`), and a page's name comes from what it shows (a group's subject and
metric, the finding or index rows that start it), so adding articles rewrites only the pages
whose pieces changed. Cuts between pages of repaired text and of the claims index are made
by content (a hash of the finding id, of the index chunk), so they stay where they are when
other findings come and go.
"""

from __future__ import annotations

import operator
import re
import zlib
from collections import Counter
from collections.abc import Sequence
from functools import partial
from itertools import repeat
from typing import NamedTuple

from pipeline.models import SEVERITY_ORDER, Finding
from pipeline.render import splice
from pipeline.render.order import KIND_ORDER, OrderedGroup
from pipeline.render.report import (
    FIRST_SOURCES_PAGE,
    STATUS_LABEL,
    _Chunk,
    _group_key,
    _Plan,
    _plan,
    _Renderer,
    pieces_of,
)
from pipeline.state.rows import DocRow, View

FOLDER = "report"
"""The folder of the report's pages, next to ``report.html``."""
REPAIRED_PAGE = 48
"""About one repaired-text finding in this many starts a page (by a hash of its id)."""
CLAIMS_PAGE = 24
"""About one claims-index chunk in this many starts a page (by a hash of its key)."""
GARBLED = "garbled"


class Counts(NamedTuple):
    """The counts a page's filters show: of each kind and severity, and in all."""

    kinds: tuple[tuple[str, int], ...]
    severities: tuple[tuple[str, int], ...]
    n_findings: int


class IndexCounts(NamedTuple):
    """What the top of the index shows."""

    n_documents: int
    n_claims: int
    n_findings: int  # in groups (repaired text aside)
    n_groups: int
    n_repaired: int
    kinds: tuple[tuple[str, int], ...]  # of the groups' findings (the filters)
    severities: tuple[tuple[str, int], ...]
    statuses: tuple[tuple[str, int], ...]  # of every finding
    every_severity: tuple[str, ...]  # of every finding (the columns of ``table``)
    #: per kind (every finding): its counts per severity (in ``every_severity`` order), open,
    #: reviewed and in all
    table: tuple[tuple[str, tuple[int, ...], int, int, int], ...]


class GroupRow(NamedTuple):
    """A group's row in the index."""

    page: str
    label: str
    metric: str
    severity: str
    kinds: tuple[tuple[str, int], ...]
    n: int
    combos: str  # "kind:severity:status:count ..." of its findings
    words: str  # what the word filter searches (lower case)


class GroupPage(NamedTuple):
    group: OrderedGroup
    chart: int  # the group's position in the plan (its chart)
    page: str
    at: list[int]  # the positions of its findings in report order


class Pages(NamedTuple):
    """Which page shows what, made once per view (:func:`pages_plan`)."""

    plan: _Plan
    groups: list[GroupPage]
    repaired: list[tuple[str, list[int]]]  # page name, positions of its findings
    claims: list[tuple[str, list[tuple[str, int, list[_Chunk], bool]]]]  # page, its subjects
    n_repaired: int


def _kind_rank(kind: str) -> tuple[int, str]:
    return (KIND_ORDER.index(kind) if kind in KIND_ORDER else 99, kind)


# a finding's fields by C-level getters: counted over every finding, per page and in all
_KIND, _SEVERITY, _STATUS = map(operator.attrgetter, ("kind", "severity", "status"))


def _counts(findings: Sequence[Finding]) -> Counts:
    kinds = Counter(map(_KIND, findings))
    severities = Counter(map(_SEVERITY, findings))
    return Counts(tuple((k, kinds[k]) for k in sorted(kinds, key=_kind_rank)),
                  tuple((s, severities[s]) for s in sorted(
                      severities, key=lambda s: (SEVERITY_ORDER.get(s, 9), s))),
                  len(findings))


def page_name(subject: str, metric: str) -> str:
    """The file name of a group's page: readable, and the same for the same group in every
    run (a hash of its subject and metric)."""
    slug = re.sub(r"[^a-z0-9]+", "-", f"{subject}-{metric}".lower()).strip("-")[:48].strip("-")
    digest = zlib.crc32(f"{subject}\x1f{metric}".encode("utf-8", "surrogatepass"))
    return f"g-{slug or 'group'}-{digest:08x}.html"


def _cut(text: str, every: int) -> bool:
    return zlib.crc32(text.encode("utf-8", "surrogatepass")) % every == 0


def pages_plan(view: View) -> Pages:
    """:class:`Pages` of ``view``, made on first use and remembered by the view."""
    return view.shared("report.pages", _make_pages)


def _make_pages(view: View) -> Pages:
    plan = _plan(view)
    order = plan.shared.order
    groups: list[GroupPage] = []
    garbled: list[int] = []
    at = 0
    for n, g in enumerate(plan.groups):
        mine: list[int] = []
        for i in range(at, at + len(g.findings)):
            (garbled if order[i].kind == GARBLED else mine).append(i)
        at += len(g.findings)
        if mine:
            groups.append(GroupPage(g, n, page_name(g.subject, g.metric), mine))
    # repaired text: by the document of the first claim, then id; cut by the finding id
    rows, path = plan.shared.rows, plan.path

    def where(i: int) -> tuple[str, str]:
        f = order[i]
        row = rows.get(f.claims[0]) if f.claims else None
        return (path.get(row.doc_id, row.doc_id) if row is not None else "", f.id)

    garbled.sort(key=where)
    repaired: list[tuple[str, list[int]]] = []
    for i in garbled:
        fid = order[i].id
        if not repaired or _cut(fid, REPAIRED_PAGE):
            name = "repaired.html" if not repaired else f"repaired-{_safe(fid)}.html"
            repaired.append((name, []))
        repaired[-1][1].append(i)
    claims: list[tuple[str, list[tuple[str, int, list[_Chunk], bool]]]] = []
    for label, n, chunks in plan.index:
        continued = False
        for chunk in chunks:
            if not claims or _cut(chunk.key, CLAIMS_PAGE):
                name = "claims.html" if not claims else \
                    f"claims-{zlib.crc32(chunk.key.encode('utf-8', 'surrogatepass')):08x}.html"
                claims.append((name, []))
            subjects = claims[-1][1]
            if not subjects or subjects[-1][0] != label:
                subjects.append((label, n, [], continued))
            subjects[-1][2].append(chunk)
            continued = True
    seen: Counter[str] = Counter()  # two cuts of one hash (unlikely): unique names
    for i, (name, subjects) in enumerate(claims):
        seen[name] += 1
        if seen[name] > 1:
            claims[i] = (name.replace(".html", f"-{seen[name]}.html"), subjects)
    return Pages(plan, groups, repaired, claims, len(garbled))


def _safe(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "-", text)[:64]


def _index_counts(view: View, pages: Pages) -> IndexCounts:
    plan, order = pages.plan, pages.plan.shared.order
    in_groups = [order[i] for g in pages.groups for i in g.at]
    c = _counts(in_groups)
    every = _counts(view.findings)
    statuses: Counter[str] = Counter(map(_STATUS, view.findings))
    severity_names = [s for s, _ in every.severities]
    table = []
    # one pass over them all
    per_kind: Counter[tuple[str, str]] = Counter(zip(map(_KIND, view.findings),
                                                     map(_SEVERITY, view.findings),
                                                     strict=True))
    open_kind: Counter[str] = Counter(f.kind for f in view.findings if f.status == "open")
    for kind, n in every.kinds:
        open_ = open_kind[kind]
        table.append((kind, tuple(per_kind[kind, s] for s in severity_names), open_,
                      n - open_, n))
    return IndexCounts(
        plan.counts.n_documents, plan.counts.n_claims, len(in_groups), len(pages.groups),
        pages.n_repaired, c.kinds, c.severities,
        tuple((s, statuses[s]) for s in STATUS_LABEL if statuses[s]), tuple(severity_names),
        tuple(table))


def _group_row(pages: Pages, g: GroupPage) -> GroupRow:
    order = pages.plan.shared.order
    findings = [order[i] for i in g.at]
    combos = Counter(zip(map(_KIND, findings), map(_SEVERITY, findings),
                         map(_STATUS, findings), strict=True))
    live = [f for f in findings if f.status != "dismissed"] or findings
    severity = min((f.severity for f in live), key=lambda s: SEVERITY_ORDER.get(s, 9))
    kinds = _counts(findings).kinds
    words = f"{g.group.label} {g.group.metric_label} {g.group.subject}".lower()
    return GroupRow(g.page, g.group.label, g.group.metric_label, severity, kinds, len(findings),
                    " ".join(f"{k}:{s}:{st}:{n}" for (k, s, st), n in sorted(combos.items())),
                    words)


class _Pager:
    """The pieces of the report's pages, rendered by one :class:`report._Renderer`."""

    def __init__(self, view: View) -> None:
        self.view = view
        self.pages = pages_plan(view)
        self.plan = self.pages.plan
        self.r = _Renderer(view, self.plan, html=True)
        # a finding's signature in the Markdown page, and the labels of its claims' documents
        shared = self.plan.shared
        self.sigs = list(map(str.__add__, shared.sigs, map("\x1e".__add__, shared.cited)))

    def head(self, title: str) -> list[splice.Piece]:
        P, r = splice.Piece, self.r
        return [P("page", splice.sig(title), partial(self._page_head, title)),
                P("style", "", partial(r.html, "style"))]

    def _page_head(self, title: str) -> str:
        macros = self.r.macros  # made first: it reads the script and its hash
        return str(macros.page_head(title, self.r.script_hash))

    def foot(self, name: str, *args: object) -> splice.Piece:
        return splice.Piece("foot", splice.sig(*args), partial(self._foot, name, *args))

    def _foot(self, name: str, *args: object) -> str:
        macros = self.r.macros
        return str(getattr(macros, name)(self.r.script, *args))

    def findings(self, positions: Sequence[int]) -> list[splice.Piece]:
        shared = self.plan.shared
        return list(pieces_of([shared.keys[i] for i in positions],
                              [self.sigs[i] for i in positions],
                              map(partial, repeat(self.r.html_finding),
                                  [shared.order[i] for i in positions])))

    def index(self) -> list[splice.Piece]:
        P, sig, r, pages = splice.Piece, splice.sig, self.r, self.pages
        counts = _index_counts(self.view, pages)
        title = f"Contradictions report — {counts.n_findings + counts.n_repaired} findings"
        pieces = self.head(title)
        pieces.append(P("top", sig(counts), partial(r.html, "top", counts)))
        if pages.groups:
            pieces.append(P("groups", "", partial(r.html, "groups_head", len(pages.groups))))
            for g in pages.groups:
                row = _group_row(pages, g)
                pieces.append(P("t:" + _group_key(g.group), sig(row),
                                partial(r.html, "group_row", row)))
            pieces.append(P("groups-end", "", partial(r.html, "groups_end")))
        order, path, rows = self.plan.shared.order, self.plan.path, self.plan.shared.rows
        if pages.repaired:
            listed = []
            for name, at in pages.repaired:
                first = order[at[0]]
                claim = rows.get(first.claims[0]) if first.claims else None
                label = path.get(claim.doc_id, claim.doc_id) if claim is not None else first.id
                listed.append((name, label, len(at)))
            pieces.append(P("repaired", sig(listed, pages.n_repaired),
                            partial(r.html, "repaired", listed, pages.n_repaired)))
        if pages.claims:
            ranges = [(name, subjects[0][0], subjects[-1][0])
                      for name, subjects in pages.claims]
            pieces.append(P("claims", sig(ranges, counts.n_claims),
                            partial(r.html, "claims_pages", ranges, counts.n_claims)))
        if self.view.skipped:
            skipped = list(self.view.skipped)
            pieces.append(P("skipped", sig(tuple((s.path, s.reason) for s in skipped)),
                            partial(r.html, "skipped", skipped)))
        pieces.append(self.foot("index_foot", counts.n_documents))
        return pieces

    def group_page(self, g: GroupPage) -> list[splice.Piece]:
        P, sig, r, plan = splice.Piece, splice.sig, self.r, self.plan
        group = g.group
        title = group.label + (f" — {group.metric_label}" if group.metric_label else "")
        counts = _counts([plan.shared.order[i] for i in g.at])
        pick = plan.charts[g.chart]
        chart_sig = None if pick is None else (
            pick.unit, pick.omitted, tuple((c.id, plan.doc_of(c), plan.label.get(c.doc_id, ""),
                                            pick.kinds.get(c.id)) for c in pick.rows))
        pieces = self.head(title)
        pieces += [P("top", sig(title), partial(r.html, "page_top", title, "")),
                   P("filters", sig(counts), partial(r.html, "page_filters", counts)),
                   P("g:" + _group_key(group), sig(group.key, group.label, group.metric_label,
                                                   chart_sig),
                     partial(r.html_group, group, pick))]
        pieces += self.findings(g.at)
        pieces += [P("ge", "", partial(r.html, "group_end")), self.foot("page_foot")]
        return pieces

    def repaired_page(self, at: Sequence[int]) -> list[splice.Piece]:
        P, sig, r = splice.Piece, splice.sig, self.r
        counts = _counts([self.plan.shared.order[i] for i in at])
        what = ("Findings where an article's text was mangled by a renderer (glued words, "
                "lost spaces) and has been repaired: the original and the repaired text side "
                "by side.")
        pieces = self.head("Repaired text")
        pieces += [P("top", "", partial(r.html, "page_top", "Repaired text", what)),
                   P("filters", sig(counts), partial(r.html, "page_filters", counts)),
                   P("fh", "", partial(r.html, "findings_head"))]
        pieces += self.findings(at)
        pieces += [P("ge", "", partial(r.html, "group_end")), self.foot("page_foot")]
        return pieces

    def claims_page(self, subjects: Sequence[tuple[str, int, list[_Chunk], bool]]
                    ) -> list[splice.Piece]:
        P, sig, r = splice.Piece, splice.sig, self.r
        pieces = self.head("Claims index")
        pieces += [P("top", "", partial(r.html, "page_top", "Claims index by entity", "")),
                   P("main", "", partial(r.html, "page_main"))]
        for label, n, chunks, continued in subjects:
            shown = f"{label} (continued)" if continued else label
            pieces.append(P("s:" + label, sig(shown, n), partial(r.html, "subject", shown, n)))
            for chunk in chunks:
                pieces.append(P("r:" + chunk.key, chunk.md_sig + "\x1e" + chunk.html_sig,
                                partial(r.html_rows, chunk.rows)))
            pieces.append(P("se:" + label, "", partial(r.html, "subject_end")))
        pieces.append(self.foot("page_foot"))
        return pieces

    def sources_pages(self) -> dict[str, list[splice.Piece]]:
        """The sources in path order, about :data:`report.SOURCES_PAGE` documents a page,
        cut by content (:func:`report.source_pages`; a document's ``[label]`` in the
        findings links to its row)."""
        P, r = splice.Piece, self.r
        docs, page_of = self.view.docs, self.plan.page
        split: dict[str, list[DocRow]] = {FIRST_SOURCES_PAGE: []}
        for d in docs:
            split.setdefault(page_of[d.id], []).append(d)
        # the pages' links: name, first and last position of its sources (from 1)
        listed, at = [], 1
        for name, mine in split.items():
            listed.append((name, at if mine else 0, at + len(mine) - 1 if mine else 0))
            at += len(mine)
        out = {}
        for name, mine in split.items():
            pieces = self.head("Sources")
            pieces += [P("top", "", partial(r.html, "page_top", "Sources", "")),
                       P("main", "", partial(r.html, "page_main")),
                       P("sources", splice.sig(listed), partial(r.html, "sources_head", listed))]
            labels = [self.plan.label[d.id] for d in mine]
            pieces += pieces_of(
                (f"d:{d.id}" for d in mine),
                [f"{d.path}\x1f{d.title}\x1f{d.source}\x1f{d.published}\x1f{label}"
                 for d, label in zip(mine, labels, strict=True)],
                map(partial, repeat(r.html), repeat("source"), mine, labels))
            pieces += [P("sources-end", "", partial(r.html, "sources_end")),
                       self.foot("page_foot")]
            out[name] = pieces
        return out


def index_pieces(view: View) -> list[splice.Piece]:
    """``report.html``: the index of the run (see the module's docstring).

    Pieces: the page head, the style, the summary, filters and counts, a row per group, the
    repaired-text pages, the claims-index pages, skipped files, the foot."""
    return _Pager(view).index()


def folder_pieces(view: View) -> dict[str, list[splice.Piece]]:
    """The pages of ``report/`` by file name (see the module's docstring).

    A group's page: the page head, the style, its title, its filters, its heading and chart,
    its findings, its end, the foot; a page of repaired text alike with its findings; a page
    of the claims index: per subject its head, its runs of index rows and its end; the
    sources: a row per document."""
    pager = _Pager(view)
    pages = pager.pages
    out: dict[str, list[splice.Piece]] = {}
    for g in pages.groups:
        out[g.page] = pager.group_page(g)  # names differ: a hash of (subject, metric)
    for name, at in pages.repaired:
        out[name] = pager.repaired_page(at)
    for name, subjects in pages.claims:
        out[name] = pager.claims_page(subjects)
    out.update(pager.sources_pages())
    return out
