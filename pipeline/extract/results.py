"""What the per-document stages give for one article: an :class:`Entry` (kept in the claim
store) or a :class:`Failure` (the article is skipped and listed)."""

from __future__ import annotations

from dataclasses import dataclass, field

from pydantic import TypeAdapter

from pipeline.models import Claim, Document, Quantity, RepairedText, Skip

QUANTITIES = TypeAdapter(list[Quantity])
CLAIMS = TypeAdapter(list[Claim])


@dataclass(frozen=True)
class Entry:
    """What the per-document stages produced for one article.

    ``packed``: the JSON of its parts as :func:`pack` made them (the claim store's row),
    kept so that the store writes them without encoding them again; it belongs to the entry
    only while its first item is the entry's own ``document`` (an entry copied with another
    document is encoded afresh, :meth:`json_parts`).
    """

    document: Document
    repaired: RepairedText
    quantities: tuple[Quantity, ...] | None  # None: not loaded (see Store.get)
    claims: tuple[Claim, ...]
    packed: tuple[Document, bytes, bytes, bytes, bytes] | None = field(
        default=None, compare=False, repr=False)

    def json_parts(self) -> tuple[bytes, bytes, bytes, bytes]:
        """The JSON of the document, the repaired text, the quantities and the claims."""
        if self.packed is not None and self.packed[0] is self.document:
            return self.packed[1:]
        if self.quantities is None:
            raise ValueError("cannot store an entry read without its quantities")
        return (self.document.model_dump_json().encode(),
                self.repaired.model_dump_json().encode(),
                QUANTITIES.dump_json(list(self.quantities)),
                CLAIMS.dump_json(list(self.claims)))


def pack(entry: Entry) -> tuple[bytes, bytes, bytes, bytes]:
    """An entry as JSON, to send it from a worker process: for an article of thousands of
    claims, encoding the pydantic models as JSON is some 6x quicker than pickling them (and
    reading them back as quick), and the claim store keeps that JSON as it is."""
    return entry.json_parts()


def unpack(parts: tuple[bytes, bytes, bytes, bytes]) -> Entry:
    """The entry :func:`pack` encoded (equal to it: the claim store keeps entries so)."""
    document = Document.model_validate_json(parts[0])
    return Entry(document=document, repaired=RepairedText.model_validate_json(parts[1]),
                 quantities=tuple(QUANTITIES.validate_json(parts[2])),
                 claims=tuple(CLAIMS.validate_json(parts[3])),
                 packed=(document, *parts))


@dataclass(frozen=True)
class Failure:
    """An article a per-document stage crashed on: skipped and listed, never stored."""

    document: Document
    stage: str
    error: str
    budget: str | None = None  # over this budget (JSON; remembered in the claim store)

    def skip(self) -> Skip:
        if self.budget is not None:  # one line: the stage and the budget
            return Skip(path=self.document.path,
                        reason=f"stopped in the {self.stage} stage, {self.error}")
        return Skip.failed(self.document.path, self.stage, self.error)
