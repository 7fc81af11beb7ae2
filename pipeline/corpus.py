"""The corpus folder: the articles a run reads (:func:`walk_corpus`) and the copier of
``claims add`` (:func:`stage`, then :func:`place`), which only ever creates files inside it,
each whole or not at all."""

from __future__ import annotations

import contextlib
import errno
import fcntl
import glob
import hashlib
import os
import stat
import tempfile
import unicodedata
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import ArticleError, InputError, OutputError
from pipeline.fsio import (
    default_mode,
    file_kind,
    fsync_dir,
    not_regular,
    read_article,
    read_problem,
    shown_name,
)
from pipeline.models import Skip
from pipeline.state import delta
from pipeline.state.store import RunDoc


@dataclass
class CorpusWalk:
    """What :func:`walk_corpus` found: the files to read as articles, and every other entry
    with why it is skipped."""

    files: list[Path]  # regular files and symlinks to regular files, by relative path
    skipped: list[Skip]


def walk_corpus(corpus: Path) -> CorpusWalk:
    """Every regular file under ``corpus`` (hidden names excluded), sorted by relative path,
    and a :class:`Skip` for every other entry: FIFOs, sockets and devices (reading them could
    block forever), symlink loops, dangling symlinks, symlinks to folders (never entered) and
    folders that cannot be read. It never raises on a bad entry; only a corpus folder that is
    missing, not a folder or unreadable is an :class:`InputError`.
    """
    if not corpus.exists():
        raise InputError(f"corpus folder not found: {corpus}",
                         hint="pass a folder of .txt, .md or .html articles")
    if not corpus.is_dir():
        raise InputError(f"corpus is not a folder: {corpus}",
                         hint="pass the folder that holds the articles")
    found: list[tuple[str, str]] = []
    skipped: list[Skip] = []

    def skip(rel: str, reason: str, hint: str) -> None:
        skipped.append(Skip(path=shown_name(rel), reason=f"{reason} ({hint})"))

    def walk(folder: str, prefix: str) -> None:
        try:
            with os.scandir(folder) as listing:
                entries = sorted(listing, key=lambda e: e.name)
        except OSError as exc:
            if not prefix:
                raise InputError(f"cannot read the corpus folder {corpus}: "
                                 f"{exc.strerror or exc}",
                                 hint="check the folder's permissions") from None
            skip(prefix, f"folder cannot be read: {exc.strerror or exc}",
                 "check the folder's permissions")
            return
        for entry in entries:
            if entry.name.startswith("."):
                continue
            rel = prefix + entry.name
            problem = _entry_problem(entry)
            if problem == "folder":
                walk(entry.path, rel + "/")
            elif problem is None:
                found.append((rel, entry.path))
            else:
                skip(rel, *problem)

    walk(str(corpus), "")
    found.sort()
    return CorpusWalk([Path(path) for _, path in found], skipped)


def with_placed(walk: CorpusWalk, corpus: Path, placed: Sequence[Path]) -> CorpusWalk:
    """``walk`` (of ``corpus``) with the files :func:`place` has just given a name there:
    what walking the corpus again would find, without reading its folder again."""
    if not placed:
        return walk
    base = len(str(corpus).rstrip("/")) + 1
    files = [*walk.files, *(corpus / p.name for p in placed)]
    files.sort(key=lambda p: str(p)[base:])
    return CorpusWalk(files, walk.skipped)


def _entry_problem(entry: os.DirEntry[str]) -> tuple[str, str] | str | None:
    """``None`` for a regular file (or a symlink to one), ``"folder"`` for a real folder, else
    why the entry is skipped and what to do, as ``(reason, hint)``."""
    remove = "remove it from the corpus"
    try:  # the folder listing's file types first: no system call for plain files and folders
        if entry.is_file(follow_symlinks=False):
            return None
        if entry.is_dir(follow_symlinks=False):
            return "folder"
        own = entry.stat(follow_symlinks=False)
    except OSError as exc:
        return read_problem(exc)
    if stat.S_ISDIR(own.st_mode):
        return "folder"
    if not stat.S_ISLNK(own.st_mode):
        return None if stat.S_ISREG(own.st_mode) else (not_regular(own.st_mode), remove)
    try:
        target = os.stat(entry.path)
    except OSError as exc:
        if exc.errno == errno.ENOENT:
            return "dangling symlink: it points to nothing", "remove it or restore its target"
        return read_problem(exc)
    if stat.S_ISDIR(target.st_mode):
        return ("symlink to a folder; such links are never followed, they could loop or lead "
                "outside the corpus", "copy its articles into the corpus instead")
    if not stat.S_ISREG(target.st_mode):
        return f"symlink to {file_kind(target.st_mode)}, not a regular file", remove
    return None


ARTICLE_SUFFIXES = (".txt", ".md", ".html", ".htm")
_GLOB_CHARS = frozenset("*?[")


def expand_sources(patterns: Sequence[str | Path]) -> tuple[list[Path], list[Skip]]:
    """Files named by paths or glob patterns, in order, each once; misses become skips."""
    found: list[Path] = []
    missing: list[Skip] = []
    for pattern in patterns:
        text = str(pattern)
        if _GLOB_CHARS & set(text):
            matches = sorted(Path(p) for p in glob.glob(text, recursive=True))
            if not matches:
                missing.append(Skip(path=text, reason="no file matches this pattern"))
            found += [m for m in matches if m.is_file()]
        elif Path(text).is_dir():
            found += sorted(p for p in Path(text).rglob("*")
                            if p.is_file() and p.suffix.lower() in ARTICLE_SUFFIXES)
        elif not os.path.lexists(text):
            missing.append(Skip(path=text, reason="no such file"))
        else:
            found.append(Path(text))
    return list(dict.fromkeys(found)), missing


def name_problem(name: str) -> str | None:
    """Why ``name`` cannot be an article's file name in the corpus, or ``None``.

    A plain, visible name only: no path, no hidden name, nothing a terminal or an output
    would show differently (:func:`pipeline.fsio.shown_name`): no C0 or C1 control
    character, no bidi override, no byte that is not UTF-8.
    """
    if not name or name in (".", "..") or "/" in name or "\\" in name:
        return "not a plain file name"
    if name.startswith("."):
        return "a hidden name (starts with a dot): runs never read hidden files"
    if shown_name(name) == name:
        return None
    odd = list(dict.fromkeys(c for c in name if not c.isprintable()))
    kinds = list(dict.fromkeys(_odd_kind(c) for c in odd))
    return (f"the name has {' and '.join(kinds)} ({''.join(map(shown_name, odd))}); a name "
            "must be printable text, which cannot forge terminal output or disguise itself")


_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _odd_kind(char: str) -> str:
    """What kind of character that is not printable ``char`` is, for a message."""
    if 0xDC80 <= ord(char) <= 0xDCFF:  # a byte that is not UTF-8 (surrogateescape)
        return "bytes that are not UTF-8"
    if char in _BIDI:
        return "bidi controls"
    if unicodedata.category(char) == "Cc":
        return "control characters"
    return "invisible characters"


ADD_TEMP_PREFIX = ".claims-add-"
ADD_TEMP_SUFFIX = ".tmp"


@dataclass
class Staged:
    """An article ``claims add`` copied completely into the corpus folder (:func:`stage`),
    without a name there yet (:func:`place`)."""

    source: str  # as the user named it
    name: str  # the file name wanted in the corpus
    digest: str  # SHA-256 of the bytes
    fd: int  # the open copy
    temp: Path | None  # its temporary name; None: an unnamed file (O_TMPFILE)


def _unnamed(root: Path) -> int | None:
    """An unnamed new file in ``root`` (``O_TMPFILE``), open for writing; None where the
    system or file system has none. It gets a name by a hard link from ``/proc/self/fd``;
    if the process dies first, the kernel frees it: nothing is ever left behind."""
    flag = getattr(os, "O_TMPFILE", 0)
    if not flag or not os.path.isdir("/proc/self/fd"):
        return None
    try:
        return os.open(root, flag | os.O_WRONLY | os.O_CLOEXEC, default_mode())
    except OSError as exc:
        if exc.errno in (errno.EOPNOTSUPP, errno.ENOTSUP, errno.EISDIR, errno.EINVAL):
            return None
        raise


def _temp_copy(root: Path, data: bytes) -> tuple[int, Path | None]:
    """A new file in ``root`` holding ``data``, on disk (fsync), open: unnamed
    (:func:`_unnamed`), else under a hidden temporary name, locked while this process lives
    (see :func:`remove_stale_copies`)."""
    fd = _unnamed(root)
    temp: Path | None = None
    if fd is None:
        fd, name = tempfile.mkstemp(dir=root, prefix=ADD_TEMP_PREFIX, suffix=ADD_TEMP_SUFFIX)
        temp = Path(name)
    try:
        if temp is not None:
            fcntl.flock(fd, fcntl.LOCK_EX)  # held until placed: the file is not stale
            os.fchmod(fd, default_mode())
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        os.fsync(fd)
    except BaseException:
        os.close(fd)
        if temp is not None:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temp)
        raise
    return fd, temp


def discard(staged: Sequence[Staged]) -> None:
    """Remove what is left of staged copies (their temporary names) and close them; a copy
    is discarded once, whatever the number of calls."""
    for item in staged:
        if item.temp is not None:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(item.temp)
            item.temp = None
        if item.fd >= 0:
            with contextlib.suppress(OSError):
                os.close(item.fd)
            item.fd = -1


def remove_stale_copies(corpus: Path) -> list[str]:
    """Delete the temporary copies a killed ``claims add`` left in the corpus folder (only
    where the file system has no unnamed files, :func:`_unnamed`).

    A copy is stale when no process holds its lock (an ``flock``, which the kernel releases
    when the process dies, even by ``kill -9``); one a running ``claims add`` is writing (for
    another output folder) is left alone. Best effort: a read-only corpus is left as it is.
    Returns the names removed.
    """
    removed: list[str] = []
    try:
        entries = [e.name for e in os.scandir(corpus)
                   if e.name.startswith(ADD_TEMP_PREFIX) and e.name.endswith(ADD_TEMP_SUFFIX)]
    except OSError:
        return removed
    for name in entries:
        path = corpus / name
        try:
            fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        except OSError:
            continue
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                continue
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                continue  # a live add is writing it
            if os.lstat(path).st_ino == os.fstat(fd).st_ino:
                os.unlink(path)
                removed.append(name)
        except OSError:
            continue
        finally:
            os.close(fd)
    return removed


def stage(corpus: Path, sources: Sequence[str | Path], *, max_bytes: int,
          known: Mapping[str, RunDoc] | None = None, pending: Collection[str] = (),
          walk: CorpusWalk | None = None) -> tuple[list[Staged], list[Skip]]:
    """Copy each new article among ``sources`` to a temporary name in the corpus folder
    (complete and on disk); returns the staged copies and the sources rejected, with why.

    ``known``: the last run's files (:meth:`pipeline.state.store.Store.run_docs`), whose
    content hash is trusted while their size and :func:`delta.file_stamp` are unchanged.
    ``pending``: content hashes of articles an interrupted add already placed in the corpus;
    a source with those bytes is neither copied again nor rejected (the run finishes it).
    ``walk``: :func:`walk_corpus` of ``corpus``, when the caller has it. Raises
    :class:`OutputError` when the corpus folder cannot be written (a full disk...); nothing
    is left in the corpus then.
    """
    files, rejected = expand_sources(sources)
    root = corpus.resolve()
    hashes: dict[str, str] = {}
    top = str(corpus)
    base = len(top.rstrip("/")) + 1
    for path in (walk or walk_corpus(corpus)).files:
        name = str(path)  # the relative path by slicing, not pathlib (10,000 files an add)
        rel = shown_name(name[base:] if name.startswith(top)
                         else path.relative_to(corpus).as_posix())
        last = (known or {}).get(rel)
        with contextlib.suppress(OSError):
            st = os.stat(name)
            if last is not None and (last.size, last.stamp) == (st.st_size,
                                                                delta.file_stamp(st)):
                hashes.setdefault(last.raw_sha, rel)
                continue
        with contextlib.suppress(ArticleError):
            data = read_article(path, rel, max_bytes=max_bytes, root=corpus)
            hashes.setdefault(hashlib.sha256(data).hexdigest(), rel)
    staged: list[Staged] = []
    try:
        for source in files:
            shown = shown_name(str(source))
            problem = name_problem(source.name)
            if problem is not None:
                rejected.append(Skip(path=shown, reason=f"{problem} (rename the file)"))
                continue
            if source.suffix.lower() not in ARTICLE_SUFFIXES:
                rejected.append(Skip(path=shown, reason="not an article file type (use .txt, "
                                     ".md or .html)"))
                continue
            try:
                data = read_article(source, shown, max_bytes=max_bytes)
            except ArticleError as exc:
                rejected.append(Skip(path=shown, reason=exc.detail))
                continue
            digest = hashlib.sha256(data).hexdigest()
            if digest in hashes:
                if digest not in pending:
                    rejected.append(Skip(path=shown, reason=f"duplicate of {hashes[digest]} "
                                         "(same content)"))
                continue
            try:
                fd, temp = _temp_copy(root, data)
            except OSError as exc:
                raise OutputError(f"cannot copy {shown} into the corpus folder {corpus}: "
                                  f"{exc.strerror or exc}",
                                  hint="free some space or fix the folder's permissions; "
                                  "nothing was added") from None
            staged.append(Staged(shown, source.name, digest, fd, temp))
            hashes[digest] = f"{shown}, given before it"
    except BaseException:
        discard(staged)
        raise
    return staged, rejected


def place(corpus: Path, staged: Sequence[Staged]) -> tuple[list[Path], list[Skip]]:
    """Give each staged copy its name in the corpus folder, never replacing a file: a hard
    link to the first free name of ``NAME``, ``NAME-2``, ``NAME-3``... (a name taken by a file
    or a symlink is never written through), then its temporary name, if any, is removed. The
    article appears whole or not at all. Returns the paths placed (as the user named the
    corpus) and the copies no name was free for."""
    root = corpus.resolve()
    added: list[Path] = []
    rejected: list[Skip] = []
    for item in staged:
        stem, suffix = Path(item.name).stem, Path(item.name).suffix
        for n in range(1, 1000):
            candidate = root / (item.name if n == 1 else f"{stem}-{n}{suffix}")
            if candidate.parent != root:
                break
            try:
                _link_new(item, candidate)
            except FileExistsError:
                continue
            except OSError as exc:
                raise OutputError(f"cannot add {item.source} to the corpus folder {corpus}: "
                                  f"{exc.strerror or exc}",
                                  hint="free some space or fix the folder's permissions; none "
                                  "of its text is in the corpus") from None
            added.append(corpus / candidate.name)
            break
        else:
            rejected.append(Skip(path=item.source, reason="no free file name in the corpus"))
        discard([item])
    fsync_dir(root)
    return added, rejected


def _link_new(item: Staged, dest: Path) -> None:
    """Give the staged copy the new name ``dest`` (``FileExistsError`` when it is taken).

    A hard link never replaces an existing name. On a file system without hard links the
    name is reserved with an exclusive create, then the complete copy renamed over it.
    """
    if item.temp is None:  # unnamed: link the open file itself (a dir_fd makes Python call
        root = os.open("/", os.O_RDONLY)  # linkat with AT_SYMLINK_FOLLOW, not link())
        try:
            os.link(f"/proc/self/fd/{item.fd}", dest, src_dir_fd=root, follow_symlinks=True)
        finally:
            os.close(root)
        return
    try:
        os.link(item.temp, dest, follow_symlinks=False)
        return
    except FileExistsError:
        raise
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EMLINK,
                             errno.ENOSYS, errno.EXDEV):
            raise
    os.close(os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600))
    os.replace(item.temp, dest)
