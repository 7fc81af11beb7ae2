"""Frames on shapes of the fresh story set (issue 17, part c), on sentences of our own: what a
mechanism must leave alone next to what it changes."""

from __future__ import annotations

from typing import Any

import pytest

from tests.test_frames import claim_at, frames_of


@pytest.fixture(scope="module")
def pipeline_nlp(rules: Any) -> Any:
    from pipeline.extract.process import load_pipeline

    return load_pipeline(rules)


@pytest.mark.model
def test_one_fine_next_to_a_total_is_one_event(rules: Any, pipeline_nlp: Any) -> None:
    text = ("The combined fines against Orvik Bank now come to $4 billion, after a $1 billion "
            "fine on Monday. The total fine of $2 billion was paid by Valdane.")
    claims = frames_of(text, rules=rules, nlp=pipeline_nlp)
    assert "total" in claim_at(claims, text, "$4 billion").qualifiers
    assert "total" not in claim_at(claims, text, "$1 billion").qualifiers
    assert "total" not in claim_at(claims, text, "$2 billion").qualifiers  # one fine's total
