"""Repair stage: garbled-run detection, repair, offset map and findings (issue 4)."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.extract.repair import CHECK_NAME, garbled_findings, repair
from pipeline.models import Document, RepairedText

ROOT = Path(__file__).resolve().parent.parent
CASES = yaml.safe_load((Path(__file__).parent / "data" / "repair_cases.yaml").read_text("utf-8"))


def damage(text: str) -> str:
    """Simulate the renderer: text between two ``$`` signs is typeset as LaTeX math.

    Inside each pair the ``$`` signs and spaces vanish and ``'`` -> ``′``, ``**`` -> ``∗∗``,
    ``-`` -> ``−``, ``"`` -> ``”``; an unpaired last ``$`` is left alone.
    """
    parts = text.split("$")
    out = [parts[0]]
    i = 1
    while i + 1 < len(parts):
        math = parts[i].replace(" ", "").replace("**", "∗∗")
        out += [math.replace("'", "′").replace("-", "−").replace('"', "”"), parts[i + 1]]
        i += 2
    if i < len(parts):
        out.append("$" + parts[i])
    return "".join(out)


def document(text: str, path: str = "case.txt") -> Document:
    digest = hashlib.sha256(text.encode()).hexdigest()
    return Document(id=digest[:16], path=path, text=text, sha256=digest)


def assert_edits_consistent(original: str, result: RepairedText) -> None:
    """Replaying the edits over the original gives the repaired text; spans map inside it."""
    rebuilt, last_o, last_r = [], 0, 0
    for r_start, r_end, o_start, o_end in result.edits:
        assert last_r <= r_start <= r_end and last_o <= o_start <= o_end
        assert r_start - last_r == o_start - last_o  # unchanged text between edits
        rebuilt += [original[last_o:o_start], result.text[r_start:r_end]]
        last_o, last_r = o_end, r_end
    rebuilt.append(original[last_o:])
    assert "".join(rebuilt) == result.text
    for rep in result.repairs:
        assert original[rep.span.start:rep.span.end] == rep.original == rep.span.text


# --- tables -------------------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES["garbled"], ids=[c["id"] for c in CASES["garbled"]])
def test_garbled_text_is_repaired(case):
    result = repair(document(case["text"]))
    assert result.text == case["repaired"]
    assert result.repairs
    assert_edits_consistent(case["text"], result)
    assert repair(document(result.text)).repairs == (), "repaired text needs no more repair"


@pytest.mark.parametrize("case", CASES["clean"], ids=[c["id"] for c in CASES["clean"]])
def test_clean_text_is_untouched(case):
    result = repair(document(case["text"]))
    assert result.text == case["text"]
    assert result.repairs == () and result.edits == ()


@pytest.mark.parametrize("path", sorted((ROOT / "corpus").glob("00[1-4]_*.txt")),
                         ids=lambda p: p.name[:3])
def test_clean_seeds_are_untouched(path):
    text = path.read_text("utf-8")
    result = repair(document(text, path.name))
    assert result.text == text and result.repairs == ()


def _sentence_param(article: int, index: int):
    case_id = f"article{article}-{index}"
    reason = CASES["known_failures"].get(case_id)
    marks = [pytest.mark.xfail(reason=reason, strict=True)] if reason else []
    return pytest.param(article, index, id=case_id, marks=marks)


SENTENCES = [_sentence_param(a, i)
             for a, article in enumerate(CASES["articles"]) for i in range(len(article))]


@pytest.mark.parametrize("article,index", SENTENCES)
def test_damaged_sentence_is_recovered(article, index):
    sentences = CASES["articles"][article]
    clean = sentences[index]
    damaged = damage(clean)
    assert damaged != clean, "every table sentence holds a pair of $ figures"
    context = [s for i, s in enumerate(sentences) if i != index]
    text = "\n\n".join([damaged, *context])
    result = repair(document(text))
    assert result.text.split("\n\n")[0] == clean
    assert_edits_consistent(text, result)


def test_damage_simulates_the_renderer():
    assert damage("pay $10 billion for the startup's work or buy it for $60 billion") == \
        "pay 10billionforthestartup′sworkorbuyitfor60 billion"
    assert damage("a **$5-9 million** deal, then $3 alone") == \
        "a **5−9million∗∗deal,then3 alone"
    assert damage("only $5 here") == "only $5 here"


# --- seeds and stage behaviour ------------------------------------------------------------


@pytest.fixture(scope="module")
def seed_000() -> tuple[str, RepairedText]:
    spec = CASES["seed_000"]
    text = (ROOT / spec["path"]).read_text("utf-8")
    return text, repair(document(text, spec["path"]))


def test_seed_000_every_garbled_run_is_repaired(seed_000):
    text, result = seed_000
    assert len(result.repairs) >= CASES["seed_000"]["min_repairs"]
    assert not re.search(r"[′∗−]", result.text)
    assert not [t for t in re.findall(r"[A-Za-z]+", result.text) if len(t) > 20]
    assert_edits_consistent(text, result)


@pytest.mark.parametrize("figure", CASES["seed_000"]["figures"])
def test_seed_000_figures_are_readable(seed_000, figure):
    _, result = seed_000
    assert figure in result.text


def test_disabled_repair_returns_the_raw_text(seed_000):
    text, _ = seed_000
    result = repair(document(text), enabled=False)
    assert result.text == text and result.repairs == () and result.edits == ()


def test_document_vocabulary_keeps_names():
    text = "xAI and SpaceX. The 5billionpricecouldhelpSpaceXbuildxAIfor9 billion."
    with_vocab = repair(document(text)).text
    without = repair(document(text), document_vocabulary=False).text
    assert "help SpaceX build xAI for $9 billion" in with_vocab
    assert "help SpaceX build xAI" not in without


def test_repaired_span_maps_to_the_original_run(seed_000):
    text, result = seed_000
    start = result.text.index("$300 million a month")
    o_start, o_end = result.to_original(start, start + len("$300 million a month"))
    assert text[o_start:o_end] == "300millionamonth"
    start = result.text.index("$3.6 billion a year")
    o_start, o_end = result.to_original(start, start + len("$3.6 billion a year"))
    assert text[o_start:o_end] == "3.6 billion a year"


def test_garbled_findings_one_per_repair(seed_000):
    text, result = seed_000
    doc = document(text, "000.txt")
    findings = garbled_findings(doc, result)
    assert len(findings) == len(result.repairs)
    assert len({f.id for f in findings}) == len(findings)
    assert {f.kind for f in findings} == {"garbled"} and {f.check for f in findings} == {CHECK_NAME}
    first = findings[0]
    assert result.repairs[0].original in first.explanation
    assert result.repairs[0].repaired in first.explanation
    assert first.explanation.count(". ") == 0 or first.explanation.endswith(").")
    assert [f.id for f in garbled_findings(doc, repair(doc))] == [f.id for f in findings]


def test_finding_severity_follows_confidence(seed_000):
    text, result = seed_000
    doc = document(text)
    doubtful = result.model_copy(update={"repairs": tuple(
        r.model_copy(update={"confidence": c}) for r, c in zip(result.repairs, (0.95, 0.6, 0.3),
                                                                strict=False))})
    assert [f.severity for f in garbled_findings(doc, doubtful)] == ["info", "low", "medium"]


def test_clean_document_has_no_findings():
    doc = document("Revenue rose to $4 billion from $1 billion.")
    assert garbled_findings(doc, repair(doc)) == []


# --- properties ---------------------------------------------------------------------------

ALPHABET = st.sampled_from(list("abcdefghijklmnopqrstuvwxyzSX0123456789 ,.$'′∗−”“-/%\n") +
                           ["the", "billion", "for", "xAI", "â€™", "**", "∗∗", "𝑏𝑖𝑙𝑙", "ℎ"])


@settings(max_examples=150, deadline=None)
@given(st.lists(ALPHABET, max_size=60).map("".join))
def test_repair_never_raises_and_maps_inside_the_original(text):
    result = repair(document(text))
    assert_edits_consistent(text, result)
    n = len(result.text)
    for start in range(0, n + 1, max(1, n // 7)):
        for end in range(start, n + 1, max(1, n // 5)):
            o_start, o_end = result.to_original(start, end)
            assert 0 <= o_start <= o_end <= len(text)


WORDS = st.sampled_from(["the", "deal", "is", "worth", "$10", "$3.6", "billion", "million",
                         "for", "OpenAI's", "a", "month", "**$5**", "run-rate", "and", "of"])


@settings(max_examples=100, deadline=None)
@given(st.lists(WORDS, min_size=1, max_size=25).map(" ".join))
def test_damaged_word_salad_never_breaks_the_map(text):
    damaged = damage(text)
    result = repair(document(damaged))
    assert_edits_consistent(damaged, result)
    if "$" not in text:
        assert result.text == damaged


# --- with the rest of the pipeline ---------------------------------------------------------


@pytest.mark.model
def test_claims_from_repaired_text_are_flagged_and_shown_against_the_original(nlp, rules):
    from pipeline.extract.claims import build_claims
    from pipeline.extract.quantities import extract_quantities

    text = ("Acme Robotics will either pay 10billionforthestartup′sworkorbuyitoutrightfor60 "
            "billion, the company said. Acme Robotics earned $5 billion last year.")
    doc = document(text)
    fixed = repair(doc)
    found = extract_quantities(fixed.text, doc_id=doc.id, registry=rules.registry)
    claims = build_claims(doc, fixed, nlp(fixed.text), found, rules=rules,
                          registry=rules.registry)
    by_value = {c.quantity.low: c for c in claims}
    assert {10e9, 60e9, 5e9} <= set(by_value)
    assert by_value[10e9].repaired and by_value[60e9].repaired
    assert not by_value[5e9].repaired
    for claim in claims:
        assert text[claim.span.start:claim.span.end] == claim.span.text
    assert by_value[10e9].span.text == "10billion"
    assert by_value[60e9].span.text.startswith("60 billion")
