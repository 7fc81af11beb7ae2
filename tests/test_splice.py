"""splice.compose: reusing pieces of the previous file gives the same bytes as rendering all."""

from __future__ import annotations

import os

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.render.splice import Layout, Piece, Stats, compose, text_of

Item = tuple[str, str]  # (key, signature); the text is derived from both


def pieces(items: list[Item], calls: list[str] | None = None) -> list[Piece]:
    def render(key: str, sig: str) -> str:
        if calls is not None:
            calls.append(key)
        return f"<{key}:{sig}>\n" if sig != "empty" else ""

    return [Piece(k, s, lambda k=k, s=s: render(k, s)) for k, s in items]


edits = st.lists(st.tuples(
    st.sampled_from(["keep", "drop", "change", "insert", "shuffle", "empty"]),
    st.integers(0, 10_000)), min_size=1, max_size=8)


def apply(items: list[Item], edit: str, n: int) -> list[Item]:
    items = list(items)
    at = n % (len(items) + 1)
    if edit == "drop" and items:
        del items[at % len(items)]
    elif edit == "change" and items:
        key, sig = items[at % len(items)]
        items[at % len(items)] = (key, sig + "'")
    elif edit == "insert":
        items.insert(at, (f"new{n}", str(n)))
    elif edit == "shuffle" and items:
        items = items[at:] + items[:at]
    elif edit == "empty" and items:
        key, _ = items[at % len(items)]
        items[at % len(items)] = (key, "empty")
    return list(dict(items).items()) if len({k for k, _ in items}) == len(items) else items


@settings(max_examples=60, deadline=None)
@given(size=st.integers(0, 40), steps=st.lists(edits, min_size=1, max_size=5))
def test_reuse_gives_the_bytes_of_a_fresh_render(tmp_path_factory, size, steps):
    path = tmp_path_factory.mktemp("splice") / "f.txt"
    items = [(f"k{i}", f"v{i}") for i in range(size)]
    layout = compose(path, pieces(items), version="1")
    assert path.read_text() == text_of(pieces(items))
    for step in steps:
        for edit, n in step:
            items = apply(items, edit, n)
        calls: list[str] = []
        stats = Stats()
        layout = compose(path, pieces(items, calls), version="1",
                         previous=Layout.loads(layout.dumps()), stats=stats)
        assert path.read_text() == text_of(pieces(items))
        assert stats.rendered == len(calls)
        assert stats.rendered + stats.reused == len(items)


def test_only_changed_pieces_are_rendered_and_an_unchanged_file_is_left_alone(tmp_path):
    path = tmp_path / "f.txt"
    items = [(f"k{i}", f"v{i}") for i in range(100)]
    layout = compose(path, pieces(items), version="1")
    before = os.stat(path)
    calls: list[str] = []
    same = compose(path, pieces(items, calls), version="1", previous=layout)
    after = os.stat(path)
    assert calls == [] and same == layout
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temp left

    items[50] = ("k50", "changed")
    calls = []
    compose(path, pieces(items, calls), version="1", previous=layout)
    assert calls == ["k50"]
    assert path.read_text() == text_of(pieces(items))


def test_a_file_changed_by_hand_or_a_new_writer_version_is_rendered_whole(tmp_path):
    path = tmp_path / "f.txt"
    items = [(f"k{i}", f"v{i}") for i in range(20)]
    layout = compose(path, pieces(items), version="1")
    calls: list[str] = []
    compose(path, pieces(items, calls), version="2", previous=layout)
    assert len(calls) == 20

    layout = compose(path, pieces(items), version="1")
    path.write_text(path.read_text().replace("v3", "XX"))  # same size, edited
    calls = []
    compose(path, pieces(items, calls), version="1", previous=layout)
    assert len(calls) == 20 and path.read_text() == text_of(pieces(items))


def test_a_layout_from_other_bytes_is_refused():
    assert Layout.loads(b"not a layout") is None
    assert Layout.loads(Layout("1", (0, 0, 0), ["a"], b"x" * 12, [1]).dumps()) is not None
    assert Layout.loads(Layout("1", (0, 0, 0), ["a"], b"x" * 11, [1]).dumps()) is None
