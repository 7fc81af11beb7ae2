"""Claim frames that come from the text (issue 17): subject resolution, names as keys,
open-vocabulary metric keys, periods, conditions; the cases are ``tests/data/frames_cases.yaml``
(own sentences), each run through the real per-document stages."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from pipeline.check.frames import period_agreement, period_text, subject_clusters
from pipeline.extract import ingest
from pipeline.extract.names import initials, name_key, related
from pipeline.extract.periods import period_key
from pipeline.extract.process import process_documents
from pipeline.models import Claim
from tests.conftest import DATA

CASES: list[dict[str, Any]] = yaml.safe_load(
    (DATA / "frames_cases.yaml").read_text(encoding="utf-8"))["cases"]


def _params() -> list[Any]:
    return [pytest.param(case, id=case["id"],
                         marks=[pytest.mark.xfail(reason=case["xfail"], strict=True)]
                         if case.get("xfail") else [])
            for case in CASES]


@pytest.fixture(scope="module")
def pipeline_nlp(rules: Any) -> Any:
    from pipeline.extract.process import load_pipeline

    return load_pipeline(rules)


def frames_of(text: str, *, rules: Any, nlp: Any, published: str | None = None,
              name: str = "a.txt") -> list[Claim]:
    """The claims of one article through the real per-document stages."""
    if published:
        text = f"{text}\n\nPublished {published}."
    document = ingest.ingest(name, text.encode(), boilerplate=rules.ingest.boilerplate)
    if published:
        document = document.model_copy(update={"published": published})
    (entry,) = process_documents([document], nlp=nlp, rules=rules)
    return list(entry.claims)  # type: ignore[union-attr]


def claim_at(claims: list[Claim], text: str, figure: str) -> Claim:
    start = text.index(figure)
    end = start + len(figure)
    found = [c for c in claims if c.span.start < end and start < c.span.end]
    assert found, f"no claim over {figure!r}: {[c.span.text for c in claims]}"
    return found[0]


@pytest.mark.model
@pytest.mark.parametrize("case", _params())
def test_frame_case(case: dict[str, Any], rules: Any, pipeline_nlp: Any) -> None:
    claims = frames_of(case["text"], rules=rules, nlp=pipeline_nlp,
                       published=case.get("published"))
    claim = claim_at(claims, case["text"], case["figure"])
    expect = dict(case["expect"])
    wanted = [*expect.pop("qualifiers", []), *case.get("qualifiers", [])]
    got = {key: getattr(claim, key) for key in expect}
    assert got == expect, f"{claim.sentence}\n got {got}"
    assert set(wanted) <= set(claim.qualifiers), claim.qualifiers


# --- names as keys ---------------------------------------------------------------------------

SUFFIXES = ("inc", "corp", "corporation", "ltd", "plc", "group", "ai", "holdings")


@pytest.mark.parametrize(("name", "key"), [
    ("NVIDIA Corp.", "nvidia"),
    ("Nvidia's", "nvidia"),
    ("The Halvorsen Group", "halvorsen"),
    ("Mistral AI", "mistral"),
    ("AT&T Inc.", "at and t"),
    ("Disney+", "disney plus"),
    ("Group", "group"),  # a name made only of a designator keeps it
])
def test_name_keys_drop_case_punctuation_and_designators(name: str, key: str) -> None:
    assert name_key(name, SUFFIXES) == key


def test_related_names_contain_or_spell_one_another() -> None:
    assert related("dortmund", "borussia dortmund")
    assert related("musk", "elon musk")
    assert related("ibm", "international business machines")
    assert initials("bank of america") == "ba"
    assert not related("disney", "disney plus")  # leading words: another thing
    assert not related("one", "capital one")  # too short to stand for a name
    assert not related("capital one", "capital group")


def test_subject_clusters_leave_an_ambiguous_short_name_alone() -> None:
    clusters = subject_clusters(["borussia dortmund", "dortmund", "halvorsen", "ibm",
                                 "international business machines"])
    assert clusters["dortmund"] == clusters["borussia dortmund"] == "borussia dortmund"
    assert clusters["ibm"] == "international business machines"
    assert clusters["halvorsen"] == "halvorsen"
    ambiguous = subject_clusters(["west ham united", "manchester united", "united"])
    assert ambiguous["united"] == "united"


# --- periods -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "reference", "key"), [
    ("the second quarter of fiscal 2024", None, "FY2024-Q2"),
    ("Q3 2023", None, "2023-Q3"),
    ("the first half of 2025", None, "2025-H1"),
    ("fiscal 2025", None, "FY2025"),
    ("the 2022-23 season", None, "2022/2023"),
    ("a year ago", "FY2024-Q2", "FY2023-Q2"),
    ("the previous quarter", "FY2024-Q2", "FY2024-Q1"),
    ("the previous quarter", "2024-Q1", "2023-Q4"),
    ("full year", "2022-Q4", "2022"),
    ("annual net income", "2023-Q4", "2023"),  # the year of a quarter's report
    ("in June", None, "?-06"),
])
def test_period_keys(text: str, reference: str | None, key: str, rules: Any) -> None:
    assert period_key(text, published=None, reference=reference, rules=rules) == key


@pytest.mark.parametrize(("text", "published", "key"), [
    ("Tuesday", "2026-03-11", "2026-03-10"),  # a Wednesday's article: the day before
    ("on Wednesday", "2026-03-11", "2026-03-11"),
    ("Wednesday's", "2026-03-12", "2026-03-11"),
    ("next Tuesday", "2026-03-11", "2026-03-17"),
    ("yesterday", "2026-03-11", "2026-03-10"),
    ("Tuesday", None, None),  # no date to count from
    ("Tuesday, June 9, 2026", "2026-06-11", "2026-06-09"),  # the written date
])
def test_days_count_from_the_publication_date(text: str, published: str | None,
                                              key: str | None, rules: Any) -> None:
    assert period_key(text, published=published, reference=None, rules=rules) == key


@pytest.mark.parametrize(("a", "b", "agreement"), [
    ("2024-Q2", "2024-Q2", "same"),
    ("?-Q2", "FY2024-Q2", "compatible"),
    ("FY2024-Q2", "2023-Q2", "compatible"),  # a fiscal year ends in the calendar year after
    ("2024-Q2", "2024-Q3", "different"),
    ("2024", "2024-Q2", "different"),  # a year and one of its quarters
    (None, "2024", "unknown"),
])
def test_period_agreement(a: str | None, b: str | None, agreement: str) -> None:
    assert period_agreement(a, b) == agreement
    assert period_agreement(b, a) == agreement


def test_period_text_is_readable() -> None:
    assert period_text("FY2024-Q2") == "fiscal 2024 Q2"
    assert period_text("?-Q3") == "Q3"
    assert period_text(None) == "no period stated"


# --- the frames across a corpus ------------------------------------------------------------------


@pytest.mark.model
def test_one_company_named_two_ways_is_one_subject(rules: Any, pipeline_nlp: Any) -> None:
    a = frames_of("Halvorsen Motors Inc. said quarterly revenue was $23.4 billion.",
                  rules=rules, nlp=pipeline_nlp, name="a.txt")
    b = frames_of("Halvorsen Motors reported quarterly revenue of $25.1 billion.",
                  rules=rules, nlp=pipeline_nlp, name="b.txt")
    from pipeline.check.checks import run_checks

    found = [f for f in run_checks([*a, *b], rules=rules) if f.kind == "contradiction"]
    assert len(found) == 1 and {c.doc_id for c in [*a, *b]} == {
        c.doc_id for c in [*a, *b] if c.id in found[0].claims}


@pytest.mark.model
def test_two_market_wraps_compare_moves_with_moves_and_levels_with_levels(
        rules: Any, pipeline_nlp: Any) -> None:
    """Two outlets on one index's day: the points move, the percent move and the close each
    meet only their own kind (a move of 1,450 points is never the level of 40,352)."""
    from pipeline.check.checks import run_checks

    a = frames_of("The Russell 2000 index rose 121.4 points, or 6.1%, to close at 2,111.25 on "
                  "Thursday.", rules=rules, nlp=pipeline_nlp, published="2026-05-14",
                  name="a.txt")
    b = frames_of("On Thursday the Russell 2000 index closed up 145 points, or 7.3%, at "
                  "2,135.6.", rules=rules, nlp=pipeline_nlp, published="2026-05-14",
                  name="b.txt")
    findings = [f for f in run_checks([*a, *b], rules=rules)
                if f.kind in ("contradiction", "divergence")]
    by_id = {c.id: c for c in [*a, *b]}
    pairs = sorted(tuple(sorted(by_id[i].span.text for i in f.claims)) for f in findings)
    assert pairs == [("121.4 points", "145 points"), ("2,111.25", "2,135.6"),
                     ("6.1%", "7.3%")]
    assert {f.kind for f in findings} == {"contradiction"}
