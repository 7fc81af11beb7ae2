"""The precision-first comparison policy, ``interval_consistency.v2`` (issue 17).

Claims are blocked by (first letter of the subject key's last word, metric key, unit); inside
a block the subjects are clustered (:mod:`pipeline.check.frames`) and each (subject cluster,
scope qualifiers) partition is compared on its own.

**Intervals.** Each figure is the interval its writing implies (``Normalized.implied``:
written precision, widened by hedges, opened by bounds); two figures agree when their
intervals overlap. There is no per-metric tolerance: only the metrics of the ``fuzzy`` table
of ``rules/metrics.yaml`` (sizes of things, often converted from another unit and rounded
again) are at least that fraction wide either way, a floor under the written precision.
Until the quantities stage writes the precision (issue 16), a figure without one gets half a
unit of its last written digit here (:func:`written_precision`).

**Verdicts** for two figures of different articles whose intervals do not overlap:

- ``contradiction`` only when everything matches with confidence: same subject (named,
  resolved from a pronoun, or the article's focal entity), same metric key and qualifiers,
  the same period (or a compatible one: a quarter whose year one side leaves unwritten),
  written beside both figures (a period taken from the article's title or lead is a guess:
  a divergence at most), both stated as facts, neither a running tally;
- ``divergence`` when something is uncertain, with the reason: a projection or estimate, a
  basis one side leaves unstated (adjusted or GAAP?), a period only one side states, a
  running tally reported the same day, a figure whose clause names another owner than the
  subject (``Claim.owner``: "The orbiter and the relay satellite cost ..." framed as the
  agency's), a count keyed only by what it counts whose subject is resolved from a
  pronoun or a description (two guesses);
- ``update`` for a running tally (a death toll, a share price) reported on different days,
  or figures without a period from articles published more than ``update_after_days``
  apart;
- nothing for different periods: two quarters' revenues are two facts.

Figures that agree but are given for different periods (a summary that moves "$6.86 in the
third quarter" to the second) are a ``divergence`` when the figure is specific enough
(``period_move_digits`` significant digits) to be the same number by design and neither
article gives a figure of the frame for the other's period (one that does states the value
for both periods, or disagrees over that period directly).

**Side by side.** Two values that ``side_by_side_documents`` articles or more each give
(a total and a segment, two years) are two measures the frame did not tell apart: no
finding.

**Lists and scale gaps.** Figures of one partition that an article lists in one sentence and
that disagree with each other (both stated as facts, neither an earlier level) are parts of a
whole or figures of different things: a disagreement resting on one of them is a divergence
at most. So is one between figures ``scale_gap_ratio`` times apart or more ("$68" vs "$68.7
billion"): a scale word left out or a table in millions, not one figure misreported;
unless the two write the same digits with different scale words ("$4.2 million" and "$4.2
billion", "4.34 euros" and "4.34 billion euros": a scale word misprinted or dropped).

**Currencies.** A money figure in another currency than ``checks.yaml``'s
``common_currency`` (USD) is also a figure in the common currency's block, converted at
the average rate of its year (``rules/rates.yaml``): its period's year, else its date's,
else the table's latest; the text says which, and when the table fills that year. The
interval is scaled, not widened, so it meets figures in the common currency and in other
currencies converted the same way (one currency's figures are compared in their own block
only). A disagreement that rests on a conversion is a ``divergence`` at most ("compared
after converting at an annual average rate", with the conversion), and none at all within
``conversion_allowance`` (how far a day's rate strays from its year's average). An article
that gives the amount in the common currency too is compared by that figure. A figure that
cannot be converted (no rates for its currency or its year) and meets another article's
figure of its subject, metric and period in another currency is listed in an informational
``not_compared`` finding with the reason.

**One finding per disagreement.** Figures that agree with each other (overlapping
intervals, agreeing periods) form a value cluster; two clusters that disagree make one
finding listing every mention of both, with the strongest verdict of any cross-article pair
between them. A hedged figure ("around 292") that agrees with both sides of a contradiction
("292", "294") does not make them one cluster: the closest agreeing values are joined
first, and two clusters holding figures that contradict each other are not joined, unless
a round figure read as rounded ("$70 billion" for $68.7 billion) makes them agree; a bound
open on one side ("more than $40 billion") still joins all it fits, as a floor under a
moving value does. A finding's id derives from the subject, metric key, qualifiers and the
two clusters' reference values, so a new mention of either side keeps it. Agreeing figures
written differently (per month and per year) make one ``reconciled`` finding per cluster.
"""

from __future__ import annotations

import functools
import hashlib
import math
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cached_property
from typing import NamedTuple

import pint

from pipeline.check.checks import (
    CHECKS,
    FACT_MODALITIES,
    IGNORED_MODALITIES,
    SET,
    UnitCache,
    check_records,
    qualifier,
    register,
    replay,
)
from pipeline.check.currency import NotConverted, convert
from pipeline.check.frames import (
    period_agreement,
    period_text,
    split_qualifiers,
    subject_block,
    subject_clusters,
    subject_key,
)
from pipeline.check.sourcing import independent_sources
from pipeline.extract.keys import CONVERTED, DISTANCE, INSTANCE, MOVE_KEY, REVISED, singular
from pipeline.models import Claim, Finding, FindingKind, Severity
from pipeline.rules import RatesFile, Rules, kept_for_last
from pipeline.units import PHYSICAL_UNITS, format_amount, format_number, format_ratio
from pipeline.wording import (
    figure_words,
    gap_words,
    garbled_original,
    interval_words,
    modality_words,
    unit_words,
)

NAME = "interval_consistency.v2"
INF = math.inf
_DEFAULTS = {"update_after_days": 31.0, "period_move_digits": 3.0, "max_pairs": 20000.0,
             "far_ratio": 4.0, "side_by_side_documents": 3.0, "conversion_allowance": 0.1,
             "unit_conversion_allowance": 0.03,
             "max_article_values": 20.0, "scale_gap_ratio": 500.0}
# Limits (issue 19), each overridable under ``thresholds`` in ``rules/checks.yaml``; a figure
# a limit leaves out is named in an informational ``scope`` finding, never dropped silently:
# - ``max_pairs``: pairs of value groups compared in one partition; past it each group is
#   compared with its neighbours in value order only (all pairs of a corpus-wide measure
#   grow with the square of the reports).
# - ``max_article_values``: distinct values one article may give for one partition (one
#   subject, metric key and scope). An article past it is a table or list of figures the
#   frames do not tell apart (a thousand "AcmeN said revenue was $N million"): its figures
#   there are compared with nothing, or one such article would make thousands of findings.
_NUMBER = re.compile(r"\d[\d,]*(?:\.(\d+))?")
_STRENGTH = {"contradiction": 3, "divergence": 2, "update": 1}


def _threshold(rules: Rules, name: str) -> float:
    return rules.checks.thresholds.get(name, _DEFAULTS[name])


# --- figures ---------------------------------------------------------------------------------


def written_precision(claim: Claim) -> float | None:
    """Half a unit of the last digit written, relative to the figure ("$13.5 billion" ->
    0.05 / 13.5); ``None`` when no digits are written ("two million")."""
    if claim.quantity.precision is not None and claim.quantity.value:
        return abs(claim.quantity.precision / claim.quantity.value)
    match = _NUMBER.search(claim.span.text)
    if match is None:
        return None
    try:
        number = float(match.group(0).replace(",", ""))
    except ValueError:
        return None
    if number == 0:
        return None
    decimals = len(match.group(1) or "")
    return 0.5 * 10 ** -decimals / abs(number)


def written_interval(claim: Claim, fuzzy: float = 0.0) -> tuple[float, float, float] | None:
    """(low, high, reference) of the interval a figure's writing implies, in its normalized
    unit; open sides are infinite. ``None`` for a figure without a value."""
    q, n = claim.quantity, claim.normalized
    implied = n.implied or (n.low, n.high)
    low, high = implied
    if low is None and high is None:
        return None
    computed = q.precision is not None or (q.implied is not None and q.implied != (q.low,
                                                                                  q.high))
    if q.bound == "at_least":
        start = low if low is not None else high
        assert start is not None
        return start, INF, start
    if q.bound == "at_most":
        end = high if high is not None else low
        assert end is not None
        return (0.0 if end >= 0 else -INF), end, end
    low = low if low is not None else high
    high = high if high is not None else low
    assert low is not None and high is not None
    low, high = min(low, high), max(low, high)
    ref = (n.low + n.high) / 2 if n.low is not None and n.high is not None else \
        (low + high) / 2
    if not computed:  # the quantities stage has not written the precision: its digits
        rel = written_precision(claim) or 0.0
        widen = {"approx": 0.05, "vague": 0.5}.get(q.bound, 0.0)
        rel = max(rel, widen)
        low, high = low - rel * abs(low), high + rel * abs(high)
    if fuzzy:  # at least ``fuzzy`` either way of the figure, however it is written: a
        # floor, not a margin added to the written precision ("984 feet" converted from 300 m
        # and rounded twice meets "985 feet"; "21-foot", half a foot either way already, is
        # as wide as its digits say and does not meet "22-foot")
        low = min(low, ref - fuzzy * abs(ref)) if math.isfinite(ref) else low
        high = max(high, ref + fuzzy * abs(ref)) if math.isfinite(ref) else high
    return low, high, ref


@dataclass(frozen=True)
class Figure:
    """A claim as an interval in one normalized unit (its own, or a rate derived from it)."""

    claim: Claim
    low: float
    high: float
    ref: float
    unit: str
    derived: bool
    unnamed_block: bool = False  # a member of the block of the unnamed figures
    # a count whose noun the synonym table gives as a word of its metric key ("260.8
    # million paid subscribers", "260.28 million paid memberships" of the key "users"):
    # compared in one noun of that key ("user"), whichever noun it was written with
    counted: str = ""
    exchange: Exchange | None = None  # converted from another currency, or not convertible
    # what the comparisons read of the claim, worked out once per claim (see ClaimKeys)
    keys: ClaimKeys = field(default=None, compare=False, repr=False)  # type: ignore[assignment]

    @property
    def signature(self) -> tuple[str | None, str | None, bool, str | None]:
        q = self.claim.quantity
        return (q.per, q.over, self.derived, self.exchange.source if self.exchange else None)

    @cached_property
    def group(self) -> tuple[object, ...]:
        """What says the same thing the same way (see :func:`_groups`)."""
        return (self.low, self.high, self.ref, self.unit, self.signature, self.keys.group)

    @property
    def compared(self) -> str:
        """The unit the figure is blocked and compared in: its own, or its key's count."""
        return self.counted or self.unit

    @property
    def unconverted(self) -> bool:
        """A figure in a currency that cannot be converted: it stands in the common
        currency's block only to find the figures it is not compared with."""
        return self.exchange is not None and self.exchange.reason is not None


@dataclass(frozen=True)
class Exchange:
    """How a money figure written in another currency than the run's common one was
    brought to it: ``text`` shows the conversion ("S$1.3B ≈ US$0.968B at the 2023 average
    rate (the year of its period)"); ``reason`` says why it could not be (no rates for the
    currency, a year the table does not cover)."""

    source: str  # the currency as written
    text: str = ""
    reason: str | None = None
    rate: float = 1.0  # units of the common currency per unit of ``source``
    unit: str = ""  # the figure's unit before the conversion ("SGD / year")


@dataclass(frozen=True)
class ClaimKeys:
    """What a block's comparisons read of a figure's claim, worked out once per claim and
    run (by :func:`figures_of`, from the blocking) rather than again in every block and
    partition the figure is in."""

    subject: str  # subject_key
    scope: tuple[str, ...]  # see _scope
    parts: frozenset[str]  # which part of an amount (_Context.scope_of)
    bases: tuple[str, ...]  # measurement bases (adjusted, GAAP)
    group: tuple[object, ...]  # the claim's part of a figure's group key (Figure.group)


def claim_keys(claim: Claim, ctx: _Context) -> ClaimKeys:
    """A claim's keys; claims that read the same in every field the keys depend on (an
    article repeating a sentence) share one."""
    q = claim.quantity
    same = (claim.subject, claim.qualifier, claim.qualifiers, q.unit, q.bound,
            claim.period_key, claim.modality, claim.payer, claim.payee, claim.as_of,
            claim.metric_key, claim.id if "segment" in claim.qualifiers else None)
    keys = ctx.keys.get(same)
    if keys is None:
        if len(ctx.keys) >= _KEYS_KEPT:
            ctx.keys.clear()
        keys = ctx.keys[same] = _claim_keys(claim, ctx)
    return keys


_KEYS_KEPT = 100_000  # claim keys a context keeps


def _claim_keys(claim: Claim, ctx: _Context) -> ClaimKeys:
    scope, bases = split_qualifiers(claim, ctx.basis)
    # compared, with a reason (verdict), not kept apart
    scope = tuple(q for q in scope if q not in (REVISED, INSTANCE, CONVERTED))
    modality = "fact" if claim.modality in FACT_MODALITIES else claim.modality
    group = (claim.quantity.bound, claim.period_key, modality, bases, claim.payer,
             claim.payee, claim.as_of if (claim.metric_key or "") in ctx.running else None)
    return ClaimKeys(subject_key(claim, ctx.rules), _scope(claim, scope, ctx),
                     frozenset(ctx.scope_of(claim)), bases, group)


def figures_of(claim: Claim, rules: Rules, cache: UnitCache) -> list[Figure]:
    """The claim in its own unit, plus as a per-year rate when it is a total over a
    duration ("a three-year, $45 billion deal" is $15 billion a year); a money figure in
    another currency than the common one also converted to it (:func:`exchanged`)."""
    fuzzy = rules.metrics.keys.fuzzy.get(claim.metric_key or "", 0.0)
    own = written_interval(claim, fuzzy)
    if own is None:
        return []
    keys = claim_keys(claim, _shared_context(rules))
    counted = _shared_context(rules).count_nouns.get(
        (claim.metric_key or "", claim.normalized.unit), "")
    out = [Figure(claim, *own, unit=claim.normalized.unit, derived=False, keys=keys,
                  counted=counted)]
    rate = cache.rate(claim)
    if rate is not None and rate.low is not None and claim.normalized.low:
        factor = rate.low / claim.normalized.low
        out.append(Figure(claim, own[0] * factor, own[1] * factor, own[2] * factor,
                          unit=rate.unit, derived=True, keys=keys))
    return [*out, *(x for f in out if (x := exchanged(f, rules)) is not None)]


_PERIOD_YEAR = re.compile(r"^(?:FY)?((?:19|20)\d{2})(?:-|$)")


def rate_year(claim: Claim, rates: RatesFile) -> tuple[int | None, str]:
    """The year whose average rate converts a claim, and where it comes from: its
    period's year ("2023", "FY2024-Q2"), else its date's (the sentence's, else the
    article's), else the latest year of the rates table."""
    match = _PERIOD_YEAR.match(claim.period_key or "")
    if match:
        return int(match.group(1)), "the year of its period"
    if claim.as_of and claim.as_of[:4].isdigit():
        return int(claim.as_of[:4]), "the year it is dated"
    years = [y for series in rates.currencies.values() for y in series.rates]
    return (max(years) if years else None), "undated: the latest year of the table"


def exchanged(f: Figure, rules: Rules) -> Figure | None:
    """A money figure in another currency than ``checks.yaml``'s ``common_currency``,
    converted to it at the average rate of its year (:func:`rate_year`); the interval is
    scaled, never widened. A figure that cannot be converted comes back unconverted (its
    own figure, put in the common currency's block to be listed as not compared); a
    derived rate that cannot be converted, not at all."""
    common = rules.checks.common_currency
    currencies = rules.currencies.currencies
    source, _, rest = f.unit.partition(" / ")
    if source == common or source not in currencies or \
            any(part in currencies for part in rest.split(" / ")):
        return None
    unit = f"{common} / {rest}" if rest else common
    year, why = rate_year(f.claim, rules.rates)
    shown = convert((f.ref, f.ref), source, common, year=year, rates=rules.rates,
                    currencies=rules.currencies, why=why)
    if isinstance(shown, NotConverted):
        if f.derived:
            return None
        return replace(f, unit=unit, exchange=Exchange(source, reason=shown.reason))
    rate = shown.rate
    return replace(f, low=f.low * rate, high=f.high * rate, ref=f.ref * rate, unit=unit,
                   exchange=Exchange(source, shown.text, rate=rate, unit=f.unit))


def _scope(claim: Claim, scope: tuple[str, ...], ctx: _Context) -> tuple[str, ...]:
    """What narrows a claim's scope: its qualifiers other than bases (``scope``, from
    :func:`split_qualifiers`), and the scope words of its figure's own phrase ("H100 GPUs in
    orbit", "Colossus 1 and 2"); a figure's is worked out once per claim and run
    (``Figure.keys.scope``)."""
    if "segment" in scope:  # "this segment": which one is not in the sentence
        scope = (*scope, claim.id)
    legacy = qualifier(claim, ctx.rules)
    return (*scope, f"[{legacy}]") if legacy else scope


PERSON = "person"  # the unit of a count of people ("2,053 people")


# The letters a subject key is blocked by (see frames.subject_block), and the block of the
# figures no article names a subject for.
LETTERS = tuple("abcdefghijklmnopqrstuvwxyz0123456789_")
UNNAMED_BLOCK = "?"


def unnamed(claim: Claim) -> bool:
    """A figure of an organisation the article never names ("The company is raising its
    dividend to $0.15 per share" with no company named anywhere), or of no one named."""
    return claim.subject is None and claim.metric_key is not None and \
        claim.modality not in IGNORED_MODALITIES


def eligible(claim: Claim) -> bool:
    return claim.metric_key is not None and claim.subject is not None \
        and claim.modality not in IGNORED_MODALITIES


def blocks_of(claim: Claim, rules: Rules, cache: UnitCache
              ) -> list[tuple[tuple[str, ...], Figure | Beside]]:
    """The blocking of ``interval_consistency.v2``: each figure of an eligible claim in the
    block (first letter of its subject key's last word, metric key, unit) of the named
    figures, and in that letter's block ``(letter, metric key, unit, "?")`` of the
    comparisons with unnamed figures. A figure of an organisation its article never names
    joins every letter's block of the comparisons with unnamed figures of its metric and
    unit (it may be any subject's) and the block ``?`` of the unnamed ones. An unnamed
    figure does not change the findings of named figures: adding one re-checks none of
    their blocks."""
    if unnamed(claim):
        assert claim.metric_key is not None
        figures = figures_of(claim, rules, cache)
        key = closed_up(claim.metric_key)
        return [*(((letter, key, f.compared, UNNAMED_BLOCK), f)
                  for f in figures for letter in LETTERS),
                *(((UNNAMED_BLOCK, key, f.compared),
                   replace(f, unnamed_block=True))
                  for f in figures)]
    if not eligible(claim):
        return []
    assert claim.metric_key is not None
    figures = figures_of(claim, rules, cache)
    first = subject_block(figures[0].keys.subject) if figures else ""
    key = closed_up(claim.metric_key)
    return [*(((first, key, f.compared), f) for f in figures),
            *(((first, key, f.compared, UNNAMED_BLOCK), Beside(f))
              for f in figures)]


def closed_up(key: str) -> str:
    """A metric key as it is blocked: its words closed up, so a compound written open,
    hyphenated or closed is one key ("pre-tax charge", "pretax charge")."""
    return key.replace(" ", "")


class Beside(NamedTuple):
    """A named figure as a member of its letter's block of the comparisons with unnamed
    figures (:func:`blocks_of`)."""

    figure: Figure


# --- verdicts --------------------------------------------------------------------------------


@dataclass
class Verdict:
    """What two figures of different articles say about each other."""

    kind: str  # contradiction, divergence, update, agree, moved, none
    reasons: list[str] = field(default_factory=list)


def _days(a: str | None, b: str | None) -> int | None:
    """Days between two ISO dates (``None`` unless both are full dates)."""
    try:
        return abs((date.fromisoformat(a[:10]) - date.fromisoformat(b[:10])).days) \
            if a and b and len(a) >= 10 and len(b) >= 10 else None
    except ValueError:
        return None


def _fiscal(key: str | None) -> bool:
    return bool(key) and key is not None and key.startswith("FY")


def _digits(claim: Claim) -> int:
    """The significant digits a claim's figure is written with ("$6.36 billion": 3)."""
    return _written_digits(claim.span.text)


@functools.lru_cache(maxsize=1 << 16)
def _written_digits(text: str) -> int:
    # cached: a block's clusters ask it of every figure of the other clusters, per pair
    match = _NUMBER.search(text)
    if match is None:
        return 0
    return len(match.group(0).replace(",", "").replace(".", "").strip("0") or "0")


def _overlap(a: Figure, b: Figure) -> bool:
    """Whether two figures' intervals share a value. Written-precision intervals are
    half-open ("$0.12" is 0.115 up to 0.125, "$0.13" from 0.125): touching ends do not
    overlap, unless one figure is a single point."""
    if a.low == a.high or b.low == b.high:
        return a.low <= b.high and b.low <= a.high
    scale = max(abs(a.low), abs(a.high), abs(b.low), abs(b.high))
    eps = 1e-12 * scale if math.isfinite(scale) else 0.0
    return a.low < b.high - eps and b.low < a.high - eps


_BOUND_WORDS = {"at_least": "lower", "at_most": "upper"}


def _thresholds_differ(a: Figure, b: Figure) -> bool:
    """Two bounds of one direction at different values ("net debt below $25 billion" vs
    "below $26 billion"): compatible as intervals, but not one statement."""
    qa, qb = a.claim.quantity, b.claim.quantity
    if qa.bound != qb.bound or qa.bound not in _BOUND_WORDS:
        return False
    x, y = (a.low, b.low) if qa.bound == "at_least" else (a.high, b.high)
    pa = written_precision(a.claim) or 0.0
    pb = written_precision(b.claim) or 0.0
    # written-precision intervals are half-open: "$25 billion" and "$26 billion" touch
    return math.isfinite(x) and math.isfinite(y) and x != y and \
        abs(x - y) >= pa * abs(x) + pb * abs(y) - 1e-12 * max(abs(x), abs(y))


def _ranges_differ(a: Figure, b: Figure) -> bool:
    """Two ranges whose ends differ ("$80-100 million" vs "$90-100 million") are two
    statements, however much they overlap."""
    qa, qb = a.claim.quantity, b.claim.quantity
    if qa.bound != "range" or qb.bound != "range" or None in (qa.low, qa.high, qb.low,
                                                               qb.high):
        return False
    pa = written_precision(a.claim) or 0.0
    pb = written_precision(b.claim) or 0.0
    assert qa.low is not None and qa.high is not None
    assert qb.low is not None and qb.high is not None

    def apart(x: float, y: float) -> bool:
        return abs(x - y) > pa * abs(x) + pb * abs(y) + 1e-12 * max(abs(x), abs(y))

    return apart(qa.low, qb.low) or apart(qa.high, qb.high)


def _ratio(a: Figure, b: Figure) -> float:
    x, y = abs(a.ref), abs(b.ref)
    small, large = min(x, y), max(x, y)
    if large == 0:
        return 1.0
    return large / small if small else INF


def _how(claim: Claim) -> str:
    if claim.subject is None:
        return f'unnamed: "{claim.subject_cue}"' if claim.subject_cue else "unnamed"
    if claim.subject_how == "resolved" and claim.subject_cue:
        return f'resolved from "{claim.subject_cue}"'
    return {"named": "named in the sentence", "resolved": "resolved", "focal":
            "the article's main subject"}.get(claim.subject_how or "", "named in the sentence")


class _Context:
    """The rules' thresholds and word sets one block's comparisons read, and answers per
    figure the block asks again (its scope)."""

    def __init__(self, rules: Rules) -> None:
        self._build(rules)
        self.keys: dict[tuple[object, ...], ClaimKeys] = {}  # see claim_keys

    def _build(self, rules: Rules) -> None:
        self.rules = rules
        keys = rules.metrics.keys
        self.basis = frozenset(q.lower() for q in keys.basis_qualifiers)
        # a key's last word is singular ("death" of "deaths"): the table's words either way
        self.running = frozenset(w for k in keys.running for w in (
            k.lower(), " ".join([*k.lower().split()[:-1], singular(k.lower().split()[-1])])))
        self.levels = frozenset(w.lower() for w in keys.level_counts)
        self.states = frozenset(keys.count_states)
        self.update_days = _threshold(rules, "update_after_days")
        self.move_digits = _threshold(rules, "period_move_digits")
        self.far = _threshold(rules, "far_ratio")
        self.scale_gap = _threshold(rules, "scale_gap_ratio")
        self.side_by_side = _threshold(rules, "side_by_side_documents")
        self.conversion_allowance = _threshold(rules, "conversion_allowance")
        self.unit_allowance = _threshold(rules, "unit_conversion_allowance")
        self.window = rules.checks.thresholds.get("comparison_window_chars", 600.0)
        # the metric keys a contradiction may rest on: the synonym table's and the metric
        # classes' (a phrase read from the parse alone may be a misreading)
        self.known = frozenset({k.lower() for k in keys.synonyms} |
                               {name.replace("_", " ") for name in rules.metrics.metrics} |
                               {k.lower() for k in (*keys.sizes.values(), *keys.size_words)} |
                               ({DISTANCE} if keys.compass_words else set()))
        self.bases = frozenset(q for q, spellings in keys.qualifier_synonyms.items()
                               if q not in self.basis)  # year over year, quarter over quarter
        self.scope_markers = frozenset(w.lower() for w in keys.scope_markers)
        # keys that name whom or what a count counts: a percentage keyed by one is a share
        # of them that does not say what they did ("59% of members ... agreed")
        self.counted = frozenset(
            {singular(w.lower()) for w in keys.people_nouns} |
            {name.replace("_", " ") for name, rule in rules.metrics.metrics.items()
             if rule.dimension == "count"} |
            {singular(u.lower()) for rule in rules.metrics.metrics.values()
             if rule.dimension == "count" for u in rule.units})
        self.scope_words = frozenset(w.lower() for w in keys.scope_words)
        self.kinds = frozenset(w.lower() for w in rules.entities.kind_names)
        # (key, count noun) -> the key's count: a noun the synonym table writes as a word of
        # the key (a one-word synonym, or the last word of one: "paid memberships"), when
        # the key has two or more such nouns ("users": user, subscriber, membership)
        nouns: dict[str, set[str]] = defaultdict(set)
        for canonical, spellings in keys.synonyms.items():
            for spelling in (canonical, *spellings):
                words = spelling.lower().split()
                if words and words[-1].isalpha():
                    nouns[canonical.lower()].add(singular(words[-1]))
        # and a count of people in a state is its key's count ("2,100 deaths", "killed
        # 2,053 people": the death toll)
        for state in keys.count_states.values():
            for key in state.keys:
                nouns[key.lower()].add(PERSON)
        # compared in one of them (a finding's id names it): people, else the key's own
        # noun, else the first, so the blocks written in that noun keep their findings' ids
        self.count_nouns = {(key, noun): _common_noun(key, found)
                            for key, found in nouns.items() if len(found) > 1
                            for noun in found}

    def scope_of(self, claim: Claim) -> set[str]:
        """The qualifiers saying which part of an amount a figure is ("including debt",
        "equity")."""
        return {q for q in claim.qualifiers
                if q in self.scope_words or q.split()[0] in self.scope_markers}


def _common_noun(key: str, nouns: set[str]) -> str:
    own = singular(key.split()[-1])
    return PERSON if PERSON in nouns else own if own in nouns else min(nouns)


# The context of ``rules``: built from the rules once, not per block (a run checks every
# block with one set of rules).
_shared_context = kept_for_last(_Context)


def verdict(a: Figure, b: Figure, ctx: _Context, *, ambiguous_basis: bool,
            periods_by_doc: dict[str, set[str | None]] | None = None) -> Verdict:
    """The verdict on two figures of different articles (see the module docstring).
    ``periods_by_doc``: the periods each article gives figures of this frame for (a figure
    moved to a period neither article otherwise covers is a move however round it is)."""
    ca, cb = a.claim, b.claim
    if {ca.modality, cb.modality} & IGNORED_MODALITIES:
        return Verdict("none")
    if (ca.payer and cb.payer and ca.payer != cb.payer) or \
            (ca.payee and cb.payee and ca.payee != cb.payee):
        return Verdict("none")  # two payments between different parties: two deals
    if _signed_alike(a, b):
        return Verdict("none")  # "-$27 billion" in a table of costs, "$27 billion" in prose
    periods = period_agreement(ca.period_key, cb.period_key)
    if (ca.base or cb.base) and (periods != "same" or not _overlap(a, b)):
        # "up from $2.40", "revised up from 223,000": an earlier period's or an earlier
        # estimate's, never in dispute with a later one
        return Verdict("none")
    running = (ca.metric_key or "") in ctx.running or \
        (ca.metric_key or "").removesuffix(" change") in ctx.running or \
        not ctx.states.isdisjoint(ca.qualifiers)  # "crew rescued": a part of a toll
    reasons: list[str] = []
    if _overlap(a, b) and not _ranges_differ(a, b):
        open_bound = math.isinf(a.high) or math.isinf(b.high) or a.low == 0 or b.low == 0
        if open_bound and _ratio(a, b) >= ctx.far and periods != "different":
            return Verdict("divergence", ["compatible only as bounds, "
                                          f"{format_ratio(_ratio(a, b))}× apart"])
        if _thresholds_differ(a, b) and periods != "different" and not running:
            return Verdict("divergence", [
                f"both are {_BOUND_WORDS[ca.quantity.bound]} bounds, set at different "
                "values"])
        same_voice = (ca.modality in FACT_MODALITIES) == (cb.modality in FACT_MODALITIES)
        if periods == "different" and same_voice and not running and \
                min(_digits(ca), _digits(cb)) >= ctx.move_digits and \
                _exclusive(ca, cb, periods_by_doc):
            return Verdict("moved", [f"the same figure is given for {period_text(ca.period_key)}"
                                     f" and for {period_text(cb.period_key)}"])
        return Verdict("agree" if periods != "different" else "none")
    if periods == "different":
        if running and ca.as_of != cb.as_of:
            return Verdict("update", ["a running tally reported at different times"])
        return Verdict("none")
    days = _days(ca.as_of, cb.as_of)
    if running:
        if days:
            return Verdict("update", [f"a running tally reported {days} day(s) apart"])
        reasons.append("a running tally, which changes as the story goes on")
    if periods != "unknown" and "focal" in (ca.period_how, cb.period_how):
        # "net income was $7.9 billion" in a quarter's report may be the year's ("annual",
        # "for 2023" a clause away): the article's period is a guess, not the figure's words
        reasons.append("the period of at least one figure is the article's, not written "
                       "beside it")
    if periods == "compatible" and _fiscal(ca.period_key) != _fiscal(cb.period_key):
        reasons.append("one period is a fiscal one, the other a calendar one")
    if periods == "unknown":
        if "unplaced" in (ca.period_how, cb.period_how):
            reasons.append("a report writes its period in words no date fixes (such as \"the "
                           "quarter\" in an article of no one period)")
        elif (ca.period_key or cb.period_key) and not _the_day_of(ca, cb):
            reasons.append("only one report states the period")
        elif days is not None and days > ctx.update_days:
            return Verdict("update", [f"no period stated, and published {days} days apart"])
    owned = [c for c in (ca, cb) if c.owner]
    if owned:
        # "The lander and rover cost Rs 215 crore" framed as the mission's (the article's
        # main subject), "Macron's centrists won 168 seats" as Macron's: the subject is a
        # guess at whose figure it is, the sentence's owner is a thing it does not name
        reasons.append("; ".join(f'"{c.quantity.span.text}" is said of "{c.owner}", not '
                                 f'of {c.subject} itself' for c in owned))
    if ca.modality not in FACT_MODALITIES or cb.modality not in FACT_MODALITIES:
        reasons.append("at least one figure is a projection or estimate")
    if a.ref == 0 or b.ref == 0:
        reasons.append("one of them is zero, as a table not yet filled in or a count not yet "
                       "begun shows")
    directions = {ca.quantity.direction, cb.quantity.direction}
    if directions == {"up", "down"}:
        reasons.append("one report gives a rise and the other a fall, which are more likely "
                       "moves of different days or events than one move misreported")
    if "intraday" in ca.qualifiers or "intraday" in cb.qualifiers:
        reasons.append("a market figure of part of a session, which moves until the close")
    if ambiguous_basis:
        reasons.append("the measurement basis (such as adjusted or GAAP) is stated for "
                       "only one of them")
    sources = _sources_of(ca, cb)
    if sources:
        reasons.append(f"each is attributed to its own source ({sources}), as estimates by "
                       "different counters often are")
    key = ca.metric_key or ""
    if not _known(ca, ctx):
        reasons.append(f'the metric is read only from the words "{key}"')
    if (REVISED in ca.qualifiers) != (REVISED in cb.qualifiers):
        reasons.append("one figure is the amount after a revision (\"reduced to\", "
                       "\"revised to\"), which another report may give as it was before, "
                       "or of another event")
    cut = _cut_short(a, b) or _cut_short(b, a)
    if cut:
        # "profits amounting to $22.9 billion" vs "$22.96 billion": the digits the shorter
        # one leaves out dropped, not rounded (writers often cut a figure short)
        reasons.append(f'"{cut[0].claim.quantity.span.text}" is "'
                       f'{cut[1].claim.quantity.span.text}" cut short to fewer digits, not '
                       "rounded")
    converted = [c for c in (ca, cb) if CONVERTED in c.qualifiers]
    if converted:
        # "a 2.42 billion euro fine ($2.8 billion)": the article's own conversion of the
        # amount before it, at a rate it does not state, restating that figure
        reasons.append("; ".join(f'"{c.quantity.span.text}" is the article\'s conversion '
                                 "(in parentheses) of an amount in another currency, at a "
                                 "rate it does not state" for c in converted))
    instances = (INSTANCE in ca.qualifiers) + (INSTANCE in cb.qualifiers)
    if instances:
        reasons.append(f"{'both describe' if instances == 2 else 'one describes'} one of a "
                       "kind (such as \"a 27-yard field goal\"), and the two may be "
                       "different ones")
    if _bare_count(ca, ctx) and _bare_count(cb, ctx) and _ratio(a, b) >= ctx.far and \
            not (periods == "same" and "focal" not in (ca.period_how, cb.period_how)):
        # "the two countries" vs "more than 75 countries", "its total to 27" (in one
        # region) vs "400 seats": a count that names only what it counts says not which
        reasons.append(f"both count \"{key}\" and name no measure, and are "
                       f"{format_ratio(_ratio(a, b))}× apart: more likely counts of "
                       "different sets than one count misreported")
    if ca.quantity.unit == "percent" and (key in ctx.counted or singular(key) in ctx.counted):
        # "voted 64% against the offer" vs "59% of members agreed to approve": shares of
        # one body of people in two votes, or of two answers, not one share misreported
        reasons.append(f"a share of \"{key}\" says whom it counts, not what they did or "
                       "hold, and the two may be shares of different votes or answers")
    guessed = [c for c in (ca, cb) if c.subject_how == "resolved"]
    if guessed and (_bare_count(ca, ctx) or _bare_count(cb, ctx)):
        # "The company's 2,278 stores" (which company?) against another's "2,800 stores": a
        # subject resolved from a description and a key that names only what is counted
        # make two guesses, not a sure frame (a disaster's counts, "34 children" of the
        # article's place, stay comparable: the article is about that one event)
        reasons.append(f"the subject of \"{guessed[0].quantity.span.text}\" is "
                       f"{_how(guessed[0])}, not named, and \"{key}\" names only what is "
                       "counted")
    if key.endswith(" change") and not (ctx.bases & set(ca.qualifiers)) and \
            not _level_move(ca, ctx):
        reasons.append("neither says what the change is measured from")
    if _ratio(a, b) >= ctx.scale_gap and not _scale_misprint(ca, cb):
        # "$68" vs "$68.7 billion", a table's "$40,111" (in millions) vs "$134.90 billion"
        reasons.append(f"they are {format_ratio(_ratio(a, b))}× apart, as far as a scale "
                       "word left out (or a table in thousands or millions) puts them; a "
                       "misreport of one figure seldom does")
    return Verdict("divergence" if reasons else "contradiction", reasons)


def _significant(claim: Claim) -> str | None:
    """A figure's significant digits as written ("$4.2 billion" -> "42", "4.34" -> "434");
    ``None`` for a figure written as a table writes amounts, without a scale word and with
    a thousands separator or four digits or more before its point ("$40,111", "4340")."""
    match = _NUMBER.search(claim.quantity.span.text)
    if match is None:
        return None
    whole = match.group(0).split(".")[0]
    if not claim.quantity.scale_word and ("," in whole or len(whole) >= 4):
        return None
    return match.group(0).replace(",", "").replace(".", "").strip("0") or None


def _scale_misprint(a: Claim, b: Claim) -> bool:
    """Two figures of the same significant digits written with different scale words ("$4.2
    million" and "$4.2 billion", "4.34 euros" and "4.34 billion euros"): one figure with
    its scale word misprinted or dropped, not a table's convention. Two digits and two
    scale words, or three digits when one figure has none (a bare "$35" is as often a
    price or a figure cut off as the deal's "$35 billion" with its scale word dropped)."""
    digits = _significant(a)
    words = [(c.quantity.scale_word or "").lower() for c in (a, b)]
    return digits is not None and digits == _significant(b) and words[0] != words[1] and \
        len(digits) >= (2 if all(words) else 3)


def _through_exchange(result: Verdict, a: Figure, b: Figure, ctx: _Context) -> Verdict:
    """A verdict that rests on a conversion to the common currency: a divergence at most
    (an annual average rate is not the day's, and the rates table does not say how far a
    year's rates ranged), with the conversion shown. Figures that agree once the converted
    one is allowed ``conversion_allowance`` either way (how far a day's rate may be from
    its year's average) are not a disagreement, but not joined as agreeing either; never
    a figure moved to another period (the digits differ by design)."""
    if result.kind not in ("agree", "none", "moved") and _unit_rounding(a, b, ctx):
        return Verdict("none")
    shown = [f.exchange.text for f in (a, b) if f.exchange]
    if not shown or result.kind in ("agree", "none"):
        return result
    if result.kind == "moved":
        return Verdict("none")
    allow = 1.0 + ctx.conversion_allowance
    if _overlap(*(_widened(f, allow) if f.exchange else f for f in (a, b))):
        return Verdict("none")
    kind = "divergence" if result.kind == "contradiction" else result.kind
    return Verdict(kind, [*result.reasons, "compared after converting at an annual average "
                          "rate, not the day's: " + "; ".join(shown)])


def _unit_rounding(a: Figure, b: Figure, ctx: _Context) -> bool:
    """Whether two physical measures written in different units ("235 miles", "380 km")
    agree once the one converted by its writer is allowed ``unit_conversion_allowance``
    either way: the conversion the checks make is exact, the writer's was rounded."""
    if a.unit != b.unit or a.unit not in PHYSICAL_UNITS or \
            a.claim.quantity.unit == b.claim.quantity.unit:
        return False
    allow = 1.0 + ctx.unit_allowance
    return _overlap(_widened(a, allow), _widened(b, allow))


def _widened(f: Figure, allow: float) -> Figure:
    """``f`` allowed a factor ``allow`` either way (a conversion's uncertainty), whatever
    its sign."""
    return replace(f, low=min(f.low / allow, f.low * allow),
                   high=max(f.high / allow, f.high * allow))


_CUT_DIGITS = 3  # a shorter figure of fewer significant digits ("13%" of 13.8%) may as well
# be a changed number (a SummEdits pair): a disagreement, unless another report corroborates
# the cut (see _truncated)


def _cut_short(shorter: Figure, longer: Figure) -> tuple[Figure, Figure] | None:
    """``(shorter, longer)`` when an exact figure written with fewer digits (three or more) is
    the other one with its last digits dropped ("$22.9 billion" of $22.96 billion): the
    longer lies between the shorter's value and one unit of its last digit above it (below,
    for a negative one)."""
    a = shorter
    if a.claim.quantity.bound != "exact" or longer.claim.quantity.bound != "exact" or \
            a.low == a.high or not (math.isfinite(a.low) and math.isfinite(a.high)) or \
            _digits(longer.claim) <= _digits(a.claim) or a.compared != longer.compared or \
            _digits(a.claim) < _CUT_DIGITS:
        return None
    step = a.high - a.low  # a unit of its last written digit
    cut = replace(a, low=a.ref - step, high=a.ref) if a.ref < 0 else \
        replace(a, low=a.ref, high=a.ref + step)
    inside = cut.low <= longer.low and longer.high <= cut.high
    return (shorter, longer) if inside else None


def _signed_alike(a: Figure, b: Figure) -> bool:
    """The same amount written with opposite signs (a cost as a negative number in a table,
    as a positive one in prose): a sign convention, not a disagreement."""
    if not (a.high < 0 < b.low or b.high < 0 < a.low):
        return False
    negative, positive = (a, b) if a.high < 0 else (b, a)
    return _overlap(replace(negative, low=-negative.high, high=-negative.low,
                            ref=-negative.ref), positive)


def _exclusive(a: Claim, b: Claim, periods_by_doc: dict[str, set[str | None]] | None
               ) -> bool:
    """Whether each article gives this frame's figures only for periods other than the
    other's ("$5bn in 2023" in one, "$5bn in 2024" in the other and nothing else): the
    same figure moved to another period, not one figure repeated for two periods."""
    if periods_by_doc is None:
        return False
    return not any(period_agreement(p, b.period_key) != "different"
                   for p in periods_by_doc.get(a.doc_id, ())) and \
        not any(period_agreement(p, a.period_key) != "different"
                for p in periods_by_doc.get(b.doc_id, ()))


def _sources_of(a: Claim, b: Claim) -> str | None:
    """"X and Y" when both figures are attributed, to different sources other than their
    subject ("according to Verisk" vs "according to Moody's")."""
    x, y = a.attribution, b.attribution
    if not x or not y or x == y or x in (a.subject, b.subject) or y in (a.subject,
                                                                        b.subject):
        return None
    return f"{x} and {y}"


def _the_day_of(a: Claim, b: Claim) -> bool:
    """One figure is dated to a day ("four coaches derailed on June 2") and the other, with
    no period, is of that day (its article's date): the day is when, and both say it."""
    dated, other = (a, b) if a.period_key else (b, a)
    day = dated.period_key or ""
    return len(day) == 10 and day[4] == day[7] == "-" and other.period_key is None and \
        other.as_of == day


def _one_written_period(a: Figure, b: Figure) -> bool:
    """Both figures write the one period they are about ("$5bn in 2023", "$1bn in 2023")."""
    return a.claim.period_how == b.claim.period_how == "written" and \
        period_agreement(a.claim.period_key, b.claim.period_key) == "same"


def _level_move(claim: Claim, ctx: _Context) -> bool:
    """A move of a level from its previous reading ("the Dow jumped 1,450 points, or 3.6%"):
    the named subject's own move, or one in steps of a scale (``level_counts``)."""
    key = claim.metric_key or ""
    return key == MOVE_KEY or (key.endswith(" change") and
                               claim.quantity.unit.lower().split("_")[0] in ctx.levels)


def _bare_count(claim: Claim, ctx: _Context) -> bool:
    """A count keyed by its counted noun alone ("75 countries", "27 seats"): the key says
    what is counted, not which set of them (no measure named, no synonym-table metric)."""
    key = claim.metric_key or ""
    unit = claim.quantity.unit.lower().replace("_", " ")
    return bool(unit) and key not in ctx.known and not claim.qualifiers and \
        singular(key) == singular(unit)


def _known(claim: Claim, ctx: _Context) -> bool:
    """Whether a claim's metric key is one a contradiction may rest on: in the synonym
    table, a metric class, or the counted noun of a count ("assists")."""
    key = (claim.metric_key or "").removesuffix(" change")
    if key in ctx.known or claim.metric_key == MOVE_KEY:
        return True
    unit = claim.quantity.unit.lower().replace("_", " ")
    return bool(unit) and (key == unit or key.endswith(" " + unit) or
                           key.rstrip("s") == unit.rstrip("s") or
                           key.endswith(" " + unit.rstrip("s")))


# --- groups and findings ---------------------------------------------------------------------


@dataclass
class _Group:
    """Figures that say the same thing the same way (repetitions count once)."""

    figures: list[Figure]

    @property
    def head(self) -> Figure:
        return self.figures[0]

    @property
    def claims(self) -> list[Claim]:
        return [f.claim for f in self.figures]

    @property
    def docs(self) -> set[str]:
        return {f.claim.doc_id for f in self.figures}


def _groups(figures: Sequence[Figure], ctx: _Context) -> list[_Group]:
    """Figures grouped by what they say; repetition within one article in one voice is one
    mention (its first): an article repeating a sentence 10,000 times says it once."""
    grouped: dict[tuple[object, ...], list[Figure]] = defaultdict(list)
    seen: set[tuple[object, ...]] = set()
    for f in sorted(figures, key=lambda f: (f.claim.doc_id, f.claim.span.start, f.claim.id)):
        key = f.group
        voice = (key, f.claim.doc_id, f.claim.attribution)
        if voice not in seen:
            seen.add(voice)
            grouped[key].append(f)
    groups = [_Group(fs) for fs in grouped.values()]  # each in the order walked
    return sorted(groups, key=lambda g: (g.head.low, g.head.high, g.head.claim.id))


def _cross(a: _Group, b: _Group) -> tuple[Figure, Figure] | None:
    """A pair of figures from different voices, one from each group (the earliest): of
    different articles, or of one article quoting another source ("a later filing says")."""
    for fa in a.figures:
        for fb in b.figures:
            if fa.claim.doc_id != fb.claim.doc_id or \
                    fa.claim.attribution != fb.claim.attribution:
                return fa, fb
    return None


_CROSS_REACH = 6  # figures of each group tried for a stronger pair


def _strongest_cross(a: _Group, b: _Group, result: Verdict, cross: tuple[Figure, Figure],
                     ctx: _Context, ambiguous: bool,
                     periods_by_doc: dict[str, set[str | None]]
                     ) -> tuple[Verdict, tuple[Figure, Figure]]:
    """The verdict of the two values on the strongest evidence: a divergence or update
    between the first two reports may rest on what only those two say (their own sources,
    their days), while two other reports of the same values disagree outright. The first
    ``_CROSS_REACH`` figures of each group are tried (pairs crediting two other counters
    again are skipped); the strongest verdict wins, fewer reasons first."""
    def strength(v: Verdict) -> tuple[int, int]:
        return (_STRENGTH.get(v.kind, 0), -len(v.reasons))

    best, pair = result, cross
    for fa in a.figures[:_CROSS_REACH]:
        for fb in b.figures[:_CROSS_REACH]:
            if (fa, fb) == cross or (fa.claim.doc_id == fb.claim.doc_id and
                                     fa.claim.attribution == fb.claim.attribution) or \
                    result.kind == "divergence" and _sources_of(fa.claim, fb.claim):
                continue
            other = _through_exchange(verdict(fa, fb, ctx, ambiguous_basis=ambiguous,
                                              periods_by_doc=periods_by_doc), fa, fb, ctx)
            if other.kind in _STRENGTH and strength(other) > strength(best):
                best, pair = other, (fa, fb)
    return best, pair


def _apart(a: _Group, b: _Group, window: float) -> tuple[Figure, Figure] | None:
    """Two figures of one article in its own voice, further apart than ``window``
    characters (a summary or a Q&A restating the body)."""
    for fa in a.figures:
        for fb in b.figures:
            if fa.claim.doc_id == fb.claim.doc_id and \
                    abs(fa.claim.span.start - fb.claim.span.start) > window and \
                    fa.claim.sentence != fb.claim.sentence:
                return fa, fb
    return None


def _describe(group_claims: Sequence[Claim], independent: int | None = None) -> str:
    """A value's mentions as shown ("$5 billion" [3 mentions in 3 document(s)]);
    ``independent``: :func:`independent_sources` of ``group_claims`` when known."""
    first = group_claims[0]
    docs = {c.doc_id for c in group_claims}
    shown = figure_words(first)
    text = f'"{shown}"'
    original = garbled_original(first.span.text, shown) if first.repaired else None
    if original is not None:
        text += f' (repaired; the article has "{original}")'
    if len(group_claims) > 1:
        text += f" [{len(group_claims)} mentions in {len(docs)} document(s)"
        if independent is None:
            independent = independent_sources(group_claims)
        if independent < len(docs):
            text += f", {independent} independent (the others are copies)"
        text += "]"
    return text


def _compared_text(f: Figure) -> str:
    """The interval a figure was compared as, and why it is that wide, in words."""
    return interval_words(f.claim, f.low, f.high, f.ref, f.unit)


def gap_text(a: Figure, b: Figure) -> str:
    """How far apart two figures are, as a ratio or an absolute difference (percentage
    points for percentages): :func:`pipeline.wording.gap_words`."""
    return gap_words(a.ref, b.ref, a.unit)


def _frame_text(c: Claim) -> str:
    metric = c.metric_key or "?"
    if c.qualifiers:
        metric += f" ({', '.join(c.qualifiers)})"
    period = period_text(c.period_key)
    if c.period_how == "focal":
        period += ", the article's period"
    elif c.period_how == "relative" and c.period:
        period += f', from "{c.period}"'
    return f"{c.subject or 'an unnamed organisation'} ({_how(c)}), {metric}, {period}, " \
        f"{modality_words(c.modality)}"


def _finding_id(kind: str, parts: Sequence[object], *, check: str = NAME) -> str:
    raw = "|".join([check, kind, *map(str, parts)]).encode()
    return "f-" + hashlib.sha1(raw).hexdigest()[:12]


def _cluster_ref(groups: Sequence[_Group]) -> str:
    """A cluster's reference value: the commonest written reference, 4 significant
    digits (ties: the lowest)."""
    refs: Counter[str] = Counter()
    for g in groups:
        refs[f"{g.head.ref:.4g}"] += len(g.figures)
    best = max(refs.values())
    return min((r for r, n in refs.items() if n == best), key=float)


def _finding(kind: str, severity: Severity, claims: Sequence[Claim], explanation: str,
             ident: str, subject: str | None, metric: str | None,
             arithmetic: str | None = None, check: str = NAME) -> Finding:
    fk: FindingKind = kind  # type: ignore[assignment]
    return Finding(id=ident, kind=fk, severity=severity, subject=subject, metric=metric,
                   claims=tuple(sorted({c.id for c in claims})), explanation=explanation,
                   check=check, arithmetic=arithmetic)


def _listed(figures: Sequence[Figure]) -> set[tuple[str, str]]:
    """The (article, sentence) pairs that give two or more figures of one partition that
    disagree ("to forfeit $2.5 billion and pay a $1.8 billion fine", "the lander will cost
    $250 crore and the launch $365 crore more"): a list of parts or of different things,
    which the frame did not tell apart."""
    by_sentence: dict[tuple[str, str], list[Figure]] = defaultdict(list)
    for f in figures:
        if not f.claim.base and f.claim.modality in FACT_MODALITIES:
            # not "up from $6.7 billion" (the earlier level) nor "beating estimates of $11
            # billion" (another voice): those say what they are
            by_sentence[f.claim.doc_id, f.claim.sentence].append(f)
    return {where for where, found in by_sentence.items()
            if len(found) > 1 and _some_pair_disagrees(found)}


def _some_pair_disagrees(found: Sequence[Figure]) -> bool:
    """Whether two of ``found`` (one before the other) are apart and not of different
    periods. Figures with the same interval and period answer alike, so each kind is asked
    once (a sentence repeated 10,000 times in one article is 10,000 figures of one kind,
    not 50 million pairs): a kind with itself when it has two figures, a kind before
    another when its first figure comes before the other's last (the pairs in order)."""
    def disagree(x: Figure, y: Figure) -> bool:
        return not _overlap(x, y) and \
            period_agreement(x.claim.period_key, y.claim.period_key) != "different"

    kinds: dict[tuple[float, float, str | None], list[int]] = {}
    for k, f in enumerate(found):
        kinds.setdefault((f.low, f.high, f.claim.period_key), []).append(k)
    groups = list(kinds.values())
    if any(len(g) > 1 and disagree(found[g[0]], found[g[1]]) for g in groups):
        return True
    return any(a[0] < b[-1] and disagree(found[a[0]], found[b[0]])
               for a in groups for b in groups if a is not b)


def _partition_findings(figures: Sequence[Figure], ctx: _Context, ident: tuple[str, ...],
                        *, reason: str | None = None, check: str = NAME,
                        context: Sequence[Figure] = ()) -> list[Finding]:
    """The findings of one partition: figures of one subject, metric key, scope and unit.

    ``reason`` makes every disagreement a divergence at most, for that reason (a subject
    the article does not name); then only disagreements of the figures whose claims have
    no subject are reported, under ``check``."""
    # an article giving an amount in the common currency too ("S$1.3 billion (US$970
    # million)") is compared by that figure, not by the converted one
    native = {(f.claim.doc_id, f.claim.sentence) for f in figures if f.exchange is None}
    figures = [f for f in figures
               if f.exchange is None or (f.claim.doc_id, f.claim.sentence) not in native]
    groups = _groups(figures, ctx)
    n = len(groups)
    listed = _listed(figures)
    periods_by_doc: dict[str, set[str | None]] = defaultdict(set)
    for f in (*figures, *context):
        periods_by_doc[f.claim.doc_id].add(f.claim.period_key)
    bases = [g.head.keys.bases for g in groups]
    # an unqualified figure that agrees with a qualified one is known as that measure
    # (in this partition, or anywhere among the subject's figures of this metric and unit)
    implied: list[set[tuple[str, ...]]] = [set() for _ in groups]
    qualified = [(g.head, b) for g, b in zip(groups, bases, strict=True) if b]
    qualified += [(f, basis) for f in context
                  if (basis := f.keys.bases)]
    # a value other reports give with a scope these do not state ("$69 billion, including
    # debt"): an unscoped disagreement over it may be one of scope
    own = {q for f in figures for q in f.keys.parts}
    scoped = [(f, sorted(s)) for f in context if (s := f.keys.parts - own)]
    for i, gi in enumerate(groups):
        if bases[i]:
            continue
        for other, basis in qualified:
            if _overlap(gi.head, other) and period_agreement(
                    gi.head.claim.period_key, other.claim.period_key) != "different":
                implied[i].add(basis)
    parent = list(range(n))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    keys: dict[int, set[str | None]] = {k: {g.head.claim.period_key} for k, g in
                                        enumerate(groups)}
    inside: dict[int, set[int]] = {k: {k} for k in range(n)}  # a cluster's groups
    against: dict[int, set[int]] = defaultdict(set)  # the groups a cluster's groups dispute

    def join(x: int, y: int, *, bridge: bool = False) -> None:
        """Merge two value clusters, unless a period of one differs from one of the other
        (a figure without a period agrees with both, but does not make them one), or a
        figure of one disagrees with a figure of the other: a wide figure ("around 292",
        "up to 51.8") that only fits both sides of a disagreement does not make it one
        value. A ``bridge`` (an open bound) joins whatever the clusters hold."""
        rx, ry = find(x), find(y)
        if rx == ry or any(period_agreement(p, q) == "different"
                           for p in keys[rx] for q in keys[ry]) or \
                not bridge and not against[rx].isdisjoint(inside[ry]):
            return
        parent[rx] = ry
        keys[ry] |= keys.pop(rx)
        inside[ry] |= inside.pop(rx)
        against[ry] |= against.pop(rx, set())

    disagreements: dict[tuple[int, int], list[tuple[Verdict, Figure, Figure]]] = \
        defaultdict(list)
    agreeing: list[tuple[int, int]] = []
    budget = int(_threshold(ctx.rules, "max_pairs"))
    truncated = False
    hints: list[tuple[_Group, _Group, tuple[Figure, Figure]]] = []
    pairs: list[tuple[int, int, Verdict, Figure, Figure]] = []
    for i in range(n):
        for j in range(i + 1, n):
            if budget <= 0 and j > i + 1:
                truncated = True
                break  # a huge block: neighbours only (said in a note below)
            budget -= 1
            a, b = groups[i], groups[j]
            if a.head.compared != b.head.compared or (a.head.derived and b.head.derived):
                continue
            if a.head.exchange and b.head.exchange and \
                    a.head.exchange.source == b.head.exchange.source:
                continue  # one currency's figures: compared in that currency's block
            known_a = {bases[i]} if bases[i] else implied[i]
            known_b = {bases[j]} if bases[j] else implied[j]
            if known_a and known_b and not known_a & known_b:
                continue  # adjusted vs GAAP: two measures
            ambiguous = bases[i] != bases[j] or bool(known_a) != bool(known_b) or \
                len(known_a | known_b) > 1
            cross = _cross(a, b)
            if cross is None:
                same = _overlap(a.head, b.head) and period_agreement(
                    a.head.claim.period_key, b.head.claim.period_key) != "different"
                if same and a.head.claim.modality not in IGNORED_MODALITIES and \
                        b.head.claim.modality not in IGNORED_MODALITIES:
                    agreeing.append((i, j))  # one article's figures that agree
                elif reason is None and not (a.head.exchange or b.head.exchange):
                    apart = _apart(a, b, ctx.window)
                    if apart is not None and period_agreement(
                            a.head.claim.period_key, b.head.claim.period_key) != "different" \
                            and verdict(*apart, ctx, ambiguous_basis=False).kind in (
                                "contradiction", "divergence"):
                        hints.append((a, b, apart))
                continue
            result = _through_exchange(
                verdict(cross[0], cross[1], ctx, ambiguous_basis=ambiguous,
                        periods_by_doc=periods_by_doc), *cross, ctx)
            if result.kind == "contradiction" and \
                    any((f.claim.doc_id, f.claim.sentence) in listed for f in cross):
                result = Verdict("divergence", [
                    "one article gives several different figures of this measure in one "
                    "sentence (parts of a whole, or figures of different things)"])
            if result.kind == "update" or result.kind == "divergence" and \
                    _sources_of(cross[0].claim, cross[1].claim):
                result, cross = _strongest_cross(a, b, result, cross, ctx, ambiguous,
                                                 periods_by_doc)
            if result.kind == "contradiction":
                stated = next((scope for f, scope in scoped
                               if _overlap(f, a.head) or _overlap(f, b.head)), None)
                if stated:
                    result = Verdict("divergence", [
                        f"another report gives one of them as {' '.join(stated)}, a scope "
                        "neither of these states"])
            if reason is not None and result.kind in ("contradiction", "divergence"):
                if _ratio(*cross) >= ctx.far and not _one_written_period(*cross):
                    continue  # figures of no one named, this far apart: two things (unless
                    # both write the one period: "sales of $1bn in 2023" vs "$5bn in 2023")
                result = Verdict("divergence", [*result.reasons, reason])
            if result.kind == "agree":
                agreeing.append((i, j))
            elif result.kind != "none":
                pairs.append((i, j, result, cross[0], cross[1]))
    for i, j, result, fa, fb in pairs:
        if result.kind in _DISPUTES and not _overlap(_as_rounded(fa), _as_rounded(fb)):
            against[i].add(j)
            against[j].add(i)
    # the closest agreeing values first: a wide figure joins the side it is nearer to; a
    # bound open on one side ("more than £40 billion", "as much as $52 billion") last and
    # whatever its clusters hold: the values past a floor or under a ceiling are as often
    # moments of a moving value (a valuation before and after a listing) as one value
    # misreported, and stay one cluster
    order = sorted(agreeing, key=lambda p: (_spread(groups[p[0]].head, groups[p[1]].head), p))
    for i, j in order:
        if not (_open(groups[i].head) or _open(groups[j].head)):
            join(i, j)
    for i, j in order:
        if _open(groups[i].head) or _open(groups[j].head):
            join(i, j, bridge=True)
    for i, j, result, fa, fb in pairs:
        ri, rj = find(i), find(j)
        if ri == rj and result.kind != "moved":
            continue
        disagreements[(min(ri, rj), max(ri, rj))].append((result, fa, fb))
    members: dict[int, list[_Group]] = defaultdict(list)
    for k in range(n):
        members[find(k)].append(groups[k])
    findings: list[Finding] = [_scope_hint(a, b, pair, ident) for a, b, pair in hints]
    if truncated:
        findings.append(_pairs_note(groups, ident, budget=int(_threshold(ctx.rules,
                                                                         "max_pairs"))))
    support: dict[int, int] = {}  # read only for a disagreement (most partitions have none)
    periods: dict[int, str | None] = {}
    if disagreements:
        support = {root: independent_sources([c for g in cluster for c in g.claims])
                   for root, cluster in members.items()}
        periods = {root: cluster[0].head.claim.period_key for root, cluster in members.items()}

    def consensus(period: str | None) -> int:
        """The most sources any value of ``period`` has: a value most reports give for
        another period ("412 seats" now) says nothing of one period ("203 seats" in 2019)."""
        return max((n for root, n in support.items() if periods[root] == period or
                    period_agreement(periods[root], period) in ("same", "compatible")),
                   default=0)
    sides: dict[int, dict[str, list[str | None]]] = {}  # each cluster's, once
    by_id: dict[str, Finding] = {}
    for (ri, rj), found in sorted(disagreements.items()):
        for root in (ri, rj):
            if root not in sides:
                sides[root] = _side(members[root], context)
        both = _both_sides(sides[ri], sides[rj])
        if len(both) >= ctx.side_by_side:
            continue  # several articles give both figures side by side: two measures
        if _truncated(members[ri], members[rj]):
            continue  # "7.8%" and "7.9%" of one 7.87%: cut short and rounded, one value
        if max(support[ri], support[rj]) < consensus(periods[ri]):
            found = [(Verdict("divergence", [*v.reasons, "neither figure is the one most "
                                             "reports give"]), fa, fb)
                     if v.kind == "contradiction" else (v, fa, fb) for v, fa, fb in found]
        if reason is not None and not any(
                c.subject is None for g in (*members[ri], *members[rj]) for c in g.claims):
            continue
        made = _disagreement(members[ri], members[rj], found, ctx, ident, check=check,
                             sources=(support[ri], support[rj]))
        prior = by_id.get(made.id)
        if prior is None or _weight(made) > _weight(prior):
            # two clusters of the same reference values (one with a period, one without)
            # make one id: the finding of the stronger verdict and more mentions stands
            by_id[made.id] = made
    findings.extend(by_id.values())
    if reason is not None:
        return findings
    for root in sorted(members):
        cluster = members[root]
        signatures = {g.head.signature for g in cluster}
        docs = {d for g in cluster for d in g.docs}
        if len(signatures) > 1 and len(cluster) > 1 and len(docs) >= 2:
            findings.append(_reconciled(cluster, ident))  # one article's: arithmetic.v1
    return findings


_DISPUTES = ("contradiction",)  # verdicts that keep two values apart


def _as_rounded(f: Figure) -> Figure:
    """``f`` read as a round figure may be meant: a whole number written with trailing
    zeros ("$70 billion", "1,500 jobs") as rounded to its last non-zero digit (65 to 75
    billion), which a writer rounding $68.7 billion writes as readily as "$69 billion"."""
    q = f.claim.quantity
    match = _NUMBER.search(f.claim.span.text)
    if q.bound != "exact" or match is None or match.group(1) is not None or \
            not math.isfinite(f.ref) or f.ref == 0:
        return f
    digits = match.group(0).replace(",", "")
    zeros = len(digits) - len(digits.rstrip("0"))
    if not zeros or zeros == len(digits):
        return f
    rel = 0.5 * 10 ** zeros / float(digits)
    return replace(f, low=min(f.low, f.ref - rel * abs(f.ref)),
                   high=max(f.high, f.ref + rel * abs(f.ref)))


def _weight(f: Finding) -> tuple[int, int]:
    return _STRENGTH.get(f.kind, 0), len(f.claims)


def _open(f: Figure) -> bool:
    """A bound open on one side: "more than 40", "up to 52" (from zero)."""
    return math.isinf(f.low) or math.isinf(f.high) or f.low == 0 or f.high == 0


def _spread(a: Figure, b: Figure) -> float:
    """How far apart two agreeing figures' written values are, relative to the larger."""
    top = max(abs(a.ref), abs(b.ref))
    return abs(a.ref - b.ref) / top if top and math.isfinite(top) else 0.0


def _truncated(left: Sequence[_Group], right: Sequence[_Group]) -> bool:
    """Whether two value clusters are one value written at one precision, cut short by one
    report and rounded by another: the other cluster of a shorter exact figure ("7.8%") has
    a figure of as many digits ("7.9%") and a more precise one ("7.87%") that lies in what
    the shorter one reads as when its last digit is cut (7.8 up to 7.9) as well as rounded.
    Writers often cut a figure short; without both, the two stay a disagreement ("13%"
    against a report's "13.8%" alone is a changed number)."""
    for shorter, other in ((left, right), (right, left)):
        for group in shorter:
            a = group.head
            if a.claim.quantity.bound != "exact" or a.low == a.high or \
                    not (math.isfinite(a.low) and math.isfinite(a.high)):
                continue
            step = a.high - a.low  # a unit of its last written digit
            cut = replace(a, low=a.ref - step, high=a.high) if a.ref < 0 else \
                replace(a, low=a.low, high=a.ref + step)
            figures = [f for g in other for f in g.figures]
            digits = _digits(a.claim)
            if any(_digits(f.claim) == digits for f in figures) and \
                    any(_digits(f.claim) > digits and _overlap(cut, f) for f in figures):
                return True
    return False


def _side(groups: Sequence[_Group], context: Sequence[Figure]) -> dict[str, list[str | None]]:
    """The articles that give a value of one cluster, each with the periods it gives it
    for: of the partition's own figures, and of ``context`` (every figure of the subject and
    metric, a segment's included)."""
    side: dict[str, list[str | None]] = defaultdict(list)
    for g in groups:
        for f in g.figures:
            side[f.claim.doc_id].append(f.claim.period_key)
    # a bound open on one side ("more than $1 billion") fits every figure past it: an
    # article's figure there is no value of this cluster
    heads = [g.head for g in groups if not _open(g.head)] or [g.head for g in groups]
    # only a figure reaching into the clusters' span can overlap one of them
    low, high = min(h.low for h in heads), max(h.high for h in heads)
    if math.isnan(low) or math.isnan(high):
        low, high = -INF, INF
    for f in context:
        if f.low <= high and low <= f.high and any(_overlap(f, h) for h in heads):
            side[f.claim.doc_id].append(f.claim.period_key)
    return side


def _both_sides(left: dict[str, list[str | None]], right: dict[str, list[str | None]]
                ) -> set[str]:
    """The articles that give a value of both clusters (two :func:`_side` answers), with
    any qualifiers."""
    # an article giving both for different periods ("$6.70 billion  $13.51 billion" in
    # two columns) is not giving them side by side
    return {d for d in left.keys() & right.keys()
            if any(period_agreement(p, q) != "different" for p in left[d] for q in right[d])}


def _disagreement(left: list[_Group], right: list[_Group],
                  found: list[tuple[Verdict, Figure, Figure]], ctx: _Context,
                  ident: tuple[str, ...], *, check: str = NAME,
                  sources: tuple[int, int] | None = None) -> Finding:
    """The finding of two value clusters that disagree; ``sources``: their independent
    sources when known."""
    def strength(item: tuple[Verdict, Figure, Figure]) -> tuple[int, int]:
        v, fa, fb = item
        kind = "divergence" if v.kind == "moved" else v.kind
        return (_STRENGTH.get(kind, 0), -len(v.reasons))

    best, fa, fb = max(found, key=strength)
    kind = "divergence" if best.kind == "moved" else best.kind
    if fa.ref > fb.ref:
        fa, fb = fb, fa
    left_ids = {c.id for g in left for c in g.claims}
    first, second = (left, right) if fa.claim.id in left_ids else (right, left)
    counts = (None, None) if sources is None else \
        sources if first is left else (sources[1], sources[0])
    # a side's figures as written in the common currency first, open bounds last (a
    # stable sort)
    side_a = [c for g in sorted(first, key=_shown_order) for c in g.claims]
    side_b = [c for g in sorted(second, key=_shown_order) for c in g.claims]
    ca, cb = fa.claim, fb.claim
    what = f"{ca.subject or cb.subject or '?'} {ca.metric_key}"
    if ca.qualifiers:
        what += f" ({', '.join(ca.qualifiers)})"
    both = f"{_describe(side_a, counts[0])} vs {_describe(side_b, counts[1])}"
    shown_a, shown_b = _as_written_rate(fa, fb, ctx.rules)
    compared = (f" Compared as {_compared_text(shown_a)} and {_compared_text(shown_b)}."
                if best.kind != "moved" else "")
    frames = f" Frames (subject, metric, period, how sure): {_frame_text(ca)}; {_frame_text(cb)}."
    if kind == "contradiction":
        ratio = _ratio(fa, fb)
        severity: Severity = "high" if ratio >= 1.5 or abs(fb.ref - fa.ref) >= \
            ctx.rules.checks.severity.get("high_gap", 0.5) * max(abs(fa.ref), abs(fb.ref)) \
            else "medium"
        explanation = (f"{what}: {both} are {gap_text(shown_a, shown_b)}.{compared} Subject, "
                       f"metric and period match, and both are stated as facts.{frames}")
    elif best.kind == "moved":
        severity = "medium"
        explanation = f"{what}: {both}: {best.reasons[0]}.{frames}"
    else:
        severity = "low" if kind == "update" else "medium" \
            if not any("projection" in r for r in best.reasons) else "low"
        label = "an update rather than a contradiction" if kind == "update" else \
            "a divergence, not a contradiction"
        explanation = (f"{what}: {both} are {gap_text(shown_a, shown_b)}, {label}: "
                       f"{'; '.join(best.reasons)}.{compared}{frames}")
    refs = sorted([_cluster_ref(left), _cluster_ref(right)], key=float)
    subject = ca.subject or cb.subject
    steps = list(dict.fromkeys(step for f in (fa, fb) if (step := _conversion(f))))
    return _finding(kind, severity, [*side_a, *side_b], explanation,
                    _finding_id(kind, [*ident, *refs], check=check), subject, ca.metric_key,
                    arithmetic="; ".join(steps) or None, check=check)


def _as_written_rate(a: Figure, b: Figure, rules: Rules) -> tuple[Figure, Figure]:
    """Two figures of a rate both written per the same stretch of time ("$21 per hour", "$28
    an hour") as the explanation shows them: in that unit, not per year as the checks
    compare rates ($183,960 a year is no reading of an hourly wage). Other pairs as they
    are; the verdict does not change (a ratio and a share are the same in either unit)."""
    per = a.claim.quantity.per
    if not per or per != b.claim.quantity.per or a.derived or b.derived or \
            a.unit != b.unit or not a.unit.endswith(" / year"):
        return a, b
    try:
        factor = float(rules.registry.Quantity(1.0, f"1 / ({per})").to("1 / year").magnitude)
    except (pint.errors.PintError, ValueError, TypeError, ZeroDivisionError):
        return a, b
    if not math.isfinite(factor) or factor <= 0:
        return a, b
    unit = f"{a.unit.removesuffix(' / year')} / {per}"

    def shown(f: Figure) -> Figure:
        return replace(f, low=f.low / factor, high=f.high / factor, ref=f.ref / factor,
                       unit=unit)

    return shown(a), shown(b)


def _shown_order(group: _Group) -> tuple[bool, bool]:
    return _converted(group), _open(group.head)


def _converted(group: _Group) -> bool:
    return group.head.exchange is not None


def _scope_hint(a: _Group, b: _Group, pair: tuple[Figure, Figure], ident: tuple[str, ...]
                ) -> Finding:
    """One article giving two figures of one frame far apart in its own voice: most likely
    two things the frame does not tell apart, an informational ``scope`` finding."""
    fa, fb = sorted(pair, key=lambda f: f.ref)
    c = fa.claim
    return _finding(
        "scope", "info", [*a.claims, *b.claims],
        f"{c.subject} {c.metric_key}: one article gives both {_describe(a.claims)} and "
        f"{_describe(b.claims)} in different places and in its own voice, so they most "
        "likely describe different things (check what each counts) rather than contradict "
        "each other.",
        _finding_id("scope", [*ident, f"{fa.ref:.4g}", f"{fb.ref:.4g}", c.doc_id]),
        c.subject, c.metric_key)


def _pairs_note(groups: Sequence[_Group], ident: tuple[str, ...], *, budget: int
                ) -> Finding:
    """The note of a partition with more pairs of values than ``max_pairs``."""
    c = groups[0].head.claim
    return _finding(
        "scope", "info", [groups[0].head.claim, groups[-1].head.claim],
        f"{c.subject or 'an unnamed organisation'} {c.metric_key}: {len(groups):,} different "
        f"values from {len({d for g in groups for d in g.docs}):,} document(s), "
        f"{_describe(groups[0].claims)} to {_describe(groups[-1].claims)}; past the limit of "
        f'{budget:,} pairs (the setting "max_pairs" in rules/checks.yaml) each value was '
        "compared with its neighbours in value order only, so a disagreement between "
        "far-apart values of this measure may be missing.",
        _finding_id("scope", [*ident, "max_pairs"]), c.subject, c.metric_key)


def _withhold_tables(figures: Sequence[Figure], ctx: _Context, key: tuple[str, str],
                     partition_of: Callable[[Figure], tuple[str, ...]],
                     ) -> tuple[list[Figure], list[Finding]]:
    """``figures`` without those of an article that gives more than ``max_article_values``
    distinct values for one partition, and one note for each such article and partition."""
    limit = int(_threshold(ctx.rules, "max_article_values"))
    values: dict[tuple[tuple[str, ...], str], set[tuple[object, ...]]] = defaultdict(set)
    for f in figures:
        values[(partition_of(f), f.claim.doc_id)].add(f.group)
    over = {k for k, found in values.items() if len(found) > limit}
    if not over:
        return list(figures), []
    kept: list[Figure] = []
    withheld: dict[tuple[tuple[str, ...], str], list[Figure]] = defaultdict(list)
    for f in figures:
        where = (partition_of(f), f.claim.doc_id)
        (withheld[where] if where in over else kept).append(f)
    notes = []
    for (partition, doc), held in sorted(withheld.items()):
        held.sort(key=lambda f: (f.ref, f.claim.span.start))
        low, high = held[0].claim, held[-1].claim
        notes.append(_finding(
            "scope", "info", [low, high],
            f"{low.subject or 'an unnamed organisation'} {key[0]}: one article gives "
            f"{len(values[(partition, doc)]):,} different values ({len(held):,} mentions, "
            f'"{figure_words(low)}" to "{figure_words(high)}"), more than the '
            f"{limit:,} one article may give for one measure (the setting "
            '"max_article_values" in rules/checks.yaml): a table or list of figures the '
            "frames do not tell apart, so none of them was compared with anything.",
            _finding_id("scope", [*partition, *key, "max_article_values", doc]),
            low.subject, key[0]))
    return kept, notes


def _reconciled(cluster: list[_Group], ident: tuple[str, ...]) -> Finding:
    cluster = sorted(cluster, key=lambda g: (g.head.ref, g.head.claim.id))
    head = cluster[0].head
    c = head.claim
    figures = ", ".join(_describe(g.claims) for g in cluster[:-1]) + \
        f" and {_describe(cluster[-1].claims)}"
    steps = list(dict.fromkeys(s for g in cluster if (s := _conversion(g.head))))
    return _finding("reconciled", "info", [cl for g in cluster for cl in g.claims],
                    f"{c.subject} {c.metric_key}: {figures} look different but agree after "
                    f"normalization to {unit_words(head.unit)}.",
                    _finding_id("reconciled", [*ident, _cluster_ref(cluster)]), c.subject,
                    c.metric_key, arithmetic="; ".join(steps) or None)


def _conversion(f: Figure) -> str | None:
    """The arithmetic that turns a figure as written into its normalized one, if any: a
    rate's, then a conversion to the common currency's."""
    steps = [_rate_step(f), f.exchange.text if f.exchange and f.exchange.text else None]
    return "; ".join(step for step in steps if step) or None


def _rate_step(f: Figure) -> str | None:
    q = f.claim.quantity
    ref, unit = (f.ref / f.exchange.rate, f.exchange.unit) if f.exchange else (f.ref, f.unit)
    if q.value is None or not math.isfinite(q.value) or not q.value:
        return None
    if f.derived and q.over and ref:
        years = q.value / ref
        return (f"{format_amount(q.value, q.unit)} over {q.over} ÷ {format_number(years)} "
                f"= {format_amount(ref, unit)}")
    if q.per:
        factor = ref / q.value
        if factor == 1:
            return None
        return (f"{format_amount(q.value, f'{q.unit} / {q.per}')} × {format_number(factor)} "
                f"= {format_amount(ref, unit)}")
    return None


def block_records(block: Sequence[Figure | Beside], rules: Rules
                  ) -> Iterator[tuple[str, Finding]]:
    """The records of ``interval_consistency.v2`` in one block: subjects clustered, each
    (subject cluster, scope) partition compared on its own; in a letter's block of the
    comparisons with unnamed figures, only those (see :func:`blocks_of`)."""
    ctx = _shared_context(rules)
    if not block:
        return
    # a letter's block of the comparisons with unnamed figures: named figures Beside them
    first = block[0]  # (a block's members are all of one kind: see blocks_of)
    with_unnamed = isinstance(first, Beside) or (first.claim.subject is None and
                                                 not first.unnamed_block)
    members = [m.figure if isinstance(m, Beside) else m for m in block]
    key = (members[0].claim.metric_key or "", members[0].compared)
    unconverted = [f for f in members if f.unconverted and f.claim.subject is not None]
    members = [f for f in members if not f.unconverted]
    anonymous = [f for f in members if f.claim.subject is None]
    named = [f for f in members if f.claim.subject is not None]
    if with_unnamed and not (anonymous and named):
        return  # no unnamed figure, or no named one, to compare
    keys = {f.keys.subject for f in [*named, *unconverted]}
    cluster = subject_clusters(keys, ctx.kinds)
    named, notes = _withhold_tables(
        named, ctx, key, lambda f: (cluster[f.keys.subject], *f.keys.scope))
    anonymous, unnamed_notes = _withhold_tables(
        anonymous, ctx, key, lambda f: ("?", *f.keys.scope))
    if anonymous and anonymous[0].unnamed_block:  # noted once, in the block of the unnamed
        notes += unnamed_notes
    partitions: dict[tuple[str, tuple[str, ...]], list[Figure]] = defaultdict(list)
    by_subject: dict[str, list[Figure]] = defaultdict(list)
    for f in named:
        subject = cluster[f.keys.subject]
        partitions[(subject, f.keys.scope)].append(f)
        by_subject[subject].append(f)
    if with_unnamed:  # the named figures' own findings are their block's
        if anonymous:
            yield from _unnamed_findings(anonymous, named, by_subject, key, ctx)
        return
    for note in notes:
        yield SET, note
    for (subject, scope), figures in sorted(partitions.items()):
        ident = (subject, key[0], ",".join(scope), key[1])
        for finding in _partition_findings(figures, ctx, ident, context=by_subject[subject]):
            yield SET, finding
    if anonymous:
        yield from _unnamed_findings(anonymous, named, by_subject, key, ctx)
    if unconverted:
        yield from _not_compared(unconverted, named, cluster, key, ctx)


def _not_compared(unconverted: Sequence[Figure], named: Sequence[Figure],
                  cluster: dict[str, str], key: tuple[str, str], ctx: _Context
                  ) -> Iterator[tuple[str, Finding]]:
    """Figures in a currency that cannot be converted (no rates for it, or none for its
    year) that another article's figure of the same subject, metric, scope and period gives
    in another currency: an informational ``not_compared`` finding per (subject, scope,
    currency, period) of those figures, with the reason, so that no comparison is dropped
    silently."""
    partitions: dict[tuple[str, tuple[str, ...], str, str], list[Figure]] = defaultdict(list)
    for f in unconverted:
        assert f.exchange is not None
        subject = cluster[f.keys.subject]
        partitions[(subject, f.keys.scope, f.exchange.source,
                    f.claim.period_key or "")].append(f)
    for (subject, scope, source, period), stranded in sorted(partitions.items()):
        others = [g for g in [*named, *unconverted]
                  if cluster[g.keys.subject] == subject and
                  g.keys.scope == scope and any(_meets(f, g) for f in stranded)]
        if not others:
            continue
        stranded = [f for f in stranded if any(_meets(f, g) for g in others)]
        c = stranded[0].claim
        assert stranded[0].exchange is not None
        mine = ", ".join(dict.fromkeys(f'"{figure_words(f.claim)}"' for f in stranded))
        theirs = ", ".join(sorted({f'"{figure_words(g.claim)}"' for g in others}))
        ident = (subject, key[0], ",".join(scope), key[1], source, period,
                 *sorted({f"{f.ref:.4g}" for f in stranded}))
        yield SET, _finding(
            "not_compared", "info", [f.claim for f in (*stranded, *others)],
            f"{c.subject} {c.metric_key}: {mine} is not compared with {theirs} (other "
            f"reports' figures in other currencies): {stranded[0].exchange.reason}.",
            _finding_id("not_compared", ident), c.subject, c.metric_key)


def _meets(f: Figure, g: Figure) -> bool:
    """Whether an unconverted figure ``f`` would have been compared with ``g``: another
    article's, in another currency, for an agreeing period."""
    assert f.exchange is not None
    return f.claim.doc_id != g.claim.doc_id and \
        (g.exchange.source if g.exchange else None) != f.exchange.source and \
        period_agreement(f.claim.period_key, g.claim.period_key) != "different"


def _unnamed_findings(anonymous: Sequence[Figure], named: Sequence[Figure],
                      by_subject: dict[str, list[Figure]], key: tuple[str, str],
                      ctx: _Context) -> Iterator[tuple[str, Finding]]:
    """Figures of an organisation its article never names ("The company is raising its
    dividend to $0.15 per share"): compared with the figures of the one subject the block
    holds, or (in the block of the unnamed, where no report names one) with each other; a
    divergence at most. A block sees the subjects of one letter: in a corpus about
    several companies the unnamed figure meets each letter's alone (the story clusters and
    a summary with its source have one)."""
    if anonymous[0].unnamed_block:  # the block of the unnamed: compared with each other
        named = []
    elif not named:
        return
    if named:
        # the subjects with a figure the unnamed one could be the same fact as: of its scope
        # and a period that does not differ (a segment's or another year's figure of a
        # second company leaves the one company the unnamed figure can be about)
        # the unnamed figures' periods by scope (each pair of periods agrees or not alone:
        # a block of many unnamed figures has few distinct ones)
        periods: dict[tuple[str, ...], set[str | None]] = defaultdict(set)
        for a in anonymous:
            periods[a.keys.scope].add(a.claim.period_key)

        def meets(f: Figure, *, period: bool) -> bool:
            theirs = periods.get(f.keys.scope)
            if not theirs:
                return False
            return not period or any(
                period_agreement(f.claim.period_key, p) != "different" for p in theirs)

        comparable = {subject: figures for subject, figures in by_subject.items()
                      if any(meets(f, period=True) for f in figures)} or \
            {subject: figures for subject, figures in by_subject.items()
             if any(meets(f, period=False) for f in figures)}  # a figure moved to another period
        if len(comparable) != 1:
            return  # several subjects: the unnamed one could be any
        top, chosen = next(iter(comparable.items()))
        only = "the one subject" if len(by_subject) == 1 else \
            "the one subject of its scope and period"
        reason = (f"the article names no subject; compared with {chosen[0].claim.subject}"
                  f", {only} the other reports of this metric are about")
    else:
        top, chosen = "", []
        reason = "neither article names whose figure it is"
    partitions: dict[tuple[str, ...], list[Figure]] = defaultdict(list)
    for f in [*anonymous, *chosen]:
        partitions[f.keys.scope].append(f)
    for scope, figures in sorted(partitions.items()):
        ident = ("?", top, key[0], ",".join(scope), key[1])
        for finding in _partition_findings(figures, ctx, ident, reason=reason,
                                           context=[*anonymous, *chosen]):
            yield SET, finding


@register(NAME, blocks=blocks_of, per_block=block_records)
def interval_consistency_v2(claims: Sequence[Claim], rules: Rules) -> list[Finding]:
    """Contradictions, divergences, updates and reconciled sets under the precision-first
    policy (see the module docstring)."""
    return replay(check_records(CHECKS[NAME], claims, rules))
