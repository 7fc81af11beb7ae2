from __future__ import annotations

import pydantic
import pytest

from pipeline.models import Quantity, Repair, RepairedText, Span


def span(start: int = 0, end: int = 3, text: str = "$60") -> Span:
    return Span(doc_id="d", start=start, end=end, text=text)


def test_models_are_frozen():
    s = span()
    with pytest.raises(pydantic.ValidationError):
        s.start = 5  # type: ignore[misc]


def test_models_reject_unknown_fields():
    with pytest.raises(pydantic.ValidationError):
        Span(doc_id="d", start=0, end=1, text="x", colour="red")  # type: ignore[call-arg]


def test_quantity_bound_is_checked():
    with pytest.raises(pydantic.ValidationError):
        Quantity(span=span(), value=1, low=1, high=1, bound="sorta", unit="USD")  # type: ignore[arg-type]


def test_identity_repair_maps_offsets_to_themselves():
    r = RepairedText(doc_id="d", text="abc def")
    assert r.to_original(4, 7) == (4, 7)


def test_offsets_shift_after_an_edit_and_snap_inside_it():
    # original "xx 10billion yy" (run at 3..12) repaired to "xx $10 billion yy" (3..14)
    r = RepairedText(
        doc_id="d", text="xx $10 billion yy",
        repairs=(Repair(span=span(3, 12, "10billion"), original="10billion",
                        repaired="$10 billion", kind="glued", confidence=0.9),),
        edits=((3, 14, 3, 12),),
    )
    assert r.to_original(0, 2) == (0, 2)
    assert r.to_original(15, 17) == (13, 15)
    assert r.to_original(4, 6) == (3, 12)


def test_a_moved_untitled_document_takes_the_new_file_name_as_its_title():
    from pipeline.models import Document, file_title

    doc = Document(id="d", path="old/name.txt", title="name", untitled=True, text="t",
                   sha256="s")
    assert doc.moved("new-name.md").title == "new-name"
    titled = doc.model_copy(update={"title": "Port strike ends", "untitled": False})
    assert titled.moved("x.txt").title == "Port strike ends"
    assert titled.moved("x.txt").path == "x.txt"
    assert file_title("a/b.c/report.2025.html") == "report.2025"
    assert file_title("README") == "README"
