"""Library API: run the whole pipeline and return a result object. Prints nothing."""

from __future__ import annotations

import contextlib
import gc
import glob
import hashlib
import json
import operator
import os
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import networkx as nx
from spacy.language import Language

from pipeline import distributed, models, review, units
from pipeline import rules as rules_module
from pipeline.check import checks
from pipeline.errors import ArticleError, InputError, OutputError
from pipeline.extract import claims, ingest, parse, quantities, repair
from pipeline.fsio import DEFAULT_MAX_BYTES, locked, read_article
from pipeline.models import Claim, Document, Finding, Skip
from pipeline.render import graph, outputs
from pipeline.rules import Rules, load_rules
from pipeline.state import delta, rows, store

Progress = Callable[[str, int, int], None]

# Modules whose code shapes a document's stored results: a change to any of them makes the
# claim store's rows stale (see :func:`fingerprint`).
PER_DOCUMENT_MODULES = (ingest, repair, parse, quantities, claims, units, models, rules_module)
# spaCy components no stage reads (claims read sentences, entities, tags, dependencies).
UNUSED_COMPONENTS = ("lemmatizer",)
# Only sentences holding a quantity get the full pipeline. The sentence before each gets the
# EntityRuler and the NER (pronouns look back at the entities named there); all other text
# only the EntityRuler (the rules' entities, for pronouns further back). The statistical NER
# is the most expensive component of the small English model.
CONTEXT_SENTENCES = 1
# The first sentences (title and lede) get the NER too: they name the article's focal entity.
LEAD_SENTENCES = 3
CONTEXT_COMPONENTS = ("entity_ruler", "ner")
LIGHT_COMPONENTS = ("entity_ruler",)
# Documents written to the claim store per transaction.
STORE_BATCH = 256


class RunResult:
    """What a run produced; the CLI prints a summary of it.

    ``documents`` and ``claims`` are read back from the claim store the first time they are
    asked for (an incremental run never holds every claim), ``graph`` is built on demand.
    """

    def __init__(self, *, view: rows.View, findings: list[Finding], skipped: list[Skip],
                 parsed: int = 0, reused: int = 0, timings: dict[str, float] | None = None,
                 new_findings: list[str] | None = None) -> None:
        self.view = view
        self.findings = findings
        self.skipped = skipped
        self.parsed = parsed
        self.reused = reused
        self.timings = timings if timings is not None else {}
        self.new_findings = new_findings or []
        self.incremental = False  # checks and outputs updated from the last run's state
        self.rules_root: Path | None = None  # the rules folder the run used
        self.outputs: list[Path] = []
        self.output_stats: dict[str, Any] = {}
        self._graph: nx.MultiDiGraph | None = None

    @property
    def documents(self) -> list[Document]:
        """Every document, sorted by path."""
        found = self.view.full_documents(d.id for d in self.view.docs)
        return [found[d.id] for d in self.view.docs]

    @property
    def claims(self) -> list[Claim]:
        """Every claim, in run order (document id, offset, id)."""
        found = self.view.full_claims(c.id for c in self.view.claims)
        return [found[c.id] for c in self.view.claims]

    @property
    def graph(self) -> nx.MultiDiGraph:
        if self._graph is None:
            self._graph = graph.build_graph(self.documents, self.claims, self.findings)
        return self._graph

    def findings_by_kind(self) -> dict[str, int]:
        return dict(sorted(Counter(f.kind for f in self.findings).items()))


def corpus_files(corpus: Path) -> list[Path]:
    """Every regular file under ``corpus`` (hidden files excluded), sorted by relative path."""
    if not corpus.exists():
        raise InputError(f"corpus folder not found: {corpus}",
                         hint="pass a folder of .txt, .md or .html articles")
    if not corpus.is_dir():
        raise InputError(f"corpus is not a folder: {corpus}",
                         hint="pass the folder that holds the articles")
    found: list[tuple[str, str]] = []

    def walk(folder: str, prefix: str) -> None:
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.name.startswith("."):
                    continue
                if entry.is_dir(follow_symlinks=False):  # symlinked folders are not entered
                    walk(entry.path, prefix + entry.name + "/")
                elif entry.is_file():  # a symlink to a file counts, as a file
                    found.append((prefix + entry.name, entry.path))

    walk(str(corpus), "")
    found.sort()
    return [Path(path) for _, path in found]


def fingerprint(rules: Rules, *, model: str, do_repair: bool) -> str:
    """What, besides an article's bytes, shapes its per-document results.

    The rules files, the spaCy model (name and installed version), the spaCy version, the
    source code of every per-document stage and the run options. Stored results made under
    another fingerprint are stale.
    """
    import spacy

    digest = hashlib.sha256()
    for part in (rules.fingerprint(), model, spacy.util.get_package_version(model) or "",
                 spacy.__version__, f"repair={do_repair}"):
        digest.update(part.encode() + b"\0")
    for module in PER_DOCUMENT_MODULES:
        digest.update(Path(module.__file__ or "").read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def load_documents(
    corpus: Path,
    *,
    rules: Rules,
    max_bytes: int = DEFAULT_MAX_BYTES,
    cached: Callable[[store.Key], store.Entry | None] | None = None,
) -> tuple[list[Document], list[Skip], dict[str, store.Key], dict[str, store.Entry]]:
    """Ingest every article; a bad one becomes a :class:`Skip`, never an exception.

    ``cached`` looks an article's bytes up in the claim store; a hit skips ingest. Returns the
    documents, the skips, each document's store key and the stored entries found (both by
    document id). (:func:`delta.scan` over no previous run: every file is read.)
    """
    items, skipped = delta.scan(corpus, {}, files=corpus_files(corpus), rules=rules,
                                max_bytes=max_bytes, cached=cached or (lambda _key: None))
    documents = [i.document for i in items if i.document is not None]
    return (documents, skipped, {i.row.id: i.key for i in items},
            {i.row.id: i.entry for i in items if i.entry is not None})


@dataclass(frozen=True)
class Failure:
    """An article a per-document stage crashed on: skipped and listed, never stored."""

    document: Document
    stage: str
    error: str

    def skip(self) -> Skip:
        return Skip.failed(self.document.path, self.stage, self.error)


def process_documents(
    documents: Sequence[Document],
    *,
    nlp: Language,
    rules: Rules,
    do_repair: bool = True,
    n_process: int = 1,
    batch_size: int = 64,
    timings: dict[str, float] | None = None,
    chunk: int = 256,
) -> Iterator[store.Entry | Failure]:
    """Run the per-document stages (repair, parse, quantities, claims), streaming, in order.

    Quantities are found first (from text); only the sentences holding one get the full
    parse, the sentence before each the EntityRuler and NER, the rest the EntityRuler (see
    :func:`pipeline.extract.parse.parse_selected`). Documents go through in chunks of ``chunk``
    (bounded memory, steady progress; with ``n_process > 1`` spaCy starts its processes per
    chunk, so pass a large one). ``timings`` (if given) accumulates seconds per stage.

    Fault barrier: when a stage raises on a chunk, the rest of that chunk is processed one
    article at a time, and an article a stage still fails on comes out as a :class:`Failure`
    (one skipped article, not a stopped run).
    """
    for first in range(0, len(documents), chunk):
        part = documents[first:first + chunk]
        done = 0
        try:
            for entry in _process_chunk(part, nlp=nlp, rules=rules, do_repair=do_repair,
                                        n_process=n_process, batch_size=batch_size,
                                        timings=timings):
                yield entry
                done += 1
        except Exception:  # noqa: BLE001 - isolated below, article by article, and reported
            for document in part[done:]:
                yield _process_alone(document, nlp=nlp, rules=rules, do_repair=do_repair)


def _process_chunk(
    part: Sequence[Document],
    *,
    nlp: Language,
    rules: Rules,
    do_repair: bool,
    n_process: int,
    batch_size: int,
    timings: dict[str, float] | None,
) -> Iterator[store.Entry]:
    spent = timings if timings is not None else {}
    clock = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        spent[name] = spent.get(name, 0.0) + now - clock
        clock = now

    registry = rules.registry
    repaired = [repair.repair(d, enabled=do_repair) for d in part]
    lap("repair")
    found = [quantities.extract_quantities(r.text, doc_id=d.id, registry=registry)
             for d, r in zip(part, repaired, strict=True)]
    lap("quantities")
    docs = iter(parse.parse_selected(
        ((r.text, [(q.span.start, q.span.end) for q in qs])
         for r, qs in zip(repaired, found, strict=True)),
        nlp, context=CONTEXT_SENTENCES, lead=LEAD_SENTENCES,
            context_components=CONTEXT_COMPONENTS,
        light=LIGHT_COMPONENTS, batch_size=batch_size, n_process=n_process))
    memo = claims.Memo()  # the chunk's units are all defined by now (see claims.Memo)
    for document, fixed, qs in zip(part, repaired, found, strict=True):
        doc = next(docs)
        lap("parse")
        framed = claims.build_claims(document, fixed, doc, qs, rules=rules, registry=registry,
                                     memo=memo)
        lap("claims")
        yield store.Entry(document=document, repaired=fixed, quantities=tuple(qs),
                          claims=tuple(framed))
        clock = time.perf_counter()


def _process_alone(
    document: Document, *, nlp: Language, rules: Rules, do_repair: bool
) -> store.Entry | Failure:
    """One article through the per-document stages, naming the stage that fails."""
    registry = rules.registry
    stage = "repair"
    try:
        fixed = repair.repair(document, enabled=do_repair)
        stage = "quantities"
        qs = quantities.extract_quantities(fixed.text, doc_id=document.id, registry=registry)
        stage = "parse"
        doc = next(iter(parse.parse_selected(
            [(fixed.text, [(q.span.start, q.span.end) for q in qs])], nlp,
            context=CONTEXT_SENTENCES, lead=LEAD_SENTENCES,
            context_components=CONTEXT_COMPONENTS,
            light=LIGHT_COMPONENTS)))
        stage = "claims"
        framed = claims.build_claims(document, fixed, doc, qs, rules=rules, registry=registry)
    except Exception as exc:  # noqa: BLE001 - a bug on one article must not stop the run
        return Failure(document=document, stage=stage,
                       error=f"{type(exc).__name__}: {' '.join(str(exc).split())}")
    return store.Entry(document=document, repaired=fixed, quantities=tuple(qs),
                       claims=tuple(framed))


def _process_in_pool(
    documents: Sequence[Document], *, rules: Rules, model: str, do_repair: bool, jobs: int
) -> Iterator[store.Entry | Failure]:
    """The per-document stages in ``jobs`` worker processes, batches in order.

    Every stage runs in the workers (not only the parser), each loading the rules and the
    spaCy model once; the results equal a one-process run's.
    """
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from functools import partial

    size = max(1, min(distributed.DOCS_PER_TASK, -(-len(documents) // jobs)))
    batches = [documents[i:i + size] for i in range(0, len(documents), size)]
    work = partial(distributed.process_batch, fingerprint=rules.fingerprint(),
                   files=distributed.rules_files(rules), model=model, do_repair=do_repair)
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
        for entries in pool.map(work, batches):
            yield from entries


def load_pipeline(rules: Rules, *, model: str | None = None) -> Language:
    """The spaCy pipeline of a run, without the components no stage reads.

    Loading a model turns Python's garbage collector back on; a run that paused it
    (:func:`store.paused_gc`) gets it paused again, or every later stage pays for
    collections over the whole heap (twice the time of an incremental run's writing).
    """
    collecting = gc.isenabled()
    nlp = parse.load_nlp(rules, model=model)
    if not collecting:
        gc.disable()
    unused = [name for name in UNUSED_COMPONENTS if name in nlp.pipe_names]
    if unused:
        nlp.select_pipes(disable=unused)
    return nlp


def extract(
    corpus: str | Path,
    *,
    out: str | Path = "out",
    rules_dir: str | Path | None = None,
    model: str | None = None,
    do_repair: bool = True,
    max_bytes: int = DEFAULT_MAX_BYTES,
    jobs: int = 1,
    scheduler: str | None = None,
    progress: Progress | None = None,
) -> RunResult:
    """Run the pipeline over ``corpus`` and write every output file into ``out``.

    Rules are validated before anything else; then the run holds the ``out`` lock from start
    to end, so a second run on the same folder stops at once (:class:`OutputError`).

    Incremental: per-document results are kept in ``out/claims.db``; only new or changed
    articles (or all, after a change of rules, model or code) go through the per-document
    stages, and results of deleted articles are dropped. Under the same fingerprint as the
    last run, the checks run only on the blocks the new and deleted claims fall in and the
    output files are rewritten reusing their unchanged pieces (:mod:`pipeline.state.delta`); the
    output equals a clean run's either way. ``jobs`` is the number of parser processes;
    ``scheduler`` the address of a Dask cluster for the per-document stages and the checks.
    """
    corpus, out = Path(corpus), Path(out)
    rules = load_rules(rules_dir)
    if jobs < 1:
        raise InputError(f"--jobs must be at least 1, not {jobs}", hint="pass --jobs 1 or more")
    with locked(out):
        result = _extract_locked(corpus, out, rules=rules, model=model, do_repair=do_repair,
                                 max_bytes=max_bytes, progress=progress, jobs=jobs,
                                 scheduler=scheduler)
    result.rules_root = rules.root
    return result


def _extract_locked(
    corpus: Path,
    out: Path,
    *,
    rules: Rules,
    model: str | None,
    do_repair: bool,
    max_bytes: int,
    progress: Progress | None,
    jobs: int = 1,
    scheduler: str | None = None,
) -> RunResult:
    """The run itself; the caller holds the output-folder lock.

    Under the same state fingerprint as the last run (same rules, model, options and code)
    it is incremental (:mod:`pipeline.state.delta`); otherwise it runs the checks over every claim
    and replaces the stored state.
    """
    timings: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        timings[name] = timings.get(name, 0.0) + now - clock
        clock = now

    per_document: dict[str, float] = {}
    model_name = model or parse.default_model_name()
    stamp = fingerprint(rules, model=model_name, do_repair=do_repair)
    state = delta.state_fingerprint(stamp)
    files = corpus_files(corpus)
    with store.open_store(out) as db, store.paused_gc():
        meta = db.meta()
        incremental = meta.get("state") == state and scheduler is None
        known = db.run_docs() if incremental else {}
        items, skipped = delta.scan(corpus, known, files=files, rules=rules,
                                    max_bytes=max_bytes,
                                    cached=lambda key: db.get(key, stamp, quantities=False))
        current = {i.path: i.row.id for i in items}
        added = [i for i in items if known.get(i.path, ("",))[0] != i.row.id]
        removed_paths = [p for p, row in known.items() if current.get(p) != row[0]]
        todo = [i.document for i in added if i.entry is None and i.document is not None]
        lap("load")
        if progress:
            progress("extract", len(items) - len(todo), len(items))
        entries = {i.row.id: i.entry for i in added if i.entry is not None}
        failed: list[Failure] = []
        client = None
        try:
            if scheduler:
                client = distributed.connect(scheduler)
            if todo:
                _store_new(db, stamp, added, todo, entries, failed, rules=rules,
                           model_name=model_name, do_repair=do_repair, jobs=jobs,
                           client=client, timings=per_document, lap=lap,
                           progress=progress, total=len(items))
            if failed:
                gone = {f.document.id for f in failed}
                items = [i for i in items if i.row.id not in gone]
                added = [i for i in added if i.row.id not in gone]
                skipped = [*skipped, *(f.skip() for f in failed)]
            skipped.sort(key=lambda s: s.path)
            lap("documents")
            timings.update({f"documents.{k}": v for k, v in per_document.items()})
            found = None
            if incremental:
                found = delta.incremental_checks(
                    db, added=[entries[i.row.id] for i in added],
                    removed_docs={known[p][0] for p in removed_paths}, rules=rules)
            if found is not None:
                change = found.change
                change.paths_removed = removed_paths
                change.docs_added = [delta.doc_state(i) for i in items
                                     if i.document is not None]  # read: new or touched
                findings = found.findings
                view = _store_view(db, items, entries, set(change.docs_removed),
                                   stamp=stamp)
            else:
                findings, change, view = _full_checks(db, items, entries, rules=rules,
                                                      stamp=stamp, client=client)
            lap("checks")
        finally:
            if client is not None:
                client.close()
        db.keep_only([i.key for i in items], stamp)
        previous = db.finding_ids() if meta.get("last_run") else None
        findings = review.apply_reviews(findings, review.load_reviews(out))
        view.findings = findings
        view.skipped = skipped
        result = RunResult(view=view, findings=findings, skipped=skipped,
                           parsed=len(todo) - len(failed),
                           reused=len(items) - len(todo) + len(failed),
                           new_findings=[f.id for f in findings
                                         if previous is not None and f.id not in previous],
                           timings=timings)
        result.incremental = found is not None
        lap("prepare")
        stats: dict[str, Any] = {}
        written: dict[str, float] = {}
        result.outputs, change.layouts = outputs.write(out, view, state=state,
                                                       layouts=db.layouts(), stats=stats,
                                                       timings=written)
        result.output_stats = stats
        lap("write")
        timings.update(written)
        change.meta = {"state": state if client is None or found is not None else "",
                       "last_run": stamp,
                       "skipped": json.dumps([s.model_dump(mode="json") for s in skipped])}
        db.update_state(change)
        lap("store")
    return result


def rerender(out: Path) -> list[Path] | None:
    """Rewrite the output files of the last run in ``out`` from the claim store's state
    (after a review decision), reusing every piece the decision does not touch.

    None when the store holds no state of a finished run (the caller renders another way).
    The caller holds the output-folder lock.
    """
    if not (out / store.DB_NAME).is_file():
        return None
    with store.open_store(out) as db, store.paused_gc():
        meta = db.meta()
        state, stamp = meta.get("state"), meta.get("last_run")
        if not state or not stamp or "skipped" not in meta:
            return None
        items = [delta.Item(path, store.Key(raw_sha, suffix), size, stamp,
                            rows.DocRow(*json.loads(row)))
                 for path, (_doc, raw_sha, suffix, size, stamp, row)
                 in db.run_docs().items()]
        view = _store_view(db, items, {}, set(), stamp=stamp)
        view.findings = review.apply_reviews(db.findings_in_run_order(),
                                             review.load_reviews(out))
        view.skipped = [Skip.model_validate(s) for s in json.loads(meta["skipped"])]
        written, layouts = outputs.write(out, view, state=state, layouts=db.layouts())
        db.update_state(store.StateChange(layouts=layouts))
    return written


def _store_new(db: store.Store, stamp: str, added: Sequence[delta.Item],
               todo: Sequence[Document], entries: dict[str, store.Entry],
               failed: list[Failure], *, rules: Rules, model_name: str, do_repair: bool,
               jobs: int, client: Any, timings: dict[str, float],
               lap: Callable[[str], None], progress: Progress | None, total: int) -> None:
    """Run the per-document stages on ``todo`` and store each result (garbage collector on:
    parsing makes cyclic garbage)."""
    with store.collecting_gc():
        fresh: Iterable[store.Entry | Failure]
        if client is not None:
            fresh = distributed.process_documents(
                client, todo, rules=rules, model=model_name, do_repair=do_repair)
        elif jobs > 1 and len(todo) > 1:
            fresh = _process_in_pool(todo, rules=rules, model=model_name,
                                     do_repair=do_repair, jobs=jobs)
        else:
            nlp = load_pipeline(rules, model=model_name)
            fresh = process_documents(todo, nlp=nlp, rules=rules, do_repair=do_repair,
                                      n_process=jobs, timings=timings,
                                      chunk=len(todo) if jobs > 1 else 256)
            lap("model")
        batch: list[tuple[store.Key, store.Entry]] = []
        keys = {i.row.id: i.key for i in added}
        for entry in fresh:
            if isinstance(entry, Failure):
                failed.append(entry)
                continue
            entries[entry.document.id] = entry
            batch.append((keys[entry.document.id], entry))
            if len(batch) >= STORE_BATCH:
                db.put_many(batch, stamp)
                batch = []
            if progress:
                progress("extract", total - len(todo) + len(entries), total)
        db.put_many(batch, stamp)


def _store_view(db: store.Store, items: Sequence[delta.Item], entries: dict[str, store.Entry],
                removed: set[str], *, stamp: str) -> rows.View:
    """The view of an incremental run: stored rows of the unchanged part, new rows of the
    rest; full claims and documents read from the store on demand."""
    new_claims = {c.id: c for e in entries.values() for c in e.claims}
    make = rows.ClaimRow._make
    claim_rows = [make(r) for r in db.claim_rows()
                  if r[1] not in removed and r[0] not in new_claims]  # (id, doc_id, ...)
    claim_rows += [rows.claim_row(c) for c in new_claims.values()]
    claim_rows.sort(key=operator.itemgetter(1, 2, 0))  # (doc id, offset, id): run order
    by_id = {i.row.id: i for i in items}
    live = [db]

    def connection() -> store.Store:
        """The run's store, or (asked after the run) a new connection to it."""
        if live[0].closed:
            live[0] = store.Store(db.path)
        return live[0]

    def load_claims(ids: Sequence[str]) -> dict[str, Claim]:
        found = {i: new_claims[i] for i in ids if i in new_claims}
        found.update(connection().claims_by_id([i for i in ids if i not in found]))
        return found

    def load_documents(ids: Sequence[str]) -> dict[str, Document]:
        found: dict[str, Document] = {}
        for doc_id in ids:
            item = by_id.get(doc_id)
            if item is None:
                continue
            entry = entries.get(doc_id)
            document = item.document or (entry.document if entry else None) \
                or connection().document(item.key, stamp)
            if document is None:
                continue
            if document.path != item.path:
                document = document.model_copy(update={"path": item.path})
            found[doc_id] = document
        return found

    return rows.View(docs=sorted((i.row for i in items), key=lambda r: (r.path, r.id)),
                     claims=claim_rows, findings=[], skipped=[],
                     load_claims=load_claims, load_documents=load_documents)


def _full_checks(db: store.Store, items: Sequence[delta.Item], entries: dict[str, store.Entry],
                 *, rules: Rules, stamp: str, client: Any
                 ) -> tuple[list[Finding], store.StateChange, rows.View]:
    """Checks over every claim; the state tables to replace; a view over memory."""
    for item in items:
        if item.row.id not in entries:
            entry = item.entry or db.get(item.key, stamp, quantities=False)
            if entry is None:  # the store lost it meanwhile: never expected
                raise OutputError(f"claim store {db.path} changed during the run",
                                  hint="run again")
            if entry.document.path != item.path:
                entry = replace(entry, document=entry.document.model_copy(
                    update={"path": item.path}))
            entries[item.row.id] = entry
    documents = [entries[i.row.id].document for i in items]
    all_claims = [c for d in documents for c in entries[d.id].claims]
    all_claims.sort(key=lambda c: (c.doc_id, c.span.start, c.id))
    garbled = delta.garbled_records(entries[d.id] for d in documents)
    if client is not None:
        found = distributed.run_checks(client, all_claims, rules=rules)
        records: list[checks.Record] = []
    else:
        records = checks.records(all_claims, rules=rules)
        found = checks.replay(records)
    findings = delta.run_order([*found, *(r.finding for r in garbled)])
    change = delta.full_change(items, entries, all_claims, [*records, *garbled], findings,
                               rules)
    view = rows.memory_view(documents, all_claims, findings, [])
    return findings, change, view


@dataclass
class AddResult:
    """What ``claims add`` did: files copied, files rejected (with why), the run after."""

    added: list[Path]
    rejected: list[Skip]
    run: RunResult | None
    new_findings: list[Finding] = field(default_factory=list)


ARTICLE_SUFFIXES = (".txt", ".md", ".html", ".htm")
_GLOB_CHARS = frozenset("*?[")


def expand_sources(patterns: Sequence[str | Path]) -> tuple[list[Path], list[Skip]]:
    """Files named by paths or glob patterns, in order, each once; misses become skips."""
    found: list[Path] = []
    missing: list[Skip] = []
    for pattern in patterns:
        text = str(pattern)
        if _GLOB_CHARS & set(text):
            matches = sorted(Path(p) for p in glob.glob(text, recursive=True))
            if not matches:
                missing.append(Skip(path=text, reason="no file matches this pattern"))
            found += [m for m in matches if m.is_file()]
        elif Path(text).is_dir():
            found += sorted(p for p in Path(text).rglob("*")
                            if p.is_file() and p.suffix.lower() in ARTICLE_SUFFIXES)
        elif not os.path.lexists(text):
            missing.append(Skip(path=text, reason="no such file"))
        else:
            found.append(Path(text))
    return list(dict.fromkeys(found)), missing


def _safe_name(name: str) -> str | None:
    """The file name to use in the corpus, or ``None`` when it is not a plain file name."""
    if not name or name in (".", "..") or name.startswith(".") or "/" in name or "\\" in name \
            or "\0" in name or any(ord(c) < 32 for c in name):
        return None
    return name


def _write_new(dest: Path, data: bytes) -> None:
    """Create ``dest`` (never an existing file, never through a symlink) and write ``data``."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(dest, flags, 0o644)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(dest)
        raise


def add(
    sources: Sequence[str | Path],
    *,
    corpus: str | Path = "corpus",
    out: str | Path = "out",
    rules_dir: str | Path | None = None,
    model: str | None = None,
    do_repair: bool = True,
    max_bytes: int = DEFAULT_MAX_BYTES,
    jobs: int = 1,
    scheduler: str | None = None,
    progress: Progress | None = None,
) -> AddResult:
    """Copy new articles into ``corpus``, extract incrementally, report the new findings.

    A source is rejected (one :class:`Skip` each) when it is not a .txt/.md/.html file, is
    unreadable or too big, has the same bytes as an article already in the corpus (or added
    before it), or has a name that is not a plain file name. Files are only ever created
    inside the corpus folder, never overwritten, never written through a symlink; a name
    already taken gets a ``-2``, ``-3``... suffix. Findings are *new* when their id was not
    in the previous run's findings (a run over the corpus as it was is done first when the
    output folder has none).
    """
    corpus, out = Path(corpus), Path(out)
    rules = load_rules(rules_dir)
    if not corpus.is_dir():
        raise InputError(f"corpus folder not found: {corpus}",
                         hint="pass --corpus DIR, an existing folder of articles")
    _files, missing = expand_sources(sources)
    if missing:
        more = f" (and {len(missing) - 1} more)" if len(missing) > 1 else ""
        raise InputError(f"{missing[0].reason}: {missing[0].path}{more}",
                         hint="check the path; nothing was added")

    def run_once() -> RunResult:
        return _extract_locked(corpus, out, rules=rules, model=model, do_repair=do_repair,
                               max_bytes=max_bytes, progress=progress, jobs=jobs,
                               scheduler=scheduler)

    with locked(out):
        with store.open_store(out) as db:
            has_previous = bool(db.meta().get("last_run"))
        if not has_previous:
            run_once()
        with store.open_store(out) as db:
            known = db.run_docs()
        added, rejected = _copy_into(corpus, sources, max_bytes=max_bytes, known=known)
        if not added:
            return AddResult(added=[], rejected=rejected, run=None)
        run = run_once()  # its new findings: not in the stored findings of the run before
        run.rules_root = rules.root
    new_ids = set(run.new_findings)
    new = [f for f in run.findings if f.id in new_ids]
    return AddResult(added=added, rejected=rejected, run=run, new_findings=new)


def _copy_into(corpus: Path, sources: Sequence[str | Path], *, max_bytes: int,
               known: Mapping[str, tuple[str, str, str, int, str, str]] | None = None
               ) -> tuple[list[Path], list[Skip]]:
    """Copy the sources into the corpus; ``known``: the last run's files
    (:meth:`store.Store.run_docs`), whose content hash is trusted while their size and
    :func:`delta.file_stamp` are unchanged."""
    files, rejected = expand_sources(sources)
    root = corpus.resolve()
    hashes: dict[str, str] = {}
    for path in corpus_files(corpus):
        rel = path.relative_to(corpus).as_posix()
        last = (known or {}).get(rel)
        with contextlib.suppress(OSError):
            st = path.stat()
            if last is not None and (last[3], last[4]) == (st.st_size, delta.file_stamp(st)):
                hashes.setdefault(last[1], rel)
                continue
        with contextlib.suppress(ArticleError):
            data = read_article(path, rel, max_bytes=max_bytes, root=corpus)
            hashes.setdefault(hashlib.sha256(data).hexdigest(), rel)
    known_hashes = hashes
    added: list[Path] = []
    for source in files:
        shown = str(source)
        name = _safe_name(source.name)
        if name is None:
            rejected.append(Skip(path=shown, reason="not a plain file name"))
            continue
        if Path(name).suffix.lower() not in ARTICLE_SUFFIXES:
            rejected.append(Skip(path=shown, reason="not an article file type (use .txt, "
                                 ".md or .html)"))
            continue
        try:
            data = read_article(source, shown, max_bytes=max_bytes)
        except ArticleError as exc:
            rejected.append(Skip(path=shown, reason=exc.detail))
            continue
        digest = hashlib.sha256(data).hexdigest()
        if digest in known_hashes:
            rejected.append(Skip(path=shown, reason=f"duplicate of {known_hashes[digest]} "
                                 "(same content)"))
            continue
        stem, suffix = Path(name).stem, Path(name).suffix
        for n in range(1, 1000):
            candidate = root / (name if n == 1 else f"{stem}-{n}{suffix}")
            if candidate.parent != root:
                break
            try:
                _write_new(candidate, data)
            except FileExistsError:
                continue
            known_hashes[digest] = candidate.name
            added.append(corpus / candidate.name)  # as the user named the corpus
            break
        else:
            rejected.append(Skip(path=shown, reason="no free file name in the corpus"))
    return added, rejected
