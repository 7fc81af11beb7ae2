"""Entity names as keys: the same organisation written differently gets one key.

``"NVIDIA Corp."``, ``"Nvidia"`` and ``"Nvidia's"`` share the key ``"nvidia"``: case,
punctuation, a possessive, a leading "the" and trailing legal or generic designators (the
``name_suffixes`` of ``rules/entities.yaml``: Inc., Corp., Ltd, plc, Group...) do not make two
names. Containment ("Dortmund" ending "Borussia Dortmund") and acronyms ("IBM" for "International
Business Machines") relate two keys without making them equal: :func:`related` says whether
two keys may name one entity, and the callers decide in which context that is safe (inside one
article, or inside one block of comparable claims).
"""

from __future__ import annotations

import re
from collections.abc import Collection

_POSSESSIVE = re.compile(r"(?:'s|’s|'|’)(?=\s|$)")
_NOT_WORD = re.compile(r"[^\w\s]+")
# Words ignored when initials are read from a name ("Bank of America" -> "BA", "BOA").
_LINKS = frozenset({"of", "and", "the", "for", "de", "du", "la", "le", "der", "und", "&"})


def name_key(name: str, suffixes: Collection[str] = ()) -> str:
    """The comparison key of an entity name (see the module docstring); ``""`` for a name
    made only of designators."""
    text = _POSSESSIVE.sub("", name.replace("&", " and ").replace("+", " plus ")
                           .replace("’", "'"))
    words = _NOT_WORD.sub(" ", text.lower()).split()
    if words and words[0] == "the" and len(words) > 1:
        words = words[1:]
    while len(words) > 1 and words[-1] in suffixes:
        words = words[:-1]
    return " ".join(words)


def initials(key: str) -> str:
    """The initials of a multi-word key ("international business machines" -> "ibm")."""
    words = [w for w in key.split() if w not in _LINKS]
    return "".join(w[0] for w in words) if len(words) >= 2 else ""


def related(a: str, b: str) -> bool:
    """Whether two keys may name one entity: equal, one the other's trailing words
    ("dortmund" / "borussia dortmund", "musk" / "elon musk"), or its acronym ("ibm" /
    "international business machines"). Leading words are not enough: "disney" is not
    "disney plus", "apple" not "apple music" (designators such as "AI" or "Inc." are already
    out of the keys: "mistral ai" is "mistral"). Nor are trailing words after a link ("of",
    "for", "and", ...): "india" is not the "election commission of india", "america" not the
    "bank of america" (see :func:`tail_after_link`)."""
    if a == b:
        return True
    if len(a) < 3 or len(b) < 3:
        return False
    short, long = sorted((a, b), key=len)
    if " " not in short and short == initials(long):
        return True
    words, whole = short.split(), long.split()
    if len(words) >= len(whole) or len(short) < 4:
        return False
    return whole[-len(words):] == words and not tail_after_link(whole, len(words))


def tail_after_link(words: list[str], size: int) -> bool:
    """Whether the last ``size`` words of a name follow a link word ("election commission of
    india", "centers for disease control"): what the name is of or for, another entity (a
    place, a field), not the name's own trailing words ("borussia dortmund")."""
    return len(words) > size and words[-size - 1] in _LINKS
