"""Physical measures are compared in one unit per dimension (issue 17, session 10): a length
in miles meets one in kilometres, a mass in pounds one in kilograms, a speed in mph one in
km/h; a figure converted right agrees, one whose number is kept under another unit
("380 miles" for 380 km) disagrees. Claims of our own."""

from __future__ import annotations

from typing import Any

import pytest

from pipeline.check import checks
from pipeline.check.policy import NAME
from pipeline.models import Claim
from pipeline.units import conversion
from tests.conftest import disagreement_kinds, make_claim


@pytest.mark.parametrize(("unit", "factor", "canonical"), [
    ("mile", 1.609344, "kilometer"),
    ("foot", 0.0003048, "kilometer"),
    ("pound", 0.45359237, "kilogram"),
    ("acre", 0.00404687, "square_kilometer"),
    ("gallon", 3.78541, "liter"),
    ("mile / hour", 1.609344, "kilometer / hour"),
    ("knot", 1.852, "kilometer / hour"),
])
def test_a_physical_unit_converts_to_its_dimensions_unit(unit: str, factor: float,
                                                          canonical: str, registry: Any) -> None:
    found = conversion(registry, unit)
    assert found is not None
    assert found[1] == canonical
    assert found[0] == pytest.approx(factor, rel=1e-4)


def _length(registry: Any, value: float, unit: str, doc: str) -> Claim:
    return make_claim(registry, value, unit=unit, metric="unknown", metric_key="distance",
                      qualifiers=("north of",), subject="Larvik", doc=doc,
                      text=f"{value:g} {unit}s north of Larvik")



def test_a_length_in_miles_meets_its_conversion_in_kilometres(rules: Any,
                                                              registry: Any) -> None:
    assert disagreement_kinds([_length(registry, 235, "mile", "a"),
                               _length(registry, 380, "kilometer", "b")], rules) == []


def test_a_number_kept_under_another_unit_disagrees(rules: Any, registry: Any) -> None:
    assert disagreement_kinds([_length(registry, 380, "mile", "a"),
                               _length(registry, 380, "kilometer", "b")],
                              rules) == ["contradiction"]


def test_a_rate_is_explained_per_the_time_it_was_written_per(rules: Any, registry: Any) -> None:
    """Rates are compared per year; "$10 million a month" vs "$14 million a month" is
    explained per month, not as $120M and $168M a year."""
    a, b = (make_claim(registry, value, unit="USD", per="month",
                       metric="lease_payment", subject="Velmar Motors", doc=doc,
                       text=f"${value / 1e6:g} million a month")
              for value, doc in ((10e6, "a"), (14e6, "b")))
    found = [f for f in checks.run_checks([a, b], rules=rules)
             if f.check == NAME and f.kind == "contradiction"]
    assert len(found) == 1
    explanation = found[0].explanation
    assert "$4M/month (28.6%) apart" in explanation
    assert "$9.5M/month–$10.5M/month" in explanation
    assert "/year" not in explanation
