"""Frames that keep a must-flag pair comparable (issue 17, session 7): mechanisms whose effect
is the absence of something (a qualifier, a subject), which the cases table cannot say;
our own sentences, through the real per-document stages."""

from __future__ import annotations

from typing import Any

import pytest

from tests.test_frames import claim_at, frames_of, pipeline_nlp  # noqa: F401  (fixture)

pytestmark = pytest.mark.model


def test_a_part_counted_on_its_own_is_no_scope_of_the_count(rules: Any,
                                                            pipeline_nlp: Any) -> None:  # noqa: F811
    text = "There were 46 passengers on the Velora Air jet, including 8 foreign nationals."
    claim = claim_at(frames_of(text, rules=rules, nlp=pipeline_nlp), text, "46 passengers")
    assert claim.metric_key == "passenger"
    assert claim.qualifiers == ()  # one of the 46, not "46 passengers including nationals"


def test_an_amount_with_a_part_counted_on_its_own_keeps_that_scope(
        rules: Any, pipeline_nlp: Any) -> None:  # noqa: F811
    text = "Halvorsen agreed to buy Tarris Media for $69 billion, including $8 billion of debt."
    claim = claim_at(frames_of(text, rules=rules, nlp=pipeline_nlp), text, "$69 billion")
    assert "including debt" in claim.qualifiers


def test_a_sayer_after_the_figure_is_not_its_owner_but_a_named_owner_stays(
        rules: Any, pipeline_nlp: Any) -> None:  # noqa: F811
    text = ("Coastline Ferries lost a ferry near Tarvo on Sunday. Norvale Shipping carried 300 "
            "passengers last year, Tom Hartley said.")
    claim = claim_at(frames_of(text, rules=rules, nlp=pipeline_nlp), text, "300 passengers")
    assert claim.subject == "Norvale Shipping"
