"""An entry sent from a worker process to the run, the claims framed again sent once.

Pickling a pydantic model costs its every object and set of fields, both ways: some 40 µs
a claim. A sentence repeated within one article has its figures framed once and the later
ones copied from that claim (``claims._Repeats``): 20,000 claims of issue 19's 820 KB
article that differ from the claims they copy only in their ids and offsets, and share every
other value with them. :func:`pack` sends such a claim as (the index of the claim it
copies, its id, its spans), and :func:`unpack` makes it again as that copy is made: the
same values, the same set fields, so nothing downstream can tell.

A claim is sent so when every field but ``id``, ``span`` and ``quantity`` *is* (the same
object as) the earlier claim's, and so is every field of its quantity but ``span``; its
spans keep the earlier claim's ``doc_id`` and set fields. Anything else goes as it is.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from operator import itemgetter
from typing import Any

from pydantic import BaseModel

from pipeline.extract.results import Entry
from pipeline.models import Claim, Quantity, Span

# (index of the claim it copies, its id, its span, its quantity's span), a span as
# (start, end, text)
Again = tuple[int, str, tuple[int, int, str], tuple[int, int, str]]


@dataclass(frozen=True)
class Packed:
    """An :class:`Entry` whose claims copied from an earlier one are sent as :data:`Again`."""

    entry: Entry  # its claims empty
    claims: tuple[Claim | Again, ...]


def pack(entry: Entry) -> Entry | Packed:
    """``entry`` with each claim copied from an earlier one as :data:`Again`; the entry
    itself when there is none."""
    first: dict[tuple[object, ...], int] = {}
    sent: list[Claim | Again] = []
    again = False
    for k, claim in enumerate(entry.claims):
        key = _shape(claim)  # (the values' identities: exact while the entry holds them)
        j = k if key is None else first.setdefault(key, k)
        if j == k:
            sent.append(claim)
        else:
            sent.append((j, claim.id, _where(claim.span), _where(claim.quantity.span)))
            again = True
    if not again:
        return entry
    return Packed(entry=replace(entry, claims=()), claims=tuple(sent))


def unpack(sent: Any) -> Any:
    """What :func:`pack` was given (anything else as it is)."""
    if not isinstance(sent, Packed):
        return sent
    claims: list[Claim] = []
    for item in sent.claims:
        if isinstance(item, tuple):
            j, ident, span, inner = item
            template = claims[j]
            quantity = template.quantity
            claims.append(_copy(template, {
                "id": ident, "span": _moved(template.span, span),
                "quantity": _copy(quantity, {"span": _moved(quantity.span, inner)})}))
        else:
            claims.append(item)
    return replace(sent.entry, claims=tuple(claims))


def _shape(claim: Claim) -> tuple[object, ...] | None:
    """What a claim shares with the claims it may copy or be copied to: the identities of
    its values but its id and spans, its set fields; ``None`` when it has extra or private
    attributes, or is of another class (never sent by reference)."""
    quantity, span = claim.quantity, claim.span
    inner = quantity.span
    if type(claim) is not Claim or type(span) is not Span or type(inner) is not Span or \
            claim.__pydantic_extra__ or claim.__pydantic_private__ or \
            quantity.__pydantic_extra__ or quantity.__pydantic_private__ or \
            span.__pydantic_extra__ or span.__pydantic_private__ or \
            inner.__pydantic_extra__ or inner.__pydantic_private__:
        return None
    try:
        return (tuple(map(id, _CLAIM_VALUES(claim.__dict__))),
                tuple(map(id, _QUANTITY_VALUES(quantity.__dict__))), type(quantity),
                _set_fields(claim), _set_fields(quantity),
                span.doc_id, _set_fields(span), inner.doc_id, _set_fields(inner))
    except KeyError:  # a field missing from a model's values: never expected
        return None


_CLAIM_VALUES = itemgetter(*(n for n in Claim.model_fields if n not in ("id", "span",
                                                                         "quantity")))
_QUANTITY_VALUES = itemgetter(*(n for n in Quantity.model_fields if n != "span"))


def _set_fields(model: BaseModel) -> object:
    """Which fields of ``model`` were set: their number when all were, else their names."""
    names = model.__pydantic_fields_set__
    return len(names) if len(names) == _FIELDS[type(model)] else tuple(sorted(names))


_FIELDS: dict[type[BaseModel], int] = {
    model: len(model.model_fields) for model in (Claim, Quantity, Span)}


def _where(span: Span) -> tuple[int, int, str]:
    return span.start, span.end, span.text


def _moved(span: Span, where: tuple[int, int, str]) -> Span:
    start, end, text = where
    moved: Span = _copy(span, {"start": start, "end": end, "text": text})
    return moved


_set = object.__setattr__


def _copy(model: Any, update: dict[str, Any]) -> Any:
    """``model.model_copy(update=update)`` where every updated field is set already (the set
    fields stay ``model``'s) and ``model`` has no extra or private attributes, without
    pydantic's overhead per call (which would cost what unpickling costs)."""
    made = object.__new__(type(model))
    fields = model.__dict__.copy()
    fields.update(update)
    _set(made, "__dict__", fields)
    _set(made, "__pydantic_fields_set__", set(model.__pydantic_fields_set__))
    _set(made, "__pydantic_extra__", None)
    _set(made, "__pydantic_private__", None)
    return made
