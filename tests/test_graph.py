"""The claim graph: node and edge kinds, syndicated copies, the GraphML and node-link files."""

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

from pipeline import render
from pipeline.check import checks
from pipeline.check.sourcing import duplicate_groups, independent_sources
from pipeline.models import Document
from pipeline.render import splice
from pipeline.render.graph import (
    build_graph,
    graph_plan,
    graphml_pieces,
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


def written_graphs(documents, claims, findings=()) -> tuple[nx.MultiDiGraph, ...]:
    """The graph as networkx builds it, and as read back from the two graph files."""
    view = rows.memory_view(documents, claims, list(findings), [])
    graphml = render.text(view, "graph.graphml")
    node_link = render.text(view, "graph.json")
    return (build_graph(documents, claims, findings),
            nx.read_graphml(io.StringIO(graphml), force_multigraph=True),
            nx.node_link_graph(json.loads(node_link), edges="links", multigraph=True,
                               directed=True))


def test_graph_files_read_back_as_the_graph(rules, registry):
    claims = corpus(registry)
    open_bound = make_claim(registry, 60e9, bound="at_least", doc="e", subject="Cursor",
                            metric="deal_value")
    claims.append(open_bound)
    findings = checks.run_checks(claims, rules=rules)
    view = rows.memory_view([document(x) for x in "abcde"], claims, findings, [])
    assert "same_as" in render.text(view, "graph.graphml")
    text = render.text(view, "graph.json")
    assert "NaN" not in text  # strict JSON: open bounds are null
    graph, from_graphml, from_json = written_graphs([document(x) for x in "abcde"], claims,
                                                    findings)
    for back in (from_graphml, from_json):
        assert back.number_of_nodes() == graph.number_of_nodes()
        assert back.number_of_edges() == graph.number_of_edges()
    assert from_json.nodes[f"claim:{open_bound.id}"]["high"] is None
    assert math.isnan(from_graphml.nodes[f"claim:{open_bound.id}"]["high"])


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


# --- any text survives both files ---------------------------------------------------------

# what an article can hold after ingest (no control characters but newline and tab)
_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc"),
                                       whitelist_characters="\n\t"), max_size=16) | \
    st.sampled_from(["", " ", "a&b<c>\"d'", "é€😀\x85\u2028", "]]>", "&amp;", "\\u0000"])


@settings(max_examples=80, deadline=None)
@given(sentence=_TEXT, subject=_TEXT, metric=_TEXT, title=_TEXT, path=_TEXT)
def test_any_text_reads_back_from_both_graph_files(registry, sentence, subject, metric, title,
                                                   path):
    doc = Document(id="d1", path=path or "x.txt", title=title, text="...", sha256="1" * 64)
    claims = [make_claim(registry, 5e6, doc="d1", sentence=sentence, subject=subject or None,
                         metric=metric or "unknown"),
              make_claim(registry, 7e6, doc="d1", start=9, subject=subject or None,
                         metric=metric or "unknown")]
    graph, from_graphml, from_json = written_graphs([doc], claims)
    assert _canonical(from_json) == _canonical(graph)
    assert _canonical(from_graphml) == _canonical(graph)


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
    graphml = render.text(view, "graph.graphml")
    node_link = render.text(view, "graph.json")
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
    text = render.text(view, "graph.graphml")
    empty = render.text(random_corpus(registry, rules, 4, n_docs=0).view(), "graph.graphml")
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
    text = render.text(view, "graph.json")
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


def test_graph_files_share_one_plan_per_state_of_the_view(registry, rules):
    view = random_corpus(registry, rules, 2, n_docs=15).view()
    plan = graph_plan(view)
    assert graph_plan(view) is plan
    fresh = random_corpus(registry, rules, 2, n_docs=15).view()
    for name, writer in GRAPH_WRITERS.items():
        assert [(p.key, p.sig) for p in writer(view)] == [(p.key, p.sig) for p in writer(fresh)]
        assert render.text(view, name) == render.text(fresh, name)
    view.findings = view.findings[:1]  # another run state: planned again
    assert graph_plan(view) is not plan


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
    text = render.text(view, name)
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
