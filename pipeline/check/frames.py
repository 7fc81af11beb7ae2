"""Frame matching for the checks: when two claims are about the same subject, metric and
period (issue 17).

- **Subjects** are compared by :func:`pipeline.extract.names.name_key` ("Nvidia Corp." = "Nvidia");
  inside one block of comparable claims, keys that contain one another or spell one another
  out ("Mistral" / "Mistral AI", "IBM") join one cluster, unless a short key would join two
  clusters that do not relate ("Capital" in "Capital One" and "Capital Group"). Entities the
  rules merge into another (``merged_into``) stay themselves: a merger is a scope question.
- **Metric keys** must be equal; qualifiers other than measurement bases must be equal too
  ("data center" revenue is not revenue). A figure without a basis ("EPS") where another has
  one ("adjusted EPS") is ambiguous: the pair can diverge, never contradict.
- **Periods** (:func:`period_agreement`): the same key; a quarter whose year one side does not
  write, or a fiscal and a calendar year one apart, are ``compatible``; a missing period is
  ``unknown``; anything else is ``different``.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from typing import Literal

from pipeline.extract.names import name_key, related
from pipeline.models import Claim
from pipeline.rules import Rules

Agreement = Literal["same", "compatible", "unknown", "different"]
_KEY = re.compile(r"^(FY)?(\d{4}|\?)(?:-(Q|H)([1-4]))?$")


def subject_key(claim: Claim, rules: Rules) -> str:
    """The comparison key of a claim's subject (``""`` when it has none)."""
    if not claim.subject:
        return ""
    return name_key(claim.subject, rules.entities.name_suffixes) or claim.subject.lower()


def subject_block(key: str) -> str:
    """The part of a subject key that blocks it: the first letter or digit of its last word
    ("_" for any other character), which a name shares with its trailing words ("zhao" /
    "changpeng zhao", "macron" / "emmanuel macron", "coromandel express" / "shalimar chennai
    coromandel express"), the way :func:`pipeline.extract.names.related` relates names
    across articles. An acronym and its spelled-out name ("ibm" / "international business
    machines") fall in different blocks: inside one article they are one name already
    (``Entities``), across articles ``rules/entities.yaml`` aliases tell them."""
    words = key.split()
    first = words[-1][:1] if words else ""
    return first if first and (first.isascii() and first.isalnum()) else "_"


def subject_clusters(keys: Iterable[str], kinds: Collection[str] = ()) -> dict[str, str]:
    """Each key with the key of its cluster (see the module docstring); deterministic.
    ``kinds``: one-word names of a kind of body ("congress"), related to no longer name
    ending in them ("trinamool congress" is another body)."""
    ordered = sorted(set(keys), key=lambda k: (-len(k), k))
    cluster: dict[str, str] = {}
    heads: list[str] = []
    for key in ordered:
        matches = [h for h in heads if related(key, h) and (key == h or key not in kinds)]
        if len(matches) == 1:
            cluster[key] = matches[0]
        elif not matches:
            cluster[key] = key
            heads.append(key)
        else:
            cluster[key] = key  # relates to two clusters: ambiguous, on its own
    return cluster


def split_qualifiers(claim: Claim, basis: frozenset[str]) -> tuple[tuple[str, ...],
                                                                   tuple[str, ...]]:
    """(scope qualifiers, basis qualifiers) of a claim."""
    scope = tuple(q for q in claim.qualifiers if q not in basis)
    bases = tuple(q for q in claim.qualifiers if q in basis)
    return scope, bases


def _parts(key: str) -> tuple[bool, str, str, str] | None:
    match = _KEY.match(key)
    if not match:
        return None
    fiscal, year, kind, number = match.groups()
    return bool(fiscal), year, kind or "Y", number or ""


def period_agreement(a: str | None, b: str | None) -> Agreement:
    """Whether two period keys name the same period (see the module docstring)."""
    if a is None or b is None:
        return "unknown"
    if a == b:
        return "same"
    pa, pb = _parts(a), _parts(b)
    if pa is None or pb is None:
        return "different"
    (fa, ya, ka, na), (fb, yb, kb, nb) = pa, pb
    if (ka, na) != (kb, nb):
        return "different"
    if ya == "?" or yb == "?":
        return "compatible"
    if fa != fb and abs(int(ya) - int(yb)) <= 1:
        return "compatible"  # a fiscal year is named after the calendar year it ends in
    return "different"


def period_text(key: str | None) -> str:
    """A period key in words: "FY2024-Q2" -> "fiscal 2024 Q2", "?-Q2" -> "Q2"."""
    if key is None:
        return "no period stated"
    parts = _parts(key)
    if parts is None:
        return key.replace("/", "–")
    fiscal, year, kind, number = parts
    year_text = "" if year == "?" else (f"fiscal {year}" if fiscal else year)
    if kind == "Y":
        return year_text or key
    return f"{year_text} {kind}{number}".strip()
