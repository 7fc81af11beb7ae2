"""The per-document stages of a run: repair, quantities, parse and claim frames, article by
article, in one process, in a pool of worker processes, or in one batch of a worker.

What this module decides shapes the stored results (how much of the text the parser sees:
:data:`CONTEXT_SENTENCES`...), so it belongs with the stages it runs (its code is part of
the documents' fingerprint, :mod:`pipeline.state.fingerprint`).
"""

from __future__ import annotations

import functools
import gc
import json
import os
import signal
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any

from spacy.language import Language

from pipeline import fsio
from pipeline.collector import paused_gc
from pipeline.extract import claims, parse, quantities, repair, transfer
from pipeline.extract.lexicon import lexicon_of
from pipeline.extract.results import Entry, Failure
from pipeline.models import Document, RepairedText
from pipeline.rules import Rules, RulesFiles, load_shipped, shipped_files
from pipeline.units import registry_size

try:  # a declared dependency; a venv installed before it was still runs (all BLAS threads)
    from threadpoolctl import threadpool_limits
except ImportError:  # pragma: no cover
    threadpool_limits = None

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
# Allocations between two collections of the youngest generation in a worker process (see
# _freeze_heap; Python's default is 700).
YOUNG_COLLECTION = 10_000
# Documents per batch of a worker process (a pool's or a Dask cluster's).
DOCS_PER_TASK = 32
# Pieces per batch of ``nlp.pipe`` for the fully parsed sentences (twice as many for the
# context level, four times for the light one, see parse.parse_selected). The pieces are
# sentences, not articles: batches of 64 left the networks small matrices (256: some 10% less
# parse time on the scale corpus, the same annotations).
BATCH_SIZE = 256


def load_pipeline(rules: Rules, *, model: str | None = None) -> Language:
    """The spaCy pipeline of a run, without the components no stage reads.

    Loading a model turns Python's garbage collector back on; a run that paused it
    (:func:`pipeline.collector.paused_gc`) gets it paused again, or every later stage pays
    for collections over the whole heap (twice the time of an incremental run's writing).

    The networks' matrix products run on one BLAS thread in this process (numpy's BLAS,
    :func:`pipeline.extract.parse.numpy_products`, would start one per core): a run's
    parallelism is its worker processes (``--jobs``), which the products' threads would only
    contend with.
    """
    if threadpool_limits is not None:
        threadpool_limits(limits=1, user_api="blas")
    collecting = gc.isenabled()
    nlp = parse.load_nlp(rules, model=model)
    if not collecting:
        gc.disable()
    unused = [name for name in UNUSED_COMPONENTS if name in nlp.pipe_names]
    if unused:
        nlp.select_pipes(disable=unused)
    return nlp


def process_documents(
    documents: Sequence[Document],
    *,
    nlp: Language,
    rules: Rules,
    do_repair: bool = True,
    n_process: int = 1,
    batch_size: int = BATCH_SIZE,
    timings: dict[str, float] | None = None,
    chunk: int = 256,
) -> Iterator[Entry | Failure]:
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
    held: list[tuple[int, claims.Memo]] = []  # see _memo
    for first in range(0, len(documents), chunk):
        part = documents[first:first + chunk]
        done = 0
        try:
            for entry in _process_chunk(part, nlp=nlp, rules=rules, do_repair=do_repair,
                                        n_process=n_process, batch_size=batch_size,
                                        timings=timings, held=held):
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
    held: list[tuple[int, claims.Memo]] | None = None,
) -> Iterator[Entry]:
    spent = timings if timings is not None else {}
    clock = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        spent[name] = spent.get(name, 0.0) + now - clock
        clock = now

    registry = rules.registry
    with _acyclic():
        repaired = [repair.repair(d, enabled=do_repair) for d in part]
        lap("repair")
        lexicon = lexicon_of(rules)
        found = [quantities.extract_quantities(r.text, doc_id=d.id, registry=registry,
                                               lexicon=lexicon, source=d.source,
                                               references=False)
                 for d, r in zip(part, repaired, strict=True)]
    lap("quantities")
    docs = iter(parse.parse_selected(
        ((r.text, [(q.span.start, q.span.end) for q in qs])
         for r, qs in zip(repaired, found, strict=True) if qs),  # see _unframed
        nlp, context=CONTEXT_SENTENCES, lead=LEAD_SENTENCES,
        context_components=CONTEXT_COMPONENTS, light=LIGHT_COMPONENTS,
        batch_size=batch_size, n_process=n_process))
    memo = _memo(held if held is not None else [], registry)  # the chunk's units are
    # all defined by now (see claims.Memo)
    for document, fixed, qs in zip(part, repaired, found, strict=True):
        if not qs:
            yield _unframed(document, fixed)
            clock = time.perf_counter()
            continue
        doc = next(docs)
        lap("parse")
        with _acyclic():
            framed = claims.build_claims(document, fixed, doc, qs, rules=rules,
                                         registry=registry, memo=memo)
        lap("claims")
        yield Entry(document=document, repaired=fixed, quantities=tuple(qs),
                    claims=tuple(framed))
        clock = time.perf_counter()


def _acyclic() -> AbstractContextManager[None]:
    """For the stages but the parse: they make no reference cycles worth collecting
    meanwhile (tokens, figures, pydantic models), yet an article's claims are many objects
    (some 100,000 for the 20,001 claims of issue 19's repeated article), which the young
    collections would walk again and again (0.3 s of its 1.5 s of claims). The collector is
    paused; what the stages leave is collected with the parse's garbage."""
    return paused_gc()


def _unframed(document: Document, fixed: RepairedText) -> Entry:
    """The entry of an article without a quantity: no claim can come of it (claims are
    framed quantities, :func:`claims.build_claims`), so it is not parsed at all."""
    return Entry(document=document, repaired=fixed, quantities=(), claims=())


def _memo(held: list[tuple[int, claims.Memo]], registry: object) -> claims.Memo:
    """The claims stage's memo for a chunk whose quantities are found: the one ``held`` from
    the chunk before while the registry defines no new unit since (the memo's answers are
    those of the registry as it stands, see :class:`claims.Memo`), else a new one."""
    size = registry_size(registry)
    if held and held[0][0] == size:
        return held[0][1]
    memo = claims.Memo()
    held[:] = [(size, memo)]
    return memo


def _process_alone(
    document: Document, *, nlp: Language, rules: Rules, do_repair: bool,
    stage: Callable[[str], None] | None = None,
) -> Entry | Failure:
    """One article through the per-document stages, naming the stage that fails
    (``stage`` is told each stage as it starts)."""
    registry = rules.registry
    tell = stage or (lambda _name: None)
    name = "repair"
    try:
        tell(name)
        with _acyclic():
            fixed = repair.repair(document, enabled=do_repair)
        name = "quantities"
        tell(name)
        with _acyclic():
            qs = quantities.extract_quantities(
                fixed.text, doc_id=document.id, registry=registry, lexicon=lexicon_of(rules),
                source=document.source, references=False)
        if not qs:
            return _unframed(document, fixed)
        name = "parse"
        tell(name)
        doc = next(iter(parse.parse_selected(
            [(fixed.text, [(q.span.start, q.span.end) for q in qs])], nlp,
            context=CONTEXT_SENTENCES, lead=LEAD_SENTENCES,
            context_components=CONTEXT_COMPONENTS,
            light=LIGHT_COMPONENTS)))
        name = "claims"
        tell(name)
        with _acyclic():
            framed = claims.build_claims(document, fixed, doc, qs, rules=rules,
                                         registry=registry)
    except Exception as exc:  # noqa: BLE001 - a bug on one article must not stop the run
        return Failure(document=document, stage=name,
                       error=f"{type(exc).__name__}: {' '.join(str(exc).split())}")
    return Entry(document=document, repaired=fixed, quantities=tuple(qs),
                 claims=tuple(framed))


def _freeze_heap() -> None:
    """In a worker process, once the model and rules are loaded: every object alive now
    (the model, the rules, pint's registry, the run's documents) is moved out of the cyclic
    garbage collector's generations (``gc.freeze``). The per-document stages make cyclic
    garbage (spaCy's docs), so the collector stays on, but each full collection no longer
    rescans the loaded heap, which lives as long as the worker: some 0.15 s a collection,
    a few percent of the stages' time. Nothing is freed or kept that would not be.

    The youngest generation is collected after :data:`YOUNG_COLLECTION` allocations, not
    Python's 700: the stages allocate millions of short-lived objects (tokens, tuples, pydantic
    models), most freed by their reference counts, and each young collection walks every
    young object; on 1,000 scale articles 673 young collections took 0.9 s, 42 of 10,000
    allocations 0.5 s (wall, loaded), for some 5 MB more at the peak."""
    if gc.isenabled():
        gc.freeze()
        gc.set_threshold(YOUNG_COLLECTION, *gc.get_threshold()[1:])


@functools.lru_cache(maxsize=4)
def _worker_pipeline(fingerprint: str, files: RulesFiles, model: str) -> tuple[Rules, Language]:
    """Rules and spaCy pipeline of one worker process, loaded once per (rules, model)."""
    rules = load_shipped(fingerprint, files)
    nlp = load_pipeline(rules, model=model)
    _freeze_heap()
    return rules, nlp


def process_batch(documents: Sequence[Document], *, fingerprint: str, files: RulesFiles,
                  model: str, do_repair: bool) -> list[Entry | Failure]:
    """The per-document stages of one batch, in a worker process (a pool's or a Dask
    cluster's): the rules come as file contents (:func:`pipeline.rules.shipped_files`), and
    the rules and the model are loaded once per worker."""
    rules, nlp = _worker_pipeline(fingerprint, files, model)
    return list(process_documents(documents, nlp=nlp, rules=rules, do_repair=do_repair))


def process_in_pool(
    documents: Sequence[Document], *, rules: Rules, model: str, do_repair: bool, jobs: int
) -> Iterator[Entry | Failure]:
    """The per-document stages in ``jobs`` worker processes, batches in order.

    Every stage runs in the workers (not only the parser), each loading the rules and the
    spaCy model once; the results equal a one-process run's.
    """
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    size = max(1, min(DOCS_PER_TASK, -(-len(documents) // jobs)))
    batches = [documents[i:i + size] for i in range(0, len(documents), size)]
    work = functools.partial(process_batch, fingerprint=rules.fingerprint(),
                             files=shipped_files(rules), model=model, do_repair=do_repair)
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
        for entries in pool.map(work, batches):
            yield from entries


# --- the per-article budget (issue 19) ---------------------------------------------------------
# The last line of defence against an article no linear-time fix foresaw: the per-document
# stages run in a worker process forked from the run (it shares the loaded model: starting
# one costs a fork, some 10-30 ms), which the run watches. An article whose stages take more
# than ARTICLE_TIMEOUT seconds of CPU, or make the worker grow by more than ARTICLE_MEMORY
# bytes, is skipped with one line naming the file, the stage and the budget: the worker is
# killed (a loop inside C code, a regex or spaCy's Cython, never sees a Python signal) and a
# new one goes on with the next article. A clean article of the 1,000,000-character limit
# takes well under a minute and a few hundred megabytes.
ARTICLE_TIMEOUT = 120.0
ARTICLE_MEMORY = 2 * 1024**3
# How often the run looks at its worker (seconds).
WATCH_INTERVAL = 0.1


@dataclass(frozen=True)
class Budget:
    """What one article may cost the per-document stages: CPU seconds, bytes of memory
    (the worker's growth in resident memory)."""

    seconds: float = ARTICLE_TIMEOUT
    memory: int = ARTICLE_MEMORY

    def text(self) -> str:
        return f"{self.seconds:g} CPU seconds, {self.memory / 1024**2:,.0f} MB"

    def covers(self, other: Budget) -> bool:
        """True when this budget is no larger than ``other`` in any way (an article over
        ``other`` is over this one too)."""
        return self.seconds <= other.seconds and self.memory <= other.memory


    def json(self) -> str:
        return json.dumps({"seconds": self.seconds, "memory": self.memory}, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Budget:
        try:
            data = json.loads(text)
            return cls(seconds=float(data["seconds"]), memory=int(data["memory"]))
        except (ValueError, KeyError, TypeError):
            return cls(seconds=0.0, memory=0)  # unreadable: any budget covers it, retried


def over_budget(document: Document, stage: str, what: str, budget: Budget) -> Failure:
    """The failure of an article over its budget (one line: the stage and the budget)."""
    return Failure(document=document, stage=stage,
                   error=f"over the budget of {what} per article (tried again when it "
                         "changes, or with a larger --article-timeout)",
                   budget=budget.json())


def _cpu_and_memory(pid: int) -> tuple[float, int]:
    """CPU seconds (user + system) and resident bytes of a process, from /proc."""
    with open(f"/proc/{pid}/stat", "rb") as handle:
        fields = handle.read().rsplit(b")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    cpu = (int(fields[11]) + int(fields[12])) / ticks
    rss = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
    return cpu, rss


def _sent(entry: Entry | Failure) -> object:
    """An entry as the worker sends it (its claims framed again by reference, see
    :mod:`pipeline.extract.transfer`)."""
    return transfer.pack(entry) if isinstance(entry, Entry) else entry


def _worker(documents: Sequence[Document], conn: object, *,
            nlp: Language | Callable[[], Language], rules: Rules, do_repair: bool,
            alone: bool) -> None:
    """The forked worker: the stages of ``documents`` in order, each result sent as it
    comes; before each article (``alone``) or chunk, a ("start", index, stage) message. The
    connection is closed after the last message."""
    send = conn.send  # type: ignore[attr-defined]
    if not isinstance(nlp, Language):
        nlp = nlp()
    _freeze_heap()
    if alone:
        for k, document in enumerate(documents):
            def stage(name: str, k: int = k) -> None:
                send(("start", k, name))

            send(("done", k, _sent(_process_alone(document, nlp=nlp, rules=rules,
                                                  do_repair=do_repair, stage=stage))))
    else:
        send(("start", 0, "repair"))
        timings: dict[str, float] = {}
        for k, entry in enumerate(process_documents(documents, nlp=nlp, rules=rules,
                                                    do_repair=do_repair, timings=timings)):
            send(("done", k, _sent(entry)))
            send(("start", k + 1, "repair"))
        send(("timings", len(documents), timings))
    conn.close()  # type: ignore[attr-defined]


def process_guarded(
    documents: Sequence[Document],
    *,
    nlp: Language | Callable[[], Language],
    rules: Rules,
    do_repair: bool = True,
    budget: Budget | None = None,
    timings: dict[str, float] | None = None,
    warm: Warm | None = None,
) -> Iterator[Entry | Failure]:
    """The per-document stages of ``documents`` in a watched worker process, in order;
    an article over ``budget`` comes out as a :class:`Failure` naming the stage.

    The worker processes the articles in chunks (as :func:`process_documents`); when it
    goes over the budget without finishing an article, it is killed and the articles not
    done yet go one at a time, each watched on its own, until the one over the budget is
    found; the chunks then resume after it. ``timings`` (if given) accumulates the
    workers' seconds per stage. ``nlp`` is the spaCy pipeline, or a function that loads it
    (called in each worker: forking a run that holds no model is cheaper, some 10 ms against
    100-300 ms of copied pages, and the run itself never needs one). ``warm``: a worker
    started before the articles were known (:class:`Warm`, its model loaded meanwhile), which
    takes the first chunk instead of a new one (a new one is forked when it is gone).
    """
    import multiprocessing

    budget = budget or Budget()
    todo = list(documents)
    alone = False
    context = multiprocessing.get_context("fork")
    while todo:
        alone = alone or len(todo) == 1  # one article: watched stage by stage
        taken = warm.take(todo, alone=alone) if warm is not None else None
        warm = None  # the first chunk's worker only: a killed one is not warm again
        if taken is not None:
            pid, receive = taken
        else:
            receive, send = context.Pipe(duplex=False)
            pid = _fork_worker(functools.partial(_worker, todo, send, nlp=nlp, rules=rules,
                                                 do_repair=do_repair, alone=alone), receive)
            send.close()
        done, current, killed = 0, -1, None
        try:
            start_cpu, base_rss = _cpu_and_memory(pid)
            stage = "repair"
            while done < len(todo) or (not alone and receive.poll(WATCH_INTERVAL)):
                if receive.poll(WATCH_INTERVAL):
                    try:
                        with paused_gc():  # an entry is thousands of objects, no cycles
                            message = receive.recv()
                    except EOFError:
                        break  # the worker died (out of memory?): the article it was on
                    if message[0] == "timings":
                        for name, seconds in message[2].items():
                            if timings is not None:
                                timings[name] = timings.get(name, 0.0) + seconds
                        break
                    if message[0] == "start":
                        stage = message[2]
                        if message[1] != current:  # the next article (chunk): a new budget
                            if current < 0:  # the worker is ready (its model loaded)
                                base_rss = _cpu_and_memory(pid)[1]
                            current = message[1]
                            start_cpu = _cpu_and_memory(pid)[0]
                    else:
                        with paused_gc():
                            entry = transfer.unpack(message[2])
                        yield entry
                        done += 1
                    continue
                if current < 0:
                    continue  # loading the model: no article's yet
                cpu, rss = _cpu_and_memory(pid)
                if cpu - start_cpu > budget.seconds:
                    killed = f"{budget.seconds:g} CPU seconds"
                elif rss - base_rss > budget.memory:
                    killed = f"{budget.memory / 1024**2:,.0f} MB of memory"
                if killed:
                    break
        finally:
            receive.close()
            _end(pid)
        if done == len(todo):
            return
        if alone or len(todo) - done == 1:
            yield over_budget(todo[done], stage, killed or "memory (the worker died)", budget)
            todo = todo[done + 1:]
            alone = False
        else:  # find the article: the rest one at a time
            todo = todo[done:]
            alone = True


class Warm:
    """A watched worker of :func:`process_guarded` forked before the run knows its articles:
    it loads the spaCy pipeline meanwhile, then waits for the first chunk (``claims add``:
    the model's loading, some 0.4 s, overlaps the copy of the article, the scan of the
    corpus and the store's reads instead of following them). It runs the chunk exactly as a
    worker forked for it would (:func:`_worker`); a warm worker no run took is killed by
    :meth:`close` (and by the kernel with its parent, as any worker)."""

    def __init__(self, pid: int, tasks: Any, results: Any) -> None:
        self.pid: int | None = pid
        self._tasks = tasks
        self._results = results

    @classmethod
    def start(cls, nlp: Callable[[], Language], *, rules: Rules,
              do_repair: bool = True) -> Warm | None:
        """Fork the worker (it calls ``nlp`` at once); None when it cannot be forked."""
        import multiprocessing

        def run() -> None:  # in the worker
            model = nlp()
            try:
                todo, alone = task_receive.recv()
            except EOFError:  # no run took it
                os._exit(0)
            task_receive.close()
            _worker(todo, send, nlp=model, rules=rules, do_repair=do_repair, alone=alone)

        context = multiprocessing.get_context("fork")
        try:
            task_receive, task_send = context.Pipe(duplex=False)
            receive, send = context.Pipe(duplex=False)
            pid = _fork_worker(run, receive, task_send)
        except OSError:
            return None
        task_receive.close()
        send.close()
        return cls(pid, task_send, receive)

    def take(self, todo: Sequence[Document], *, alone: bool) -> tuple[int, Any] | None:
        """Give the worker its articles: its pid and the connection its results come on;
        None when it is gone (taken before, closed, or dead) and was reaped."""
        pid, self.pid = self.pid, None
        if pid is None:
            return None
        try:
            self._tasks.send((list(todo), alone))
        except OSError:  # it died (loading the model?): a fresh worker instead
            self._results.close()
            _end(pid)
            return None
        finally:
            self._tasks.close()
        return pid, self._results

    def close(self) -> None:
        """Kill and reap the worker unless a run took it."""
        pid, self.pid = self.pid, None
        if pid is not None:
            self._tasks.close()
            self._results.close()
            _end(pid)


def _fork_worker(run: Callable[[], None], *unused: Any) -> int:
    """Fork a watched worker that runs ``run`` and exits (status 1 if it raised); the pid.

    The worker dies with the run, closes the connection ends it does not use (``unused``)
    and ignores Ctrl-C (the run handles it); it never returns into the run's code."""
    parent = os.getpid()
    pid = os.fork()
    if pid == 0:
        code = 0
        try:
            fsio.die_with_parent(parent)
            for end in unused:
                end.close()
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            run()
        except BaseException:  # noqa: BLE001 - the run sees the worker end early
            code = 1
        finally:
            os._exit(code)
    return pid


def _end(pid: int) -> None:
    """Kill a worker (if it still runs) and reap it."""
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    os.waitpid(pid, 0)
