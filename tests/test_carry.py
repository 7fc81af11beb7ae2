"""Finding identity and carried-over decisions (issue 18 item 1): no review decision is ever
lost silently, whatever the corpus goes through.

A seeded random walk adds, edits and deletes articles and records, changes and reopens
decisions along the way; after every run each decision made before it is either on a
finding of the run (its own id, or a successor marked ``carried over from``, which the run
reports) or listed by ``claims review`` as a decision without its finding.
"""

from __future__ import annotations

import random
import re
import shutil
from pathlib import Path

import pytest

from pipeline import api, review
from pipeline.models import Finding
from tests.conftest import ROOT

RULES = ROOT / "rules"


def finding(fid: str, claims: tuple[str, ...], *, check: str = "interval_consistency.v2",
            kind: str = "contradiction") -> Finding:
    return Finding(id=fid, kind=kind, severity="high", subject="Acme", metric="revenue",  # type: ignore[arg-type]
                   claims=claims, explanation=f"{fid} explained", check=check)


MENTIONS = {"c1": "m1", "c2": "m2", "c3": "m3", "c4": "m4", "c1b": "m1", "c9": "m9"}


def decided(fid: str, claims: tuple[str, ...], status: review.Decision = "confirmed",
            **kw: object) -> review.ReviewBook:
    f = finding(fid, claims, **kw)  # type: ignore[arg-type]
    return review.decide(review.ReviewBook(), f, status, "a note",
                         mentions=review.mentions_of(f, MENTIONS))


def test_a_decision_moves_to_the_finding_sharing_its_mentions():
    book = decided("f-old", ("c1", "c2"))
    now = [finding("f-new", ("c1b", "c2", "c3")), finding("f-other", ("c9",))]
    moved, carried = review.carry_over(book, now, MENTIONS)
    assert carried == [review.Carry(old="f-old", new="f-new", status="confirmed")]
    assert set(moved.reviews) == {"f-new"}
    decision = moved.reviews["f-new"]
    assert decision.carried_from == ("f-old",) and decision.note == "a note"
    shown = review.apply_reviews(now, moved)[0]
    assert (shown.status, shown.note) == ("confirmed", "a note (carried over from f-old)")
    # a pure function of the decisions and the findings: nothing more to move
    assert review.carry_over(moved, now, MENTIONS) == (moved, [])


@pytest.mark.parametrize(("now", "why"), [
    ([finding("f-new", ("c9",))], "no shared mention"),
    ([finding("f-new", ("c1", "c2"), check="scope.v1")], "another check"),
], ids=["unrelated", "other-check"])
def test_a_decision_without_a_successor_stays_and_is_an_orphan(now, why):
    book = decided("f-old", ("c1", "c2"))
    moved, carried = review.carry_over(book, now, MENTIONS)
    assert carried == [] and moved == book, why
    assert set(review.orphans(now, moved)) == {"f-old"}


def test_a_finding_with_its_own_decision_takes_no_other():
    book = decided("f-old", ("c1", "c2"))
    own = review.decide(book, finding("f-new", ("c1", "c2", "c3")), "dismissed")
    moved, carried = review.carry_over(own, [finding("f-new", ("c1", "c2", "c3"))], MENTIONS)
    assert carried == [] and moved.reviews["f-new"].status == "dismissed"
    assert "f-old" in moved.reviews


def test_two_decisions_for_one_successor_the_closer_one_moves():
    book = decided("f-a", ("c1", "c2"))
    book = review.ReviewBook(reviews={**book.reviews, **decided(
        "f-b", ("c3",), "dismissed").reviews})
    moved, carried = review.carry_over(book, [finding("f-new", ("c1", "c2", "c3"))], MENTIONS)
    assert [(c.old, c.new) for c in carried] == [("f-a", "f-new")]
    assert set(moved.reviews) == {"f-new", "f-b"}  # f-b: listed as an orphan


# --------------------------------------------------------------------------- real runs


@pytest.mark.model
def test_confirming_then_adding_an_agreeing_article_keeps_the_decision(tmp_path):
    """The issue's scenario on the seeds: the Colossus GPU contradiction, confirmed, then an
    article repeating "roughly 555,000 Nvidia GPUs"."""
    corpus, out = tmp_path / "corpus", tmp_path / "out"
    shutil.copytree(ROOT / "corpus", corpus)
    first = api.extract(corpus, out=out, rules_dir=RULES)
    target = next(f for f in first.findings
                  if f.kind == "contradiction" and "555,000" in f.explanation)
    scope = next(f for f in first.findings if f.kind == "scope" and "555,000" in f.explanation)
    review.record(out, target.id, "confirmed", "555,000 is the sourced figure")
    review.record(out, scope.id, "dismissed")
    incoming = tmp_path / "incoming.md"
    incoming.write_text("# Memphis supercomputer grows\n\nThe Colossus site in Memphis now "
                        "houses roughly 555,000 Nvidia GPUs, according to people familiar "
                        "with the build.\n")
    added = api.add([incoming], corpus=corpus, out=out, rules_dir=RULES)
    assert added.run is not None
    after = {f.id: f for f in added.run.findings}
    assert (after[target.id].status, after[target.id].note) == (
        "confirmed", "555,000 is the sourced figure")
    assert len(after[target.id].claims) > len(target.claims)  # the new mention joined it
    assert after[scope.id].status == "dismissed"
    assert target.id not in {f.id for f in added.new_findings}
    assert added.run.carried == []
    assert review.listing(out).orphans == {}


def _check_nothing_lost(before: review.ReviewBook, out: Path, result: api.RunResult) -> None:
    after = review.load_reviews(out)
    found = review.listing(out, statuses=(), garbled=True)
    present = {f.id: f for f in found.findings}
    moved = {c.old: c.new for c in result.carried}
    for fid, decision in before.reviews.items():
        new = moved.get(fid, fid)
        assert new in after.reviews, f"decision on {fid} lost"
        kept = after.reviews[new]
        assert (kept.status, kept.note) == (decision.status, decision.note)
        if new != fid:
            assert kept.carried_from[-1] == fid
            assert f"carried over from {fid}" in (present[new].note or "")
        if new in present:
            assert present[new].status == decision.status
        else:
            assert new in found.orphans  # listed, can be dropped with --reopen
    assert set(after.reviews) == {moved.get(fid, fid) for fid in before.reviews}


def paragraphs() -> list[str]:
    """Paragraphs of the seed articles that hold a figure."""
    found = []
    for path in sorted((ROOT / "corpus").glob("*.txt")):
        found += [p.strip() for p in path.read_text(encoding="utf-8").split("\n\n")
                  if re.search(r"\d", p) and len(p.strip()) > 40]
    return found


def perturbed(rng: random.Random, text: str) -> str:
    """``text`` with one of its numbers changed (a new value in dispute), or as it is."""
    numbers = list(re.finditer(r"\d[\d,.]*\d|\d", text))
    if not numbers or rng.random() < 0.5:
        return text
    m = rng.choice(numbers)
    return text[:m.start()] + str(rng.choice([2, 3, 7, 12, 40, 90, 555])) + text[m.end():]


@pytest.mark.model
def test_random_walk_never_loses_a_decision(tmp_path):
    rng = random.Random(18)
    pool = paragraphs()
    corpus, out = tmp_path / "corpus", tmp_path / "out"
    shutil.copytree(ROOT / "corpus", corpus)
    result = api.extract(corpus, out=out, rules_dir=RULES)
    moves = 0
    for step_no in range(18):
        step = rng.choice(["add", "edit", "append", "delete", "decide", "decide", "reopen",
                           "decide_then_append"])
        names = sorted(p.name for p in corpus.iterdir())
        if step == "add":
            (corpus / f"n{step_no:02d}.txt").write_text(
                f"Report {step_no}\n\n" + "\n\n".join(
                    perturbed(rng, p) for p in rng.sample(pool, 3)) + "\n")
        elif step == "edit":
            victim = corpus / rng.choice(names)
            victim.write_text(perturbed(rng, victim.read_text()))
        elif step == "append":  # every claim id of the article changes
            victim = corpus / rng.choice(names)
            victim.write_text(victim.read_text() + "\n" + rng.choice(pool) + "\n")
        elif step == "delete" and len(names) > 3:
            (corpus / rng.choice(names)).unlink()
        elif step == "decide":
            for target in rng.sample(result.findings, min(4, len(result.findings))):
                status = rng.choice(["confirmed", "dismissed", "explained"])
                review.record(out, target.id, status, f"note {step_no}")  # type: ignore[arg-type]
        elif step == "decide_then_append":
            # a decision on a finding, then an edit of one of its articles
            target = rng.choice(result.findings)
            review.record(out, target.id, "explained", f"note {step_no}")
            _, mentions, _ = review.finding_in_full(out, target.id)
            victim = corpus / rng.choice(sorted({m.path for m in mentions}) or names)
            victim.write_text(victim.read_text() + "\n" + rng.choice(pool) + "\n")
        elif step == "reopen":
            book = review.load_reviews(out)
            if book.reviews:
                review.record(out, rng.choice(sorted(book.reviews)), None)
        before = review.load_reviews(out)
        result = api.extract(corpus, out=out, rules_dir=RULES)
        _check_nothing_lost(before, out, result)
        moves += len(result.carried)
    assert review.load_reviews(out).reviews, "the walk should end with decisions to check"
    assert moves, "the walk should move at least one decision to a successor"


# --------------------------------------------------------------------------- words


@pytest.mark.parametrize(("text", "expected"), [
    ("unit GPU vs GPU_equivalent", "unit GPU vs GPU equivalents"),
    ("$5B/fiscal_quarter apart", "$5B/quarter apart"),
    ("metric revenue_run_rate vs UNKNOWN", "metric revenue run rate (annualized) vs unknown"),
    ("a new_thing here", "a new thing here"),
    ('"snake_case figure" vs “other_text”, not_quoted',
     '"snake_case figure" vs “other_text”, not quoted'),
    ("000_fc05c8524abc8104.txt chars 1-2", "000_fc05c8524abc8104.txt chars 1-2"),
], ids=["unit", "per-period", "listed-and-unknown", "unlisted", "quotes-kept", "file-name"])
def test_internal_names_become_words_outside_quotes(text, expected, rules):
    from pipeline.check.checks import user_words
    assert user_words(text, rules.words.identifiers) == expected


def test_no_internal_name_in_the_committed_explanations():
    import json
    findings = json.loads((ROOT / "out" / "contradictions.json").read_text())["findings"]
    pattern = re.compile(r"\b[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)+\b|\bUNKNOWN\b")
    for f in findings:
        if f["kind"] == "garbled":
            continue  # quotes the article's glued text
        outside = re.sub(r'"[^"]*"|“[^”]*”', "", f["explanation"])
        assert not pattern.search(outside), f["explanation"]
