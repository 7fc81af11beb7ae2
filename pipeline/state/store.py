"""Embedded claim store: SQLite at ``out/claims.db`` (WAL mode, one transaction per write).

It remembers, per article, what the per-document stages produced — the ingested
:class:`Document`, its repairs, quantities and claims — so the next run parses only new or
changed articles. Rows are keyed by

* the raw bytes' SHA-256 and the file suffix (what ingest saw), and
* a *fingerprint* of everything else that shapes the result: the rules files, the spaCy
  model name and version, the per-document stages' code and the run options
  (:func:`pipeline.state.fingerprint.documents`).

A changed rule, model or stage therefore invalidates every row at once. The models are stored
as their JSON (pydantic), so reading back gives exactly the objects a clean run makes. The
findings of the last run are kept too, so ``claims add`` can tell which ones are new.
"""

from __future__ import annotations

import json
import os
import resource
import sqlite3
from collections.abc import Iterable, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import NamedTuple

from pydantic import TypeAdapter

from pipeline.errors import OutputError
from pipeline.extract.results import Entry
from pipeline.models import Claim, Document, Finding, Quantity, RepairedText
from pipeline.state.rows import ClaimRow

SCHEMA_VERSION = 2
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
CREATE TABLE IF NOT EXISTS run_docs (
    path TEXT PRIMARY KEY,
    doc_id TEXT NOT NULL,
    raw_sha TEXT NOT NULL,
    suffix TEXT NOT NULL,
    size INTEGER NOT NULL,
    stamp TEXT NOT NULL,
    row TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS run_claims (
    id TEXT PRIMARY KEY, doc_id TEXT NOT NULL, row TEXT NOT NULL, claim TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS run_claims_doc ON run_claims (doc_id);
CREATE TABLE IF NOT EXISTS run_blocks (
    check_name TEXT NOT NULL, block TEXT NOT NULL, claim_id TEXT NOT NULL, doc_id TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS run_blocks_block ON run_blocks (check_name, block);
CREATE INDEX IF NOT EXISTS run_blocks_doc ON run_blocks (doc_id);
CREATE TABLE IF NOT EXISTS run_records (
    check_name TEXT NOT NULL, block TEXT NOT NULL, seq INTEGER NOT NULL,
    finding_id TEXT NOT NULL, mode TEXT NOT NULL, finding TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS run_records_block ON run_records (check_name, block);
CREATE INDEX IF NOT EXISTS run_records_finding ON run_records (finding_id);
CREATE TABLE IF NOT EXISTS layouts (name TEXT PRIMARY KEY, data BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS failures (
    raw_sha TEXT NOT NULL,
    suffix TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    budget TEXT NOT NULL,
    stage TEXT NOT NULL,
    error TEXT NOT NULL,
    PRIMARY KEY (raw_sha, suffix, fingerprint)
);
"""
# Tables describing the last run (its documents, claims, check records, findings and output
# layouts), replaced or updated together with the ``state`` meta key.
_STATE_TABLES = ("run_docs", "run_claims", "run_blocks", "run_records", "findings", "layouts")

_QUANTITIES = TypeAdapter(list[Quantity])
_CLAIMS = TypeAdapter(list[Claim])
_FINDINGS = TypeAdapter(list[Finding])


@dataclass(frozen=True)
class Key:
    """Identity of an article's bytes as ingest saw them."""

    raw_sha: str
    suffix: str


class RunDoc(NamedTuple):
    """A file of the last run, as :meth:`Store.run_docs` gives it (by path)."""

    doc_id: str
    raw_sha: str
    suffix: str
    size: int
    stamp: str  # mtime, ctime and inode: see :func:`pipeline.state.delta.file_stamp`
    row: str  # the document's DocRow as JSON


class StoredRecord(NamedTuple):
    """A check record as the store keeps it (see :class:`pipeline.check.checks.Record`)."""

    check: str
    block: str  # :func:`pipeline.check.checks.block_text`
    seq: int
    mode: str
    finding: str  # the finding's JSON


_NEW_ROW = partial(tuple.__new__, ClaimRow)


class Store:
    """A connection to ``claims.db``; use as a context manager, or call :meth:`close`."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.closed = False
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
                    for table in ("documents", *_STATE_TABLES):
                        self._db.execute(f"DELETE FROM {table}")  # noqa: S608 - constants
                    self._db.execute("DELETE FROM meta WHERE key != 'schema'")
                    self._db.execute("UPDATE meta SET value=? WHERE key='schema'",
                                     (str(SCHEMA_VERSION),))
        except sqlite3.Error as exc:
            raise store_error(self.path, exc) from None

    def __enter__(self) -> Store:
        return self

    def __exit__(self, exc_type: object, exc: BaseException | None, tb: object) -> None:
        """Close the store; an SQLite error raised in the block becomes one
        :class:`OutputError` saying what to do (:func:`store_error`)."""
        self.close()
        if isinstance(exc, sqlite3.Error):
            raise store_error(self.path, exc) from None

    def close(self) -> None:
        self._db.close()
        self.closed = True

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

    def failure(self, key: Key, fingerprint: str) -> tuple[str, str, str] | None:
        """``(budget, stage, error)`` when these bytes went over a budget of the per-document
        stages under this fingerprint (:meth:`put_failure`), else ``None``."""
        row = self._db.execute(
            "SELECT budget, stage, error FROM failures WHERE raw_sha=? AND suffix=? AND "
            "fingerprint=?", (key.raw_sha, key.suffix, fingerprint)).fetchone()
        return None if row is None else (row[0], row[1], row[2])

    def put_failure(self, key: Key, fingerprint: str, *, budget: str, stage: str,
                    error: str) -> None:
        """Remember that an article's bytes went over a budget (``budget`` says which, as
        JSON), so that the next run skips them unless they changed or the budget grew."""
        with self._transaction():
            self._db.execute("INSERT OR REPLACE INTO failures VALUES (?, ?, ?, ?, ?, ?)",
                             (key.raw_sha, key.suffix, fingerprint, budget, stage, error))

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
            self._db.execute("DELETE FROM failures WHERE fingerprint != ?", (fingerprint,))
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
        """The last run's findings (before reviews), by id; validated in one call."""
        text = self._db.execute(
            "SELECT '[' || coalesce(group_concat(finding, ','), '') || ']' "
            "FROM (SELECT finding FROM findings ORDER BY id)").fetchone()[0]
        return _FINDINGS.validate_json(text)

    def findings_in_run_order(self) -> list[Finding]:
        """The last run's findings (before reviews) by severity, kind and id."""
        from pipeline.models import SEVERITY_ORDER

        return sorted(self.findings(),
                      key=lambda f: (SEVERITY_ORDER[f.severity], f.kind, f.id))

    # -- state of the last run ---------------------------------------------------------------

    def run_docs(self) -> dict[str, RunDoc]:
        """The last run's files by path."""
        return {path: RunDoc(*rest) for path, *rest in self._db.execute(
            "SELECT path, doc_id, raw_sha, suffix, size, stamp, row FROM run_docs")}

    def claim_rows(self) -> list[ClaimRow]:
        """The light row of every claim of the last run (one JSON parse for all; the rows
        made by ``tuple.__new__`` in one C loop once each is seen to have every field, a
        quarter of ``ClaimRow._make``'s time; else by ``_make``, which says what is wrong)."""
        text = self._db.execute(
            "SELECT '[' || coalesce(group_concat(row, ','), '') || ']' FROM run_claims"
        ).fetchone()[0]
        values = json.loads(text)
        if set(map(len, values)) <= {len(ClaimRow._fields)}:
            return list(map(_NEW_ROW, values))
        return list(map(ClaimRow._make, values))

    def claims_by_id(self, ids: Sequence[str]) -> dict[str, Claim]:
        out: dict[str, Claim] = {}
        for first in range(0, len(ids), 500):
            part = ids[first:first + 500]
            marks = ",".join("?" * len(part))
            for cid, text in self._db.execute(
                    f"SELECT id, claim FROM run_claims WHERE id IN ({marks})", part):  # noqa: S608
                out[cid] = Claim.model_validate_json(text)
        return out

    def claims_of_docs(self, doc_ids: Sequence[str]) -> list[Claim]:
        out: list[Claim] = []
        for first in range(0, len(doc_ids), 500):
            part = doc_ids[first:first + 500]
            marks = ",".join("?" * len(part))
            out += [Claim.model_validate_json(row[0]) for row in self._db.execute(
                f"SELECT claim FROM run_claims WHERE doc_id IN ({marks})", part)]  # noqa: S608
        return out

    def document(self, key: Key, fingerprint: str) -> Document | None:
        """Only the stored document (with its text) of these bytes."""
        row = self._db.execute(
            "SELECT document FROM documents WHERE raw_sha=? AND suffix=? AND fingerprint=?",
            (key.raw_sha, key.suffix, fingerprint)).fetchone()
        return None if row is None else Document.model_validate_json(row[0])

    def _wanted(self, pairs: Iterable[tuple[str, str]]) -> None:
        self._db.execute("CREATE TEMP TABLE IF NOT EXISTS wanted (check_name TEXT, block TEXT)")
        self._db.execute("DELETE FROM wanted")
        self._db.executemany("INSERT INTO wanted VALUES (?, ?)", sorted(set(pairs)))

    def blocks_of_docs(self, doc_ids: Iterable[str]) -> set[tuple[str, str]]:
        """The (check, block) pairs the stored claims of these documents fall in."""
        out: set[tuple[str, str]] = set()
        for doc in doc_ids:
            out.update(self._db.execute(
                "SELECT check_name, block FROM run_blocks WHERE doc_id=?", (doc,)))
        return out

    def block_members(self, pairs: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
        """(claim id, doc id) of the stored claims in these (check, block) pairs."""
        self._wanted(pairs)
        return self._db.execute(
            "SELECT DISTINCT b.claim_id, b.doc_id FROM run_blocks b JOIN wanted w "
            "ON b.check_name = w.check_name AND b.block = w.block").fetchall()

    def records_in(self, pairs: Iterable[tuple[str, str]]) -> set[str]:
        """Finding ids of the stored records of these (check, block) pairs."""
        self._wanted(pairs)
        return {row[0] for row in self._db.execute(
            "SELECT r.finding_id FROM run_records r JOIN wanted w "
            "ON r.check_name = w.check_name AND r.block = w.block")}

    def records_of(self, finding_ids: Sequence[str]) -> list[StoredRecord]:
        """The stored records of these findings."""
        out: list[StoredRecord] = []
        for first in range(0, len(finding_ids), 500):
            part = finding_ids[first:first + 500]
            marks = ",".join("?" * len(part))
            out += map(StoredRecord._make, self._db.execute(
                "SELECT check_name, block, seq, mode, finding FROM run_records "
                f"WHERE finding_id IN ({marks})", part))  # noqa: S608
        return out

    def layouts(self) -> dict[str, bytes]:
        return {name: bytes(data) for name, data in
                self._db.execute("SELECT name, data FROM layouts")}

    def update_state(self, change: StateChange) -> None:
        """Apply one run's changes to the state tables in one transaction."""
        db = self._db
        with self._transaction():
            if change.replace:
                for table in _STATE_TABLES:
                    db.execute(f"DELETE FROM {table}")  # noqa: S608 - constants
            db.executemany("DELETE FROM run_docs WHERE path=?",
                           [(p,) for p in change.paths_removed])
            for table, column in (("run_claims", "doc_id"), ("run_blocks", "doc_id")):
                db.executemany(f"DELETE FROM {table} WHERE {column}=?",  # noqa: S608
                               [(d,) for d in change.docs_removed])
            db.executemany("INSERT OR REPLACE INTO run_docs VALUES (?, ?, ?, ?, ?, ?, ?)",
                           change.docs_added)
            db.executemany("INSERT OR REPLACE INTO run_claims VALUES (?, ?, ?, ?)",
                           change.claims_added)
            db.executemany("INSERT INTO run_blocks VALUES (?, ?, ?, ?)", change.blocks_added)
            db.executemany("DELETE FROM run_records WHERE check_name=? AND block=?",
                           sorted(change.record_blocks))
            db.executemany("INSERT INTO run_records VALUES (?, ?, ?, ?, ?, ?)",
                           change.records_added)
            db.executemany("DELETE FROM findings WHERE id=?",
                           [(i,) for i in change.findings_removed])
            db.executemany("INSERT OR REPLACE INTO findings VALUES (?, ?)",
                           change.findings_added)
            db.executemany("INSERT OR REPLACE INTO layouts VALUES (?, ?)",
                           sorted(change.layouts.items()))
            db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)",
                           sorted(change.meta.items()))

    # -- meta --------------------------------------------------------------------------------

    def meta(self) -> dict[str, str]:
        return dict(self._db.execute("SELECT key, value FROM meta").fetchall())

    def set_meta(self, **values: str) -> None:
        with self._transaction():
            self._db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)",
                                 sorted(values.items()))


@dataclass
class StateChange:
    """What a run changes in the state tables (see :meth:`Store.update_state`)."""

    replace: bool = False  # drop every state row first (a full run)
    paths_removed: list[str] = field(default_factory=list)
    docs_removed: list[str] = field(default_factory=list)  # their claims and blocks go
    docs_added: list[tuple[str, str, str, str, int, str, str]] = field(default_factory=list)
    claims_added: list[tuple[str, str, str, str]] = field(default_factory=list)
    blocks_added: list[tuple[str, str, str, str]] = field(default_factory=list)
    record_blocks: set[tuple[str, str]] = field(default_factory=set)  # records replaced
    records_added: list[tuple[str, str, int, str, str, str]] = field(default_factory=list)
    findings_removed: list[str] = field(default_factory=list)
    findings_added: list[tuple[str, str]] = field(default_factory=list)
    layouts: dict[str, bytes] = field(default_factory=dict)
    meta: dict[str, str] = field(default_factory=dict)


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
        if exc_type is None:
            self._db.execute("COMMIT")
            return
        with suppress(sqlite3.Error):  # SQLite may have rolled back itself (a full disk)
            self._db.execute("ROLLBACK")


def store_error(path: Path, exc: sqlite3.Error) -> OutputError:
    """What an SQLite error on the claim store ``path`` means for the user, and what to do:
    a full disk or a file size limit (``ulimit -f``) is not a damaged store (deleting it would
    not help), a damaged one is rebuilt from the corpus when deleted."""
    code = _primary_code(exc)
    keep = "the output folder still shows the previous run, whole"
    if code == _FULL or (code == _IOERR and _disk_full(path)):
        hint = f"the disk is full: free some space and run again; {keep}"
    elif code == _IOERR and _size_limited():
        hint = ("a file size limit (ulimit -f) stops the write: raise the limit and run "
                f"again; {keep}")
    elif code == _IOERR:
        hint = f"the disk failed a read or write: check it and run again; {keep}"
    elif code in (_CORRUPT, _NOTADB):
        hint = "delete it; the next run rebuilds it from the corpus"
    elif code in (_READONLY, _CANTOPEN, _PERM):
        hint = "check the output folder's permissions, or pass --out DIR with a writable one"
    elif code in (_BUSY, _LOCKED):
        hint = "another program is using it: close it and run again"
    else:
        hint = f"run again; if it persists, delete it (the next run rebuilds it); {keep}"
    return OutputError(f"cannot use the claim store {path}: {exc}", hint=hint)


# SQLite's primary result codes (sqlite3.SQLITE_* names need Python 3.11)
_PERM, _BUSY, _LOCKED, _READONLY, _IOERR, _CORRUPT, _FULL, _CANTOPEN, _NOTADB = (
    3, 5, 6, 8, 10, 11, 13, 14, 26)
_MESSAGES = {"database or disk is full": _FULL, "disk i/o error": _IOERR,
             "file is not a database": _NOTADB, "malformed": _CORRUPT, "readonly": _READONLY,
             "unable to open": _CANTOPEN, "locked": _BUSY}


def _primary_code(exc: sqlite3.Error) -> int:
    """The primary SQLite result code of ``exc`` (from its message before Python 3.11)."""
    code = getattr(exc, "sqlite_errorcode", None)
    if isinstance(code, int):
        return code & 0xFF
    text = str(exc).lower()
    return next((c for words, c in _MESSAGES.items() if words in text), -1)


def _disk_full(path: Path) -> bool:
    """Whether the file system holding ``path`` has (almost) no space left."""
    try:
        fs = os.statvfs(path.parent)
    except OSError:
        return False
    return fs.f_bavail * fs.f_frsize < 1 << 20


def _size_limited() -> bool:
    """Whether this process has a file size limit (``ulimit -f``)."""
    soft, _hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    return soft != resource.RLIM_INFINITY


def open_store(out: str | Path) -> Store:
    """Open (creating when needed) the claim store of an output folder."""
    return Store(Path(out) / DB_NAME)

