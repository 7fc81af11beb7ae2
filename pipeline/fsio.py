"""File-system helpers used by the API: bounded reads, atomic writes, the output-folder lock.

Stages never touch files; :mod:`pipeline.api` reads articles and writes outputs through these.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import stat
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from pipeline.errors import ArticleError, OutputError

TMP_SUFFIX = ".tmp"
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
"""Article files larger than this are skipped unread (``--max-bytes``)."""


def shown_name(rel: str) -> str:
    """A file name (relative to the corpus, "/" separators) as every output and the terminal
    show it: bytes that are not UTF-8 (Python keeps them as lone surrogates, which no output
    can encode) as ``\\xff``, and characters that are not printable (C0 and C1 controls, bidi
    overrides, line separators, other invisible format characters) as ``\\x1b``,
    ``\\u202e``: a name is data, and can neither break an output format nor add lines or
    escape sequences to a terminal.
    """
    text = rel.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii")
                   for c in text)


def read_article(path: Path, rel: str, *, max_bytes: int, root: Path | None = None) -> bytes:
    """Read one article file, refusing anything over ``max_bytes`` without reading it whole.

    The size is checked before reading, and the read itself stops at ``max_bytes + 1`` bytes,
    so a file that grows meanwhile (or a device that lies about its size) cannot exhaust
    memory. Non-regular files (FIFOs, devices) are refused: reading them could block forever.
    With ``root`` (the corpus folder), a symlink leading outside it is refused: a corpus
    unpacked from elsewhere must not pull local files (``~/.ssh/id_rsa.txt``) into a report.
    """
    too_big_hint = "split it, or raise --max-bytes"
    if root is not None and not _inside(path, root):
        raise ArticleError(rel, "symlink to a file outside the corpus folder",
                           hint="copy the file into the corpus instead of linking it")
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            raise ArticleError(rel, not_regular(info.st_mode), hint="remove it from the corpus")
        if info.st_size > max_bytes:
            raise ArticleError(rel, f"file is {info.st_size:,} bytes, over the {max_bytes:,}-byte "
                               "limit", hint=too_big_hint)
        # non-blocking, and checked again on the open file: a FIFO swapped in after the
        # stat above must not hang the run
        flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
        with open(os.open(path, flags), "rb") as handle:
            mode = os.fstat(handle.fileno()).st_mode
            if not stat.S_ISREG(mode):
                raise ArticleError(rel, not_regular(mode), hint="remove it from the corpus")
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        reason, hint = read_problem(exc)
        raise ArticleError(rel, reason, hint=hint) from None
    if len(data) > max_bytes:
        raise ArticleError(rel, f"file is over the {max_bytes:,}-byte limit", hint=too_big_hint)
    return data


def file_kind(mode: int) -> str:
    """What a file that is not a regular one is: ``a FIFO (named pipe)``, ``a socket``..."""
    for test, kind in ((stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISSOCK, "a socket"),
                       (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
                       (stat.S_ISDIR, "a folder")):
        if test(mode):
            return kind
    return "a special file"


def not_regular(mode: int) -> str:
    """The reason a file of this mode is not read: ``not a regular file: a socket``."""
    return f"not a regular file: {file_kind(mode)}"


def read_problem(exc: OSError) -> tuple[str, str]:
    """What went wrong reading a file, and what to do: ``(reason, hint)`` for an
    :class:`ArticleError` (a permission hint only for a permission error)."""
    if exc.errno == errno.ENOENT:
        return "no such file", "check the path"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return f"cannot read: {exc.strerror}", "check the file's permissions"
    if exc.errno == errno.ELOOP:
        return "symlink loop", "remove the link or point it at a file"
    if exc.errno == errno.EISDIR:
        return "is a folder", "name the articles in it, or the folder itself"
    return f"cannot read: {exc.strerror or exc}", "check the file"


def _inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root.resolve())
    except (ValueError, OSError, RuntimeError):
        return False
    return True


def default_mode() -> int:
    """``0o666`` less the umask; read from /proc where possible, since setting the umask to
    read it races with other threads creating files."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return 0o666 & ~int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    umask = os.umask(0o022)
    os.umask(umask)
    return 0o666 & ~umask


@dataclass
class Replacement:
    """The new file of :func:`replacing` (unbuffered); set ``discard`` to keep the old one."""

    file: BinaryIO
    discard: bool = False

    def write(self, data: bytes) -> None:
        """Write all of ``data`` (an unbuffered write may take only part of it)."""
        view = memoryview(data)
        while view:
            view = view[self.file.write(view) or 0:]


@contextlib.contextmanager
def replacing(path: Path) -> Iterator[Replacement]:
    """A new version of ``path``, put in its place atomically when the block ends.

    It is written to a temporary file in the same folder, given the old file's permissions (or
    the umask's default for a new file: ``mkstemp`` alone would make it owner-only), flushed
    to disk and renamed over ``path``. A reader (or a run killed mid-write) sees either the
    old complete file or the new one; a killed run can leave a ``.NAME.*.tmp`` file, which
    the next locked run removes (:func:`remove_stale_temps`). When the block raises, or sets
    ``discard``, the temporary file is removed and ``path`` stays as it was.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        mode = default_mode()
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=TMP_SUFFIX)
    try:
        with os.fdopen(fd, "wb", buffering=0) as handle:
            new = Replacement(handle)
            yield new
            if not new.discard:
                os.fchmod(handle.fileno(), mode)
                os.fsync(handle.fileno())
        if new.discard:
            os.unlink(tmp)
            return
        os.replace(tmp, path)
        fsync_dir(path.parent)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def atomic_write(path: Path, data: str | bytes) -> None:
    """Write ``data`` to ``path`` atomically (see :func:`replacing`)."""
    with replacing(path) as new:
        new.write(data.encode("utf-8") if isinstance(data, str) else data)


def fsync_dir(folder: Path) -> None:
    """Make a rename durable (best effort: some file systems cannot fsync a folder)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def remove_stale_temps(out: Path) -> list[Path]:
    """Delete temporary files a killed run left in ``out`` (call only while holding the lock)."""
    removed: list[Path] = []
    for tmp in sorted(out.glob(f".*{TMP_SUFFIX}")):
        if tmp.is_file() and not tmp.is_symlink():
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()
                removed.append(tmp)
    return removed


@contextlib.contextmanager
def locked(out: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``out/.lock`` for the duration of a run.

    A second run on the same folder fails at once with :class:`OutputError` instead of
    waiting or interleaving its writes. The lock is an ``flock``: the kernel releases it when
    the process dies, even by ``kill -9``, so there is never a stale lock to clean up. Once
    the lock is held, temporary files left by a killed run are removed.
    """
    try:
        out.mkdir(parents=True, exist_ok=True)
        # never through a symlink: a planted out/.lock -> ~/.bashrc must not be opened
        fd = os.open(out / ".lock", os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0),
                     0o644)
    except OSError as exc:
        raise OutputError(f"cannot write to output folder {out}: {exc.strerror}",
                          hint="pass --out DIR with a writable folder") from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise OutputError(f"another claims run is using {out}",
                              hint="wait for it to finish, or pass a different --out") from None
        remove_stale_temps(out)
        yield
    finally:
        os.close(fd)
