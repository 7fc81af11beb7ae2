"""Metrics of claim frames: the closed metric class from ``rules/metrics.yaml`` (cue words
ranked by their distance to the figure in the dependency tree)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

import pint
from spacy.tokens import Span as SpacySpan
from spacy.tokens import Token

from pipeline.extract.cues import Cues
from pipeline.extract.tree import measured_of, span_distance
from pipeline.models import Quantity
from pipeline.rules import MetricRule, Rules

# --- metric ----------------------------------------------------------------------------------


def best_cue(sent: SpacySpan, root: Token, cues: Iterable[tuple[str, str]], find: Cues,
             events: frozenset[str] = frozenset(), particles: frozenset[str] = frozenset()
             ) -> tuple[tuple[int, int, int], str] | None:
    """The cue nearest the figure in the tree, and its metric; never a cue inside a phrase or
    clause of an ``events`` word off the figure's own words (:func:`_in_event`), nor the
    particle of a verb of ``particles`` ("made up 40%": no rise)."""
    best: tuple[tuple[int, int, int], str] | None = None
    below: set[int] | None = None
    text = find.lowered(sent)
    word = find.word
    for name, cue in cues:
        if word(cue) not in text:
            continue  # absent (the common case): no lookup
        for tokens in find.spans(sent, cue):
            if below is None:
                below = {t.i for t in root.subtree} | _in_phrase_after(root)
            if events and _in_event(tokens.root, root, events):
                continue
            if particles and len(tokens) == 1 and tokens.root.dep_ == "prt" and \
                    tokens.root.head.lower_ in particles:
                continue
            # a cue modifying the figure itself ("$4 billion in annual revenue") comes first
            distance = 0 if all(t.i in below for t in tokens) else span_distance(root, tokens)
            score = (distance, -len(cue), abs(tokens.start - root.i))
            if best is None or score < best[0]:
                best = (score, name)
    return best


def _in_event(cue: Token, root: Token, events: frozenset[str]) -> bool:
    """Whether a cue word sits in a phrase or clause that sets the figure against another
    event ("became worthless after the takeover", "before UBS bought it"): on the way up
    from the cue to the first word that governs the figure (or is it), a preposition of
    ``events``, or a clause marked by one."""
    above = {root.i, *(t.i for t in root.ancestors)}
    for t in [cue, *cue.ancestors]:
        if t.i in above:
            return False
        if t.lower_ in events and t.dep_ in ("prep", "mark"):
            return True
        if t.dep_ in ("advcl", "pcomp") and any(c.dep_ == "mark" and c.lower_ in events
                                                for c in t.children):
            return True
    return False


def _in_phrase_after(root: Token) -> set[int]:
    """The noun phrase of an "in" right after a figure ("earned $2.1 billion in profit",
    "$89.5 billion in revenue"): what the figure measures, wherever the parser hangs the
    preposition (often on the verb)."""
    doc = root.doc
    after = root.right_edge.i + 1
    if after >= len(doc) or doc[after].lower_ != "in" or doc[after].dep_ != "prep":
        return set()
    return {t.i for c in doc[after].children if c.dep_ == "pobj" for t in c.subtree}


_OTHER_CLAUSES = frozenset({"conj", "advcl", "ccomp", "parataxis", "relcl", "acl"})


def implied_money(sent: SpacySpan, root: Token, quantity: Quantity, currency: str | None,
                   registry: pint.UnitRegistry, rules: Rules, find: Cues
                   ) -> tuple[Quantity, str] | None:
    """A bare number with a money cue attached: "a billion a month loss" in a dollar article.

    Returns the quantity re-typed in the article's usual currency and its metric, when a
    money metric's cue sits within two dependency edges of the figure.
    """
    if currency is None or quantity.unit != "dimensionless" or quantity.currency:
        return None
    money = quantity.model_copy(update={"unit": currency, "currency": currency})
    dimension = find.dimension(registry, money)
    fitting = [(n, c) for n, r in rules.metrics.metrics.items()
               if dimension in find.dimensions[n] for c in r.cues]
    best = best_cue(sent, root, fitting, find, _events(rules, find))
    if best is None or best[0][0] > 2:
        return None
    return money, best[1]


def _events(rules: Rules, find: Cues) -> frozenset[str]:
    """The rules' ``event_prepositions`` in lower case, built once per rules."""
    return find.memo.table(f"event prepositions {id(rules.cues)}", frozenset, lambda: frozenset(
        w.lower() for w in rules.cues.event_prepositions))


def _particle_verbs(rules: Rules, find: Cues) -> frozenset[str]:
    """The rules' ``particle_verbs`` in lower case, built once per rules."""
    return find.memo.table(f"particle verbs {id(rules.cues)}", frozenset, lambda: frozenset(
        w.lower() for w in rules.cues.particle_verbs))


class _Fitting(NamedTuple):
    """The metrics a dimension fits, and their strong and weak cues as (metric, cue)."""

    metrics: tuple[tuple[str, MetricRule], ...]
    strong: tuple[tuple[str, str], ...]
    weak: tuple[tuple[str, str], ...]
    strong_words: tuple[str, ...]  # each cue in lower case (Cues.word)
    weak_words: tuple[str, ...]


def _fitting(dimension: str, rules: Rules, find: Cues) -> _Fitting:
    """The metrics fitting ``dimension``, built once per dimension and rules (a few hundred
    cues: every figure used to walk them all)."""
    def build() -> _Fitting:
        fitting = tuple((name, rule) for name, rule in rules.metrics.metrics.items()
                        if dimension in find.dimensions[name])
        strong = tuple((n, c) for n, r in fitting for c in r.cues)
        weak = tuple((n, c) for n, r in fitting for c in r.weak_cues)
        return _Fitting(fitting, strong, weak, tuple(find.word(c) for _, c in strong),
                        tuple(find.word(c) for _, c in weak))

    return find.memo.table(f"metric cues {id(rules.metrics)} {dimension}", _Fitting, build)


def _present(sent: SpacySpan, cues: tuple[tuple[str, str], ...], words: tuple[str, ...],
             find: Cues) -> list[tuple[str, str]]:
    """The ``(metric, cue)`` pairs whose cue word (``words``, in lower case) occurs in the
    sentence, in order: once per sentence and cue list (what :func:`best_cue` would skip,
    skipped once for all the sentence's figures)."""
    key = (f"metric cues {id(cues)} {sent.end}", sent.start)
    found = find.per_sentence.get(key)
    if not isinstance(found, tuple) or found[0] is not cues:
        text = find.lowered(sent)
        found = find.per_sentence[key] = (cues, [pair for pair, word in zip(
            cues, words, strict=True) if word in text])
    return found[1]  # type: ignore[no-any-return]


def metric_cue(sent: SpacySpan, root: Token, quantity: Quantity, dimension: str,
                rules: Rules, find: Cues) -> tuple[str, bool]:
    """The metric and whether a unit or strong cue decided it (``False``: weak or none)."""
    fitting = _fitting(dimension, rules, find)
    for name, rule in fitting.metrics:
        if quantity.unit in rule.units:
            return name, True
    events = _events(rules, find)
    particles = _particle_verbs(rules, find)
    strong = best_cue(sent, root, _present(sent, fitting.strong, fitting.strong_words, find),
                      find, events, particles)
    weak = best_cue(sent, root, _present(sent, fitting.weak, fitting.weak_words, find), find,
                    events, particles)
    if strong:
        # a cue outside the figure's clause ("Google has $102.88B in cash, ... a huge figure
        # for a fine") names the class, but does not decide it over the figure's own words
        if strong[0][0] == 0:
            return strong[1], True
        if dimension.startswith("currency") and measured_of(root) is not None:
            # "16 billion francs of bonds became worthless after the takeover": an amount
            # that says what it is of is decided only by a cue it hangs from ("bought ...
            # for $3 billion of stock"), not by one elsewhere in its clause
            return strong[1], _governs(sent, root, strong[1], fitting, find)
        return strong[1], _in_clause(sent, root, strong[1], fitting, find)
    return (weak[1] if weak else "unknown"), False


def _in_clause(sent: SpacySpan, root: Token, metric: str, fitting: _Fitting, find: Cues
               ) -> bool:
    """Whether a cue of ``metric`` is within the figure's reach: on the figure's clause or
    one above it, not inside another clause hanging from them ("Google has $102.88B in
    cash, ... but it is a huge figure for a fine": the cue's clause is a conjunct of the
    figure's)."""
    above = {root.i, *(t.i for t in root.ancestors)}
    for name, cue in _present(sent, fitting.strong, fitting.strong_words, find):
        if name != metric:
            continue
        for tokens in find.spans(sent, cue):
            if _reaches(tokens.root, above):
                return True
    return False


def _governs(sent: SpacySpan, root: Token, metric: str, fitting: _Fitting, find: Cues
             ) -> bool:
    """Whether a cue of ``metric`` governs the figure: one of its words is an ancestor of the
    figure's root ("acquire Westmark for $3 billion of stock")."""
    above = {t.i for t in root.ancestors}
    return any(t.i in above
               for name, cue in _present(sent, fitting.strong, fitting.strong_words, find)
               if name == metric for tokens in find.spans(sent, cue) for t in tokens)


def _reaches(token: Token, above: set[int]) -> bool:
    """Whether the path up from a cue's token meets the figure's ancestors before it leaves
    a clause of its own (a verb heading a conjunct, subordinate or relative clause)."""
    for t in [token, *token.ancestors]:
        if t.i in above:
            return True
        if t.pos_ in ("VERB", "AUX") and t.dep_ in _OTHER_CLAUSES and not (
                t.head.i in above and t.head.pos_ in ("NOUN", "PROPN", "NUM")):
            return False  # (a clause on the figure's own noun describes it: "a $45 billion
            # deal for Halcon to use its data centers")
    return False


def target_metric(dimension: str, rules: Rules) -> str | None:
    """The metric a payment for a named company is ("pay $35 billion for Ansys")."""
    return next((name for name, rule in rules.metrics.metrics.items()
                 if rule.subject == "target" and dimension in rule.dimensions()), None)

