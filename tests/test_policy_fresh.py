"""The comparison policy on shapes of the fresh story set (issue 17, part c): hand-built
claims of our own."""

from __future__ import annotations

from typing import Any

from pipeline.models import Claim
from tests.conftest import disagreement_kinds, make_claim


def _count(registry: Any, value: float, doc: str, source: str | None = None) -> Claim:
    c = make_claim(registry, value, unit="passenger", metric="unknown",
                   metric_key="passenger", subject="Varn Air", doc=doc,
                   text=f"{value:g} passengers")
    return c.model_copy(update={"attribution": source, "modality": "quoted" if source
                                else "asserted"})



def test_two_values_disagree_on_their_strongest_pair_of_reports(rules: Any,
                                                                registry: Any) -> None:
    """The first reports of each value credit two different counters (a divergence); two
    other reports give the same values in their own voice: the values contradict."""
    a = _count(registry, 212, "a", "the harbour police")
    c = _count(registry, 209, "c", "PortWatch")
    assert disagreement_kinds([a, c], rules) == ["divergence"]
    b = _count(registry, 212, "b")
    d = _count(registry, 209, "d")
    assert disagreement_kinds([a, b, c, d], rules) == ["contradiction"]


def test_a_ratio_differing_beyond_its_written_digits_contradicts(rules: Any,
                                                                 registry: Any) -> None:
    ratio = {"unit": "share", "metric": "unknown", "metric_key": "exchange ratio",
             "subject": "Halcon"}
    exact = make_claim(registry, 2.4112, doc="a", text="2.4112 shares", **ratio)
    rounded = make_claim(registry, 2.41, doc="b", text="2.41 shares", **ratio)
    swapped = make_claim(registry, 2.1412, doc="c", text="2.1412 shares", **ratio)
    assert disagreement_kinds([exact, rounded], rules) == []
    assert disagreement_kinds([exact, rounded, swapped], rules) == ["contradiction"]
