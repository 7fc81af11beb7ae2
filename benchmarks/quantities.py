"""Benchmark the quantities stage against quantulum3 on hand-annotated news sentences.

Run: ``python benchmarks/quantities.py [--cases tests/data/quantities_annotated.yaml]
[--repeat 3] [--misses]``. Prints one table: precision, recall and F1 for *value* and
*value+unit* matching, and milliseconds per sentence, for both extractors side by side;
then the same for ours with bound and interval required too (quantulum3 has no bounds).

The annotated set (``tests/data/quantities_annotated.yaml``) documents its notation at its
top: each gold quantity has a value or interval, a bound and a unit (a pint expression of
the run's registry: ``USD/month``, ``GPU``, ``percent``, ``MW``...).

Matching rule (the same for both systems, except where it favours quantulum3):

* Within one sentence, each gold quantity is matched to at most one prediction, greedily
  in text order; a prediction is matched at most once.
* **Value match**: the predicted value equals (relative tolerance 1e-3) the gold value, or
  one of the gold interval's ends; or the predicted interval equals the gold interval.
  So a system that splits "$45 to $75" into two numbers matches the range with either, and
  the prediction for the *other* end is neither a hit nor a false positive.
* **Value+unit match**: a value match whose units agree. Units agree when both parse in
  the pint registry and the predicted value converted to the gold unit still matches
  (so ``300 MW`` = ``0.3 GW``, ``staff`` = ``employee``, ``USD/month`` = ``dollar per
  month``), or when the singular names are the same counted noun.
  quantulum3 unit names are translated to pint names (``dollar`` -> ``USD``,
  ``percentage``/``per cent`` -> ``percent``, ``pound sterling`` -> ``GBP``, compound
  units through their ``dimensions`` list). quantulum3 has no notion of counted nouns: its
  ``dimensionless`` output is accepted for any gold count unit (``555,000 GPUs``). Ours must
  name the counted noun.
* **Full match** (ours only): value+unit, and the bound (exact, approx, at_least, at_most,
  range, vague) and the interval ends equal the gold ones.
* Precision = matched predictions / (predictions - ignored other-end predictions);
  recall = matched gold / gold; F1 the harmonic mean.

Timing: both systems run over every sentence ``--repeat`` times after one warm-up pass
(quantulum3 loads its unit tables and classifier lazily); the best pass is reported.
quantulum3 uses its unit classifier when scikit-learn is installed and a compatible model
is available (``--quantulum-classifier PATH``, or the one it ships); otherwise it runs
without it, and the table says which.
"""

from __future__ import annotations

import argparse
import math
import re
import sys
import time
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pint
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.quantities import extract_quantities  # noqa: E402
from pipeline.rules import load_rules  # noqa: E402
from pipeline.units import unit_expression  # noqa: E402

REL_TOL = 1e-3
_NUM = r"[-+]?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?"
_GOLD = re.compile(
    rf"^(?P<op>~|>=|<=)?(?P<a>{_NUM})(?:\.\.(?P<b>{_NUM})(?P<vague>\?)?)?\s+(?P<unit>\S+)$"
)
_Q3_UNITS = {
    "dollar": "USD", "united states dollar": "USD", "euro": "EUR", "pound sterling": "GBP",
    "yen": "JPY", "japanese yen": "JPY", "yuan": "CNY", "renminbi": "CNY",
    "singapore dollar": "SGD", "indian rupee": "INR", "south korean won": "KRW",
    "percentage": "percent", "per cent": "percent", "cent": "cent", "penny": "pence",
    "kilometre per hour": "kph", "mile per hour": "mph", "light-year": "light_year",
    "tonne": "metric_ton", "degree Celsius": "degree_Celsius",
    "degree fahrenheit": "degree_Fahrenheit", "basis point": "basis_point",
    "square foot": "square_foot", "cubic metre": "cubic_meter",
}


@dataclass
class Item:
    value: float | None
    low: float | None
    high: float | None
    bound: str
    unit: str


def parse_gold(text: str) -> Item:
    m = _GOLD.match(text.strip())
    if not m:
        raise ValueError(f"bad gold quantity {text!r}")
    a = float(m["a"])
    unit = m["unit"]
    if m["b"] is not None:
        b = float(m["b"])
        if m["vague"]:
            return Item(None, a, b, "vague", unit)
        return Item((a + b) / 2, a, b, "range", unit)
    op = m["op"]
    if op == "~":
        return Item(a, a, a, "approx", unit)
    if op == ">=":
        return Item(a, a, None, "at_least", unit)
    if op == "<=":
        return Item(a, None, a, "at_most", unit)
    return Item(a, a, a, "exact", unit)


def close(x: float | None, y: float | None) -> bool:
    if x is None or y is None:
        return False
    return math.isclose(x, y, rel_tol=REL_TOL, abs_tol=1e-9)


def value_match(pred: Item, gold: Item) -> bool:
    ends = [v for v in (gold.value, gold.low, gold.high) if v is not None]
    if any(close(pred.value, v) for v in ends):
        return True
    return (pred.low is not None and pred.high is not None
            and close(pred.low, gold.low) and close(pred.high, gold.high))


class UnitJudge:
    """Decides whether a predicted unit agrees with a gold unit (see module docstring)."""

    def __init__(self, registry: pint.UnitRegistry) -> None:
        self.registry = registry

    def parse(self, expr: str) -> pint.Unit | None:
        expr = re.sub(r"_count\b", "", expr)
        try:
            return self.registry.parse_units(expr)
        except (pint.errors.PintError, ValueError, TypeError, AttributeError, KeyError,
                AssertionError, SyntaxError):
            return None

    @staticmethod
    def is_count(unit: pint.Unit | None) -> bool:
        if unit is None:
            return False
        dims = dict(unit.dimensionality)
        return len(dims) == 1 and next(iter(dims)).startswith("[count_")

    def agree(self, pred: Item, gold: Item, *, dimensionless_counts: bool) -> bool:
        pu, gu = self.parse(pred.unit), self.parse(gold.unit)
        names = (_noun(pred.unit), _noun(gold.unit))
        if names[0] == names[1]:
            return True
        if pu is None or gu is None:
            return False
        if dimensionless_counts and pred.unit == "dimensionless" and (
                self.is_count(gu) or gold.unit == "dimensionless"):
            return True
        if pu.dimensionality != gu.dimensionality:
            return False
        try:
            factor = self.registry.Quantity(1.0, pu).to(gu).magnitude
        except (pint.errors.PintError, ValueError, ZeroDivisionError, OverflowError):
            return False
        def scale(v: float | None) -> float | None:
            return v * factor if v is not None else None

        scaled = Item(scale(pred.value), scale(pred.low), scale(pred.high), pred.bound,
                      gold.unit)
        return value_match(scaled, gold)


def _noun(expr: str) -> str:
    expr = re.sub(r"_count\b", "", expr).replace(" ", "").lower()
    return re.sub(r"s\b", "", expr)


def ours(text: str, registry: pint.UnitRegistry) -> list[Item]:
    return [Item(q.value, q.low, q.high, q.bound, unit_expression(q).replace(" ", ""))
            for q in extract_quantities(text, doc_id="bench", registry=registry)]


def q3_unit(quantity: Any) -> str:
    name = quantity.unit.name
    if name in _Q3_UNITS:
        return _Q3_UNITS[name]
    dims = quantity.unit.dimensions or []
    if not dims:
        return "dimensionless"
    num: list[str] = []
    den: list[str] = []
    for d in dims:
        base = _Q3_UNITS.get(d["base"], d["base"].replace(" ", "_").replace("-", "_"))
        (num if d["power"] > 0 else den).append(base if abs(d["power"]) == 1
                                                else f"{base}**{abs(d['power'])}")
    expr = "*".join(num) or "1"
    if den:
        expr += "/" + ("(" + "*".join(den) + ")" if len(den) > 1 else den[0])
    return expr


def quantulum(text: str, parse: Any, classifier_path: str | None) -> list[Item]:
    items = []
    for q in parse(text, classifier_path=classifier_path):
        value = float(q.value)
        unc = float(q.uncertainty) if q.uncertainty else 0.0
        low, high = (value - unc, value + unc)
        items.append(Item(value, low, high, "range" if unc else "exact", q3_unit(q)))
    return items


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


def score(preds: list[Item], golds: list[Item], match: Any) -> tuple[Score, list[Item],
                                                                      list[Item]]:
    used: set[int] = set()
    hit_gold = 0
    missed: list[Item] = []
    for gold in golds:
        for k, pred in enumerate(preds):
            if k not in used and match(pred, gold):
                used.add(k)
                hit_gold += 1
                break
        else:
            missed.append(gold)
    ignored = 0
    spurious: list[Item] = []
    for k, pred in enumerate(preds):
        if k in used:
            continue
        other_end = any(g.bound in ("range", "vague") and value_match(pred, g) for g in golds)
        if other_end:
            ignored += 1
        else:
            spurious.append(pred)
    return Score(hit_gold, len(golds), len(used), len(preds) - ignored), missed, spurious


def unit_match(judge: UnitJudge, *, lenient: bool) -> Any:
    def match(pred: Item, gold: Item) -> bool:
        return value_match(pred, gold) and judge.agree(pred, gold, dimensionless_counts=lenient)
    return match


def full_match(judge: UnitJudge) -> Any:
    def match(pred: Item, gold: Item) -> bool:
        return (value_match(pred, gold) and judge.agree(pred, gold, dimensionless_counts=False)
                and pred.bound == gold.bound and close_or_none(pred.low, gold.low)
                and close_or_none(pred.high, gold.high))
    return match


def close_or_none(x: float | None, y: float | None) -> bool:
    return (x is None and y is None) or close(x, y)


def timed(fn: Any, texts: list[str], repeat: int) -> tuple[list[list[Item]], float]:
    out = [fn(t) for t in texts]  # warm-up
    best = math.inf
    for _ in range(repeat):
        start = time.perf_counter()
        out = [fn(t) for t in texts]
        best = min(best, time.perf_counter() - start)
    return out, 1000 * best / max(1, len(texts))


def load_quantulum(path: str | None) -> tuple[Any, str | None, str]:
    warnings.filterwarnings("ignore")
    from quantulum3 import classifier, parser

    if not classifier.USE_CLF:
        return parser.parse, None, "quantulum3 (no classifier: scikit-learn missing)"
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
    return parser.parse, None, "quantulum3 (classifier model incompatible: disabled)"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cases", default=str(ROOT / "tests/data/quantities_annotated.yaml"))
    ap.add_argument("--rules", default=str(ROOT / "rules"))
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--misses", action="store_true", help="list our misses and spurious hits")
    ap.add_argument("--quantulum-classifier", default=None)
    ap.add_argument("--strict-quantulum", action="store_true",
                    help="do not accept quantulum3's dimensionless output for counted nouns")
    args = ap.parse_args(argv)

    cases = yaml.safe_load(Path(args.cases).read_text(encoding="utf-8"))["cases"]
    texts = [c["text"] for c in cases]
    golds = [[parse_gold(g) for g in c["q"]] for c in cases]
    registry = load_rules(args.rules).registry
    judge = UnitJudge(registry)
    q3_parse, q3_clf, q3_name = load_quantulum(args.quantulum_classifier)

    systems = {
        "ours (pipeline.quantities)": timed(lambda t: ours(t, registry), texts, args.repeat),
        q3_name: timed(lambda t: quantulum(t, q3_parse, q3_clf), texts, args.repeat),
    }
    rows: list[tuple[str, Score, Score, Score | None, float]] = []
    for name, (preds, ms) in systems.items():
        lenient = name.startswith("quantulum3") and not args.strict_quantulum
        v, vu, full = Score(), Score(), Score()
        for case, p, g in zip(cases, preds, golds, strict=True):
            s, _, _ = score(p, g, value_match)
            v.add(s)
            s, missed, spurious = score(p, g, unit_match(judge, lenient=lenient))
            vu.add(s)
            if not name.startswith("quantulum3"):
                s, _, _ = score(p, g, full_match(judge))
                full.add(s)
                if args.misses and (missed or spurious):
                    print(f"{case['id']}: {case['text']}")
                    for m in missed:
                        print(f"   missed   {m}")
                    for m in spurious:
                        print(f"   spurious {m}")
        rows.append((name, v, vu, None if name.startswith("quantulum3") else full, ms))

    print(f"\n{len(cases)} sentences, {sum(len(g) for g in golds)} gold quantities "
          f"({Path(args.cases).name})\n")
    head = (f"{'system':<52} {'value P':>8} {'R':>6} {'F1':>6}   {'val+unit P':>10} {'R':>6} "
            f"{'F1':>6}   {'ms/sent':>8}")
    print(head)
    print("-" * len(head))
    for name, v, vu, _, ms in rows:
        print(f"{name:<52} {v.precision:>8.3f} {v.recall:>6.3f} {v.f1:>6.3f}   "
              f"{vu.precision:>10.3f} {vu.recall:>6.3f} {vu.f1:>6.3f}   {ms:>8.2f}")
    for name, _, _, strict, _ in rows:
        if strict is not None:
            print(f"\n{name}: value+unit+bound+interval P {strict.precision:.3f} "
                  f"R {strict.recall:.3f} F1 {strict.f1:.3f}")
    gap = rows[0][2].f1 - rows[1][2].f1
    print(f"value+unit F1 lead over quantulum3: {100 * gap:+.1f} points")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
