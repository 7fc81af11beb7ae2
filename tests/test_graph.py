"""The claim graph: node and edge kinds, syndicated copies, GraphML and node-link export."""

from __future__ import annotations

import json

import networkx as nx
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline import checks
from pipeline.graph import (
    _clean,
    build_graph,
    duplicate_groups,
    graphml_text,
    independent_sources,
    node_link_json,
)
from pipeline.models import Document
from tests.test_checks import make_claim

SENTENCE = "SpaceX has bought Cursor for $60 billion."


def document(doc_id: str) -> Document:
    return Document(id=doc_id, path=f"{doc_id}.txt", text="...", sha256=doc_id * 4)


def corpus(registry):
    # a and b carry the same sentence (a syndicated copy); c says it its own way; d differs
    a = make_claim(registry, 60e9, doc="a", sentence=SENTENCE, text="$60 billion",
                   subject="Cursor", metric="deal_value")
    b = make_claim(registry, 60e9, doc="b", start=5, sentence=SENTENCE, text="$60 billion",
                   subject="Cursor", metric="deal_value")
    c = make_claim(registry, 60e9, doc="c", sentence="Cursor sold for $60B.", text="$60B",
                   subject="Cursor", metric="deal_value")
    d = make_claim(registry, 10e9, doc="d", sentence="Cursor sold for $10B.", text="$10B",
                   subject="Cursor", metric="deal_value")
    return [a, b, c, d]


def test_syndicated_copies_are_same_as_and_count_once(registry):
    a, b, c, d = corpus(registry)
    assert duplicate_groups([a, b, c, d]) == [[a, b] if a.id < b.id else [b, a]]
    assert independent_sources([a, b, c]) == 2
    assert independent_sources([a, c, d]) == 3


def test_graph_has_every_node_and_edge_kind(rules, registry):
    claims = corpus(registry)
    findings = checks.run_checks(claims, rules=rules)
    graph = build_graph([document(x) for x in "abcd"], claims, findings)
    kinds = {data["kind"] for _, data in graph.nodes(data=True)}
    assert kinds == {"document", "entity", "metric", "claim"}
    edges = {data["kind"] for _, _, data in graph.edges(data=True)}
    assert {"mentions", "about", "same_as", "contradicts"} <= edges
    same = [(u, v) for u, v, k in graph.edges(keys=True) if k == "same_as"]
    assert len(same) == 1
    assert graph.nodes["entity:Cursor"]["kind"] == "entity"


def test_findings_become_typed_edges(rules, registry):
    month = make_claim(registry, 1.25e9, per="month", doc="x", metric="lease_payment")
    year = make_claim(registry, 15e9, per="year", doc="y", metric="lease_payment")
    findings = checks.run_checks([month, year], rules=rules)
    assert [f.kind for f in findings] == ["reconciled"]
    graph = build_graph([document("x"), document("y")], [month, year], findings)
    edges = [d for _, _, d in graph.edges(data=True)
             if d["kind"] == "consistent_with" and "finding" in d]
    assert [e["finding"] for e in edges] == [findings[0].id]


def test_graph_exports_to_graphml_and_node_link_json(rules, registry):
    claims = corpus(registry)
    open_bound = make_claim(registry, 60e9, bound="at_least", doc="e", subject="Cursor",
                            metric="deal_value")
    claims.append(open_bound)
    graph = build_graph([document(x) for x in "abcde"], claims,
                        checks.run_checks(claims, rules=rules))
    graphml = "\n".join(nx.generate_graphml(graph))
    assert "same_as" in graphml
    text = node_link_json(graph)
    data = json.loads(text)  # strict JSON: open bounds are null, not NaN
    assert "NaN" not in text
    back = nx.node_link_graph(data, edges="links", multigraph=True, directed=True)
    assert back.number_of_nodes() == graph.number_of_nodes()
    assert back.number_of_edges() == graph.number_of_edges()
    assert back.nodes[f"claim:{open_bound.id}"]["high"] is None


def test_node_link_json_is_deterministic(rules, registry):
    claims = corpus(registry)
    docs = [document(x) for x in "abcd"]
    findings = checks.run_checks(claims, rules=rules)
    assert node_link_json(build_graph(docs, claims, findings)) == \
        node_link_json(build_graph(docs, claims, findings))


def test_explanations_count_syndicated_copies_once(rules, registry):
    a, b, c, d = corpus(registry)
    found = checks.run_checks([a, b, c, d], rules=rules)
    assert [f.kind for f in found] == ["contradiction"]
    assert "3 mentions in 3 document(s), 2 independent" in found[0].explanation


def test_agreeing_figures_of_different_documents_are_consistent_with(rules, registry):
    a, b, c, d = corpus(registry)
    graph = build_graph([document(x) for x in "abcd"], [a, b, c, d])
    agree = {frozenset((u, v)) for u, v, data in graph.edges(data=True)
             if data["kind"] == "consistent_with"}
    assert len(agree) == 2  # a, b and c agree on $60B: one chain over three documents
    assert all(f"claim:{d.id}" not in pair for pair in agree)


# --- fast exporters: byte for byte what networkx and json.dumps give ----------------------

_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12) | \
    st.sampled_from(["", "a&b<c>\"d'", "x\ny\tz\r\n", "é€😀\x85\u2028\x0b"])
_VALUE = _TEXT | st.floats(allow_nan=True) | st.integers(-10**6, 10**6) | st.booleans()
_ATTRS = st.dictionaries(st.sampled_from(["kind", "name", "low", "high", "sentence"]),
                         _VALUE, max_size=4)


@st.composite
def multigraphs(draw) -> nx.MultiDiGraph:
    graph = nx.MultiDiGraph()
    nodes = draw(st.lists(_TEXT, max_size=6, unique=True))
    for node in nodes:
        graph.add_node(node, **draw(_ATTRS))
    if nodes:
        for u, v, key, attrs in draw(st.lists(st.tuples(
                st.sampled_from(nodes), st.sampled_from(nodes), _TEXT, _ATTRS), max_size=8)):
            graph.add_edge(u, v, key=key, **attrs)
    return graph


@settings(max_examples=150, deadline=None)
@given(multigraphs())
def test_fast_graphml_equals_networkx(graph):
    assert graphml_text(graph) == "\n".join(nx.generate_graphml(graph)) + "\n"


@settings(max_examples=150, deadline=None)
@given(multigraphs())
def test_fast_node_link_json_equals_json_dumps(graph):
    data = nx.node_link_data(graph, edges="links")
    assert node_link_json(graph) == json.dumps(_clean(data), indent=1, sort_keys=True,
                                               ensure_ascii=False) + "\n"


def test_fast_exporters_on_the_pipeline_graph(rules, registry):
    claims = corpus(registry)
    graph = build_graph([document(x) for x in "abcd"], claims,
                        checks.run_checks(claims, rules=rules))
    assert graphml_text(graph) == "\n".join(nx.generate_graphml(graph)) + "\n"
    assert node_link_json(graph) == json.dumps(
        _clean(nx.node_link_data(graph, edges="links")), indent=1, sort_keys=True,
        ensure_ascii=False) + "\n"
