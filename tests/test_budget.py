"""Hostile and data-heavy articles (issue 19): the per-article budget of the per-document
stages, and linear growth of every stage on the fast cases of ``benchmarks/attacks.py``.

Growth is asserted by comparing two sizes in one run (never an absolute time): doubling an
article's hostile part may at most about double the time its stages take."""

from __future__ import annotations

import importlib.util
import os
import re
import sys
import time
from pathlib import Path

import pytest

from pipeline import api
from pipeline.extract import parse, process, quantities

ROOT = Path(__file__).resolve().parent.parent

GOOD = ("Harbour Freight Ltd said on Tuesday that it handled 2.4 million containers in 2025.\n"
        "Revenue rose to $1.9 billion, the company said.\n")
SLOW = ("Gridlock Metals said on Monday its output reached 40,000 tonnes in 2025, and its "
        "chief executive said the marker SPIN-FOREVER should never be read.\n")


def _spin_on_marker(real):
    """``extract_quantities`` that never ends on a text with the marker (a stand-in for a
    loop no Python signal reaches); the forked worker inherits the patch."""
    def patched(text, **kwargs):
        while "SPIN-FOREVER" in text:
            pass
        return real(text, **kwargs)
    return patched


def _corpus(tmp_path: Path) -> Path:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "good.txt").write_text(GOOD, encoding="utf-8")
    (corpus / "slow.txt").write_text(SLOW, encoding="utf-8")
    return corpus


def test_article_over_the_budget_is_skipped_with_one_line_and_remembered(tmp_path,
                                                                         monkeypatch):
    corpus = _corpus(tmp_path)
    out = tmp_path / "out"
    real = quantities.extract_quantities
    monkeypatch.setattr(quantities, "extract_quantities", _spin_on_marker(real))
    result = api.extract(corpus, out=out, rules_dir=ROOT / "rules", article_timeout=1)
    skipped = {s.path: s.reason for s in result.skipped}
    assert list(skipped) == ["slow.txt"]
    assert "quantities stage" in skipped["slow.txt"]
    assert "1 CPU seconds" in skipped["slow.txt"]
    assert "\n" not in skipped["slow.txt"]
    assert {c.doc_id for c in result.claims} == {d.id for d in result.documents}
    assert [d.path for d in result.documents] == ["good.txt"]
    assert any(c.quantity.unit for c in result.claims)  # the good article's figures
    assert "slow.txt" in (out / "contradictions.json").read_text("utf-8")

    # the next run skips the same bytes at once (the stage is never entered again)...
    def never(text, **kwargs):
        assert "SPIN-FOREVER" not in text, "a remembered failure was tried again"
        return real(text, **kwargs)

    monkeypatch.setattr(quantities, "extract_quantities", never)
    (corpus / "other.txt").write_text(GOOD.replace("Harbour", "Mooring"), encoding="utf-8")
    again = api.extract(corpus, out=out, rules_dir=ROOT / "rules", article_timeout=1)
    assert {s.path: s.reason for s in again.skipped} == skipped
    # ... and retries it once it changed
    (corpus / "slow.txt").write_text(SLOW.replace("SPIN-FOREVER ", ""), encoding="utf-8")
    fixed = api.extract(corpus, out=out, rules_dir=ROOT / "rules", article_timeout=1)
    assert fixed.skipped == []
    assert "slow.txt" in {d.path for d in fixed.documents}


def test_a_larger_budget_retries_a_remembered_article(tmp_path, monkeypatch):
    corpus = _corpus(tmp_path)
    out = tmp_path / "out"
    real = quantities.extract_quantities
    monkeypatch.setattr(quantities, "extract_quantities", _spin_on_marker(real))
    api.extract(corpus, out=out, rules_dir=ROOT / "rules", article_timeout=0.5)
    calls = []

    def counted(text, **kwargs):
        calls.append("SPIN-FOREVER" in text)
        return _spin_on_marker(real)(text, **kwargs)

    monkeypatch.setattr(quantities, "extract_quantities", counted)
    result = api.extract(corpus, out=out, rules_dir=ROOT / "rules", article_timeout=1)
    assert [s.path for s in result.skipped] == ["slow.txt"]
    assert "1 CPU seconds" in result.skipped[0].reason


def test_guarded_worker_gives_what_the_stages_give(rules, nlp):
    from pipeline.models import Document

    docs = [Document(id=f"d{i}", path=f"{i}.txt", source=f"{i}.txt", title=None,
                     text=GOOD.replace("Harbour", f"Harbour{i}"), sha256=f"{i:064d}")
            for i in range(3)]
    plain = list(process.process_documents(docs, nlp=nlp, rules=rules))
    guarded = list(process.process_guarded(docs, nlp=nlp, rules=rules))
    assert [e.claims for e in guarded] == [e.claims for e in plain]  # type: ignore[union-attr]


def _three_docs():
    from pipeline.models import Document

    return [Document(id=f"d{i}", path=f"{i}.txt", source=f"{i}.txt", title=None,
                     text=GOOD.replace("Harbour", f"Harbour{i}"), sha256=f"{i:064d}")
            for i in range(3)]


def _state(pid: int) -> str:
    with open(f"/proc/{pid}/stat", "rb") as handle:
        return handle.read().rsplit(b")", 1)[1].split()[0].decode()


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def test_warm_worker_gives_what_the_stages_give(rules, nlp):
    # a worker forked before its articles are known (claims add) loads the model first, then
    # runs them as a fresh worker does
    docs = _three_docs()
    plain = list(process.process_documents(docs, nlp=nlp, rules=rules))
    warm = process.Warm.start(lambda: nlp, rules=rules)
    assert warm is not None and warm.pid is not None
    pid = warm.pid
    guarded = list(process.process_guarded(docs, nlp=nlp, rules=rules, warm=warm))
    assert [e.claims for e in guarded] == [e.claims for e in plain]  # type: ignore[union-attr]
    assert warm.pid is None and _gone(pid)  # taken, then reaped by the run
    warm.close()  # nothing left to stop


def test_a_warm_worker_no_run_took_is_stopped(rules, nlp):
    warm = process.Warm.start(lambda: nlp, rules=rules)
    assert warm is not None and warm.pid is not None
    pid = warm.pid
    warm.close()
    assert warm.pid is None and _gone(pid)


def test_a_dead_warm_worker_is_replaced_by_a_fresh_one(rules, nlp):
    def broken():
        raise RuntimeError("the model cannot load")

    docs = _three_docs()
    warm = process.Warm.start(broken, rules=rules)
    assert warm is not None and warm.pid is not None
    pid = warm.pid
    deadline = time.monotonic() + 30
    while _state(pid) != "Z":  # it died loading (not reaped yet: the run reaps it)
        assert time.monotonic() < deadline
        time.sleep(0.01)
    guarded = list(process.process_guarded(docs, nlp=nlp, rules=rules, warm=warm))
    assert _gone(pid)  # reaped; a worker of the run's own did the articles
    plain = list(process.process_documents(docs, nlp=nlp, rules=rules))
    assert [e.claims for e in guarded] == [e.claims for e in plain]  # type: ignore[union-attr]


def test_article_timeout_must_be_positive(tmp_path):
    from pipeline.errors import InputError

    with pytest.raises(InputError, match="--article-timeout"):
        api.extract(_corpus(tmp_path), out=tmp_path / "out", rules_dir=ROOT / "rules",
                    article_timeout=0)


# --- linear growth of the fast attack cases ------------------------------------------------


def _attacks():
    spec = importlib.util.spec_from_file_location("_attacks", ROOT / "benchmarks" / "attacks.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("_attacks", module)
    spec.loader.exec_module(module)
    return module


def _stages_seconds(text: str, rules, nlp) -> float:
    from pipeline.models import Document

    doc = Document(id="d", path="bad.txt", source="bad.txt", title=None, text=text,
                   sha256="0" * 64)
    best = float("inf")
    for _ in range(2):
        start = time.process_time()
        list(process.process_documents([doc], nlp=nlp, rules=rules))
        best = min(best, time.process_time() - start)
    return best


@pytest.mark.parametrize("case", ["commas", "dollars", "minus-ones", "ones", "januaries",
                                  "figures-1k", "sentences-20k"])
def test_attack_cases_grow_linearly(case, rules, nlp):
    """Twice the hostile text at most about twice the time (quadratic growth would be 4x;
    the bound leaves room for noise on a shared machine)."""
    attacks = _attacks()
    chosen = attacks.BY_NAME[case]
    scale = {"figures-1k": 0.1, "sentences-20k": 0.005, "januaries": 0.01}.get(case, 0.005)
    small = _stages_seconds(chosen.text(scale), rules, nlp)
    large = _stages_seconds(chosen.text(scale * 4), rules, nlp)
    assert large < 4 * 2.0 * max(small, 0.05), (small, large)


def test_long_pieces_are_cut_and_text_is_kept(nlp):
    text = "revenue was " + "$" * 5000 + "40 million and " + "-1" * 3000 + " million.\n"
    plan = parse.parse_plan(text, [(5012, 5022)])
    assert max(end - start for start, end, _ in plan) <= parse.MAX_STRETCH
    assert all(end - start <= parse.MAX_SEGMENT for start, end in parse.segments(text))
    doc = next(iter(parse.parse_selected([(text, [(5012, 5022)])], nlp)))
    assert doc.text == text
    assert doc.char_span(5012, 5022, alignment_mode="expand") is not None


# --- many findings from one article -------------------------------------------------------


def test_one_article_of_many_near_identical_claims_makes_a_note_not_thousands(tmp_path):
    attacks = _attacks()
    corpus = attacks._corpus(tmp_path, "bad.txt", attacks.BY_NAME["sentences-20k"].text(0.01))
    result = api.extract(corpus, out=tmp_path / "out", rules_dir=ROOT / "rules")
    bad = {d.id for d in result.documents if d.path == "bad.txt"}
    assert sum(1 for c in result.claims if c.doc_id in bad) >= 200
    notes = [f for f in result.findings if "max_article_values" in f.explanation]
    assert len(notes) == 1 and notes[0].kind == "scope" and notes[0].severity == "info"
    assert re.search(r"one article gives \d{3} different values", notes[0].explanation)
    assert len(result.findings) < 10


def test_repetition_within_one_article_is_one_mention(tmp_path):
    once = ("Zeta Corp said its revenue was $12 million in 2025.\n")
    other = "Zeta Corp reported revenue of $19 million for 2025, the filing showed.\n"
    runs = []
    for n in (1, 50):
        folder = tmp_path / str(n)
        corpus = folder / "corpus"
        corpus.mkdir(parents=True)
        (corpus / "a.txt").write_text("Zeta Corp results\n\n" + once * n, encoding="utf-8")
        (corpus / "b.txt").write_text("Zeta Corp filing\n\n" + other, encoding="utf-8")
        result = api.extract(corpus, out=folder / "out", rules_dir=ROOT / "rules")
        runs.append(sorted((f.id, f.kind, len(f.claims)) for f in result.findings))
    assert [(i, k) for i, k, _ in runs[0]] == [(i, k) for i, k, _ in runs[1]]
    assert runs[1] and all(n <= 4 for _, _, n in runs[1])  # one mention per voice, not 50


# --- repeated sentences: framed once, claims unchanged ----------------------------------------


def _frames(text: str, rules, nlp, monkeypatch=None):
    from pipeline.extract import claims, repair
    from pipeline.extract.lexicon import lexicon_of
    from pipeline.models import Document

    doc = Document(id="d", path="r.txt", source="r.txt", title=None, text=text,
                   sha256="1" * 64)
    fixed = repair.repair(doc)
    qs = quantities.extract_quantities(fixed.text, doc_id="d", registry=rules.registry,
                                       lexicon=lexicon_of(rules), references=False)
    parsed = next(iter(parse.parse_selected(
        [(fixed.text, [(q.span.start, q.span.end) for q in qs])], nlp,
        context=process.CONTEXT_SENTENCES, lead=process.LEAD_SENTENCES)))
    if monkeypatch is not None:  # every figure framed afresh
        monkeypatch.setattr(claims._Repeats, "key", lambda self, *args: None)
    return claims.build_claims(doc, fixed, parsed, qs, rules=rules, registry=rules.registry)


def test_repeated_sentences_are_framed_as_when_framed_afresh(rules, nlp, monkeypatch):
    block = ("Korvel Mining said its output was 40,000 tonnes in 2025. It expects revenue of "
             "$90 million next year. The company said that is $5 million more.\n")
    other = ("Brightwater Inc. reported sales of $12 million. Its rival said the same. "
             "The company said that is $5 million more.\n")
    text = "Korvel Mining results\n\n" + "".join(
        block if i % 5 else other for i in range(40)) + block * 30
    once = _frames(text, rules, nlp)
    fresh = _frames(text, rules, nlp, monkeypatch)
    assert len(once) >= 200
    assert once == fresh


def test_repeated_article_grows_linearly_in_time_and_memory(rules, nlp):
    """An article of one sentence repeated (issue 19's 820 KB case, smaller): eight times the
    repetitions at most some eight times the CPU of its stages, and far less than eight times
    their peak memory (the parser's batches are bounded; what grows is the claims)."""
    import tracemalloc

    from pipeline.models import Document

    attacks = _attacks()

    def cost(n: int) -> tuple[float, int]:
        text = attacks.HEAD + attacks.ZETA * n + attacks.TAIL
        doc = Document(id="z", path="z.txt", source="z.txt", title=None, text=text,
                       sha256=f"{n:064d}")
        tracemalloc.start()
        start = time.process_time()
        entries = list(process.process_documents([doc], nlp=nlp, rules=rules))
        seconds = time.process_time() - start
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        assert len(entries[0].claims) == 2 * n + 1  # type: ignore[union-attr]
        return seconds, peak

    cost(20)  # warm up (units, memo tables)
    small, large = cost(200), cost(1600)
    assert large[0] < 8 * 2.0 * max(small[0], 0.05), (small, large)
    assert large[1] < 2.5 * small[1], (small, large)
