"""Graph stage: documents, entities, metrics and claims as a networkx graph.

Node ids are prefixed by kind (``doc:``, ``entity:``, ``metric:``, ``claim:``); every
attribute is a string or number so the graph exports to GraphML as it is.

Edges (``kind`` attribute, also the edge key):

* ``mentions``: document -> claim, document -> entity;
* ``about``: claim -> entity (its subject), claim -> metric;
* ``same_as``: a claim -> an identical claim (same sentence and figure) in another document,
  a syndicated copy; :func:`independent_sources` counts such copies once;
* ``consistent_with``: two asserted claims of different documents giving the same figure
  for the same subject and metric (``basis="equal"``), or a ``reconciled`` finding;
* ``contradicts``, ``derived_from``: from findings between claims.
"""

from __future__ import annotations

import json
import math
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any
from xml.sax.saxutils import escape

import networkx as nx

from pipeline.models import Claim, Document, Finding

_EDGE_FOR_KIND = {
    "contradiction": "contradicts",
    "divergence": "contradicts",
    "reconciled": "consistent_with",
    "arithmetic_ok": "derived_from",
    "arithmetic_error": "derived_from",
}


def duplicate_key(claim: Claim) -> tuple[str, str]:
    """What makes two claims copies of each other: the same sentence and the same figure."""
    sentence = re.sub(r"\W+", " ", claim.sentence.lower()).strip()
    return sentence, re.sub(r"\s+", " ", claim.span.text.strip())


def duplicate_groups(claims: Iterable[Claim]) -> list[list[Claim]]:
    """Claims that are copies of each other in more than one document, sorted by id."""
    grouped: dict[tuple[str, str], list[Claim]] = defaultdict(list)
    for claim in claims:
        grouped[duplicate_key(claim)].append(claim)
    return [sorted(g, key=lambda c: c.id) for _, g in sorted(grouped.items())
            if len({c.doc_id for c in g}) > 1]


def agreeing_groups(claims: Iterable[Claim]) -> list[list[Claim]]:
    """Asserted claims of one subject and metric with the same normalized figure, in more
    than one document and not mere copies of each other; one claim per document."""
    grouped: dict[tuple[object, ...], dict[str, Claim]] = defaultdict(dict)
    for claim in sorted(claims, key=lambda c: c.id):
        if claim.subject is None or claim.metric == "unknown" or \
                claim.modality not in ("asserted", "quoted"):
            continue
        n = claim.normalized
        if n.low is None and n.high is None:
            continue
        key = (claim.subject, claim.metric, n.unit, n.low, n.high)
        grouped[key].setdefault(claim.doc_id, claim)
    out = []
    for _, by_doc in sorted(grouped.items(), key=lambda kv: repr(kv[0])):
        members = sorted(by_doc.values(), key=lambda c: c.id)
        if len(members) > 1 and len({duplicate_key(c) for c in members}) > 1:
            out.append(members)
    return out


def independent_sources(claims: Iterable[Claim]) -> int:
    """How many documents back these claims, counting syndicated copies once.

    Two documents are one source for these claims when a claim of one is a copy (same
    sentence, same figure) of a claim of the other.
    """
    claims = list(claims)
    parent: dict[str, str] = {c.doc_id: c.doc_id for c in claims}

    def find(doc: str) -> str:
        while parent[doc] != doc:
            parent[doc] = parent[parent[doc]]
            doc = parent[doc]
        return doc

    for group in duplicate_groups(claims):
        first = find(group[0].doc_id)
        for claim in group[1:]:
            parent[find(claim.doc_id)] = first
    return len({find(doc) for doc in parent})


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


def node_link_json(graph: nx.MultiDiGraph) -> str:
    """The graph as node-link JSON (``networkx.node_link_graph`` reads it back).

    NaN (an open interval end) becomes ``null``; keys are sorted for stable output.
    """
    data = nx.node_link_data(graph, edges="links")
    fast = _flat_node_link_json(data)
    if fast is not None:
        return fast
    return json.dumps(_clean(data), indent=1, sort_keys=True, ensure_ascii=False) + "\n"


_SCALAR_JSON: dict[type, Any] = {
    str: json.encoder.encode_basestring,  # type: ignore[attr-defined]
    int: int.__repr__,
    bool: lambda b: "true" if b else "false",
    type(None): lambda _: "null",
    float: lambda x: float.__repr__(x) if math.isfinite(x) else "null",
}


def _flat_node_link_json(data: dict[str, Any]) -> str | None:
    """What ``json.dumps(_clean(data), indent=1, sort_keys=True, ensure_ascii=False)``
    gives, for node-link data whose nodes and links are flat dicts of scalars, string
    keys and an empty graph dict (the pipeline's graphs); None for anything else.

    ``json.dumps`` with ``indent`` runs the pure-Python encoder, slow on large graphs.
    """
    if set(data) != {"directed", "multigraph", "graph", "nodes", "links"} or data["graph"]:
        return None
    lines = ["{", f' "directed": {"true" if data["directed"] else "false"},',
             ' "graph": {},']
    add = lines.append

    def items(name: str, rows: list[dict[str, Any]], last: bool) -> bool:
        if not rows:
            add(f' "{name}": []' + ("" if last else ","))
            return True
        add(f' "{name}": [')
        for i, row in enumerate(rows):
            if not row:
                add("  {}" + ("," if i < len(rows) - 1 else ""))
                continue
            add("  {")
            fields = sorted(row.items())
            for j, (key, value) in enumerate(fields):
                encode = _SCALAR_JSON.get(type(value))
                if encode is None or type(key) is not str:
                    return False
                add(f"   {_SCALAR_JSON[str](key)}: {encode(value)}"
                    + ("," if j < len(fields) - 1 else ""))
            add("  }," if i < len(rows) - 1 else "  }")
        add(" ]" + ("" if last else ","))
        return True

    if not items("links", data["links"], last=False):
        return None
    add(f' "multigraph": {"true" if data["multigraph"] else "false"},')
    if not items("nodes", data["nodes"], last=True):
        return None
    add("}")
    return "\n".join(lines) + "\n"


def _clean(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    return value


def _num(x: float | None) -> float:
    return float("nan") if x is None else float(x)


_GRAPHML_HEAD = (
    '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
    'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
    'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">'
)
_XML_TYPE = {str: "string", int: "long", float: "double", bool: "boolean"}


_ATTR_ENTITIES = {'"': "&quot;", "\r": "&#13;", "\n": "&#10;", "\t": "&#09;"}


def _xml_text(text: str) -> str:
    return escape(text)


def _xml_attr(text: str) -> str:
    return escape(text, _ATTR_ENTITIES)


def graphml_text(graph: nx.MultiDiGraph) -> str:
    """The graph as GraphML, byte for byte what ``"\\n".join(nx.generate_graphml(graph))
    + "\\n"`` gives, written in one pass of string joins (an ElementTree of a large graph
    is slow to build and serialize).

    Same key ids (``d0``, ``d1``... in the order attributes are first met, nodes before
    edges, declared newest first), same escaping, non-ASCII as decimal character
    references, same indentation. Graph-level attributes or node/edge defaults, which the
    pipeline never sets, fall back to networkx.
    """
    if graph.graph or not graph.is_multigraph() or not graph.is_directed():
        return "\n".join(nx.generate_graphml(graph)) + "\n"
    keys: dict[tuple[str, str, str], str] = {}
    declared: list[str] = []
    lines: list[str] = []
    add = lines.append

    def data_lines(data: dict[Any, Any], scope: str) -> None:
        for name, value in data.items():
            name = str(name)
            kind = _XML_TYPE.get(type(value))
            if kind is None:  # numpy scalars and the like: let networkx decide
                raise _Fallback
            ident = keys.get((name, kind, scope))
            if ident is None:
                ident = keys[(name, kind, scope)] = f"d{len(keys)}"
                declared.append(f'  <key id="{ident}" for="{scope}" '
                                f'attr.name="{_xml_attr(name)}" attr.type="{kind}" />')
            text = str(value)
            if text:
                add(f'      <data key="{ident}">{_xml_text(text)}</data>')
            else:
                add(f'      <data key="{ident}" />')

    try:
        for node, data in graph.nodes(data=True):
            if data:
                add(f'    <node id="{_xml_attr(str(node))}">')
                data_lines(data, "node")
                add("    </node>")
            else:
                add(f'    <node id="{_xml_attr(str(node))}" />')
        for u, v, key, data in graph.edges(keys=True, data=True):
            head = (f'    <edge source="{_xml_attr(str(u))}" target="{_xml_attr(str(v))}" '
                    f'id="{_xml_attr(str(key))}"')
            if data:
                add(head + ">")
                data_lines(data, "edge")
                add("    </edge>")
            else:
                add(head + " />")
    except _Fallback:
        return "\n".join(nx.generate_graphml(graph)) + "\n"
    if lines:
        body = ['  <graph edgedefault="directed">', *lines, "  </graph>"]
    else:
        body = ['  <graph edgedefault="directed" />']
    text = "\n".join([_GRAPHML_HEAD, *reversed(declared), *body, "</graphml>"])
    # networkx serializes to ASCII (character references) and splits into lines with
    # str.splitlines, which also breaks at \r, \x0b, \x0c, \x1c-\x1e inside texts
    text = text.encode("ascii", "xmlcharrefreplace").decode("ascii")
    return "\n".join(text.splitlines()) + "\n"


class _Fallback(Exception):
    """An attribute value the fast GraphML writer does not handle."""
