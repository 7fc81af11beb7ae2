"""Checks stage: compare claims and produce findings.

Checks live in one registry under versioned names; a changed behaviour is a new version.
Claims are blocked by (subject, metric, normalized unit) and sorted by interval within a
block, so no check compares all pairs of the corpus.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence

from pipeline.models import Claim, Finding, FindingKind, Severity
from pipeline.rules import Rules

Check = Callable[[Sequence[Claim], Rules], list[Finding]]
CHECKS: dict[str, Check] = {}


def register(name: str) -> Callable[[Check], Check]:
    def wrap(func: Check) -> Check:
        CHECKS[name] = func
        return func

    return wrap


def finding_id(check: str, kind: str, claim_ids: Iterable[str]) -> str:
    """Stable id from the check, the kind and the claims involved (order-free)."""
    raw = "|".join([check, kind, *sorted(claim_ids)]).encode()
    return "f-" + hashlib.sha1(raw).hexdigest()[:12]


def make_finding(
    check: str, kind: FindingKind, severity: Severity, claims: Sequence[Claim], explanation: str,
    *, arithmetic: str | None = None,
) -> Finding:
    ids = tuple(sorted(c.id for c in claims))
    return Finding(
        id=finding_id(check, kind, ids), kind=kind, severity=severity,
        subject=claims[0].subject, metric=claims[0].metric, claims=ids,
        explanation=explanation, check=check, arithmetic=arithmetic,
    )


def blocks(claims: Iterable[Claim]) -> dict[tuple[str, str, str], list[Claim]]:
    """Group comparable claims by (subject, metric, normalized unit)."""
    grouped: dict[tuple[str, str, str], list[Claim]] = defaultdict(list)
    for claim in claims:
        if claim.subject is None or claim.metric == "unknown":
            continue
        grouped[(claim.subject, claim.metric, claim.normalized.unit)].append(claim)
    return grouped


def _fmt(x: float | None) -> str:
    return "?" if x is None else f"{x:,.4g}"


@register("value_mismatch.v1")
def value_mismatch(claims: Sequence[Claim], rules: Rules) -> list[Finding]:
    """Asserted claims in one block whose intervals do not overlap within tolerance."""
    findings: list[Finding] = []
    high_gap = rules.checks.severity.get("high_gap", 0.5)
    for (subject, metric, unit), block in sorted(blocks(claims).items()):
        facts = [c for c in block if c.modality == "asserted"
                 and c.normalized.low is not None and c.normalized.high is not None]
        facts.sort(key=lambda c: (c.normalized.low, c.normalized.high, c.id))
        tolerance = rules.metrics.metrics[metric].tolerance if metric in rules.metrics.metrics \
            else 0.05
        for a, b in zip(facts, facts[1:]):
            a_high, b_low = a.normalized.high, b.normalized.low
            assert a_high is not None and b_low is not None
            if b_low <= a_high * (1 + tolerance):
                continue
            gap = (b_low - a_high) / b_low if b_low else 1.0
            findings.append(make_finding(
                "value_mismatch.v1", "contradiction", "high" if gap >= high_gap else "medium",
                (a, b),
                f"{subject} {metric.replace('_', ' ')}: {_fmt(a_high)} vs {_fmt(b_low)} {unit} "
                f"differ by {gap:.0%}, more than the {tolerance:.0%} tolerance.",
            ))
    return findings


def run_checks(claims: Sequence[Claim], *, rules: Rules) -> list[Finding]:
    """Run every check the rules enable; findings sorted by severity, kind and id."""
    from pipeline.models import SEVERITY_ORDER

    findings: dict[str, Finding] = {}
    for name in rules.checks.checks:
        for finding in CHECKS[name](claims, rules):
            findings[finding.id] = finding
    return sorted(findings.values(), key=lambda f: (SEVERITY_ORDER[f.severity], f.kind, f.id))
