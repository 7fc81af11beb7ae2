"""Report stage: findings, claims and documents -> text of the output files.

Pure functions returning strings; ``pipeline.api`` writes them atomically.
"""

from __future__ import annotations

import html
import json
from collections import Counter
from collections.abc import Sequence
from typing import Any

from pipeline.models import Claim, Document, Finding, Skip


def _fmt(x: float | None) -> str | None:
    return None if x is None else float(f"{x:.6g}")  # type: ignore[return-value]


def claim_record(claim: Claim, documents: dict[str, Document]) -> dict[str, Any]:
    """The JSON shape of a claim embedded in a finding."""
    doc = documents.get(claim.doc_id)
    return {
        "id": claim.id,
        "doc": doc.path if doc else claim.doc_id,
        "title": doc.title if doc else None,
        "sentence": claim.sentence,
        "surface": claim.span.text,
        "start": claim.span.start,
        "end": claim.span.end,
        "value": _fmt(claim.quantity.value),
        "low": _fmt(claim.quantity.low),
        "high": _fmt(claim.quantity.high),
        "bound": claim.quantity.bound,
        "unit": claim.quantity.unit,
        "per": claim.quantity.per,
        "normalized": {"low": _fmt(claim.normalized.low), "high": _fmt(claim.normalized.high),
                       "unit": claim.normalized.unit},
        "subject": claim.subject,
        "metric": claim.metric,
        "modality": claim.modality,
        "as_of": claim.as_of,
        "repaired": claim.repaired,
    }


def render_claims_jsonl(claims: Sequence[Claim], documents: dict[str, Document]) -> str:
    lines = []
    for claim in claims:
        record = claim.model_dump(mode="json")
        record["doc"] = documents[claim.doc_id].path if claim.doc_id in documents else None
        lines.append(json.dumps(record, ensure_ascii=False, sort_keys=True))
    return "\n".join(lines) + ("\n" if lines else "")


def render_json(
    findings: Sequence[Finding], claims: Sequence[Claim], documents: dict[str, Document],
    skipped: Sequence[Skip] = (),
) -> str:
    by_id = {c.id: c for c in claims}
    payload = {
        "findings": [
            {**f.model_dump(mode="json"),
             "claims": [claim_record(by_id[c], documents) for c in f.claims if c in by_id]}
            for f in findings
        ],
        "skipped": [s.model_dump(mode="json") for s in skipped],
    }
    return json.dumps(payload, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def _md_escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_markdown(
    findings: Sequence[Finding], claims: Sequence[Claim], documents: dict[str, Document],
    skipped: Sequence[Skip] = (),
) -> str:
    by_id = {c.id: c for c in claims}
    counts = Counter(f.kind for f in findings)
    out = ["# Contradictions report", ""]
    out.append(f"{len(documents)} documents, {len(claims)} claims, {len(findings)} findings"
               + (" (" + ", ".join(f"{k}: {n}" for k, n in sorted(counts.items())) + ")"
                  if counts else "") + ".")
    out.append("")
    groups: dict[tuple[str, str], list[Finding]] = {}
    for finding in findings:
        groups.setdefault((finding.subject or "(no subject)", finding.metric or "-"),
                          []).append(finding)
    for (subject, metric), group in groups.items():
        out += [f"## {subject} — {metric.replace('_', ' ')}", ""]
        for f in group:
            out.append(f"### {f.kind} ({f.severity}) `{f.id}`")
            out.append("")
            out.append(f.explanation)
            if f.arithmetic:
                out += ["", f"Arithmetic: `{f.arithmetic}`"]
            out += ["", "| source | figure | sentence |", "|---|---|---|"]
            for cid in f.claims:
                c = by_id.get(cid)
                if c is None:
                    continue
                doc = documents.get(c.doc_id)
                out.append(f"| {_md_escape(doc.path if doc else c.doc_id)} | "
                           f"**{_md_escape(c.span.text)}** | {_md_escape(c.sentence)} |")
            out.append("")
    if skipped:
        out += ["## Skipped files", ""]
        out += [f"- `{s.path}`: {s.reason}" for s in skipped]
        out.append("")
    return "\n".join(out)


def render_html(
    findings: Sequence[Finding], claims: Sequence[Claim], documents: dict[str, Document],
    skipped: Sequence[Skip] = (),
) -> str:
    """A minimal self-contained HTML report; all article text is escaped."""
    esc = html.escape
    by_id = {c.id: c for c in claims}
    rows = []
    for f in findings:
        cells = []
        for cid in f.claims:
            c = by_id.get(cid)
            if c is None:
                continue
            sentence = esc(c.sentence).replace(esc(c.span.text), f"<mark>{esc(c.span.text)}</mark>",
                                               1)
            cells.append(f"<td>{sentence}</td>")
        rows.append(f"<tr data-kind='{esc(f.kind)}'><td>{esc(f.kind)}</td><td>{esc(f.severity)}"
                    f"</td><td>{esc(f.explanation)}</td>{''.join(cells)}</tr>")
    return ("<!doctype html><html><head><meta charset='utf-8'><title>claims report</title></head>"
            "<body><h1>Contradictions report</h1><table>" + "".join(rows) + "</table></body></html>\n")
