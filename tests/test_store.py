"""The claim store: round trips, fingerprints, dropping stale rows, findings, WAL."""

from __future__ import annotations

import gc
import sqlite3

import pytest

from pipeline.collector import paused_gc
from pipeline.extract.results import Entry
from pipeline.models import (
    Claim,
    Document,
    Finding,
    Normalized,
    Quantity,
    RepairedText,
    Span,
)
from pipeline.state.store import Key, Store, open_store


def make_entry(text: str = "Acme is worth $2 billion.") -> Entry:
    import hashlib

    sha = hashlib.sha256(text.encode()).hexdigest()
    document = Document(id=sha[:16], path="a.txt", text=text, sha256=sha)
    start = text.index("$")
    span = Span(doc_id=document.id, start=start, end=start + 10, text=text[start:start + 10])
    quantity = Quantity(span=span, value=2e9, low=2e9, high=2e9, unit="USD", currency="USD")
    claim = Claim(id="c-1", doc_id=document.id, span=span, sentence=text, subject="Acme",
                  metric="valuation", quantity=quantity,
                  normalized=Normalized(low=2e9, high=2e9, unit="USD"))
    return Entry(document=document, repaired=RepairedText(doc_id=document.id, text=text),
                 quantities=(quantity,), claims=(claim,))


def test_round_trip_gives_equal_models(tmp_path):
    entry = make_entry()
    key = Key(raw_sha="ab" * 32, suffix=".txt")
    with open_store(tmp_path) as db:
        assert db.put_many([(key, entry)], "fp1") == 1
        assert db.get(key, "fp1") == entry


@pytest.mark.parametrize("key,fingerprint", [
    pytest.param(Key(raw_sha="ab" * 32, suffix=".txt"), "fp2", id="other-fingerprint"),
    pytest.param(Key(raw_sha="cd" * 32, suffix=".txt"), "fp1", id="other-bytes"),
    pytest.param(Key(raw_sha="ab" * 32, suffix=".html"), "fp1", id="other-suffix"),
])
def test_lookup_misses_when_anything_in_the_key_differs(tmp_path, key, fingerprint):
    with open_store(tmp_path) as db:
        db.put_many([(Key(raw_sha="ab" * 32, suffix=".txt"), make_entry())], "fp1")
        assert db.get(key, fingerprint) is None


def test_keep_only_drops_deleted_and_stale_rows(tmp_path):
    kept, deleted = Key("11" * 32, ".txt"), Key("22" * 32, ".txt")
    with open_store(tmp_path) as db:
        db.put_many([(kept, make_entry("Kept $1.")), (deleted, make_entry("Gone $2."))], "new")
        db.put_many([(kept, make_entry("Kept $1."))], "old")
        assert db.count() == 3
        assert db.keep_only([kept], "new") == 2
        assert db.count() == 1
        assert db.get(kept, "new") is not None


def test_findings_are_replaced_by_each_run(tmp_path):
    def finding(fid: str) -> Finding:
        return Finding(id=fid, kind="contradiction", severity="high", subject="Acme",
                       metric="valuation", claims=("c-1", "c-2"), explanation="differ",
                       check="value_mismatch.v1")

    with open_store(tmp_path) as db:
        db.set_findings([finding("f-1"), finding("f-2")])
        db.set_findings([finding("f-2"), finding("f-3")])
        assert db.finding_ids() == {"f-2", "f-3"}
        assert [f.id for f in db.findings()] == ["f-2", "f-3"]


def test_uses_wal_and_survives_reopening(tmp_path):
    with open_store(tmp_path) as db:
        db.put_many([(Key("11" * 32, ".txt"), make_entry())], "fp")
        db.set_meta(last_run="fp")
    mode = sqlite3.connect(tmp_path / "claims.db").execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"
    with Store(tmp_path / "claims.db") as db:
        assert db.count() == 1 and db.meta()["last_run"] == "fp"


def test_failed_transaction_leaves_no_partial_rows(tmp_path):
    bad_sha = "22" * 32
    with open_store(tmp_path) as db:
        pass
    raw = sqlite3.connect(tmp_path / "claims.db")
    raw.execute(f"CREATE TRIGGER refuse BEFORE INSERT ON documents WHEN NEW.raw_sha = "
                f"'{bad_sha}' BEGIN SELECT RAISE(ABORT, 'refused'); END")
    raw.commit()
    raw.close()
    with open_store(tmp_path) as db:
        with pytest.raises(sqlite3.DatabaseError, match="refused"):
            db.put_many([(Key("11" * 32, ".txt"), make_entry()),
                         (Key(bad_sha, ".txt"), make_entry())], "fp")
        assert db.count() == 0


def test_corrupt_database_is_a_clean_error(tmp_path):
    from pipeline.errors import OutputError

    (tmp_path / "claims.db").write_bytes(b"this is not a database" * 100)
    with pytest.raises(OutputError, match="claim store"):
        open_store(tmp_path)


def test_quantities_can_be_left_unread_but_such_entries_are_not_stored(tmp_path):
    key = Key(raw_sha="ab" * 32, suffix=".txt")
    with open_store(tmp_path) as db:
        db.put_many([(key, make_entry())], "fp")
        light = db.get(key, "fp", quantities=False)
        assert light is not None and light.quantities is None
        assert light.claims == make_entry().claims
        with pytest.raises(ValueError, match="without its quantities"):
            db.put_many([(key, light)], "fp")
        assert db.get(key, "fp") == make_entry()


@pytest.mark.parametrize("enabled", [True, False], ids=["was-on", "was-off"])
def test_paused_gc_restores_the_collector_even_on_error(enabled):
    before = gc.isenabled()
    (gc.enable if enabled else gc.disable)()
    try:
        with pytest.raises(RuntimeError), paused_gc():
            assert not gc.isenabled()
            raise RuntimeError("boom")
        assert gc.isenabled() == enabled
    finally:
        (gc.enable if before else gc.disable)()


def test_claim_rows_come_back_as_the_rows_stored(tmp_path):
    """The last run's claim rows are read back as ``ClaimRow`` tuples equal to those stored
    (made in one C loop); a stored row of the wrong length is an error, not a short row."""
    import json

    from pipeline.state.rows import ClaimRow
    from pipeline.state.store import StateChange

    rows = [ClaimRow("c1", "d1", 4, "Acme", "revenue", "USD", 1e9, 2e9, "asserted", None,
                     "$1bn", "ab12"),
            ClaimRow("c2", "d1", 9, None, "unknown", "", None, None, "quoted", "2024",
                     "x", "cd34")]
    with Store(tmp_path / "c.db") as db:
        db.update_state(StateChange(claims_added=[
            (r.id, r.doc_id, json.dumps(list(r)), "{}") for r in rows]))
        back = db.claim_rows()
        assert back == rows and all(type(r) is ClaimRow for r in back)
        assert back[0].surface == "$1bn" and back[1].as_of == "2024"
        db.update_state(StateChange(claims_added=[("c3", "d2", json.dumps(["c3"]), "{}")]))
        with pytest.raises(TypeError):
            db.claim_rows()
