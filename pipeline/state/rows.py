"""Light rows of a run, and the :class:`View` the output writers read.

A clean run holds every :class:`Claim` in memory; an incremental run (``claims add`` on a
large corpus) must not read 77,000 stored claims back to change one article's worth of
output. The writers therefore work from light rows — a :class:`DocRow` per document, a
:class:`ClaimRow` per claim, every :class:`Finding` — enough to order, group and sign every
piece of every output file (:mod:`pipeline.render.splice`), and ask the view for the full claims and
documents only of the pieces they actually render.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple, TypeVar

from pipeline.models import Claim, Document, Finding, Skip

T = TypeVar("T")

_T = TypeVar("_T")


class DocRow(NamedTuple):
    """A document without its text."""

    id: str
    path: str
    title: str | None
    source: str | None
    published: str | None
    sha256: str


class ClaimRow(NamedTuple):
    """What ordering, grouping, charts and graph edges need of a claim (not its sentence)."""

    id: str
    doc_id: str
    start: int
    subject: str | None
    metric: str
    unit: str  # normalized unit
    low: float | None  # normalized
    high: float | None
    modality: str
    as_of: str | None
    surface: str  # the figure as a reader quotes it (repaired words: pipeline.wording)
    dup: str  # digest of sourcing.duplicate_key: equal for copies of one sentence and figure


def doc_row(document: Document) -> DocRow:
    return DocRow(document.id, document.path, document.title, document.source,
                  document.published, document.sha256)


def duplicate_digest(claim: Claim) -> str:
    """A short digest of :func:`sourcing.duplicate_key` (normalized sentence, figure)."""
    from pipeline.check.sourcing import duplicate_key  # noqa: PLC0415 - keep rows light

    sentence, surface = duplicate_key(claim)
    return hashlib.blake2b(f"{sentence}\0{surface}".encode(), digest_size=10).hexdigest()


def claim_row(claim: Claim) -> ClaimRow:
    from pipeline.wording import figure_words  # noqa: PLC0415 - keep rows light (pint)

    n = claim.normalized
    return ClaimRow(claim.id, claim.doc_id, claim.span.start, claim.subject, claim.metric,
                    n.unit, n.low, n.high, claim.modality, claim.as_of, figure_words(claim),
                    duplicate_digest(claim))


@dataclass
class View:
    """Everything an output writer may read.

    ``docs``: every document, sorted by (path, id) — a document's report number is its
    position + 1. ``claims``: every claim, in run order (doc id, offset, id). ``findings``:
    every finding with its review status, in run order (severity, kind, id). The full
    :class:`Claim` and :class:`Document` objects come from :meth:`full_claims` and
    :meth:`full_documents`, which may read them from the claim store: ask only for those of
    pieces being rendered.
    """

    docs: Sequence[DocRow]
    claims: Sequence[ClaimRow]
    findings: Sequence[Finding]
    skipped: Sequence[Skip]
    load_claims: Callable[[Sequence[str]], Mapping[str, Claim]]
    load_documents: Callable[[Sequence[str]], Mapping[str, Document]]
    _claims: dict[str, Claim] = field(default_factory=dict)
    _documents: dict[str, Document] = field(default_factory=dict)
    _shared: dict[str, Any] = field(default_factory=dict, repr=False)

    def shared(self, name: str, make: Callable[[View], _T]) -> _T:
        """``make(self)``, made once and shared by the writers of a run (the findings' report
        order, their JSON...). Made again after ``docs``, ``claims``, ``findings`` or
        ``skipped`` is replaced by another sequence (not after a change in place)."""
        state = (self.docs, self.claims, self.findings, self.skipped)
        memo = self._shared
        seen = memo.get("")
        if seen is None or any(a is not b for a, b in zip(seen, state, strict=True)):
            memo.clear()
            memo[""] = state
        if name not in memo:
            memo[name] = make(self)
        return memo[name]  # type: ignore[no-any-return]

    def full_claims(self, ids: Iterable[str]) -> dict[str, Claim]:
        """The claims with these ids (unknown ids left out), remembered for the run."""
        return _remembered(self._claims, self.load_claims, ids)

    def full_documents(self, ids: Iterable[str]) -> dict[str, Document]:
        """The documents (with their text) with these ids, remembered for the run."""
        return _remembered(self._documents, self.load_documents, ids)


def _remembered(known: dict[str, T], load: Callable[[Sequence[str]], Mapping[str, T]],
                ids: Iterable[str]) -> dict[str, T]:
    """``known``'s values for ``ids``, loading (and keeping) the missing ones first."""
    wanted = list(dict.fromkeys(ids))
    missing = [i for i in wanted if i not in known]
    if missing:
        known.update(load(missing))
    return {i: known[i] for i in wanted if i in known}


def memory_view(documents: Sequence[Document], claims: Sequence[Claim],
                findings: Sequence[Finding], skipped: Sequence[Skip]) -> View:
    """A view over objects a run holds in memory (a clean run, tests)."""
    by_claim = {c.id: c for c in claims}
    by_doc = {d.id: d for d in documents}
    return View(
        docs=[doc_row(d) for d in sorted(documents, key=lambda d: (d.path, d.id))],
        claims=[claim_row(c) for c in claims],
        findings=list(findings), skipped=list(skipped),
        load_claims=lambda ids: {i: by_claim[i] for i in ids if i in by_claim},
        load_documents=lambda ids: {i: by_doc[i] for i in ids if i in by_doc},
    )
