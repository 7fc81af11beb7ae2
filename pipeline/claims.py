"""Claims stage: turn each quantity into a :class:`Claim` with subject, metric, time, modality.

All knowledge (entity names, metric cue words, modality cues) comes from ``rules/``.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence

import pint
from spacy.tokens import Doc

from pipeline.models import Claim, Document, Modality, Quantity, RepairedText, Span
from pipeline.rules import Rules
from pipeline.units import dimension_of, normalize, unit_expression

SUBJECT_LABELS = ("ORG", "PERSON", "PRODUCT", "FAC", "GPE", "NORP")
_YEAR = re.compile(r"\b(?:19|20)\d{2}\b")


def claim_id(document: Document, span: Span) -> str:
    """Stable id from the document's content hash and the figure's offsets."""
    raw = f"{document.sha256}:{span.start}:{span.end}".encode()
    return "c-" + hashlib.sha1(raw).hexdigest()[:12]


def _cue_positions(text: str, cue: str) -> list[int]:
    pattern = r"(?<![\w-])" + re.escape(cue.lower()) + r"(?![\w-])"
    return [m.start() for m in re.finditer(pattern, text.lower())]


def _aliases(rules: Rules) -> dict[str, str]:
    table: dict[str, str] = {}
    for entity in rules.entities.entities:
        for alias in (entity.name, *entity.aliases):
            table[alias.lower()] = entity.name
    return table


def _subject(doc: Doc, start: int, end: int, aliases: dict[str, str]) -> str | None:
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return None
    sent = span.sent
    best: tuple[int, str] | None = None
    for ent in sent.ents:
        if ent.label_ not in SUBJECT_LABELS or (ent.start_char < end and ent.end_char > start):
            continue
        text = re.sub(r"(?:'s|’s|'|’)$", "", ent.text)
        name = ent.ent_id_ or aliases.get(text.lower(), text)
        distance = start - ent.end_char if ent.end_char <= start else 2 * (ent.start_char - end)
        if best is None or distance < best[0]:
            best = (distance, name)
    return best[1] if best else None


def _metric(sentence: str, offset: int, dimension: str, rules: Rules) -> str:
    best: tuple[int, str] | None = None
    for name, metric in rules.metrics.metrics.items():
        if dimension not in metric.dimensions():
            continue
        for cue in metric.cues:
            for pos in _cue_positions(sentence, cue):
                distance = abs(pos - offset)
                if best is None or distance < best[0]:
                    best = (distance, name)
    return best[1] if best else "unknown"


def _modality(sentence: str, rules: Rules) -> Modality:
    for modality in ("hypothetical", "alternative", "projection", "quoted", "conditional"):
        for cue in rules.cues.modality.get(modality, ()):
            if _cue_positions(sentence, cue):
                return modality  # type: ignore[return-value]
    return "asserted"


def _hedges(sentence: str, rules: Rules) -> tuple[str, ...]:
    return tuple(h for h in rules.cues.hedges if _cue_positions(sentence, h))


def _to_original(quantity: Quantity, repaired: RepairedText, document: Document) -> Quantity:
    start, end = repaired.to_original(quantity.span.start, quantity.span.end)
    span = Span(doc_id=document.id, start=start, end=end, text=document.text[start:end])
    return quantity.model_copy(update={"span": span})


def _in_boilerplate(document: Document, start: int, end: int) -> bool:
    return any(b_start <= start and end <= b_end for b_start, b_end in document.boilerplate)


def build_claims(
    document: Document,
    repaired: RepairedText,
    doc: Doc,
    quantities: Sequence[Quantity],
    *,
    rules: Rules,
    registry: pint.UnitRegistry,
) -> list[Claim]:
    """Frame each quantity found in ``repaired.text`` (parsed as ``doc``) as a claim."""
    aliases = _aliases(rules)
    claims: list[Claim] = []
    for quantity in quantities:
        original = _to_original(quantity, repaired, document)
        if _in_boilerplate(document, original.span.start, original.span.end):
            continue
        span = doc.char_span(quantity.span.start, quantity.span.end, alignment_mode="expand")
        sentence = span.sent.text if span is not None else quantity.span.text
        sent_start = span.sent.start_char if span is not None else quantity.span.start
        offset = quantity.span.start - sent_start
        dimension = dimension_of(registry, unit_expression(quantity))
        year = _YEAR.search(sentence)
        claims.append(Claim(
            id=claim_id(document, original.span),
            doc_id=document.id,
            span=original.span,
            sentence=sentence.strip(),
            subject=_subject(doc, quantity.span.start, quantity.span.end, aliases),
            metric=_metric(sentence, offset, dimension, rules),
            quantity=original,
            normalized=normalize(quantity, registry),
            as_of=year.group(0) if year else document.published,
            modality=_modality(sentence, rules),
            hedges=_hedges(sentence, rules),
            repaired=original.span.text != quantity.span.text,
        ))
    return claims
