"""File-system helpers used by the API: bounded reads, atomic writes, the output-folder lock.

Stages never touch files; :mod:`pipeline.api` reads articles and writes outputs through these.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import filecmp
import os
import shutil
import signal
import stat
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator
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


def write_error(path: Path, exc: OSError) -> OutputError:
    """An :class:`OutputError` for ``exc`` raised writing ``path``: what happened and what to
    do (a full disk, a file over the size limit of ``ulimit -f``, no permission)."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        hint = "the disk is full: free some space and run again"
    elif exc.errno == errno.EFBIG:
        hint = ("the file would be larger than this process may write (ulimit -f): raise the "
                "limit and run again")
    elif exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        hint = "check the folder's permissions, or pass --out DIR with a writable folder"
    else:
        hint = "fix the cause and run again"
    return OutputError(f"cannot write {path}: {exc.strerror or exc}",
                       hint=f"{hint}; the output folder still shows the previous run, whole")


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
        """Write all of ``data`` (a write may take only part of it)."""
        fd = self.file.fileno()
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]


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


@contextlib.contextmanager
def creating(path: Path, *, like: Path | None = None,
             flushed_by: Callable[[Path], None] | None = None) -> Iterator[Replacement]:
    """A new file at ``path`` (which must not exist; never through a symlink), flushed to disk
    when the block ends; removed when the block raises or sets ``discard``.

    It gets the permissions of ``like`` (the file it is a new version of) when that exists,
    else the umask's default. For a folder that no reader sees before it is complete (a new
    generation of an output folder, :class:`Generation`): no temporary name, no rename.
    ``flushed_by``: the complete file is handed to it to be flushed later (the caller waits
    for it before committing the generation) instead of flushed here.
    """
    try:
        mode = stat.S_IMODE(like.stat().st_mode) if like is not None else default_mode()
    except FileNotFoundError:
        mode = default_mode()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC,
                 0o600)
    try:
        with os.fdopen(fd, "wb", buffering=0) as handle:
            new = Replacement(handle)
            yield new
            if not new.discard:
                os.fchmod(handle.fileno(), mode)
                if flushed_by is None:
                    os.fsync(handle.fileno())
        if new.discard:
            os.unlink(path)
        elif flushed_by is not None:
            flushed_by(path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)
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
    """Delete temporary files (and symlinks) a killed run left in ``out`` (call only while
    holding the lock)."""
    removed: list[Path] = []
    for tmp in sorted(out.glob(f".*{TMP_SUFFIX}")):
        if tmp.is_dir() and not tmp.is_symlink():  # a folder set aside by adopt()
            shutil.rmtree(tmp, ignore_errors=True)
            removed.append(tmp)
        elif tmp.is_symlink() or tmp.is_file():
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()
                removed.append(tmp)
    return removed


# --------------------------------------------------------------------------- generations

GENERATIONS = ".generations"
CURRENT = ".current"


class Generation:
    """One complete set of an output folder's files, switched in as a whole.

    The files live in ``OUT/.generations/N/``; ``OUT/.current`` is a symlink to the folder of
    the generation readers see, and each file name in ``OUT`` a symlink through it
    (``OUT/report.html -> .current/report.html``), so ``out/report.html`` keeps working and
    one ``rename`` of ``.current`` switches every file at once. A reader, or a run killed at
    any moment (``kill -9`` included), sees every file of one complete generation, the old or
    the new, never a mix.

    A run writes a new generation into a fresh folder (:meth:`begin`), flushes it to disk
    (:meth:`seal`), commits (the caller records the generation's name in the claim store, with
    the run's state, in one transaction) and switches to it (:meth:`publish`), which removes
    the older generations. A generation that was never committed is removed (by the block of
    :func:`new_generation`, or by the next run's :func:`recover`); one committed but not yet
    published is published by the next run's :func:`recover`.
    """

    def __init__(self, out: Path, name: str) -> None:
        self.out = out
        self.name = name
        self.folder = out / GENERATIONS / name
        self.committed = False

    @classmethod
    def begin(cls, out: Path) -> Generation:
        """A new, empty generation of ``out`` (numbered after every one there)."""
        root = out / GENERATIONS
        root.mkdir(parents=True, exist_ok=True)
        numbers = [int(n) for n in os.listdir(root) if n.isdigit()]
        current = current_generation(out)
        if current is not None:
            numbers.append(int(current))
        gen = cls(out, str(max(numbers, default=0) + 1))
        gen.folder.mkdir()
        return gen

    def path(self, name: str) -> Path:
        """Where file ``name`` of this generation is written."""
        return self.folder / name

    def carry(self, name: str) -> bool:
        """Give this generation the file ``name`` as ``OUT/name`` shows it now (a hard link,
        no copy); False when there is none."""
        try:
            os.link(os.path.realpath(self.out / name), self.path(name))
        except FileNotFoundError:
            return False
        return True

    def repeats(self) -> str | None:
        """The name of the published generation when this one holds exactly its files, else
        None: every file hard-linked from it (a run that changed nothing) or byte for byte
        the same (a run from scratch, without a claim store, that wrote what is published,
        as on a fresh clone of a repository with its output committed)."""
        current = current_generation(self.out)
        if current is None:
            return None
        try:
            same = _same_tree(self.folder, self.out / GENERATIONS / current)
        except OSError:
            return None
        return current if same else None

    def seal(self) -> None:
        """Make the generation's folder durable (its files are flushed as they are
        written): after this, it may be committed."""
        fsync_dir(self.folder)
        fsync_dir(self.folder.parent)

    def publish(self) -> None:
        """Switch ``OUT`` to this generation and remove every other one."""
        publish(self.out, self.name)

    def discard(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


def _same_tree(mine: Path, theirs: Path) -> bool:
    """Whether the folders hold the same names and bytes (a file hard-linked from the other
    is the same; a folder, such as the report's pages, is compared the same way)."""
    names = sorted(os.listdir(mine))
    if names != sorted(os.listdir(theirs)):
        return False
    for name in names:
        a, b = os.stat(mine / name), os.stat(theirs / name)
        if stat.S_ISDIR(a.st_mode) or stat.S_ISDIR(b.st_mode):
            if not (stat.S_ISDIR(a.st_mode) and stat.S_ISDIR(b.st_mode)
                    and _same_tree(mine / name, theirs / name)):
                return False
            continue
        if a.st_ino == b.st_ino and a.st_dev == b.st_dev:
            continue
        if a.st_size != b.st_size or not filecmp.cmp(mine / name, theirs / name,
                                                     shallow=False):
            return False
    return True


@contextlib.contextmanager
def new_generation(out: Path) -> Iterator[Generation]:
    """A :class:`Generation` to write; removed when the block raises before it was committed
    (``generation.committed = True`` once the claim store records it)."""
    gen = Generation.begin(out)
    try:
        yield gen
    except BaseException:
        if not gen.committed:
            gen.discard()
        raise


def current_generation(out: Path) -> str | None:
    """The name of the generation ``OUT`` shows, or None (no generations yet)."""
    try:
        target = os.readlink(out / CURRENT)
    except OSError:
        return None
    folder, _, name = target.rpartition("/")
    return name if folder == GENERATIONS and name.isdigit() else None


def _link(out: Path, name: str, target: str) -> None:
    """Make ``OUT/name`` a symlink to ``target`` (atomically replacing what is there)."""
    link = out / name
    try:
        if os.readlink(link) == target:
            return
    except OSError:
        pass
    temp = out / f".{name}.link{TMP_SUFFIX}"
    with contextlib.suppress(FileNotFoundError):
        os.unlink(temp)
    os.symlink(target, temp)
    os.replace(temp, link)


def publish(out: Path, name: str) -> None:
    """Switch ``OUT`` to generation ``name`` (complete and durable) and remove the others.

    Each file of the generation gets its name in ``OUT`` first (a symlink through
    ``.current``; one that is new shows nothing until the switch), then ``.current`` is
    replaced by a symlink to the generation in one ``rename``.
    """
    folder = out / GENERATIONS / name
    for file in sorted(os.listdir(folder)):
        _link(out, file, f"{CURRENT}/{file}")
    _link(out, CURRENT, f"{GENERATIONS}/{name}")
    fsync_dir(out)
    prune(out)


def prune(out: Path) -> None:
    """Remove every generation but the one ``OUT`` shows (and stale temporary links).

    Each is first renamed out of the way (``.generations/.gone-N``: no longer a generation,
    still inside ``OUT``); when they hold more than :data:`DETACHED_REMOVAL` files in all
    (the report's pages of a large corpus: unlinking them took 0.2-0.7 s of an add) a
    detached process removes them, so the run does not wait; else they are removed here. A
    removal that was cut short (the process killed) is finished by the next prune.
    """
    current = current_generation(out)
    root = out / GENERATIONS
    try:
        names = sorted(os.listdir(root))
    except FileNotFoundError:
        return
    doomed: list[Path] = []
    for name in names:
        if name == current:
            continue
        path = root / name
        if not path.is_dir() or path.is_symlink():
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
            continue
        if not name.startswith(GONE):
            gone = root / f"{GONE}{name}"
            try:
                os.rename(path, gone)
            except OSError:  # (a leftover of that name: the next prune takes it)
                gone = path
            path = gone
        doomed.append(path)
    if not doomed:
        return
    if _file_count(doomed, DETACHED_REMOVAL) <= DETACHED_REMOVAL or not _remove_detached(doomed):
        for path in doomed:
            shutil.rmtree(path, ignore_errors=True)


GONE = ".gone-"
"""The prefix of a generation being removed (:func:`prune`)."""
DETACHED_REMOVAL = 400
"""From this many files in the generations :func:`prune` removes, a detached process does."""


def _file_count(folders: Iterable[Path], enough: int) -> int:
    """The files in ``folders`` and their sub-folders (one level), counted up to past
    ``enough``."""
    count = 0
    for folder in folders:
        with contextlib.suppress(OSError), os.scandir(folder) as entries:
            for entry in entries:
                count += 1
                if entry.is_dir(follow_symlinks=False):
                    with contextlib.suppress(OSError):
                        count += len(os.listdir(entry.path))
                if count > enough:
                    return count
    return count


def _remove_detached(folders: list[Path]) -> bool:
    """Remove ``folders`` in a detached process (double fork: it outlives this one, holds
    none of its descriptors, so neither the output folder's lock nor a pipe a caller reads
    this process's output from, and is reaped by init); False when none could be started."""
    if not hasattr(os, "fork"):
        return False
    try:
        pid = os.fork()
    except OSError:
        return False
    if pid == 0:  # the first child: lets go of every descriptor, starts the remover, ends
        status = 0
        try:
            os.setsid()
            # before the remover is forked: once this process is reaped, no copy is left
            os.closerange(0, _max_fd())
            fd = os.open(os.devnull, os.O_RDWR)
            for std in (0, 1, 2):
                if fd != std:
                    os.dup2(fd, std)
            if os.fork() == 0:  # the remover
                for folder in folders:
                    shutil.rmtree(folder, ignore_errors=True)
        except BaseException:  # noqa: BLE001 - nothing may escape a forked process
            status = 1
        finally:
            os._exit(status)
    try:
        _, status = os.waitpid(pid, 0)
    except ChildProcessError:
        return False
    return status == 0


def _max_fd() -> int:
    try:
        return max(os.sysconf("SC_OPEN_MAX"), 3)
    except (OSError, ValueError):
        return 1024


def adopt(out: Path, names: Iterable[str]) -> None:
    """Turn the plain files ``names`` of an output folder written before generations existed
    (or copied with its symlinks followed) into its first generation, without changing what
    any name shows: each file is hard-linked into the generation, ``.current`` switched to it,
    then each name replaced by its symlink (to the same bytes). A kill at any point leaves
    every name showing the same bytes."""
    if current_generation(out) is not None:
        return
    pointer = out / CURRENT
    if pointer.is_dir() and not pointer.is_symlink():  # a copy that followed the symlinks
        shutil.rmtree(pointer)  # (cp -L, an unzipped archive): its files are the plain ones
    plain = [n for n in names if (out / n).is_file() and not (out / n).is_symlink()]
    folders = [n for n in names if (out / n).is_dir() and not (out / n).is_symlink()]
    if not plain and not folders:
        return
    gen = Generation.begin(out)
    for name in plain:
        os.link(out / name, gen.path(name))
    for name in folders:  # a folder of pages: its files hard-linked alike
        shutil.copytree(out / name, gen.path(name), copy_function=os.link)
    gen.seal()
    _link(out, CURRENT, f"{GENERATIONS}/{gen.name}")
    for name in plain:
        _link(out, name, f"{CURRENT}/{name}")
    for name in folders:  # a folder cannot be replaced by a symlink in one rename
        aside = out / f".{name}.old{TMP_SUFFIX}"
        os.rename(out / name, aside)
        _link(out, name, f"{CURRENT}/{name}")
        shutil.rmtree(aside, ignore_errors=True)
    fsync_dir(out)


def recover(out: Path, committed: str | None, names: Iterable[str]) -> None:
    """Bring an output folder to one published generation after a killed run (call while
    holding its lock): adopt plain files of an older version (:func:`adopt`), publish the
    generation the claim store committed (``committed``) if a kill came before its switch,
    and remove uncommitted generations and temporary files."""
    remove_stale_temps(out)
    adopt(out, names)
    if committed and committed != current_generation(out) \
            and (out / GENERATIONS / committed).is_dir():
        publish(out, committed)
    prune(out)


@contextlib.contextmanager
def interrupts_deferred() -> Iterator[None]:
    """Hold Ctrl-C (SIGINT) back for a block that must not stop half way (committing and
    publishing a generation: a few milliseconds), then deliver it. Outside the main thread
    (where no signal handler can be set) the block runs as it is."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    held: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda signum, _frame: held.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        if held:
            signal.raise_signal(signal.SIGINT)


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


def die_with_parent(parent: int) -> None:
    """In a forked process: have the kernel kill it when its parent ``parent`` ends (killed,
    even with ``kill -9``; Linux's ``PR_SET_PDEATHSIG``), so that no process is left behind
    spending CPU on an article or writing into an output folder. Exits at once when the
    parent ended before the request."""
    import ctypes  # noqa: PLC0415 - only in forked processes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux: at least not outlive a parent gone by now
        pass
    if os.getppid() != parent:  # the parent ended before the request
        os._exit(1)
