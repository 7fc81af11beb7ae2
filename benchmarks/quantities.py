"""Benchmark the quantities stage against quantulum3 and CQE on hand-annotated news sentences.

Run: ``python benchmarks/quantities.py [--set FILE ...] [--repeat 3] [--misses SYSTEM]
[--by-section] [--lenient-counts]``. With no ``--set``, every ``benchmarks/qsets/*.yaml`` plus
``tests/data/quantities_annotated.yaml`` and ``tests/data/quantities_heldout.yaml`` is scored.
For each set, and for all sets pooled, one table puts three systems side by side:

* **ours**: ``pipeline.extract.quantities.extract_quantities``;
* **quantulum3** (installed in the project's venv; with its unit classifier when it loads);
* **CQE** 2.0.3 (Almasian et al., EMNLP 2023), GPL-3.0 and so never a dependency: it lives in
  its own venv (``bash benchmarks/cqe_setup.sh`` makes ``/work/cqe-venv``) and runs in a
  subprocess, ``benchmarks/_cqe_runner.py``, fed JSON lines on stdin. Without that venv its row
  says *skipped*.

Columns: precision / recall / F1 for **value**, **value+unit**, **value+bound**, F1 for
**all** (value+unit+bound) and milliseconds per sentence.

Set files (notation: the top of ``tests/data/quantities_annotated.yaml`` and of each
``benchmarks/qsets/*.yaml``): each case has ``text`` and ``q``, a list of gold quantities
``[direction:][bound]<value> <unit>``: direction ``up:``/``down:`` (optional); bound ``~``
(approx), ``>=`` (at least), ``<=`` (at most), a range ``A..B``, a vague amount ``A..B?``;
the unit a pint expression, a currency ISO code (``GBX``/``USX`` for pence/cents), ``percent``,
``index_point``, ``dimensionless`` or a counted noun in the singular.

Matching (the same rules for every system; the unit translation of the baselines is the only
per-system code, in ``quantulum_items`` and ``cqe_items``; ours goes through ``ours_item``):

* Within one sentence each gold quantity is matched to at most one prediction, greedily in text
  order, and a prediction at most once; each criterion is matched separately.
* **value**: the predicted value, or after converting it to the gold unit when the units
  convert, equals (relative tolerance 1e-3) the gold value or one of the gold interval's ends;
  or the predicted interval equals the gold interval. A system that splits ``$45 to $75`` into
  two numbers matches the range with either; the prediction for the *other* end is neither a
  hit nor a false positive. A value written signed next to a direction word (``fell -9.3%``)
  matches with either sign.
* **value+unit**: a value match whose units agree, the value compared after conversion:
  - pint: both units parse in the judge's registry (pint's defaults plus ``rules/units.txt``,
    plus ``GBX`` = pence, ``USX`` = cents, ``paisa``, ``decade`` as ten years) and have the same
    dimensionality; the predicted value is converted to the gold unit (so ``300 MW`` =
    ``0.3 GW``, ``96.5 GBX`` = ``0.965 GBP``, ``100 degF`` vs ``37.8 degC`` with offsets);
  - counted nouns by singular lemma, case-insensitive, whole unit or head noun (``homes`` =
    ``home``, ``subscriber addition`` = ``addition``, ``people`` = ``person``);
  - aliases: ``point``/``points``/ours' ``point_count`` = ``index_point``; a multiplier ``N times``
    may be ``time`` or ``dimensionless`` (both readings accepted);
  - baselines' unit names are translated to this notation first: currency names and symbols to
    ISO codes (CQE's and quantulum3's own ``currency_code`` where they give one; ``cent`` ->
    ``USX``, ``penny`` -> ``GBX``, ``rupee`` -> ``INR``), ``percentage`` -> ``percent``,
    ``A per B`` -> ``A/B``, spaces to underscores (``cubic foot`` -> ``cubic_foot``).
  ``--lenient-counts`` also accepts a ``dimensionless`` prediction for a gold counted noun (for
  every system; quantulum3 has no counted nouns).
* **value+bound**: a value match whose bound agrees (exact, approx, at_least, at_most; a range
  or vague gold needs a range or vague prediction with the same ends, the two being
  interchangeable since only ours tells them apart) and, when the gold has a direction, whose
  direction agrees. Ours has no direction yet (``ours_item`` reads ``Quantity.direction`` when it
  exists); quantulum3 has neither bounds nor directions (every value exact, a ``±`` an interval);
  CQE's ``change`` gives one of bound (``~ < > <= >=``) or direction (``up``/``down``).
* **all**: value+unit and value+bound together.
* Precision = matched predictions / (predictions - ignored other-end predictions); recall =
  matched gold / gold; F1 their harmonic mean. The pooled row adds counts over all sets.
* A set that annotates only part of what is in its sentences says so with a top-level
  ``scope``: ``currency`` (only money: an unmatched non-currency prediction is not judged) or
  ``range`` (only ranges and bounds: an unmatched exact prediction is not judged).

Timing: ours and quantulum3 run every sentence ``--repeat`` times after one warm-up pass, in
this process; the time of a sentence is its fastest pass. CQE is timed inside the runner the
same way (``parse`` alone, model load and a warm-up excluded). quantulum3 uses its unit
classifier when scikit-learn is installed and a compatible model is available
(``--quantulum-classifier PATH``, or the one it ships); otherwise it runs without it, and the
table says which.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import subprocess
import sys
import time
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pint
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.extract.lexicon import lexicon_of  # noqa: E402
from pipeline.extract.quantities import extract_quantities  # noqa: E402
from pipeline.extract.words import SCALE_NOUNS  # noqa: E402
from pipeline.rules import load_rules, make_registry  # noqa: E402
from pipeline.units import unit_expression  # noqa: E402

REL_TOL = 1e-3
DEFAULT_SETS = ("benchmarks/qsets/*.yaml", "tests/data/quantities_annotated.yaml",
                "tests/data/quantities_heldout.yaml")
CQE_VENV = Path(os.environ.get("CQE_VENV", "/work/cqe-venv"))
CQE_RUNNER = ROOT / "benchmarks" / "_cqe_runner.py"
SYSTEMS = ("ours", "quantulum3", "cqe")

_NUM = r"[-+]?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?"
_GOLD = re.compile(
    rf"^(?:(?P<dir>up|down):)?(?P<op>~|>=|<=)?(?P<a>{_NUM})"
    rf"(?:\.\.(?P<b>{_NUM})(?P<vague>\?)?)?\s+(?P<unit>\S+)$"
)


# ------------------------------------------------------------------------- items and gold

@dataclass
class Item:
    """One quantity in the benchmark's notation: a value or interval, a bound, a unit."""

    value: float | None
    low: float | None
    high: float | None
    bound: str
    unit: str
    direction: str | None = None
    surface: str = ""

    def __str__(self) -> str:
        head = f"{self.direction}:" if self.direction else ""
        if self.bound in ("range", "vague") and self.low is not None and self.high is not None:
            num = f"{_fmt(self.low)}..{_fmt(self.high)}" + ("?" if self.bound == "vague" else "")
        else:
            op = {"approx": "~", "at_least": ">=", "at_most": "<="}.get(self.bound, "")
            num = op + _fmt(self.value if self.value is not None else self.low or self.high)
        tail = f"   «{self.surface}»" if self.surface else ""
        return f"{head}{num} {self.unit}{tail}"


def _fmt(x: float | None) -> str:
    if x is None:
        return "?"
    return f"{x:.6g}"


def parse_gold(text: str) -> Item:
    m = _GOLD.match(text.strip())
    if not m:
        raise ValueError(f"bad gold quantity {text!r}")
    a, unit, direction = float(m["a"]), m["unit"], m["dir"]
    if m["b"] is not None:
        b = float(m["b"])
        lo, hi = min(a, b), max(a, b)
        if m["vague"]:
            return Item(None, lo, hi, "vague", unit, direction)
        return Item((lo + hi) / 2, lo, hi, "range", unit, direction)
    op = m["op"]
    if op == "~":
        return Item(a, a, a, "approx", unit, direction)
    if op == ">=":
        return Item(a, a, None, "at_least", unit, direction)
    if op == "<=":
        return Item(a, None, a, "at_most", unit, direction)
    return Item(a, a, a, "exact", unit, direction)


@dataclass
class Case:
    id: str
    text: str
    gold: list[Item]
    section: str = ""


@dataclass
class QSet:
    name: str
    cases: list[Case]
    scope: str | None = None  # "currency" / "range": only those are annotated (see score)


def load_set(path: Path) -> QSet:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    cases = []
    for c in data["cases"]:
        section = c.get("section") or str(c["id"]).split("-")[0]
        cases.append(Case(str(c["id"]), c["text"], [parse_gold(g) for g in c.get("q") or []],
                          section))
    return QSet(path.name, cases, data.get("scope"))


def default_set_paths() -> list[Path]:
    paths: list[Path] = []
    for pattern in DEFAULT_SETS:
        paths.extend(sorted(ROOT.glob(pattern)))
    return [p for p in paths if p.is_file()]


# ------------------------------------------------------------------------------ adapters

def ours_item(q: Any) -> Item:
    """THE adapter from a ``pipeline.models.Quantity`` to the benchmark's notation.

    Value/interval from ``value``/``low``/``high``, the unit as a pint expression
    (``unit_expression``: ``USD / (share)``), the bound from ``Quantity.bound`` and the direction
    from ``Quantity.direction`` once the model has one (``"up"``/``"down"``/``None``). Extend here
    and nowhere else.
    """
    direction = getattr(q, "direction", None)
    span = getattr(q, "span", None)
    unit = unit_expression(q).replace(" ", "")
    if unit in SCALE_NOUNS:  # a point of a scale ("magnitude 7.8") is a plain number here
        unit = "dimensionless"
    return Item(q.value, q.low, q.high, q.bound, unit,
                direction if direction in ("up", "down") else None,
                getattr(span, "text", "") or "")


def ours_items(text: str, registry: pint.UnitRegistry, lexicon: Any = None) -> list[Item]:
    return [ours_item(q) for q in extract_quantities(text, doc_id="bench", registry=registry,
                                                     lexicon=lexicon)]


# Baseline unit names -> the benchmark's notation (shared by quantulum3 and CQE).
_CURRENCY_NAMES = {
    "dollar": "USD", "us dollar": "USD", "united states dollar": "USD", "euro": "EUR",
    "pound sterling": "GBP", "pound": "GBP", "sterling": "GBP", "yen": "JPY",
    "japanese yen": "JPY", "yuan": "CNY", "chinese yuan": "CNY", "renminbi": "CNY",
    "swiss franc": "CHF", "canadian dollar": "CAD", "australian dollar": "AUD",
    "singapore dollar": "SGD", "hong kong dollar": "HKD", "new zealand dollar": "NZD",
    "indian rupee": "INR", "rupee": "INR", "south korean won": "KRW", "won": "KRW",
    "malaysian ringgit": "MYR", "ringgit": "MYR", "rand": "ZAR", "south african rand": "ZAR",
}
_MINOR_UNITS = {"cent": "USX", "cents": "USX", "penny": "GBX", "pence": "GBX",
                "paisa": "paisa", "paise": "paisa"}
_CURRENCY_SYMBOLS = {
    "$": "USD", "us$": "USD", "usd": "USD", "a$": "AUD", "au$": "AUD", "s$": "SGD",
    "c$": "CAD", "hk$": "HKD", "nz$": "NZD", "£": "GBP", "€": "EUR", "¥": "JPY", "₹": "INR",
    "rs": "INR", "rs.": "INR", "inr": "INR", "rmb": "CNY", "rm": "MYR", "chf": "CHF",
    "eur": "EUR", "gbp": "GBP", "jpy": "JPY", "cny": "CNY", "aud": "AUD", "nzd": "NZD",
}
_BASELINE_SPECIAL = {
    "percentage": "percent", "per cent": "percent", "percent": "percent", "%": "percent",
    "percentage point": "percentage_point", "basis point": "basis_point",
    "celsius": "degree_Celsius", "degree celsius": "degree_Celsius",
    "fahrenheit": "degree_Fahrenheit", "degree fahrenheit": "degree_Fahrenheit",
    "kelvin": "kelvin", "pound-foot": "pound_force*foot", "foot-pound": "foot*pound_force",
    "newton metre": "newton*meter", "newton meter": "newton*meter",
    "light-year": "light_year", "tonne": "metric_ton", "metric ton": "metric_ton",
    "short ton": "ton", "astronomical unit": "astronomical_unit",
    "kilowatt hour": "kilowatt_hour", "watt hour": "watt_hour",
    "milliampere hour": "milliampere_hour", "ampere hour": "ampere_hour",
    "times": "time", "time": "time", "point": "index_point", "points": "index_point",
    "count": "dimensionless", "year of age": "year", "pound-mass": "pound",
    "pound mass": "pound", "wh": "watt_hour", "kwh": "kilowatt_hour", "mwh": "megawatt_hour",
    "gwh": "gigawatt_hour",
    "dimensionless": "dimensionless", "-": "dimensionless", "": "dimensionless",
}


def baseline_unit(name: str, currency_code: str | None = None) -> str:
    """Translate a baseline's unit name into the notation of the gold (see module docstring)."""
    low = re.sub(r"\s+", " ", (name or "").strip()).lower()
    if low in _MINOR_UNITS:
        return _MINOR_UNITS[low]
    if currency_code and re.fullmatch(r"[A-Z]{3}", currency_code):
        return currency_code
    if low in _CURRENCY_NAMES:
        return _CURRENCY_NAMES[low]
    if low in _CURRENCY_SYMBOLS:
        return _CURRENCY_SYMBOLS[low]
    if low.startswith("% "):  # CQE's fractions ("half of respondents": 0.5, "% respondent")
        return "dimensionless"
    if low in _BASELINE_SPECIAL:
        return _BASELINE_SPECIAL[low]
    if " per " in low:
        parts = [baseline_unit(p) for p in low.split(" per ") if p.strip()]
        return "/".join(parts[:1] + [f"({p})" if "*" in p or "/" in p else p
                                     for p in parts[1:]])
    low = low.replace("metre", "meter").replace("litre", "liter")
    return re.sub(r"[\s\-]+", "_", low)


def quantulum_unit(quantity: Any) -> str:
    unit = quantity.unit
    code = getattr(unit, "currency_code", None)
    name = unit.name or ""
    dims = unit.dimensions or []
    if name.lower() in _MINOR_UNITS or name.lower() in _CURRENCY_NAMES or \
            name.lower() in _BASELINE_SPECIAL or code or len(dims) <= 1:
        return baseline_unit(name, code)
    num: list[str] = []
    den: list[str] = []
    for d in dims:
        base = baseline_unit(d["base"])
        power = abs(d["power"])
        (num if d["power"] > 0 else den).append(base if power == 1 else f"{base}**{power}")
    expr = "*".join(num) or "1"
    if den:
        expr += "/" + ("(" + "*".join(den) + ")" if len(den) > 1 else den[0])
    return expr


def quantulum_items(text: str, parse: Any, classifier_path: str | None) -> list[Item]:
    items = []
    for q in parse(text, classifier_path=classifier_path):
        value = float(q.value)
        unc = float(q.uncertainty) if q.uncertainty else 0.0
        if unc:
            items.append(Item(value, value - unc, value + unc, "range", quantulum_unit(q),
                              None, q.surface))
        else:
            items.append(Item(value, value, value, "exact", quantulum_unit(q), None, q.surface))
    return items


_CQE_BOUND = {"=": "exact", "": "exact", "~": "approx", ">": "at_least", ">=": "at_least",
              "<": "at_most", "<=": "at_most", "up": "exact", "down": "exact"}


def cqe_items(found: list[dict]) -> list[Item]:
    items = []
    for q in found:
        unit = q.get("unit") or "-"
        text = (q.get("unit_text") or "").strip()
        if q.get("scientific"):
            unit = baseline_unit(unit, q.get("currency_code"))
        elif unit.strip() in ("", "-"):
            unit = "dimensionless"
        elif " of " in f" {text} " and not unit.startswith("%"):
            # a counted noun's head comes before "of" ("rounds of layoffs" -> rounds)
            head = f" {text} ".split(" of ")[0].split()
            unit = baseline_unit(head[-1]) if head else baseline_unit(unit)
        else:
            unit = baseline_unit(unit)
        change = (q.get("change") or "=").strip()
        direction = change if change in ("up", "down") else None
        surface = q.get("unit_text") or ""
        if q.get("value") is None and q.get("lower") is not None:
            lo, hi = sorted((float(q["lower"]), float(q["upper"])))
            items.append(Item((lo + hi) / 2, lo, hi, "range", unit, direction, surface))
        else:
            v = float(q["value"])
            bound = _CQE_BOUND.get(change, "exact")
            low = None if bound == "at_most" else v
            high = None if bound == "at_least" else v
            items.append(Item(v, low, high, bound, unit, direction, surface))
    return items


# ------------------------------------------------------------------------------ units

def _identity(x: float) -> float:
    return x


_IRREGULAR = {
    "people": "person", "persons": "person", "men": "man", "women": "woman",
    "children": "child", "teeth": "tooth", "feet": "foot", "mice": "mouse", "geese": "goose",
    "vertebrae": "vertebra", "paise": "paisa", "indices": "index", "analyses": "analysis",
    "crises": "crisis", "lives": "life", "wives": "wife", "halves": "half", "leaves": "leaf",
    "shelves": "shelf", "thieves": "thief", "knives": "knife", "data": "datum", "criteria":
    "criterion", "phenomena": "phenomenon", "bacteria": "bacterium", "cacti": "cactus",
}
_UNIT_ALIASES = {
    "point": "index_point", "points": "index_point", "pt": "index_point", "pts":
    "index_point", "index_point": "index_point", "index_points": "index_point",
    "times": "time", "time": "time", "per_cent": "percent", "percentage": "percent",
    "pct": "percent", "%": "percent", "decade": "decade_of_years",
}
_NOUN_ONLY = {"index_point", "time"}  # never handed to pint (pint's point is a length)
_JUDGE_EXTRAS = (  # defined in the judge's own registry only if missing there
    ("GBX", "GBX = 0.01 * GBP = _ = pence_sterling"),
    ("USX", "USX = 0.01 * USD = _ = us_cent"),
    ("paisa", "paisa = 0.01 * INR"),
    ("decade_of_years", "decade_of_years = 10 * year"),
)


def singular_forms(word: str) -> set[str]:
    w = word.lower()
    forms = {w}
    if w in _IRREGULAR:
        forms.add(_IRREGULAR[w])
    if w.endswith("ies") and len(w) > 4:
        forms.add(w[:-3] + "y")
    if w.endswith("es") and len(w) > 3:
        forms.add(w[:-2])
    if w.endswith("s") and not w.endswith("ss") and len(w) > 2:
        forms.add(w[:-1])
    return forms


class UnitJudge:
    """Decides whether a predicted unit agrees with a gold unit, and converts values."""

    def __init__(self, units_txt: Path) -> None:
        self.registry = make_registry(units_txt)
        for name, definition in _JUDGE_EXTRAS:
            try:
                self.registry.parse_units(name)
            except (pint.errors.PintError, ValueError, AttributeError, KeyError):
                try:
                    self.registry.define(definition)
                except (pint.errors.PintError, ValueError, KeyError):
                    pass
        self._pint: dict[str, pint.Unit | None] = {}
        self._agree: dict[tuple[str, str, bool], Callable[[float], float] | None] = {}

    @staticmethod
    def canon(expr: str) -> str:
        """Strip spaces, ours' ``_count`` suffixes, and map aliases token by token."""
        expr = expr.replace(" ", "")
        parts = re.split(r"([/*()])", expr)
        out = []
        for part in parts:
            if part in ("/", "*", "(", ")", ""):
                out.append(part)
                continue
            base, _, power = part.partition("**")
            base = re.sub(r"_count$", "", base)
            base = _UNIT_ALIASES.get(base.lower(), base)
            out.append(base + (f"**{power}" if power else ""))
        return re.sub(r"\((\w+)\)", r"\1", "".join(out))

    @staticmethod
    def noun_forms(expr: str) -> tuple[set[str], set[str]]:
        """Singular forms of the whole unit and of its head noun (last word)."""
        whole = expr.lower().replace("-", "_")
        words = [w for w in re.split(r"[_\s]+", whole) if w]
        head = words[-1] if words else whole
        whole_forms = {"_".join(words[:-1] + [f]) for f in singular_forms(head)} if words \
            else {whole}
        return whole_forms, singular_forms(head)

    def to_pint(self, expr: str) -> pint.Unit | None:
        if expr in self._pint:
            return self._pint[expr]
        result = None
        tokens = [t for t in re.split(r"[/*()]", expr) if t]
        if not any(t.partition("**")[0] in _NOUN_ONLY for t in tokens):
            for candidate in (expr, self._rewrite(expr)):
                try:
                    result = self.registry.parse_units(candidate)
                    break
                except (pint.errors.PintError, ValueError, TypeError, AttributeError,
                        KeyError, AssertionError, SyntaxError):
                    continue
        self._pint[expr] = result
        return result

    def _rewrite(self, expr: str) -> str:
        def one(token: str) -> str:
            base, _, power = token.partition("**")
            m = re.fullmatch(r"(square|cubic)_(\w+)", base)
            if m:
                base = f"{m[2]}**{2 if m[1] == 'square' else 3}"
            elif "_" in base and not self._parses(base):
                parts = base.split("_")
                for cut in range(len(parts) - 1, 0, -1):
                    left, right = "_".join(parts[:cut]), "_".join(parts[cut:])
                    if self._parses(left) and self._parses(right):
                        base = f"{left}*{right}"
                        break
            return f"({base})**{power}" if power else base

        return "".join(p if p in ("/", "*", "(", ")", "") else one(p)
                       for p in re.split(r"([/*()])", expr))

    def _parses(self, name: str) -> bool:
        try:
            self.registry.parse_units(name)
            return True
        except (pint.errors.PintError, ValueError, TypeError, AttributeError, KeyError,
                AssertionError, SyntaxError):
            return False

    def is_currency(self, expr: str) -> bool:
        unit = self.to_pint(self.canon(expr))
        return unit is not None and any(str(d).startswith("[currency")
                                        for d in dict(unit.dimensionality))

    @staticmethod
    def _is_count(unit: pint.Unit | None) -> bool:
        if unit is None:
            return True  # a counted noun pint does not know
        dims = dict(unit.dimensionality)
        return len(dims) == 1 and next(iter(dims)).startswith("[count_")

    def converter(self, pred_unit: str, gold_unit: str, *,
                  lenient_counts: bool = False) -> Callable[[float], float] | None:
        """A function converting a predicted value into the gold unit, or None if the units
        disagree."""
        key = (pred_unit, gold_unit, lenient_counts)
        if key in self._agree:
            return self._agree[key]
        result = self._converter(pred_unit, gold_unit, lenient_counts)
        self._agree[key] = result
        return result

    def _converter(self, pred_unit: str, gold_unit: str,
                   lenient_counts: bool) -> Callable[[float], float] | None:
        p, g = self.canon(pred_unit), self.canon(gold_unit)
        if p.lower() == g.lower() or {p, g} == {"time", "dimensionless"}:
            return _identity
        plain = not re.search(r"[/*]", p + g)
        if plain and self._nouns_agree(p, g):
            return _identity
        pu, gu = self.to_pint(p), self.to_pint(g)
        if lenient_counts and p == "dimensionless" and g != "dimensionless" and (
                self._is_count(gu)):
            return _identity
        if pu is not None and gu is not None:
            return self._pint_converter(pu, gu)
        if plain:
            return None
        return self._compound_converter(p, g)

    def _nouns_agree(self, p: str, g: str) -> bool:
        pw, ph = self.noun_forms(p)
        gw, gh = self.noun_forms(g)
        return bool(pw & gw or ph & gh)

    def _pint_converter(self, pu: pint.Unit, gu: pint.Unit) -> Callable[[float], float] | None:
        if pu.dimensionality != gu.dimensionality:
            return None
        registry = self.registry

        def convert(x: float) -> float:
            return registry.Quantity(x, pu).to(gu).magnitude

        try:
            convert(1.0)
        except (pint.errors.PintError, ValueError, ZeroDivisionError, OverflowError,
                TypeError):
            return None
        return convert

    @staticmethod
    def factors(expr: str) -> tuple[list[str], list[str]]:
        """Numerator and denominator factors of a unit expression (``a/(b*c)``, ``a/b/c``)."""
        num: list[str] = []
        den: list[str] = []
        groups, pending = [1], 1
        for tok in re.split(r"([/*()])", expr):
            if tok == "":
                continue
            if tok in ("/", "*"):
                pending = -1 if tok == "/" else 1
            elif tok == "(":
                groups.append(groups[-1] * pending)
                pending = 1
            elif tok == ")":
                if len(groups) > 1:
                    groups.pop()
                pending = 1
            else:
                (num if groups[-1] * pending > 0 else den).append(tok)
                pending = 1
        return num, den

    def _compound_converter(self, p: str, g: str) -> Callable[[float], float] | None:
        """Unit by unit: counted nouns by singular lemma, the rest through pint."""
        (pn, pd), (gn, gd) = self.factors(p), self.factors(g)

        def split(tokens: list[str]) -> tuple[list[str], list[str]]:
            nouns = [t for t in tokens if self.to_pint(t) is None]
            return nouns, [t for t in tokens if t not in nouns]

        def nouns_match(a: list[str], b: list[str]) -> bool:
            rest = list(b)
            for x in a:
                hit = next((y for y in rest if x.lower() == y.lower()
                            or self._nouns_agree(x, y)), None)
                if hit is None:
                    return False
                rest.remove(hit)
            return not rest

        (pnn, pnu), (pdn, pdu) = split(pn), split(pd)
        (gnn, gnu), (gdn, gdu) = split(gn), split(gd)
        if not (nouns_match(pnn, gnn) and nouns_match(pdn, gdn)):
            return None

        def expr(num: list[str], den: list[str]) -> str:
            top = "*".join(f"({t})" for t in num) or "dimensionless"
            return top + "".join(f"/({t})" for t in den)

        pu, gu = self.to_pint(expr(pnu, pdu)), self.to_pint(expr(gnu, gdu))
        if pu is None or gu is None:
            return None
        return self._pint_converter(pu, gu)


# ------------------------------------------------------------------------------ matching

def close(x: float | None, y: float | None) -> bool:
    if x is None or y is None:
        return False
    return math.isclose(x, y, rel_tol=REL_TOL, abs_tol=1e-9)


def _apply(conv: Callable[[float], float], x: float | None) -> float | None:
    if x is None:
        return None
    try:
        return conv(x)
    except (pint.errors.PintError, ValueError, ZeroDivisionError, OverflowError, TypeError):
        return None


def value_ok(pred: Item, gold: Item, conv: Callable[[float], float]) -> bool:
    ends = [v for v in (gold.value, gold.low, gold.high) if v is not None]
    pv = _apply(conv, pred.value)
    if pv is not None:
        if any(close(pv, e) for e in ends):
            return True
        if gold.direction and any(close(-pv, e) for e in ends):
            return True
    return (pred.low is not None and pred.high is not None and gold.low is not None
            and gold.high is not None and close(_apply(conv, pred.low), gold.low)
            and close(_apply(conv, pred.high), gold.high))


def bound_ok(pred: Item, gold: Item, conv: Callable[[float], float]) -> bool:
    if gold.direction and pred.direction != gold.direction:
        return False
    if gold.bound in ("range", "vague"):
        return (pred.bound in ("range", "vague") and close(_apply(conv, pred.low), gold.low)
                and close(_apply(conv, pred.high), gold.high))
    return pred.bound == gold.bound


class Matcher:
    """The four criteria of the module docstring."""

    def __init__(self, judge: UnitJudge, lenient_counts: bool) -> None:
        self.judge = judge
        self.lenient = lenient_counts

    def out_of_scope(self, scope: str | None) -> Callable[[Item], bool] | None:
        """Unmatched predictions a partial set does not judge: ``scope: currency`` annotates
        only money, ``scope: range`` only ranges and bounds (exact values are not judged)."""
        if scope == "currency":
            return lambda p: not self.judge.is_currency(p.unit)
        if scope == "range":
            return lambda p: p.bound == "exact"
        return None

    def conv(self, pred: Item, gold: Item) -> Callable[[float], float] | None:
        return self.judge.converter(pred.unit, gold.unit, lenient_counts=self.lenient)

    def value(self, pred: Item, gold: Item) -> bool:
        if value_ok(pred, gold, _identity):
            return True
        conv = self.conv(pred, gold)
        return conv is not None and value_ok(pred, gold, conv)

    def value_unit(self, pred: Item, gold: Item) -> bool:
        conv = self.conv(pred, gold)
        return conv is not None and value_ok(pred, gold, conv)

    def value_bound(self, pred: Item, gold: Item) -> bool:
        if value_ok(pred, gold, _identity) and bound_ok(pred, gold, _identity):
            return True
        conv = self.conv(pred, gold)
        return conv is not None and value_ok(pred, gold, conv) and bound_ok(pred, gold, conv)

    def all(self, pred: Item, gold: Item) -> bool:
        conv = self.conv(pred, gold)
        return conv is not None and value_ok(pred, gold, conv) and bound_ok(pred, gold, conv)


@dataclass
class Score:
    tp_gold: int = 0
    gold: int = 0
    tp_pred: int = 0
    pred: int = 0

    def add(self, other: Score) -> None:
        self.tp_gold += other.tp_gold
        self.gold += other.gold
        self.tp_pred += other.tp_pred
        self.pred += other.pred

    @property
    def precision(self) -> float:
        return self.tp_pred / self.pred if self.pred else 0.0

    @property
    def recall(self) -> float:
        return self.tp_gold / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Outcome:
    score: Score
    missed: list[Item]
    spurious: list[Item]
    pairs: list[tuple[Item, Item]]  # (gold, pred) matched


def score(preds: list[Item], golds: list[Item], match: Callable[[Item, Item], bool],
          value_match: Callable[[Item, Item], bool],
          out_of_scope: Callable[[Item], bool] | None = None) -> Outcome:
    used: set[int] = set()
    missed: list[Item] = []
    pairs: list[tuple[Item, Item]] = []
    for gold in golds:
        for k, pred in enumerate(preds):
            if k not in used and match(pred, gold):
                used.add(k)
                pairs.append((gold, pred))
                break
        else:
            missed.append(gold)
    ignored = 0
    spurious: list[Item] = []
    for k, pred in enumerate(preds):
        if k in used:
            continue
        if any(g.bound in ("range", "vague") and value_match(pred, g) for g in golds) or (
                out_of_scope is not None and out_of_scope(pred)):
            ignored += 1
        else:
            spurious.append(pred)
    s = Score(len(pairs), len(golds), len(used), len(preds) - ignored)
    return Outcome(s, missed, spurious, pairs)


CRITERIA = ("value", "value_unit", "value_bound", "all")


@dataclass
class SystemRun:
    name: str
    label: str
    preds: dict[str, list[list[Item]]] = field(default_factory=dict)  # set -> per case
    ms: dict[str, list[float]] = field(default_factory=dict)  # set -> per case
    note: str = ""
    skipped: bool = False


# ------------------------------------------------------------------------------ running

def timed(fn: Callable[[str], list[Item]], texts: list[str],
          repeat: int) -> tuple[list[list[Item]], list[float]]:
    out = [fn(t) for t in texts]  # warm-up (lazy loads)
    best = [math.inf] * len(texts)
    for _ in range(max(1, repeat)):
        for i, t in enumerate(texts):
            start = time.perf_counter()
            out[i] = fn(t)
            best[i] = min(best[i], time.perf_counter() - start)
    return out, [1000 * b for b in best]


def load_quantulum(path: str | None) -> tuple[Any, str | None, str]:
    warnings.filterwarnings("ignore")
    from quantulum3 import classifier, parser

    if not classifier.USE_CLF:
        return parser.parse, None, "quantulum3 (no classifier: no scikit-learn)"
    candidates = [path] if path else [None, "/tmp/quantulum3_clf.joblib"]
    for candidate in candidates:
        if candidate is not None and not Path(candidate).exists():
            continue
        try:
            parser.parse("It costs 5 pounds.", classifier_path=candidate)
            return parser.parse, candidate, "quantulum3 (with classifier)"
        except (ModuleNotFoundError, AttributeError, ValueError, ImportError, EOFError):
            continue
    classifier.USE_CLF = False  # its shipped model does not load under this scikit-learn
    return parser.parse, None, "quantulum3 (classifier disabled: incompatible)"


def run_cqe(sets: list[QSet], python: Path, repeat: int) -> SystemRun:
    run = SystemRun("cqe", "CQE 2.0.3 (subprocess)")
    if not python.exists():
        run.skipped = True
        run.note = (f"CQE skipped: no {python} (run `bash benchmarks/cqe_setup.sh` to install "
                    "it in its own venv)")
        return run
    lines = [json.dumps({"id": f"{qs.name}#{i}", "text": c.text})
             for qs in sets for i, c in enumerate(qs.cases)]
    env = dict(os.environ, LC_ALL="en_US.UTF-8", LANG="en_US.UTF-8", PYTHONWARNINGS="ignore")
    try:
        proc = subprocess.run([str(python), str(CQE_RUNNER), "--repeat", str(repeat)],
                              input="\n".join(lines) + "\n", capture_output=True, text=True,
                              env=env, timeout=3600, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        run.skipped = True
        run.note = f"CQE skipped: runner failed to start or timed out ({exc})"
        return run
    if proc.returncode != 0 or not proc.stdout.strip():
        run.skipped = True
        tail = " | ".join(proc.stderr.strip().splitlines()[-3:])
        run.note = f"CQE skipped: runner exited {proc.returncode}: {tail}"
        return run
    data = json.loads(proc.stdout)
    by_id = {r["id"]: r for r in data["results"]}
    errors = 0
    for qs in sets:
        preds, ms = [], []
        for i, _ in enumerate(qs.cases):
            r = by_id[f"{qs.name}#{i}"]
            errors += bool(r.get("error"))
            preds.append(cqe_items(r["quantities"]))
            ms.append(float(r["ms"]))
        run.preds[qs.name] = preds
        run.ms[qs.name] = ms
    run.note = (f"CQE: model load {data['load_ms'] / 1000:.1f} s (excluded); "
                f"{errors} sentence(s) raised inside CQE (scored as no output)")
    return run


def run_inprocess(name: str, label: str, fn: Callable[[str], list[Item]], sets: list[QSet],
                  repeat: int) -> SystemRun:
    run = SystemRun(name, label)
    texts = [c.text for qs in sets for c in qs.cases]
    preds, ms = timed(fn, texts, repeat)
    k = 0
    for qs in sets:
        n = len(qs.cases)
        run.preds[qs.name] = preds[k:k + n]
        run.ms[qs.name] = ms[k:k + n]
        k += n
    return run


# ------------------------------------------------------------------------------ reporting

def evaluate(run: SystemRun, qs: QSet, matcher: Matcher,
             sections: Iterable[str] | None = None) -> dict[str, Score]:
    totals = {c: Score() for c in CRITERIA}
    wanted = set(sections) if sections is not None else None
    ignore = matcher.out_of_scope(qs.scope)
    for case, preds in zip(qs.cases, run.preds[qs.name], strict=True):
        if wanted is not None and case.section not in wanted:
            continue
        for crit in CRITERIA:
            totals[crit].add(score(preds, case.gold, getattr(matcher, crit),
                                   matcher.value, ignore).score)
    return totals


HEAD = (f"{'system':<46} {'value P':>7} {'R':>5} {'F1':>5} | {'v+unit P':>8} {'R':>5} "
        f"{'F1':>5} | {'v+bound P':>9} {'R':>5} {'F1':>5} | {'all F1':>6} | {'ms/sent':>7}")


def row(label: str, s: dict[str, Score], ms: float | None) -> str:
    v, vu, vb, a = (s[c] for c in CRITERIA)
    ms_text = f"{ms:>7.2f}" if ms is not None else f"{'-':>7}"
    return (f"{label:<46} {v.precision:>7.3f} {v.recall:>5.3f} {v.f1:>5.3f} | "
            f"{vu.precision:>8.3f} {vu.recall:>5.3f} {vu.f1:>5.3f} | "
            f"{vb.precision:>9.3f} {vb.recall:>5.3f} {vb.f1:>5.3f} | {a.f1:>6.3f} | {ms_text}")


def print_table(title: str, runs: list[SystemRun], sets: list[QSet], matcher: Matcher) -> None:
    n_cases = sum(len(qs.cases) for qs in sets)
    n_gold = sum(len(c.gold) for qs in sets for c in qs.cases)
    scope = "".join(f" (scope: {qs.scope}: other predictions not judged)" for qs in sets
                    if qs.scope and len(sets) == 1)
    print(f"\n{title}: {n_cases} sentences, {n_gold} gold quantities{scope}")
    print(HEAD)
    print("-" * len(HEAD))
    for run in runs:
        if run.skipped:
            print(f"{run.label:<46} skipped (see note)")
            continue
        totals = {c: Score() for c in CRITERIA}
        ms_all: list[float] = []
        for qs in sets:
            for crit, s in evaluate(run, qs, matcher).items():
                totals[crit].add(s)
            ms_all.extend(run.ms[qs.name])
        print(row(run.label, totals, sum(ms_all) / len(ms_all) if ms_all else None))


def print_sections(runs: list[SystemRun], sets: list[QSet], matcher: Matcher) -> None:
    sections = sorted({c.section for qs in sets for c in qs.cases})
    live = [r for r in runs if not r.skipped]
    print("\nvalue+unit F1 by section (all sets pooled; gold count in brackets)")
    print(f"{'section':<22}" + "".join(f"{r.name:>12}" for r in live))
    for sec in sections:
        n = sum(len(c.gold) for qs in sets for c in qs.cases if c.section == sec)
        cells = []
        for r in live:
            tot = Score()
            for qs in sets:
                tot.add(evaluate(r, qs, matcher, [sec])["value_unit"])
            cells.append(f"{tot.f1:>12.3f}")
        print(f"{sec + f' ({n})':<22}" + "".join(cells))


def print_misses(run: SystemRun, sets: list[QSet], matcher: Matcher) -> None:
    print(f"\nMisses and false positives of {run.label} (value+unit; then bound/direction on "
          "value matches)")
    for qs in sets:
        ignore = matcher.out_of_scope(qs.scope)
        for case, preds in zip(qs.cases, run.preds[qs.name], strict=True):
            vu = score(preds, case.gold, matcher.value_unit, matcher.value, ignore)
            val = score(preds, case.gold, matcher.value, matcher.value, ignore)
            vb = score(preds, case.gold, matcher.value_bound, matcher.value, ignore)
            value_pairs = {id(g): p for g, p in val.pairs}
            bound_missed = [g for g in vb.missed if id(g) in value_pairs]
            if not (vu.missed or vu.spurious or bound_missed):
                continue
            print(f"{qs.name}:{case.id}: {case.text}")
            for g in vu.missed:
                p = value_pairs.get(id(g))
                if p is None:
                    print(f"    missed    {g}")
                else:
                    print(f"    unit      gold {g}   pred {p}")
            for g in bound_missed:
                print(f"    bound     gold {g}   pred {value_pairs[id(g)]}")
            for p in vu.spurious:
                if not any(matcher.value(p, g) for g in case.gold):
                    print(f"    spurious  {p}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--set", action="append", dest="sets", metavar="FILE",
                    help="a set file (repeatable); default: " + ", ".join(DEFAULT_SETS))
    ap.add_argument("--cases", dest="sets", action="append", help=argparse.SUPPRESS)
    ap.add_argument("--rules", default=str(ROOT / "rules"))
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--systems", default=",".join(SYSTEMS),
                    help="comma-separated subset of: " + ", ".join(SYSTEMS))
    ap.add_argument("--misses", choices=SYSTEMS, metavar="SYSTEM",
                    help="print misses and false positives of one system: "
                         + ", ".join(SYSTEMS))
    ap.add_argument("--by-section", action="store_true",
                    help="also print value+unit F1 per section")
    ap.add_argument("--lenient-counts", action="store_true",
                    help="accept a dimensionless prediction for a gold counted noun")
    ap.add_argument("--quantulum-classifier", default=None)
    ap.add_argument("--cqe-python", default=str(CQE_VENV / "bin" / "python"))
    args = ap.parse_args(argv)

    paths = [Path(p) for p in args.sets] if args.sets else default_set_paths()
    sets = [load_set(p) for p in paths]
    wanted = [s.strip() for s in args.systems.split(",") if s.strip()]
    if args.misses and args.misses not in wanted:
        wanted.append(args.misses)

    rules = load_rules(args.rules)
    registry = rules.registry
    judge = UnitJudge(rules.root / "units.txt")  # its own registry: judging never touches ours
    matcher = Matcher(judge, args.lenient_counts)

    runs: list[SystemRun] = []
    notes: list[str] = []
    if "ours" in wanted:
        runs.append(run_inprocess("ours", "ours (pipeline.extract.quantities)",
                                  lambda t: ours_items(t, registry, lexicon_of(rules)), sets,
                                  args.repeat))
    if "quantulum3" in wanted:
        q3_parse, q3_clf, q3_label = load_quantulum(args.quantulum_classifier)
        runs.append(run_inprocess("quantulum3", q3_label,
                                  lambda t: quantulum_items(t, q3_parse, q3_clf), sets,
                                  args.repeat))
    if "cqe" in wanted:
        cqe = run_cqe(sets, Path(args.cqe_python), args.repeat)
        runs.append(cqe)
        notes.append(cqe.note)

    if args.lenient_counts:
        notes.append("--lenient-counts: a dimensionless prediction matches a gold counted noun")
    for qs in sets:
        print_table(qs.name, runs, [qs], matcher)
    if len(sets) > 1:
        print_table("ALL SETS POOLED", runs, sets, matcher)
    if args.by_section:
        print_sections(runs, sets, matcher)
    for note in notes:
        if note:
            print(f"\nnote: {note}")
    if args.misses:
        run = next(r for r in runs if r.name == args.misses)
        if run.skipped:
            print(f"\n{run.label}: skipped, no misses to show")
        else:
            print_misses(run, sets, matcher)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
