"""Library API: run the whole pipeline and return a result object. Prints nothing."""

from __future__ import annotations

import contextlib
import functools
import json
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import networkx as nx

from pipeline import distributed, review
from pipeline.check import checks
from pipeline.collector import collecting_gc, paused_gc
from pipeline.corpus import (
    CorpusWalk,
    discard,
    expand_sources,
    place,
    remove_stale_copies,
    stage,
    walk_corpus,
    with_placed,
)
from pipeline.errors import InputError, OutputError
from pipeline.extract import parse, process
from pipeline.extract.results import Entry, Failure
from pipeline.fsio import DEFAULT_MAX_BYTES, locked, new_generation
from pipeline.models import Claim, Document, Finding, Skip
from pipeline.render import graph, outputs
from pipeline.rules import Rules, load_rules
from pipeline.state import delta, fingerprint, rows, store

Progress = Callable[[str, int, int], None]

# Documents written to the claim store per transaction.
STORE_BATCH = 256
# Up to this many articles to parse, the last run's rows are read while they are parsed
# (delta.Preload): a few articles' parse mostly waits on its worker process.
PRELOAD_BELOW = 16


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
        # articles a ``claims add`` placed in the corpus whose run did not finish (its journal
        # in the claim store); this run finished them: paths as in the outputs
        self.journaled: list[str] = []
        # decisions moved to the finding that replaced theirs (review.carry_over)
        self.carried: list[review.Carry] = []
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


def load_documents(
    corpus: Path,
    *,
    rules: Rules,
    max_bytes: int = DEFAULT_MAX_BYTES,
    cached: Callable[[store.Key], Entry | None] | None = None,
) -> tuple[list[Document], list[Skip], dict[str, store.Key], dict[str, Entry]]:
    """Ingest every article; a bad one becomes a :class:`Skip`, never an exception.

    ``cached`` looks an article's bytes up in the claim store; a hit skips ingest. Returns the
    documents, the skips, each document's store key and the stored entries found (both by
    document id). (:func:`delta.scan` over no previous run: every file is read.)
    """
    walk = walk_corpus(corpus)
    items, skipped = delta.scan(corpus, {}, files=walk.files, rules=rules,
                                max_bytes=max_bytes, cached=cached or (lambda _key: None))
    skipped = sorted([*walk.skipped, *skipped], key=lambda s: s.path)
    documents = [i.document for i in items if i.document is not None]
    return (documents, skipped, {i.row.id: i.key for i in items},
            {i.row.id: i.entry for i in items if i.entry is not None})


def load_run_rules(rules_dir: str | Path | None) -> Rules:
    """The rules of a run, every reference checked: a bad rules file, or a check name no
    check has, stops the run before any work (:class:`pipeline.errors.RulesError`)."""
    rules = load_rules(rules_dir)
    checks.enabled(rules)
    return rules


@dataclass(frozen=True)
class _Settings:
    """What a run is asked to do, besides its corpus and output folders."""

    rules: Rules
    model: str | None
    do_repair: bool
    max_bytes: int
    jobs: int
    scheduler: str | None
    progress: Progress | None
    budget: process.Budget = field(default_factory=process.Budget)
    warm: process.Warm | None = None  # a parse worker loading the model (claims add)


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
    article_timeout: float | None = None,
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
    ``article_timeout``: the CPU seconds one article may take in the per-document stages
    (default :data:`pipeline.extract.process.ARTICLE_TIMEOUT`); an article over it, or over
    :data:`~pipeline.extract.process.ARTICLE_MEMORY`, is skipped with one line, and skipped
    again by the next runs until it changes or the budget grows (one process, ``jobs=1``).
    """
    corpus, out = Path(corpus), Path(out)
    run = _Settings(rules=load_run_rules(rules_dir), model=model, do_repair=do_repair,
                    max_bytes=max_bytes, jobs=jobs, scheduler=scheduler, progress=progress,
                    budget=_budget(article_timeout))
    if jobs < 1:
        raise InputError(f"--jobs must be at least 1, not {jobs}", hint="pass --jobs 1 or more")
    with locked(out):
        result = _extract_locked(corpus, out, run)
    result.rules_root = run.rules.root
    return result


def _budget(article_timeout: float | None) -> process.Budget:
    if article_timeout is None:
        return process.Budget()
    if not article_timeout > 0:
        raise InputError(f"--article-timeout must be more than 0 seconds, not "
                         f"{article_timeout:g}", hint="pass a number of CPU seconds, e.g. 120")
    return process.Budget(seconds=article_timeout)


def _remembered(db: store.Store, todo: Sequence[Document], keys: Mapping[str, store.Key],
                stamp: str, budget: process.Budget) -> list[Failure]:
    """The articles of ``todo`` that went over a budget in an earlier run, with the same
    bytes and fingerprint, when this run's budget is no larger: skipped again at once."""
    found = []
    for document in todo:
        failure = db.failure(keys[document.id], stamp)
        if failure is not None and budget.covers(process.Budget.from_json(failure[0])):
            found.append(Failure(document=document, stage=failure[1], error=failure[2],
                                 budget=failure[0]))
    return found


def _extract_locked(corpus: Path, out: Path, run: _Settings,
                    known_docs: Mapping[str, store.RunDoc] | None = None,
                    walked: CorpusWalk | None = None) -> RunResult:
    """The run itself; the caller holds the output-folder lock.

    Under the same state fingerprint as the last run (same rules, model, options and code)
    it is incremental (:mod:`pipeline.state.delta`); otherwise it runs the checks over every claim
    and replaces the stored state. ``known_docs``: the store's files of the last run, when the
    caller read them under the same lock (``claims add``); ``walked``: the corpus as the
    caller walked it under that lock, with the files it placed there since.
    """
    timings: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        timings[name] = timings.get(name, 0.0) + now - clock
        clock = now

    per_document: dict[str, float] = {}
    rules, progress = run.rules, run.progress
    model_name = run.model or parse.default_model_name()
    stamp = fingerprint.documents(rules, model=model_name, do_repair=run.do_repair)
    state = fingerprint.checks(stamp)
    remove_stale_copies(corpus)
    walk = walk_corpus(corpus) if walked is None else walked
    with store.open_store(out) as db, paused_gc():
        outputs.recover(out, db)
        meta = db.meta()
        journal = {entry["sha256"] for entry in pending_adds(meta)}
        incremental = meta.get("state") == state and run.scheduler is None
        known = (db.run_docs() if known_docs is None else known_docs) if incremental else {}
        items, skipped = delta.scan(corpus, known, files=walk.files, rules=rules,
                                    max_bytes=run.max_bytes,
                                    cached=lambda key: db.get(key, stamp, quantities=False))
        skipped = [*walk.skipped, *skipped]
        current = {i.path: i.row.id for i in items}
        added = [i for i in items if i.path not in known or known[i.path].doc_id != i.row.id]
        removed_paths = [p for p, doc in known.items() if current.get(p) != doc.doc_id]
        todo = [i.document for i in added if i.entry is None and i.document is not None]
        keys = {i.row.id: i.key for i in added}
        failed: list[Failure] = _remembered(db, todo, keys, stamp, run.budget)
        remembered = len(failed)
        if failed:
            again = {f.document.id for f in failed}
            todo = [d for d in todo if d.id not in again]
        lap("load")
        if progress:
            progress("extract", len(items) - len(todo), len(items))
        entries = {i.row.id: i.entry for i in added if i.entry is not None}

        def stored() -> None:
            if progress:
                progress("extract", len(items) - len(todo) + len(entries), len(items))

        client = None
        try:
            if run.scheduler:
                client = distributed.connect(run.scheduler)
            # the stored rows are read meanwhile when the parse of a few articles waits on
            # its worker process (the next stages need them)
            preload = delta.Preload(db.path) if incremental and todo and client is None \
                and len(todo) <= PRELOAD_BELOW else None
            if todo:
                # parsing makes cyclic garbage; but while the stored rows are read meanwhile
                # (a few articles, parsed by a worker process), collecting would rescan the
                # heap the read is growing (twice the read's time): the collector stays
                # paused then, and a few articles' garbage waits for the end of the run
                with collecting_gc() if preload is None else contextlib.nullcontext():
                    fresh = _process(todo, run, model=model_name, client=client,
                                     timings=per_document, lap=lap)
                    failed += _store_new(db, stamp, fresh, keys, entries, stored=stored)
            if failed:
                gone = {f.document.id for f in failed}
                items = [i for i in items if i.row.id not in gone]
                added = [i for i in added if i.row.id not in gone]
                skipped = [*skipped, *(f.skip() for f in failed)]
            skipped.sort(key=lambda s: s.path)
            lap("documents")
            timings.update({f"documents.{k}": v for k, v in per_document.items()})
            found = None
            preloaded = preload.result() if preload is not None else None
            stored_rows, stored_findings = preloaded or (None, None)
            if incremental:
                found = delta.incremental_checks(
                    db, added=[entries[i.row.id] for i in added],
                    removed_docs={known[p].doc_id for p in removed_paths}, rules=rules,
                    stored_findings=stored_findings)
            if found is not None:
                change = found.change
                change.paths_removed = removed_paths
                change.docs_added = [delta.doc_state(i) for i in items
                                     if i.document is not None]  # read: new or touched
                findings = found.findings
                view = delta.store_view(db, items, entries, set(change.docs_removed),
                                        stamp=stamp, stored_rows=stored_rows)
            else:
                findings, change, view = _full_checks(db, items, entries, rules=rules,
                                                      stamp=stamp, client=client)
            lap("checks")
        finally:
            if client is not None:
                client.close()
        db.keep_only([i.key for i in items], stamp)
        previous = (db.finding_ids() if stored_findings is None else
                    {f.id for f in stored_findings}) if meta.get("last_run") else None
        # a decision whose finding changed id moves to its successor (review.carry_over)
        book, carried = review.carry_over(review.load_reviews(out), findings,
                                          review.mention_index(view.claims))
        findings = review.apply_reviews(findings, book)
        view.findings = findings
        view.skipped = skipped
        result = RunResult(view=view, findings=findings, skipped=skipped,
                           parsed=len(todo) - len(failed) + remembered,
                           reused=len(items) - len(todo) + len(failed) - remembered,
                           new_findings=[f.id for f in findings
                                         if previous is not None and f.id not in previous],
                           timings=timings)
        result.incremental = found is not None
        result.carried = carried
        result.journaled = [i.path for i in items if i.key.raw_sha in journal]
        lap("prepare")
        stats: dict[str, Any] = {}
        written: dict[str, float] = {}
        with new_generation(out) as generation:
            result.outputs, change.layouts = outputs.write(out, view, state=state,
                                                           layouts=db.layouts(),
                                                           generation=generation,
                                                           stats=stats, timings=written)
            if carried:
                result.outputs.insert(0, review.write_book(out, generation, book))
            else:
                generation.carry(outputs.REVIEWS)
            result.output_stats = stats
            lap("write")
            timings.update(written)
            change.meta = {"state": state if client is None or found is not None else "",
                           "last_run": stamp, PENDING_ADD: "",
                           "skipped": json.dumps([s.model_dump(mode="json")
                                                  for s in skipped])}
            outputs.commit(db, generation, change)
        lap("store")
    return result


def _process(todo: Sequence[Document], run: _Settings, *, model: str, client: Any,
             timings: dict[str, float], lap: Callable[[str], None]
             ) -> Iterable[Entry | Failure]:
    """The per-document stages of ``todo``: on the cluster, in a pool of ``jobs`` worker
    processes, or in this one (``timings``: seconds per stage, only here)."""
    if client is not None:
        return distributed.process_documents(client, todo, rules=run.rules, model=model,
                                             do_repair=run.do_repair)
    if run.jobs > 1 and len(todo) > 1:
        return process.process_in_pool(todo, rules=run.rules, model=model,
                                       do_repair=run.do_repair, jobs=run.jobs)
    if run.jobs == 1:  # in a watched worker, which loads the model itself (see there)
        return process.process_guarded(
            todo, nlp=functools.partial(process.load_pipeline, run.rules, model=model),
            rules=run.rules, do_repair=run.do_repair, budget=run.budget, timings=timings,
            warm=run.warm)
    nlp = process.load_pipeline(run.rules, model=model)
    lap("model")
    return process.process_documents(todo, nlp=nlp, rules=run.rules, do_repair=run.do_repair,
                                     n_process=run.jobs, timings=timings,
                                     chunk=len(todo) if run.jobs > 1 else 256)


def _store_new(db: store.Store, stamp: str, fresh: Iterable[Entry | Failure],
               keys: Mapping[str, store.Key], entries: dict[str, Entry], *,
               stored: Callable[[], None]) -> list[Failure]:
    """Store each new entry as it comes (``STORE_BATCH`` a transaction), add it to
    ``entries`` and call ``stored``; returns the articles a stage failed on."""
    failed: list[Failure] = []
    batch: list[tuple[store.Key, Entry]] = []
    for entry in fresh:
        if isinstance(entry, Failure):
            failed.append(entry)
            if entry.budget is not None:  # skipped again until it changes
                db.put_failure(keys[entry.document.id], stamp, budget=entry.budget,
                               stage=entry.stage, error=entry.error)
            continue
        entries[entry.document.id] = entry
        batch.append((keys[entry.document.id], entry))
        if len(batch) >= STORE_BATCH:
            db.put_many(batch, stamp)
            batch = []
        stored()
    db.put_many(batch, stamp)
    return failed


def _full_checks(db: store.Store, items: Sequence[delta.Item], entries: dict[str, Entry],
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
                entry = replace(entry, document=entry.document.moved(item.path))
            entries[item.row.id] = entry
    documents = [entries[i.row.id].document for i in items]
    all_claims = [c for d in documents for c in entries[d.id].claims]
    all_claims.sort(key=lambda c: (c.doc_id, c.span.start, c.id))
    own = delta.document_records(entries[d.id] for d in documents)  # garbled runs
    placed: list[list[tuple[str, str]]] | None = None  # each claim's blocks
    if client is not None:
        found = distributed.run_checks(client, all_claims, rules=rules)
        records: list[checks.Record] = []
    else:
        placed = [[] for _ in all_claims]
        records = checks.records(all_claims, rules=rules, placed=placed)
        found = checks.replay(records)
    findings = delta.run_order([*found, *(r.finding for r in own)])
    change = delta.full_change(items, entries, all_claims, [*records, *own], findings,
                               rules, placed)
    view = rows.memory_view(documents, all_claims, findings, [])
    return findings, change, view


PENDING_ADD = "pending_add"
"""The claim store's meta key of the ``claims add`` journal: the articles an add placed in
the corpus, as a JSON list of ``{"sha256": ..., "source": ...}``; cleared by the commit of a
run, so a non-empty journal means the run of that add did not finish."""


def pending_adds(meta: Mapping[str, str]) -> list[dict[str, str]]:
    """The journal of ``claims add`` in the claim store's meta (:data:`PENDING_ADD`)."""
    try:
        entries = json.loads(meta.get(PENDING_ADD) or "[]")
    except ValueError:
        return []
    return [e for e in entries if isinstance(e, dict) and isinstance(e.get("sha256"), str)] \
        if isinstance(entries, list) else []


@dataclass
class AddResult:
    """What ``claims add`` did: files copied, files rejected (with why), the run after, and
    the files an interrupted add had placed in the corpus, whose run this one finished."""

    added: list[Path]
    rejected: list[Skip]
    run: RunResult | None
    new_findings: list[Finding] = field(default_factory=list)
    finished: list[Path] = field(default_factory=list)


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
    article_timeout: float | None = None,
) -> AddResult:
    """Copy new articles into ``corpus``, extract incrementally, report the new findings.

    A source is rejected (one :class:`Skip` each) when it is not a .txt/.md/.html file, is
    unreadable or too big, has the same bytes as an article already in the corpus (or added
    before it), or has a name that is not a plain, printable file name
    (:func:`pipeline.corpus.name_problem`). Files are only ever created inside the corpus
    folder, never overwritten, never written through a symlink; a name already taken gets a
    ``-2``, ``-3``... suffix. Each article is copied to a temporary name first, flushed to
    disk and then linked to its name, so it appears whole or not at all; the articles placed
    are journaled in the claim store until the run's results are committed, and a run killed
    meanwhile is finished by the next ``claims add`` or ``claims extract``
    (:attr:`AddResult.finished`, :attr:`RunResult.journaled`). Findings are *new* when their
    id was not in the previous run's findings (a run over the corpus as it was is done first
    when the output folder has none).
    """
    corpus, out = Path(corpus), Path(out)
    run = _Settings(rules=load_run_rules(rules_dir), model=model, do_repair=do_repair,
                    max_bytes=max_bytes, jobs=jobs, scheduler=scheduler, progress=progress,
                    budget=_budget(article_timeout))
    if not corpus.is_dir():
        raise InputError(f"corpus folder not found: {corpus}",
                         hint="pass --corpus DIR, an existing folder of articles")
    _files, missing = expand_sources(sources)
    if missing:
        more = f" (and {len(missing) - 1} more)" if len(missing) > 1 else ""
        raise InputError(f"{missing[0].reason}: {missing[0].path}{more}",
                         hint="check the path; nothing was added")
    # the parse worker starts loading the model now (before the lock: it holds none), while
    # this process stages the articles and scans the corpus
    if jobs == 1 and scheduler is None:
        run = replace(run, warm=process.Warm.start(
            functools.partial(process.load_pipeline, run.rules,
                              model=model or parse.default_model_name()),
            rules=run.rules, do_repair=do_repair))
    try:
        return _add_locked(corpus, out, sources, run)
    finally:
        if run.warm is not None:
            run.warm.close()


def _add_locked(corpus: Path, out: Path, sources: Sequence[str | Path],
                run: _Settings) -> AddResult:
    """:func:`add` from taking the output folder's lock on."""
    with locked(out):
        remove_stale_copies(corpus)
        with store.open_store(out) as db:
            outputs.recover(out, db)
            meta = db.meta()
        if not meta.get("last_run"):
            _extract_locked(corpus, out, run)
            with store.open_store(out) as db:
                meta = db.meta()
        journal = pending_adds(meta)
        with store.open_store(out) as db:
            known = db.run_docs()
        walk = walk_corpus(corpus)  # once: the run below is given it with what is placed
        staged, rejected = stage(corpus, sources, max_bytes=run.max_bytes, known=known,
                                 pending={e["sha256"] for e in journal}, walk=walk)
        try:
            if staged:  # journaled before any article appears in the corpus
                journal += [{"sha256": s.digest, "source": s.source} for s in staged]
                with store.open_store(out) as db:
                    db.set_meta(**{PENDING_ADD: json.dumps(journal)})
            added, unplaced = place(corpus, staged)
            rejected += unplaced
        finally:
            discard(staged)
        if not added and not journal:
            return AddResult(added=[], rejected=rejected, run=None)
        result = _extract_locked(corpus, out, run, known_docs=known,
                                 walked=with_placed(walk, corpus, added))
        result.rules_root = run.rules.root
    # new: not in the stored findings of the run before (RunResult.new_findings)
    new_ids = set(result.new_findings)
    new = [f for f in result.findings if f.id in new_ids]
    placed = {p.name for p in added}
    finished = [corpus / path for path in result.journaled if path not in placed]
    return AddResult(added=added, rejected=rejected, run=result, new_findings=new,
                     finished=finished)
