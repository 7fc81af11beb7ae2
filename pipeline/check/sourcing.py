"""Sourcing: which claims are copies of each other, which agree, how many sources back them.

A syndicated article repeats another's sentence and figure: the checks count such copies once
when they say how many independent sources back a figure (:func:`independent_sources`), and
the claim graph links them (``same_as``) and the documents that agree on a figure
(``consistent_with``, :func:`agreeing_groups`). Pure functions over :class:`Claim`, on the
check side: importing them loads no writer.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from functools import lru_cache

from networkx.utils import UnionFind

from pipeline.models import Claim


def duplicate_key(claim: Claim) -> tuple[str, str]:
    """What makes two claims copies of each other: the same sentence and the same figure."""
    return _duplicate_key(claim.sentence, claim.span.text)


@lru_cache(maxsize=1 << 16)
def _duplicate_key(sentence: str, figure: str) -> tuple[str, str]:
    """(a claim's sentence and figure are asked again for every cluster it is counted in)"""
    return re.sub(r"\W+", " ", sentence.lower()).strip(), re.sub(r"\s+", " ", figure.strip())


def duplicate_groups(claims: Iterable[Claim]) -> list[list[Claim]]:
    """Claims that are copies of each other in more than one document, sorted by id."""
    grouped: dict[tuple[str, str], list[Claim]] = defaultdict(list)
    for claim in claims:
        grouped[duplicate_key(claim)].append(claim)
    return [sorted(g, key=lambda c: c.id) for _, g in sorted(grouped.items())
            if len({c.doc_id for c in g}) > 1]


def agreeing_groups(claims: Iterable[Claim]) -> list[list[Claim]]:
    """Asserted claims of one subject and metric with the same normalized figure, in more
    than one document and not mere copies of each other; one claim per document."""
    grouped: dict[tuple[object, ...], dict[str, Claim]] = defaultdict(dict)
    for claim in sorted(claims, key=lambda c: c.id):
        if claim.subject is None or claim.metric == "unknown" or \
                claim.modality not in ("asserted", "quoted"):
            continue
        n = claim.normalized
        if n.low is None and n.high is None:
            continue
        key = (claim.subject, claim.metric, n.unit, n.low, n.high)
        grouped[key].setdefault(claim.doc_id, claim)
    out = []
    for _, by_doc in sorted(grouped.items(), key=lambda kv: repr(kv[0])):
        members = sorted(by_doc.values(), key=lambda c: c.id)
        if len(members) > 1 and len({duplicate_key(c) for c in members}) > 1:
            out.append(members)
    return out


def independent_sources(claims: Iterable[Claim]) -> int:
    """How many documents back these claims, counting syndicated copies once.

    Two documents are one source for these claims when a claim of one is a copy (same
    sentence, same figure) of a claim of the other.
    """
    docs_of: dict[tuple[str, str], set[str]] = defaultdict(set)
    for claim in claims:
        docs_of[duplicate_key(claim)].add(claim.doc_id)
    docs = {d for found in docs_of.values() for d in found}
    if len(docs) < 2:
        return len(docs)
    sources = UnionFind(docs)
    for found in docs_of.values():
        if len(found) > 1:
            sources.union(*found)
    return len({sources[d] for d in docs})
