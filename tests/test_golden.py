"""Golden tests of the report on the tiny corpus. Regenerate with ``pytest --update-golden``."""

from __future__ import annotations

import shutil

import pytest

from pipeline import api
from tests.conftest import DATA, ROOT

pytestmark = pytest.mark.model
GOLDEN = DATA / "golden"


@pytest.fixture(scope="module")
def tiny_out(tmp_path_factory):
    corpus = tmp_path_factory.mktemp("tiny")
    for path in sorted((DATA / "tiny").iterdir()):
        shutil.copy(path, corpus / path.name)
    out = tmp_path_factory.mktemp("out")
    api.extract(corpus, out=out, rules_dir=ROOT / "rules")
    return out


@pytest.mark.parametrize("name", ["contradictions.md", "contradictions.json"])
def test_report_matches_golden(tiny_out, name, update_golden):
    actual = (tiny_out / name).read_text(encoding="utf-8")
    golden = GOLDEN / name
    if update_golden:
        golden.write_text(actual, encoding="utf-8")
    assert actual == golden.read_text(encoding="utf-8"), (
        f"{name} changed; if intended, run pytest --update-golden and review the diff")
