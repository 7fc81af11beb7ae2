"""The JSON output files as signed pieces: they hold the run, reuse gives the same file as a
fresh render, and little is rendered when one article is added."""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Iterable

import pytest

from pipeline import render
from pipeline.render import exports, report, splice
from pipeline.state import rows
from tests.conftest import DATA, LoadCounter, compose_all, mutate, random_corpus

WRITERS: dict[str, Callable[[rows.View], Iterable[splice.Piece]]] = {
    "claims.jsonl": exports.claims_jsonl_pieces,
    "contradictions.json": exports.json_pieces,
    "claimreview.jsonld": exports.claimreview_pieces,
}


# --------------------------------------------------------------------------- the run


@pytest.mark.model
@pytest.mark.parametrize("name", sorted(WRITERS))
def test_a_view_in_memory_gives_what_the_pipeline_wrote_for_tiny(tiny_run, name):
    result, out = tiny_run
    view = rows.memory_view(result.documents, result.claims, result.findings, result.skipped)
    text = render.text(view, name)
    assert text == (out / name).read_text(encoding="utf-8")
    if name == "contradictions.json":
        assert text == (DATA / "golden" / name).read_text(encoding="utf-8")


@pytest.mark.parametrize("seed", range(4))
def test_the_json_files_hold_the_run(registry, rules, seed):
    corpus = random_corpus(registry, rules, seed, n_docs=[0, 1, 12, 40][seed])
    findings = corpus.run()[2]
    corpus.review(findings)
    corpus.review(findings)
    view = corpus.view()
    documents = view.full_documents(d.id for d in view.docs)
    claims = view.full_claims(c.id for c in view.claims)
    lines = render.text(view, "claims.jsonl").splitlines()
    assert [json.loads(line)["id"] for line in lines] == [c.id for c in view.claims]
    for line in lines:
        record = json.loads(line)
        claim = claims[record["id"]]
        assert record["sentence"] == claim.sentence
        assert record["doc"] == documents[claim.doc_id].path
        if record["highlight"] is not None:
            start, end = record["highlight"]
            assert claim.sentence[start:end] == claim.span.text
    payload = json.loads(render.text(view, "contradictions.json"))
    assert [d["id"] for d in payload["documents"]] == [d.id for d in view.docs]
    assert [f["id"] for f in payload["findings"]] == [
        f.id for f in report.report_order(view.findings)]
    by_id = {f.id: f for f in view.findings}
    for record in payload["findings"]:
        finding = by_id[record["id"]]
        assert (record["status"], record["note"]) == (finding.status, finding.note)
        assert [c["id"] for c in record["claims"]] == list(finding.claims)
        assert all(c["sentence"] == claims[c["id"]].sentence for c in record["claims"])
    assert [s["path"] for s in payload["skipped"]] == [s.path for s in view.skipped]
    graph = json.loads(render.text(view, "claimreview.jsonld"))["@graph"]
    rated = [(f.id, c) for f in report.report_order(view.findings)
             if f.kind in exports._RATING and f.status != "dismissed" for c in f.claims]
    assert [item["identifier"] for item in graph] == [f"{f}/{c}" for f, c in rated]
    if seed == 3:  # the corpus exercises what it is meant to
        assert any(f.status != "open" for f in view.findings)
        assert len({c.dup for c in view.claims}) < len(view.claims)
        assert len(view.findings) > 5 and graph


def test_pieces_take_the_report_order_when_given(registry, rules):
    view = random_corpus(registry, rules, 7, n_docs=20).view()
    order = report.report_order(view.findings)
    for writer in (exports.json_pieces, exports.claimreview_pieces):
        assert splice.text_of(writer(view, order=order)) == splice.text_of(writer(view))


def test_claims_out_of_run_order_keep_unique_keys(registry, rules):
    corpus = random_corpus(registry, rules, 9, n_docs=6)
    documents, claims, findings, skipped = corpus.run()
    shuffled = claims[::2] + claims[1::2]  # a document's claims in two runs
    view = rows.memory_view(documents, shuffled, findings, skipped)
    pieces = exports.claims_jsonl_pieces(view)
    assert len({p.key for p in pieces}) == len(pieces) and any("#" in p.key for p in pieces)
    lines = splice.text_of(pieces).splitlines()
    assert [json.loads(line)["id"] for line in lines] == [c.id for c in shuffled]


# --------------------------------------------------------------------------- reuse


@pytest.mark.parametrize("seed", range(6))
def test_reused_pieces_give_the_fresh_file(registry, rules, tmp_path, seed):
    rng = random.Random(seed)
    corpus = random_corpus(registry, rules, seed, n_docs=rng.randrange(0, 15))
    layouts: dict[str, splice.Layout] = {}
    compose_all(tmp_path, corpus.view(), layouts, WRITERS)
    reused = 0
    for _ in range(8):
        for _ in range(rng.randrange(1, 4)):
            mutate(corpus, rng)
        stats = compose_all(tmp_path, corpus.view(), layouts, WRITERS)
        reused += sum(s.reused for s in stats.values())
    assert reused > 0


# --------------------------------------------------------------------------- efficiency


def test_unchanged_state_renders_nothing_and_loads_nothing(registry, rules, tmp_path):
    corpus = random_corpus(registry, rules, 11, n_docs=30)
    layouts: dict[str, splice.Layout] = {}
    compose_all(tmp_path, corpus.view(), layouts, WRITERS)
    counter = LoadCounter()
    view = corpus.view(counter)
    stats = compose_all(tmp_path, view, layouts, WRITERS, check=False)
    assert {name: s.rendered for name, s in stats.items()} == dict.fromkeys(WRITERS, 0)
    assert all(s.reused > 0 for s in stats.values())
    assert counter.claims == [] and counter.documents == []


def test_adding_one_document_renders_only_its_pieces(registry, rules, tmp_path):
    corpus = random_corpus(registry, rules, 5, n_docs=40)
    layouts: dict[str, splice.Layout] = {}
    before = corpus.view()
    compose_all(tmp_path, before, layouts, WRITERS)
    old_findings = {f.id: f for f in before.findings}
    corpus.pool = corpus.pool[:4]  # the new article copies and contradicts known figures
    added = corpus.add_document(path="zzz_new.txt")
    counter = LoadCounter()
    view = corpus.view(counter)
    changed = [f for f in view.findings if old_findings.get(f.id) != f]
    assert corpus.claims[added.id] and changed
    stats = compose_all(tmp_path, view, layouts, WRITERS, check=False)
    assert stats["claims.jsonl"].rendered == 1
    # the new document, the new or changed findings, the list head before the first finding
    assert stats["contradictions.json"].rendered <= 1 + len(changed) + 1
    assert stats["claimreview.jsonld"].rendered <= len(changed) + 2
    # the full claims read are those of the new document and of new or changed findings
    wanted = {c.id for c in corpus.claims[added.id]} | {c for f in changed for c in f.claims}
    assert set(counter.claims) <= wanted
    assert set(counter.documents) <= {c.doc_id for c in view.claims if c.id in wanted}
