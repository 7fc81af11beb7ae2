"""How the check stage's cost grows with the number of claims, against naive all pairs.

    /tmp/venv/bin/python benchmarks/checks.py            # 1k, 10k, 100k claims
    /tmp/venv/bin/python benchmarks/checks.py 1000 5000  # chosen sizes

Synthetic claims: about 50 claims per (subject, metric) block, a mix of bounds, rates per
month and per year, totals over a duration, projections and hypotheticals, ten claims per
document. The blocked checks (every check enabled in rules/checks.yaml) run in full; the
naive baseline (``compare_claims`` on every pair of the corpus) runs in full up to
``NAIVE_FULL`` claims and is extrapolated from a timed sample of pairs above that.
"""

from __future__ import annotations

import gc
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.check import checks  # noqa: E402
from pipeline.models import Claim, Normalized, Quantity, Span  # noqa: E402
from pipeline.rules import Rules, load_rules  # noqa: E402
from pipeline.units import normalize  # noqa: E402

NAIVE_FULL = 1_000
NAIVE_SAMPLE = 20_000
METRICS = ("revenue", "valuation", "cash_burn", "deal_value", "gpu_count")


def synthetic_claims(n: int, rules: Rules, seed: int = 7) -> list[Claim]:
    rng = random.Random(seed)
    factors: dict[tuple[str, str | None], Normalized] = {}
    blocks = max(1, n // 50)
    bases = [10 ** rng.uniform(6, 11) for _ in range(blocks)]
    claims: list[Claim] = []
    for i in range(n):
        block = rng.randrange(blocks)
        metric = METRICS[block % len(METRICS)]
        unit = "GPU" if metric == "gpu_count" else "USD"
        per = rng.choice((None, None, "month", "year")) if unit == "USD" else None
        over = "3 year" if per is None and unit == "USD" and rng.random() < 0.1 else None
        bound = rng.choice(("exact", "exact", "approx", "at_least", "at_most", "range"))
        value = bases[block] * rng.lognormvariate(0, 0.3 if rng.random() < 0.9 else 1.5)
        if per == "month":
            value /= 12
        low: float | None = value
        high: float | None = value
        if bound == "range":
            low, high = value * 0.8, value * 1.2
        elif bound == "at_least":
            high = None
        elif bound == "at_most":
            low = None
        doc = f"doc{i // 10}"
        start = (i % 10) * 120
        text = f"{value:.3g} {unit}"
        span = Span(doc_id=doc, start=start, end=start + len(text), text=text)
        quantity = Quantity(span=span, value=value, low=low, high=high,
                            bound=bound,  # type: ignore[arg-type]
                            unit=unit, per=per, over=over)
        key = (unit, per)
        if key not in factors:
            probe = Quantity(span=span, value=1.0, low=1.0, high=1.0, unit=unit, per=per)
            factors[key] = normalize(probe, rules.registry)
        unit_n = factors[key]
        factor = unit_n.low or 1.0
        normalized = Normalized(low=None if low is None else low * factor,
                                high=None if high is None else high * factor, unit=unit_n.unit)
        modality = rng.choices(("asserted", "quoted", "projection", "hypothetical",
                                "alternative"), weights=(70, 10, 10, 5, 5))[0]
        claims.append(Claim(
            id=f"c-{i:08d}", doc_id=doc, span=span, sentence=f"Sentence {i} about {text}." * 3,
            subject=f"Company{block}", metric=metric, quantity=quantity,
            normalized=normalized, modality=modality,  # type: ignore[arg-type]
        ))
    return claims


def blocked(claims: list[Claim], rules: Rules) -> tuple[float, int]:
    gc.collect()
    start = time.perf_counter()
    findings = checks.run_checks(claims, rules=rules)
    return time.perf_counter() - start, len(findings)


def naive(claims: list[Claim], rules: Rules, rng: random.Random) -> tuple[float, bool]:
    """All pairs of the corpus: measured in full for small n, else extrapolated."""
    n = len(claims)
    pairs = n * (n - 1) // 2
    if n <= NAIVE_FULL:
        start = time.perf_counter()
        for i, a in enumerate(claims):
            for b in claims[i + 1:]:
                checks.compare_claims(a, b, rules)
        return time.perf_counter() - start, False
    sample = [(rng.randrange(n), rng.randrange(n)) for _ in range(NAIVE_SAMPLE)]
    start = time.perf_counter()
    for i, j in sample:
        checks.compare_claims(claims[i], claims[j], rules)
    return (time.perf_counter() - start) / NAIVE_SAMPLE * pairs, True


def main(sizes: list[int]) -> None:
    rules = load_rules(ROOT / "rules")
    rng = random.Random(1)
    print(f"checks enabled: {', '.join(rules.checks.checks)}")
    print(f"{'claims':>8} {'findings':>9} {'blocked s':>10} {'µs/claim':>9} {'× per claim':>12} "
          f"{'all-pairs s':>12} {'speed-up':>9}")
    base: float | None = None
    for n in sizes:
        claims = synthetic_claims(n, rules)
        seconds, count = blocked(claims, rules)
        per_claim = seconds / n * 1e6
        base = base or per_claim
        naive_s, estimated = naive(claims, rules, rng)
        mark = "*" if estimated else " "
        print(f"{n:>8,} {count:>9,} {seconds:>10.2f} {per_claim:>9.1f} "
              f"{per_claim / base:>12.2f} {naive_s:>11.1f}{mark} {naive_s / seconds:>9,.0f}")
    print("* extrapolated from a timed sample of "
          f"{NAIVE_SAMPLE:,} pairs; '× per claim' is time per claim relative to the first row")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [1_000, 10_000, 100_000])
