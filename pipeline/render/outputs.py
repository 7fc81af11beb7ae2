"""The output files of a run: one writer each, composed into ``out/`` by reusing pieces.

:data:`WRITERS` names the one function that writes each file, as signed pieces over a
:class:`rows.View` (:mod:`pipeline.render.splice`); writers of one family share their planning
through the view (:meth:`rows.View.shared`). :func:`write` composes every file into ``out/``,
reusing the unchanged pieces of the previous run's files, and returns the new layouts for the
claim store; :func:`text` gives one file's whole text (library users, tests).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from pathlib import Path

from pipeline.render import exports, graph, report, splice
from pipeline.state import fingerprint, rows

#: Output file -> the one function that writes it (in the order a run writes them).
WRITERS: dict[str, Callable[[rows.View], list[splice.Piece]]] = {
    "claims.jsonl": exports.claims_jsonl_pieces,
    "contradictions.json": exports.json_pieces,
    "contradictions.md": report.markdown_pieces,
    "report.html": report.html_pieces,
    "claimreview.jsonld": exports.claimreview_pieces,
    "graph.graphml": graph.graphml_pieces,
    "graph.json": graph.node_link_pieces,
}
FILES = tuple(WRITERS)


def text(view: rows.View, name: str) -> str:
    """The whole text of output file ``name`` (one of :data:`FILES`) for ``view``, rendered
    by the writer a run writes it with (every piece rendered, nothing reused)."""
    return splice.text_of(WRITERS[name](view))


def write(out: Path, view: rows.View, *, state: str, layouts: Mapping[str, bytes],
          stats: dict[str, splice.Stats] | None = None,
          timings: dict[str, float] | None = None) -> tuple[list[Path], dict[str, bytes]]:
    """Write every output file into ``out``; returns the paths and the new layouts.

    ``timings`` (if given) gets the seconds spent planning the pieces (``write.plan``) and
    composing the files (``write.compose``).
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
        layout = splice.compose(out / name, every[name], version=current, previous=previous,
                                stats=counts)
        if stats is not None:
            stats[name] = counts
        new[name] = layout.dumps()
        written.append(out / name)
    if timings is not None:
        timings["write.plan"] = planned - start
        timings["write.compose"] = time.perf_counter() - planned
    return written, new
