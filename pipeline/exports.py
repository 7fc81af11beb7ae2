"""The JSON output files as signed pieces (:mod:`pipeline.splice`).

``claims.jsonl``, ``contradictions.json`` and ``claimreview.jsonld`` described as ordered
:class:`~pipeline.splice.Piece` sequences over a :class:`~pipeline.rows.View`: keys, order and
signatures come from the view's light rows only; the full claims (and, for the figure
highlights, the documents' text) are read inside the render closures, for the pieces that are
actually rendered. ``splice.text_of`` of each sequence is byte for byte what
``report.render_claims_jsonl``, ``report.render_json`` and ``report.render_claimreview``
give for the same run.

Separators sit at the start of a list element (``,`` plus newline), so a piece depends on
its neighbours only through "is it the first element of its list".
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

from pipeline.models import Claim, Finding
from pipeline.report import (
    _RATING,
    _one_line_json,
    claim_record,
    figure_span,
    pretty_json,
    report_order,
    safe_url,
)
from pipeline.rows import DocRow, View
from pipeline.splice import Piece, sig

#: Version of the piece layout of these writers (part of the version ``compose`` is given).
VERSION = "exports-1"


def _paths(view: View) -> dict[str, str]:
    return {d.id: d.path for d in view.docs}


def _indented(text: str, indent: str) -> str:
    """Pretty JSON text moved ``indent`` to the right (strings never hold a raw newline)."""
    return text.replace("\n", "\n" + indent)


# --------------------------------------------------------------------------- claims.jsonl


def claims_jsonl_pieces(view: View) -> Iterator[Piece]:
    """``claims.jsonl``: one piece per document, its claims' lines in run order."""
    paths = _paths(view)
    runs: list[tuple[str, list[str]]] = []
    for row in view.claims:
        if runs and runs[-1][0] == row.doc_id:
            runs[-1][1].append(row.id)
        else:
            runs.append((row.doc_id, [row.id]))
    seen: dict[str, int] = {}
    for doc_id, ids in runs:
        n = seen[doc_id] = seen.get(doc_id, 0) + 1
        key = f"doc:{doc_id}" if n == 1 else f"doc:{doc_id}#{n}"
        yield Piece(key, sig(paths.get(doc_id), *ids), _jsonl_render(view, doc_id, ids))


def _jsonl_render(view: View, doc_id: str, ids: list[str]) -> Callable[[], str]:
    def render() -> str:
        claims = view.full_claims(ids)
        doc = view.full_documents([doc_id]).get(doc_id)
        lines = []
        for cid in ids:
            claim = claims[cid]
            record = claim.model_dump(mode="json")
            record["doc"] = doc.path if doc is not None else None
            at = figure_span(claim, doc)
            record["highlight"] = list(at) if at else None
            lines.append(_one_line_json(record) + "\n")
        return "".join(lines)

    return render


# --------------------------------------------------------------------------- contradictions.json

# stands for a finding's list of claim records while the finding itself is written
_CLAIMS_SLOT = "\x00claims\x00slot\x00"
_CLAIMS_SLOT_JSON = pretty_json(_CLAIMS_SLOT)
_FINDING_INDENT = "    "  # a finding inside the "findings" list of the root object
_RECORD_INDENT = "        "  # a claim record inside a finding's "claims" list


def json_pieces(view: View, *, order: Sequence[Finding] | None = None) -> Iterator[Piece]:
    """``contradictions.json``: documents, findings in report order, skipped files.

    One piece per document, per finding and per skipped file, plus the three list heads and
    the tail. ``order``: the findings in report order when the caller has it
    (``report.report_order(view.findings)``).
    """
    paths = _paths(view)
    known = {c.id: c.doc_id for c in view.claims}
    findings = report_order(view.findings) if order is None else order

    yield Piece("head", sig(bool(view.docs)),
                lambda: '{\n  "documents": ' + ("[" if view.docs else "[]"))
    for i, d in enumerate(view.docs):
        yield Piece(f"d:{d.id}", sig(i == 0, d.path), _document_render(d, i == 0))
    yield Piece("findings", sig(bool(view.docs), bool(findings)),
                lambda: ("\n  ]" if view.docs else "") + ',\n  "findings": '
                + ("[" if findings else "[]"))
    # a claim record is embedded in every finding about it: its text is made once per run
    records: dict[str, str] = {}
    for i, f in enumerate(findings):
        members = tuple(c for c in f.claims if c in known)
        where = tuple(paths.get(known[c]) for c in members)
        yield Piece(f"f:{f.id}", sig(i == 0, f.model_dump_json(), members, where),
                    _finding_render(view, f, members, i == 0, records))
    yield Piece("skipped", sig(bool(findings), bool(view.skipped)),
                lambda: ("\n  ]" if findings else "") + ',\n  "skipped": '
                + ("[" if view.skipped else "[]"))
    for i, s in enumerate(view.skipped):
        text = s.model_dump_json()
        yield Piece(f"s:{i}", sig(i == 0, text),
                    lambda s=s, first=i == 0: (("" if first else ",") + "\n    "
                                               + _indented(pretty_json(s.model_dump(
                                                   mode="json")), _FINDING_INDENT)))
    yield Piece("tail", sig(bool(view.skipped)),
                lambda: ("\n  ]" if view.skipped else "") + "\n}\n")


def _document_render(d: DocRow, first: bool) -> Callable[[], str]:
    def render() -> str:
        record = {"id": d.id, "path": d.path, "title": d.title, "source": d.source,
                  "published": d.published}
        return ("" if first else ",") + "\n    " + _indented(pretty_json(record),
                                                             _FINDING_INDENT)

    return render


def _finding_render(view: View, f: Finding, members: tuple[str, ...], first: bool,
                    records: dict[str, str]) -> Callable[[], str]:
    def render() -> str:
        missing = [c for c in members if c not in records]
        if missing:
            claims = view.full_claims(missing)
            docs = view.full_documents({claims[c].doc_id for c in missing})
            for cid in missing:
                records[cid] = _indented(pretty_json(claim_record(claims[cid], docs)),
                                         _RECORD_INDENT)
        if members:
            inner = "\n" + _RECORD_INDENT
            listed = "[" + inner + ("," + inner).join(records[c] for c in members) \
                + "\n" + _FINDING_INDENT + "  ]"
        else:
            listed = "[]"
        text = _indented(pretty_json({**f.model_dump(mode="json"), "claims": _CLAIMS_SLOT}),
                         _FINDING_INDENT)
        return ("" if first else ",") + "\n    " + text.replace(_CLAIMS_SLOT_JSON, listed, 1)

    return render


# --------------------------------------------------------------------------- claimreview.jsonld

def claimreview_pieces(view: View, *, order: Sequence[Finding] | None = None
                       ) -> Iterator[Piece]:
    """``claimreview.jsonld``: one piece per finding that carries a verdict (its items, one
    per claim), between a head and a tail. ``order`` as for :func:`json_pieces`."""
    docs = {d.id: d for d in view.docs}
    known = {c.id: c.doc_id for c in view.claims}
    findings = report_order(view.findings) if order is None else order
    any_items = first = False
    for f in findings:
        if f.kind not in _RATING or f.status == "dismissed":
            continue
        members = tuple(c for c in f.claims if c in known)
        if not members:
            continue
        if not any_items:
            any_items = True
            yield Piece("head", sig(True), lambda: _REVIEW_HEAD + "[")
            first = True
        where = tuple(docs.get(known[c]) for c in members)
        yield Piece(f"f:{f.id}", sig(first, f.model_dump_json(), members,
                                     tuple(d.path if d else None for d in where)),
                    _review_render(view, f, members, where, first))
        first = False
    if not any_items:
        yield Piece("head", sig(False), lambda: _REVIEW_HEAD + "[]")
    yield Piece("tail", sig(any_items), lambda: ("\n  ]" if any_items else "") + "\n}\n")


_REVIEW_HEAD = '{\n  "@context": "https://schema.org",\n  "@graph": '


def _review_render(view: View, f: Finding, members: tuple[str, ...],
                   where: tuple[DocRow | None, ...], first: bool) -> Callable[[], str]:
    def render() -> str:
        claims = view.full_claims(members)
        value, label = _RATING[f.kind]
        parts = []
        for i, (cid, doc) in enumerate(zip(members, where, strict=True)):
            item = _review_item(f, claims[cid], doc, value, label)
            parts.append(("" if first and i == 0 else ",") + "\n    "
                         + _indented(pretty_json(item), _FINDING_INDENT))
        return "".join(parts)

    return render


def _review_item(f: Finding, claim: Claim, doc: DocRow | None, value: int,
                 label: str) -> dict[str, Any]:
    appearance: dict[str, Any] = {"@type": "CreativeWork",
                                  "name": (doc.title or doc.path) if doc else claim.doc_id}
    if doc and safe_url(doc.source):
        appearance["url"] = safe_url(doc.source)
    if doc and doc.published:
        appearance["datePublished"] = doc.published
    return {
        "@type": "ClaimReview",
        "identifier": f"{f.id}/{claim.id}",
        "author": {"@type": "Organization", "name": "claims (automated consistency "
                   "check" + (", reviewed" if f.status != "open" else "") + ")"},
        "claimReviewed": claim.sentence,
        "itemReviewed": {"@type": "Claim", "appearance": appearance},
        "reviewRating": {"@type": "Rating", "ratingValue": value, "bestRating": 5,
                         "worstRating": 1, "alternateName": label,
                         "ratingExplanation": f.note or f.explanation},
    }

