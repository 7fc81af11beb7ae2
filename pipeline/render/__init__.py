"""Every output writer: one function per output file, one template per page.

==========================  =====================================  ==========================
file in ``out/``            written by                             template
==========================  =====================================  ==========================
``claims.jsonl``            :func:`exports.claims_jsonl_pieces`
``contradictions.json``     :func:`exports.json_pieces`
``contradictions.md``       :func:`report.markdown_pieces`         ``contradictions.md.j2``
``report.html``             :func:`pages.index_pieces`             ``report.html.j2`` (and
                                                                   its script ``report.js``)
``report/`` (its pages)      :func:`pages.folder_pieces`            ``report.html.j2``
``claimreview.jsonld``      :func:`exports.claimreview_pieces`
``graph.graphml``           :func:`graph.graphml_pieces`
``graph.json``              :func:`graph.node_link_pieces`
==========================  =====================================  ==========================

(``reviews.json`` is written by :func:`pipeline.review.record`, ``claims.db`` by
:mod:`pipeline.state.store`.)

Each writer takes a :class:`pipeline.state.rows.View` of a run and returns the file as signed
pieces (:mod:`~pipeline.render.splice`), a folder's writer (:data:`FOLDERS`) each of its pages;
:func:`write` (:mod:`~pipeline.render.outputs`) composes them into ``out/``, copying the pieces
whose signature did not change from the previous file; :func:`text` gives the whole text of
one file (``report/sources.html`` for a page of a folder), :func:`texts` of every file, e.g.
for an in-memory run (:func:`pipeline.state.rows.memory_view`)::

    from pipeline import render
    from pipeline.state import rows

    page = render.text(rows.memory_view(documents, claims, findings, skipped), "report.html")

Writers of one family share their planning through the view (:meth:`rows.View.shared`): the
findings' report order and signatures (:func:`report.shared`, all but ``claims.jsonl`` and
the graph), the groups, charts and claims index of both reports (``report._plan``), which
page of the HTML report shows what (:func:`pages.pages_plan`), the laid out graph of both
graph files (:func:`graph.graph_plan`). :func:`graph.build_graph` builds
the same graph as a networkx object (``RunResult.graph``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pipeline.render.outputs import FILES, FOLDERS, WRITERS, text, texts, write

__all__ = ["FILES", "FOLDERS", "WRITERS", "text", "texts", "write"]


def __getattr__(name: str) -> Any:
    """The writers load on first use (jinja2, the checks' helpers): ``claims review`` needs
    only the light modules of this package (:mod:`~pipeline.render.order`,
    :mod:`~pipeline.render.listing`)."""
    if name in __all__:
        from pipeline.render import outputs

        return getattr(outputs, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
