"""The terms of an agreement are stated, not forecast (issue 17, session 10): a plain future
("will pay", "would rise") in a clause under an agreement ("Under the deal, ...", "the
agreement will raise ...") is what was agreed, so two reports of those terms compare as facts;
a forecast word, a modal of possibility or an agreement still to be made keeps a projection.
Sentences of our own."""

from __future__ import annotations

from typing import Any

import pytest

from pipeline.models import Claim
from tests.test_frames import claim_at, frames_of


@pytest.fixture(scope="module")
def pipeline_nlp(rules: Any) -> Any:
    from pipeline.extract.process import load_pipeline

    return load_pipeline(rules)


def _modality(text: str, figure: str, rules: Any, nlp: Any) -> str:
    claim: Claim = claim_at(frames_of(text, rules=rules, nlp=nlp), text, figure)
    return claim.modality


@pytest.mark.model
@pytest.mark.parametrize(("text", "figure"), [
    ("Under the agreement, Velmar Motors will pay $4 billion to the pension fund.",
     "$4 billion"),
    ("Under the new contract, the top wage will rise by 30% to $41 an hour.", "$41 an hour"),
    ("Under the contract, the top wage will rise to $41 an hour and the starting wage will "
     "jump to $27 an hour.", "$27 an hour"),
    ("The settlement will raise the payout to $5,000 per claimant.", "$5,000"),
    ("As part of the accord, Velmar Motors would hand over 12 factories.", "12 factories"),
], ids=["under-agreement", "under-contract-rate", "conjunct-under-contract",
        "agreement-subject", "as-part-of"])
def test_a_future_under_an_agreement_states_its_terms(text: str, figure: str, rules: Any,
                                                      pipeline_nlp: Any) -> None:
    assert _modality(text, figure, rules, pipeline_nlp) == "asserted"


@pytest.mark.model
@pytest.mark.parametrize(("text", "figure"), [
    ("Velmar Motors will pay $4 billion to the pension fund next year.", "$4 billion"),
    ("Under the proposed deal, Velmar Motors would pay $4 billion.", "$4 billion"),
    ("Under the agreement, Velmar Motors could pay up to $9 billion.", "$9 billion"),
    ("Under the agreement, Velmar Motors is expected to pay $4 billion.", "$4 billion"),
], ids=["plain-future", "proposed-deal", "possibility-modal", "forecast-word"])
def test_a_forecast_stays_a_projection(text: str, figure: str, rules: Any,
                                       pipeline_nlp: Any) -> None:
    assert _modality(text, figure, rules, pipeline_nlp) == "projection"
