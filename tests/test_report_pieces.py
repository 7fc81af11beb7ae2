"""contradictions.md and the HTML report as signed pieces (``report.markdown_pieces``;
``pages.index_pieces`` and ``pages.folder_pieces``, taken here as one sequence of pieces over
every page) written by ``splice.compose``.

Three properties: the pieces spell a report that shows every finding and every claim once; a
file composed again after any change of the run (reusing the unchanged pieces of the previous
file) equals a fresh render (``render.text``); and an unchanged run renders nothing, one added
article only a few pieces. The pages' exact bytes are pinned by the golden files
(``tests/test_golden.py``).

Runs are generated here without the model: :class:`World` makes documents, claims and
findings from a seed, and a claim id always stands for the same claim (as under one run
fingerprint), a document id for the same text.
"""

from __future__ import annotations

import random
import re
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline import render
from pipeline.models import Claim, Document, Finding, Normalized, Quantity, Skip, Span
from pipeline.render import pages, report, splice
from pipeline.state import rows
from tests.conftest import DATA, ROOT

SITE = "report.html+report/"


def html_site(view: rows.View) -> list[splice.Piece]:
    """The pieces of every page of the HTML report, the index first, each key prefixed with
    its page's name: as one file, they stand for the pages a run composes one by one."""
    pieces = [p._replace(key=f"report.html\x1d{p.key}") for p in pages.index_pieces(view)]
    for page, of_page in pages.folder_pieces(view).items():
        pieces += [p._replace(key=f"{page}\x1d{p.key}") for p in of_page]
    return pieces


WRITERS: dict[str, Callable[[rows.View], list[splice.Piece]]] = {
    "contradictions.md": report.markdown_pieces,
    SITE: html_site,
}
SUBJECTS = ("Acme Robotics", "acme robotics", "Orbital <b>Freight</b>", "SpaceX", "Zeta|Co",
            None)
METRICS = ("valuation", "compute_cost", "gpu_count", "deal_value", "lease payment")
UNITS = ("USD", "USD/year", "GPU", "percent")
KINDS = report.KIND_ORDER
WORDS = ("said", "the", "company", "raised", "filings", "show", "*bold*", "[x](y)", "`code`",
         "a_b", "_lead", "<img src=x>", "#", "## not a heading", "|", "\\", "   ", "\n", "é")


def _text(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n))


def _doc_claims(doc_id: str, n: int) -> tuple[str, list[Claim]]:
    """A document's text and claims: a function of its id (a claim id fixes the claim)."""
    rng = random.Random(doc_id)
    sentences, claims, offset = [], [], 0
    for j in range(n):
        value = rng.choice((1.0, 2.5, 40.0, 1200.0, 2e6, 3.5e9, 1.5e10))
        low, high = rng.choice(((value, value), (value, value * 3), (None, value),
                                (value, None), (None, None)))
        surface = rng.choice((f"${value:g}", f"{value:g}\nGPUs", f"about {value:g}",
                              "5millionayear"))
        sentence = f"{_text(rng, 4)} {surface} {_text(rng, 3)}".strip()
        if rng.random() < 0.2:  # the figure twice: the claim is about the second one
            sentence = f"{surface} and {sentence}"
        at = sentence.rfind(surface) if rng.random() < 0.9 else -1
        start = offset + max(at, 0)
        span = Span(doc_id=doc_id, start=start, end=start + len(surface), text=surface)
        unit = rng.choice(UNITS)
        claims.append(Claim(
            id=f"c-{doc_id}-{j}", doc_id=doc_id, span=span, sentence=sentence,
            subject=rng.choice(SUBJECTS), metric=rng.choice(METRICS),
            quantity=Quantity(span=span, value=low if low == high else None, low=low,
                              high=high, unit=unit.split("/")[0],
                              per="year" if "/" in unit else None),
            normalized=Normalized(low=low, high=high, unit=unit),
            as_of=rng.choice((None, "2024", "2025-06")),
            modality=rng.choice(("asserted", "quoted", "projection")),
            hedges=rng.choice(((), ("about",))), repaired=rng.random() < 0.1))
        sentences.append(sentence)
        offset += len(sentence) + 1
    return "\n".join(sentences), claims


@dataclass
class World:
    """A run's documents, claims, findings and skipped files, changed step by step."""

    rng: random.Random
    documents: dict[str, Document] = field(default_factory=dict)
    claims: dict[str, Claim] = field(default_factory=dict)
    findings: dict[str, Finding] = field(default_factory=dict)
    skipped: list[Skip] = field(default_factory=list)
    serial: int = 0

    def add_document(self, *, path: str | None = None, claims: int | None = None) -> Document:
        self.serial += 1
        doc_id = f"d{self.serial:04d}"
        text, made = _doc_claims(doc_id, self.rng.randint(0, 6) if claims is None else claims)
        rng = random.Random(doc_id)
        doc = Document(id=doc_id, path=path or f"{self.rng.choice('abcmz')}{self.serial}.txt",
                       title=rng.choice((None, f"Title {_text(rng, 2)}", "A (paren) title")),
                       source=rng.choice((None, "https://example.com/a?b=1&c=(2)",
                                          "javascript:alert(1)")),
                       published=rng.choice((None, "2025-01-02")), text=text,
                       sha256=f"{self.serial:064d}")
        self.documents[doc.id] = doc
        self.claims.update((c.id, c) for c in made)
        return doc

    def add_finding(self, around: Sequence[Claim] = ()) -> Finding:
        """A finding about some claims (most of one block, some from elsewhere)."""
        rng = self.rng
        self.serial += 1
        pool = list(self.claims.values())
        first = rng.choice(list(around) or pool) if pool else None
        same = [c for c in pool if first is not None and (c.subject, c.metric) ==
                (first.subject, first.metric)]
        chosen = [first] if first is not None else []
        chosen += rng.sample(same, min(len(same), rng.randint(0, 2)))
        if pool and rng.random() < 0.15:
            chosen.append(rng.choice(pool))
        ids = tuple(dict.fromkeys(c.id for c in chosen))
        if rng.random() < 0.05:
            ids += ("c-missing",)
        if rng.random() < 0.1:
            ids = ()
        kind = rng.choice(KINDS)
        explanation = rng.choice((
            _text(rng, 6), "# looks like a heading", "glued text “5millionayear” repaired to "
            "“$5 million a year” (0.9)", ""))
        finding = Finding(
            id=f"f-{self.serial:04d}", kind=kind,  # type: ignore[arg-type]
            severity=rng.choice(("high", "medium", "low", "info")),
            subject=first.subject if first is not None and rng.random() < 0.9 else None,
            metric=first.metric if first is not None and rng.random() < 0.9 else None,
            claims=ids, explanation=explanation, check=f"{kind}.v1",
            arithmetic=rng.choice((None, "$1B/month × 12 = $12B/year")),
            status=rng.choice(("open", "open", "confirmed", "dismissed", "explained")),
            note=rng.choice((None, _text(rng, 3))))
        self.findings[finding.id] = finding
        return finding

    def delete_document(self, doc_id: str) -> None:
        del self.documents[doc_id]
        gone = {cid for cid, c in self.claims.items() if c.doc_id == doc_id}
        for cid in gone:
            del self.claims[cid]
        for fid in [fid for fid, f in self.findings.items() if gone & set(f.claims)]:
            del self.findings[fid]

    def rename_document(self, doc_id: str, path: str) -> None:
        self.documents[doc_id] = self.documents[doc_id].model_copy(update={"path": path})

    def review(self, finding_id: str) -> None:
        status = self.rng.choice(("open", "confirmed", "dismissed", "explained"))
        note = None if status == "open" else self.rng.choice((None, "checked |by hand|"))
        self.findings[finding_id] = self.findings[finding_id].model_copy(
            update={"status": status, "note": note})

    def change_randomly(self) -> None:
        rng = self.rng
        step = rng.choice(("add", "add", "delete", "rename", "review", "review", "explain",
                           "skip", "finding"))
        docs = sorted(self.documents)
        if step == "add" or not docs:
            doc = self.add_document()
            new = [c for c in self.claims.values() if c.doc_id == doc.id]
            for _ in range(rng.randint(0, 3)):
                self.add_finding(new)
        elif step == "delete":
            self.delete_document(rng.choice(docs))
        elif step == "rename":
            self.rename_document(rng.choice(docs), f"{rng.choice('0abnz')}-moved{self.serial}.md")
            self.serial += 1
        elif step in ("review", "explain") and self.findings:
            fid = rng.choice(sorted(self.findings))
            if step == "review":
                self.review(fid)
            else:  # a check's wording follows its block (mention counts)
                self.findings[fid] = self.findings[fid].model_copy(
                    update={"explanation": _text(rng, 5)})
        elif step == "skip":
            self.skipped.append(Skip(path=f"bad{self.serial}|<b>.bin", reason="not text"))
            self.serial += 1
        else:
            self.add_finding()

    def run(self) -> tuple[list[Document], list[Claim], list[Finding], list[Skip]]:
        """The run as a pipeline gives it: claims in (doc, offset, id) order, findings in
        (severity, kind, id) order."""
        claims = sorted(self.claims.values(), key=lambda c: (c.doc_id, c.span.start, c.id))
        findings = sorted(self.findings.values(), key=lambda f: (f.severity, f.kind, f.id))
        return list(self.documents.values()), claims, findings, list(self.skipped)

    def view(self) -> rows.View:
        return rows.memory_view(*self.run())


def make_world(seed: int, *, documents: int = 12, findings: int = 20) -> World:
    world = World(random.Random(seed))
    for _ in range(documents):
        world.add_document()
    for _ in range(findings):
        world.add_finding()
    if seed % 3 == 0:
        world.skipped.append(Skip(path="bad|<b>.bin", reason="not *text*"))
    return world


def whole_text(name: str, world: World) -> str:
    """The page (every page of the HTML report) as a fresh run renders it."""
    if name == SITE:
        every = render.texts(world.view())
        return every["report.html"] + "".join(
            text for page, text in every.items() if page.startswith("report/"))
    return render.text(world.view(), name)


def shown(name: str, text: str) -> tuple[list[str], int]:
    """The finding ids a page shows (in order), and the rows of its claims index."""
    if name == SITE:
        ids = re.findall(r'<(?:article|details) class="finding [^"]*" id="([^"]*)"', text)
        return ids, text.count('<tr class="claim">')
    ids = re.findall(r"^###.* — `([^`]*)`$", text, re.MULTILINE)
    index = text.partition("\n## Claims index by entity\n")[2].partition("\n## Skipped files")[0]
    header = ("| metric | figure | normalized | how sure | source |", "|---|---|---|---|---|")
    return ids, sum(line.startswith("| ") and line not in header
                    for line in index.splitlines())


def check_pages(world: World) -> None:
    """Both pages of the world's run: unique keys; every finding once, in report order; a
    claims index row per claim."""
    view = world.view()
    order = [f.id for f in report.report_order(view.findings)]
    plan = pages.pages_plan(view)
    by_page = [plan.plan.shared.order[i].id for g in plan.groups for i in g.at] + [
        plan.plan.shared.order[i].id for _, at in plan.repaired for i in at]
    assert sorted(by_page) == sorted(order)
    # the group pages in report order, the repaired text after them
    garbled = {f.id for f in view.findings if f.kind == "garbled"}
    assert [f for f in order if f not in garbled] == by_page[:len(order) - len(garbled)]
    for name, writer in WRITERS.items():
        pieces = writer(view)
        assert len({p.key for p in pieces}) == len(pieces), name
        expected = by_page if name == SITE else order
        assert shown(name, splice.text_of(pieces)) == (expected, len(view.claims)), name


# --------------------------------------------------------------------------- the pages


@pytest.mark.parametrize("seed", range(8))
def test_pieces_spell_every_finding_and_claim_once(seed):
    check_pages(make_world(seed, documents=40, findings=60))


def test_pieces_follow_paths_shared_by_two_documents():
    """Two documents with one path (never in one corpus folder): index rows interleave."""
    world = make_world(5, documents=6, findings=10)
    first, second = sorted(world.documents)[:2]
    world.rename_document(second, world.documents[first].path)
    check_pages(world)


@pytest.mark.model
def test_a_view_in_memory_gives_the_pages_the_pipeline_wrote_for_tiny(tmp_path):
    from pipeline import api

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for path in sorted((DATA / "tiny").iterdir()):
        shutil.copy(path, corpus / path.name)
    out = tmp_path / "out"
    result = api.extract(corpus, out=out, rules_dir=ROOT / "rules")
    view = rows.memory_view(result.documents, result.claims, result.findings, result.skipped)
    every = render.texts(view)
    written = sorted(p.relative_to(out).as_posix() for p in [out / "report.html",
                                                              *(out / "report").iterdir()])
    assert written == sorted(name for name in every if name.startswith("report"))
    for name in [*written, "contradictions.md"]:
        assert every[name] == (out / name).read_text(encoding="utf-8"), name


# --------------------------------------------------------------------------- reuse


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), steps=st.integers(1, 4))
def test_recomposed_file_equals_a_fresh_render(tmp_path_factory, seed, steps):
    folder = tmp_path_factory.mktemp("compose")
    world = make_world(seed)
    layouts: dict[str, splice.Layout] = {}
    for name, pieces in WRITERS.items():
        layouts[name] = splice.compose(folder / name, pieces(world.view()), version="t")
    for _ in range(steps):
        for _ in range(world.rng.randint(1, 3)):
            world.change_randomly()
        for name, pieces in WRITERS.items():
            stats = splice.Stats()
            layouts[name] = splice.compose(folder / name, pieces(world.view()), version="t",
                                           previous=layouts[name], stats=stats)
            assert (folder / name).read_text(encoding="utf-8") == whole_text(name, world)
            assert stats.reused > 0


# --------------------------------------------------------------------------- efficiency


@dataclass
class Loads:
    claims: list[str] = field(default_factory=list)
    documents: list[str] = field(default_factory=list)


def counting_view(world: World, loads: Loads) -> rows.View:
    """The world's view whose full claims and documents are counted as they are read."""
    documents, claims, findings, skipped = world.run()
    inner = rows.memory_view(documents, claims, findings, skipped)

    def load_claims(ids: Sequence[str]) -> dict[str, Claim]:
        loads.claims.extend(ids)
        return dict(inner.load_claims(ids))

    def load_documents(ids: Sequence[str]) -> dict[str, Document]:
        loads.documents.extend(ids)
        return dict(inner.load_documents(ids))

    return rows.View(docs=inner.docs, claims=inner.claims, findings=inner.findings,
                     skipped=inner.skipped, load_claims=load_claims,
                     load_documents=load_documents)


@pytest.mark.parametrize("name", sorted(WRITERS))
def test_unchanged_run_renders_nothing_and_reads_nothing(tmp_path, name):
    world = make_world(11, documents=60, findings=120)
    layout = splice.compose(tmp_path / name, WRITERS[name](world.view()), version="t")
    loads, stats = Loads(), splice.Stats()
    pieces = WRITERS[name](counting_view(world, loads))
    assert loads == Loads()  # building pieces reads no claim and no document
    splice.compose(tmp_path / name, pieces, version="t", previous=layout, stats=stats)
    assert stats.rendered == 0 and stats.reused == len(pieces)
    assert loads == Loads()


@pytest.mark.parametrize("name", sorted(WRITERS))
def test_one_added_article_renders_only_pieces_touching_it(tmp_path, name):
    world = make_world(12, documents=200, findings=300)
    layout = splice.compose(tmp_path / name, WRITERS[name](world.view()), version="t")
    before = splice.Stats()
    splice.compose(tmp_path / "again", WRITERS[name](world.view()), version="t",
                   stats=before)
    doc = world.add_document(path="zz-new.txt", claims=8)  # sorts last: no number moves
    new = [c for c in world.claims.values() if c.doc_id == doc.id]
    added = [world.add_finding(new) for _ in range(3)]
    loads, stats = Loads(), splice.Stats()
    splice.compose(tmp_path / name, WRITERS[name](counting_view(world, loads)),
                   version="t", previous=layout, stats=stats)
    assert (tmp_path / name).read_text(encoding="utf-8") == whole_text(name, world)
    blocks = {(c.subject or "", c.metric) for c in new} | {
        (f.subject or "", f.metric or "") for f in added}
    subjects = {c.subject for c in new}
    # head and summary; per touched group its heading/chart and contents entry (HTML: its
    # index row, its page's filters, or a new page of 7 pieces); the new findings; per
    # touched subject its index heading and the article's rows; its source row; (HTML) the
    # list of pages of repaired text and of the claims index, a page of repaired text
    per_block = 2 if name.endswith(".md") else 8
    bound = 3 + per_block * len(blocks) + len(added) + len(subjects) + len(new) + 1
    if name == SITE:
        bound += 2 + 7
    assert stats.rendered <= bound, (stats, bound)
    assert stats.bytes_rendered < before.bytes_rendered / 4
    # read: the claims of the new findings, and the index rows around the new claims (the
    # HTML index shows sentences)
    shown = {c for f in added for c in f.claims}
    near = {row.id for _, _, chunks in report._plan(world.view()).index for chunk in chunks
            if any(row.doc_id == doc.id for row in chunk.rows) for row in chunk.rows}
    assert set(loads.claims) <= (shown if name.endswith(".md") else shown | near)
    assert len(set(loads.claims)) < len(world.claims) / 4
    assert set(loads.documents) <= {world.claims[c].doc_id for c in set(loads.claims)}


def test_shared_plan_is_made_once_per_state_of_the_view():
    world = make_world(2, documents=10, findings=12)
    view = world.view()
    made: list[int] = []

    def make(v: rows.View) -> int:
        made.append(1)
        return len(v.findings)

    assert view.shared("n", make) == view.shared("n", make) == len(view.findings)
    assert len(made) == 1
    assert report.shared(view) is report.shared(view)
    view.findings = view.findings[:3]  # a new run state: made again
    assert view.shared("n", make) == 3 and len(made) == 2
    assert report.shared(view).order == report.report_order(view.findings)


@pytest.mark.parametrize("seed", range(4))
def test_finding_signatures_are_the_shared_ones(seed):
    """report.finding_sigs (for a caller's own order) signs a finding as the shared plan."""
    world = make_world(seed, documents=20, findings=40)
    view = world.view()
    view.claims = view.claims[: len(view.claims) // 2]  # findings with claims not in the run
    common = report.shared(view)
    assert report.finding_sigs(common.order, common.rows, common.path) == common.sigs
    assert common.keys == ["f:" + f.id for f in common.order]


@pytest.mark.parametrize("shuffled", [False, True], ids=["run order", "shuffled"])
@pytest.mark.parametrize("seed", range(3))
def test_the_claims_index_sees_every_claim_of_a_document(seed, shuffled):
    """The plan takes a document's claims as one run of run order; claims out of that order
    (a document's claims apart) are all indexed all the same."""
    from collections import defaultdict

    view = make_world(seed, documents=15, findings=20).view()
    if shuffled:
        claims = list(view.claims)
        random.Random(seed).shuffle(claims)
        view.claims = claims
    by_doc: dict[str, list[rows.ClaimRow]] = defaultdict(list)
    for c in view.claims:
        by_doc[c.doc_id].append(c)
    common = report.shared(view)
    expected = report._index_chunks(view.claims, by_doc, view.docs, common.path, common.label,
                                    common.page)
    assert report._plan(view).index == expected
    assert sum(n for _, n, _ in expected) == len(view.claims)


def test_the_plans_a_view_keeps_hold_no_cycle_back_to_it():
    """A view (with every claim it loaded) is freed as soon as it is dropped, not left to the
    cycle collector, which a run pauses (``collector.paused_gc``)."""
    import gc
    import weakref

    view = make_world(3, documents=10, findings=12).view()
    for name in render.FILES:
        render.text(view, name)
    assert {"report.shared", "report.plan", "graph.plan"} <= set(view._shared)
    gone = weakref.ref(view)
    enabled = gc.isenabled()
    gc.disable()
    try:
        del view
        assert gone() is None
    finally:
        if enabled:
            gc.enable()
