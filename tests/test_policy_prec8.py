"""Session 8 (prec8): a contradiction only on a frame the text makes sure of, on claims and
sentences of our own. A figure whose clause names its owner with a common noun the subject
does not name ("The orbiter and the relay satellite cost ...", framed as the agency's) is a
divergence at most, with the reason."""

from __future__ import annotations

from typing import Any

import pytest

from pipeline.check import checks
from pipeline.check.policy import NAME
from pipeline.models import Claim
from tests.conftest import make_claim
from tests.test_frames import claim_at, frames_of


def _found(claims: list[Claim], rules: Any) -> list[Any]:
    return [f for f in checks.run_checks(claims, rules=rules)
            if f.check == NAME and f.kind in ("contradiction", "divergence")]


def _cost(registry: Any, value: float, doc: str, owner: str | None = None) -> Claim:
    claim = make_claim(registry, value, metric="cost", metric_key="cost",
                       subject="Aldren Space Agency", doc=doc,
                       text=f"${value / 1e6:g} million")
    return claim.model_copy(update={"owner": owner})


def test_a_figure_of_an_unnamed_owner_is_a_divergence(rules: Any, registry: Any) -> None:
    found = _found([_cost(registry, 210e6, "a", owner="The orbiter and the relay satellite"),
                    _cost(registry, 615e6, "b")], rules)
    assert [f.kind for f in found] == ["divergence"]
    assert 'is said of "The orbiter and the relay satellite", not of Aldren Space Agency' \
        in found[0].explanation


def test_figures_their_subject_owns_still_contradict(rules: Any, registry: Any) -> None:
    found = _found([_cost(registry, 210e6, "a"), _cost(registry, 615e6, "b")], rules)
    assert [f.kind for f in found] == ["contradiction"]


def _stores(registry: Any, value: float, doc: str, how: str) -> Claim:
    claim = make_claim(registry, value, unit="store", metric="unknown", metric_key="store",
                       subject="Dunmore Markets", doc=doc, text=f"{value:,.0f} stores")
    return claim.model_copy(update={"subject_how": how,
                                    "subject_cue": "The company" if how == "resolved"
                                    else None})


def test_a_bare_count_of_a_resolved_subject_is_a_divergence(rules: Any,
                                                            registry: Any) -> None:
    """"The company's 1,910 stores" (resolved from "the company") against "Dunmore Markets
    operates 2,400 stores": a guessed subject and a key that names only what is counted."""
    found = _found([_stores(registry, 1910, "a", "resolved"),
                    _stores(registry, 2400, "b", "named")], rules)
    assert [f.kind for f in found] == ["divergence"]
    assert 'resolved from "The company", not named' in found[0].explanation


@pytest.mark.parametrize("how", ["named", "focal"])
def test_a_bare_count_of_named_subjects_still_contradicts(how: str, rules: Any,
                                                          registry: Any) -> None:
    """Named on both sides, or the article's main subject (a disaster's counts of its
    place): still a contradiction."""
    found = _found([_stores(registry, 1910, "a", how),
                    _stores(registry, 2400, "b", "named")], rules)
    assert [f.kind for f in found] == ["contradiction"]


def _share(registry: Any, value: float, doc: str, key: str) -> Claim:
    return make_claim(registry, value, unit="percent", metric="unknown", metric_key=key,
                      subject="Harbour Dockers Union", doc=doc, text=f"{value:g}%")


def test_a_share_of_people_is_a_divergence(rules: Any, registry: Any) -> None:
    """"71% of members voted against the offer" vs "66% of members backed the next one":
    a percentage keyed by whom it counts does not say which vote."""
    found = _found([_share(registry, 71, "a", "members"),
                    _share(registry, 66, "b", "members")], rules)
    assert [f.kind for f in found] == ["divergence"]
    assert 'a share of "members" says whom it counts' in found[0].explanation


def test_a_share_of_a_measure_still_contradicts(rules: Any, registry: Any) -> None:
    found = _found([_share(registry, 71, "a", "operating margin"),
                    _share(registry, 66, "b", "operating margin")], rules)
    assert [f.kind for f in found] == ["contradiction"], found[0].explanation


@pytest.fixture(scope="module")
def pipeline_nlp(rules: Any) -> Any:
    from pipeline.extract.process import load_pipeline

    return load_pipeline(rules)


@pytest.mark.model
@pytest.mark.parametrize(("text", "figure", "part"), [
    ("Halcon agreed to buy Westmark in a deal valued at $9.6 billion, including $1.7 billion "
     "of debt.", "$1.7 billion", True),
    ("The company is raising its dividend to $0.40 per share and adopting a framework "
     "focused on returning capital to investors, excluding a share buyback program, and "
     "reducing net debt below $12 billion.", "$12 billion", False),
    ("The company is lifting its payout to $0.25 per share and implementing a framework "
     "focused on returning cash to shareholders, including a stock repurchase program and "
     "increasing net debt below $12 billion.", "$12 billion", False),
])
def test_an_amount_an_including_phrase_holds_is_a_part(text: str, figure: str, part: bool,
                                                       rules: Any, pipeline_nlp: Any) -> None:
    """An amount in the noun phrase of "including" is a part of the whole beside it; one
    behind a verb of that phrase ("including a buyback and reducing net debt below ...") is
    no part of anything."""
    claim = claim_at(frames_of(text, rules=rules, nlp=pipeline_nlp), text, figure)
    assert ("part" in claim.qualifiers) is part, claim.qualifiers
