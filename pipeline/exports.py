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

import itertools
import operator
from collections import defaultdict
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


_ID = operator.itemgetter(0)  # DocRow.id, ClaimRow.id
_PATH = operator.itemgetter(1)  # DocRow.path
_DOC = operator.itemgetter(1)  # ClaimRow.doc_id
_NO_DOC = "\x00"  # in a signature: the document is not in the run (no path holds NUL)
_SEP = "\x1f"  # between the parts of a signature (ids and paths never hold it)


def _paths(view: View) -> defaultdict[str, str]:
    """Document id -> path (``_NO_DOC`` for a document not in the run)."""
    paths: defaultdict[str, str] = defaultdict(lambda: _NO_DOC)
    paths.update(zip(map(_ID, view.docs), map(_PATH, view.docs), strict=True))
    return paths


def _claim_paths(view: View, paths: defaultdict[str, str]) -> dict[str, str]:
    """Claim id -> the path of its document, for every claim of the run."""
    return dict(zip(map(_ID, view.claims), map(paths.__getitem__, map(_DOC, view.claims)),
                    strict=True))


def _known(claims: tuple[str, ...], claim_paths: dict[str, str]) -> tuple[str, ...]:
    """The ids of ``claims`` that are claims of the run."""
    if all(map(claim_paths.__contains__, claims)):
        return claims
    return tuple(c for c in claims if c in claim_paths)


def _indented(text: str, indent: str) -> str:
    """Pretty JSON text moved ``indent`` to the right (strings never hold a raw newline)."""
    return text.replace("\n", "\n" + indent)


# --------------------------------------------------------------------------- claims.jsonl


def claims_jsonl_pieces(view: View) -> Iterator[Piece]:
    """``claims.jsonl``: one piece per document, its claims' lines in run order."""
    paths = _paths(view)
    seen: dict[str, int] = {}
    for doc_id, rows in itertools.groupby(view.claims, _DOC):
        ids = list(map(_ID, rows))
        n = seen[doc_id] = seen.get(doc_id, 0) + 1
        key = f"doc:{doc_id}" if n == 1 else f"doc:{doc_id}#{n}"
        yield Piece(key, paths[doc_id] + _SEP + _SEP.join(ids), _jsonl_render(view, doc_id, ids))


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
    claim_paths = _claim_paths(view, _paths(view))
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
    first = True
    for f in findings:
        members = _known(f.claims, claim_paths)
        yield Piece("f:" + f.id, ("1" if first else "0") + f.model_dump_json() + _SEP
                    + _SEP.join(members) + _SEP + _SEP.join(map(claim_paths.__getitem__,
                                                                 members)),
                    _finding_render(view, f, members, first, records))
        first = False
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
    claim_docs = dict(zip(map(_ID, view.claims), map(_DOC, view.claims), strict=True))
    claim_paths = _claim_paths(view, _paths(view))
    findings = report_order(view.findings) if order is None else order
    any_items = first = False
    for f in findings:
        if f.kind not in _RATING or f.status == "dismissed":
            continue
        members = _known(f.claims, claim_paths)
        if not members:
            continue
        if not any_items:
            any_items = True
            yield Piece("head", sig(True), lambda: _REVIEW_HEAD + "[")
            first = True
        yield Piece("f:" + f.id, ("1" if first else "0") + f.model_dump_json() + _SEP
                    + _SEP.join(members) + _SEP + _SEP.join(map(claim_paths.__getitem__,
                                                                 members)),
                    _review_render(view, f, members, docs, claim_docs, first))
        first = False
    if not any_items:
        yield Piece("head", sig(False), lambda: _REVIEW_HEAD + "[]")
    yield Piece("tail", sig(any_items), lambda: ("\n  ]" if any_items else "") + "\n}\n")


_REVIEW_HEAD = '{\n  "@context": "https://schema.org",\n  "@graph": '


def _review_render(view: View, f: Finding, members: tuple[str, ...], docs: dict[str, DocRow],
                   claim_docs: dict[str, str], first: bool) -> Callable[[], str]:
    def render() -> str:
        claims = view.full_claims(members)
        value, label = _RATING[f.kind]
        parts = []
        for i, cid in enumerate(members):
            item = _review_item(f, claims[cid], docs.get(claim_docs[cid]), value, label)
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

