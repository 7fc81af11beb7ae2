"""Review decisions: a reviewer's verdict on findings, kept in ``out/reviews.json``.

Decisions are keyed by finding id. Finding ids are derived from what a finding is about (a
disagreement's from its subject, metric key, scope and the values in dispute; a finding of
one document's from its claims), so a decision sticks across re-runs and when articles
repeating a figure are added. A decision also keeps the *mentions* of its finding (a digest
of each claim's sentence and figure, :attr:`ClaimRow.dup`): when a run no longer reports its
id, :func:`carry_over` moves it to the finding of the same check that shares most of those
mentions (the successor), marked ``carried over from f-...``; a decision no finding shares a
mention with is kept (the finding may come back), and listed by ``claims review`` until it
is reopened (dropped). No decision is ever dropped silently.

Pure functions (:func:`apply_reviews`, :func:`decide`, :func:`resolve_finding`) plus a small
store (:func:`load_reviews`, :func:`record`) that reads and writes the output folder under its
lock, writes atomically and re-renders every output file from the claim store's state of the
last run (:func:`rerender`) so they show the decision at once.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pydantic import ValidationError

from pipeline.collector import paused_gc
from pipeline.errors import InputError
from pipeline.fsio import (
    GENERATIONS,
    Generation,
    creating,
    locked,
    new_generation,
    shown_name,
    write_error,
)
from pipeline.models import Finding, Model
from pipeline.render.order import report_order

if TYPE_CHECKING:
    from pipeline.state.rows import ClaimRow

_OFFSETS = re.compile(r"\bchars \d+-\d+")
REVIEWS_FILE = "reviews.json"  # pipeline.render.outputs.REVIEWS
GENERATION = "generation"  # the claim store's meta key: pipeline.render.outputs.GENERATION
Decision = Literal["confirmed", "dismissed", "explained"]


class Review(Model):
    """One decision, with enough of the finding to recognise it if the finding goes away:
    its check and the digests of its mentions (sentence and figure of each claim) find its
    successor; ``carried_from`` lists the ids the decision was recorded on before, oldest
    first."""

    status: Decision
    note: str | None = None
    kind: str | None = None
    subject: str | None = None
    metric: str | None = None
    explanation: str | None = None
    check: str | None = None
    mentions: tuple[str, ...] = ()
    carried_from: tuple[str, ...] = ()


class Carry(Model):
    """A decision moved from a finding the run no longer reports to its successor."""

    old: str
    new: str
    status: Decision


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


def shown_note(decision: Review) -> str | None:
    """The note a finding shows for a decision: the reviewer's, and where the decision was
    carried over from (every output shows it, so a moved decision is never silent)."""
    if not decision.carried_from:
        return decision.note
    carried = f"carried over from {decision.carried_from[-1]}"
    return f"{decision.note} ({carried})" if decision.note else carried


def apply_reviews(findings: Sequence[Finding], book: ReviewBook) -> list[Finding]:
    """The findings with their recorded status and note (``open`` when undecided)."""
    out = []
    for f in findings:
        decision = book.reviews.get(f.id)
        status, note = (decision.status, shown_note(decision)) if decision else ("open", None)
        out.append(f if (f.status, f.note) == (status, note)
                   else f.model_copy(update={"status": status, "note": note}))
    return out


def mentions_of(finding: Finding, mention: Mapping[str, str]) -> tuple[str, ...]:
    """The sorted mention digests of ``finding``'s claims (``mention``: claim id -> digest
    of its sentence and figure, :attr:`ClaimRow.dup`); they survive an edit elsewhere in the
    article, which changes every claim id of it."""
    if not finding.claims:  # a finding of the text itself (repaired text): its words
        return (_text_mention(finding),)
    return tuple(sorted({mention[c] for c in finding.claims if c in mention}))


def _text_mention(finding: Finding) -> str:
    """A claimless finding's mention: a digest of its explanation without the character
    offsets (an edit elsewhere in the article moves them)."""
    words = _OFFSETS.sub("", finding.explanation)
    return "t:" + hashlib.blake2b(words.encode("utf-8", "surrogatepass"),
                                  digest_size=10).hexdigest()


def mention_index(claims: Iterable[ClaimRow]) -> dict[str, str]:
    return {c.id: c.dup for c in claims}


def decide(book: ReviewBook, finding: Finding, status: Decision | None,
           note: str | None = None, *, mentions: Sequence[str] = ()) -> ReviewBook:
    """A new book with the decision on ``finding`` recorded (``status=None``: reopen it; an
    id no finding has, a decision left without its finding, is dropped)."""
    reviews = dict(book.reviews)
    if status is None:
        reviews.pop(finding.id, None)
    else:
        reviews[finding.id] = Review(status=status, note=note, kind=finding.kind,
                                     subject=finding.subject, metric=finding.metric,
                                     explanation=finding.explanation, check=finding.check,
                                     mentions=tuple(sorted(mentions)))
    return ReviewBook(reviews=dict(sorted(reviews.items())))


def drop(book: ReviewBook, finding_id: str) -> ReviewBook:
    """A new book without the decision recorded on ``finding_id``."""
    return ReviewBook(reviews={k: v for k, v in book.reviews.items() if k != finding_id})


def carry_over(book: ReviewBook, findings: Sequence[Finding], mention: Mapping[str, str]
               ) -> tuple[ReviewBook, list[Carry]]:
    """Move each decision whose finding is not in ``findings`` to its successor.

    The successor is an undecided finding of the same check sharing mentions (sentence and
    figure) with the decided one; the one sharing most wins, then the one with fewest
    others, then the lower id; each finding takes one decision, the decisions sharing most
    choosing first. A pure function of the decisions and the run's findings, so an
    incremental run and a clean run carry the same decisions. Decisions without a successor
    stay as they are (:func:`orphans`)."""
    present = {f.id for f in findings}
    lost = {fid: r for fid, r in book.reviews.items() if fid not in present and r.mentions}
    if not lost:
        return book, []
    wanted = {m for r in lost.values() for m in r.mentions}
    options: list[tuple[int, int, str, str]] = []
    for f in findings:
        if f.id in book.reviews:
            continue
        mine = set(mentions_of(f, mention))
        if not mine & wanted:
            continue
        for fid, r in lost.items():
            if r.check == f.check and (shared := len(mine.intersection(r.mentions))):
                options.append((-shared, len(mine) - shared, f.id, fid))
    reviews = dict(book.reviews)
    moves: list[Carry] = []
    taken: set[str] = set()
    by_id = {f.id: f for f in findings}
    for _score, _extra, new, old in sorted(options):
        if new in taken or old not in reviews or old in present:
            continue
        r = reviews.pop(old)
        f = by_id[new]
        reviews[new] = r.model_copy(update={
            "carried_from": (*r.carried_from, old), "kind": f.kind, "subject": f.subject,
            "metric": f.metric, "explanation": f.explanation,
            "mentions": mentions_of(f, mention)})
        taken.add(new)
        moves.append(Carry(old=old, new=new, status=r.status))
        present.add(old)  # done with it
    moves.sort(key=lambda m: m.old)
    return ReviewBook(reviews=dict(sorted(reviews.items()))), moves


def resolve_finding(findings: Sequence[Finding], finding_id: str,
                    orphaned: Iterable[str] = ()) -> Finding:
    """The finding with this id, or the only one whose id starts with it. ``orphaned``:
    ids of decisions without a finding, also matched (returned as a stand-in finding of
    check ``""``, which only ``--reopen`` accepts)."""
    wanted = finding_id.strip()
    ghosts = [Finding(id=fid, kind="divergence", severity="info", subject=None, metric=None,
                      claims=(), explanation="", check="") for fid in orphaned]
    every = [*findings, *ghosts]
    exact = [f for f in every if f.id == wanted]
    matches = exact or ([f for f in every if f.id.startswith(wanted)] if wanted else [])
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise InputError(f"unknown finding id {wanted!r}",
                         hint="run `claims review --all` to list the findings and the "
                         "decisions left without one")
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
                return report_order(db.findings_in_run_order())
    return saved_findings(out)


def _committed_folder(out: Path) -> Path:
    """Where the decisions of the run the claim store holds are: its generation's folder (a
    run killed after committing and before switching ``out`` to it leaves ``out`` showing the
    previous one until the next command), else ``out``. A reader without the lock thus sees
    the findings and the decisions of one run."""
    from pipeline.state import store  # noqa: PLC0415

    if (out / store.DB_NAME).is_file():
        with store.open_store(out) as db:
            name = db.meta().get(GENERATION)
        if name and (out / GENERATIONS / name).is_dir():
            return out / GENERATIONS / name
    return out


def _holds_run(meta: dict[str, str]) -> bool:
    """Whether a claim store's meta says it holds the state of a finished run."""
    return bool(meta.get("last_run")) and "skipped" in meta


def _no_state(out: Path) -> InputError:
    return InputError(f"{out} holds no stored state of its last run (claims.db missing, or "
                      "written by an older version), so no decision can reach its reports",
                      hint=f"run `claims extract CORPUS --out {out}` again, then decide")


def rerender(out: Path, book: ReviewBook | None = None) -> list[Path]:
    """Rewrite every output file of the last run in ``out`` from the claim store's state,
    with the decisions of ``book`` (default: those in ``out/reviews.json``), reusing every
    piece they leave alone; returns the files written.

    They are written as a new generation of the folder (with ``reviews.json``, written anew
    when ``book`` is given), which replaces the old one as a whole
    (:class:`pipeline.fsio.Generation`): the decision and the reports showing it appear
    together, or neither does. The caller holds the output-folder lock. Raises
    :class:`InputError` when the store holds no state of a finished run.
    """
    from pipeline import render  # noqa: PLC0415 - the writers: only a decision needs them
    from pipeline.render import outputs  # noqa: PLC0415
    from pipeline.state import delta, store  # noqa: PLC0415

    out = Path(out)
    if not (out / store.DB_NAME).is_file():
        raise _no_state(out)
    with store.open_store(out) as db, paused_gc():
        outputs.recover(out, db)
        view = delta.last_run_view(db)
        if view is None:
            raise _no_state(out)
        view.findings = apply_reviews(view.findings, book or load_reviews(out))
        with new_generation(out) as generation:
            written, layouts = render.write(out, view, state=db.meta().get("state", ""),
                                            layouts=db.layouts(), generation=generation)
            if book is None:
                generation.carry(REVIEWS_FILE)
            else:
                written.insert(0, write_book(out, generation, book))
            outputs.commit(db, generation, store.StateChange(layouts=layouts))
    return written


def write_book(out: Path, generation: Generation, book: ReviewBook) -> Path:
    """Write ``book`` as the ``reviews.json`` of ``generation``; returns its name in ``out``."""
    path = generation.path(REVIEWS_FILE)
    try:
        with creating(path, like=out / REVIEWS_FILE) as new:
            new.write(dump_reviews(book).encode("utf-8"))
    except OSError as exc:
        raise write_error(out / REVIEWS_FILE, exc) from None
    return out / REVIEWS_FILE


def orphans(findings: Sequence[Finding], book: ReviewBook) -> dict[str, Review]:
    """Decisions whose finding is not in ``findings`` (kept: the finding may come back)."""
    present = {f.id for f in findings}
    return {fid: r for fid, r in book.reviews.items() if fid not in present}


def open_findings(out: Path, *, include_reviewed: bool = False
                  ) -> tuple[list[Finding], int, dict[str, Review]]:
    """The findings of the last run in ``out`` with current decisions (only open ones unless
    ``include_reviewed``), how many are reviewed, and the decisions left without a finding."""
    found = listing(out, statuses=() if include_reviewed else ("open",), garbled=True)
    return found.findings, found.reviewed, found.orphans


@dataclass
class Listing:
    """What ``claims review`` lists: the findings chosen (in report order), with counts."""

    findings: list[Finding]
    total: int  # findings of the last run
    reviewed: int  # of them, decided
    hidden: int  # repaired-text (garbled) findings left out unless asked for
    orphans: dict[str, Review]  # decisions left without their finding
    carried: dict[str, Review]  # decisions carried over to the finding now holding them


def listing(out: Path, *, kinds: Collection[str] = (), severities: Collection[str] = (),
            statuses: Collection[str] = ("open",), garbled: bool = False) -> Listing:
    """The findings of the last run in ``out`` with their decisions, filtered: by kind,
    severity and status (empty: any); repaired-text findings only when ``garbled`` or asked
    for by kind. Reads the claim store's findings and ``reviews.json``: fast at any size."""
    out = Path(out)
    findings = last_findings(out)
    book = load_reviews(_committed_folder(out))
    merged = apply_reviews(findings, book)
    chosen = [f for f in merged if (not kinds or f.kind in kinds) and
              (not severities or f.severity in severities) and
              (not statuses or f.status in statuses)]
    hidden = 0
    if not garbled and "garbled" not in kinds:
        hidden = sum(f.kind == "garbled" for f in chosen)
        chosen = [f for f in chosen if f.kind != "garbled"]
    present = {f.id for f in findings}
    return Listing(findings=chosen, total=len(findings),
                   reviewed=sum(f.status != "open" for f in merged), hidden=hidden,
                   orphans=orphans(findings, book),
                   carried={fid: r for fid, r in book.reviews.items()
                            if r.carried_from and fid in present})


@dataclass
class Mention:
    """One claim of a finding, as ``claims review ID`` shows it."""

    path: str
    title: str | None
    sentence: str
    surface: str  # the figure as a reader quotes it (the repaired words)
    repaired: bool
    original: str | None = None  # the article's text of it, where that was garbled


def finding_in_full(out: Path, finding_id: str) -> tuple[Finding, list[Mention], Review | None]:
    """One finding of the last run (an id or a unique prefix) with every mention of it, or a
    decision left without its finding (stand-in finding of check ``""``, no mentions), and
    its decision."""
    from pipeline.state import store  # noqa: PLC0415
    from pipeline.wording import figure_words, garbled_original  # noqa: PLC0415

    out = Path(out)
    findings = last_findings(out)
    book = load_reviews(_committed_folder(out))
    finding = resolve_finding(apply_reviews(findings, book), finding_id,
                              orphans(findings, book))
    mentions: list[Mention] = []
    if finding.check and (out / store.DB_NAME).is_file():
        with store.open_store(out) as db:
            claims = db.claims_by_id(list(finding.claims))
            docs = {row[0]: row for row in (json.loads(d.row) for d in db.run_docs().values())}
        for claim in sorted(claims.values(), key=lambda c: (docs.get(c.doc_id, ("", ""))[1],
                                                            c.span.start)):
            row = docs.get(claim.doc_id)
            mentions.append(Mention(path=row[1] if row else "?", title=row[2] if row else None,
                                    sentence=claim.sentence, surface=figure_words(claim),
                                    repaired=claim.repaired, original=garbled_original(
                                        claim.span.text, figure_words(claim))
                                    if claim.repaired else None))
    return finding, mentions, book.reviews.get(finding.id)


def _check_text(note: str) -> None:
    """Refuse a note that is not text: bytes that are not UTF-8 (a terminal in another
    encoding) reach Python as lone surrogates, which no output file can hold."""
    try:
        note.encode("utf-8")
    except UnicodeEncodeError as exc:
        bad = shown_name(note[exc.start:exc.end])
        raise InputError(f"the note is not valid UTF-8 text (it has the bytes {bad})",
                         hint="write it in UTF-8 (check your terminal's encoding); nothing "
                         "was recorded") from None


def record(out: Path, finding_id: str, status: Decision | None,
           note: str | None = None) -> tuple[Finding, list[Path]]:
    """Record a decision in ``out/reviews.json`` and re-render the output files.

    Returns the finding as it now stands and the files written. ``status=None`` reopens a
    finding, or drops a decision left without its finding (its id as ``claims review``
    lists it; the stand-in finding returned has check ``""``). Raises :class:`InputError`
    for an unknown finding id, or an output folder without the stored state of its last
    run (nothing is written then).
    """
    from pipeline.render import outputs  # noqa: PLC0415 - lazy: the listing stays fast
    from pipeline.state import delta, store  # noqa: PLC0415

    out = Path(out)
    if note is not None:
        _check_text(note)
    if not (out / "contradictions.json").is_file():
        saved_findings(out)  # raises the "no report" error without creating the folder
    if not (out / store.DB_NAME).is_file():
        raise _no_state(out)
    with locked(out):
        with store.open_store(out) as db:
            outputs.recover(out, db)
            view = delta.last_run_view(db)
        if view is None:
            raise _no_state(out)
        findings = report_order(view.findings)
        book = load_reviews(out)
        lost = orphans(findings, book)
        finding = resolve_finding(findings, finding_id, lost)
        if not finding.check:  # a decision without its finding
            if status is not None:
                raise InputError(
                    f"{finding.id} is a decision whose finding this run no longer reports",
                    hint=f"drop it with `claims review {finding.id} --reopen`, or decide "
                    "on the finding that replaced it")
            book = drop(book, finding.id)
        else:
            book = decide(book, finding, status, note,
                          mentions=mentions_of(finding, mention_index(view.claims)))
        merged = apply_reviews(findings, book)
        # reviews.json and every output from the claim store's state, as one new generation,
        # reusing what the decision leaves alone
        written = rerender(out, book)
    return next((f for f in merged if f.id == finding.id),
                finding.model_copy(update={"status": "open"})), written
