"""What ``claims review`` prints: findings one per entry or one in full, as text, JSON or CSV.

Every function returns lines; the CLI prints each through its terminal escaper. JSON is
written with ``ensure_ascii`` (every character printable ASCII, the same data); CSV cells are
one line each, and a cell a spreadsheet would read as a formula (``=``, ``+``, ``-``, ``@``,
a tab or carriage return first) gets a leading apostrophe (OWASP's advice for CSV
injection).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from pipeline.models import Finding


class Mention(Protocol):
    """One claim of a finding (:class:`pipeline.review.Mention`)."""

    @property
    def path(self) -> str: ...
    @property
    def title(self) -> str | None: ...
    @property
    def sentence(self) -> str: ...
    @property
    def surface(self) -> str: ...
    @property
    def repaired(self) -> bool: ...


class Review(Protocol):
    """A decision (:class:`pipeline.review.Review`), as far as a listing shows it."""

    @property
    def status(self) -> str: ...
    @property
    def note(self) -> str | None: ...
    @property
    def kind(self) -> str | None: ...
    @property
    def subject(self) -> str | None: ...
    @property
    def metric(self) -> str | None: ...
    @property
    def explanation(self) -> str | None: ...
    @property
    def carried_from(self) -> tuple[str, ...]: ...

COLUMNS = ("id", "kind", "severity", "status", "subject", "metric", "explanation", "note",
           "arithmetic", "check", "claims")
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def record(f: Finding) -> dict[str, Any]:
    """A finding as one record of the listing (claims as their number)."""
    return {"id": f.id, "kind": f.kind, "severity": f.severity, "status": f.status,
            "subject": f.subject, "metric": f.metric, "explanation": f.explanation,
            "note": f.note, "arithmetic": f.arithmetic, "check": f.check,
            "claims": len(f.claims)}


def _label(text: str | None) -> str:
    return (text or "").replace("_", " ")


def text_lines(findings: Sequence[Finding]) -> list[str]:
    """Two lines a finding (three with a note): id, severity, kind, subject / metric and
    status, then the explanation indented."""
    lines = []
    for f in findings:
        where = " / ".join(_label(x) for x in (f.subject, f.metric) if x)
        status = "" if f.status == "open" else f"  [{f.status}]"
        lines.append(f"{f.id}  {f.severity:<6}  {f.kind:<16}  {where}{status}")
        lines.append(f"    {f.explanation}")
        if f.note:
            lines.append(f"    note: {f.note}")
    return lines


def json_lines(records: Any) -> list[str]:
    return json.dumps(records, ensure_ascii=True, indent=2).splitlines()


def csv_cell(value: object) -> str:
    """One CSV cell: text on one line, a would-be formula defused."""
    text = "" if value is None else str(value)
    text = " ".join(text.split()) if not text.isprintable() else text
    return "'" + text if text.startswith(_FORMULA) else text


def csv_lines(rows: Sequence[Mapping[str, Any]], columns: Sequence[str] = COLUMNS
              ) -> list[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([csv_cell(row.get(c)) for c in columns])
    return buffer.getvalue().splitlines()


def detail(f: Finding, mentions: Sequence[Mention], decision: Review | None) -> dict[str, Any]:
    """One finding in full: its record, its decision's history, every mention."""
    out = record(f)
    out["carried_from"] = list(decision.carried_from) if decision else []
    out["mentions"] = [{"path": m.path, "title": m.title, "figure": m.surface,
                        "original": getattr(m, "original", None),
                        "sentence": m.sentence, "repaired": m.repaired} for m in mentions]
    return out


def detail_lines(f: Finding, mentions: Sequence[Mention], decision: Review | None
                 ) -> list[str]:
    """One finding in full, as text."""
    if not f.check:  # a decision left without its finding
        assert decision is not None
        where = " / ".join(_label(x) for x in (decision.subject, decision.metric) if x)
        return [f"{f.id}  {decision.status}  {decision.kind or '?'}  {where}",
                "    this run no longer reports the finding this decision is about, and no "
                "finding shares its mentions;",
                f"    drop the decision with: claims review {f.id} --reopen",
                *([f"    explanation when decided: {decision.explanation}"]
                  if decision.explanation else []),
                *([f"    note: {decision.note}"] if decision.note else [])]
    where = " / ".join(_label(x) for x in (f.subject, f.metric) if x)
    lines = [f"{f.id}  {f.severity}  {f.kind}  {where}",
             f"status: {f.status}" + (f" ({f.note})" if f.note else ""),
             f"explanation: {f.explanation}"]
    if f.arithmetic:
        lines.append(f"arithmetic: {f.arithmetic}")
    lines.append(f"check: {f.check}")
    docs = len({m.path for m in mentions})
    lines.append(f"mentions: {len(mentions)} in {docs} article(s)")
    for m in mentions:
        title = f" ({m.title})" if m.title else ""
        lines.append(f"  {m.path}{title}")
        original = getattr(m, "original", None)
        repaired = f' (repaired; the article has "{original}")' if original else \
            " (in repaired text)" if m.repaired else ""
        lines.append(f'    "{m.surface}"{repaired} in: {m.sentence}')
    if f.status == "open":
        lines.append(f'decide with: claims review {f.id} --confirm | --dismiss | '
                     '--explain "note"')
    else:
        lines.append(f"reopen with: claims review {f.id} --reopen")
    return lines
