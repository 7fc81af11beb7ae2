"""Unit helpers over the run's pint registry: dimensions and canonical units.

Canonical units make claims comparable: money in its own currency, rates per year, power in
megawatts, durations in years, counts in their counted noun.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable

import pint

from pipeline.models import Normalized, Quantity

# physical measures in one unit each, so "235 miles" meets "380 km" and "380 miles" does
# not (a figure is compared in the unit of its dimension; explanations show it as written)
_PHYSICAL_BY_DIMENSION = {
    "length": "kilometer", "length * length": "square_kilometer",
    "length * length * length": "liter", "mass": "kilogram", "length / time": "kilometer / hour",
}
_CANONICAL_BY_DIMENSION = {"time": "year", "power": "megawatt", "energy": "megawatt_hour",
                           **_PHYSICAL_BY_DIMENSION}
#: The units physical measures are compared in: a figure written in another unit was
#: converted to one of them, exactly.
PHYSICAL_UNITS = frozenset(_PHYSICAL_BY_DIMENSION.values())


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


_UNIT_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def registry_size(registry: object) -> int:
    """How many units a registry defines: units are only ever added (:func:`ensure_unit`),
    so an unchanged size means an unchanged registry (memos of its answers stay valid)."""
    return len(getattr(registry, "_units", ()))


def unit_name_known(registry: pint.UnitRegistry, name: str) -> bool:
    """Whether ``registry.Unit(name)`` can succeed for ``name``, an identifier
    (``[A-Za-z_][A-Za-z0-9_]*``): a unit, alias or symbol with a prefix and suffix, or
    ``dimensionless``. ``False`` means the lookup raises ``UndefinedUnitError``; this test
    costs a quarter of that failure.
    """
    return name == "dimensionless" or bool(registry.parse_unit_name(name))


def define_units(registry: pint.UnitRegistry, expressions: Iterable[str]) -> None:
    """Make sure every unit name used in ``expressions`` exists in ``registry``.

    The quantities stage defines counted nouns as it meets them; claims read back from the
    claim store (or shipped to another process) were never seen by this run's registry, so the
    checks define their units again first. Without this an incremental run would compare less
    than a clean run.
    """
    names = {name for expr in set(expressions) if expr for name in _UNIT_NAME.findall(expr)}
    for name in sorted(names):
        ensure_unit(registry, name)


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
    powers = {d: int(float(p)) for d, p in dims.items()}  # type: ignore[arg-type]
    num = [_term(d) for d, p in sorted(powers.items()) if p > 0 for _ in range(p)]
    den = [_term(d) for d, p in sorted(powers.items()) if p < 0 for _ in range(-p)]
    text = " * ".join(num) if num else "1"
    for term in den:
        text += " / " + term
    return text


def unit_expression(quantity: Quantity) -> str:
    """The full unit of a quantity as a pint expression, e.g. ``"USD / month"``.

    ``per`` reads as a chain of "per": ``"user / month"`` is per user per month, so $20 per
    user per month is ``"USD / user / month"`` (not USD·month/user).
    """
    if not quantity.per:
        return quantity.unit
    parts = [p.strip() for p in re.split(r"[/*]", quantity.per) if p.strip()]
    return " / ".join([quantity.unit, *(f"({p})" for p in parts)])


def canonical_unit(registry: pint.UnitRegistry, expr: str) -> str:
    """Replace time and power parts of ``expr`` by the canonical units of their dimension."""
    units = registry.parse_units(expr)
    whole = dimension_of(registry, expr)
    if whole in _CANONICAL_BY_DIMENSION:
        return _CANONICAL_BY_DIMENSION[whole]
    parts: list[str] = []
    for name, power in sorted(units._units.items()):
        dim = dimension_of(registry, name)
        if dim == "currency":
            unit = _currency_code(registry, name)
        elif dim == "count":
            unit = _count_base(registry, name)
        else:
            unit = _CANONICAL_BY_DIMENSION.get(dim, name)
        parts.append(unit if power == 1 else f"{unit} ** {power:g}")
    return " * ".join(parts) if parts else "dimensionless"


def _currency_code(registry: pint.UnitRegistry, name: str) -> str:
    """The ISO code of a currency unit: ``cent`` -> ``USD``, ``penny`` -> ``GBP`` (a minor
    unit normalizes to its currency, so 63 cents and $0.63 compare)."""
    dims = registry.parse_units(name).dimensionality
    code = next(iter(dims)).strip("[]").removeprefix("currency_").upper() if len(dims) == 1 \
        else name
    return code if unit_name_known(registry, code) else name


def _count_base(registry: pint.UnitRegistry, name: str) -> str:
    """The counted noun a synonym stands for: ``staff`` -> ``employee`` (``staff =
    employee`` in units.txt), so figures written with either compare."""
    try:
        factor, base = registry.get_base_units(name)
    except (pint.errors.PintError, ValueError, TypeError, KeyError):
        return name
    units = dict(base._units) if hasattr(base, "_units") else {}
    if factor == 1 and len(units) == 1:
        (base_name, power), = units.items()
        if power == 1:
            return str(base_name)
    return name


def _finite(x: float | None) -> float | None:
    return x if x is not None and math.isfinite(x) else None


Conversions = dict[str, "tuple[float, str] | None"]
"""Memo of :func:`conversion` by unit expression (one registry; see :func:`normalize`)."""


def conversion(registry: pint.UnitRegistry, expr: str) -> tuple[float, str] | None:
    """The factor from ``expr`` to the canonical unit of its dimension, and that unit;
    ``None`` when it cannot be converted."""
    try:
        target = canonical_unit(registry, expr)
        factor = registry.Quantity(1.0, expr).to(target).magnitude
    except (pint.errors.PintError, ValueError, ZeroDivisionError, OverflowError, TypeError):
        return None
    return factor, str(registry.parse_units(target))


def normalize(quantity: Quantity, registry: pint.UnitRegistry, *,
              conversions: Conversions | None = None) -> Normalized:
    """Convert a quantity's interval to the canonical unit of its dimension.

    Values that overflow (``1e999``) or cannot be converted come back as open bounds, never
    as an exception. ``conversions`` (if given) remembers each unit expression's conversion
    for the next quantity; pass one dict per registry state (units defined later do not
    change a conversion already made, but keep it to one stage run).
    """
    expr = unit_expression(quantity)
    if conversions is None:
        converted = conversion(registry, expr)
    elif expr in conversions:
        converted = conversions[expr]
    else:
        converted = conversions[expr] = conversion(registry, expr)
    implied = quantity.implied or (quantity.low, quantity.high)
    if converted is None:
        return Normalized(low=_finite(quantity.low), high=_finite(quantity.high), unit=expr,
                          implied=(_finite(implied[0]), _finite(implied[1])))
    factor, unit = converted

    def scaled(x: float | None) -> float | None:
        return _finite(x * factor) if x is not None else None

    return Normalized(low=scaled(quantity.low), high=scaled(quantity.high), unit=unit,
                      implied=(scaled(implied[0]), scaled(implied[1])))


def duration_years(registry: pint.UnitRegistry, expr: str) -> float | None:
    """A duration expression (``"3 year"``, ``"18 months"``) in years; ``None`` if it is not one."""
    try:
        value: float = registry.Quantity(expr).to("year").magnitude
    except (pint.errors.PintError, ValueError, TypeError, AttributeError, AssertionError):
        return None
    return float(value) if math.isfinite(value) and value > 0 else None


def rate_from_total(
    quantity: Quantity, normalized: Normalized, registry: pint.UnitRegistry
) -> Normalized | None:
    """A total spread ``over`` a duration as a per-year rate: three-year $45B -> $15B/year.

    ``None`` when the quantity is already a rate, has no duration, or the duration does not
    parse.
    """
    if quantity.per or not quantity.over:
        return None
    years = duration_years(registry, quantity.over)
    if years is None:
        return None
    try:
        unit = str(registry.parse_units(canonical_unit(registry, f"({normalized.unit}) / year")))
    except (pint.errors.PintError, ValueError, TypeError):
        return None
    def per_year(x: float | None) -> float | None:  # "over 1e-320 years" overflows: open
        return None if x is None else _finite(x / years)

    implied = normalized.implied or (normalized.low, normalized.high)
    return Normalized(low=per_year(normalized.low), high=per_year(normalized.high), unit=unit,
                      implied=(per_year(implied[0]), per_year(implied[1])))


def dimension_key(registry: pint.UnitRegistry, unit: str) -> tuple[str, str]:
    """What a normalized unit may be compared with: (dimension terms, currencies).

    Counts of different nouns share a key (GPUs vs GPU equivalents is a question of scope);
    different currencies never do (USD is not EUR).
    """
    try:
        dims = registry.parse_units(unit).dimensionality
    except (pint.errors.PintError, ValueError, TypeError, AttributeError):
        return (unit, "")
    currencies = sorted(d.strip("[]").removeprefix("currency_").upper()
                        for d in dims if d.startswith("[currency_"))
    return dimension_of(registry, unit), ",".join(currencies)


_SCALE_SUFFIXES = ((1e12, "T"), (1e9, "B"), (1e6, "M"))
#: The sign written before an amount of each currency; other currencies keep their code.
CURRENCY_SIGNS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥"}


def format_number(value: float, *, grouped: bool = True) -> str:
    """A figure as a newsroom writes it: ``15000000000`` -> ``"15B"``, ``1500`` -> ``"1,500"``.

    Four significant digits with a scale suffix from a million up; ``grouped=False`` writes
    a figure that rounds up to four digits without a thousands separator (``"1000M"``).
    """
    if not math.isfinite(value):
        return "∞" if value > 0 else "-∞"
    digits = ",.4g" if grouped else ".4g"
    magnitude = abs(value)
    for scale, suffix in _SCALE_SUFFIXES:
        if magnitude >= scale:
            return f"{value / scale:{digits}}{suffix}"
    if magnitude >= 1000 or float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:{digits}}"


def format_ratio(ratio: float) -> str:
    """How many times one figure is the other, as a reader says it: ``2.183`` -> ``"2.2"``,
    ``10.09`` -> ``"10"``, ``1.04`` -> ``"1.04"`` (three digits below 2, so a small gap does
    not read as 1), whole and grouped from 10 up (``"1,250"``)."""
    if not math.isfinite(ratio):
        return "∞"
    if ratio < 2:
        return f"{ratio:.3g}"
    if ratio < 10:
        return f"{ratio:.2g}"
    return format_number(round(ratio))


def format_amount(value: float | None, unit: str, *, report: bool = False) -> str:
    """A value with its unit: ``(1.5e10, "USD / year")`` -> ``"$15B/year"``,
    ``(12000, "GPU")`` -> ``"12,000 GPU"``; the one amount formatter of the pipeline.

    The default is the spelling of finding explanations. ``report=True`` is the spelling of
    the report pages: ``"?"`` for an unknown or infinite value, the minus before the currency
    sign (``"-$4B"``), ``%`` for percent, the unit after the first ``/`` as written
    (``"$5/user / year"``), any other unit in full (``"3 reader / year"``), a rounded figure
    without a thousands separator (``"1000M"``).
    """
    if report:
        if value is None or not math.isfinite(value):
            return "?"
        head, _, rest = unit.partition("/")
        head, rest = head.strip(), rest.strip()
        tail = f"/{rest}" if rest else ""
        if head in CURRENCY_SIGNS:
            return (f"{'-' if value < 0 else ''}{CURRENCY_SIGNS[head]}"
                    f"{format_number(abs(value), grouped=False)}{tail}")
        if head == "percent":
            return f"{format_number(value, grouped=False)}%{tail}"
        return f"{format_number(value, grouped=False)} {unit}".rstrip()
    if value is None:
        raise ValueError("format_amount needs a value outside the report (report=True)")
    head, _, rest = unit.partition(" / ")
    number = format_number(value)
    if head in CURRENCY_SIGNS:
        text = CURRENCY_SIGNS[head] + number
    elif head in ("dimensionless", ""):
        text = number
    else:
        text = f"{number} {head}"
    return f"{text}/{rest.replace(' / ', '/')}" if rest else text
