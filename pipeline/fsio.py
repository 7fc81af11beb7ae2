"""File-system helpers used by the API: atomic writes and the output-folder lock."""

from __future__ import annotations

import contextlib
import fcntl
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from pipeline.errors import OutputError


def atomic_write(path: Path, data: str | bytes) -> None:
    """Write ``data`` to ``path`` via a temporary file in the same folder and a rename.

    A reader (or a run killed mid-write) sees either the old complete file or the new one.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


@contextlib.contextmanager
def locked(out: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``out/.lock`` for the duration of a run."""
    try:
        out.mkdir(parents=True, exist_ok=True)
        handle = open(out / ".lock", "a+")  # noqa: SIM115 - closed below
    except OSError as exc:
        raise OutputError(f"cannot write to output folder {out}: {exc.strerror}",
                          hint="pass --out DIR with a writable folder") from None
    try:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise OutputError(f"another claims run is using {out}",
                              hint="wait for it to finish, or pass a different --out") from None
        yield
    finally:
        handle.close()
