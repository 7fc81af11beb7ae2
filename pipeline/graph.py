"""Graph stage: documents, entities, metrics and claims as a networkx graph.

Node ids are prefixed by kind (``doc:``, ``entity:``, ``metric:``, ``claim:``); every
attribute is a string or number so the graph exports to GraphML as it is.
"""

from __future__ import annotations

from collections.abc import Sequence

import networkx as nx

from pipeline.models import Claim, Document, Finding

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
                       modality=claim.modality, sentence=claim.sentence)
        graph.add_edge(f"doc:{claim.doc_id}", node, key="mentions", kind="mentions")
        graph.add_node(f"metric:{claim.metric}", kind="metric", name=claim.metric)
        graph.add_edge(node, f"metric:{claim.metric}", key="about", kind="about")
        if claim.subject:
            entity = f"entity:{claim.subject}"
            graph.add_node(entity, kind="entity", name=claim.subject)
            graph.add_edge(node, entity, key="about", kind="about")
            graph.add_edge(f"doc:{claim.doc_id}", entity, key="mentions", kind="mentions")
    for finding in findings:
        edge = _EDGE_FOR_KIND.get(finding.kind)
        if edge is None:
            continue
        for a, b in zip(finding.claims, finding.claims[1:]):
            graph.add_edge(f"claim:{a}", f"claim:{b}", key=f"{edge}:{finding.id}", kind=edge,
                           finding=finding.id)
    return graph


def _num(x: float | None) -> float:
    return float("nan") if x is None else float(x)
