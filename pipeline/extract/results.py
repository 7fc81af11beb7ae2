"""What the per-document stages give for one article: an :class:`Entry` (kept in the claim
store) or a :class:`Failure` (the article is skipped and listed)."""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.models import Claim, Document, Quantity, RepairedText, Skip


@dataclass(frozen=True)
class Entry:
    """What the per-document stages produced for one article."""

    document: Document
    repaired: RepairedText
    quantities: tuple[Quantity, ...] | None  # None: not loaded (see Store.get)
    claims: tuple[Claim, ...]


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
