"""Checks stage: compare claims and produce findings.

Checks live in one registry under versioned names; a changed behaviour is a new version.
Nothing compares all pairs of the corpus: claims are blocked by (subject, metric, unit) and
sorted by interval within a block; a sweep compares each group of equal claims with its
neighbour in that order and with the group of lowest upper bound seen so far: a figure's
interval misses some earlier one exactly when it starts above that lowest upper bound, so
every figure that disagrees with an earlier one is reported, in O(n log n) per block.
Repetitions (same figure, same way, same scope) collapse into one group first, and
explanations count documents and independent sources (syndicated copies count once).

Each registration declares how its check blocks claims (:func:`register`): a check's
findings in a block depend on that block's claims only, which the incremental runs and the
cluster's grouping rely on.

How two claims are compared (``interval_consistency.v1``):

* both are normalized first (pint, ``pipeline/units.py``): rates per year, totals spread
  ``over`` a duration also as a per-year rate, scale words and counts resolved;
* each becomes an interval: ``exact`` -> [x, x], ``approx`` -> x widened by the
  ``approx_tolerance``, ``at_least`` -> [x, inf), ``at_most`` -> [0, x], ``range`` as given,
  ``vague`` widened by ``vague_tolerance``; two intervals agree when their gap is within the
  metric's tolerance (``metrics.yaml``), relative to the figures, so $6.36B vs $6.4B agree;
* modality: hypothetical, conditional and alternative figures never contradict anything
  (either/or terms get their own ``alternative`` finding); a projection against a fact, or
  two projections, is at most a ``divergence``; only two asserted (or quoted) figures can
  ``contradict``;
* disagreeing figures with different known as-of dates are an ``update``; compatible
  figures far apart (ratio of their reference points at or above ``divergence_ratio``) a
  ``divergence``; equal figures written differently (per month vs per year, a total over
  three years vs a yearly rate) are ``reconciled``, with the arithmetic shown.

Not compared at all: two payments between known, different parties (Anthropic -> SpaceX vs
SpaceX -> Cursor are different deals); two figures an author sets side by side in one
article, in the same voice (within ``comparison_window_chars``: "$100,000 for a company
versus $240 for a consumer"). The same article in its own voice further apart (a Q&A
section restating the body) gets at most an informational ``scope`` finding; an article
quoting another source ("a later filing says ...") is compared normally.

Different currencies never share a block (``interval_consistency.v2`` also compares a figure
converted to the common currency: :mod:`pipeline.check.policy`). Figures of related but
different scope (GPUs vs GPU equivalents, Colossus 1 vs Colossus, operating vs net loss) are
compared only by ``scope.v1``, which reports a ``scope`` finding instead of a contradiction.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections import defaultdict
from collections.abc import Callable, Collection, Container, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, NamedTuple

from networkx.utils import UnionFind

from pipeline.check.sourcing import independent_sources
from pipeline.collector import paused_gc
from pipeline.errors import RulesError
from pipeline.extract import repair
from pipeline.models import (
    Claim,
    Document,
    Finding,
    FindingKind,
    Normalized,
    RepairedText,
    Severity,
)
from pipeline.rules import Rules, answered_for_last, kept_for_last
from pipeline.units import (
    define_units,
    dimension_key,
    format_amount,
    format_number,
    format_ratio,
    rate_from_total,
    registry_size,
)
from pipeline.wording import figure_words, gap_words, unit_words, user_words

Check = Callable[[Sequence[Claim], Rules], list[Finding]]
Block = tuple[str, ...]

FACT_MODALITIES = frozenset({"asserted", "quoted"})
IGNORED_MODALITIES = frozenset({"hypothetical", "conditional", "alternative"})
INF = math.inf

# Defaults for thresholds that rules/checks.yaml does not set.
_THRESHOLDS = {
    "default_tolerance": 0.05,
    "approx_tolerance": 0.1,
    "vague_tolerance": 0.5,
    "divergence_ratio": 4.0,
    "arithmetic_tolerance": 0.02,
    "comparison_window_chars": 600,
}


# How a record enters the findings of its check (see :func:`replay`).
SET, DEFAULT = "set", "default"
# The single block of a check without a block structure.
WHOLE_CORPUS: Block = ("*",)


class Record(NamedTuple):
    """One finding a check produced in one block, in the order it produced it.

    A check's findings are its records replayed block by block (blocks sorted), each block
    in ``seq`` order: ``set`` records replace a finding of the same id, ``default`` records
    only add one not seen yet. Findings are a pure function of the claims of their block,
    so an incremental run recomputes only the blocks its new and deleted claims fall in.
    """

    check: str
    block: Block
    seq: int
    mode: str
    finding: Finding


def replay(records: Iterable[Record]) -> list[Finding]:
    """The findings of records (of one check, or of checks with distinct ids)."""
    findings: dict[str, Finding] = {}
    for record in sorted(records, key=lambda r: (r.check, r.block, r.seq)):
        if record.mode == SET:
            findings[record.finding.id] = record.finding
        else:
            findings.setdefault(record.finding.id, record.finding)
    return list(findings.values())


# --- the registry: every check says how it blocks --------------------------------------------

# A check's blocking: the blocks a claim falls in, each with what the check compares there
# (the claim itself, or the claim as an interval in one unit). A check's findings in a block
# depend on the block's members only.
Blocking = Callable[[Claim, Rules, "UnitCache"], Iterable[tuple[Block, Any]]]
# A check's work in one block: (mode, finding) pairs in the order it makes them.
BlockCheck = Callable[[Sequence[Any], Rules], Iterable[tuple[str, Finding]]]


@dataclass(frozen=True)
class Spec:
    """A registered check: its function over any claims, how it blocks them, and its work
    in one block."""

    name: str
    run: Check
    blocks: Blocking
    per_block: BlockCheck


CHECKS: dict[str, Spec] = {}


def register(name: str, *, blocks: Blocking, per_block: BlockCheck | None = None
             ) -> Callable[[Check], Check]:
    """Register a check under a versioned name, declaring how it blocks.

    As spaCy's ``@Language.factory(name, assigns=...)``, the registration is the one place
    that says what the rest of the pipeline must know of a check: its ``blocks`` (see
    :data:`Blocking`), which :func:`records`, :func:`claim_blocks`, the incremental runs
    (:mod:`pipeline.state.delta`) and the cluster's grouping
    (:func:`pipeline.distributed.independent_groups`) all read. ``per_block`` gives its
    records of one block from the members ``blocks`` put there; by default the check's
    function runs on them and sets each finding it returns.
    """

    def wrap(func: Check) -> Check:
        def run_on_block(members: Sequence[Any], rules: Rules) -> list[tuple[str, Finding]]:
            return [(SET, finding) for finding in func(members, rules)]

        CHECKS[name] = Spec(name, func, blocks, per_block or run_on_block)
        return func

    return wrap


def per_document(claim: Claim, rules: Rules, cache: UnitCache) -> list[tuple[Block, Claim]]:
    """The blocking of a check that relates claims of one document only."""
    return [((claim.doc_id,), claim)]


def whole_corpus(claim: Claim, rules: Rules, cache: UnitCache) -> list[tuple[Block, Claim]]:
    """The blocking of a check without a block structure (it sees every claim)."""
    return [(WHOLE_CORPUS, claim)]


def enabled(rules: Rules) -> list[Spec]:
    """The checks ``checks.yaml`` enables, in its order; a name no check has is a
    :class:`RulesError` naming the file and the key."""
    for i, name in enumerate(rules.checks.checks):
        if name not in CHECKS:
            raise RulesError(str(rules.root / "checks.yaml"), f"unknown check {name!r}",
                             key=f"checks -> {i}",
                             hint="known checks: " + ", ".join(sorted(CHECKS)))
    return [CHECKS[name] for name in rules.checks.checks]


# Checks of a document's own text rather than of claims (repair's garbled runs), blocked by
# document like the per-document checks; they run wherever the document's repairs are.
DocumentCheck = Callable[[Document, RepairedText], list[Finding]]
DOCUMENT_CHECKS: dict[str, DocumentCheck] = {repair.CHECK_NAME: repair.garbled_findings}


def document_records(document: Document, repaired: RepairedText) -> list[Record]:
    """The records of every document check on one document (its block: the document)."""
    return [Record(name, (document.id,), seq, SET, finding)
            for name, check in DOCUMENT_CHECKS.items()
            for seq, finding in enumerate(check(document, repaired))]


def document_blocks(doc_id: str) -> list[tuple[str, str]]:
    """The (check, block text) pairs of the document checks on one document."""
    return [(name, block_text((doc_id,))) for name in DOCUMENT_CHECKS]


def finding_id(check: str, kind: str, claim_ids: Iterable[str]) -> str:
    """Stable id from the check, the kind and the claims involved (order-free)."""
    raw = "|".join([check, kind, *sorted(claim_ids)]).encode()
    return "f-" + hashlib.sha1(raw).hexdigest()[:12]


def make_finding(
    check: str, kind: FindingKind, severity: Severity, claims: Sequence[Claim], explanation: str,
    *, arithmetic: str | None = None, about: Iterable[str] | None = None,
) -> Finding:
    """A finding of ``claims``; its id from what it is ``about`` when given (e.g. the two
    scopes of a scope finding: a new mention of either keeps the id), else from the claims."""
    ids = tuple(sorted({c.id for c in claims}))
    first = min(claims, key=lambda c: c.id)
    return Finding(
        id=finding_id(check, kind, ids if about is None else about), kind=kind,
        severity=severity,
        subject=first.subject, metric=first.metric, claims=ids,
        explanation=explanation, check=check, arithmetic=arithmetic,
    )


def threshold(rules: Rules, name: str) -> float:
    return rules.checks.thresholds.get(name, _THRESHOLDS[name])


def tolerance(rules: Rules, metric: str) -> float:
    rule = rules.metrics.metrics.get(metric)
    return rule.tolerance if rule is not None else threshold(rules, "default_tolerance")


def qualifier(claim: Claim, rules: Rules | None = None) -> str:
    """Scope words narrowing a claim ("GPU equivalents" -> "equivalents"), "" when none.

    With ``rules``, words that do not narrow the scope are dropped: the claim's own unit
    ("Nvidia GPUs" on a GPU count is just GPUs), entity names (Nvidia) and the
    ``neutral_qualifier_words`` of checks.yaml (a period already in the unit: "monthly").
    """
    text = getattr(claim, "qualifier", None) or ""
    if not text or rules is None:
        return text.lower()
    neutral = _neutral(rules)
    units = {w for part in claim.quantity.unit.lower().split("_")
             for w in (part, part + "s", part + "es")}
    words = [w for w in re.findall(r"[\w-]+", text.lower())
             if w not in neutral and w not in units]
    return " ".join(words)


@kept_for_last
def _neutral(rules: Rules) -> frozenset[str]:
    """The words that never narrow a scope (:func:`qualifier`), read from the rules once."""
    neutral = {w.lower() for w in rules.checks.neutral_qualifier_words}
    for entity in rules.entities.entities:
        for alias in (entity.name, *entity.aliases):
            neutral |= set(alias.lower().split())
    return frozenset(neutral)


@answered_for_last
def metric_key(rules: Rules, metric: str) -> str:
    """The metric a claim is compared under: metrics named as the same thing share a key."""
    for label, members in sorted(rules.checks.same_metrics.items()):
        if metric in members:
            return label
    return metric


@answered_for_last
def metric_family(rules: Rules, metric: str) -> str:
    """Related metrics of different scope (operating vs net loss) share a family."""
    key = metric_key(rules, metric)
    for label, members in sorted(rules.checks.scope_metrics.items()):
        if metric in members or key in members:
            return label
    return key


@answered_for_last
def subject_family(rules: Rules, subject: str) -> str:
    """Subjects that overlap in scope (Colossus 1, Colossus; xAI merged into SpaceX)."""
    for label, members in sorted(rules.checks.subject_groups.items()):
        if subject in members:
            return label
    for entity in rules.entities.entities:
        if entity.name == subject and entity.merged_into:
            return subject_family(rules, entity.merged_into)
    return subject


# --- views: a claim as an interval in one unit --------------------------------------------


@dataclass(frozen=True)
class Interval:
    """A claim as an interval in one normalized unit (its own, or a rate derived from it):
    one of the claim's views (see :func:`views`)."""

    claim: Claim
    low: float
    high: float
    ref: float
    unit: str
    derived: bool

    @property
    def signature(self) -> tuple[str | None, str | None, bool]:
        q = self.claim.quantity
        return (q.per, q.over, self.derived)


def _interval(
    normalized: Normalized, bound: str, rules: Rules
) -> tuple[float, float, float] | None:
    """(low, high, reference point) of a normalized figure under its bound."""
    low, high = normalized.low, normalized.high
    if low is None and high is None:
        return None
    if bound == "at_least":
        start = low if low is not None else high
        assert start is not None
        return start, INF, start
    if bound == "at_most":
        end = high if high is not None else low
        assert end is not None
        return (0.0 if end >= 0 else -INF), end, end
    low = low if low is not None else high
    high = high if high is not None else low
    assert low is not None and high is not None
    low, high = min(low, high), max(low, high)
    ref = (low + high) / 2
    widen = {"approx": threshold(rules, "approx_tolerance"),
             "vague": threshold(rules, "vague_tolerance")}.get(bound, 0.0)
    if widen:
        low = low / (1 + widen) if low >= 0 else low * (1 + widen)
        high = high * (1 + widen) if high >= 0 else high / (1 + widen)
    return low, high, ref


class UnitCache:
    """Memo of unit look-ups for one check run (pint parsing would dominate the stage)."""

    def __init__(self, rules: Rules) -> None:
        self.registry = rules.registry
        self.size = registry_size(rules.registry)
        self._dimensions: dict[str, tuple[str, str]] = {}
        self._rates: dict[tuple[str, str], Normalized | None] = {}
        # each claim's blocks by check, kept with the claim they are of (see placed)
        self._placed: dict[tuple[str, int], tuple[Claim, list[tuple[Block, Any]]]] = {}

    def placed(self, spec: Spec, claim: Claim, rules: Rules) -> list[tuple[Block, Any]]:
        """``spec``'s blocks of ``claim`` (its declared blocking), worked out once per
        claim and run: the blocks an incremental run reads for its new claims are the
        ones their records are then made from."""
        key = (spec.name, id(claim))
        known = self._placed.get(key)
        if known is not None and known[0] is claim:
            return known[1]
        found = list(spec.blocks(claim, rules, self))
        self._placed[key] = (claim, found)
        return found

    def dimension(self, unit: str) -> tuple[str, str]:
        if unit not in self._dimensions:
            self._dimensions[unit] = dimension_key(self.registry, unit)
        return self._dimensions[unit]

    def rate(self, claim: Claim) -> Normalized | None:
        """The per-year rate of a total over a duration (see ``units.rate_from_total``)."""
        q, n = claim.quantity, claim.normalized
        if q.per or not q.over:
            return None
        key = (n.unit, q.over)
        if key not in self._rates:
            probe = Normalized(low=1.0, high=1.0, unit=n.unit)
            self._rates[key] = rate_from_total(q, probe, self.registry)
        unit_rate = self._rates[key]
        if unit_rate is None or unit_rate.low is None:
            return None
        factor = unit_rate.low
        return Normalized(low=None if n.low is None else n.low * factor,
                          high=None if n.high is None else n.high * factor, unit=unit_rate.unit)


# The memo handed out last by shared_cache.
_SHARED: list[UnitCache] = []


def shared_cache(rules: Rules) -> UnitCache:
    """One :class:`UnitCache` for the checks of one block after another (a per-document check
    runs once per article): kept while the registry is the same and defines no new unit."""
    if _SHARED and _SHARED[0].registry is rules.registry and \
            _SHARED[0].size == registry_size(rules.registry):
        return _SHARED[0]
    cache = UnitCache(rules)
    _SHARED[:] = [cache]
    return cache


def views(claim: Claim, rules: Rules, cache: UnitCache | None = None) -> list[Interval]:
    """The claim in its own unit, plus as a per-year rate when it is a total over a duration."""
    out: list[Interval] = []
    own = _interval(claim.normalized, claim.quantity.bound, rules)
    if own is not None:
        out.append(Interval(claim, *own, unit=claim.normalized.unit, derived=False))
    rate = (cache or UnitCache(rules)).rate(claim)
    if rate is not None:
        derived = _interval(rate, claim.quantity.bound, rules)
        if derived is not None:
            out.append(Interval(claim, *derived, unit=rate.unit, derived=True))
    return out


@dataclass(frozen=True)
class ClaimGroup:
    """Claims that say the same thing the same way (repetitions count once)."""

    views: tuple[Interval, ...]

    @property
    def low(self) -> float:
        return self.views[0].low

    @property
    def high(self) -> float:
        return self.views[0].high

    @property
    def ref(self) -> float:
        return self.views[0].ref

    @property
    def head(self) -> Interval:
        return self.views[0]

    @property
    def claims(self) -> list[Claim]:
        return [v.claim for v in self.views]

    @property
    def is_fact(self) -> bool:
        return self.head.claim.modality in FACT_MODALITIES

    def sort_key(self) -> tuple[float, float, str]:
        return (self.low, self.high, self.head.claim.id)


def _group_key(view: Interval) -> tuple[object, ...]:
    c = view.claim
    modality = "fact" if c.modality in FACT_MODALITIES else c.modality
    return (view.low, view.high, view.ref, view.unit, c.quantity.bound, view.signature,
            c.as_of, modality, c.subject, c.metric, c.payer, c.payee, qualifier(c))


def make_groups(items: Iterable[Interval]) -> list[ClaimGroup]:
    """Collapse repetitions, then sort by interval: the order the sweep walks."""
    grouped: dict[tuple[object, ...], list[Interval]] = defaultdict(list)
    for view in items:
        grouped[_group_key(view)].append(view)
    groups = [ClaimGroup(tuple(sorted(vs, key=lambda v: v.claim.id))) for vs in grouped.values()]
    return sorted(groups, key=ClaimGroup.sort_key)


def sweep(
    groups: Sequence[ClaimGroup], compare: Callable[[ClaimGroup, ClaimGroup], Finding | None]
) -> list[Finding]:
    """Compare each group with its predecessor and with the lowest-ending group before it.

    ``groups`` must be sorted by (low, high). Costs O(n) comparisons after the sort.
    """
    findings: list[Finding] = []
    previous: ClaimGroup | None = None
    lowest_end: ClaimGroup | None = None
    for group in groups:
        partners = [g for g in (previous, lowest_end) if g is not None]
        for partner in dict.fromkeys(partners):
            finding = compare(partner, group)
            if finding is not None:
                findings.append(finding)
        previous = group
        if lowest_end is None or group.high < lowest_end.high:
            lowest_end = group
    return findings


# --- comparing two intervals ---------------------------------------------------------------


def relative_gap(a: ClaimGroup | Interval, b: ClaimGroup | Interval) -> float:
    """How far apart two intervals are, relative to the figures; <= 0 when they overlap."""
    if a.low - b.high >= b.low - a.high:
        upper, lower = a.low, b.high
    else:
        upper, lower = b.low, a.high
    gap = upper - lower
    if gap <= 0 or math.isinf(gap):
        return gap if gap <= 0 else 1.0
    scale = max(abs(upper), abs(lower))
    return gap / scale if scale else 0.0


def ref_ratio(a: ClaimGroup | Interval, b: ClaimGroup | Interval) -> float:
    """Ratio of the larger to the smaller reference point (1.0 for equal figures)."""
    x, y = abs(a.ref), abs(b.ref)
    small, large = min(x, y), max(x, y)
    if large == 0:
        return 1.0
    return large / small if small else INF


def _same_date(a: str | None, b: str | None) -> bool:
    """Unknown dates match anything; "2026" matches "2026-05-06"."""
    return a is None or b is None or a.startswith(b) or b.startswith(a)


def _label(metric: str) -> str:
    return metric.replace("_", " ")


def describe(group: ClaimGroup) -> str:
    """A group's figure as written, with its normalized form and how many sources say it."""
    view = group.head
    c = view.claim
    text = f'"{figure_words(c)}"'
    if view.derived or c.quantity.per:
        text += f" (= {_interval_text(view)})"
    if c.repaired:
        text += " (from repaired garbled text)"
    docs = {cl.doc_id for cl in group.claims}
    if len(group.claims) > 1:
        text += f" [{len(group.claims)} mentions in {len(docs)} document(s)"
        independent = independent_sources(group.claims)
        if independent < len(docs):
            text += f", {independent} independent (the others are copies)"
        text += "]"
    return text


def _interval_text(view: Interval) -> str:
    c = view.claim
    bound = c.quantity.bound
    if bound == "at_least":
        return "at least " + format_amount(view.low, view.unit)
    if bound == "at_most":
        return "at most " + format_amount(view.high, view.unit)
    low = c.normalized.low if not view.derived else view.ref
    high = c.normalized.high if not view.derived else view.ref
    if low is not None and high is not None and low != high and not view.derived:
        return f"{format_amount(low, view.unit)}–{format_amount(high, view.unit)}"
    return ("about " if bound in ("approx", "vague") else "") + format_amount(view.ref, view.unit)


def conversion(view: Interval, rules: Rules) -> str | None:
    """The arithmetic that turns a claim as written into its normalized figure, if any."""
    c, q = view.claim, view.claim.quantity
    if q.value is None or not math.isfinite(q.value):
        return None
    if view.derived and q.over and view.ref:
        years = q.value / view.ref
        return (f"{format_amount(q.value, q.unit)} over {q.over} ÷ {format_number(years)} "
                f"= {format_amount(view.ref, view.unit)}")
    if q.per and q.value:
        factor = view.ref / q.value
        if factor == 1:
            return None
        surface = f"{q.unit} / {q.per}"
        return (f"{format_amount(q.value, surface)} × {format_number(factor)} "
                f"= {format_amount(view.ref, view.unit)}")
    del c
    return None


def _arithmetic(groups: Sequence[ClaimGroup], rules: Rules) -> str | None:
    steps = [s for s in (conversion(g.head, rules) for g in groups) if s]
    return "; ".join(steps) or None


def compare_groups(a: ClaimGroup, b: ClaimGroup, rules: Rules, *, check: str) -> Finding | None:
    """Verdict on two groups of the same scope and unit; symmetric in ``a`` and ``b``."""
    if a.head.unit != b.head.unit:
        return None
    if {a.head.claim.modality, b.head.claim.modality} & IGNORED_MODALITIES:
        return None
    if {c.id for c in a.claims} & {c.id for c in b.claims}:
        return None
    a, b = sorted((a, b), key=ClaimGroup.sort_key)
    ca, cb = a.head.claim, b.head.claim
    if _parties_differ(ca, cb):
        return None
    tol = max(tolerance(rules, ca.metric), tolerance(rules, cb.metric))
    gap = relative_gap(a, b)
    ratio = ref_ratio(a, b)
    diverge_at = threshold(rules, "divergence_ratio")
    disjoint = gap > tol
    far = ratio >= diverge_at
    facts = a.is_fact and b.is_fact
    if not (disjoint or far) and (a.head.signature == b.head.signature
                                  or _adjacent_pair(ca, cb)):
        return None
    what = f"{ca.subject or '?'} {_label(metric_key(rules, ca.metric))}"
    both = f"{describe(a)} vs {describe(b)}"
    claims = [*a.claims, *b.claims]
    voice = _one_voice(a, b, rules) if disjoint or far else None
    if voice == "close":
        return None
    if voice == "apart":
        return make_finding(
            check, "scope", "info", claims,
            f"{what}: one article gives both {both} in different places and in its own "
            "voice, so they most likely describe different things (check what each counts) "
            "rather than contradict each other.")
    if (disjoint or far) and not _same_date(ca.as_of, cb.as_of):
        return make_finding(
            check, "update", "low", claims,
            f"{what}: {both} are dated {ca.as_of} and {cb.as_of}, a change over time rather "
            "than a contradiction.", arithmetic=_arithmetic((a, b), rules))
    if disjoint:
        if not facts:
            return make_finding(
                check, "divergence", "low", claims,
                f"{what}: {both} are {gap_words(a.ref, b.ref, a.head.unit)}, but at least one is a "
                "projection, so "
                "this is a divergence of forecasts, not a contradiction of facts.",
                arithmetic=_arithmetic((a, b), rules))
        severity: Severity = "high" if gap >= rules.checks.severity.get("high_gap", 0.5) \
            else "medium"
        return make_finding(
            check, "contradiction", severity, claims,
            f"{what}: {both} are {gap_words(a.ref, b.ref, a.head.unit)} after normalization, "
            f"more than the {tol:.0%} tolerance allows.", arithmetic=_arithmetic((a, b), rules))
    if far:
        return make_finding(
            check, "divergence", "medium" if facts else "low", claims,
            f"{what}: {both} are compatible as bounds but {format_ratio(ratio)}× apart, "
            f"at or above the divergence ratio of {format_number(diverge_at)}.",
            arithmetic=_arithmetic((a, b), rules))
    return make_finding(
        check, "reconciled", "info", claims,
        f"{what}: {both} look different but agree after normalization to "
        f"{unit_words(a.head.unit)}.",
        arithmetic=_arithmetic((a, b), rules))


def _one_voice(a: ClaimGroup, b: ClaimGroup, rules: Rules) -> str | None:
    """Whether both figures come from one article, in the same voice: "close", "apart", None.

    An author setting two figures side by side, or within one paragraph
    (``comparison_window_chars``), compares them ("$100,000 for a company versus $240 for a
    consumer"; "a billion users ... a million users"): "close", never a finding. Further
    apart in the same voice ("apart"), the article is still unlikely to contradict itself
    (a Q&A section restating the body): at most an informational ``scope`` finding. An
    article quoting another source ("a later filing says ...") is compared normally.
    """
    docs = {c.doc_id for c in a.claims}
    if docs != {c.doc_id for c in b.claims} or len(docs) != 1:
        return None
    window = threshold(rules, "comparison_window_chars")
    same_voice = [(x, y) for x in a.claims for y in b.claims if x.attribution == y.attribution]
    if any(_adjacent_pair(x, y) or abs(x.span.start - y.span.start) <= window
           for x, y in same_voice):
        return "close"
    return "apart" if same_voice else None


def _parties_differ(a: Claim, b: Claim) -> bool:
    """Two payments between known, different parties are different transactions."""
    return bool((a.payer and b.payer and a.payer != b.payer)
                or (a.payee and b.payee and a.payee != b.payee))


def compare_claims(a: Claim, b: Claim, rules: Rules, *, check: str = "interval_consistency.v1"
                   ) -> Finding | None:
    """Compare two claims of the same scope as the interval check would (for tests, tools)."""
    cache = UnitCache(rules)
    for va in views(a, rules, cache):
        for vb in views(b, rules, cache):
            if va.unit == vb.unit and (va.derived, vb.derived) != (True, True):
                return compare_groups(ClaimGroup((va,)), ClaimGroup((vb,)), rules, check=check)
    return None


def _adjacent_pair(a: Claim, b: Claim) -> bool:
    """Same or neighbouring sentence of one document (an in-text derivation): figures no
    further apart than their two sentences are long. Two copies of one sentence far apart
    are not one sentence (an article of one sentence repeated 10,000 times made every pair of
    its figures a pair, and the products of three of them cubic)."""
    if a.doc_id != b.doc_id:
        return False
    return abs(a.span.start - b.span.start) <= len(a.sentence) + len(b.sentence)


# --- checks --------------------------------------------------------------------------------


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


@register("value_mismatch.v1", blocks=whole_corpus)
def value_mismatch(claims: Sequence[Claim], rules: Rules) -> list[Finding]:
    """Asserted claims in one block whose intervals do not overlap within tolerance.

    Superseded by ``interval_consistency.v1`` (bounds, rates over durations, modality,
    dates); kept so old rules files still run.
    """
    findings: list[Finding] = []
    high_gap = rules.checks.severity.get("high_gap", 0.5)
    for (subject, metric, unit), block in sorted(blocks(claims).items()):
        facts = [c for c in block if c.modality == "asserted"
                 and c.normalized.low is not None and c.normalized.high is not None]
        facts.sort(key=lambda c: (c.normalized.low, c.normalized.high, c.id))
        tolerance = rules.metrics.metrics[metric].tolerance if metric in rules.metrics.metrics \
            else 0.05
        for a, b in zip(facts, facts[1:], strict=False):
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


def _comparable(claim: Claim) -> bool:
    return claim.subject is not None and claim.metric != "unknown" \
        and claim.modality not in IGNORED_MODALITIES


def interval_block(claim: Claim, view: Interval, rules: Rules) -> tuple[str, ...]:
    """The ``interval_consistency.v1`` block of one view: (subject, metric key, qualifier,
    unit) — views of exactly the same scope."""
    assert claim.subject is not None
    return (claim.subject, metric_key(rules, claim.metric), qualifier(claim, rules), view.unit)


def scope_family(claim: Claim, view: Interval, rules: Rules, cache: UnitCache
                 ) -> tuple[str, ...]:
    """The ``scope.v1`` block of one view: (subject family, metric family, dimension,
    currency)."""
    assert claim.subject is not None
    dimension, currency = cache.dimension(view.unit)
    return (subject_family(rules, claim.subject), metric_family(rules, claim.metric),
            dimension, currency)


def interval_blocks(claim: Claim, rules: Rules, cache: UnitCache) -> list[tuple[Block, Interval]]:
    """The blocking of ``interval_consistency.v1``: each view of a comparable claim, in the
    block of views of exactly the same scope (see :func:`interval_block`)."""
    if not _comparable(claim):
        return []
    return [(interval_block(claim, view, rules), view) for view in views(claim, rules, cache)]


def _interval_block(block: Sequence[Interval], rules: Rules) -> Iterator[tuple[str, Finding]]:
    """Records of ``interval_consistency.v1`` in one block.

    The sweep over facts sets its findings, the sweep over every figure only adds findings
    not set yet, and reconciled sets are set last (see :func:`replay`).
    """
    name = "interval_consistency.v1"
    agreeing: list[tuple[ClaimGroup, ClaimGroup]] = []

    def compare(a: ClaimGroup, b: ClaimGroup) -> Finding | None:
        finding = compare_groups(a, b, rules, check=name)
        if finding is not None and finding.kind == "reconciled":
            agreeing.append((a, b))
            return None
        return finding

    groups = make_groups(block)
    facts = [g for g in groups if g.is_fact]
    for finding in sweep(facts, compare):
        yield SET, finding
    if len(facts) < len(groups):
        for finding in sweep(groups, compare):
            yield DEFAULT, finding
    for component in _components(agreeing):
        yield SET, _reconciled(component, rules, name)


@register("interval_consistency.v1", blocks=interval_blocks, per_block=_interval_block)
def interval_consistency(claims: Sequence[Claim], rules: Rules) -> list[Finding]:
    """Contradiction, divergence, update or reconciled between claims of the same scope.

    Reconciled pairs of one block are merged into one finding per set of agreeing figures
    ("$1.25B/month", "$15 billion annually" and a three-year "$45 billion" agree).
    """
    return replay(check_records(CHECKS["interval_consistency.v1"], claims, rules))


def _components(pairs: Sequence[tuple[ClaimGroup, ClaimGroup]]) -> list[list[ClaimGroup]]:
    """Connected groups of agreeing pairs, each sorted by interval."""
    joined: UnionFind = UnionFind()
    by_id: dict[int, ClaimGroup] = {}
    for a, b in pairs:
        by_id.setdefault(id(a), a)
        by_id.setdefault(id(b), b)
        joined.union(id(a), id(b))
    return sorted((sorted((by_id[i] for i in ids), key=ClaimGroup.sort_key)
                   for ids in joined.to_sets()), key=lambda c: c[0].sort_key())


def _reconciled(groups: Sequence[ClaimGroup], rules: Rules, name: str) -> Finding:
    head = groups[0].head
    c = head.claim
    what = f"{c.subject or '?'} {_label(metric_key(rules, c.metric))}"
    figures = ", ".join(describe(g) for g in groups[:-1]) + f" and {describe(groups[-1])}"
    steps = list(dict.fromkeys(s for g in groups if (s := conversion(g.head, rules))))
    return make_finding(
        name, "reconciled", "info", [cl for g in groups for cl in g.claims],
        f"{what}: {figures} look different but agree after normalization to "
        f"{unit_words(head.unit)}.",
        arithmetic="; ".join(steps) or None)


def _scope_difference(a: Claim, b: Claim, a_unit: str, b_unit: str, rules: Rules) -> str:
    parts = []
    if a.subject != b.subject:
        parts.append(f"subject {a.subject} vs {b.subject}")
    if a.metric != b.metric:
        parts.append(f"metric {_label(a.metric)} vs {_label(b.metric)}")
    if a_unit != b_unit:
        parts.append(f"unit {a_unit} vs {b_unit}")
    if qualifier(a, rules) != qualifier(b, rules):
        parts.append(f"qualifier {a.qualifier or 'none'} vs {b.qualifier or 'none'}")
    return ", ".join(parts)


def scope_blocks(claim: Claim, rules: Rules, cache: UnitCache) -> list[tuple[Block, Interval]]:
    """The blocking of ``scope.v1``: each view of a comparable fact, in its family block
    (see :func:`scope_family`)."""
    if not _comparable(claim) or claim.modality not in FACT_MODALITIES:
        return []
    return [(scope_family(claim, view, rules, cache), view)
            for view in views(claim, rules, cache)]


def _scope_block(block: Sequence[Interval], rules: Rules) -> Iterator[tuple[str, Finding]]:
    """Records of ``scope.v1`` in one family block."""
    name = "scope.v1"
    by_scope: dict[tuple[str, ...], list[Interval]] = defaultdict(list)
    for view in block:
        c = view.claim
        assert c.subject is not None
        by_scope[(c.subject, metric_key(rules, c.metric), qualifier(c, rules),
                  view.unit)].append(view)
    if len(by_scope) < 2:
        return
    hulls = []
    for members in by_scope.values():
        members.sort(key=lambda v: (v.low, v.high, v.claim.id))
        low = min(v.low for v in members)
        high = max(v.high for v in members)
        hulls.append(ClaimGroup(tuple(
            Interval(v.claim, low, high, v.ref, v.unit, v.derived) for v in members)))
    hulls.sort(key=ClaimGroup.sort_key)

    def compare(a: ClaimGroup, b: ClaimGroup) -> Finding | None:
        return _scope_compare(a, b, rules, name)

    for finding in sweep(hulls, compare):
        yield SET, finding


@register("scope.v1", blocks=scope_blocks, per_block=_scope_block)
def scope(claims: Sequence[Claim], rules: Rules) -> list[Finding]:
    """Figures of related but different scope that disagree: a ``scope`` finding.

    Blocked by (subject family, metric family, dimension, currency); within a block each
    scope (subject, metric, qualifier, unit) is reduced to the hull of its figures, and
    the scopes are swept in interval order.
    """
    return replay(check_records(CHECKS["scope.v1"], claims, rules))


def _by_ref(view: Interval) -> tuple[float, str]:
    return (view.ref, view.claim.id)


def _scope_compare(a: ClaimGroup, b: ClaimGroup, rules: Rules, name: str) -> Finding | None:
    """A ``scope`` finding when two scopes' hulls do not overlap within tolerance."""
    if _one_voice(a, b, rules):
        return None
    if relative_gap(a, b) <= max(tolerance(rules, a.head.claim.metric),
                                 tolerance(rules, b.head.claim.metric)):
        return None
    a, b = sorted((a, b), key=ClaimGroup.sort_key)
    ca, cb = a.head.claim, b.head.claim
    diff = _scope_difference(ca, cb, a.head.unit, b.head.unit, rules)
    # show the two figures nearest to each other, one from each scope
    nearest_a, nearest_b = max(a.views, key=_by_ref), min(b.views, key=_by_ref)
    about = [f"{c.subject}|{metric_key(rules, c.metric)}|{qualifier(c, rules)}|{g.head.unit}"
             for c, g in ((ca, a), (cb, b))]
    return make_finding(
        name, "scope", "low", [*a.claims, *b.claims], about=about, explanation=(
            f"{describe(ClaimGroup((nearest_a,)))} and {describe(ClaimGroup((nearest_b,)))} "
            f"differ, but they measure different things ({diff}), so this is a difference "
            "of scope, not a contradiction."))


@register("alternative_terms.v1", blocks=per_document)
def alternative_terms(claims: Sequence[Claim], rules: Rules) -> list[Finding]:
    """Either/or figures in one sentence: one ``alternative`` finding showing all of them."""
    name = "alternative_terms.v1"
    by_sentence: dict[tuple[str, str], list[Claim]] = defaultdict(list)
    for claim in claims:
        if claim.modality == "alternative":
            by_sentence[(claim.doc_id, claim.sentence)].append(claim)
    # the same either/or terms repeated in one document (a summary, a Q&A) count once
    grouped: dict[tuple[object, ...], list[Claim]] = defaultdict(list)
    for (doc, _sentence), members in by_sentence.items():
        figures = frozenset((c.normalized.low, c.normalized.high, c.normalized.unit)
                            for c in members)
        if len(figures) >= 2:
            grouped[(doc, figures)].extend(members)
    findings: list[Finding] = []
    for _key, members in sorted(grouped.items(), key=lambda kv: min(c.id for c in kv[1])):
        members.sort(key=lambda c: (c.span.start, c.id))
        shown = list({(c.normalized.low, c.normalized.high, c.normalized.unit): c
                      for c in reversed(members)}.values())[::-1]
        shown.sort(key=lambda c: (c.span.start, c.id))
        texts = " or ".join(f'"{figure_words(c)}"' for c in shown)
        subject = next((c.subject for c in members if c.subject), None) or "?"
        metric = next((c.metric for c in members if c.metric != "unknown"), members[0].metric)
        findings.append(make_finding(
            name, "alternative", "medium", members,
            f"{subject} {_label(metric)}: {texts} are either/or terms of one sentence, "
            "options rather than a contradiction"
            + (f" (given {len(members) // len(shown)} times in the article)"
               if len(members) > len(shown) else "")
            + "; other reports may name only one of them."))
    return findings


def _point(claim: Claim) -> float | None:
    n = claim.normalized
    if n.low is None or n.high is None or not math.isfinite(n.low + n.high):
        return None
    if claim.quantity.bound not in ("exact", "approx"):
        return None
    return (n.low + n.high) / 2


def _close(x: float, y: float, tol: float) -> bool:
    scale = max(abs(x), abs(y))
    return scale == 0 or abs(x - y) <= tol * scale


def _has_cue(text: str, cues: Sequence[str]) -> bool:
    lowered = text.lower()
    return any(re.search(r"(?<!\w)" + re.escape(cue.lower()) + r"(?!\w)", lowered)
               for cue in cues)


@register("arithmetic.v1", blocks=per_document)
def arithmetic(claims: Sequence[Claim], rules: Rules) -> list[Finding]:
    """In-text derivations: a figure restated per another period, or a product of two.

    Only claims of one document in the same or neighbouring sentences are related, so the
    cost is linear in the number of claims times the (small) number of neighbours.
    ``arithmetic_error`` needs a derivation cue ("that is", "which means") in the later
    sentence, so two unrelated figures side by side are never called a wrong sum.
    """
    name = "arithmetic.v1"
    tol = threshold(rules, "arithmetic_tolerance")
    cues = rules.checks.derivation_cues
    cache = shared_cache(rules)
    by_doc: dict[str, list[Claim]] = defaultdict(list)
    for claim in claims:
        by_doc[claim.doc_id].append(claim)
    findings: dict[str, Finding] = {}
    for _doc, members in sorted(by_doc.items()):
        members.sort(key=lambda c: (c.span.start, c.id))
        for i, a in enumerate(members):
            window = []
            for j in range(i + 1, len(members)):  # (a slice would copy the rest each time)
                if not _adjacent_pair(a, members[j]):
                    break
                window.append(members[j])
            for b in window:
                finding = _period_restatement(a, b, rules, cache, name, tol, cues)
                if finding is not None:
                    findings.setdefault(finding.id, finding)
            for finding in _products(a, window, cache, name, tol):
                findings.setdefault(finding.id, finding)
    return list(findings.values())


def _period_restatement(a: Claim, b: Claim, rules: Rules, cache: UnitCache, name: str,
                        tol: float, cues: Sequence[str]) -> Finding | None:
    """Two figures of one unit written per different periods (or as a total over years)."""
    qa, qb = a.quantity, b.quantity
    if (qa.per, qa.over) == (qb.per, qb.over) or not (qa.per or qb.per):
        return None
    if (qa.value or 0) == (qb.value or 0) or _point(a) is None or _point(b) is None:
        return None
    pair = next(((va, vb) for va in views(a, rules, cache) for vb in views(b, rules, cache)
                 if va.unit == vb.unit and not (va.derived and vb.derived)), None)
    if pair is None:
        return None
    va, vb = pair
    steps = "; ".join(s for s in (conversion(va, rules), conversion(vb, rules)) if s)
    if _close(va.ref, vb.ref, tol):
        return make_finding(
            name, "arithmetic_ok", "info", (a, b),
            f'"{figure_words(a)}" and "{figure_words(b)}" state the same figure per different '
            "periods, and the conversion checks out.", arithmetic=steps or None)
    later = b if (b.span.start, b.id) > (a.span.start, a.id) else a
    if a.metric == b.metric and a.metric != "unknown" and _has_cue(later.sentence, cues):
        return make_finding(
            name, "arithmetic_error", "medium", (a, b),
            f'"{figure_words(later)}" is given as a restatement of the other figure but does '
            f"not match it after conversion ({format_amount(va.ref, va.unit)} vs "
            f"{format_amount(vb.ref, vb.unit)}).", arithmetic=steps or None)
    return None


def _products(a: Claim, window: Sequence[Claim], cache: UnitCache, name: str, tol: float
              ) -> list[Finding]:
    """``a`` and two neighbours where count × amount = total (100 × $150,000 = $15M)."""
    group = [a, *window]
    found: list[Finding] = []
    for count in group:
        n = _point(count)
        dimension, _ = cache.dimension(count.normalized.unit)
        if n is None or dimension != "count" or n <= 1:
            continue
        for unit_price in group:
            x = _point(unit_price)
            if x is None or unit_price is count:
                continue
            for total in group:
                y = _point(total)
                if y is None or total is count or total is unit_price:
                    continue
                if not _priced(unit_price, total, cache):
                    continue
                if a not in (count, unit_price, total) or not _close(n * x, y, tol):
                    continue
                step = _product_step(count, n, unit_price, x, total)
                found.append(make_finding(
                    name, "arithmetic_ok", "info", (count, unit_price, total),
                    f'"{figure_words(total)}" is the product of "{figure_words(count)}" and '
                    f'"{figure_words(unit_price)}", and the multiplication checks out.',
                    arithmetic=step))
    return found or _wrong_product(a, group, cache, name, tol)


def _wrong_product(a: Claim, group: Sequence[Claim], cache: UnitCache, name: str, tol: float
                   ) -> list[Finding]:
    """One sentence with a count, a price per that counted thing and one total that is not
    their product ("100 developers at $150,000 each is spending $20 million")."""
    found: list[Finding] = []
    for count in group:
        n = _point(count)
        if n is None or n <= 1 or cache.dimension(count.normalized.unit)[0] != "count":
            continue
        for unit_price in group:
            x = _point(unit_price)
            if x is None or unit_price.sentence != count.sentence or \
                    not unit_price.normalized.unit.endswith(f"/ {count.normalized.unit}"):
                continue
            totals = [t for t in group if t is not count and t is not unit_price
                      and t.sentence == count.sentence and _point(t) is not None
                      and _priced(unit_price, t, cache)
                      and t.normalized.unit != unit_price.normalized.unit]
            if len(totals) != 1 or a not in (count, unit_price, totals[0]):
                continue
            total = totals[0]
            y = _point(total)
            assert y is not None
            if _close(n * x, y, tol):
                continue
            step = (_product_step(count, n, unit_price, x, total)
                    + f", not {format_amount(y, total.normalized.unit)}")
            found.append(make_finding(
                name, "arithmetic_error", "medium", (count, unit_price, total),
                f'"{figure_words(total)}" should be the product of "{figure_words(count)}" and '
                f'"{figure_words(unit_price)}", but the multiplication does not check out.',
                arithmetic=step))
    return found


def _product_step(count: Claim, n: float, unit_price: Claim, x: float, total: Claim) -> str:
    """The multiplication shown in a finding: "100 developer × $150,000/developer = $15M"."""
    return (f"{format_amount(n, count.normalized.unit)} × "
            f"{format_amount(x, unit_price.normalized.unit)} = "
            f"{format_amount(n * x, total.normalized.unit)}")


def _priced(unit_price: Claim, total: Claim, cache: UnitCache) -> bool:
    """Amount per counted thing times the count gives the total's unit (same currency)."""
    price_dim, price_cur = cache.dimension(unit_price.normalized.unit)
    total_dim, total_cur = cache.dimension(total.normalized.unit)
    if not total_cur or price_cur != total_cur:
        return False
    return price_dim in (total_dim, f"{total_dim} / count") or \
        unit_price.normalized.unit == total.normalized.unit


def check_records(spec: Spec, claims: Sequence[Claim], rules: Rules,
                  cache: UnitCache | None = None,
                  only: Container[tuple[str, str]] | None = None,
                  placed: Sequence[list[tuple[str, str]]] | None = None) -> Iterator[Record]:
    """The records of one check over ``claims``, block by block in sorted order (``only``:
    of these (check, block text) pairs). ``placed`` (one list per claim) gets each claim's
    (check, block text) pairs, as :func:`claim_blocks` gives them, from the same blocking."""
    members: dict[Block, list[Any]] = defaultdict(list)
    cache = cache or UnitCache(rules)
    for i, claim in enumerate(claims):
        for block, member in cache.placed(spec, claim, rules):
            members[block].append(member)
            if placed is not None:
                placed[i].append((spec.name, block_text(block)))
    for block in sorted(members):
        if only is not None and (spec.name, block_text(block)) not in only:
            continue
        for seq, (mode, finding) in enumerate(spec.per_block(members[block], rules)):
            yield Record(spec.name, block, seq, mode, worded(finding, rules))


def worded(finding: Finding, rules: Rules) -> Finding:
    """``finding`` with its explanation and arithmetic in words people read."""
    table = rules.words.identifiers
    explanation = user_words(finding.explanation, table)
    arithmetic = user_words(finding.arithmetic, table) if finding.arithmetic else None
    if (explanation, arithmetic) == (finding.explanation, finding.arithmetic):
        return finding
    return finding.model_copy(update={"explanation": explanation, "arithmetic": arithmetic})


def records(claims: Sequence[Claim], *, rules: Rules,
            only: Collection[tuple[str, str]] | None = None,
            placed: Sequence[list[tuple[str, str]]] | None = None,
            cache: UnitCache | None = None) -> list[Record]:
    """Every record of every check the rules enable (``only``: of these (check, block text)
    pairs; ``placed``: see :func:`check_records`, deduplicated by :func:`placed_blocks`;
    ``cache``: the run's, when it already placed some of the claims in their blocks).

    ``claims`` must hold every claim of each block asked for; claims of other blocks may be
    there too. A check without a block structure has the single block ``("*",)``.
    """
    define_claim_units(rules, claims)
    cache = cache or UnitCache(rules)
    # a check none of whose blocks is asked for is not run (nor its blocking worked out)
    asked = None if only is None or placed is not None else {check for check, _ in only}
    with paused_gc():  # many small objects, no cycles: the collector would rescan the claims
        return [r for spec in enabled(rules) if asked is None or spec.name in asked
                for r in check_records(spec, claims, rules, cache, only, placed)]


def define_claim_units(rules: Rules, claims: Iterable[Claim]) -> None:
    """Define the units of ``claims`` in the rules' registry (before they are blocked)."""
    define_units(rules.registry, (expr for c in claims
                                  for expr in (c.quantity.unit, c.quantity.per,
                                               c.normalized.unit) if expr))


def placed_blocks(placed: Sequence[list[tuple[str, str]]]) -> list[list[tuple[str, str]]]:
    """Each claim's (check, block text) pairs gathered by :func:`records`, as
    :func:`claim_blocks` gives them (each pair once, in the checks' order)."""
    return [list(dict.fromkeys(pairs)) for pairs in placed]


@lru_cache(maxsize=1 << 16)
def block_text(block: Block) -> str:
    """A block as one string (for the claim store): its JSON."""
    return json.dumps(block, ensure_ascii=False, separators=(",", ":"))


def block_of_text(text: str) -> Block:
    return tuple(json.loads(text))


def claim_blocks(claim: Claim, rules: Rules, cache: UnitCache | None = None
                 ) -> list[tuple[str, str]]:
    """The (check, block text) pairs a claim belongs to, for every check the rules enable
    (as each check declares its blocks); a claim outside every block of a check (no
    subject, a hypothetical figure) has none for it."""
    cache = cache or UnitCache(rules)
    return list(dict.fromkeys((spec.name, block_text(block)) for spec in enabled(rules)
                              for block, _ in cache.placed(spec, claim, rules)))


def run_checks(claims: Sequence[Claim], *, rules: Rules) -> list[Finding]:
    """Run every check the rules enable; findings sorted by severity, kind and id."""
    from pipeline.models import SEVERITY_ORDER

    return sorted(replay(records(claims, rules=rules)),
                  key=lambda f: (SEVERITY_ORDER[f.severity], f.kind, f.id))
