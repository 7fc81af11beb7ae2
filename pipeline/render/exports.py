"""The JSON output files as signed pieces (:mod:`pipeline.render.splice`).

``claims.jsonl``, ``contradictions.json`` and ``claimreview.jsonld`` described as ordered
:class:`~pipeline.render.splice.Piece` sequences over a :class:`~pipeline.state.rows.View`: keys,
order and
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
from collections.abc import Mapping, Sequence
from functools import partial
from itertools import repeat

from pipeline.models import Finding, Skip
from pipeline.render.report import (
    _RATING,
    _one_line_json,
    claim_record,
    figure_span,
    finding_sigs,
    pieces_of,
    pretty_json,
    review_item,
    shared,
)
from pipeline.render.splice import Piece, sig
from pipeline.state.rows import ClaimRow, DocRow, View

#: Version of the piece layout of these writers (part of the version ``compose`` is given).
VERSION = "exports-1"


# row fields by position (C-level getters: these run once per claim of the run)
_ID = operator.itemgetter(DocRow._fields.index("id"))
assert ClaimRow._fields.index("id") == DocRow._fields.index("id")
_DOC = operator.itemgetter(ClaimRow._fields.index("doc_id"))
_FINDING_ID = operator.attrgetter("id")
_NO_DOC = "\x00"  # in a signature: the document is not in the run (no path holds NUL)
_SEP = "\x1f"  # between the parts of a signature (ids and paths never hold it)


def _findings(view: View, order: Sequence[Finding] | None
              ) -> tuple[Sequence[Finding], Sequence[str]]:
    """The findings in report order (``order`` when given) and their signatures (their JSON
    and the paths of their claims' documents), shared with the report's pages."""
    common = shared(view)
    if order is None or (len(order) == len(common.order) and all(
            map(operator.is_, order, common.order))):
        return common.order, common.sigs
    return order, finding_sigs(order, common.rows, common.path)


def _indented(text: str, indent: str) -> str:
    """Pretty JSON text moved ``indent`` to the right (strings never hold a raw newline)."""
    return text.replace("\n", "\n" + indent)


# --------------------------------------------------------------------------- claims.jsonl


def claims_jsonl_pieces(view: View) -> list[Piece]:
    """``claims.jsonl``: one piece per document, its claims' lines in run order."""
    path = shared(view).path
    pieces = []
    seen: dict[str, int] = {}
    for doc_id, rows in itertools.groupby(view.claims, _DOC):
        ids = list(map(_ID, rows))
        key = "doc:" + doc_id
        if key in seen:  # not in run order: the document's claims in two runs
            seen[key] += 1
            key += f"#{seen[key]}"
        else:
            seen[key] = 1
        pieces.append(Piece(key, path.get(doc_id, _NO_DOC) + _SEP + _SEP.join(ids),
                            partial(_jsonl_text, view, doc_id, ids)))
    return pieces


def _jsonl_text(view: View, doc_id: str, ids: list[str]) -> str:
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


# --------------------------------------------------------------------------- contradictions.json

# stands for a finding's list of claim records while the finding itself is written
_CLAIMS_SLOT = "\x00claims\x00slot\x00"
_CLAIMS_SLOT_JSON = pretty_json(_CLAIMS_SLOT)
_FINDING_INDENT = "    "  # a finding inside the "findings" list of the root object
_RECORD_INDENT = "        "  # a claim record inside a finding's "claims" list


def json_pieces(view: View, *, order: Sequence[Finding] | None = None) -> list[Piece]:
    """``contradictions.json``: documents, findings in report order, skipped files.

    One piece per document, per finding and per skipped file, plus the three list heads and
    the tail. ``order``: the findings in report order when the caller has it
    (``report.report_order(view.findings)``).
    """
    findings, sigs = _findings(view, order)
    return _json_pieces(view, findings, sigs, shared(view).rows)


def _json_pieces(view: View, findings: Sequence[Finding], sigs: Sequence[str],
                 rows: Mapping[str, ClaimRow]) -> list[Piece]:
    has_docs, has_findings, has_skipped = bool(view.docs), bool(findings), bool(view.skipped)
    pieces = [Piece("head", sig(has_docs),
                    lambda: '{\n  "documents": ' + ("[" if has_docs else "[]"))]
    pieces += [Piece("d:" + d.id, ("1" if i == 0 else "0") + d.path,
                     partial(_document_text, d, i == 0)) for i, d in enumerate(view.docs)]
    pieces.append(Piece("findings", sig(has_docs, has_findings),
                        lambda: ("\n  ]" if has_docs else "") + ',\n  "findings": '
                        + ("[" if has_findings else "[]")))
    # a claim record is embedded in every finding about it: its text is made once per run
    records: dict[str, str] = {}
    if findings:  # signature: first or not, the finding, the paths of its claims' documents
        pieces += pieces_of(
            map("f:".__add__, map(_FINDING_ID, findings)),
            itertools.chain(["1" + sigs[0]], map("0".__add__, itertools.islice(sigs, 1, None))),
            map(partial, repeat(_finding_text), repeat(view), findings, repeat(rows),
                itertools.chain([True], repeat(False)), repeat(records)))
    pieces.append(Piece("skipped", sig(has_findings, has_skipped),
                        lambda: ("\n  ]" if has_findings else "") + ',\n  "skipped": '
                        + ("[" if has_skipped else "[]")))
    pieces += [Piece(f"s:{i}", sig(i == 0, s.model_dump_json()), partial(_skip_text, s, i == 0))
               for i, s in enumerate(view.skipped)]
    pieces.append(Piece("tail", sig(has_skipped),
                        lambda: ("\n  ]" if has_skipped else "") + "\n}\n"))
    return pieces


def _skip_text(s: Skip, first: bool) -> str:
    return ("" if first else ",") + "\n    " + _indented(pretty_json(s.model_dump(mode="json")),
                                                         _FINDING_INDENT)


def _document_text(d: DocRow, first: bool) -> str:
    record = {"id": d.id, "path": d.path, "title": d.title, "source": d.source,
              "published": d.published}
    return ("" if first else ",") + "\n    " + _indented(pretty_json(record), _FINDING_INDENT)


def _finding_text(view: View, f: Finding, rows: Mapping[str, ClaimRow], first: bool,
                  records: dict[str, str]) -> str:
    members = [c for c in f.claims if c in rows]
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


# --------------------------------------------------------------------------- claimreview.jsonld

def claimreview_pieces(view: View, *, order: Sequence[Finding] | None = None) -> list[Piece]:
    """``claimreview.jsonld``: one piece per finding that carries a verdict (its items, one
    per claim), between a head and a tail. ``order`` as for :func:`json_pieces`."""
    findings, sigs = _findings(view, order)
    return _claimreview_pieces(view, findings, sigs, shared(view).rows)


def _claimreview_pieces(view: View, findings: Sequence[Finding], sigs: Sequence[str],
                        rows: Mapping[str, ClaimRow]) -> list[Piece]:
    docs = dict(zip(map(_ID, view.docs), view.docs, strict=True))
    items: list[Piece] = []
    for f, signature in zip(findings, sigs, strict=True):
        if f.kind not in _RATING or f.status == "dismissed" or \
                not any(map(rows.__contains__, f.claims)):
            continue
        first = not items
        # first or not, the finding, the paths of its claims' documents
        items.append(Piece("f:" + f.id, ("1" if first else "0") + signature,
                           partial(_review_text, view, f, rows, docs, first)))
    return [Piece("head", sig(bool(items)), lambda: _REVIEW_HEAD + ("[" if items else "[]")),
            *items,
            Piece("tail", sig(bool(items)), lambda: ("\n  ]" if items else "") + "\n}\n")]


_REVIEW_HEAD = '{\n  "@context": "https://schema.org",\n  "@graph": '


def _review_text(view: View, f: Finding, rows: Mapping[str, ClaimRow],
                 docs: dict[str, DocRow], first: bool) -> str:
    members = [c for c in f.claims if c in rows]
    claims = view.full_claims(members)
    parts = []
    for cid in members:
        claim = claims[cid]
        item = review_item(f, claim, docs.get(claim.doc_id))
        parts.append(("" if first else ",") + "\n    "
                     + _indented(pretty_json(item), _FINDING_INDENT))
        first = False
    return "".join(parts)


def export_pieces(view: View, *, order: Sequence[Finding] | None = None
                  ) -> dict[str, list[Piece]]:
    """The pieces of the three files (name -> pieces), sharing the work their signatures
    have in common with each other and the report's pages (:func:`report.shared`)."""
    findings, sigs = _findings(view, order)
    rows = shared(view).rows
    return {
        "claims.jsonl": claims_jsonl_pieces(view),
        "contradictions.json": _json_pieces(view, findings, sigs, rows),
        "claimreview.jsonld": _claimreview_pieces(view, findings, sigs, rows),
    }
