"""Review decisions: a reviewer's verdict on findings, kept in ``out/reviews.json``.

Decisions are keyed by finding id. Finding ids are content-derived (check, kind and the ids
of the claims involved, which come from the document hash and offsets), so a decision sticks
across re-runs and when new articles are added; a decision whose finding is gone is kept (the
finding may come back) and simply not shown.

Pure functions (:func:`apply_reviews`, :func:`decide`, :func:`resolve_finding`) plus a small
store (:func:`load_reviews`, :func:`record`) that reads and writes the output folder under its
lock, writes atomically and re-renders every output file from the claim store's state of the
last run (:func:`rerender`) so they show the decision at once.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Literal

from pydantic import ValidationError

from pipeline.errors import InputError
from pipeline.fsio import atomic_write, locked
from pipeline.models import Finding, Model
from pipeline.render import report

REVIEWS_FILE = "reviews.json"
Decision = Literal["confirmed", "dismissed", "explained"]


class Review(Model):
    """One decision, with enough of the finding to recognise it if the finding goes away."""

    status: Decision
    note: str | None = None
    kind: str | None = None
    subject: str | None = None
    metric: str | None = None
    explanation: str | None = None


class ReviewBook(Model):
    """Every decision recorded for an output folder, by finding id."""

    version: Literal[1] = 1
    reviews: dict[str, Review] = {}


# --------------------------------------------------------------------------- pure functions


def parse_reviews(text: str, *, source: str = REVIEWS_FILE) -> ReviewBook:
    try:
        return ReviewBook.model_validate(json.loads(text))
    except (json.JSONDecodeError, ValidationError) as exc:
        first = str(exc).splitlines()[0]
        raise InputError(f"{source} is not a valid reviews file: {first}",
                         hint="fix or delete it; it holds the review decisions") from None


def dump_reviews(book: ReviewBook) -> str:
    return json.dumps(book.model_dump(mode="json", exclude_none=True), ensure_ascii=False,
                      indent=2, sort_keys=True) + "\n"


def apply_reviews(findings: Sequence[Finding], book: ReviewBook) -> list[Finding]:
    """The findings with their recorded status and note (``open`` when undecided)."""
    out = []
    for f in findings:
        decision = book.reviews.get(f.id)
        status, note = (decision.status, decision.note) if decision else ("open", None)
        out.append(f if (f.status, f.note) == (status, note)
                   else f.model_copy(update={"status": status, "note": note}))
    return out


def decide(book: ReviewBook, finding: Finding, status: Decision | None,
           note: str | None = None) -> ReviewBook:
    """A new book with the decision on ``finding`` recorded (``status=None``: reopen it)."""
    reviews = dict(book.reviews)
    if status is None:
        reviews.pop(finding.id, None)
    else:
        reviews[finding.id] = Review(status=status, note=note, kind=finding.kind,
                                     subject=finding.subject, metric=finding.metric,
                                     explanation=finding.explanation)
    return ReviewBook(reviews=dict(sorted(reviews.items())))


def resolve_finding(findings: Sequence[Finding], finding_id: str) -> Finding:
    """The finding with this id, or the only one whose id starts with it."""
    wanted = finding_id.strip()
    exact = [f for f in findings if f.id == wanted]
    matches = exact or ([f for f in findings if f.id.startswith(wanted)] if wanted else [])
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise InputError(f"unknown finding id {wanted!r}",
                         hint="run `claims review` to list the findings")
    raise InputError(f"finding id {wanted!r} is ambiguous ({len(matches)} findings start "
                     "with it)", hint="give more characters of the id")


# --------------------------------------------------------------------------- the store


def load_reviews(out: Path) -> ReviewBook:
    """The decisions recorded in ``out/reviews.json`` (none when the file does not exist)."""
    path = Path(out) / REVIEWS_FILE
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return ReviewBook()
    return parse_reviews(text, source=str(path))


def saved_findings(out: Path) -> list[Finding]:
    """The findings of the last run in ``out`` as ``contradictions.json`` holds them."""
    out = Path(out)
    path = out / "contradictions.json"
    try:
        payload = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"no report in {out}",
                         hint=f"run `claims extract CORPUS --out {out}` first") from None
    except json.JSONDecodeError as exc:
        raise InputError(f"{path} is not valid JSON: {exc}",
                         hint="re-run `claims extract`") from None
    try:
        return [Finding.model_validate(
            {**{k: v for k, v in f.items() if k in Finding.model_fields},
             "claims": [c["id"] for c in f.get("claims", [])]}) for f in payload["findings"]]
    except (KeyError, TypeError, ValueError) as exc:
        raise InputError(f"cannot read the report in {out}: {str(exc).splitlines()[0]}",
                         hint="re-run `claims extract` to rewrite it") from None


def last_findings(out: Path) -> list[Finding]:
    """The findings of the last run in ``out``, in report order: from the claim store when it
    holds that run's state (fast at any size), else read back from ``contradictions.json``
    (an output folder written before the store kept the state). Their review status is
    whatever :func:`apply_reviews` gives them next."""
    from pipeline.state import store  # noqa: PLC0415 - store imports models only; keep it lazy

    out = Path(out)
    if (out / "contradictions.json").is_file() and (out / store.DB_NAME).is_file():
        with store.open_store(out) as db:
            if _holds_run(db.meta()):
                return report.report_order(db.findings_in_run_order())
    return saved_findings(out)


def _holds_run(meta: dict[str, str]) -> bool:
    """Whether a claim store's meta says it holds the state of a finished run."""
    return bool(meta.get("last_run")) and "skipped" in meta


def _no_state(out: Path) -> InputError:
    return InputError(f"{out} holds no stored state of its last run (claims.db missing, or "
                      "written by an older version), so no decision can reach its reports",
                      hint=f"run `claims extract CORPUS --out {out}` again, then decide")


def rerender(out: Path) -> list[Path]:
    """Rewrite every output file of the last run in ``out`` from the claim store's state,
    with the decisions in ``out/reviews.json``, reusing every piece they leave alone.

    The caller holds the output-folder lock. Raises :class:`InputError` when the store
    holds no state of a finished run.
    """
    from pipeline import render  # noqa: PLC0415 - the writers: only a decision needs them
    from pipeline.state import delta, store  # noqa: PLC0415

    out = Path(out)
    if not (out / store.DB_NAME).is_file():
        raise _no_state(out)
    with store.open_store(out) as db, store.paused_gc():
        view = delta.last_run_view(db)
        if view is None:
            raise _no_state(out)
        view.findings = apply_reviews(view.findings, load_reviews(out))
        written, layouts = render.write(out, view, state=db.meta().get("state", ""),
                                        layouts=db.layouts())
        db.update_state(store.StateChange(layouts=layouts))
    return written


def orphans(findings: Sequence[Finding], book: ReviewBook) -> dict[str, Review]:
    """Decisions whose finding is not in ``findings`` (kept: the finding may come back)."""
    present = {f.id for f in findings}
    return {fid: r for fid, r in book.reviews.items() if fid not in present}


def open_findings(out: Path, *, include_reviewed: bool = False
                  ) -> tuple[list[Finding], int, dict[str, Review]]:
    """The findings of the last run in ``out`` with current decisions (only open ones unless
    ``include_reviewed``), how many are reviewed, and the decisions left without a finding."""
    findings = last_findings(out)
    book = load_reviews(out)
    merged = apply_reviews(findings, book)
    reviewed = sum(f.status != "open" for f in merged)
    shown = [f for f in merged if include_reviewed or f.status == "open"]
    return shown, reviewed, orphans(findings, book)


def record(out: Path, finding_id: str, status: Decision | None,
           note: str | None = None) -> tuple[Finding, list[Path]]:
    """Record a decision in ``out/reviews.json`` and re-render the output files.

    Returns the finding as it now stands and the files written. Raises :class:`InputError`
    for an unknown finding id, or an output folder without the stored state of its last run
    (nothing is written then).
    """
    from pipeline.state import store  # noqa: PLC0415 - store imports models only; keep it lazy

    out = Path(out)
    if not (out / "contradictions.json").is_file():
        saved_findings(out)  # raises the "no report" error without creating the folder
    if not (out / store.DB_NAME).is_file():
        raise _no_state(out)
    with locked(out):
        with store.open_store(out) as db:
            if not _holds_run(db.meta()):
                raise _no_state(out)
        findings = last_findings(out)
        finding = resolve_finding(findings, finding_id)
        book = decide(load_reviews(out), finding, status, note)
        merged = apply_reviews(findings, book)
        atomic_write(out / REVIEWS_FILE, dump_reviews(book))
        # every output from the claim store's state, reusing what the decision leaves alone
        written = [out / REVIEWS_FILE, *rerender(out)]
    return next(f for f in merged if f.id == finding.id), written
