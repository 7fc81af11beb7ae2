"""The committed out/ is the output of the committed corpus/: fail when it is stale."""

from __future__ import annotations

import difflib
import shutil
from pathlib import Path

import pytest

from pipeline import api
from pipeline.review import REVIEWS_FILE
from tests.conftest import ROOT

pytestmark = pytest.mark.model
OUT = ROOT / "out"
REFRESH = "refresh it with `claims extract corpus/` (from the repository root) and commit out/"


def committed_files(folder: Path) -> dict[str, str]:
    """Output files by name; not the claim store, the lock or temporary files."""
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(folder.iterdir())
            if p.is_file() and not p.name.startswith(".") and not p.name.startswith("claims.db")}


def test_committed_out_is_current(tmp_path):
    if not OUT.is_dir():
        pytest.fail(f"out/ is missing; {REFRESH}")
    fresh = tmp_path / "out"
    fresh.mkdir()
    if (OUT / REVIEWS_FILE).exists():  # decisions are input, not output: keep them
        shutil.copy(OUT / REVIEWS_FILE, fresh / REVIEWS_FILE)
    api.extract(ROOT / "corpus", out=fresh, rules_dir=ROOT / "rules")
    expected, actual = committed_files(fresh), committed_files(OUT)
    stale = sorted(name for name in expected.keys() | actual.keys()
                   if expected.get(name) != actual.get(name))
    if stale:
        first = stale[0]
        diff = "".join(list(difflib.unified_diff(
            actual.get(first, "").splitlines(keepends=True),
            expected.get(first, "").splitlines(keepends=True),
            fromfile=f"out/{first} (committed)", tofile=f"out/{first} (fresh run)"))[:40])
        pytest.fail(f"out/ is stale: {', '.join(stale)} differ from a fresh run over corpus/; "
                    f"{REFRESH}.\n{diff}", pytrace=False)


def test_outputs_are_deterministic(tmp_path):
    """Two runs into fresh folders write the same bytes (no timestamps, stable order)."""
    first, second = tmp_path / "a", tmp_path / "b"
    api.extract(ROOT / "corpus", out=first, rules_dir=ROOT / "rules")
    api.extract(ROOT / "corpus", out=second, rules_dir=ROOT / "rules")
    assert committed_files(first) == committed_files(second)
