"""The output files of a run: one writer each, composed into ``out/`` by reusing pieces.

:data:`WRITERS` names the one function that writes each file, as signed pieces over a
:class:`rows.View` (:mod:`pipeline.render.splice`); writers of one family share their planning
through the view (:meth:`rows.View.shared`). :func:`write` composes every file into a new
generation of ``out/`` (:class:`pipeline.fsio.Generation`), reusing the unchanged pieces of
the previous run's files, and returns the new layouts for the claim store; :func:`text` gives
one file's whole text (library users, tests).
"""

from __future__ import annotations

import contextlib
import dataclasses
import marshal
import os
import pickle
import shutil
import signal
import time
from collections.abc import Callable, Mapping
from pathlib import Path

from pipeline.errors import OutputError
from pipeline.fsio import Generation, die_with_parent, interrupts_deferred, write_error
from pipeline.fsio import recover as fsio_recover
from pipeline.render import exports, graph, pages, report, splice
from pipeline.state import fingerprint, rows, store

#: Output file -> the one function that writes it (in the order a run writes them).
WRITERS: dict[str, Callable[[rows.View], list[splice.Piece]]] = {
    "claims.jsonl": exports.claims_jsonl_pieces,
    "contradictions.json": exports.json_pieces,
    "contradictions.md": report.markdown_pieces,
    "report.html": pages.index_pieces,
    "claimreview.jsonld": exports.claimreview_pieces,
    "graph.graphml": graph.graphml_pieces,
    "graph.json": graph.node_link_pieces,
}
FILES = tuple(WRITERS)
#: Output folder -> the one function that writes its pages (file name -> pieces).
FOLDERS: dict[str, Callable[[rows.View], dict[str, list[splice.Piece]]]] = {
    pages.FOLDER: pages.folder_pieces,
}
REVIEWS = "reviews.json"  # pipeline.review.REVIEWS_FILE
"""The review decisions (written by :func:`pipeline.review.record`): a file of every
generation of an output folder too, so a decision and the reports showing it switch in
together."""
NAMES = (*FILES, *FOLDERS, REVIEWS)
"""Every file name a generation of an output folder can hold."""


def text(view: rows.View, name: str) -> str:
    """The whole text of output file ``name`` (one of :data:`FILES`, or a page of a folder:
    ``report/sources.html``) for ``view``, rendered by the writer a run writes it with (every
    piece rendered, nothing reused)."""
    folder, _, page = name.partition("/")
    if page:
        return splice.text_of(FOLDERS[folder](view)[page])
    return splice.text_of(WRITERS[name](view))


def texts(view: rows.View) -> dict[str, str]:
    """Every output file's whole text for ``view`` by its name in the output folder (the
    pages of a folder as ``report/NAME``): what a run writes."""
    every = {name: splice.text_of(writer(view)) for name, writer in WRITERS.items()}
    for folder, writer in FOLDERS.items():
        every.update((f"{folder}/{page}", splice.text_of(pieces))
                     for page, pieces in writer(view).items())
    return every


FORK_CLAIMS = 5000
"""From this many claims (and where ``os.fork`` exists) a run writes its files in two
processes (:func:`write`); below it, one process is quicker than starting a second."""
#: The files the second process writes: a share of the work about equal to the rest (in an
#: add at 10,000 articles the first process, which also plans the report's pages and the
#: Markdown page, had some 20% more to do while ``claims.jsonl`` was its).
FORKED = ("claims.jsonl", "contradictions.json", "claimreview.jsonld", "graph.graphml",
          "graph.json")


def write(out: Path, view: rows.View, *, state: str, layouts: Mapping[str, bytes],
          generation: Generation, stats: dict[str, splice.Stats] | None = None,
          timings: dict[str, float] | None = None) -> tuple[list[Path], dict[str, bytes]]:
    """Write every output file into ``generation`` (a new generation of ``out``, which the
    caller commits and publishes); returns the paths as ``out`` shows them once published,
    and the new layouts.

    The previous version of each file is read through ``out``'s names, so unchanged pieces
    are copied from it (``copy_file_range``) and an unchanged file is hard-linked.
    ``timings`` (if given) gets the seconds spent planning the pieces (``write.plan``) and
    composing the files (``write.compose``), summed over both processes when a second one
    writes the files of :data:`FORKED` (from :data:`FORK_CLAIMS` claims; ``write.second``:
    that process's share). The plan every file shares (:func:`report.shared`) is made
    before the second process starts, which inherits it. Each file's pieces depend on the
    view alone, so which process writes it changes no byte. A file system
    error (a full disk, a file over ``ulimit -f``) is an :class:`OutputError`; ``out`` still
    shows the previous run then.
    """
    version = fingerprint.outputs(state)
    names = [*FILES, *(folder + "/" for folder in FOLDERS)]
    done: dict[str, tuple[bytes, splice.Stats]] = {}
    clock = {"write.plan": 0.0, "write.compose": 0.0}
    forked = [n for n in names if n in FORKED] \
        if len(view.claims) >= FORK_CLAIMS and hasattr(os, "fork") else []
    if forked:  # the plan both processes share, made once: the second one inherits it
        start = time.perf_counter()
        report.shared(view)
        clock["write.plan"] += time.perf_counter() - start
    child = _Child.start(out, view, forked, version=version, layouts=layouts,
                         generation=generation) if forked else None
    try:
        mine = [n for n in names if child is None or n not in forked]
        done.update(_write_files(out, view, mine, version=version, layouts=layouts,
                                 generation=generation, clock=clock))
        if child is not None:
            theirs = child.result()
            if theirs is None:  # the second process failed unexpectedly: write them here
                for name in forked:
                    _remove(generation.path(name.rstrip("/")))
                theirs = (_write_files(out, view, forked, version=version, layouts=layouts,
                                       generation=generation, clock=clock), {})
            done.update(theirs[0])
            for key, seconds in theirs[1].items():
                clock[key] += seconds
            # how long the second process worked (its files' planning and composing)
            clock["write.second"] = sum(theirs[1].values())
    finally:
        if child is not None:
            child.stop()
    written: list[Path] = []
    new: dict[str, bytes] = {}
    for name in names:
        layout, counts = done[name]
        new[name] = layout
        if stats is not None:
            stats[name] = counts
        written.append(out / name.rstrip("/"))
    if timings is not None:
        timings.update(clock)
    return written, new


def _write_files(out: Path, view: rows.View, names: list[str], *, version: str,
                 layouts: Mapping[str, bytes], generation: Generation,
                 clock: dict[str, float]) -> dict[str, tuple[bytes, splice.Stats]]:
    """Plan and compose the files ``names`` (a folder's name ends with ``/``): each one's
    new layout and counts. Each new file is flushed to disk by a :class:`splice.Flusher`
    while the next ones are planned and composed; this returns once all of them are."""
    done: dict[str, tuple[bytes, splice.Stats]] = {}
    flusher = splice.Flusher()
    try:
        for name in names:
            counts = splice.Stats()
            start = time.perf_counter()
            folder = name.rstrip("/")
            try:
                if name in WRITERS:
                    pieces = WRITERS[name](view)
                    planned = time.perf_counter()
                    previous = splice.Layout.loads(layouts[name]) if name in layouts else None
                    layout = splice.compose(out / name, pieces, version=version,
                                            previous=previous, stats=counts,
                                            into=generation.path(name),
                                            flusher=flusher).dumps()
                else:
                    every = FOLDERS[folder](view)
                    planned = time.perf_counter()
                    layout = _write_folder(out / folder, every, version=version,
                                           previous=layouts.get(name), stats=counts,
                                           into=generation.path(folder), flusher=flusher)
            except OSError as exc:
                raise write_error(out / folder, exc) from None
            clock["write.plan"] += planned - start
            clock["write.compose"] += time.perf_counter() - planned
            done[name] = (layout, counts)
    except BaseException:  # the error being raised stands; the flushes end first
        with contextlib.suppress(splice.FlushError):
            flusher.wait()
        raise
    start = time.perf_counter()
    try:
        flusher.wait()
    except splice.FlushError as exc:
        raise write_error(_shown(out, generation, exc.path), exc.error) from None
    clock["write.compose"] += time.perf_counter() - start
    return done


def _shown(out: Path, generation: Generation, path: Path) -> Path:
    """Where ``out`` shows a file of ``generation`` (``OUT/report/a.html`` for
    ``OUT/.generations/N/report/a.html``) once published."""
    try:
        return out / path.relative_to(generation.folder)
    except ValueError:
        return path


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()


class _Child:
    """A forked process writing some of the files (:func:`write`); it dies with its parent
    (Linux), reads the claim store through its own connection (:func:`rows.View` loaders
    reconnect in a new process) and sends back its layouts, counts and timings, or the
    :class:`OutputError` it met."""

    def __init__(self, pid: int, fd: int) -> None:
        self.pid = pid
        self.fd = fd
        self.reaped = False

    @classmethod
    def start(cls, out: Path, view: rows.View, names: list[str], *, version: str,
              layouts: Mapping[str, bytes], generation: Generation) -> _Child | None:
        parent = os.getpid()
        try:
            read, write_end = os.pipe()
            pid = os.fork()
        except OSError:
            return None
        if pid:
            os.close(write_end)
            return cls(pid, read)
        # the child: never returns
        status = 0
        try:
            os.close(read)
            die_with_parent(parent)
            _let_go_of_lock(out)
            clock = {"write.plan": 0.0, "write.compose": 0.0}
            try:
                answer: object = ("ok", _write_files(out, view, names, version=version,
                                                     layouts=layouts, generation=generation,
                                                     clock=clock), clock)
            except OutputError as exc:
                answer = ("error", exc)
            except KeyboardInterrupt:  # Ctrl-C reached this process: the run stops
                answer = ("interrupted",)
            data = pickle.dumps(answer)
            with os.fdopen(write_end, "wb") as pipe:
                pipe.write(data)
        except BaseException:  # noqa: BLE001 - anything else: the parent writes them itself
            status = 1
        finally:
            os._exit(status)

    def result(self) -> tuple[dict[str, tuple[bytes, splice.Stats]], dict[str, float]] | None:
        """The child's layouts and timings; None when it failed other than by an
        :class:`OutputError` (which is raised here)."""
        chunks = []
        with os.fdopen(self.fd, "rb") as pipe:
            self.fd = -1
            while chunk := pipe.read(1 << 20):
                chunks.append(chunk)
        _, status = os.waitpid(self.pid, 0)
        self.reaped = True
        if status != 0 or not chunks:
            return None
        try:
            answer = pickle.loads(b"".join(chunks))  # noqa: S301 - our own child's bytes
        except (pickle.UnpicklingError, EOFError, ValueError, TypeError):
            return None
        if answer[0] == "error":
            raise answer[1]
        if answer[0] == "interrupted":
            raise KeyboardInterrupt
        return answer[1], answer[2]

    def stop(self) -> None:
        """Kill the child if it still runs (the parent raised meanwhile) and reap it."""
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1
        if not self.reaped:
            with contextlib.suppress(OSError):
                os.kill(self.pid, signal.SIGKILL)
            with contextlib.suppress(OSError):
                os.waitpid(self.pid, 0)
            self.reaped = True


def _let_go_of_lock(out: Path) -> None:
    """Close this (forked) process's copy of the output folder's lock (:func:`fsio.locked`):
    the lock stays the parent's, and goes the moment the parent dies, not when this process
    does."""
    lock = os.path.realpath(out / ".lock")
    with contextlib.suppress(OSError):
        for fd in os.listdir("/proc/self/fd"):
            with contextlib.suppress(OSError, ValueError):
                if os.readlink(f"/proc/self/fd/{fd}") == lock:
                    os.close(int(fd))


def _write_folder(folder: Path, every: Mapping[str, list[splice.Piece]], *, version: str,
                  previous: bytes | None, stats: splice.Stats, into: Path,
                  flusher: splice.Flusher | None = None) -> bytes:
    """Write the pages of a folder into ``into`` (the folder in the new generation), each
    composed like a file from the previous version of the page in ``folder``; returns the
    folder's layout (its pages' layouts)."""
    old: dict[str, bytes] = {}
    if previous is not None:
        try:
            loaded = marshal.loads(previous)
        except (ValueError, EOFError, TypeError):
            loaded = None
        if isinstance(loaded, dict):
            old = loaded
    os.mkdir(into)
    # the published folder's real path, resolved once (``OUT/report`` is a symlink through
    # ``OUT/.current``): each page is read and linked from there, not resolved a page at a time
    real = Path(os.path.realpath(folder))
    new: dict[str, bytes] = {}
    for page in sorted(every):
        before = splice.Layout.loads(old[page]) if page in old else None
        layout = splice.compose(real / page, every[page], version=version, previous=before,
                                stats=stats, into=into / page, real=True, flusher=flusher)
        new[page] = layout.dumps()
    return marshal.dumps(new)


GENERATION = "generation"  # pipeline.review.GENERATION
"""The claim store's meta key naming the output folder's committed generation."""


def commit(db: store.Store, generation: Generation, change: store.StateChange) -> None:
    """Make a written generation the output folder's: flush it to disk, record its name with
    the run's state in one transaction of the claim store (the commit point: a kill after it
    is finished by the next run's :func:`recover`), then switch the folder to it. Ctrl-C is
    held back meanwhile, so an interrupted run either did not commit or published. A
    generation that repeats the published one (every file unchanged) is dropped instead: the
    folder stays as it is."""
    same = generation.repeats()
    if same is not None:  # nothing changed: the published generation stays, no switch
        # the layouts describe the files just written, the same bytes as the published
        # ones: they describe the published files once they carry those files' identities
        # (else the next run could reuse none of their pieces)
        change.layouts = {name: _published(generation.out / name.rstrip("/"), layout,
                                           folder=name.endswith("/"))
                          for name, layout in change.layouts.items()}
        generation.discard()
        change.meta[GENERATION] = same
        db.update_state(change)
        return
    generation.seal()
    change.meta[GENERATION] = generation.name
    with interrupts_deferred():
        db.update_state(change)
        generation.committed = True
        generation.publish()


def _published(path: Path, layout: bytes, *, folder: bool) -> bytes:
    """``layout`` (of a file, or of a folder's pages) with the identity of the published
    file at ``path`` (of the same bytes); unchanged when it cannot be read."""
    if folder:
        try:
            pages = marshal.loads(layout)
        except (ValueError, EOFError, TypeError):
            return layout
        if not isinstance(pages, dict):
            return layout
        return marshal.dumps({page: _published(path / page, data, folder=False)
                              for page, data in pages.items()})
    old = splice.Layout.loads(layout)
    try:
        st = os.stat(path)
    except OSError:
        return layout
    if old is None or st.st_size != old.identity[0]:
        return layout
    return dataclasses.replace(old, identity=splice.identity(st)).dumps()


def recover(out: Path, db: store.Store) -> None:
    """Bring ``out`` to its committed generation after a killed run (the caller holds the
    folder's lock): :func:`pipeline.fsio.recover` with the generation the store committed."""
    fsio_recover(out, db.meta().get(GENERATION), NAMES)
