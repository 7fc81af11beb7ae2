"""Repair stage: detect garbled runs in a document and repair them.

Pass-through for now: returns the text unchanged with no repairs.
"""

from __future__ import annotations

from pipeline.models import Document, RepairedText


def repair(document: Document, *, enabled: bool = True) -> RepairedText:
    """Return the document's text with garbled runs repaired, and the offset map back."""
    return RepairedText(doc_id=document.id, text=document.text)
