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
    return json.dumps(_clean(data), indent=1, sort_keys=True, ensure_ascii=False) + "\n"


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
