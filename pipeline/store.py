"""Embedded claim store: SQLite at ``out/claims.db`` (WAL mode, one transaction per write).

It remembers, per article, what the per-document stages produced — the ingested
:class:`Document`, its repairs, quantities and claims — so the next run parses only new or
changed articles. Rows are keyed by

* the raw bytes' SHA-256 and the file suffix (what ingest saw), and
* a *fingerprint* of everything else that shapes the result: the rules files, the spaCy
  model name and version, the pipeline's source code and the run options.

A changed rule, model or stage therefore invalidates every row at once. The models are stored
as their JSON (pydantic), so reading back gives exactly the objects a clean run makes. The
findings of the last run are kept too, so ``claims add`` can tell which ones are new.
"""

from __future__ import annotations

import gc
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from pydantic import TypeAdapter

from pipeline.errors import OutputError
from pipeline.models import Claim, Document, Finding, Quantity, RepairedText

SCHEMA_VERSION = 1
DB_NAME = "claims.db"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS documents (
    raw_sha TEXT NOT NULL,
    suffix TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    doc_sha TEXT NOT NULL,
    document TEXT NOT NULL,
    repaired TEXT NOT NULL,
    quantities TEXT NOT NULL,
    claims TEXT NOT NULL,
    PRIMARY KEY (raw_sha, suffix, fingerprint)
);
CREATE TABLE IF NOT EXISTS findings (id TEXT PRIMARY KEY, finding TEXT NOT NULL);
"""

_QUANTITIES = TypeAdapter(list[Quantity])
_CLAIMS = TypeAdapter(list[Claim])


@dataclass(frozen=True)
class Entry:
    """What the per-document stages produced for one article."""

    document: Document
    repaired: RepairedText
    quantities: tuple[Quantity, ...] | None  # None: not loaded (see Store.get)
    claims: tuple[Claim, ...]


@dataclass(frozen=True)
class Key:
    """Identity of an article's bytes as ingest saw them."""

    raw_sha: str
    suffix: str


class Store:
    """A connection to ``claims.db``; use as a context manager, or call :meth:`close`."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            with self._transaction():
                for statement in _SCHEMA.strip().split(";"):
                    if statement.strip():
                        self._db.execute(statement)
                row = self._db.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
                if row is None:
                    self._db.execute("INSERT INTO meta VALUES ('schema', ?)",
                                     (str(SCHEMA_VERSION),))
                elif row[0] != str(SCHEMA_VERSION):
                    self._db.execute("DELETE FROM documents")
                    self._db.execute("DELETE FROM findings")
                    self._db.execute("UPDATE meta SET value=? WHERE key='schema'",
                                     (str(SCHEMA_VERSION),))
        except sqlite3.DatabaseError as exc:
            raise OutputError(f"cannot use the claim store {self.path}: {exc}",
                              hint="delete it; the next run rebuilds it from the corpus") from None

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._db.close()

    def _transaction(self) -> _Transaction:
        return _Transaction(self._db)

    # -- documents ---------------------------------------------------------------------------

    def get(self, key: Key, fingerprint: str, *, quantities: bool = True) -> Entry | None:
        """The stored entry for these bytes under this fingerprint, or ``None``.

        ``quantities=False`` skips reading the quantities (a run needs only the claims);
        the entry's ``quantities`` is then ``None``.
        """
        row = self._db.execute(
            "SELECT document, repaired, quantities, claims FROM documents "
            "WHERE raw_sha=? AND suffix=? AND fingerprint=?",
            (key.raw_sha, key.suffix, fingerprint),
        ).fetchone()
        if row is None:
            return None
        return Entry(
            document=Document.model_validate_json(row[0]),
            repaired=RepairedText.model_validate_json(row[1]),
            quantities=tuple(_QUANTITIES.validate_json(row[2])) if quantities else None,
            claims=tuple(_CLAIMS.validate_json(row[3])),
        )

    def put_many(self, items: Iterable[tuple[Key, Entry]], fingerprint: str) -> int:
        """Store entries in one transaction; returns how many were written."""
        rows = [
            (key.raw_sha, key.suffix, fingerprint, entry.document.sha256,
             entry.document.model_dump_json(), entry.repaired.model_dump_json(),
             _QUANTITIES.dump_json(list(_loaded(entry.quantities))).decode(),
             _CLAIMS.dump_json(list(entry.claims)).decode())
            for key, entry in items
        ]
        with self._transaction():
            self._db.executemany(
                "INSERT OR REPLACE INTO documents VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
        return len(rows)

    def keep_only(self, keys: Iterable[Key], fingerprint: str) -> int:
        """Drop rows of deleted articles and of other fingerprints; returns rows dropped."""
        wanted = {(k.raw_sha, k.suffix) for k in keys}
        with self._transaction():
            present = self._db.execute(
                "SELECT raw_sha, suffix, fingerprint FROM documents").fetchall()
            stale = [row for row in present
                     if row[2] != fingerprint or (row[0], row[1]) not in wanted]
            self._db.executemany(
                "DELETE FROM documents WHERE raw_sha=? AND suffix=? AND fingerprint=?", stale)
        return len(stale)

    def count(self) -> int:
        return int(self._db.execute("SELECT COUNT(*) FROM documents").fetchone()[0])

    def doc_shas(self) -> set[str]:
        """Content hashes of every stored document (any fingerprint)."""
        return {row[0] for row in self._db.execute("SELECT DISTINCT doc_sha FROM documents")}

    # -- findings ----------------------------------------------------------------------------

    def finding_ids(self) -> set[str]:
        return {row[0] for row in self._db.execute("SELECT id FROM findings")}

    def set_findings(self, findings: Sequence[Finding]) -> None:
        """Replace the stored findings with those of the latest run."""
        with self._transaction():
            self._db.execute("DELETE FROM findings")
            self._db.executemany("INSERT OR REPLACE INTO findings VALUES (?, ?)",
                                 [(f.id, f.model_dump_json()) for f in findings])

    def findings(self) -> list[Finding]:
        rows = self._db.execute("SELECT finding FROM findings ORDER BY id").fetchall()
        return [Finding.model_validate_json(row[0]) for row in rows]

    # -- meta --------------------------------------------------------------------------------

    def meta(self) -> dict[str, str]:
        return dict(self._db.execute("SELECT key, value FROM meta").fetchall())

    def set_meta(self, **values: str) -> None:
        with self._transaction():
            self._db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)",
                                 sorted(values.items()))


def _loaded(quantities: tuple[Quantity, ...] | None) -> tuple[Quantity, ...]:
    if quantities is None:
        raise ValueError("cannot store an entry read without its quantities")
    return quantities


class _Transaction:
    """``BEGIN IMMEDIATE`` ... ``COMMIT``, or ``ROLLBACK`` when the block raises."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def __enter__(self) -> None:
        self._db.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type: object, *rest: object) -> None:
        self._db.execute("ROLLBACK" if exc_type else "COMMIT")


def open_store(out: str | Path) -> Store:
    """Open (creating when needed) the claim store of an output folder."""
    return Store(Path(out) / DB_NAME)


@contextmanager
def paused_gc() -> Iterator[None]:
    """Python's cyclic garbage collector paused for a block, then restored as it was.

    Reading back ten thousand stored articles (or rendering their report) makes millions of
    objects and no reference cycles; the collector would rescan the growing heap again and
    again, about half the time of such a block. Cyclic garbage made meanwhile is collected
    once the collector runs again.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()

