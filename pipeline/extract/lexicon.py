"""Tokens, and the rules the quantities stage reads compiled for fast matching.

:class:`Lexicon` is built once per run from the validated ``currencies.yaml`` and
``precision.yaml`` (``Lexicon.from_rules(rules)``) and handed to
:func:`pipeline.extract.quantities.extract_quantities`; it holds no state between documents.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any, NamedTuple

from pipeline.rules import CurrenciesFile, HedgeRule, PrecisionFile, Rules

# --------------------------------------------------------------------------------------
# Tokens
# --------------------------------------------------------------------------------------
_TOKEN = re.compile(
    r"(?P<num>\d+(?:,\d+)*(?:\.\d+)?|(?<![\w.])\.\d+)"
    r"|(?P<sym>[½⅓⅔¼¾⅕⅖⅗⅘⅙⅚⅛⅜⅝⅞]|[º⁰˚][CF]?(?![^\W\d_]))"
    r"|(?P<word>[^\W\d_]+(?:['’][^\W\d_]+)?)"
    r"|(?P<sym2>°[CF]|\S)"
)
_KINDS = {"num": "num", "word": "word", "sym": "sym", "sym2": "sym"}
# Digits with commas that are neither a grouped number nor a malformed one ("1,2,3", "in
# 2019,2020") are split again, the commas as separators.
_SPLIT = re.compile(r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?(?!\d)|\d+(?:\.\d+)?)|(?P<sym>,)")
_WESTERN = re.compile(r"\d{1,3}(?:,\d{3})*(?:\.\d+)?|\.\d+")
_INDIAN = re.compile(r"\d{1,2}(?:,\d{2})+,\d{3}(?:\.\d+)?")
# One comma before one or two digits ("1,3", "12,5"): never two numbers. Before a scale word
# it is a decimal comma ("$1,3 billion" is 1.3 billion); elsewhere a garbled figure.
_DECIMAL_COMMA = re.compile(r"\d{1,3},\d{1,2}")
_MALFORMED = re.compile(r"\d+(?:,\d+)*,\d{4,}(?:,\d+)*(?:\.\d+)?|\d{4,},\d{3}(?:,\d+)*(?:\.\d+)?")


class Tok(NamedTuple):  # a tuple: a document has thousands of tokens to build
    kind: str  # num, word, sym
    text: str
    start: int
    end: int
    low: str


def tokenize(text: str) -> list[Tok]:
    """Numbers (with their digit-group separators), words and single symbols, with their
    offsets. A malformed grouping that still reads as one figure ("55,5000": a group of
    four digits) stays one token, for the parser to flag."""
    new, kinds = tuple.__new__, _KINDS  # Tok's own __new__ is a Python function: a third
    # of the time of building the tuples of every token of every document
    toks = [new(Tok, (kinds[m.lastgroup or "sym"], (word := m.group()), m.start(), m.end(),
                      word.lower())) for m in _TOKEN.finditer(text)]
    if "," not in text:
        return toks
    out: list[Tok] = []
    for tok in toks:
        if tok.kind != "num" or "," not in tok.text or grouping(tok.text) != "list":
            out.append(tok)
            continue
        for m in _SPLIT.finditer(tok.text):
            piece = m.group()
            out.append(Tok(m.lastgroup or "sym", piece, tok.start + m.start(),
                           tok.start + m.end(), piece))
    return out


def grouping(literal: str) -> str:
    """How a digit literal is grouped: ``plain``, ``western`` ("1,234.5"), ``indian``
    ("1,23,456"), ``decimal`` ("1,3": a decimal comma or a garbled figure, one token),
    ``malformed`` ("55,5000") or ``list`` ("1,2,3": separate numbers)."""
    if "," not in literal:
        return "plain"
    if _WESTERN.fullmatch(literal):
        return "western"
    if _INDIAN.fullmatch(literal):
        return "indian"
    if _DECIMAL_COMMA.fullmatch(literal):
        return "decimal"
    groups = literal.split(".")[0].split(",")
    if all(len(g) == 4 and g[:2] in ("19", "20") for g in groups):
        return "list"  # "2019,2020": years
    if _MALFORMED.fullmatch(literal):
        return "malformed"
    return "list"


def words_of(phrase: str) -> tuple[str, ...]:
    """A phrase as the lower-cased token texts the parser compares with."""
    return tuple(t.low for t in tokenize(phrase))


# --------------------------------------------------------------------------------------
# Compiled rules
# --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Hedge:
    words: tuple[str, ...]
    rule: HedgeRule
    text: str


@dataclass
class UnitMemo:
    """What unit names resolved to in one registry, shared by the documents of a run (a
    pint lookup costs more than parsing a sentence). Reset when another registry comes."""

    registry: Any = None
    size: int = -1
    names: dict[str, tuple[str, str] | None] = field(default_factory=dict)

    def for_registry(self, registry: Any) -> dict[str, tuple[str, str] | None]:
        """The memo for ``registry``, emptied when it is another registry or one that has
        gained units since (a later stage defines the counted nouns of stored claims)."""
        size = len(getattr(registry, "_units", ()))
        if self.registry is not registry or self.size != size:
            self.registry, self.size, self.names = registry, size, {}
        return self.names

    def __getstate__(self) -> dict[str, Any]:
        return {"registry": None, "size": -1, "names": {}}  # a cache: never shipped


@dataclass(frozen=True)
class Lexicon:
    """Currencies and hedges, compiled for the parser (see ``rules/currencies.yaml`` and
    ``rules/precision.yaml`` for what each table means)."""

    codes: frozenset[str]
    names: dict[str, str]  # code -> printable name
    prefix_re: re.Pattern[str]  # longest currency prefix spelling at a position
    prefixes: dict[str, tuple[str, ...]]  # spelling -> codes, first = default
    suffixes: dict[str, tuple[str, ...]]
    suffix_re: re.Pattern[str] | None
    word_names: dict[tuple[str, ...], tuple[str, ...]]  # lower-case words -> codes
    weak_names: dict[tuple[str, ...], tuple[str, ...]]
    max_name_words: int
    minor_names: dict[tuple[str, ...], tuple[tuple[str, str], ...]]  # words -> (code, unit)
    minor_glued: dict[str, tuple[tuple[str, str], ...]]  # symbol -> (code, unit)
    domains: tuple[tuple[str, str], ...]  # (domain ending, code), longest first
    places: dict[str, str]  # lower-case dateline place -> code
    unambiguous: frozenset[str]  # spellings (prefixes and name words) of one currency only
    hedges_before: dict[str, tuple[Hedge, ...]]  # last word -> hedges, longest first
    hedges_after: dict[str, tuple[Hedge, ...]]  # first word -> hedges, longest first
    prefix_starts: frozenset[str]  # first characters of the prefix spellings
    index_re: re.Pattern[str] | None = None  # names of stock-market indexes (entities.yaml)
    quoted_in_dollars: frozenset[str] = frozenset()  # codes whose rates are in US dollars
    # words of a part of a count of people ("killed", "rescued": ``count_states`` in
    # metrics.yaml): a bare figure whose verb is one counts people ("Eleven were injured")
    person_states: frozenset[str] = frozenset()
    memo: UnitMemo = field(default_factory=UnitMemo, compare=False, repr=False)

    @classmethod
    def from_rules(cls, rules: Rules) -> Lexicon:
        """Compile a rules folder's tables (:func:`lexicon_of` keeps one per rules)."""
        indexes = tuple(alias for e in rules.entities.entities if e.index
                        for alias in (e.name, *e.aliases))
        states = frozenset(word.lower() for state in rules.metrics.keys.count_states.values()
                           for word in state.words if " " not in word)
        return dataclasses.replace(cls.compile(rules.currencies, rules.precision, indexes),
                                   person_states=states)

    @classmethod
    def compile(cls, currencies: CurrenciesFile, precision: PrecisionFile,
                indexes: tuple[str, ...] = ()) -> Lexicon:
        prefixes: dict[str, list[str]] = {}
        suffixes: dict[str, list[str]] = {}
        names: dict[tuple[str, ...], list[str]] = {}
        weak: dict[tuple[str, ...], list[str]] = {}
        minor_names: dict[tuple[str, ...], list[tuple[str, str]]] = {}
        minor_glued: dict[str, list[tuple[str, str]]] = {}
        domains: list[tuple[str, str]] = []
        places: dict[str, str] = {}
        for code, rule in currencies.currencies.items():
            for place in rule.places:
                places.setdefault(place.lower(), code)
            for spelling in rule.prefixes:
                prefixes.setdefault(spelling, []).append(code)
            for spelling in rule.suffixes:
                suffixes.setdefault(spelling, []).append(code)
            for name in rule.names:
                for form in (name, _plural(name)):
                    names.setdefault(words_of(form), []).append(code)
            for form in rule.plurals:
                names.setdefault(words_of(form), []).append(code)
            for name in rule.weak:
                for form in (name, _plural(name)):
                    weak.setdefault(words_of(form), []).append(code)
            if rule.minor is not None:
                for name in rule.minor.names:
                    for form in (name, _plural(name)):
                        entry = (code, rule.minor.unit)
                        minor_names.setdefault(words_of(form), []).append(entry)
                for symbol in rule.minor.glued:
                    minor_glued.setdefault(symbol, []).append((code, rule.minor.unit))
            domains.extend((d.lower(), code) for d in rule.domains)
        codes = frozenset(currencies.currencies)
        ordered = sorted(prefixes, key=len, reverse=True)
        prefix_re = re.compile("|".join(re.escape(p) for p in ordered) or r"(?!)")
        ordered_suffixes = sorted(suffixes, key=len, reverse=True)
        suffix_re = re.compile("|".join(re.escape(s) for s in ordered_suffixes)) \
            if suffixes else None
        unambiguous = {s for s, c in prefixes.items() if len(set(c)) == 1}
        unambiguous |= {" ".join(w) for w, c in names.items() if len(set(c)) == 1}
        return cls(
            codes=codes,
            names={code: rule.name for code, rule in currencies.currencies.items()},
            prefix_re=prefix_re,
            prefixes={k: _dedupe(v) for k, v in prefixes.items()},
            suffixes={k: _dedupe(v) for k, v in suffixes.items()},
            suffix_re=suffix_re,
            word_names={k: _dedupe(v) for k, v in names.items()},
            weak_names={k: _dedupe(v) for k, v in weak.items()},
            max_name_words=max((len(k) for k in (*names, *weak)), default=1),
            minor_names={k: tuple(dict.fromkeys(v)) for k, v in minor_names.items()},
            minor_glued={k: tuple(dict.fromkeys(v)) for k, v in minor_glued.items()},
            domains=tuple(sorted(domains, key=lambda d: -len(d[0]))),
            places=places,
            unambiguous=frozenset(unambiguous),
            hedges_before=_index(precision.before, last=True),
            hedges_after=_index(precision.after, last=False),
            prefix_starts=frozenset(p[0] for p in prefixes),
            quoted_in_dollars=frozenset(code for code, rule in currencies.currencies.items()
                                        if rule.quoted_in_dollars),
            index_re=re.compile(r"(?<![\w&])(?:" + "|".join(
                re.escape(a) for a in sorted(set(indexes), key=len, reverse=True))
                + r")(?![\w&])") if indexes else None,
        )

    def dateline_currency(self, text: str) -> str | None:
        """The currency of the place an article's dateline names ("MELBOURNE, Australia –",
        "SYDNEY (Reuters) -"): a bare "$" in it is that place's dollar."""
        m = _DATELINE.match(text)
        if m is None or not self.places:
            return None
        for place in (m["region"], m["city"]):
            if place:
                code = self.places.get(" ".join(place.split()).lower())
                if code is not None:
                    return code
        return None

    def domain_currency(self, source: str | None) -> str | None:
        """The currency a source's web domain points to (``https://x.com.au/...`` -> AUD)."""
        if not source:
            return None
        host = re.sub(r"^[a-z]+://", "", source.strip().lower()).split("/", 1)[0]
        host = host.split(":", 1)[0]
        for ending, code in self.domains:
            if host.endswith(ending):
                return code
        return None


# A dateline: a city in capitals, maybe a region, maybe an agency, then a dash or colon
_DATELINE = re.compile(
    r"\s{0,4}(?P<city>[A-Z][A-Z.'’]+(?: [A-Z][A-Z.'’]+){0,2})"
    r"(?:, (?P<region>[A-Z][A-Za-z.]+(?: [A-Z][A-Za-z.]+){0,2}))?"
    r"(?: \([A-Za-z .]{2,30}\))? ?[-–—:] ")


def _plural(name: str) -> str:
    if name.endswith(("s", "x", "sh", "ch")):
        return name + "es"
    if name.endswith("y") and not name.endswith(("ay", "ey", "oy", "uy")):
        return name[:-1] + "ies"
    return name + "s"


def _dedupe(codes: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(codes))


def _index(table: dict[str, HedgeRule], *, last: bool) -> dict[str, tuple[Hedge, ...]]:
    hedges = [Hedge(words_of(text), rule, text) for text, rule in table.items()]
    hedges = [h for h in hedges if h.words]
    index: dict[str, list[Hedge]] = {}
    for hedge in sorted(hedges, key=lambda h: -len(h.words)):
        index.setdefault(hedge.words[-1] if last else hedge.words[0], []).append(hedge)
    return {k: tuple(v) for k, v in index.items()}


_ATTRIBUTE = "_quantities_lexicon"


def lexicon_of(rules: Rules) -> Lexicon:
    """The lexicon of a loaded rules folder, compiled on first use and kept on the (frozen)
    rules object, so every document of a run shares one (and its unit memo)."""
    found = rules.__dict__.get(_ATTRIBUTE)
    if not isinstance(found, Lexicon):
        found = Lexicon.from_rules(rules)
        object.__setattr__(rules, _ATTRIBUTE, found)
    return found


@cache
def default_lexicon() -> Lexicon:
    """The lexicon of the rules shipped with the package, for callers that pass none (a
    one-off call from a notebook or a test). A run passes its own rules' lexicon."""
    from pipeline.rules import default_rules_dir, load_rules

    return lexicon_of(load_rules(default_rules_dir()))
