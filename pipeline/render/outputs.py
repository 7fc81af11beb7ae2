"""The output files of a run: one writer each, composed into ``out/`` by reusing pieces.

:data:`WRITERS` names the one function that writes each file, as signed pieces over a
:class:`rows.View` (:mod:`pipeline.render.splice`); writers of one family share their planning
through the view (:meth:`rows.View.shared`). :func:`write` composes every file into a new
generation of ``out/`` (:class:`pipeline.fsio.Generation`), reusing the unchanged pieces of
the previous run's files, and returns the new layouts for the claim store; :func:`text` gives
one file's whole text (library users, tests).
"""

from __future__ import annotations

import marshal
import os
import time
from collections.abc import Callable, Mapping
from pathlib import Path

from pipeline.fsio import Generation, interrupts_deferred, write_error
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


def write(out: Path, view: rows.View, *, state: str, layouts: Mapping[str, bytes],
          generation: Generation, stats: dict[str, splice.Stats] | None = None,
          timings: dict[str, float] | None = None) -> tuple[list[Path], dict[str, bytes]]:
    """Write every output file into ``generation`` (a new generation of ``out``, which the
    caller commits and publishes); returns the paths as ``out`` shows them once published,
    and the new layouts.

    The previous version of each file is read through ``out``'s names, so unchanged pieces
    are copied from it (``copy_file_range``) and an unchanged file is hard-linked.
    ``timings`` (if given) gets the seconds spent planning the pieces (``write.plan``) and
    composing the files (``write.compose``). A file system error (a full disk, a file over
    ``ulimit -f``) is an :class:`OutputError`; ``out`` still shows the previous run then.
    """
    start = time.perf_counter()
    current = fingerprint.outputs(state)
    written: list[Path] = []
    new: dict[str, bytes] = {}
    every = {name: writer(view) for name, writer in WRITERS.items()}
    planned = time.perf_counter()
    for name in FILES:
        previous = splice.Layout.loads(layouts[name]) if name in layouts else None
        counts = splice.Stats()
        try:
            layout = splice.compose(out / name, every[name], version=current,
                                    previous=previous, stats=counts,
                                    into=generation.path(name))
        except OSError as exc:
            raise write_error(out / name, exc) from None
        if stats is not None:
            stats[name] = counts
        new[name] = layout.dumps()
        written.append(out / name)
    for folder, folder_writer in FOLDERS.items():
        key = folder + "/"
        counts = splice.Stats()
        try:
            new[key] = _write_folder(out / folder, folder_writer(view), version=current,
                                     previous=layouts.get(key), stats=counts,
                                     into=generation.path(folder))
        except OSError as exc:
            raise write_error(out / folder, exc) from None
        if stats is not None:
            stats[key] = counts
        written.append(out / folder)
    if timings is not None:
        timings["write.plan"] = planned - start
        timings["write.compose"] = time.perf_counter() - planned
    return written, new


def _write_folder(folder: Path, every: Mapping[str, list[splice.Piece]], *, version: str,
                  previous: bytes | None, stats: splice.Stats, into: Path) -> bytes:
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
    new: dict[str, bytes] = {}
    for page in sorted(every):
        before = splice.Layout.loads(old[page]) if page in old else None
        layout = splice.compose(folder / page, every[page], version=version, previous=before,
                                stats=stats, into=into / page)
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


def recover(out: Path, db: store.Store) -> None:
    """Bring ``out`` to its committed generation after a killed run (the caller holds the
    folder's lock): :func:`pipeline.fsio.recover` with the generation the store committed."""
    fsio_recover(out, db.meta().get(GENERATION), NAMES)
