"""The shortcuts of writing the outputs (``pipeline.render.outputs``): the files written by
a second process, the layouts of a run whose files repeat the published ones. Each writes
the same bytes as the plain path, and the next run reuses the pieces it wrote."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pipeline import fsio, render
from pipeline.errors import OutputError
from pipeline.render import outputs, report, splice
from pipeline.state import rows, store
from tests.test_report_pieces import make_world


def run_write(out: Path, view: rows.View, layouts: dict[str, bytes], *, state: str = "s"
              ) -> tuple[dict[str, bytes], dict[str, splice.Stats]]:
    """One run's outputs written and committed as :func:`outputs.commit` does (into a claim
    store at ``out/claims.db``)."""
    stats: dict[str, splice.Stats] = {}
    with store.open_store(out) as db, fsio.new_generation(out) as generation:
        _, new = outputs.write(out, view, state=state, layouts=layouts,
                               generation=generation, stats=stats)
        change = store.StateChange()
        change.layouts = new
        outputs.commit(db, generation, change)
        layouts = db.layouts()
    return layouts, stats


def shown(out: Path) -> dict[str, bytes]:
    every = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    every.update({f"report/{p.name}": p.read_bytes() for p in (out / "report").iterdir()})
    return every


def expected(view: rows.View) -> dict[str, bytes]:
    return {name: text.encode("utf-8") for name, text in render.texts(view).items()}


@pytest.fixture
def forked(monkeypatch):
    """Every write in two processes, however small the run."""
    monkeypatch.setattr(outputs, "FORK_CLAIMS", 0)


def test_files_written_by_a_second_process_are_the_same_and_reused_next(tmp_path, forked):
    out = tmp_path / "out"
    world = make_world(5, documents=60, findings=90)
    layouts, stats = run_write(out, world.view(), {})
    assert set(stats) == {*outputs.FILES, "report/"}
    assert {n: b for n, b in shown(out).items() if n != "claims.db"} == expected(world.view())
    doc = world.add_document(path="zz-new.txt", claims=4)
    world.add_finding([c for c in world.claims.values() if c.doc_id == doc.id])
    layouts, stats = run_write(out, world.view(), layouts)
    assert {n: b for n, b in shown(out).items() if n != "claims.db"} == expected(world.view())
    for name in outputs.FORKED:  # the second process's files reused their old pieces
        assert stats[name].reused > stats[name].rendered, name


def test_the_shared_plan_is_made_once_before_the_second_process_starts(tmp_path, forked,
                                                                         monkeypatch):
    out = tmp_path / "out"
    made = tmp_path / "made"
    world = make_world(8, documents=40, findings=60)
    real = report._make_shared

    def noted(view):
        with made.open("a") as f:
            f.write(f"{os.getpid()}\n")
        return real(view)

    monkeypatch.setattr(report, "_make_shared", noted)
    run_write(out, world.view(), {})
    assert made.read_text().split() == [str(os.getpid())]  # once, here: inherited there
    assert {n: b for n, b in shown(out).items() if n != "claims.db"} == expected(world.view())


def test_a_second_process_that_dies_leaves_its_files_to_the_first(tmp_path, forked,
                                                                   monkeypatch):
    out = tmp_path / "out"
    world = make_world(6, documents=30, findings=40)
    parent = os.getpid()
    real = outputs._write_files

    def dying(*args, **kwargs):
        if os.getpid() != parent:
            os._exit(3)
        return real(*args, **kwargs)

    monkeypatch.setattr(outputs, "_write_files", dying)
    layouts, stats = run_write(out, world.view(), {})
    assert set(stats) == {*outputs.FILES, "report/"}
    assert {n: b for n, b in shown(out).items() if n != "claims.db"} == expected(world.view())
    assert fsio.current_generation(out) == "1"


def test_a_full_disk_in_the_second_process_is_the_runs_error(tmp_path, forked, monkeypatch):
    out = tmp_path / "out"
    world = make_world(7, documents=20, findings=30)
    parent = os.getpid()
    real = splice.compose

    def full(path, *args, **kwargs):
        if os.getpid() != parent:
            raise OSError(28, "No space left on device")
        return real(path, *args, **kwargs)

    monkeypatch.setattr(splice, "compose", full)
    with pytest.raises(OutputError, match="No space left"):
        run_write(out, world.view(), {})
    assert list((out / fsio.GENERATIONS).iterdir()) == []  # nothing half-written is left


@pytest.mark.parametrize("two", [False, True], ids=["one process", "two processes"])
def test_a_new_file_that_cannot_be_flushed_is_the_runs_error(tmp_path, monkeypatch, two):
    """Files are flushed to disk by threads while the next ones are written (a full disk is
    often found only then, with delayed allocation): that error still stops the run, names
    the file and leaves the previous run in place."""
    if two:
        monkeypatch.setattr(outputs, "FORK_CLAIMS", 0)
    out = tmp_path / "out"
    world = make_world(9, documents=20, findings=30)
    layouts, _ = run_write(out, world.view(), {})
    before = shown(out)
    doc = world.add_document(path="zz-new.txt", claims=3)
    world.add_finding([c for c in world.claims.values() if c.doc_id == doc.id])

    def full(path):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(splice, "_flush", full)
    with pytest.raises(OutputError, match=r"cannot write .*out/\S+: No space left"):
        run_write(out, world.view(), layouts)
    assert shown(out) == before
    assert [p.name for p in (out / fsio.GENERATIONS).iterdir()] == ["1"]


def test_every_new_file_is_flushed_before_the_write_returns(tmp_path, monkeypatch):
    out = tmp_path / "out"
    world = make_world(10, documents=20, findings=30)
    flushed: list[str] = []
    real = splice._flush

    def noted(path):
        real(path)
        flushed.append(str(path))

    monkeypatch.setattr(splice, "_flush", noted)
    run_write(out, world.view(), {})
    generation = out / fsio.GENERATIONS / "1"
    written = sorted(str(p) for p in generation.rglob("*") if p.is_file())
    assert sorted(flushed) == written


def test_a_run_that_repeats_the_published_files_leaves_layouts_the_next_run_uses(tmp_path):
    """Every piece rendered again (the writers' code changed, say) into the same bytes: the
    published generation stays, and the layouts kept describe its files, so the next run
    renders nothing."""
    out = tmp_path / "out"
    world = make_world(8, documents=40, findings=50)
    layouts, _ = run_write(out, world.view(), {}, state="before")
    assert fsio.current_generation(out) == "1"
    layouts, stats = run_write(out, world.view(), layouts, state="after")
    assert stats["claims.jsonl"].bytes_reused == 0  # rendered again: another version
    assert fsio.current_generation(out) == "1"  # the same bytes: no switch
    _, stats = run_write(out, world.view(), layouts, state="after")
    assert sum(s.bytes_rendered for s in stats.values()) == 0
    assert fsio.current_generation(out) == "1"
    assert {n: b for n, b in shown(out).items() if n != "claims.db"} == expected(world.view())
