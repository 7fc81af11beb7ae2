"""An output folder is one consistent generation (issue 20, item 3): a reader, and a run
killed (``kill -9``) or interrupted (Ctrl-C) at any write step, sees every file of one
complete run, the old or the new, never a mix; the next run finishes or drops what the killed
one left.

The kill tests fork this process (the spaCy model loaded once, in the parent) and let the
child die at its N-th *write step* — each call that writes bytes or changes a name (``write``,
``fsync``, ``copy_file_range``, ``link``, ``symlink``, ``replace``, ``rename``, ``unlink``,
``rmdir``, ``mkdir``) and each transaction of the claim store — for every N, before the call.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import sqlite3
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from pipeline import fsio, render, review
from pipeline.render import outputs
from pipeline.state import store
from tests.conftest import DATA, ROOT, write_run

WRITE_STEPS = ("write", "fsync", "copy_file_range", "link", "symlink", "replace", "rename",
               "unlink", "rmdir", "mkdir")
STORE_STEPS = ("update_state", "set_meta", "put_many", "keep_only")


@pytest.fixture(autouse=True)
def no_disk_flush(monkeypatch):
    """``fsync`` still counts as a write step, but does not wait for the disk: a killed
    process loses nothing the page cache holds (these tests kill processes; a power cut is
    another matter, which the fsyncs are for), and the tests run several times faster."""
    monkeypatch.setattr(os, "fsync", lambda fd: None)


def visible(out: Path) -> dict[str, bytes]:
    """What a reader sees: every output name of the folder, read through its name."""
    seen = {}
    for name in outputs.NAMES:
        if name in outputs.FOLDERS:  # a folder of pages: each page
            with contextlib.suppress(FileNotFoundError):
                seen.update((f"{name}/{page}", (out / name / page).read_bytes())
                            for page in sorted(os.listdir(out / name)))
            continue
        with contextlib.suppress(FileNotFoundError):
            seen[name] = (out / name).read_bytes()
    return seen


def leftovers(out: Path) -> list[str]:
    """Temporary files and generations other than the published one."""
    found = [p.name for p in out.iterdir() if p.name.endswith(fsio.TMP_SUFFIX)]
    current = fsio.current_generation(out)
    generations = out / fsio.GENERATIONS
    if generations.is_dir():
        found += [f"{fsio.GENERATIONS}/{p.name}" for p in generations.iterdir()
                  if p.name != current]
    return found


def store_is_sound(out: Path) -> None:
    db = out / store.DB_NAME
    if db.exists():
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


@contextlib.contextmanager
def _stepped(at: int | None, how: str, report: int) -> Iterator[None]:
    """In a forked child: count every write step on the pipe ``report``, and at step ``at``
    die by SIGKILL (``how="kill"``) or get a SIGINT (``how="interrupt"``)."""
    real_write = os.write
    count = 0
    counting = threading.Lock()  # files are flushed by threads too: every step counted once

    def step() -> None:
        nonlocal count
        with counting:
            count += 1
            mine = count
            real_write(report, b".")
        if mine == at:
            if how == "kill":
                os.kill(os.getpid(), signal.SIGKILL)
            # Ctrl-C is sent to the process (the kernel picks a thread that does not block
            # it), not to the thread at the step: a file may be flushed by another thread
            os.kill(os.getpid(), signal.SIGINT)

    def wrapped(function: Callable[..., object]) -> Callable[..., object]:
        def call(*args: object, **kwargs: object) -> object:
            step()
            return function(*args, **kwargs)
        return call

    for name in WRITE_STEPS:
        setattr(os, name, wrapped(getattr(os, name)))
    for name in STORE_STEPS:
        setattr(store.Store, name, wrapped(getattr(store.Store, name)))
    yield


def run_forked(action: Callable[[], object], *, at: int | None = None,
               how: str = "kill") -> tuple[int, int | None]:
    """Run ``action`` in a forked child stopped at write step ``at`` (None: never); returns
    the steps it took and its exit code (None when killed; 130 for KeyboardInterrupt)."""
    read, report = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        code = 0
        try:
            os.close(read)
            # a fresh command's Ctrl-C: another test of this process (a Dask cluster, an
            # event loop) may have left its own SIGINT handler or wakeup fd behind
            signal.signal(signal.SIGINT, signal.default_int_handler)
            with contextlib.suppress(ValueError):
                signal.set_wakeup_fd(-1)
            with _stepped(at, how, report):
                action()
        except KeyboardInterrupt:
            code = 130
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        except BaseException:  # noqa: BLE001 - the parent sees the code
            code = 1
        os._exit(code)
    os.close(report)
    steps = 0
    with os.fdopen(read, "rb") as pipe:
        while chunk := pipe.read(4096):
            steps += len(chunk)
    _, status = os.waitpid(pid, 0)
    code = os.waitstatus_to_exitcode(status)
    return steps, (None if code == -signal.SIGKILL else code)


Check = Callable[[Path, "int | None", bool], None]


def closer_look(at: int, steps: int) -> bool:
    """Whether the stop at step ``at`` of ``steps`` gets the slower checks (the next command
    run on what it left): the first and last steps (a copy, a journal, the commit and the
    switch) and every fourth step between (the files of the generation, alike)."""
    return at <= 8 or at > steps - 14 or at % 4 == 0


def killed_everywhere(start: Path, action: Callable[[Path], object], tmp: Path, *,
                      how: str = "kill", check: Check | None = None, every: int = 1
                      ) -> tuple[dict[str, bytes], dict[str, bytes], list[str]]:
    """Run ``action(folder)`` on a copy of ``start`` once whole, then once per write step
    (or per ``every`` steps, and each of the last ten: the commit and the switch), stopped
    there. After each stop every name shows the old or the new generation, whole,
    and ``check(folder, exit code, closer look)`` holds (:func:`closer_look`). Returns the
    old and new views and, per stop, which one it left ("old" / "new")."""
    def fresh(name: str) -> Path:
        folder = tmp / name
        shutil.rmtree(folder, ignore_errors=True)
        shutil.copytree(start, folder, symlinks=True)
        return folder

    old = visible(start / "out")
    whole = fresh("whole")
    steps, code = run_forked(lambda: action(whole))
    assert code == 0, "the uninterrupted action fails"
    new = visible(whole / "out")
    assert new != old and steps > 5
    seen: list[str] = []
    for at in sorted({*range(1, steps + 1, every), *range(max(1, steps - 9), steps + 1)}):
        folder = fresh(f"at{at}")
        _, code = run_forked(lambda folder=folder: action(folder), at=at, how=how)
        now = visible(folder / "out")
        assert now in (old, new), f"stopped at step {at}: a mix of two runs"
        seen.append("old" if now == old else "new")
        store_is_sound(folder / "out")
        if check is not None:
            check(folder, code, closer_look(at, steps))
        shutil.rmtree(folder)
    return old, new, seen


# --------------------------------------------------------------------------- unit


def test_a_generation_switches_every_name_at_once(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    for text in ("one", "two"):
        with fsio.new_generation(out) as gen:
            for name in ("a.txt", "b.txt"):
                gen.path(name).write_text(f"{name} {text}")
            gen.seal()
            gen.committed = True
            gen.publish()
        assert {n: (out / n).read_text() for n in ("a.txt", "b.txt")} == {
            "a.txt": f"a.txt {text}", "b.txt": f"b.txt {text}"}
    assert os.readlink(out / "a.txt") == ".current/a.txt"
    assert os.readlink(out / ".current") == ".generations/2"
    assert leftovers(out) == []


def test_an_uncommitted_generation_is_removed_and_shows_nothing(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(OSError), fsio.new_generation(out) as gen:
        gen.path("a.txt").write_text("half")
        raise OSError(28, "No space left on device")
    assert list((out / fsio.GENERATIONS).iterdir()) == []
    assert not (out / "a.txt").exists()


def test_recovery_publishes_a_committed_generation_and_drops_the_rest(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    first = fsio.Generation.begin(out)
    first.path("a.txt").write_text("first")
    first.publish()
    committed = fsio.Generation.begin(out)  # committed, killed before the switch
    committed.path("a.txt").write_text("second")
    stray = fsio.Generation.begin(out)  # killed while writing
    stray.path("a.txt").write_text("thi")
    os.symlink("x", out / ".a.txt.link.tmp")
    assert (out / "a.txt").read_text() == "first"
    fsio.recover(out, committed.name, ["a.txt"])
    assert (out / "a.txt").read_text() == "second"
    assert leftovers(out) == []


def test_plain_files_of_an_older_version_are_adopted_unchanged(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "report.html").write_text("<p>old</p>")
    (out / "reviews.json").write_text("{}")
    fsio.recover(out, None, outputs.NAMES)
    assert (out / "report.html").is_symlink() and (out / "report.html").read_text() == \
        "<p>old</p>"
    assert (out / "reviews.json").read_text() == "{}"
    assert fsio.current_generation(out) == "1"


def test_a_generation_keeps_the_name_users_open(tmp_path):
    write_run(tmp_path)
    html = (tmp_path / "report.html").resolve()
    assert html.parent.parent.name == fsio.GENERATIONS
    assert (tmp_path / "report.html").read_text().rstrip().endswith("</html>")
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith(".")) == \
        sorted([*render.FILES, *render.FOLDERS, store.DB_NAME])


def test_a_rewrite_that_changes_nothing_keeps_the_published_generation(tmp_path):
    write_run(tmp_path)
    before = os.readlink(tmp_path / fsio.CURRENT)
    with fsio.locked(tmp_path):
        review.rerender(tmp_path)  # the same decisions: every file reused whole
    assert os.readlink(tmp_path / fsio.CURRENT) == before
    assert leftovers(tmp_path) == []
    with store.open_store(tmp_path) as db:
        assert db.meta()[outputs.GENERATION] == before.rsplit("/", 1)[1]


def test_a_run_from_scratch_that_writes_the_published_files_keeps_their_generation(tmp_path):
    # a fresh clone of a repository with out/ committed has no claim store: the run redoes
    # everything, and what it writes byte for byte the same must leave out/ (and git) as is
    write_run(tmp_path)
    before = os.readlink(tmp_path / fsio.CURRENT)
    (tmp_path / store.DB_NAME).unlink()
    write_run(tmp_path)
    assert os.readlink(tmp_path / fsio.CURRENT) == before
    assert leftovers(tmp_path) == []


def test_a_run_from_scratch_with_other_bytes_switches(tmp_path):
    write_run(tmp_path)
    before = os.readlink(tmp_path / fsio.CURRENT)
    generation = tmp_path / before
    target = generation / "claims.jsonl"
    data = target.read_bytes()
    target.unlink()  # not the bytes the run writes: the next run must publish its own
    target.write_bytes(data + b"\n")
    (tmp_path / store.DB_NAME).unlink()
    write_run(tmp_path)
    assert os.readlink(tmp_path / fsio.CURRENT) != before
    assert (tmp_path / "claims.jsonl").read_bytes() == data


def test_a_reader_sees_the_committed_run_before_its_switch(tmp_path, monkeypatch):
    """Killed after committing a decision, before switching: ``out`` still shows the previous
    run, whole; ``claims review`` (which reads without the lock) lists the committed run's
    findings with its decisions; the next locked command switches."""
    write_run(tmp_path)
    before = visible(tmp_path)
    with monkeypatch.context() as patch:
        patch.setattr(fsio.Generation, "publish", lambda self: None)  # killed right there
        review.record(tmp_path, "f-contra", "dismissed", "same round")
    assert visible(tmp_path) == before and "reviews.json" not in before
    shown, reviewed, _ = review.open_findings(tmp_path)
    assert reviewed == 1 and "f-contra" not in {f.id for f in shown}
    review.record(tmp_path, "f-recon", "confirmed")
    assert json.loads((tmp_path / "reviews.json").read_text())["reviews"].keys() == {
        "f-contra", "f-recon"}
    assert leftovers(tmp_path) == []


def test_a_stale_named_copy_is_removed_a_live_one_kept(tmp_path):
    """Where the file system has no unnamed files, ``claims add`` copies to a hidden name it
    holds a lock on: the next command removes a copy nobody holds (its writer was killed),
    never one a running add is writing."""
    import fcntl

    from pipeline import corpus

    stale = tmp_path / f"{corpus.ADD_TEMP_PREFIX}dead{corpus.ADD_TEMP_SUFFIX}"
    stale.write_text("half an arti")
    live = tmp_path / f"{corpus.ADD_TEMP_PREFIX}live{corpus.ADD_TEMP_SUFFIX}"
    live.write_text("being written")
    with open(live, "rb") as held:
        fcntl.flock(held.fileno(), fcntl.LOCK_EX)
        assert corpus.remove_stale_copies(tmp_path) == [stale.name]
    assert not stale.exists() and live.exists()


# --------------------------------------------------------------------------- kill tests


def test_a_decision_killed_at_any_write_step_leaves_one_generation(tmp_path):
    """``claims review ID --dismiss`` killed at each write step: reviews.json and every
    output are all old or all new; the decision, made again, completes."""
    start = tmp_path / "start"
    write_run(start / "out")

    def decide(folder: Path) -> None:
        review.record(folder / "out", "f-contra", "dismissed", "same round")

    def check(folder: Path, code: int | None, closer: bool) -> None:
        if closer:
            decide(folder)  # the next command recovers and completes
            assert visible(folder / "out") == new_view[0]
            assert leftovers(folder / "out") == []

    new_view: list[dict[str, bytes]] = []
    whole = tmp_path / "whole-ref"
    shutil.copytree(start, whole, symlinks=True)
    decide(whole)
    new_view.append(visible(whole / "out"))
    old, new, seen = killed_everywhere(start, decide, tmp_path, check=check)
    assert new == new_view[0] and "reviews.json" in new and "reviews.json" not in old
    assert seen[0] == "old" and seen[-1] == "new"


def test_a_decision_interrupted_at_any_write_step_exits_130_and_leaves_one_generation(
        tmp_path):
    from pipeline.cli import main

    start = tmp_path / "start"
    write_run(start / "out")

    def decide(folder: Path) -> None:
        import sys

        sys.argv = ["claims", "review", "f-contra", "--dismiss", "--out", str(folder / "out")]
        main()

    def check(folder: Path, code: int | None, closer: bool) -> None:
        assert code == 130
        assert leftovers(folder / "out") == []  # an interrupt cleans up after itself

    _, _, seen = killed_everywhere(start, decide, tmp_path, how="interrupt", check=check)
    assert seen[0] == "old" and seen[-1] == "new"


ADDED = ("Acme Robotics valuation cut\n\nA filing shows Acme Robotics was valued at "
         "$9 billion in its latest round, far above earlier reports.\n")


@pytest.mark.model
@pytest.mark.parametrize(("how", "named", "every"), [
    ("kill", False, 1), ("kill", True, 2), ("interrupt", False, 3),
], ids=["kill", "kill-named-temp", "interrupt"])
def test_add_stopped_at_any_write_step_is_finished_by_the_next_command(
        tmp_path, monkeypatch, rules, how, named, every):
    """``claims add`` killed (or interrupted) at each write step — the copy, the journal, the
    link, the run: the corpus holds the article whole or not at all, the outputs are one
    generation, and the next ``claims add`` of the same file (or ``claims extract``) finishes
    the job and reports the add's new findings. ``named``: on a file system without unnamed
    files, the copy has a hidden temporary name, which the next command removes."""
    from pipeline import api, corpus
    from pipeline.extract import process

    if named:
        monkeypatch.setattr(corpus, "_unnamed", lambda root: None)
    nlp = process.load_pipeline(rules)
    monkeypatch.setattr(process, "load_pipeline", lambda *_a, **_k: nlp)
    start = tmp_path / "start"
    shutil.copytree(DATA / "tiny", start / "corpus")
    api.extract(start / "corpus", out=start / "out", rules_dir=ROOT / "rules")
    source = tmp_path / "delta.txt"
    source.write_text(ADDED)
    names = sorted(p.name for p in (start / "corpus").iterdir())

    def add(folder: Path) -> api.AddResult:
        return api.add([source], corpus=folder / "corpus", out=folder / "out",
                       rules_dir=ROOT / "rules")

    whole = tmp_path / "whole-ref"
    shutil.copytree(start, whole, symlinks=True)
    reference = add(whole)
    expected_new = sorted(f.id for f in reference.new_findings)
    assert expected_new, "the added article brings new findings"

    def check(folder: Path, code: int | None, closer: bool) -> None:
        corpus = folder / "corpus"
        now = sorted(p.name for p in corpus.iterdir() if not p.name.startswith("."))
        assert now in (names, sorted([*names, "delta.txt"]))  # never delta-2.txt
        placed = now != names
        if placed:
            assert (corpus / "delta.txt").read_text() == ADDED  # whole, never part of it
        if how == "interrupt":
            assert code == 130
            assert [p.name for p in corpus.iterdir() if p.name.startswith(".")] == []
        if not closer:
            return
        with store.open_store(folder / "out") as db:
            journaled = bool(api.pending_adds(db.meta()))
        # placed and no journal: the add's run committed (its findings are in the outputs)
        interrupted = placed and journaled
        if folder.name.endswith(("1", "4", "7")):
            again = api.extract(corpus, out=folder / "out", rules_dir=ROOT / "rules")
            finished = again.journaled
            new = sorted(again.new_findings)
            expected = expected_new if interrupted or not placed else []
        else:
            result = add(folder)
            assert [p.name for p in result.added] == ([] if placed else ["delta.txt"])
            finished = [p.name for p in result.finished]
            new = sorted(f.id for f in result.new_findings)
            expected = [] if placed and not interrupted else expected_new
        assert finished == (["delta.txt"] if interrupted else [])
        if placed or not folder.name.endswith(("1", "4", "7")):
            assert new == expected
        else:  # nothing to finish: the article is added now
            assert new == [] and [p.name for p in add(folder).added] == ["delta.txt"]
        assert sorted(p.name for p in corpus.iterdir()) == sorted([*names, "delta.txt"])
        assert leftovers(folder / "out") == []
        assert visible(folder / "out") == visible(whole / "out")

    _, new, seen = killed_everywhere(start, add, tmp_path, how=how, check=check, every=every)
    assert new == visible(whole / "out")
    assert seen[0] == "old" and seen[-1] == "new"
