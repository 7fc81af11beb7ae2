"""Every error path ends in one ``Error:`` line and a documented exit code (issue 20, item 5):
a full disk or a file size limit while writing, a claim store that cannot be written, a note
that is not UTF-8, a reader that closes the pipe early. Nothing is half-written meanwhile.

These use the sample run of ``tests/conftest.py`` (no spaCy model): a review decision writes
every output file, as a run does.
"""

from __future__ import annotations

import errno
import os
import resource
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline import fsio
from pipeline.cli import app
from pipeline.render import outputs
from pipeline.state import store
from tests.conftest import ROOT, write_run

runner = CliRunner()


def visible(out: Path) -> dict[str, bytes]:
    """Every output name's bytes (a folder's pages as FOLDER/PAGE)."""
    seen = {}
    for name in outputs.NAMES:
        if (out / name).is_dir():
            seen.update((f"{name}/{page.name}", page.read_bytes())
                        for page in sorted((out / name).iterdir()))
        elif (out / name).exists():
            seen[name] = (out / name).read_bytes()
    return seen


def untouched(out: Path, before: dict[str, bytes]) -> None:
    """The folder shows what it showed, and the failed write left nothing behind."""
    assert visible(out) == before
    assert [p.name for p in (out / fsio.GENERATIONS).iterdir()] == [
        fsio.current_generation(out)]
    assert not [p for p in out.iterdir() if p.name.endswith(fsio.TMP_SUFFIX)]


def cli(*args: str | bytes, limit: int | None = None) -> subprocess.CompletedProcess[bytes]:
    """The CLI in a child process, optionally under ``ulimit -f`` (``limit`` bytes)."""
    def set_limit() -> None:
        if limit is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return subprocess.run([sys.executable, "-m", "pipeline.cli", *args], cwd=ROOT,
                          capture_output=True, timeout=120, preexec_fn=set_limit)


def one_error_line(stderr: bytes) -> str:
    lines = stderr.decode().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), lines
    assert "Traceback" not in lines[0]
    return lines[0]


def test_a_file_size_limit_during_the_write_is_one_error_line(tmp_path):
    """``ulimit -f`` below the size of the report's pages (about 22 KB): EFBIG from the
    write."""
    write_run(tmp_path)
    before = visible(tmp_path)
    # another reader holds the store open, so its 32 KB WAL index exists already: SQLite
    # would create it (and fail) under a limit this low; the outputs are what is tested
    holder = sqlite3.connect(tmp_path / store.DB_NAME)
    try:
        holder.execute("SELECT count(*) FROM meta").fetchone()
        result = cli("review", "f-contra", "--dismiss", "--out", str(tmp_path), limit=20_000)
    finally:
        holder.close()
    assert result.returncode == 1
    line = one_error_line(result.stderr)
    assert "File too large" in line and "ulimit -f" in line
    assert "the output folder still shows the previous run, whole" in line
    untouched(tmp_path, before)
    assert cli("review", "f-contra", "--dismiss", "--out", str(tmp_path)).returncode == 0


@pytest.mark.parametrize("where", ["write", "copy_file_range"])
def test_a_full_disk_during_the_write_is_one_error_line(tmp_path, monkeypatch, where):
    write_run(tmp_path)
    before = visible(tmp_path)
    real = getattr(os, where)

    def full(fd, *args, **kwargs):
        if "/.generations/" in os.readlink(f"/proc/self/fd/{fd}"):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real(fd, *args, **kwargs)

    monkeypatch.setattr(os, where, full)
    result = runner.invoke(app, ["review", "f-contra", "--dismiss", "--out", str(tmp_path)])
    assert result.exit_code == 1
    assert result.output.count("\n") == 1
    assert result.output.startswith("Error: cannot write ")
    assert "No space left on device (the disk is full: free some space" in result.output
    untouched(tmp_path, before)


def test_a_claim_store_that_cannot_be_written_is_one_error_line(tmp_path):
    """The store's first write fails (here: ``ulimit -f`` of one byte): not "delete it"."""
    write_run(tmp_path)
    before = visible(tmp_path)
    result = cli("review", "f-contra", "--dismiss", "--out", str(tmp_path), limit=1)
    assert result.returncode == 1
    line = one_error_line(result.stderr)
    assert line.startswith(f"Error: cannot use the claim store {tmp_path / store.DB_NAME}")
    assert "ulimit -f" in line and "delete it" not in line
    untouched(tmp_path, before)


@pytest.mark.parametrize(("error", "hint"), [
    (sqlite3.OperationalError("database or disk is full"), "the disk is full"),
    (sqlite3.DatabaseError("file is not a database"), "delete it; the next run rebuilds it"),
    (sqlite3.OperationalError("attempt to write a readonly database"), "permissions"),
], ids=["full", "not-a-database", "read-only"])
def test_claim_store_errors_say_what_to_do(tmp_path, error, hint):
    assert hint in str(store.store_error(tmp_path / store.DB_NAME, error))


def test_a_full_disk_in_a_store_transaction_is_an_output_error(tmp_path, monkeypatch):
    write_run(tmp_path)

    def full(self, change):
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(store.Store, "update_state", full)
    before = visible(tmp_path)
    result = runner.invoke(app, ["review", "f-contra", "--dismiss", "--out", str(tmp_path)])
    assert result.exit_code == 1 and result.output.count("\n") == 1
    assert result.output.startswith("Error: cannot use the claim store")
    assert "the disk is full" in result.output
    untouched(tmp_path, before)


def test_a_note_that_is_not_utf8_is_one_error_line(tmp_path):
    """A terminal in another encoding passes bytes that are not UTF-8."""
    write_run(tmp_path)
    before = visible(tmp_path)
    result = cli(b"review", b"f-contra", b"--dismiss", b"--note", b"caf\xe9 round",
                 b"--out", os.fsencode(tmp_path))
    assert result.returncode == 1
    assert one_error_line(result.stderr) == (
        "Error: the note is not valid UTF-8 text (it has the bytes \\xe9) (write it in UTF-8 "
        "(check your terminal's encoding); nothing was recorded)")
    untouched(tmp_path, before)
    assert "reviews.json" not in before


def test_a_closed_pipe_ends_the_listing_quietly(tmp_path):
    """``claims review | head -1``: the reader goes away; exit 0, nothing on stderr."""
    write_run(tmp_path)
    proc = subprocess.Popen([sys.executable, "-m", "pipeline.cli", "review", "--out",
                             str(tmp_path)], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # before the command prints anything: every write fails (EPIPE)
    stderr = proc.stderr.read()
    assert proc.wait(timeout=60) == 0
    assert stderr == b""


def test_head_reads_the_first_line_of_a_listing(tmp_path):
    write_run(tmp_path)
    shell = subprocess.run(
        f"set -o pipefail; {sys.executable} -m pipeline.cli review --out {tmp_path} | head -1",
        shell=True, executable="/bin/bash", cwd=ROOT, capture_output=True, text=True,
        timeout=60)
    assert shell.returncode == 0, shell.stderr
    assert shell.stdout == (f"3 open findings in {tmp_path} (0 reviewed; 2 repaired-text "
                            "finding(s) not shown: --kind garbled lists them)\n")
    assert shell.stderr == ""


def test_ctrl_c_is_one_line_and_exit_130(tmp_path, monkeypatch):
    from pipeline import review

    write_run(tmp_path)

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(review, "rerender", interrupted)
    result = runner.invoke(app, ["review", "f-contra", "--dismiss", "--out", str(tmp_path)])
    assert result.exit_code == 130
    assert result.output == (
        "Interrupted: the output folder shows one complete run, the previous one or this one "
        "if it got to switch to its files; run the command again to finish\n")
