"""``claims.jsonl``, ``contradictions.json`` and ``claimreview.jsonld``: the run as data.

:func:`claims_jsonl_pieces`, :func:`json_pieces` and :func:`claimreview_pieces` write the
three files as ordered :class:`~pipeline.render.splice.Piece` sequences over a
:class:`~pipeline.state.rows.View`: keys, order and signatures come from the view's light
rows only (the findings' report order and signatures are shared with the report's pages,
:func:`report.shared`); the full claims (and, for the figure highlights, the documents' text)
are read inside the render closures, for the pieces that are actually rendered.

Separators sit at the start of a list element (``,`` plus newline), so a piece depends on
its neighbours only through "is it the first element of its list". Pretty JSON is what
``json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True)`` gives (:func:`pretty_json`
writes it faster); a claims.jsonl line is one physical line for every line reader.
"""

from __future__ import annotations

import itertools
import json
import math
import operator
from collections.abc import Mapping, Sequence
from functools import partial
from itertools import repeat
from typing import Any

from pipeline.models import Claim, Document, Finding, Skip
from pipeline.render.report import figure_span, finding_sigs, pieces_of, safe_url, shared
from pipeline.render.splice import Piece, sig
from pipeline.state.rows import ClaimRow, DocRow, View

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


# --------------------------------------------------------------------------- JSON records


def _rounded(x: float | None) -> float | None:
    """A float rounded to 6 significant digits (stable across platforms), or None."""
    return None if x is None else float(f"{x:.6g}")


def claim_record(claim: Claim, documents: Mapping[str, Document]) -> dict[str, Any]:
    """The JSON shape of a claim embedded in a finding."""
    doc = documents.get(claim.doc_id)
    at = figure_span(claim, doc)
    return {
        "id": claim.id,
        "doc": doc.path if doc else claim.doc_id,
        "doc_id": claim.doc_id,
        "title": doc.title if doc else None,
        "source": doc.source if doc else None,
        "sentence": claim.sentence,
        "surface": claim.span.text,
        "highlight": list(at) if at else None,
        "start": claim.span.start,
        "end": claim.span.end,
        "value": _rounded(claim.quantity.value),
        "low": _rounded(claim.quantity.low),
        "high": _rounded(claim.quantity.high),
        "bound": claim.quantity.bound,
        "unit": claim.quantity.unit,
        "per": claim.quantity.per,
        "normalized": {"low": _rounded(claim.normalized.low),
                       "high": _rounded(claim.normalized.high), "unit": claim.normalized.unit},
        "subject": claim.subject,
        "metric": claim.metric,
        "modality": claim.modality,
        "as_of": claim.as_of,
        "repaired": claim.repaired,
    }


class _NotPlain(Exception):
    """A value :func:`pretty_json` leaves to ``json.dumps``."""


_encode_str = json.encoder.encode_basestring  # type: ignore[attr-defined]
_FLOAT_SPECIAL = {math.inf: "Infinity", -math.inf: "-Infinity"}


def _emit_json(value: Any, newline: str, parts: list[str]) -> None:
    kind = type(value)
    if kind is str:
        parts.append(_encode_str(value))
    elif kind is dict:
        if not value:
            parts.append("{}")
            return
        inner = newline + "  "
        sep = "{" + inner
        for key, item in sorted(value.items()):
            if type(key) is not str:
                raise _NotPlain
            head = sep + _encode_str(key) + ": "
            if type(item) is str:  # leaves inline: most values are strings or null
                parts.append(head + _encode_str(item))
            elif item is None:
                parts.append(head + "null")
            else:
                parts.append(head)
                _emit_json(item, inner, parts)
            sep = "," + inner
        parts.append(newline + "}")
    elif kind is list or kind is tuple:
        if not value:
            parts.append("[]")
            return
        inner = newline + "  "
        sep = "[" + inner
        for item in value:
            if type(item) is str:
                parts.append(sep + _encode_str(item))
            else:
                parts.append(sep)
                _emit_json(item, inner, parts)
            sep = "," + inner
        parts.append(newline + "]")
    elif value is None:
        parts.append("null")
    elif value is True:
        parts.append("true")
    elif value is False:
        parts.append("false")
    elif kind is int:
        parts.append(int.__repr__(value))
    elif kind is float:
        if value != value:
            parts.append("NaN")
        else:
            parts.append(_FLOAT_SPECIAL.get(value) or float.__repr__(value))
    else:
        raise _NotPlain


def pretty_json(value: Any) -> str:
    """``json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True)``, byte for byte.

    ``json.dumps`` with ``indent`` runs its pure-Python encoder (generators per level);
    this writer appends to one list. Values other than plain dicts with string keys, lists,
    tuples, strings, ints, floats, bools and None go to ``json.dumps``.
    """
    parts: list[str] = []
    try:
        _emit_json(value, "\n", parts)
    except _NotPlain:
        return json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True)
    return "".join(parts)


# Characters str.splitlines() breaks on that json.dumps(ensure_ascii=False) leaves as they are.
_LINE_BREAKERS = {"\x85": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def _one_line_json(record: dict[str, Any]) -> str:
    """JSON on one physical line for every line reader, ``splitlines()`` included."""
    text = json.dumps(record, ensure_ascii=False, sort_keys=True)
    for char, escaped in _LINE_BREAKERS.items():
        text = text.replace(char, escaped)
    return text



_RATING = {"contradiction": (1, "Contradicted by other sources"),
           "arithmetic_error": (1, "Arithmetic does not add up"),
           "divergence": (2, "Diverges from other sources"),
           "update": (3, "Superseded by a later figure"),
           "scope": (3, "Different scope than other sources"),
           "reconciled": (5, "Consistent after normalization"),
           "arithmetic_ok": (5, "Arithmetic checks out")}


def review_item(f: Finding, claim: Claim, doc: Document | DocRow | None) -> dict[str, Any]:
    """One schema.org ClaimReview item: ``claim`` as ``f`` (a kind in :data:`_RATING`) rates
    it; ``doc`` its document (full or a row), if known."""
    value, label = _RATING[f.kind]
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
