"""Output files as sequences of signed pieces, rewritten by reusing unchanged bytes.

A writer describes a file as an ordered sequence of :class:`Piece` objects: a key (unique in
the file), a *signature* (a string that changes whenever the piece's text would change) and
a function that renders the text. :func:`compose` writes the file atomically (temporary file,
fsync, rename; or as a new file of a new generation of the output folder); a piece whose key
and signature are the same as in the previous version of the file is not rendered but copied
from the old file by the kernel (``copy_file_range``).
The :class:`Layout` it returns (keys, signature digests, lengths, the file's identity) is kept
in the claim store for the next run.

Rendering every piece gives the same bytes as reusing: the reuse is only as good as the
signatures, so a signature must cover everything the text depends on, except what is implied
by a content-derived id under the same run fingerprint (a claim id fixes the claim; a
document id fixes the document's text, not its path).
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import itertools
import marshal
import os
import signal
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from pipeline.fsio import creating, replacing

LAYOUT_FORMAT = 1


class Piece(NamedTuple):
    """A piece of an output file (a tuple: a file can have hundreds of thousands)."""

    key: str
    sig: str
    render: Callable[[], str]


def sig(*parts: object) -> str:
    """A signature made of ``repr`` of each part (floats, None, tuples all repr exactly)."""
    return "\x1f".join(map(repr, parts))


DIGEST_SIZE = 12


def _digest(signature: str) -> bytes:
    return hashlib.blake2b(signature.encode("utf-8", "surrogatepass"),
                           digest_size=DIGEST_SIZE).digest()


@dataclass(frozen=True)
class Layout:
    """Where each piece of a written file is: keys, signature digests and byte lengths."""

    version: str
    identity: tuple[int, int, int]  # (size, mtime_ns, inode) of the file as written
    keys: list[str]
    digests: bytes  # DIGEST_SIZE bytes a piece, in order
    lengths: list[int]

    def dumps(self) -> bytes:
        return marshal.dumps((LAYOUT_FORMAT, self.version, self.identity, self.keys,
                              self.digests, self.lengths))

    @classmethod
    def loads(cls, data: bytes) -> Layout | None:
        """The layout, or None when ``data`` is not one this code wrote."""
        try:
            fmt, version, identity, keys, digests, lengths = marshal.loads(data)
        except (ValueError, EOFError, TypeError):
            return None
        if fmt != LAYOUT_FORMAT or len(digests) != DIGEST_SIZE * len(keys) \
                or len(keys) != len(lengths):
            return None
        return cls(version, tuple(identity), keys, digests, lengths)  # type: ignore[arg-type]


def identity(st: os.stat_result) -> tuple[int, int, int]:
    """What :attr:`Layout.identity` holds of a file's ``stat``."""
    return (st.st_size, st.st_mtime_ns, st.st_ino)


def usable(layout: Layout | None, path: Path, version: str) -> Layout | None:
    """``layout`` when ``path`` is still exactly the file it describes, else None."""
    if layout is None or layout.version != version:
        return None
    try:
        current = identity(path.stat())
    except OSError:
        return None
    if current != layout.identity or sum(layout.lengths) != current[0]:
        return None
    return layout


@dataclass
class Stats:
    rendered: int = 0
    reused: int = 0
    bytes_rendered: int = 0
    bytes_reused: int = 0


class Flusher:
    """New files flushed to disk by a few threads while their writer goes on with the next
    ones (``fsync`` waits on the disk, not on this process, and concurrent flushes share the
    file system's journal commits). :meth:`wait` returns once every file handed over is on
    disk, and raises the first error met as :class:`FlushError`."""

    THREADS = 4

    def __init__(self) -> None:
        self._pool: ThreadPoolExecutor | None = None
        self._jobs: list[tuple[Path, Future[None]]] = []

    def add(self, path: Path) -> None:
        """Flush the file at ``path`` to disk (through a descriptor of its own: ``fsync``
        flushes the file, whichever descriptor wrote it)."""
        if self._pool is None:
            self._pool = ThreadPoolExecutor(self.THREADS, thread_name_prefix="claims-flush",
                                            initializer=_signals_to_main_thread)
        self._jobs.append((path, self._pool.submit(_flush, path)))

    def wait(self) -> None:
        """Return once every file is on disk; :class:`FlushError` for the first that could
        not be flushed (the others are waited for all the same)."""
        failed: FlushError | None = None
        try:
            for path, job in self._jobs:
                try:
                    job.result()
                except OSError as exc:
                    failed = failed or FlushError(path, exc)
        finally:
            self._jobs = []
            if self._pool is not None:
                self._pool.shutdown(wait=True)
                self._pool = None
        if failed is not None:
            raise failed


class FlushError(Exception):
    """A file :class:`Flusher` could not flush to disk (a full disk found late...)."""

    def __init__(self, path: Path, error: OSError) -> None:
        super().__init__(f"{path}: {error}")
        self.path = path
        self.error = error


def _signals_to_main_thread() -> None:
    """Block Ctrl-C (and a polite kill) in a flushing thread, so that the kernel hands them to
    the main thread, where Python runs its handlers at once (one that reaches another
    thread may wait there unseen until the run ends)."""
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})


def _flush(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)




def compose(path: Path, pieces: Iterable[Piece], *, version: str,
            previous: Layout | None = None, stats: Stats | None = None,
            into: Path | None = None, real: bool = False,
            flusher: Flusher | None = None) -> Layout:
    """Write the pieces to ``path`` atomically, reusing unchanged pieces of the old file.

    Keys should be unique; a repeated key is still safe (bytes are reused only for an
    equal signature digest, and equal signatures render equal text).

    ``previous`` is the layout returned when the file was last written; it is ignored when
    the file changed since (size, mtime, inode) or ``version`` (the writers' code) differs.

    ``into``: write the new version as this new file instead (in a new generation of an
    output folder, :class:`pipeline.fsio.Generation`), ``path`` being the old version; a
    file whose every piece is unchanged is hard-linked there, not copied. ``real``: ``path``
    is its real path already (no symlink in it: a page of a folder resolved once), so the
    link is made to it without resolving it again. ``flusher`` (with ``into``): the new file
    is flushed to disk by it (the caller waits for it), not before this returns.
    """
    stats = stats if stats is not None else Stats()
    old = usable(previous, path, version)
    items = list(pieces)
    keys = [p[0] for p in items]
    blake2b = hashlib.blake2b
    digests = [blake2b(p[1].encode("utf-8", "surrogatepass"), digest_size=DIGEST_SIZE).digest()
               for p in items]
    if old is not None and into is not None and keys == old.keys \
            and b"".join(digests) == old.digests:  # unchanged: linked without opening it
        os.link(path if real else os.path.realpath(path), into)
        stats.reused += len(items)
        stats.bytes_reused += old.identity[0]
        return old
    # where each piece is in the old file (-1: render it)
    where = [-1] * len(items)
    offsets: list[int] = []
    if old is not None:
        size = DIGEST_SIZE
        old_digests = [old.digests[i:i + size] for i in range(0, len(old.digests), size)]
        at = dict(zip(old.keys, enumerate(old_digests), strict=True))
        where = [hit[0] if hit is not None and hit[1] == digest else -1
                 for hit, digest in zip(map(at.get, keys), digests, strict=True)]
        offsets = list(itertools.accumulate(old.lengths, initial=0))
    lengths: list[int] = []
    writing = replacing(path) if into is None else creating(
        into, like=path, flushed_by=None if flusher is None else flusher.add)
    with writing as new, \
            (open(path, "rb") if old is not None else contextlib.nullcontext()) as src:
        out = new.file.fileno()
        source = src.fileno() if src is not None else -1  # copies come only from an old file
        texts: list[bytes] = []  # rendered, not written yet
        pending = 0
        copy_from, copy_len = 0, 0  # old bytes to copy, not copied yet
        rendered = bytes_rendered = 0
        for piece, i in zip(items, where, strict=True):
            if i >= 0:
                start, length = offsets[i], offsets[i + 1] - offsets[i]
                if copy_from + copy_len == start and copy_len:
                    copy_len += length
                else:
                    if copy_len:
                        _copy_range(source, out, copy_from, copy_len)
                    elif texts:
                        new.write(b"".join(texts))
                        texts, pending = [], 0
                    copy_from, copy_len = start, length
            else:
                if copy_len:
                    _copy_range(source, out, copy_from, copy_len)
                    copy_len = 0
                data = piece.render().encode("utf-8")
                length = len(data)
                texts.append(data)
                pending += length
                if pending > 1 << 22:
                    new.write(b"".join(texts))
                    texts, pending = [], 0
                rendered += 1
                bytes_rendered += length
            lengths.append(length)
        reused = len(items) - rendered
        # every piece in place: the file stays as it is, untouched
        new.discard = (old is not None and rendered == 0 and copy_from == 0
                       and copy_len == old.identity[0] and new.file.tell() == 0)
        if not new.discard:
            if copy_len:
                _copy_range(source, out, copy_from, copy_len)
            if texts:
                new.write(b"".join(texts))
    stats.reused += reused
    if new.discard:
        assert old is not None
        if into is not None:
            os.link(path if real else os.path.realpath(path), into)
        stats.bytes_reused += old.identity[0]
        return old
    stats.rendered += rendered
    stats.bytes_rendered += bytes_rendered
    stats.bytes_reused += sum(lengths) - bytes_rendered
    return Layout(version, identity((into or path).stat()), keys, b"".join(digests), lengths)


# copy_file_range cannot copy between these files: copy through memory instead
_NO_COPY_RANGE = frozenset({errno.EXDEV, errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP,
                            errno.ENOTSUP, errno.EBADF, errno.EPERM})


def _copy_range(src: int, dst: int, offset: int, length: int) -> None:
    """Copy ``length`` bytes at ``offset`` of ``src`` to the current end of ``dst``."""
    done = 0
    while done < length:
        try:
            n = os.copy_file_range(src, dst, length - done, offset + done)
        except OSError as exc:
            if exc.errno not in _NO_COPY_RANGE:  # a full disk, a file too large: raise
                raise
            # not supported across these file systems: copy through memory
            n = os.pwrite(dst, os.pread(src, min(length - done, 1 << 24), offset + done),
                          os.lseek(dst, 0, os.SEEK_CUR))
            os.lseek(dst, n, os.SEEK_CUR)
        if n == 0:
            raise OSError(f"unexpected end of file copying {length} bytes at {offset}")
        done += n


def text_of(pieces: Iterable[Piece]) -> str:
    """The whole text of a file (every piece rendered): what :func:`compose` writes."""
    return "".join(p.render() for p in pieces)
