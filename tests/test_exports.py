"""The JSON output files as signed pieces: they hold the run, reuse gives the same file as a
fresh render, and little is rendered when one article is added."""

from __future__ import annotations

import hashlib
import json
import random
import shutil
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import pytest

from pipeline import api, render
from pipeline.check import checks
from pipeline.models import Claim, Document, Finding, Skip
from pipeline.render import exports, report, splice
from pipeline.state import rows
from tests.conftest import DATA, ROOT
from tests.test_checks import make_claim

# --------------------------------------------------------------------------- a random corpus

# subjects and titles with characters every writer must escape
SUBJECTS = ["Acme", "Globex & Co <b>", 'Quote"Corp', "Café Ünïcode", "Initech"]
METRICS = ["revenue", "deal_value", "unknown"]
MODALITIES = ["asserted", "asserted", "quoted", "projection"]
SOURCES = [None, "https://news.example/a?x=1&y=2", "javascript:alert(1)", "http://b.example/"]


def _document(path: str, text: str, rng: random.Random) -> Document:
    digest = hashlib.sha256(text.encode()).hexdigest()
    return Document(id="d" + digest[:11], path=path, text=text, sha256=digest,
                    title=rng.choice([None, f"Report on {rng.choice(SUBJECTS)}", "Ünïcode ☃"]),
                    source=rng.choice(SOURCES),
                    published=rng.choice([None, "2024-05-01", "2025-01-31"]))


class Corpus:
    """A random, mutable corpus: documents with claims (some sentences copied from other
    documents, figures that agree or contradict), findings from the real checks, review
    decisions and skipped files."""

    def __init__(self, registry: Any, rules: Any, seed: int) -> None:
        self.registry, self.rules = registry, rules
        self.rng = random.Random(seed)
        self.documents: dict[str, Document] = {}
        self.claims: dict[str, list[Claim]] = {}
        self.decisions: dict[str, tuple[str, str | None]] = {}
        self.skipped: list[Skip] = []
        self.pool: list[tuple[str, str, str, float, str]] = []  # sentences to copy
        self.counter = 0

    def _sentence(self) -> tuple[str, str, str, float, str]:
        rng = self.rng
        if self.pool and rng.random() < 0.3:
            return rng.choice(self.pool)  # a syndicated copy
        subject, metric = rng.choice(SUBJECTS), rng.choice(METRICS)
        value = rng.choice([1, 2, 2, 5, 60, 61])
        figure = f"${value} billion"
        sentence = rng.choice([f"{subject} reported {figure} this year.",
                               f"Sources say {figure} went to {subject}.",
                               f"{subject}: {figure}, up\u2028from last year\x85."])
        made = (sentence, figure, subject, value * 1e9, metric)
        self.pool.append(made)
        return made

    def add_document(self, path: str | None = None) -> Document:
        self.counter += 1
        path = path or f"{self.rng.choice('abcxyz')}{self.counter:03d}_{self.rng.randrange(99)}.txt"
        picked = [self._sentence() for _ in range(self.rng.randrange(0, 5))]
        text = "Intro line.\n" + "\n".join(s for s, *_ in picked) + f"\nEnd {self.counter}.\n"
        document = _document(path, text, self.rng)
        claims, at = [], 0
        for sentence, figure, subject, value, metric in picked:
            at = text.index(sentence, at)
            claims.append(make_claim(
                self.registry, value, doc=document.id, start=at + sentence.index(figure),
                sentence=sentence, text=figure, subject=subject, metric=metric,
                modality=self.rng.choice(MODALITIES)))
            at += len(sentence)
        self.documents[document.id] = document
        self.claims[document.id] = claims
        return document

    def delete_document(self) -> None:
        gone = self.rng.choice(sorted(self.documents))
        del self.documents[gone], self.claims[gone]

    def rename_document(self) -> None:
        doc = self.documents[self.rng.choice(sorted(self.documents))]
        new = f"{self.rng.choice('0abz')}renamed_{self.rng.randrange(999)}.txt"
        self.documents[doc.id] = doc.model_copy(update={"path": new})

    def review(self, findings: Sequence[Finding]) -> None:
        if findings:
            f = self.rng.choice(list(findings))
            self.decisions[f.id] = (self.rng.choice(["confirmed", "dismissed", "explained"]),
                                    self.rng.choice([None, "checked <by> hand & \"noted\""]))

    def skip(self) -> None:
        self.skipped.append(Skip(path=f"bad_{len(self.skipped)}.pdf", reason="unsupported"))

    def run(self) -> tuple[list[Document], list[Claim], list[Finding], list[Skip]]:
        documents = sorted(self.documents.values(), key=lambda d: d.id)
        claims = sorted((c for cs in self.claims.values() for c in cs),
                        key=lambda c: (c.doc_id, c.span.start, c.id))
        findings = []
        for f in checks.run_checks(claims, rules=self.rules):
            decided = self.decisions.get(f.id)
            findings.append(f if decided is None else f.model_copy(
                update={"status": decided[0], "note": decided[1]}))
        return documents, claims, findings, list(self.skipped)

    def view(self, counter: Counter | None = None) -> rows.View:
        documents, claims, findings, skipped = self.run()
        view = rows.memory_view(documents, claims, findings, skipped)
        if counter is not None:
            view.load_claims = counter.wrap(view.load_claims, counter.claims)
            view.load_documents = counter.wrap(view.load_documents, counter.documents)
        return view


def random_corpus(registry: Any, rules: Any, seed: int, n_docs: int) -> Corpus:
    corpus = Corpus(registry, rules, seed)
    for _ in range(n_docs):
        corpus.add_document()
    corpus.skip()
    return corpus


class Counter:
    """Counts what a view's loaders are asked for."""

    def __init__(self) -> None:
        self.claims: list[str] = []
        self.documents: list[str] = []

    @staticmethod
    def wrap(load: Callable[[Sequence[str]], Any], log: list[str]) -> Callable[..., Any]:
        def counted(ids: Sequence[str]) -> Any:
            log.extend(ids)
            return load(ids)

        return counted


WRITERS: dict[str, Callable[[rows.View], Iterable[splice.Piece]]] = {
    "claims.jsonl": exports.claims_jsonl_pieces,
    "contradictions.json": exports.json_pieces,
    "claimreview.jsonld": exports.claimreview_pieces,
}


# --------------------------------------------------------------------------- same bytes


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory):
    corpus = tmp_path_factory.mktemp("tiny")
    for path in sorted((DATA / "tiny").iterdir()):
        shutil.copy(path, corpus / path.name)
    out = tmp_path_factory.mktemp("out")
    result = api.extract(corpus, out=out, rules_dir=ROOT / "rules")
    return result, out


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


def compose_all(folder: Path, view: rows.View, layouts: dict[str, splice.Layout],
                writers: dict[str, Callable[[rows.View], Iterable[splice.Piece]]],
                *, check: bool = True) -> dict[str, splice.Stats]:
    """Compose every file of ``writers`` reusing ``layouts`` (updated in place); assert each
    file is what a fresh render gives (unless not ``check``)."""
    stats = {}
    for name, writer in writers.items():
        stats[name] = splice.Stats()
        layouts[name] = splice.compose(folder / name, writer(view), version="test",
                                       previous=layouts.get(name), stats=stats[name])
        if check:
            assert (folder / name).read_text(encoding="utf-8") == render.text(view, name), name
    return stats


def mutate(corpus: Corpus, rng: random.Random) -> None:
    """One random change of the kinds a growing corpus sees."""
    change = rng.choice(["add", "add", "delete", "rename", "review", "skip", "add_copy"])
    if change == "add" or not corpus.documents:
        corpus.add_document()
    elif change == "add_copy":  # a new article repeating known sentences: joins groups
        corpus.rng.seed(rng.random())
        corpus.pool = corpus.pool[-3:] or corpus.pool
        corpus.add_document()
    elif change == "delete":
        corpus.delete_document()
    elif change == "rename":
        corpus.rename_document()
    elif change == "review":
        corpus.review(corpus.run()[2])
    else:
        corpus.skip()


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
    counter = Counter()
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
    counter = Counter()
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
