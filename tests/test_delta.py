"""Incremental runs (pipeline.state.delta) give a clean run's output, whatever the corpus went
through.

A seeded random walk over corpus edits — new articles named to sort anywhere, deletions,
edits, renames, touched files, duplicates, an unreadable file, a review decision — runs
``api.extract`` on one output folder after every step and compares every output file with a
clean run into a fresh folder, byte for byte. The last run's state must also make the next
run incremental (nothing re-parsed, only the changed pieces of each file rendered).
"""

from __future__ import annotations

import os
import random
import re
import shutil
from pathlib import Path

import pytest

from pipeline import api, review
from pipeline.check import checks
from tests.conftest import DATA, ROOT, output_files

pytestmark = pytest.mark.model

RULES = ROOT / "rules"


def sentences() -> list[str]:
    """Sentences of the seed articles and the tiny corpus (real news text, mixed subjects)."""
    found: list[str] = []
    for path in [*sorted((ROOT / "corpus").glob("*.txt")), *sorted((DATA / "tiny").iterdir())]:
        for paragraph in path.read_text(encoding="utf-8").split("\n"):
            found += [s.strip() for s in re.split(r"(?<=[.!?])\s+", paragraph)
                      if len(s.strip()) > 30 and not s.startswith("#")]
    return found


def article(rng: random.Random, pool: list[str]) -> str:
    chosen = rng.sample(pool, 6)
    return "\n\n".join(" ".join(chosen[i:i + 2]) for i in range(0, 6, 2)) + "\n"


def clean_run(corpus: Path, folder: Path, out: Path) -> api.RunResult:
    """A run into a fresh folder holding only the review decisions recorded in ``out``."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    if (out / review.REVIEWS_FILE).exists():
        shutil.copy(out / review.REVIEWS_FILE, folder / review.REVIEWS_FILE)
    return api.extract(corpus, out=folder, rules_dir=RULES)


def extracted_corpus(tmp_path: Path, rng: random.Random, pool: list[str], size: int
                     ) -> tuple[Path, Path]:
    """A corpus of ``size`` random articles and the output folder of a first run over it."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for i in range(size):
        (corpus / f"m{i:02d}.txt").write_text(article(rng, pool))
    out = tmp_path / "out"
    api.extract(corpus, out=out, rules_dir=RULES)
    return corpus, out


def test_random_edits_keep_incremental_output_equal_to_a_clean_run(tmp_path):
    rng = random.Random(8)
    pool = sentences()
    corpus, out = extracted_corpus(tmp_path, rng, pool, 8)
    steps = ["add_front", "add_end", "delete", "edit", "rename", "touch", "duplicate",
             "unreadable", "review", "add_two"]
    for step_no, step in enumerate(steps):
        names = sorted(p.name for p in corpus.iterdir())
        victim = corpus / rng.choice([n for n in names if n.endswith(".txt")])
        if step == "add_front":
            (corpus / f"a{step_no}.txt").write_text(article(rng, pool))
        elif step == "add_end":
            (corpus / f"z{step_no}.md").write_text(article(rng, pool))
        elif step == "add_two":
            (corpus / f"k{step_no}.txt").write_text(article(rng, pool))
            (corpus / f"q{step_no}.txt").write_text(article(rng, pool))
        elif step == "delete":
            victim.unlink()
        elif step == "edit":
            victim.write_text(victim.read_text() + rng.choice(pool) + "\n")
        elif step == "rename":
            victim.rename(corpus / f"0-renamed-{step_no}.txt")
        elif step == "touch":
            stat = victim.stat()
            os.utime(victim, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
        elif step == "duplicate":
            shutil.copy(victim, corpus / f"b-copy-{step_no}.txt")
        elif step == "unreadable":
            (corpus / f"c-bad-{step_no}.txt").write_bytes(b"\x00\x01binary\xff" * 50)
        elif step == "review":
            first = api.extract(corpus, out=out, rules_dir=RULES)
            target = next(f for f in first.findings if f.kind != "garbled")
            review.record(out, target.id, "dismissed", note="checked by hand")
            # the decision re-renders every file from the store's state, as a clean run would
            clean_run(corpus, tmp_path / "clean", out)
            assert output_files(out) == output_files(tmp_path / "clean")
        result = api.extract(corpus, out=out, rules_dir=RULES)
        clean_folder = tmp_path / "clean"
        clean = clean_run(corpus, clean_folder, out)
        assert result.incremental, step
        assert result.findings == clean.findings, step
        assert result.skipped == clean.skipped, step
        mine, theirs = output_files(out), output_files(clean_folder)
        assert mine.keys() == theirs.keys()
        assert [n for n in mine if mine[n] != theirs[n]] == [], step

    again = api.extract(corpus, out=out, rules_dir=RULES)
    assert again.parsed == 0
    assert sum(s.rendered for s in again.output_stats.values()) <= 20  # headers, counts


def test_an_added_article_is_parsed_alone_and_rerenders_few_pieces(tmp_path):
    rng = random.Random(3)
    pool = sentences()
    corpus, out = extracted_corpus(tmp_path, rng, pool, 12)
    (corpus / "new.txt").write_text(article(rng, pool))
    result = api.extract(corpus, out=out, rules_dir=RULES)
    assert result.parsed == 1 and result.reused == 12
    reused = sum(s.bytes_reused for s in result.output_stats.values())
    rendered = sum(s.bytes_rendered for s in result.output_stats.values())
    assert reused > rendered  # most of every file is copied, not rendered again


def test_incremental_checks_equal_checks_over_every_claim(rules):
    """Records of some blocks, computed from only those blocks' claims, equal the same
    blocks' records in a run over everything; replaying all records gives run_checks."""
    result = api.extract(ROOT / "corpus", out=Path(os.environ.get("TMPDIR", "/tmp"))
                         / f"claims-delta-{os.getpid()}", rules_dir=RULES)
    claims = result.claims
    everything = checks.records(claims, rules=rules)
    assert checks.replay(everything) and sorted(
        f.id for f in checks.replay(everything)) == sorted(
        f.id for f in checks.run_checks(claims, rules=rules))
    rng = random.Random(5)
    cache = checks.UnitCache(rules)
    pairs = sorted({p for c in claims for p in checks.claim_blocks(c, rules, cache)})
    for _ in range(20):
        chosen = set(rng.sample(pairs, max(1, len(pairs) // 4)))
        members = [c for c in claims
                   if chosen & set(checks.claim_blocks(c, rules, cache))]
        part = checks.records(members, rules=rules, only=chosen)
        expected = [r for r in everything
                    if (r.check, checks.block_text(r.block)) in chosen]
        assert part == expected


def test_a_file_rewritten_with_the_same_size_and_mtime_is_read_again(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    article_path = corpus / "a.txt"
    article_path.write_text("Acme raised $5 million in 2024.\n")
    out = tmp_path / "out"
    first = api.extract(corpus, out=out, rules_dir=RULES)
    before = article_path.stat()
    article_path.write_text("Acme raised $7 million in 2024.\n")  # same length
    os.utime(article_path, ns=(before.st_atime_ns, before.st_mtime_ns))  # as `cp -p` does
    again = api.extract(corpus, out=out, rules_dir=RULES)
    assert again.parsed == 1 and again.incremental
    assert {c.quantity.value for c in again.claims} == {7e6}
    assert {c.quantity.value for c in first.claims} == {5e6}


def test_an_unnamed_figure_rechecks_no_named_block_and_equals_a_clean_run(tmp_path,
                                                                          monkeypatch):
    """A figure of an organisation its article never names may be any subject's: it is
    compared in every letter's block of its metric. It changes none of the named figures'
    findings, so adding it re-checks none of their partitions, and the output is still a
    clean run's."""
    from pipeline.check import policy

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("Acme Corp reported revenue of $5.1 billion for 2024, the "
                                  "company said on Tuesday.\n\nAnalysts had expected more.\n")
    (corpus / "b.txt").write_text("Globex said its revenue reached $3.4 billion in 2024.\n")
    (corpus / "c.txt").write_text("Acme Corp's revenue was $5.9 billion in 2024, according "
                                  "to a filing.\n")
    out = tmp_path / "out"
    first = api.extract(corpus, out=out, rules_dir=RULES)
    (corpus / "new.txt").write_text("The company said its revenue was $6.3 billion in "
                                    "2024.\n\nIt did not say how many people it employs.\n")
    named: list[tuple[str, ...]] = []
    original = policy._partition_findings

    def spy(figures, ctx, ident, *, reason=None, **kw):
        if reason is None:
            named.append(ident)  # a partition of named figures compared again
        return original(figures, ctx, ident, reason=reason, **kw)

    monkeypatch.setattr(policy, "_partition_findings", spy)
    result = api.extract(corpus, out=out, rules_dir=RULES)
    assert result.incremental and result.parsed == 1
    assert named == []
    assert any(c.subject is None for c in result.claims)
    new = [f for f in result.findings if f.id not in {g.id for g in first.findings}]
    assert {f.subject for f in new} >= {"Acme Corp", "Globex"}  # compared in both letters
    monkeypatch.setattr(policy, "_partition_findings", original)
    clean = clean_run(corpus, tmp_path / "clean", out)
    assert result.findings == clean.findings
    mine, theirs = output_files(out), output_files(tmp_path / "clean")
    assert [n for n in mine if mine.get(n) != theirs.get(n)] == [] and mine.keys() == theirs.keys()
