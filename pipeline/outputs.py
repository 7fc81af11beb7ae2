"""The output files of a run, each written as signed pieces (:mod:`pipeline.splice`).

Every file is described by a piece writer over a :class:`rows.View`; :func:`write` composes
them into ``out/``, reusing the unchanged pieces of the previous run's files, and returns the
new layouts for the claim store. A writer whose module has no piece writer yet is rendered
whole, as one piece that never matches.
"""

from __future__ import annotations

import hashlib
import importlib
import os
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

from pipeline import graph, report, rows, splice

PieceWriter = Callable[[rows.View], Iterable[splice.Piece]]

# The modules and templates whose code shapes an output file's bytes.
_TEMPLATES = Path(report.__file__).parent / "templates"


def _exports() -> object:
    try:
        return importlib.import_module("pipeline.exports")
    except ImportError:  # the JSON piece writers are optional: whole-file fallback
        return None


def _modules() -> list[Path]:
    return [Path(m.__file__ or "") for m in (report, graph, _exports(), rows, splice)
            if m is not None]


def version(state: str) -> str:
    """The writers' version: their code and templates, and the run state's fingerprint
    (under which a claim id fixes the claim)."""
    digest = hashlib.sha256(state.encode() + b"\0")
    for path in [*_modules(), *sorted(_TEMPLATES.iterdir())]:
        if path.is_file():
            digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def _whole(name: str, render: Callable[[], str]) -> list[splice.Piece]:
    """A file as one piece that is always rendered (a signature never seen before)."""
    return [splice.Piece(key=name, sig=os.urandom(16).hex(), render=render)]


def writers() -> dict[str, PieceWriter]:
    """File name -> piece writer, in the order the files are written."""
    exports = _exports()
    found: dict[str, PieceWriter] = {}
    for name, module, function in (
        ("claims.jsonl", exports, "claims_jsonl_pieces"),
        ("contradictions.json", exports, "json_pieces"),
        ("contradictions.md", report, "markdown_pieces"),
        ("report.html", report, "html_pieces"),
        ("claimreview.jsonld", exports, "claimreview_pieces"),
        ("graph.graphml", graph, "graphml_pieces"),
        ("graph.json", graph, "node_link_pieces"),
    ):
        writer = getattr(module, function, None)
        found[name] = writer if writer is not None else _fallback(name)
    return found


def _fallback(name: str) -> PieceWriter:
    def pieces(view: rows.View) -> list[splice.Piece]:
        def render() -> str:
            claims = list(view.full_claims(c.id for c in view.claims).values())
            documents = view.full_documents(d.id for d in view.docs)
            if name.startswith("graph."):
                g = graph.build_graph([documents[d.id] for d in view.docs], claims,
                                      view.findings)
                return graph.graphml_text(g) if name.endswith("graphml") \
                    else graph.node_link_json(g)
            if name == "claims.jsonl":
                return report.render_claims_jsonl(claims, documents)
            return report.render_all(view.findings, claims, documents, view.skipped)[name]

        return _whole(name, render)

    return pieces


def write(out: Path, view: rows.View, *, state: str, layouts: Mapping[str, bytes],
          stats: dict[str, splice.Stats] | None = None) -> tuple[list[Path], dict[str, bytes]]:
    """Write every output file into ``out``; returns the paths and the new layouts."""
    current = version(state)
    written: list[Path] = []
    new: dict[str, bytes] = {}
    for name, writer in writers().items():
        previous = splice.Layout.loads(layouts[name]) if name in layouts else None
        counts = splice.Stats()
        layout = splice.compose(out / name, writer(view), version=current, previous=previous,
                                stats=counts)
        if stats is not None:
            stats[name] = counts
        new[name] = layout.dumps()
        written.append(out / name)
    return written, new
