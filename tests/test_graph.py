"""The claim graph: node and edge kinds, syndicated copies, GraphML and node-link export."""

from __future__ import annotations

import io
import json
import math
import random
import re

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.check import checks
from pipeline.models import Document
from pipeline.render import splice
from pipeline.render.graph import (
    _clean,
    build_graph,
    duplicate_groups,
    graph_pieces,
    graph_plan,
    graphml_pieces,
    graphml_text,
    independent_sources,
    node_link_json,
    node_link_pieces,
)
from pipeline.state import rows
from tests.conftest import DATA, LoadCounter, compose_all, make_claim, mutate, random_corpus

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


# --- graph files as pieces (pipeline.render.splice) over a rows.View -----------------------------

GRAPH_WRITERS = {"graph.graphml": graphml_pieces, "graph.json": node_link_pieces}


def _canonical(graph: nx.MultiDiGraph) -> tuple[dict, list]:
    """Nodes and edges with their keys and attributes; NaN (GraphML) and null (node-link
    JSON) both stand for an open interval end."""
    def clean(data: dict) -> dict:
        return {k: "open" if v is None or (isinstance(v, float) and math.isnan(v)) else v
                for k, v in data.items()}

    nodes = {n: clean(d) for n, d in graph.nodes(data=True)}
    edges = sorted((u, v, k, sorted(clean(d).items()))
                   for u, v, k, d in graph.edges(keys=True, data=True))
    return nodes, edges


def graphs_from_pieces(view: rows.View) -> tuple[nx.MultiDiGraph, nx.MultiDiGraph]:
    graphml = splice.text_of(graphml_pieces(view))
    node_link = splice.text_of(node_link_pieces(view))
    return (nx.read_graphml(io.BytesIO(graphml.encode("ascii")), force_multigraph=True),
            nx.node_link_graph(json.loads(node_link), edges="links", multigraph=True,
                               directed=True))


def built(view: rows.View) -> nx.MultiDiGraph:
    claims = list(view.full_claims(c.id for c in view.claims).values())
    documents = list(view.full_documents(d.id for d in view.docs).values())
    return build_graph(documents, claims, view.findings)


@pytest.mark.parametrize("seed", range(5))
def test_graph_pieces_hold_the_built_graph(registry, rules, seed):
    corpus = random_corpus(registry, rules, seed, n_docs=[0, 1, 3, 25, 60][seed])
    view = corpus.view()
    expected = _canonical(built(view))
    from_graphml, from_json = graphs_from_pieces(view)
    assert _canonical(from_graphml) == expected
    assert _canonical(from_json) == expected
    if seed >= 3:  # every edge kind is there
        kinds = {k.split(":")[0] for _, _, k in from_json.edges(keys=True)}
        assert {"mentions", "about", "same_as", "consistent_with", "contradicts"} <= kinds


def test_graph_pieces_of_claims_whose_document_is_missing(registry, rules):
    corpus = random_corpus(registry, rules, 3, n_docs=10)
    documents, claims, findings, skipped = corpus.run()
    gone = next(d for d in documents if corpus.claims[d.id])
    view = rows.memory_view([d for d in documents if d is not gone], claims, findings, skipped)
    graph = build_graph([d for d in documents if d is not gone], claims, findings)
    assert graph.nodes[f"doc:{gone.id}"] == {}
    from_graphml, from_json = graphs_from_pieces(view)
    assert _canonical(from_graphml) == _canonical(graph) == _canonical(from_json)


def test_graphml_pieces_declare_fixed_keys_and_nodes_before_edges(registry, rules):
    view = random_corpus(registry, rules, 4, n_docs=20).view()
    text = splice.text_of(graphml_pieces(view))
    empty = splice.text_of(graphml_pieces(random_corpus(registry, rules, 4, n_docs=0).view()))
    keys = re.findall(r"<key [^>]*>", text)
    assert keys == re.findall(r"<key [^>]*>", empty) and len(keys) == 19
    declared: set[str] = set()
    for match in re.finditer(r'<node id="([^"]*)"|<edge source="([^"]*)" target="([^"]*)"',
                             text):
        node, source, target = match.groups()
        if node is not None:
            declared.add(node)
        else:  # a one-pass reader knows both ends of every edge
            assert source in declared and target in declared
    assert nx.read_graphml(io.StringIO(empty)).number_of_nodes() == 0


def test_node_link_pieces_are_strict_json(registry, rules):
    view = random_corpus(registry, rules, 4, n_docs=20).view()
    text = splice.text_of(node_link_pieces(view))
    assert "NaN" not in text
    json.loads(text, parse_constant=lambda c: pytest.fail(f"not strict JSON: {c}"))


@pytest.mark.parametrize("seed", range(6))
def test_reused_graph_pieces_give_the_fresh_file(registry, rules, tmp_path, seed):
    rng = random.Random(100 + seed)
    corpus = random_corpus(registry, rules, seed, n_docs=rng.randrange(0, 15))
    layouts: dict[str, splice.Layout] = {}
    compose_all(tmp_path, corpus.view(), layouts, GRAPH_WRITERS)
    reused = 0
    for _ in range(8):
        for _ in range(rng.randrange(1, 4)):
            mutate(corpus, rng)
        stats = compose_all(tmp_path, corpus.view(), layouts, GRAPH_WRITERS)
        reused += sum(s.reused for s in stats.values())
    assert reused > 0


def test_graph_pieces_share_one_plan(registry, rules):
    view = random_corpus(registry, rules, 2, n_docs=15).view()
    plan = graph_plan(view)
    both = graph_pieces(view)
    assert list(both) == list(GRAPH_WRITERS)
    for name, writer in GRAPH_WRITERS.items():
        alone = writer(view)
        assert [(p.key, p.sig) for p in writer(view, plan=plan)] == \
            [(p.key, p.sig) for p in alone] == [(p.key, p.sig) for p in both[name]]
        assert splice.text_of(both[name]) == splice.text_of(alone)


def test_unchanged_graph_renders_nothing_and_adding_a_document_little(registry, rules,
                                                                      tmp_path):
    corpus = random_corpus(registry, rules, 5, n_docs=40)
    layouts: dict[str, splice.Layout] = {}
    before = corpus.view()
    compose_all(tmp_path, before, layouts, GRAPH_WRITERS)
    counter = LoadCounter()
    stats = compose_all(tmp_path, corpus.view(counter), layouts, GRAPH_WRITERS, check=False)
    assert [s.rendered for s in stats.values()] == [0, 0]
    assert counter.claims == [] and counter.documents == []

    old_findings = {f.id: f for f in before.findings}
    corpus.pool = corpus.pool[:4]  # the new article copies and contradicts known figures
    added = corpus.add_document(path="zzz_new.txt")
    view = corpus.view(counter)
    new_claims = corpus.claims[added.id]
    changed = [f for f in view.findings if old_findings.get(f.id) != f]
    stats = compose_all(tmp_path, view, layouts, GRAPH_WRITERS, check=False)
    assert new_claims and changed
    new_names = {c.metric for c in new_claims} | {c.subject for c in new_claims if c.subject}
    for s in stats.values():
        # its nodes and edges; new metric/entity nodes; the edges of the claims whose next
        # copy or agreeing claim is now one of the new claims; new findings
        assert s.rendered <= 2 + len(new_names) + 2 * len(new_claims) + len(changed)
        assert s.reused > s.rendered
    assert set(counter.claims) == {c.id for c in new_claims}  # only the new nodes are read


@pytest.mark.model
@pytest.mark.parametrize("name", sorted(GRAPH_WRITERS))
def test_graph_pieces_match_golden_on_tiny(tiny_run, name, update_golden):
    result, _ = tiny_run
    view = rows.memory_view(result.documents, result.claims, result.findings, result.skipped)
    text = splice.text_of(GRAPH_WRITERS[name](view))
    golden = DATA / "golden" / name
    if update_golden:
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8"), (
        f"{name} changed; if intended, run pytest --update-golden and review the diff")
    graph = build_graph(result.documents, result.claims, result.findings)
    from_graphml, from_json = graphs_from_pieces(view)
    assert _canonical(from_graphml) == _canonical(graph) == _canonical(from_json)


@pytest.mark.parametrize("seed", range(3))
def test_chains_compare_documents_alike_by_run_or_by_id(registry, rules, seed):
    """same_as / consistent_with:equal chains are the same whether documents are told apart
    by their run number (claims in run order) or by id (a document's claims in two runs)."""
    from pipeline.render import graph

    claims = random_corpus(registry, rules, seed, n_docs=25).view().claims
    by_id = [c.doc_id for c in claims]
    for successors in (graph.duplicate_successors, graph.agreeing_successors):
        assert successors(claims) == successors(claims, doc_keys=by_id)
    split = [*claims[::2], *claims[1::2]]
    assert graph._doc_keys(split) == [c.doc_id for c in split]
    for successors in (graph.duplicate_successors, graph.agreeing_successors):
        chained = dict(zip([c.id for c in split], successors(split), strict=True))
        assert chained == dict(zip([c.id for c in claims], successors(claims), strict=True))
