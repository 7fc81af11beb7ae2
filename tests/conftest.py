from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"


def chromium_path() -> Path | None:
    """The Chromium the browser tests drive: ``$CLAIMS_CHROMIUM``, a ``chromium`` on the PATH
    (Debian's package), or Playwright's own download (``python -m playwright install
    chromium``, no root needed); ``None`` when there is none."""
    given = os.environ.get("CLAIMS_CHROMIUM")
    if given:
        return Path(given) if Path(given).exists() else None
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return Path(found)
    try:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as p:
            bundled = Path(p.chromium.executable_path)
    except Exception:  # noqa: BLE001 - no Playwright driver or browser: no Chromium
        return None
    return bundled if bundled.exists() else None


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true",
                     help="rewrite golden files under tests/data/golden from the current output")


@pytest.fixture(scope="session")
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture(scope="session")
def rules():
    from pipeline.rules import load_rules

    return load_rules(ROOT / "rules")


@pytest.fixture(scope="session")
def registry(rules):
    return rules.registry


@pytest.fixture(scope="session")
def nlp(rules):
    """The real English model with the rules' EntityRuler (loaded once per session)."""
    from pipeline.extract.parse import load_nlp

    return load_nlp(rules)
