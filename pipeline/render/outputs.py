"""The output files of a run, each written as signed pieces (:mod:`pipeline.render.splice`).

Every file is described by piece writers over a :class:`rows.View` (:func:`pieces`);
:func:`write` composes them into ``out/``, reusing the unchanged pieces of the previous run's
files, and returns the new layouts for the claim store.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from pathlib import Path

from pipeline.render import exports, graph, report, splice
from pipeline.state import fingerprint, rows

FILES = ("claims.jsonl", "contradictions.json", "contradictions.md", "report.html",
         "claimreview.jsonld", "graph.graphml", "graph.json")


def pieces(view: rows.View) -> dict[str, list[splice.Piece]]:
    """File name -> its pieces, each family of writers planned once (the Markdown and HTML
    reports share their groups; the JSON files their report order and finding JSON; the two
    graph files their nodes and edges)."""
    return {**exports.export_pieces(view), **report.report_pieces(view),
            **graph.graph_pieces(view)}


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
    every = pieces(view)
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
