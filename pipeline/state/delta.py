"""Incremental runs: change only what the new, changed and deleted articles touch.

The claim store keeps the state of the last run (see :mod:`pipeline.state.store`): each corpus
file's path, size, mtime, ctime and inode and its document; each claim's light row, full JSON
and the check blocks it falls in; each check's records per block; the findings; the output
files' layouts. A run under the same state fingerprint then

1. scans the corpus, reading only files whose size, mtime, ctime or inode changed (like
   ``git status``);
2. runs the per-document stages only on new or changed articles;
3. recomputes the checks only for the blocks the added and deleted claims fall in, and
   settles each affected finding id by replaying its records from every block;
4. writes the output files reusing every unchanged piece (:mod:`pipeline.render.outputs`);
5. updates the state tables in one transaction.

The result is the same as a clean run's, byte for byte (``tests/test_delta.py``).
"""

from __future__ import annotations

import hashlib
import json
import operator
import os
import threading
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from pipeline.check import checks
from pipeline.errors import ArticleError
from pipeline.extract import ingest, quantities
from pipeline.extract.results import Entry
from pipeline.fsio import read_article, shown_name
from pipeline.models import SEVERITY_ORDER, Claim, Document, Finding, Skip
from pipeline.rules import Rules
from pipeline.state import rows, store


@dataclass
class Item:
    """One corpus file that became a document of this run."""

    path: str
    key: store.Key
    size: int
    stamp: str  # file_stamp
    row: rows.DocRow
    document: Document | None = None  # read this run (new, changed, or stat changed)
    entry: Entry | None = None  # its stored per-document results, when found

    @classmethod
    def stored(cls, path: str, doc: store.RunDoc) -> Item:
        """A file of the last run, as the claim store remembers it."""
        return cls(path, store.Key(doc.raw_sha, doc.suffix), doc.size, doc.stamp,
                   rows.DocRow(*json.loads(doc.row)))


def file_stamp(st: os.stat_result) -> str:
    """What changes when a file's content may have: mtime, ctime (which no tool can set
    back, unlike mtime) and inode."""
    return f"{st.st_mtime_ns}:{st.st_ctime_ns}:{st.st_ino}"


def scan(corpus: Path, known: Mapping[str, store.RunDoc], *,
         files: Sequence[Path], rules: Rules, max_bytes: int,
         cached: Callable[[store.Key], Entry | None]) -> tuple[list[Item], list[Skip]]:
    """The corpus as documents, reading only files whose size or :func:`file_stamp` changed.

    ``known``: the last run's files (:meth:`store.Store.run_docs`). Duplicates (same text
    as an earlier path) and unreadable files become skips, as in a clean run.
    """
    items: list[Item] = []
    skipped: list[Skip] = []
    seen: dict[str, str] = {}
    names: dict[str, str] = {}  # shown name -> the file's real relative path
    base = len(str(corpus).rstrip("/")) + 1
    for path in files:
        real = str(path)[base:] if str(path).startswith(str(corpus)) \
            else path.relative_to(corpus).as_posix()
        rel = shown_name(real)
        if names.setdefault(rel, real) != real:  # "a\x1b.txt" shown as a name with ESC is
            skipped.append(Skip(path=rel, reason="another file's name is shown the same once "
                                "its control characters are escaped (rename one of them)"))
            continue
        try:
            st = path.stat()
        except OSError:
            st = None
        old = known.get(rel)
        if st is not None and old is not None and (old.size, old.stamp) == (st.st_size,
                                                                            file_stamp(st)):
            item = Item.stored(rel, old)
        else:
            stage = "read"
            try:
                data = read_article(path, rel, max_bytes=max_bytes, root=corpus)
                key = store.Key(raw_sha=hashlib.sha256(data).hexdigest(), suffix=_suffix(rel))
                entry = cached(key)
                if entry is not None:
                    document = entry.document
                    if document.path != rel:
                        document = document.moved(rel)
                        entry = replace(entry, document=document)
                else:
                    stage = "ingest"
                    document = ingest.ingest(rel, data, boilerplate=rules.ingest.boilerplate,
                                             max_bytes=max_bytes)
            except ArticleError as exc:
                skipped.append(Skip(path=rel, reason=exc.detail))
                continue
            except Exception as exc:  # noqa: BLE001 - one article's failure (a library's
                # ImportError included) skips that article, never the run
                skipped.append(Skip.failed(rel, stage, exc))
                continue
            st = st or os.stat_result((0,) * 10)  # vanished meanwhile: read next time
            item = Item(rel, key, st.st_size, file_stamp(st), rows.doc_row(document),
                        document=document, entry=entry)
        if item.row.sha256 in seen:
            skipped.append(Skip(path=rel, reason=f"same text as {seen[item.row.sha256]}"))
            continue
        seen[item.row.sha256] = rel
        items.append(item)
    return items, skipped


def _suffix(rel: str) -> str:
    return "." + rel.rsplit(".", 1)[-1].lower() if "." in rel.rsplit("/", 1)[-1] else ""


def doc_state(item: Item) -> tuple[str, str, str, str, int, str, str]:
    return (item.path, item.row.id, item.key.raw_sha, item.key.suffix, item.size,
            item.stamp, json.dumps(list(item.row)))


def claim_state(claim: Claim) -> tuple[str, str, str, str]:
    return (claim.id, claim.doc_id, json.dumps(list(rows.claim_row(claim))),
            claim.model_dump_json())


def record_state(record: checks.Record) -> tuple[str, str, int, str, str, str]:
    return (record.check, checks.block_text(record.block), record.seq, record.finding.id,
            record.mode, record.finding.model_dump_json())


def document_records(entries: Iterable[Entry]) -> list[checks.Record]:
    """The records of the document checks on these documents: repair's garbled runs, then
    the malformed figures of the document's claims (garbled findings of the same check)."""
    records: list[checks.Record] = []
    for e in entries:
        own = checks.document_records(e.document, e.repaired)
        seq = sum(r.check == quantities.MALFORMED_CHECK for r in own)
        records += own
        records += [checks.Record(quantities.MALFORMED_CHECK, (e.document.id,), seq + k,
                                  checks.SET, f)
                    for k, f in enumerate(quantities.malformed_findings(e.document, e.claims))]
    return records


def run_order(findings: Iterable[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: (SEVERITY_ORDER[f.severity], f.kind, f.id))


def full_change(items: Sequence[Item], entries: dict[str, Entry],
                claims: Sequence[Claim], records: Sequence[checks.Record],
                findings: Sequence[Finding], rules: Rules,
                placed: Sequence[list[tuple[str, str]]] | None = None) -> store.StateChange:
    """The state tables of a full run (every row replaced). ``placed``: each claim's
    (check, block text) pairs when the checks gathered them (``checks.records``)."""
    change = store.StateChange(replace=True)
    change.docs_added = [doc_state(i) for i in items if i.row.id in entries]
    change.claims_added = [claim_state(c) for c in claims]
    if placed is None:
        cache = checks.UnitCache(rules)
        placed = [checks.claim_blocks(c, rules, cache) for c in claims]
    else:
        placed = checks.placed_blocks(placed)
    change.blocks_added = [(check, block, c.id, c.doc_id)
                           for c, pairs in zip(claims, placed, strict=True)
                           for check, block in pairs]
    change.records_added = [record_state(r) for r in records]
    change.findings_added = [(f.id, f.model_dump_json()) for f in findings]
    return change


@dataclass
class Delta:
    """What the incremental checks found."""

    findings: list[Finding]  # every finding of the run, in run order (before reviews)
    change: store.StateChange


class Preload:
    """The last run's claim rows and findings, read from the claim store by a thread of its
    own (with its own connection) while the run waits on something else: the per-document
    stages of a few new articles wait on their worker process most of the time."""

    def __init__(self, path: Path) -> None:
        self._rows: list[rows.ClaimRow] | None = None
        self._findings: list[Finding] | None = None
        self._thread = threading.Thread(target=self._read, args=(path,), daemon=True,
                                        name="claims-preload")
        self._thread.start()

    def _read(self, path: Path) -> None:
        try:
            with store.Store(path) as db:
                self._rows = db.claim_rows()
                self._findings = db.findings()
        except Exception:  # noqa: BLE001, S110 - the run reads them itself then
            pass

    def result(self) -> tuple[list[rows.ClaimRow], list[Finding]] | None:
        """The rows and findings, once read; None when they could not be."""
        self._thread.join()
        if self._rows is None or self._findings is None:
            return None
        return self._rows, self._findings


def incremental_checks(db: store.Store, *, added: Sequence[Entry],
                       removed_docs: Iterable[str], rules: Rules,
                       stored_findings: Sequence[Finding] | None = None) -> Delta | None:
    """The checks of a run that adds ``added`` and deletes ``removed_docs`` (doc ids).

    None when a check without a block structure is enabled (the caller runs everything).
    ``stored_findings``: the last run's findings when already read (:class:`Preload`).
    """
    removed = set(removed_docs)
    new_claims = [c for e in added for c in e.claims]
    checks.define_claim_units(rules, new_claims)  # blocked as the records will block them
    cache = checks.UnitCache(rules)
    blocks_added = [(check, block, c.id, c.doc_id) for c in new_claims
                    for check, block in checks.claim_blocks(c, rules, cache)]
    check_pairs = db.blocks_of_docs(removed) | {(b[0], b[1]) for b in blocks_added}
    if any(block == checks.block_text(checks.WHOLE_CORPUS) for _, block in check_pairs):
        return None
    pairs = check_pairs | {p for doc in [*removed, *(e.document.id for e in added)]
                           for p in checks.document_blocks(doc)}
    stored = [cid for cid, doc in db.block_members(check_pairs) if doc not in removed]
    members = [*db.claims_by_id(sorted(set(stored))).values(), *new_claims]
    fresh = [*checks.records(members, rules=rules, only=check_pairs, cache=cache),
             *document_records(added)]
    old_ids = db.records_in(pairs)
    affected = old_ids | {r.finding.id for r in fresh}
    others = [checks.Record(r.check, checks.block_of_text(r.block), r.seq, r.mode,
                            Finding.model_validate_json(r.finding))
              for r in db.records_of(sorted(affected)) if (r.check, r.block) not in pairs]
    winners = checks.replay([*others, *fresh])
    last = db.findings() if stored_findings is None else stored_findings
    previous = [f for f in last if f.id not in affected]
    change = store.StateChange(
        docs_removed=sorted(removed),
        claims_added=[claim_state(c) for c in new_claims],
        blocks_added=blocks_added,
        record_blocks=pairs,
        records_added=[record_state(r) for r in fresh],
        findings_removed=sorted(affected),
        findings_added=[(f.id, f.model_dump_json()) for f in winners],
    )
    return Delta(findings=run_order([*previous, *winners]), change=change)


def store_view(db: store.Store, items: Sequence[Item], entries: Mapping[str, Entry],
               removed: Collection[str], *, stamp: str,
               stored_rows: Sequence[rows.ClaimRow] | None = None) -> rows.View:
    """The view of an incremental run: stored rows of the unchanged part, new rows of the
    rest (``entries``: the new documents' results; ``removed``: ids of deleted documents);
    full claims and documents read from the store on demand. ``stored_rows``: the last
    run's claim rows when already read (:class:`Preload`)."""
    new_claims = {c.id: c for e in entries.values() for c in e.claims}
    claim_rows = [r for r in (db.claim_rows() if stored_rows is None else stored_rows)
                  if r.doc_id not in removed and r.id not in new_claims]
    claim_rows += [rows.claim_row(c) for c in new_claims.values()]
    claim_rows.sort(key=operator.attrgetter("doc_id", "start", "id"))  # run order
    by_id = {i.row.id: i for i in items}
    live = [db]
    owner = [os.getpid()]

    def connection() -> store.Store:
        """The run's store, or (asked after the run, or in a process forked to write some
        of the files: a connection must not cross a fork) a new connection to it."""
        if live[0].closed or owner[0] != os.getpid():
            live[0] = store.Store(db.path)
            owner[0] = os.getpid()
        return live[0]

    def load_claims(ids: Sequence[str]) -> dict[str, Claim]:
        found = {i: new_claims[i] for i in ids if i in new_claims}
        found.update(connection().claims_by_id([i for i in ids if i not in found]))
        return found

    def load_documents(ids: Sequence[str]) -> dict[str, Document]:
        found: dict[str, Document] = {}
        for doc_id in ids:
            item = by_id.get(doc_id)
            if item is None:
                continue
            entry = entries.get(doc_id)
            document = item.document or (entry.document if entry else None) \
                or connection().document(item.key, stamp)
            if document is None:
                continue
            if document.path != item.path:
                document = document.moved(item.path)
            found[doc_id] = document
        return found

    return rows.View(docs=sorted((i.row for i in items), key=lambda r: (r.path, r.id)),
                     claims=claim_rows, findings=[], skipped=[],
                     load_claims=load_claims, load_documents=load_documents)


def last_run_view(db: store.Store) -> rows.View | None:
    """The last run kept in ``db`` as a view: its documents, claims, findings (in run order,
    before reviews) and skipped files; None when ``db`` holds no finished run's state (a
    store written before the state was kept)."""
    meta = db.meta()
    stamp = meta.get("last_run")
    if not stamp or "skipped" not in meta:
        return None
    items = [Item.stored(path, doc) for path, doc in db.run_docs().items()]
    view = store_view(db, items, {}, set(), stamp=stamp)
    view.findings = db.findings_in_run_order()
    view.skipped = [Skip.model_validate(s) for s in json.loads(meta["skipped"])]
    return view
