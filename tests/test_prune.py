"""Removing an output folder's older generations (:func:`pipeline.fsio.prune`): a large one
is handed to a detached process (an add at 10,000 articles spent 0.2-0.7 s unlinking the
old generation's report pages), which holds neither the folder's lock nor the caller's
output; a removal cut short is finished by the next prune."""

from __future__ import annotations

import os
import time
from pathlib import Path

from pipeline import fsio


def _generation(out: Path, name: str, pages: int) -> Path:
    folder = out / fsio.GENERATIONS / name
    (folder / "report").mkdir(parents=True)
    (folder / "report.html").write_text(f"generation {name}\n")
    for i in range(pages):
        (folder / "report" / f"page-{i}.html").write_text(f"page {i} of {name}\n")
    return folder


def _published(out: Path, name: str) -> None:
    os.symlink(f"{fsio.GENERATIONS}/{name}", out / fsio.CURRENT)
    os.symlink(f"{fsio.CURRENT}/report.html", out / "report.html")


def _gone(root: Path, timeout: float = 20.0) -> list[str]:
    """The names left in ``root`` once the detached removal ended (or ``timeout`` passed)."""
    end = time.monotonic() + timeout
    while True:
        names = sorted(os.listdir(root))
        if len(names) == 1 or time.monotonic() > end:
            return names
        time.sleep(0.05)


def test_a_large_old_generation_is_removed_by_a_detached_process(tmp_path, monkeypatch):
    out = tmp_path / "out"
    _generation(out, "1", 30)
    _generation(out, "2", 30)
    _published(out, "2")
    monkeypatch.setattr(fsio, "DETACHED_REMOVAL", 10)
    here = os.getpid()
    removers: list[int] = []
    rmtree = fsio.shutil.rmtree

    def watched(path, **kwargs):
        removers.append(os.getpid())
        rmtree(path, **kwargs)

    monkeypatch.setattr(fsio.shutil, "rmtree", watched)
    with fsio.locked(out):
        fsio.prune(out)
        # out of the way at once: no longer a generation, still inside the folder
        assert fsio.GENERATIONS + "/1" not in {
            f"{fsio.GENERATIONS}/{n}" for n in os.listdir(out / fsio.GENERATIONS)}
    assert here not in removers  # not by this process
    # the remover holds no copy of the lock: the next run takes it at once
    with fsio.locked(out):
        pass
    assert _gone(out / fsio.GENERATIONS) == ["2"]
    assert (out / "report.html").read_text() == "generation 2\n"


def test_a_small_old_generation_is_removed_in_the_run(tmp_path):
    out = tmp_path / "out"
    _generation(out, "1", 3)
    _generation(out, "2", 3)
    _published(out, "2")
    fsio.prune(out)
    assert os.listdir(out / fsio.GENERATIONS) == ["2"]


def test_a_removal_cut_short_is_finished_by_the_next_prune(tmp_path):
    out = tmp_path / "out"
    _generation(out, "2", 3)
    _published(out, "2")
    left = _generation(out, fsio.GONE + "1", 2)  # a remover killed half way
    (left / "report" / "page-0.html").unlink()
    fsio.prune(out)
    assert os.listdir(out / fsio.GENERATIONS) == ["2"]
    # and a new generation is numbered after the published one, not after the leftover
    assert fsio.Generation.begin(out).name == "3"
