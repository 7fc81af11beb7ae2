"""Unit helpers over the run's pint registry: dimensions and canonical units.

Canonical units make claims comparable: money in its own currency, rates per year, power in
megawatts, durations in years, counts in their counted noun.
"""

from __future__ import annotations

import math
import re

import pint

from pipeline.models import Normalized, Quantity

_CANONICAL_BY_DIMENSION = {"time": "year", "power": "megawatt", "energy": "megawatt_hour"}


def ensure_unit(registry: pint.UnitRegistry, name: str) -> str:
    """Return ``name`` as a unit of ``registry``, defining a new count dimension if needed.

    Counted nouns that ``units.txt`` does not list ("robotaxi") become their own dimension,
    so two different counted things are never compared as equal.
    """
    name = re.sub(r"[^A-Za-z0-9_]+", "_", name).strip("_") or "item"
    if name[0].isdigit():
        name = "n_" + name
    try:
        registry.Unit(name)
    except (pint.errors.UndefinedUnitError, AttributeError, ValueError, TypeError):
        registry.define(f"{name} = [count_{name.lower()}]")
    return name


def _term(dimension: str) -> str:
    if dimension.startswith("[currency_"):
        return "currency"
    if dimension.startswith("[count_"):
        return "count"
    return dimension.strip("[]")


def dimension_of(registry: pint.UnitRegistry, expr: str) -> str:
    """Describe a unit expression as dimension terms: ``"USD / month"`` -> ``"currency / time"``."""
    dims = registry.parse_units(expr).dimensionality
    if not dims:
        return "dimensionless"
    if dict(dims) == {"[length]": 2, "[mass]": 1, "[time]": -3}:
        return "power"
    if dict(dims) == {"[length]": 2, "[mass]": 1, "[time]": -2}:
        return "energy"
    num = [_term(d) for d, p in sorted(dims.items()) if p > 0 for _ in range(int(p))]
    den = [_term(d) for d, p in sorted(dims.items()) if p < 0 for _ in range(int(-p))]
    text = " * ".join(num) if num else "1"
    for term in den:
        text += " / " + term
    return text


def unit_expression(quantity: Quantity) -> str:
    """The full unit of a quantity as a pint expression, e.g. ``"USD / month"``."""
    return f"{quantity.unit} / ({quantity.per})" if quantity.per else quantity.unit


def canonical_unit(registry: pint.UnitRegistry, expr: str) -> str:
    """Replace time and power parts of ``expr`` by the canonical units of their dimension."""
    units = registry.parse_units(expr)
    whole = dimension_of(registry, expr)
    if whole in _CANONICAL_BY_DIMENSION:
        return _CANONICAL_BY_DIMENSION[whole]
    parts: list[str] = []
    for name, power in sorted(units._units.items()):
        dim = dimension_of(registry, name)
        unit = _CANONICAL_BY_DIMENSION.get(dim, name)
        parts.append(unit if power == 1 else f"{unit} ** {power:g}")
    return " * ".join(parts) if parts else "dimensionless"


def _finite(x: float | None) -> float | None:
    return x if x is not None and math.isfinite(x) else None


def normalize(quantity: Quantity, registry: pint.UnitRegistry) -> Normalized:
    """Convert a quantity's interval to the canonical unit of its dimension.

    Values that overflow (``1e999``) or cannot be converted come back as open bounds, never
    as an exception.
    """
    expr = unit_expression(quantity)
    try:
        target = canonical_unit(registry, expr)
        factor = registry.Quantity(1.0, expr).to(target).magnitude
    except (pint.errors.PintError, ValueError, ZeroDivisionError, OverflowError, TypeError):
        return Normalized(low=_finite(quantity.low), high=_finite(quantity.high), unit=expr)
    low = _finite(quantity.low * factor) if quantity.low is not None else None
    high = _finite(quantity.high * factor) if quantity.high is not None else None
    return Normalized(low=low, high=high, unit=str(registry.parse_units(target)))
