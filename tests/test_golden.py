"""Golden tests of the output files as a run writes them. Regenerate with
``pytest --update-golden`` and review the diff.

The tiny corpus through the whole pipeline (``tests/data/golden/``), and the hand-built
sample report of ``tests/test_report.py`` (hostile markup, a finding of most kinds) through
the writers alone (``tests/data/golden/sample/``, no model needed).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline import render
from pipeline.state import rows
from tests.conftest import DATA
from tests.test_report import sample_report

GOLDEN = DATA / "golden"


def compare(actual: str, golden: Path, update: bool) -> None:
    if update:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(actual, encoding="utf-8")
    assert actual == golden.read_text(encoding="utf-8"), (
        f"{golden.name} changed; if intended, run pytest --update-golden and review the diff")


@pytest.fixture(scope="module")
def tiny_out(tiny_run):
    return tiny_run[1]


@pytest.mark.model
@pytest.mark.parametrize("name", ["contradictions.md", "contradictions.json", "report.html"])
def test_report_matches_golden(tiny_out, name, update_golden):
    compare((tiny_out / name).read_text(encoding="utf-8"), GOLDEN / name, update_golden)


def sample_texts() -> dict[str, str]:
    findings, claims, documents, skipped = sample_report()
    return render.texts(rows.memory_view(list(documents.values()), claims, findings, skipped))


@pytest.mark.parametrize("name", sorted(sample_texts()))
def test_sample_report_matches_golden(name, update_golden):
    compare(sample_texts()[name], GOLDEN / "sample" / name, update_golden)


def test_sample_report_has_no_other_golden_page():
    pages = {p.relative_to(GOLDEN / "sample").as_posix()
             for p in (GOLDEN / "sample").rglob("*") if p.is_file()}
    assert pages == set(sample_texts())
