"""Words for people: how figures, intervals, gaps and the pipeline's own names read in the
text a user sees (finding explanations, the report pages, ``claims review``).

Light on purpose (models, units and the rules' loader only): the checks word their
explanations with it, the writers their pages.

- :func:`user_words` / :func:`name_words`: the pipeline's own names (``GPU_equivalent``,
  ``fiscal_quarter``, ``revenue_run_rate``) in the words of ``rules/words.yaml``;
- :func:`figure_words` / :func:`garbled_original`: a figure as the reader should quote it
  (the repaired words, ``$10 billion``) and the original beside it only when the article's
  text really was garbled there (``10billion``), not when a repair only restored a lost
  currency sign (``60 billion``);
- :func:`gap_words`: how far apart two figures are (percentage points for two
  percentages, a ratio from 1.5× up, else the difference and its share);
- :func:`interval_words`: the interval a figure was compared as, and why it is that wide
  (written precision, a hedge word, a bound, a vague amount).
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.models import Claim
from pipeline.units import CURRENCY_SIGNS, format_amount, format_number, format_ratio

if TYPE_CHECKING:
    from pipeline.rules import WordsFile

_CURRENCY_SIGNS = frozenset(CURRENCY_SIGNS.values())
_IDENTIFIER = re.compile(r"\b[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)+\b|\bUNKNOWN\b")
_QUOTED = re.compile(r'("[^"]*"|“[^”]*”)')
_SPACES = re.compile(r"\s+")

# --------------------------------------------------------------------------- names


@functools.cache
def _words_file(root: str | None) -> WordsFile | None:
    """``words.yaml`` of the rules folder ``root`` (None: the built-in rules), read and
    validated once per process; None for a folder without the file."""
    from pipeline.rules import WordsFile, _load_yaml, _validate, find_rules_dir  # noqa: PLC0415

    path = Path(find_rules_dir(root)) / "words.yaml"
    if not path.is_file():
        return None
    return _validate(path, WordsFile, _load_yaml(path))


def default_words(root: str | None = None) -> Mapping[str, str]:
    """The ``identifiers`` table of ``words.yaml`` in the rules folder ``root`` (None: the
    built-in rules). A folder without the file gives an empty table (names are then shown
    with spaces for underscores)."""
    words = _words_file(root)
    return {} if words is None else words.identifiers


def default_modalities(root: str | None = None) -> Mapping[str, str]:
    """The ``modalities`` table of ``words.yaml`` (see :func:`default_words`)."""
    words = _words_file(root)
    return {} if words is None else words.modalities


def name_words(name: str, table: Mapping[str, str] | None = None) -> str:
    """One of the pipeline's names (a metric, a unit, a period kind) in words:
    ``gpu_count`` -> ``gpu count``, ``GPU_equivalent`` -> ``GPU equivalents``."""
    words = default_words() if table is None else table
    found = words.get(name)
    return found if found is not None else name.replace("_", " ")


def modality_words(modality: str, table: Mapping[str, str] | None = None) -> str:
    """How sure a figure is, in words: ``asserted`` -> ``stated as fact``,
    ``projection`` -> ``a projection or estimate`` (``modalities`` of ``words.yaml``)."""
    words = default_modalities() if table is None else table
    return words.get(modality, modality.replace("_", " "))


def user_words(text: str, table: Mapping[str, str] | None = None) -> str:
    """``text`` with the pipeline's own names (``GPU_equivalent``, ``fiscal_quarter``) in
    the words of ``rules/words.yaml`` (others: underscores as spaces); quoted text kept."""
    if "_" not in text and "UNKNOWN" not in text:
        return text
    words = default_words() if table is None else table

    def word(match: re.Match[str]) -> str:
        name = match.group()
        return words.get(name, name.replace("_", " "))

    parts = _QUOTED.split(text)
    return "".join(part if i % 2 else _IDENTIFIER.sub(word, part)
                   for i, part in enumerate(parts))


def unit_words(text: str, table: Mapping[str, str] | None = None) -> str:
    """An amount as the report spells it (``≥ 1M GPU_equivalent``) with its unit in words
    (``≥ 1M GPU equivalents``); a unit alone reads ``USD per year`` for ``USD / year``."""
    return user_words(text, table).replace(" / ", " per ")


# --------------------------------------------------------------------------- figures


def _squeeze(text: str) -> tuple[str, list[int]]:
    keep = [i for i, ch in enumerate(text) if ch.isalnum()]
    return "".join(text[i] for i in keep).casefold(), keep


def squeezed_find(sentence: str, surface: str) -> tuple[int, int] | None:
    """Where ``surface`` is in ``sentence`` comparing letters and digits only (a repaired
    run reads ``$5 million a year`` where the article had ``5millionayear``), a currency
    sign before it included; None when it is not there."""
    needle = _squeeze(surface)[0]
    hay, where = _squeeze(sentence)
    at = hay.find(needle) if needle else -1
    if at < 0:
        return None
    start, end = where[at], where[at + len(needle) - 1] + 1
    while start > 0 and sentence[start - 1] in _CURRENCY_SIGNS:
        start -= 1
    return start, end


def figure_words(claim: Claim) -> str:
    """The figure as a reader should quote it: the article's words, or for a figure of
    repaired garbled text the repaired words (``$10 billion`` for ``10billion``)."""
    surface = claim.span.text
    if not claim.repaired:
        return surface
    at = squeezed_find(claim.sentence, surface)
    if at is None:
        return surface
    return claim.sentence[at[0]:at[1]]


def _plain(text: str) -> str:
    return _SPACES.sub(" ", "".join(ch for ch in text if ch not in _CURRENCY_SIGNS)).strip()


def garbled_original(original: str, shown: str) -> str | None:
    """The article's original text of a figure, to show beside the repaired words, or None
    when the two read alike but for spacing and a restored currency sign (``60 billion``
    shown as ``$60 billion`` was not garbled)."""
    if _plain(original) == _plain(shown):
        return None
    return original


# --------------------------------------------------------------------------- amounts


def _is_percent(unit: str) -> bool:
    return unit.split("/")[0].strip() == "percent"


def amount_words(value: float, unit: str) -> str:
    """An amount in the spelling of explanations, ``%`` for percent, units in words."""
    if _is_percent(unit):
        head, _, rest = unit.partition("/")
        tail = f"/{rest.strip().replace(' / ', '/')}" if rest.strip() else ""
        return f"{format_number(value)}%{tail}"
    return user_words(format_amount(value, unit))


def _digits_for(low: float, high: float) -> int:
    """Significant digits that show both ends of an interval apart and true to a tenth of
    its width (``$101.85M–$101.95M``, not ``$101.8M–$102M``); 4 at least."""
    width = abs(high - low)
    top = max(abs(low), abs(high))
    if not width or not top or not math.isfinite(width) or not math.isfinite(top):
        return 4
    need = math.floor(math.log10(top)) - math.floor(math.log10(width / 10)) + 1
    return max(4, min(need, 9))


def _precise(value: float, unit: str, digits: int) -> str:
    """:func:`amount_words` with ``digits`` significant digits instead of 4."""
    plain = amount_words(value, unit)
    if digits <= 4:
        return plain
    number = format_number(value)
    magnitude = abs(value)
    scaled = next(((value / scale, suffix) for scale, suffix in
                   ((1e12, "T"), (1e9, "B"), (1e6, "M")) if magnitude >= scale), None)
    if scaled is not None:
        better = f"{scaled[0]:,.{digits}g}{scaled[1]}"
    elif float(value).is_integer():
        better = f"{value:,.0f}"
    else:
        better = f"{value:,.{digits}g}"
    return plain.replace(number, better, 1)


def interval_text(low: float, high: float, unit: str) -> str:
    """An interval as explanations spell it: ``$5B–$150B``, ``at least $60B``, with the
    digits it needs (``$101.85M–$101.95M``)."""
    if math.isinf(high) and math.isinf(low):
        return "any value"
    if math.isinf(high):
        return "at least " + amount_words(low, unit)
    if math.isinf(low) or (low == 0 and high > 0):
        return "at most " + amount_words(high, unit)
    digits = _digits_for(low, high)
    a, b = _precise(low, unit, digits), _precise(high, unit, digits)
    return a if a == b else f"{a}–{b}"


def _share(x: float) -> str:
    """A fraction as a percentage with no more digits than it needs: 0.05 -> ``5%``."""
    pct = x * 100
    if abs(pct - round(pct)) < 0.05:
        return f"{round(pct):d}%"
    return f"{pct:.1f}%"


def gap_words(a_ref: float, b_ref: float, unit: str) -> str:
    """How far apart two figures are, by their reference points: two percentages in
    percentage points (``0.9 percentage points apart``, never a percentage of a
    percentage); from 1.5× up as a ratio (``10.09× apart``); closer as the difference with
    its share of the larger (``$1.9M (1.5%) apart``)."""
    x, y = abs(a_ref), abs(b_ref)
    diff = abs(a_ref - b_ref)
    if _is_percent(unit):
        points = format_number(float(f"{diff:.4g}"))
        word = "point" if points == "1" else "points"
        return f"{points} percentage {word} apart"
    small, large = min(x, y), max(x, y)
    if large == 0:
        return "equal"
    if small == 0:
        return "apart (one of them is zero)"
    ratio = large / small
    if ratio >= 1.5:
        return f"{format_ratio(ratio)}× apart"
    return f"{amount_words(diff, unit)} ({_share(diff / large)}) apart"


def interval_words(claim: Claim, low: float, high: float, ref: float, unit: str) -> str:
    """The interval a figure was compared as, with why it is that wide, in words:
    ``527,250–582,750 GPU ("roughly" allows 5% either way)``.

    ``low``/``high``/``ref`` are the compared interval and reference point in ``unit`` (the
    claim's normalized unit, or a rate or currency it was converted to: the widths are read
    relative to ``ref``)."""
    q, n = claim.quantity, claim.normalized
    text = interval_text(low, high, unit)
    hedge = f'"{q.hedge}"' if q.hedge else None
    if math.isinf(high) or q.bound == "at_least":
        why = f"{hedge} makes it a lower bound" if hedge else "a lower bound"
        return f"{text} ({why})"
    if math.isinf(low) or q.bound == "at_most":
        why = f"{hedge} makes it an upper bound" if hedge else "an upper bound"
        return f"{text} ({why})"
    if not ref:
        return text
    below, above = (ref - low) / abs(ref), (high - ref) / abs(ref)
    if q.bound == "vague" and n.low is not None and n.high is not None and n.low > 0:
        # the written range of a vague amount ("tens of thousands": 10,000-100,000),
        # scaled to the compared unit, then how far the comparison widened it
        mid = (n.low + n.high) / 2
        w_low, w_high = ref * n.low / mid, ref * n.high / mid
        widen = max(0.0, 1 - low / w_low) if w_low else 0.0
        why = f'"{claim.span.text.strip()}" is a vague amount, read as ' \
              f"{interval_text(w_low, w_high, unit)}"
        if widen > 0.005:
            why += f" and widened by {_share(widen)} either way"
        return f"{text} ({why})"
    if below <= 0 and above <= 0:
        return f"{text} (exact)"
    spread = f"{_share(below)} either way" if math.isclose(below, above, rel_tol=0.02) else \
        f"{_share(below)} below, {_share(above)} above"
    if q.hedge:
        return f"{text} ({hedge} allows {spread})"
    if q.bound == "range":
        return f"{text} (a range as written, each end to its last written digit)"
    half = (high - low) / 2
    return f"{text} (as precise as its last written digit: ±{amount_words(half, unit)})"
