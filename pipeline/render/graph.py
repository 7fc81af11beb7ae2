"""The claim graph: ``graph.graphml`` and ``graph.json`` as signed pieces, and the graph
itself as networkx builds it (:func:`build_graph`, ``RunResult.graph``).

Documents, entities, metrics and claims are nodes with ids prefixed by kind (``doc:``,
``entity:``, ``metric:``, ``claim:``); every attribute is a string or number.

Edges (``kind`` attribute, also the edge key):

* ``mentions``: document -> claim, document -> entity;
* ``about``: claim -> entity (its subject), claim -> metric;
* ``same_as``: a claim -> an identical claim (same sentence and figure) in another document,
  a syndicated copy (:func:`pipeline.check.sourcing.duplicate_groups`);
* ``consistent_with``: two asserted claims of different documents giving the same figure
  for the same subject and metric (``basis="equal"``,
  :func:`pipeline.check.sourcing.agreeing_groups`), or a ``reconciled`` finding;
* ``contradicts``, ``derived_from``: from findings between claims.

:func:`graphml_pieces` and :func:`node_link_pieces` write the two files (GraphML, and
node-link JSON that ``networkx.node_link_graph`` reads) from a :class:`rows.View`'s light
rows; they hold the graph :func:`build_graph` builds from the full objects.
"""

from __future__ import annotations

import itertools
import json
import math
import operator
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from itertools import repeat
from typing import Any
from xml.sax.saxutils import escape

import networkx as nx

from pipeline.check.sourcing import agreeing_groups, duplicate_groups
from pipeline.models import Claim, Document, Finding
from pipeline.render import report
from pipeline.render.report import pieces_of
from pipeline.render.splice import Piece, sig
from pipeline.state.rows import ClaimRow, DocRow, View

_EDGE_FOR_KIND = {
    "contradiction": "contradicts",
    "divergence": "contradicts",
    "reconciled": "consistent_with",
    "arithmetic_ok": "derived_from",
    "arithmetic_error": "derived_from",
}


def build_graph(
    documents: Sequence[Document], claims: Sequence[Claim], findings: Sequence[Finding] = ()
) -> nx.MultiDiGraph:
    """Build the claim graph; findings between claims become edges between them."""
    graph = nx.MultiDiGraph()
    for document in documents:
        graph.add_node(f"doc:{document.id}", kind="document", path=document.path,
                       title=document.title or "", sha256=document.sha256)
    for claim in claims:
        node = f"claim:{claim.id}"
        graph.add_node(node, kind="claim", surface=claim.span.text, metric=claim.metric,
                       subject=claim.subject or "", unit=claim.normalized.unit,
                       low=_num(claim.normalized.low), high=_num(claim.normalized.high),
                       bound=claim.quantity.bound, modality=claim.modality,
                       as_of=claim.as_of or "", sentence=claim.sentence)
        graph.add_edge(f"doc:{claim.doc_id}", node, key="mentions", kind="mentions")
        graph.add_node(f"metric:{claim.metric}", kind="metric", name=claim.metric)
        graph.add_edge(node, f"metric:{claim.metric}", key="about", kind="about")
        if claim.subject:
            entity = f"entity:{claim.subject}"
            graph.add_node(entity, kind="entity", name=claim.subject)
            graph.add_edge(node, entity, key="about", kind="about")
            graph.add_edge(f"doc:{claim.doc_id}", entity, key="mentions", kind="mentions")
    for group in duplicate_groups(claims):
        for a, b in zip(group, group[1:], strict=False):
            if a.doc_id != b.doc_id:
                graph.add_edge(f"claim:{a.id}", f"claim:{b.id}", key="same_as",
                               kind="same_as")
    for group in agreeing_groups(claims):
        for a, b in zip(group, group[1:], strict=False):
            graph.add_edge(f"claim:{a.id}", f"claim:{b.id}", key="consistent_with:equal",
                           kind="consistent_with", basis="equal")
    known = {c.id for c in claims}
    for finding in findings:
        edge = _EDGE_FOR_KIND.get(finding.kind)
        if edge is None:
            continue
        members = [c for c in finding.claims if c in known]
        for first, second in zip(members, members[1:], strict=False):
            graph.add_edge(f"claim:{first}", f"claim:{second}", key=f"{edge}:{finding.id}",
                           kind=edge,
                           finding=finding.id, finding_kind=finding.kind)
    return graph


def _num(x: float | None) -> float:
    return float("nan") if x is None else float(x)


_GRAPHML_HEAD = (
    '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
    'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
    'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">'
)
_ATTR_ENTITIES = {'"': "&quot;", "\r": "&#13;", "\n": "&#10;", "\t": "&#09;"}


def _xml_text(text: str) -> str:
    return escape(text)


def _xml_attr(text: str) -> str:
    return escape(text, _ATTR_ENTITIES)


# --------------------------------------------------------------------------- pieces
#
# graph.graphml and graph.json as signed pieces (pipeline.render.splice) over a rows.View: the same
# graph as build_graph (same nodes, edges, keys and attributes) in an order where adding a
# document touches few pieces. Nodes first: metric nodes, entity nodes (sorted by name), then
# per document (in report order, by path) its node and its claims' nodes; then edges: per
# document its mentions/about edges and the same_as / consistent_with:equal edge from each of
# its claims to the next claim of the claim's chain; then each finding's edges. Every edge
# comes after the nodes it joins (GraphML readers such as Gephi read in one pass). Keys,
# order and signatures come from the light rows; the full claims are read only for the
# documents whose node piece is rendered.

Node = tuple[str, dict[str, Any]]
Edge = tuple[str, str, str, dict[str, Any]]

_NODE_ATTRS = (("kind", "string"), ("path", "string"), ("title", "string"),
               ("sha256", "string"), ("surface", "string"), ("metric", "string"),
               ("subject", "string"), ("unit", "string"), ("low", "double"),
               ("high", "double"), ("bound", "string"), ("modality", "string"),
               ("as_of", "string"), ("sentence", "string"), ("name", "string"))
_EDGE_ATTRS = (("kind", "string"), ("basis", "string"), ("finding", "string"),
               ("finding_kind", "string"))
#: Fixed GraphML key ids: every attribute the pipeline's graph can carry, always declared
#: (newest first, as networkx declares them).
_NODE_KEY = {name: f"d{i}" for i, (name, _) in enumerate(_NODE_ATTRS)}
_EDGE_KEY = {name: f"d{len(_NODE_ATTRS) + i}" for i, (name, _) in enumerate(_EDGE_ATTRS)}
_KEY_LINES = [
    f'  <key id="{ids[name]}" for="{scope}" attr.name="{name}" attr.type="{kind}" />'
    for scope, attrs, ids in (("edge", _EDGE_ATTRS, _EDGE_KEY), ("node", _NODE_ATTRS, _NODE_KEY))
    for name, kind in reversed(attrs)
]
_NO_DOC = "\x00"  # in a signature: the claims' document is not in the run
_SEP = "\x1f"
# ClaimRow fields by position: the loops over every claim of a run are the hot spots
_ID, _DOC_AT, _SUBJECT, _METRIC, _LOW, _HIGH, _MODALITY, _DUP_AT = map(
    ClaimRow._fields.index, ("id", "doc_id", "subject", "metric", "low", "high", "modality",
                             "dup"))
_ID_OF = operator.itemgetter(_ID)
_DOC = operator.itemgetter(_DOC_AT)
_DUP = operator.itemgetter(_DUP_AT)


def _runs(rows: Sequence[ClaimRow]) -> list[tuple[str, int]]:
    """(document id, number of rows) of each run of rows of one document."""
    return [(doc, len(list(group))) for doc, group in itertools.groupby(map(_DOC, rows))]


def _doc_keys(rows: Sequence[ClaimRow], runs: list[tuple[str, int]] | None = None
              ) -> list[Any]:
    """Per row, a key equal for the rows of one document: the number of its run of rows
    (rows in run order hold one run per document; cheaper to compare than ids), else the
    document id. ``runs``: :func:`_runs` of the rows, when the caller has it."""
    runs = _runs(rows) if runs is None else runs
    if len({doc for doc, _ in runs}) < len(runs):  # a document's rows in two runs
        return list(map(_DOC, rows))
    return list(itertools.chain.from_iterable(
        itertools.starmap(itertools.repeat, zip(range(len(runs)), map(_SECOND, runs),
                                                strict=True))))


_FIRST, _SECOND, _THIRD = map(operator.itemgetter, range(3))


def duplicate_successors(rows: Sequence[ClaimRow], *,
                         doc_keys: Sequence[Any] | None = None) -> list[str]:
    """The same_as edges of :func:`build_graph` from light rows (``ClaimRow.dup`` is the
    digest of :func:`duplicate_key`): for each row, the id of the next copy in its chain
    ("" for none). ``doc_keys``: :func:`_doc_keys` of the rows, when the caller has it."""
    ids = list(map(_ID_OF, rows))
    docs = _doc_keys(rows) if doc_keys is None else doc_keys
    grouped: defaultdict[str, list[int]] = defaultdict(list)
    for i, dup in enumerate(map(_DUP, rows)):
        grouped[dup].append(i)
    following = [""] * len(ids)
    for group in grouped.values():
        if len(group) > 1:
            group.sort(key=ids.__getitem__)
            for a, b in zip(group, group[1:], strict=False):
                # copies within one document are not chained
                if docs[a] != docs[b]:
                    following[a] = ids[b]
    return following


_AGREEING_MODALITIES = frozenset(("asserted", "quoted"))
_AGREEMENT = operator.itemgetter(*map(ClaimRow._fields.index,
                                      ("subject", "metric", "unit", "low", "high")))


def agreeing_successors(rows: Sequence[ClaimRow], *,
                        doc_keys: Sequence[Any] | None = None) -> list[str]:
    """The consistent_with:equal edges of :func:`build_graph` (see :func:`agreeing_groups`)
    from light rows: for each row, the id of the next claim of its chain ("" for none).
    ``doc_keys`` as for :func:`duplicate_successors`."""
    grouped: dict[tuple[object, ...], dict[Any, int]] = {}
    items: Sequence[Any] = rows  # rows by field position: this loop meets every claim
    docs = _doc_keys(rows) if doc_keys is None else doc_keys
    for i, row in enumerate(items):
        if row[_SUBJECT] is None or row[_METRIC] == "unknown" or \
                row[_MODALITY] not in _AGREEING_MODALITIES or \
                (row[_LOW] is None and row[_HIGH] is None):
            continue
        key = _AGREEMENT(row)
        doc = docs[i]
        by_doc = grouped.get(key)
        if by_doc is None:
            grouped[key] = {doc: i}
        else:  # the document's first claim by id stands for it
            seen = by_doc.get(doc)
            if seen is None or row[_ID] < items[seen][_ID]:
                by_doc[doc] = i
    following = [""] * len(rows)
    for by_doc in grouped.values():
        if len(by_doc) < 2:
            continue
        members = sorted(by_doc.values(), key=lambda i: items[i][_ID])
        if len({items[i][_DUP_AT] for i in members}) > 1:
            for a, b in zip(members, members[1:], strict=False):
                following[a] = items[b][_ID]
    return following


Positions = range | list[int]  # of a document's claims in the view's claim rows


def _take(values: Sequence[Any], at: Positions) -> Sequence[Any]:
    if type(at) is range:
        return values[at.start:at.stop]
    return [values[i] for i in at]


@dataclass
class GraphPlan:
    """The graph of a view, as the piece writers lay it out (light rows only)."""

    claims: Sequence[ClaimRow]
    metrics: list[str]
    entities: list[str]
    #: per document in file order: its id, its row (None: claims of an unknown document)
    #: and the positions of its claims (in run order) in ``claims``
    docs: list[tuple[str, DocRow | None, Positions]]
    node_sigs: list[str]
    edge_sigs: list[str]
    #: per claim (by position), the next claim of its same_as / consistent_with:equal chain
    same_as: list[str]
    equal: list[str]
    #: (finding id, finding kind, edge kind, its known claims) of findings with edges
    findings: list[tuple[str, str, str, tuple[str, ...]]]


def graph_plan(view: View) -> GraphPlan:
    """The graph of ``view`` laid out for both graph files, made once per state of the view
    (:meth:`rows.View.shared`)."""
    return view.shared("graph.plan", _make_plan)


def _make_plan(view: View) -> GraphPlan:
    claims = view.claims
    ids = list(map(_ID_OF, claims))
    where: dict[str, Positions] = {}
    start = 0
    runs = _runs(claims)  # run order: by document
    for doc_id, n in runs:
        end = start + n
        seen = where.get(doc_id)
        where[doc_id] = range(start, end) if seen is None else [*seen, *range(start, end)]
        start = end
    doc_keys = _doc_keys(claims, runs)
    same_as = duplicate_successors(claims, doc_keys=doc_keys)
    equal = agreeing_successors(claims, doc_keys=doc_keys)
    docs: list[tuple[str, DocRow | None, Positions]] = [
        (d.id, d, where.get(d.id, range(0))) for d in view.docs]
    known = {d.id for d in view.docs}
    docs += [(i, None, where[i]) for i in sorted(where.keys() - known)]
    # per document: its claims, and the next claim of each one's two chains
    node_sigs, edge_sigs = [], []
    for _, doc, at in docs:
        joined = _SEP.join(_take(ids, at))
        node_sigs.append((doc.path if doc is not None else _NO_DOC) + _SEP + joined)
        edge_sigs.append(joined + "\x1e" + _SEP.join(_take(same_as, at)) + "\x1e"
                         + _SEP.join(_take(equal, at)))
    known_claims = report.shared(view).rows  # claim id -> row
    findings: list[tuple[str, str, str, tuple[str, ...]]] = []
    for finding in view.findings:
        edge = _EDGE_FOR_KIND.get(finding.kind)
        if edge is None:
            continue
        members = finding.claims
        if not all(map(known_claims.__contains__, members)):
            members = tuple([c for c in members if c in known_claims])
        if len(members) > 1:
            findings.append((finding.id, finding.kind, edge, members))
    return GraphPlan(
        claims=claims,
        metrics=sorted(set(map(operator.itemgetter(_METRIC), claims))),
        entities=sorted(set(filter(None, map(operator.itemgetter(_SUBJECT), claims)))),
        docs=docs, node_sigs=node_sigs, edge_sigs=edge_sigs, same_as=same_as, equal=equal,
        findings=findings)


Part = tuple[str, str, Callable[[], Any]]  # key, signature, its nodes or edges


def _parts(view: View, plan: GraphPlan) -> tuple[list[Part], list[Part]]:
    """The parts of a graph file in order: first the nodes (metrics, entities, documents),
    then the edges (documents, findings). Made per writer, not kept in the plan: the plan
    the view keeps holds no reference back to the view."""
    nodes: list[Part] = [(f"m:{m}", "", partial(_named_node, "metric", m))
                         for m in plan.metrics]
    nodes += [(f"e:{s}", "", partial(_named_node, "entity", s)) for s in plan.entities]
    nodes += [(f"n:{doc_id}", signature, partial(_doc_nodes, view, plan, doc_id, doc, at))
              for (doc_id, doc, at), signature in zip(plan.docs, plan.node_sigs, strict=True)]
    edges: list[Part] = [
        (f"l:{doc_id}", signature, partial(_doc_edges, plan, doc_id, at))
        for (doc_id, _, at), signature in zip(plan.docs, plan.edge_sigs, strict=True) if at]
    edges += [(f"f:{fid}", edge + _SEP + kind + _SEP + _SEP.join(members),
               partial(_finding_edges, fid, kind, edge, members))
              for fid, kind, edge, members in plan.findings]
    return nodes, edges


def _named_node(kind: str, name: str) -> list[Node]:
    return [(f"{kind}:{name}", {"kind": kind, "name": name})]


def _doc_nodes(view: View, plan: GraphPlan, doc_id: str, doc: DocRow | None,
               at: Positions) -> list[Node]:
    ids: list[str] = list(map(_ID_OF, _take(plan.claims, at)))
    out: list[Node] = [(f"doc:{doc_id}", {} if doc is None else {
        "kind": "document", "path": doc.path, "title": doc.title or "", "sha256": doc.sha256})]
    claims = view.full_claims(ids)
    for cid in ids:
        claim = claims[cid]
        out.append((f"claim:{cid}", {
            "kind": "claim", "surface": claim.span.text, "metric": claim.metric,
            "subject": claim.subject or "", "unit": claim.normalized.unit,
            "low": _num(claim.normalized.low), "high": _num(claim.normalized.high),
            "bound": claim.quantity.bound, "modality": claim.modality,
            "as_of": claim.as_of or "", "sentence": claim.sentence}))
    return out


def _doc_edges(plan: GraphPlan, doc_id: str, at: Positions) -> list[Edge]:
    doc = f"doc:{doc_id}"
    rows: Sequence[ClaimRow] = _take(plan.claims, at)
    out: list[Edge] = []
    entities: dict[str, None] = {}
    for row in rows:
        node = f"claim:{row.id}"
        out.append((doc, node, "mentions", {"kind": "mentions"}))
        out.append((node, f"metric:{row.metric}", "about", {"kind": "about"}))
        if row.subject:
            out.append((node, f"entity:{row.subject}", "about", {"kind": "about"}))
            entities[row.subject] = None
    out += [(doc, f"entity:{s}", "mentions", {"kind": "mentions"}) for s in entities]
    for row, same, equal in zip(rows, _take(plan.same_as, at), _take(plan.equal, at),
                                strict=True):
        if same:
            out.append((f"claim:{row.id}", f"claim:{same}", "same_as", {"kind": "same_as"}))
        if equal:
            out.append((f"claim:{row.id}", f"claim:{equal}", "consistent_with:equal",
                        {"kind": "consistent_with", "basis": "equal"}))
    return out


def _finding_edges(finding: str, kind: str, edge: str, members: tuple[str, ...]) -> list[Edge]:
    pairs = dict.fromkeys(zip(members, members[1:], strict=False))  # an edge once
    return [(f"claim:{a}", f"claim:{b}", f"{edge}:{finding}",
             {"kind": edge, "finding": finding, "finding_kind": kind}) for a, b in pairs]


def _graphml_text(nodes: list[Node], edges: list[Edge]) -> str:
    lines: list[str] = []
    add = lines.append

    def data_lines(data: dict[str, Any], ids: dict[str, str]) -> None:
        for name, value in data.items():
            text = str(value)
            if text:
                add(f'      <data key="{ids[name]}">{_xml_text(text)}</data>')
            else:
                add(f'      <data key="{ids[name]}" />')

    for node, data in nodes:
        if data:
            add(f'    <node id="{_xml_attr(node)}">')
            data_lines(data, _NODE_KEY)
            add("    </node>")
        else:
            add(f'    <node id="{_xml_attr(node)}" />')
    for u, v, key, data in edges:
        add(f'    <edge source="{_xml_attr(u)}" target="{_xml_attr(v)}" id="{_xml_attr(key)}">')
        data_lines(data, _EDGE_KEY)
        add("    </edge>")
    # as networkx writes GraphML: ASCII with character references, lines split as
    # str.splitlines splits them (also at \r, \x0b, \x0c, \x1c-\x1e inside texts)
    text = "\n".join(lines).encode("ascii", "xmlcharrefreplace").decode("ascii")
    return "\n".join(text.splitlines()) + "\n"


def graphml_pieces(view: View) -> list[Piece]:
    """``graph.graphml``: the graph :func:`build_graph` gives for the view's run, as
    networkx writes GraphML (same escaping and indentation) but with fixed key declarations
    (every attribute the graph can carry), nodes before edges.

    Pieces: the head, per metric, entity and document its nodes (a document's with its
    claims'), per document its edges, per finding its edges, the tail."""
    node_parts, edge_parts = _parts(view, graph_plan(view))
    nodes = list(pieces_of(map(_FIRST, node_parts), map(_SECOND, node_parts),
                           map(partial, repeat(_graphml_nodes), map(_THIRD, node_parts))))
    if not nodes:
        empty = "\n".join([_GRAPHML_HEAD, *_KEY_LINES, '  <graph edgedefault="directed" />',
                           "</graphml>"]) + "\n"
        return [Piece("head", "empty", lambda: empty)]
    head = "\n".join([_GRAPHML_HEAD, *_KEY_LINES, '  <graph edgedefault="directed">']) + "\n"
    return [Piece("head", "", lambda: head), *nodes,
            *pieces_of(map(_FIRST, edge_parts), map(_SECOND, edge_parts),
                       map(partial, repeat(_graphml_edges), map(_THIRD, edge_parts))),
            Piece("tail", "", lambda: "  </graph>\n</graphml>\n")]


def _graphml_nodes(make: Callable[[], list[Node]]) -> str:
    return _graphml_text(make(), [])


def _graphml_edges(make: Callable[[], list[Edge]]) -> str:
    return _graphml_text([], make())


def _json_links(make: Callable[[], list[Edge]], first: bool) -> str:
    return _json_rows([{**data, "source": u, "target": v, "key": k}
                       for u, v, k, data in make()], first)


def _json_nodes(make: Callable[[], list[Node]], first: bool) -> str:
    return _json_rows([{**data, "id": node} for node, data in make()], first)


_SCALAR_JSON: dict[type, Any] = {
    str: json.encoder.encode_basestring,  # type: ignore[attr-defined]
    int: int.__repr__,
    bool: lambda b: "true" if b else "false",
    type(None): lambda _: "null",
    float: lambda x: float.__repr__(x) if math.isfinite(x) else "null",
}


def _json_rows(rows: list[dict[str, Any]], first: bool) -> str:
    out = []
    for row in rows:
        fields = ",\n".join(f"   {_SCALAR_JSON[str](k)}: {_SCALAR_JSON[type(v)](v)}"
                            for k, v in sorted(row.items()))
        out.append(("\n" if first else ",\n") + "  {\n" + fields + "\n  }")
        first = False
    return "".join(out)


def _listed(parts: list[Part],
            text: Callable[[Callable[[], Any], bool], str]) -> list[Piece]:
    """Pieces of the elements of a JSON list: the first has no leading comma."""
    firsts = itertools.chain([True], repeat(False))
    return list(pieces_of(
        map(_FIRST, parts),
        itertools.chain(["1" + p[1] for p in parts[:1]],
                        map("0".__add__, map(_SECOND, itertools.islice(parts, 1, None)))),
        map(partial, repeat(text), map(_THIRD, parts), firsts)))


def node_link_pieces(view: View) -> list[Piece]:
    """``graph.json``: the graph :func:`build_graph` gives for the view's run as node-link
    JSON, what ``json.dumps(networkx.node_link_data(graph, edges="links"), indent=1,
    sort_keys=True, ensure_ascii=False)`` writes with the same nodes and edges in this
    order, open interval ends as ``null`` (strict JSON).

    Pieces: the links (per document, per finding), then the nodes (per metric, entity,
    document), between a head, a middle and a tail."""
    node_parts, edge_parts = _parts(view, graph_plan(view))
    links = _listed(edge_parts, _json_links)
    nodes = _listed(node_parts, _json_nodes)
    has_links, has_nodes = bool(links), bool(nodes)
    return [
        Piece("head", sig(has_links), lambda: (
            '{\n "directed": true,\n "graph": {},\n "links": ' + ("[" if has_links else "[]"))),
        *links,
        Piece("nodes", sig(has_links, has_nodes), lambda: (
            ("\n ]" if has_links else "") + ',\n "multigraph": true,\n "nodes": '
            + ("[" if has_nodes else "[]"))),
        *nodes,
        Piece("tail", sig(has_nodes), lambda: ("\n ]" if has_nodes else "") + "\n}\n"),
    ]
