"""The corpus folder: the articles a run reads (:func:`corpus_files`) and the copier of
``claims add`` (:func:`copy_into`), which only ever creates files inside it."""

from __future__ import annotations

import contextlib
import glob
import hashlib
import os
from collections.abc import Mapping, Sequence
from pathlib import Path

from pipeline.errors import ArticleError, InputError
from pipeline.fsio import read_article
from pipeline.models import Skip
from pipeline.state import delta
from pipeline.state.store import RunDoc


def corpus_files(corpus: Path) -> list[Path]:
    """Every regular file under ``corpus`` (hidden files excluded), sorted by relative path."""
    if not corpus.exists():
        raise InputError(f"corpus folder not found: {corpus}",
                         hint="pass a folder of .txt, .md or .html articles")
    if not corpus.is_dir():
        raise InputError(f"corpus is not a folder: {corpus}",
                         hint="pass the folder that holds the articles")
    found: list[tuple[str, str]] = []

    def walk(folder: str, prefix: str) -> None:
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.name.startswith("."):
                    continue
                if entry.is_dir(follow_symlinks=False):  # symlinked folders are not entered
                    walk(entry.path, prefix + entry.name + "/")
                elif entry.is_file():  # a symlink to a file counts, as a file
                    found.append((prefix + entry.name, entry.path))

    walk(str(corpus), "")
    found.sort()
    return [Path(path) for _, path in found]


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


def _safe_name(name: str) -> str | None:
    """The file name to use in the corpus, or ``None`` when it is not a plain file name."""
    if not name or name in (".", "..") or name.startswith(".") or "/" in name or "\\" in name \
            or "\0" in name or any(ord(c) < 32 for c in name):
        return None
    return name


def _write_new(dest: Path, data: bytes) -> None:
    """Create ``dest`` (never an existing file, never through a symlink) and write ``data``."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(dest, flags, 0o644)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(dest)
        raise


def copy_into(corpus: Path, sources: Sequence[str | Path], *, max_bytes: int,
               known: Mapping[str, RunDoc] | None = None
               ) -> tuple[list[Path], list[Skip]]:
    """Copy the sources into the corpus; returns the files added and the sources rejected.

    ``known``: the last run's files (:meth:`pipeline.state.store.Store.run_docs`), whose
    content hash is trusted while their size and :func:`delta.file_stamp` are unchanged.
    """
    files, rejected = expand_sources(sources)
    root = corpus.resolve()
    hashes: dict[str, str] = {}
    for path in corpus_files(corpus):
        rel = path.relative_to(corpus).as_posix()
        last = (known or {}).get(rel)
        with contextlib.suppress(OSError):
            st = path.stat()
            if last is not None and (last.size, last.stamp) == (st.st_size,
                                                                delta.file_stamp(st)):
                hashes.setdefault(last.raw_sha, rel)
                continue
        with contextlib.suppress(ArticleError):
            data = read_article(path, rel, max_bytes=max_bytes, root=corpus)
            hashes.setdefault(hashlib.sha256(data).hexdigest(), rel)
    known_hashes = hashes
    added: list[Path] = []
    for source in files:
        shown = str(source)
        name = _safe_name(source.name)
        if name is None:
            rejected.append(Skip(path=shown, reason="not a plain file name"))
            continue
        if Path(name).suffix.lower() not in ARTICLE_SUFFIXES:
            rejected.append(Skip(path=shown, reason="not an article file type (use .txt, "
                                 ".md or .html)"))
            continue
        try:
            data = read_article(source, shown, max_bytes=max_bytes)
        except ArticleError as exc:
            rejected.append(Skip(path=shown, reason=exc.detail))
            continue
        digest = hashlib.sha256(data).hexdigest()
        if digest in known_hashes:
            rejected.append(Skip(path=shown, reason=f"duplicate of {known_hashes[digest]} "
                                 "(same content)"))
            continue
        stem, suffix = Path(name).stem, Path(name).suffix
        for n in range(1, 1000):
            candidate = root / (name if n == 1 else f"{stem}-{n}{suffix}")
            if candidate.parent != root:
                break
            try:
                _write_new(candidate, data)
            except FileExistsError:
                continue
            known_hashes[digest] = candidate.name
            added.append(corpus / candidate.name)  # as the user named the corpus
            break
        else:
            rejected.append(Skip(path=shown, reason="no free file name in the corpus"))
    return added, rejected
