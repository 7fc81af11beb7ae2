"""The exception tree: every error a run can raise survives pickling (worker processes)."""

from __future__ import annotations

import pickle

import pytest

from pipeline.errors import (
    ArticleError,
    ClaimsError,
    InputError,
    ModelError,
    OutputError,
    RulesError,
)

ERRORS = [
    ClaimsError("the run stopped", hint="run it again"),
    InputError("corpus folder not found: news/"),
    ArticleError("news/a.txt", "not UTF-8", hint="save it as UTF-8"),
    RulesError("rules/checks.yaml", "unknown check 'x.v1'", key="checks -> 0",
               hint="known checks: a.v1"),
    ModelError("cannot load spaCy model 'xx'"),
    OutputError("out/ is locked by another run", hint="wait for it"),
]


@pytest.mark.parametrize("error", ERRORS, ids=[type(e).__name__ for e in ERRORS])
def test_errors_survive_a_pickle_round_trip(error):
    again = pickle.loads(pickle.dumps(error))
    assert type(again) is type(error)
    assert str(again) == str(error)
    assert again.args == error.args
    assert vars(again) == vars(error)


def test_an_article_error_keeps_its_parts():
    again = pickle.loads(pickle.dumps(ArticleError("a.md", "empty file", hint="remove it")))
    assert (again.path, again.reason, again.hint) == ("a.md", "empty file", "remove it")
    assert again.detail == "empty file (remove it)"
    assert isinstance(again, ValueError)
