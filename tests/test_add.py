"""``claims add``: copy into the corpus safely, reject duplicates, report new findings."""

from __future__ import annotations

import gc
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline import api
from pipeline.errors import InputError
from tests.conftest import DATA, ROOT, output_files

pytestmark = pytest.mark.model

NEW_ARTICLE = ("Acme Robotics valuation cut\n\nA filing shows Acme Robotics was valued at "
               "$9 billion in its latest round, far above earlier reports.\n")


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pipeline.cli", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=600)


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    for path in sorted((DATA / "tiny").iterdir()):
        shutil.copy(path, folder / path.name)
    return folder


def test_add_copies_rejects_duplicates_and_prints_new_findings(tmp_path, corpus):
    out = tmp_path / "out"
    before = api.extract(corpus, out=out, rules_dir=ROOT / "rules")
    incoming = tmp_path / "incoming"
    incoming.mkdir()
    (incoming / "delta.txt").write_text(NEW_ARTICLE)
    shutil.copy(corpus / "alpha.txt", incoming / "alpha-copy.txt")
    result = run("add", str(incoming / "delta.txt"), str(incoming / "alpha-copy.txt"),
                 "--corpus", str(corpus), "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "\x1b" not in result.stdout  # not a terminal: no progress bar, no colours
    lines = result.stdout.splitlines()
    assert f"added {corpus / 'delta.txt'}" in lines
    assert [ln for ln in lines if ln.startswith("rejected")] == [
        f"rejected {incoming / 'alpha-copy.txt'}: duplicate of alpha.txt (same content)"]
    assert (corpus / "delta.txt").read_text() == NEW_ARTICLE
    assert not (corpus / "alpha-copy.txt").exists()

    findings = json.loads((out / "contradictions.json").read_text())["findings"]
    new_ids = {f["id"] for f in findings} - {f.id for f in before.findings}
    assert new_ids, "the new article should contradict the corpus"
    assert f"new findings: {len(new_ids)}" in lines
    for finding_id in new_ids:
        assert any(ln.strip().startswith(finding_id) for ln in lines)


def test_add_runs_a_baseline_first_when_the_output_folder_is_new(tmp_path, corpus):
    source = tmp_path / "delta.txt"
    source.write_text(NEW_ARTICLE)
    out = tmp_path / "out"
    result = api.add([source], corpus=corpus, out=out, rules_dir=ROOT / "rules")
    baseline_out = tmp_path / "baseline"
    (corpus / "delta.txt").unlink()
    baseline = api.extract(corpus, out=baseline_out, rules_dir=ROOT / "rules")
    assert {f.id for f in result.new_findings} == \
        {f.id for f in result.run.findings} - {f.id for f in baseline.findings}


def _warm_workers(monkeypatch) -> list:
    from pipeline.extract import process

    started = []
    real = process.Warm.start

    def start(*args, **kwargs):
        warm = real(*args, **kwargs)
        started.append((warm, warm.pid))
        return warm

    monkeypatch.setattr(process.Warm, "start", start)
    return started


def test_add_parses_in_the_worker_it_started_first(tmp_path, corpus, monkeypatch):
    # the parse worker is forked (loading the model) before the article is copied and the
    # corpus scanned; the run takes it, and the outputs are those of a run from scratch
    out = tmp_path / "out"
    api.extract(corpus, out=out, rules_dir=ROOT / "rules")
    started = _warm_workers(monkeypatch)
    source = tmp_path / "delta.txt"
    source.write_text(NEW_ARTICLE)
    api.add([source], corpus=corpus, out=out, rules_dir=ROOT / "rules")
    [(warm, pid)] = started
    assert warm.pid is None  # taken by the run (a close() would also leave None)
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)  # and reaped
    fresh = tmp_path / "fresh"
    api.extract(corpus, out=fresh, rules_dir=ROOT / "rules")
    for name in ("claims.jsonl", "contradictions.json", "report.html"):
        assert (out / name).read_bytes() == (fresh / name).read_bytes()


def test_add_reads_the_stored_rows_with_the_collector_paused(tmp_path, corpus, monkeypatch):
    # while the worker parses the article, the run reads the last run's rows and findings
    # (delta.Preload); the collector stays paused meanwhile (collecting would rescan the heap
    # the read grows), and the outputs are those of a fresh run
    out = tmp_path / "out"
    api.extract(corpus, out=out, rules_dir=ROOT / "rules")
    collecting: list[bool] = []
    real_process = api._process

    def process(*args, **kwargs):  # type: ignore[no-untyped-def]
        collecting.append(gc.isenabled())  # while the stored rows are being read
        return real_process(*args, **kwargs)

    monkeypatch.setattr(api, "_process", process)
    source = tmp_path / "delta.txt"
    source.write_text(NEW_ARTICLE)
    result = api.add([source], corpus=corpus, out=out, rules_dir=ROOT / "rules")
    assert result.run is not None and result.run.incremental
    assert collecting == [False]
    fresh = tmp_path / "fresh"
    api.extract(corpus, out=fresh, rules_dir=ROOT / "rules")
    assert output_files(out) == output_files(fresh)


def test_an_add_that_adds_nothing_stops_its_worker(tmp_path, corpus, monkeypatch):
    out = tmp_path / "out"
    api.extract(corpus, out=out, rules_dir=ROOT / "rules")
    started = _warm_workers(monkeypatch)
    result = api.add([corpus / "alpha.txt"], corpus=corpus, out=out, rules_dir=ROOT / "rules")
    assert result.run is None and result.rejected  # a duplicate: no run
    [(warm, pid)] = started
    assert warm.pid is None
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


def test_add_never_writes_through_a_symlinked_destination(tmp_path, corpus):
    outside = tmp_path / "outside.txt"
    outside.write_text("untouched\n")
    os.symlink(outside, corpus / "delta.txt")
    source = tmp_path / "delta.txt"
    source.write_text(NEW_ARTICLE)
    result = api.add([source], corpus=corpus, out=tmp_path / "out", rules_dir=ROOT / "rules")
    assert outside.read_text() == "untouched\n"
    assert [p.name for p in result.added] == ["delta-2.txt"]
    assert (corpus / "delta-2.txt").read_text() == NEW_ARTICLE
    assert not (corpus / "delta-2.txt").is_symlink()


@pytest.mark.parametrize("name,reason", [
    ("notes.pdf", "not an article file type"),
    (".hidden.txt", "a hidden name"),
], ids=["suffix", "hidden"])
def test_add_rejects_unusable_names(tmp_path, corpus, name, reason):
    source = tmp_path / name
    source.write_text(NEW_ARTICLE)
    before = sorted(p.name for p in corpus.iterdir())
    result = api.add([source], corpus=corpus, out=tmp_path / "out", rules_dir=ROOT / "rules")
    assert result.added == [] and result.run is None
    assert len(result.rejected) == 1 and reason in result.rejected[0].reason
    assert sorted(p.name for p in corpus.iterdir()) == before


def test_traversal_in_a_source_path_lands_inside_the_corpus(tmp_path, corpus):
    deep = tmp_path / "a" / "b"
    deep.mkdir(parents=True)
    (tmp_path / "a" / "delta.txt").write_text(NEW_ARTICLE)
    result = api.add([str(deep / ".." / "delta.txt")], corpus=corpus, out=tmp_path / "out",
                     rules_dir=ROOT / "rules")
    assert [p.parent for p in result.added] == [corpus]
    assert not (tmp_path / "delta.txt").exists()


def test_add_expands_globs(tmp_path, corpus):
    incoming = tmp_path / "incoming"
    incoming.mkdir()
    (incoming / "one.txt").write_text(NEW_ARTICLE)
    (incoming / "two.md").write_text(NEW_ARTICLE.replace("$9 billion", "$7 billion"))
    result = api.add([str(incoming / "*")], corpus=corpus, out=tmp_path / "out",
                     rules_dir=ROOT / "rules")
    assert sorted(p.name for p in result.added) == ["one.txt", "two.md"]
    assert result.rejected == []


@pytest.mark.parametrize("missing", ["missing.txt", "nomatch-*.txt"])
def test_add_of_a_missing_source_adds_nothing(tmp_path, corpus, missing):
    """A missing file (or a pattern matching nothing) is a mistake in the command: one error,
    nothing copied, nothing run (issue 13)."""
    incoming = tmp_path / "incoming"
    incoming.mkdir()
    (incoming / "one.txt").write_text(NEW_ARTICLE)
    before = sorted(p.name for p in corpus.iterdir())
    with pytest.raises(InputError, match="nothing was added") as caught:
        api.add([str(incoming / "one.txt"), str(tmp_path / missing)], corpus=corpus,
                out=tmp_path / "out", rules_dir=ROOT / "rules")
    assert str(tmp_path / missing) in str(caught.value)
    assert sorted(p.name for p in corpus.iterdir()) == before
    assert not (tmp_path / "out").exists()


def test_add_help_names_the_options():
    result = run("add", "--help")
    assert result.returncode == 0
    for option in ("--corpus", "--out", "--rules", "--jobs", "--scheduler"):
        assert option in result.stdout
