"""The order findings are shown in, everywhere (report pages, Markdown, ``claims review``):
grouped by (subject, metric), the most severe group first, each group sorted by dismissed
last, severity, kind and id. Light on purpose (models only): ``claims review`` imports it."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from typing import NamedTuple

from pipeline.models import SEVERITY_ORDER, Finding

#: Report order of finding kinds: real problems first, reassurance last.
KIND_ORDER: tuple[str, ...] = (
    "contradiction", "arithmetic_error", "divergence", "update", "scope", "alternative",
    "garbled", "reconciled", "arithmetic_ok", "not_compared",
)
KIND_RANK = {kind: i for i, kind in enumerate(KIND_ORDER)}


def finding_key(f: Finding) -> tuple[int, int, int, str]:
    return (f.status == "dismissed", SEVERITY_ORDER.get(f.severity, 9),
            KIND_RANK.get(f.kind, len(KIND_ORDER)), f.id)


class OrderedGroup(NamedTuple):
    """A (subject, metric) group of findings as the report orders and labels it."""

    subject: str  # as in the findings ("" for none)
    metric: str
    key: str  # the HTML anchor, unique in the report
    label: str
    metric_label: str
    severity: str
    findings: list[Finding]  # in report order


def ordered_groups(findings: Sequence[Finding]) -> list[OrderedGroup]:
    """The findings grouped by (subject, metric): most severe group first, each sorted."""
    grouped: dict[tuple[str, str], list[Finding]] = defaultdict(list)
    # a metric class ("gpu_count", of the scope check) and the metric key of the same words
    # ("gpu count", of the frames) are one group: one heading per disagreement
    spellings: dict[tuple[str, str], set[str]] = defaultdict(set)
    for f in findings:
        metric = f.metric or ""
        words = (f.subject or "", metric.replace("_", " "))
        grouped[words].append(f)
        spellings[words].add(metric)
    groups: list[OrderedGroup] = []
    for heading, members in grouped.items():
        subject = heading[0]
        # the class's spelling first: the charts find the claims of the group by it
        metric = min(spellings[heading], key=lambda m: ("_" not in m, m))
        members.sort(key=finding_key)
        live = [f for f in members if f.status != "dismissed"] or members
        severity = min((f.severity for f in live), key=lambda s: SEVERITY_ORDER.get(s, 9))
        key = re.sub(r"[^a-z0-9]+", "-", f"{subject}-{metric}".lower()).strip("-") or "group"
        label = subject or ("Repaired text" if all(f.kind == "garbled" for f in members)
                            else "(no subject)")
        groups.append(OrderedGroup(subject, metric, key, label, metric.replace("_", " "),
                                    severity, members))
    groups.sort(key=lambda g: (all(f.status == "dismissed" for f in g.findings),
                               SEVERITY_ORDER.get(g.severity, 9),
                               min(KIND_RANK.get(f.kind, len(KIND_ORDER)) for f in g.findings),
                               g.label.lower(), g.metric_label))
    seen_keys: Counter[str] = Counter()
    for i, g in enumerate(groups):  # unique anchors
        seen_keys[g.key] += 1
        if seen_keys[g.key] > 1:
            groups[i] = g._replace(key=f"{g.key}-{seen_keys[g.key]}")
    return groups


def report_order(findings: Sequence[Finding]) -> list[Finding]:
    """The findings in the order the report shows them (group by group)."""
    return [f for g in ordered_groups(findings) for f in g.findings]
