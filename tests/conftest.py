from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"


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
    from pipeline.parse import load_nlp

    return load_nlp(rules)
