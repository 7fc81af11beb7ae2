"""Load and validate the rules folder: units, metrics, entities, checks, ingest settings.

Every file is parsed by a pydantic schema with ``extra="forbid"``; any problem stops the run
with a :class:`RulesError` naming the file and the key path (``metrics -> revenue -> cues``).
"""

from __future__ import annotations

import functools
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, TypeVar

import pint
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from pipeline.errors import RulesError

DIMENSION_TERMS = ("currency", "count", "time", "power", "energy", "dimensionless")
RULE_FILES = (
    "units.txt", "metrics.yaml", "entities.yaml", "checks.yaml", "ingest.yaml", "cues.yaml",
    "roles.yaml", "currencies.yaml", "precision.yaml", "rates.yaml", "words.yaml",
)
MODALITY_NAMES = ("hypothetical", "conditional", "alternative", "projection", "quoted")
SUBJECT_ROLES = ("nearest", "payer", "payee", "target")
ROLE_SLOT = re.compile(r"(?:owner:)*(?:nsubj|dobj|dative|poss|compound|prep:[a-z]+)")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class EntityRule(Strict):
    name: str = Field(min_length=1)
    label: str = "ORG"
    aliases: tuple[str, ...] = ()
    merged_into: str | None = None
    merged_on: str | None = None
    acts_for: str | None = Field(
        default=None, description="entity a payment to or from this one is booked to"
    )
    index: bool = Field(
        default=False, description="a stock-market index: its levels and moves are in points"
    )


class EntitiesFile(Strict):
    version: int = 1
    entities: tuple[EntityRule, ...] = ()
    not_entities: tuple[str, ...] = Field(
        default=(), description="words the statistical NER tags as names that never own a figure"
    )
    name_suffixes: tuple[str, ...] = Field(
        default=(), description="designators that do not make a new name: Inc., Corp., plc"
    )
    kind_names: tuple[str, ...] = Field(
        default=(), description="one-word names of a kind of body (Congress, Party): never the "
        "short form of a longer name ending in them"
    )


class MetricRule(Strict):
    cues: tuple[str, ...] = Field(min_length=1)
    weak_cues: tuple[str, ...] = ()
    units: tuple[str, ...] = ()
    subject: str = "nearest"
    prefer_labels: tuple[str, ...] = ()
    dimension: str
    tolerance: float = Field(default=0.05, ge=0, le=1)
    key: str = Field(default="phrase", pattern="^(phrase|class)$",
                     description="phrase: the metric key is the measured noun phrase; class: "
                                 "the metric's own name (one amount per event)")

    @field_validator("subject")
    @classmethod
    def _known_role(cls, value: str) -> str:
        if value not in SUBJECT_ROLES:
            raise ValueError(f"unknown subject role {value!r}; use one of "
                             + ", ".join(SUBJECT_ROLES))
        return value

    @field_validator("dimension")
    @classmethod
    def _known_terms(cls, value: str) -> str:
        for alternative in value.split("|"):
            for term in re.split(r"[/*]", alternative):
                if term.strip() not in DIMENSION_TERMS:
                    raise ValueError(
                        f"unknown dimension term {term.strip()!r}; use one of "
                        + ", ".join(DIMENSION_TERMS)
                    )
        return value

    def dimensions(self) -> tuple[str, ...]:
        return tuple(canonical_dimension(alt) for alt in self.dimension.split("|"))


class UnitRatio(Strict):
    """A count of ``unit`` paid for each one of the same unit (see metrics.yaml)."""

    unit: str
    per: tuple[str, ...]


class CountState(Strict):
    """A part of a count of people an event involves (see ``count_states`` in metrics.yaml)."""

    words: tuple[str, ...]
    keys: tuple[str, ...] = ()


class SizeWord(Strict):
    """Words naming a thing's size (see ``size_words`` in metrics.yaml)."""

    dimension: str
    words: tuple[str, ...]
    identified: bool = False


class MetricKeys(Strict):
    """How a figure's measured noun phrase becomes its metric key (see metrics.yaml)."""

    synonyms: dict[str, tuple[str, ...]] = {}
    qualifier_synonyms: dict[str, tuple[str, ...]] = {}
    basis_qualifiers: tuple[str, ...] = ()
    neutral_words: tuple[str, ...] = ()
    empty_heads: tuple[str, ...] = ()
    estimate_heads: tuple[str, ...] = ()
    estimate_verbs: tuple[str, ...] = ()
    estimate_words: tuple[str, ...] = ()
    estimate_marks: tuple[str, ...] = ()
    annualized_words: tuple[str, ...] = ()
    revision_verbs: tuple[str, ...] = ()
    earlier_words: tuple[str, ...] = ()
    addition_words: tuple[str, ...] = ()
    close_words: tuple[str, ...] = ()
    difference_words: tuple[str, ...] = ()
    segment_words: tuple[str, ...] = ()
    figure_qualifiers: tuple[str, ...] = ()
    scope_markers: tuple[str, ...] = ()
    scope_words: tuple[str, ...] = ()
    sum_words: tuple[str, ...] = ()
    unit_ratios: dict[str, UnitRatio] = {}
    rate_words: tuple[str, ...] = ()
    span_units: tuple[str, ...] = ()
    intraday: tuple[str, ...] = ()
    change_words: dict[str, tuple[str, ...]] = {}
    by_change_words: dict[str, tuple[str, ...]] = {}
    generic_counts: tuple[str, ...] = ()
    level_counts: tuple[str, ...] = ()
    people_nouns: tuple[str, ...] = ()
    statistic_words: tuple[str, ...] = ()
    filing_verbs: tuple[str, ...] = ()
    plural_words: tuple[str, ...] = ()
    running: tuple[str, ...] = ()
    count_states: dict[str, CountState] = {}
    life_verbs: tuple[str, ...] = ()
    life_nouns: tuple[str, ...] = ()
    sizes: dict[str, str] = {}
    size_words: dict[str, SizeWord] = {}
    compass_words: tuple[str, ...] = ()
    area_prepositions: tuple[str, ...] = ()
    area_nouns: tuple[str, ...] = ()
    demand_words: tuple[str, ...] = ()
    increment_words: tuple[str, ...] = ()
    neutral_passives: tuple[str, ...] = ()
    money_verbs: dict[str, tuple[str, ...]] = {}
    fuzzy: dict[str, float] = Field(default={}, description="hedge of truly fuzzy metrics")

    @field_validator("change_words", "by_change_words")
    @classmethod
    def _directions(cls, value: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
        for name in value:
            if name not in ("up", "down"):
                raise ValueError(f"unknown direction {name!r}; use up or down")
        return value


class MetricsFile(Strict):
    version: int = 1
    metrics: dict[str, MetricRule]
    keys: MetricKeys = MetricKeys()


class CuesFile(Strict):
    version: int = 1
    modality: dict[str, tuple[str, ...]] = {}
    hedges: tuple[str, ...] = ()
    anaphora: dict[str, tuple[str, ...]] = {}
    anaphora_suffixes: dict[str, tuple[str, ...]] = {}
    focal_anaphora: tuple[str, ...] = ()
    qualifiers: tuple[str, ...] = ()
    time_prepositions: tuple[str, ...] = ()
    place_prepositions: tuple[str, ...] = ()
    credit_words: tuple[str, ...] = ()
    counterparty_prepositions: tuple[str, ...] = ()
    target_prepositions: tuple[str, ...] = ()
    event_prepositions: tuple[str, ...] = ()
    particle_verbs: tuple[str, ...] = ()
    earlier_headings: tuple[str, ...] = ()
    exceeding_verbs: tuple[str, ...] = ()
    definite: tuple[str, ...] = ()
    alternative_conjunctions: tuple[str, ...] = ()
    quarters: tuple[str, ...] = Field(default=(), max_length=4)
    relative_years: dict[str, int] = {}
    period_words: tuple[str, ...] = ()
    relative_quarters: dict[str, int] = {}
    year_words: tuple[str, ...] = ()
    comparison_words: tuple[str, ...] = ()
    clause_conditions: tuple[str, ...] = ()
    consequence_modals: tuple[str, ...] = ()
    agreement_nouns: tuple[str, ...] = ()
    agreed_modals: tuple[str, ...] = ()

    @field_validator("modality")
    @classmethod
    def _known_modalities(cls, value: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
        for name in value:
            if name not in MODALITY_NAMES:
                raise ValueError(f"unknown modality {name!r}; use one of "
                                 + ", ".join(MODALITY_NAMES))
        return value


class RoleFrame(Strict):
    """Which syntactic slot of a word names which party of a payment."""

    words: tuple[str, ...] = Field(min_length=1)
    slots: dict[str, str]

    @field_validator("slots")
    @classmethod
    def _known_parties(cls, value: dict[str, str]) -> dict[str, str]:
        for slot, party in value.items():
            if not ROLE_SLOT.fullmatch(slot):
                raise ValueError(f"unknown slot {slot!r}; use nsubj, dobj, dative, poss, "
                                 "compound or prep:WORD, optionally after owner:")
            if party not in ("payer", "payee", "target", "item"):
                raise ValueError(f"unknown party {party!r} for slot {slot!r}; "
                                 "use payer, payee, target or item")
        return value


class RolesFile(Strict):
    version: int = 1
    frames: dict[str, RoleFrame] = {}


class ChecksFile(Strict):
    version: int = 1
    checks: tuple[str, ...]
    severity: dict[str, float] = {}
    thresholds: dict[str, float] = {}
    same_metrics: dict[str, tuple[str, ...]] = {}
    scope_metrics: dict[str, tuple[str, ...]] = {}
    subject_groups: dict[str, tuple[str, ...]] = {}
    derivation_cues: tuple[str, ...] = ()
    neutral_qualifier_words: tuple[str, ...] = ()
    common_currency: str = Field(default="USD", description="the currency money figures in "
                                 "other currencies are converted to before being compared")


class IngestFile(Strict):
    version: int = 1
    boilerplate: tuple[str, ...] = ()

    @field_validator("boilerplate")
    @classmethod
    def _compiles(cls, patterns: tuple[str, ...]) -> tuple[str, ...]:
        for pattern in patterns:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"bad regular expression {pattern!r}: {exc}") from exc
        return patterns


class WordsFile(Strict):
    """``words.yaml``: the words people read for the pipeline's own names."""

    version: int = 1
    identifiers: dict[str, str] = {}
    modalities: dict[str, str] = {}


ISO_CODE = re.compile(r"[A-Z]{3}")


class MinorUnit(Strict):
    """A currency's hundredth: "63 cents", "11 paise", "34c", "96.5p"."""

    unit: str = Field(min_length=1, description="a unit of units.txt worth 1/100 of the currency")
    names: tuple[str, ...] = ()
    glued: tuple[str, ...] = ()


class CurrencyRule(Strict):
    """How one currency is written (see the comments at the top of currencies.yaml)."""

    name: str = Field(min_length=1)
    names: tuple[str, ...] = ()
    plurals: tuple[str, ...] = ()
    weak: tuple[str, ...] = ()
    prefixes: tuple[str, ...] = ()
    suffixes: tuple[str, ...] = ()
    minor: MinorUnit | None = None
    domains: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    quoted_in_dollars: bool = Field(
        default=False, description="its exchange rate is quoted in US dollars ('the euro "
        "rose to 1.0812'), not per dollar ('the yen weakened to 151.62')"
    )

    @field_validator("prefixes", "suffixes")
    @classmethod
    def _no_digits(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for spelling in value:
            if not spelling.strip() or any(ch.isdigit() for ch in spelling):
                raise ValueError(f"bad spelling {spelling!r}: must be non-empty, without digits")
        return value


class CurrenciesFile(Strict):
    version: int = 1
    currencies: dict[str, CurrencyRule] = Field(min_length=1)

    @field_validator("currencies")
    @classmethod
    def _iso_codes(cls, value: dict[str, CurrencyRule]) -> dict[str, CurrencyRule]:
        for code in value:
            if not ISO_CODE.fullmatch(code):
                raise ValueError(f"{code!r} is not an ISO 4217 code (three capital letters)")
        return value


class HedgeRule(Strict):
    """One hedge of precision.yaml: the bound it gives a figure and how far it widens it."""

    bound: Literal["approx", "at_least", "at_most"]
    below: float = Field(default=0.0, ge=0, le=1)
    above: float = Field(default=0.0, ge=0, le=1)
    open: bool = False


class PrecisionFile(Strict):
    version: int = 1
    before: dict[str, HedgeRule] = {}
    after: dict[str, HedgeRule] = {}


class RateSeries(Strict):
    quote: Literal["units_per_usd", "usd_per_unit"]
    rates: dict[int, float] = Field(min_length=1)

    @field_validator("rates")
    @classmethod
    def _positive(cls, value: dict[int, float]) -> dict[int, float]:
        for year, rate in value.items():
            if not 1900 <= year <= 2200:
                raise ValueError(f"year {year} out of range")
            if not rate > 0 or rate != rate or rate == float("inf"):
                raise ValueError(f"rate for {year} must be a positive number, got {rate!r}")
        return value


class RatesFile(Strict):
    version: int = 1
    base: str = "USD"
    source: str = Field(min_length=1, description="the public source of the rates")
    filled: dict[int, str] = {}
    currencies: dict[str, RateSeries] = {}


_K = TypeVar("_K")
_V = TypeVar("_V")


def kept_for_last(make: Callable[[_K], _V]) -> Callable[[_K], _V]:
    """``make`` remembering its answer for the one argument it was last called with
    (compared by identity): tables built from a run's rules once, not per claim, block or
    figure, without keeping every rules object ever loaded alive."""
    last: list[tuple[_K, _V]] = []

    @functools.wraps(make)
    def made(key: _K) -> _V:
        if not last or last[0][0] is not key:
            last[:] = [(key, make(key))]
        return last[0][1]

    return made


_A = TypeVar("_A")


def answered_for_last(make: Callable[[_K, _A], _V]) -> Callable[[_K, _A], _V]:
    """``make(key, arg)`` remembering its answer per ``arg`` while ``key`` is the one it was
    last called with (compared by identity, as :func:`kept_for_last`): a metric's key or a
    currency's symbol worked out once per run's rules, not once per claim."""
    answers: Callable[[_K], dict[_A, _V]] = kept_for_last(lambda _key: {})

    @functools.wraps(make)
    def answered(key: _K, arg: _A) -> _V:
        known = answers(key)
        if arg not in known:
            known[arg] = make(key, arg)
        return known[arg]

    return answered


def canonical_dimension(expr: str) -> str:
    """Normalise a dimension expression's spacing: ``"currency/ time"`` -> ``"currency / time"``."""
    parts = re.split(r"\s*([/*])\s*", expr.strip())
    return " ".join(p for p in parts if p)


@dataclass(frozen=True)
class Rules:
    """Everything loaded from a rules folder, validated."""

    root: Path
    registry: pint.UnitRegistry = field(repr=False, compare=False)
    entities: EntitiesFile
    metrics: MetricsFile
    checks: ChecksFile
    ingest: IngestFile
    cues: CuesFile
    roles: RolesFile = field(default_factory=RolesFile)
    currencies: CurrenciesFile = field(default_factory=lambda: CurrenciesFile(
        currencies={"USD": CurrencyRule(name="US dollar", prefixes=("$",))}))
    precision: PrecisionFile = field(default_factory=PrecisionFile)
    rates: RatesFile = field(default_factory=lambda: RatesFile(source="none"))
    words: WordsFile = field(default_factory=WordsFile)

    def fingerprint(self) -> str:
        """A hash of every rules file: results computed under other rules are stale."""
        import hashlib
        import json

        files = {name: hashlib.sha256((self.root / name).read_bytes()).hexdigest()
                 for name in RULE_FILES if (self.root / name).exists()}
        text = json.dumps(files, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()[:16]


def _key_path(loc: tuple[Any, ...]) -> str:
    return " -> ".join(str(part) for part in loc) or "(top level)"


_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _load_yaml(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise RulesError(str(path), "file not found",
                         hint="restore it from the repository's rules/ folder") from None
    except UnicodeDecodeError as exc:
        raise RulesError(str(path), f"cannot read: not UTF-8 (byte {exc.start})",
                         hint="save the file as UTF-8") from None
    except OSError as exc:
        raise RulesError(str(path), f"cannot read: {exc.strerror or exc}",
                         hint="check that it is a readable file") from None
    try:  # libyaml's parser when installed: several times quicker than the pure-Python one
        return yaml.load(text, Loader=_SAFE_LOADER)  # noqa: S506 - a safe loader
    except yaml.YAMLError:
        pass
    try:  # the pure-Python parser says what is wrong (and decides)
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else None
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise RulesError(str(path), f"invalid YAML: {problem}", key=where,
                         hint="fix the YAML syntax at that place") from None


def _validate(path: Path, schema: type[Strict], data: Any) -> Any:
    if data is None:
        data = {}
    try:
        return schema.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise RulesError(
            str(path),
            first["msg"],
            key=_key_path(tuple(first["loc"])),
            hint=f"{exc.error_count()} problem(s) in this file; see the comments at its top",
        ) from None


def _pint_registry() -> pint.UnitRegistry:
    """pint's default registry, its parsed definitions cached in the user's cache folder
    (parsing them is most of the start-up time of a one-article run); without the cache
    when that folder cannot be used."""
    try:
        return pint.UnitRegistry(autoconvert_offset_to_baseunit=True, cache_folder=":auto:")
    except Exception:  # noqa: BLE001 - any cache problem: build it the slow way
        return pint.UnitRegistry(autoconvert_offset_to_baseunit=True)


def make_registry(units_path: Path) -> pint.UnitRegistry:
    """Build the one pint registry of a run: pint's defaults plus ``units.txt``.

    pint resolves definitions lazily, so after loading every unit the file defines is resolved
    once: a definition naming a unit that does not exist fails here, with its line, and not
    in the middle of a run.
    """
    registry = _pint_registry()
    where = str(units_path)
    hint = "units.txt uses pint's definition syntax; see the comments at its top"
    try:
        text = units_path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise RulesError(where, "file not found",
                         hint="restore it from the repository's rules/ folder") from None
    except UnicodeDecodeError as exc:
        raise RulesError(where, f"cannot read: not UTF-8 (byte {exc.start})",
                         hint="save the file as UTF-8") from None
    except OSError as exc:
        raise RulesError(where, f"cannot read: {exc.strerror or exc}",
                         hint="check that it is a readable file") from None
    defined = _unit_lines(where, text)
    failures = (pint.errors.DefinitionSyntaxError, pint.errors.RedefinitionError,
                pint.errors.UndefinedUnitError, ValueError, KeyError)
    try:
        registry.load_definitions(where)
    except failures as exc:
        if getattr(exc, "_statement", None) is None:  # a cached registry names no line:
            try:  # the same error from an uncached one does
                pint.UnitRegistry(autoconvert_offset_to_baseunit=True).load_definitions(where)
            except failures as plain:
                exc = plain
        statement = getattr(exc, "_statement", None)
        line = getattr(statement, "start_line", None)
        message = getattr(exc, "msg", None) or str(exc).splitlines()[0]
        message = re.sub(r"\s*\(<class '[^']*'>\)", "", " ".join(str(message).split()))
        raise RulesError(where, f"bad unit definition: {message}",
                         key=f"line {line}" if line else None, hint=hint) from None
    for name, line in defined.items():
        try:
            registry.get_dimensionality(name)
        except (pint.errors.UndefinedUnitError, pint.errors.DefinitionSyntaxError,
                ValueError, KeyError) as exc:
            names = getattr(exc, "unit_names", None)
            unknown = (", ".join(map(str, names)) if isinstance(names, (tuple, list))
                       else " ".join(str(exc).split()))
            raise RulesError(where, f"{name!r} is defined in terms of an unknown unit "
                             f"({unknown})", key=f"line {line}",
                             hint="define that unit first, or fix its spelling") from None
    return registry


def _unit_lines(where: str, text: str) -> dict[str, int]:
    """Unit names defined at top level of a pint definitions file, with their line numbers.

    A name defined twice in the file is a :class:`RulesError` (pint would silently keep one).
    """
    defined: dict[str, int] = {}
    depth = 0
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if line.startswith("@"):
            depth += 0 if line.startswith(("@defaults", "@import")) else 1
            depth -= 2 if line.startswith("@end") else 0
            depth = max(depth, 0)
            continue
        if depth or "=" not in line or line.startswith("["):
            continue
        parts = [part.strip() for part in line.split("=")]
        for name in (parts[0], *parts[2:]):
            if not name or name == "_":
                continue
            if name in defined:
                raise RulesError(where, f"{name!r} is defined twice (first on line "
                                 f"{defined[name]})", key=f"line {number}",
                                 hint="keep one definition; add spellings as aliases")
            defined[name] = number
    return defined


LOCAL_RULES = Path("rules")
"""The rules folder a run uses when none is given and the working directory has one."""


def default_rules_dir() -> Path:
    """The rules shipped inside the package (the repository's ``rules/`` folder, installed
    as ``pipeline/default_rules``; in a checkout run without installing, ``rules/`` itself)."""
    import importlib.util

    spec = importlib.util.find_spec("pipeline.default_rules")
    for location in (spec.submodule_search_locations or []) if spec else []:
        if (Path(location) / "units.txt").is_file():
            return Path(location)
    return Path(__file__).resolve().parent.parent / "rules"


def find_rules_dir(given: str | Path | None = None) -> Path:
    """The rules folder of a run: ``given`` (``--rules``), else ``./rules`` when the working
    directory has one, else the defaults shipped with the package."""
    if given is not None:
        return Path(given)
    return LOCAL_RULES if LOCAL_RULES.is_dir() else default_rules_dir()


def is_default_rules(root: Path) -> bool:
    """Whether a run fell back to the package's own rules (not ``./rules`` or ``--rules``)."""
    return root == default_rules_dir() and root != LOCAL_RULES


def init_rules(dest: str | Path) -> list[Path]:
    """Copy the default rules into ``dest`` (created if needed) for editing; never
    overwrites a file (:class:`RulesError` naming the first one that exists)."""
    from pipeline.fsio import atomic_write

    dest = Path(dest)
    source = default_rules_dir()
    names = sorted(p.name for p in source.iterdir() if p.name in RULE_FILES)
    for name in names:
        if (dest / name).exists():
            raise RulesError(str(dest / name), "already exists",
                             hint="pick another folder, or move the file away first")
    written = []
    for name in names:
        atomic_write(dest / name, (source / name).read_bytes())
        written.append(dest / name)
    return written


def load_rules(root: str | Path | None = None) -> Rules:
    """Load and cross-check every rules file under ``root`` (see :func:`find_rules_dir`)."""
    root = find_rules_dir(root)
    if not root.is_dir():
        raise RulesError(str(root), "rules folder not found",
                         hint="pass --rules DIR with a rules folder, or leave --rules out to use "
                              "the built-in rules (claims rules init DIR writes a copy to edit)")
    registry = make_registry(root / "units.txt")
    entities = _validate(root / "entities.yaml", EntitiesFile, _load_yaml(root / "entities.yaml"))
    metrics = _validate(root / "metrics.yaml", MetricsFile, _load_yaml(root / "metrics.yaml"))
    checks = _validate(root / "checks.yaml", ChecksFile, _load_yaml(root / "checks.yaml"))
    ingest = _validate(root / "ingest.yaml", IngestFile, _load_yaml(root / "ingest.yaml"))
    cues = _validate(root / "cues.yaml", CuesFile, _load_yaml(root / "cues.yaml"))
    roles = _validate(root / "roles.yaml", RolesFile, _load_yaml(root / "roles.yaml"))
    currencies = _validate(root / "currencies.yaml", CurrenciesFile,
                           _load_yaml(root / "currencies.yaml"))
    precision = _validate(root / "precision.yaml", PrecisionFile,
                          _load_yaml(root / "precision.yaml"))
    rates = _validate(root / "rates.yaml", RatesFile, _load_yaml(root / "rates.yaml"))
    words = (_validate(root / "words.yaml", WordsFile, _load_yaml(root / "words.yaml"))
             if (root / "words.yaml").is_file() else WordsFile())  # a copy made before it
    rules = Rules(root=root, registry=registry, entities=entities, metrics=metrics,
                  checks=checks, ingest=ingest, cues=cues, roles=roles, currencies=currencies,
                  precision=precision, rates=rates, words=words)
    _check_references(rules)
    return rules


def _check_references(rules: Rules) -> None:
    """Names one rules file gives that another must define. (The check names of
    checks.yaml name code: :func:`pipeline.check.checks.enabled` checks them.)"""
    path = str(rules.root / "checks.yaml")
    for group in ("same_metrics", "scope_metrics"):
        for label, members in getattr(rules.checks, group).items():
            for j, metric in enumerate(members):
                if metric not in rules.metrics.metrics:
                    raise RulesError(path, f"unknown metric {metric!r}",
                                     key=f"{group} -> {label} -> {j}",
                                     hint="use a metric named in metrics.yaml")
    names = {e.name for e in rules.entities.entities}
    epath = str(rules.root / "entities.yaml")
    for i, entity in enumerate(rules.entities.entities):
        for ref in ("merged_into", "acts_for"):
            target = getattr(entity, ref)
            if target and target not in names:
                raise RulesError(epath, f"{ref} names unknown entity {target!r}",
                                 key=f"entities -> {i} -> {ref}",
                                 hint="add that entity to the same file first")
    _check_claim_references(rules)
    _check_currency_references(rules)


def _check_currency_references(rules: Rules) -> None:
    """Every currency of currencies.yaml and rates.yaml is a currency dimension of units.txt;
    every minor unit a hundredth of its currency; no spelling is a prefix and a suffix of
    different currencies in a way the parser cannot tell apart."""
    registry = rules.registry
    cpath = str(rules.root / "currencies.yaml")

    def is_currency(code: str) -> bool:
        try:
            dims = dict(registry.Unit(code).dimensionality)
        except (pint.errors.PintError, AttributeError, ValueError, TypeError):
            return False
        return dims == {f"[currency_{code.lower()}]": 1}

    for code, rule in rules.currencies.currencies.items():
        if not is_currency(code):
            raise RulesError(cpath, f"currency {code!r} is not defined in units.txt as its own "
                             "dimension", key=f"currencies -> {code}",
                             hint=f"add '{code} = [currency_{code.lower()}]' to units.txt")
        if rule.minor is not None:
            try:
                ratio = registry.Quantity(1, rule.minor.unit).to(code).magnitude
            except (pint.errors.PintError, AttributeError, ValueError, TypeError):
                ratio = None
            if ratio is None or abs(ratio - 0.01) > 1e-9:
                raise RulesError(cpath, f"minor unit {rule.minor.unit!r} is not 0.01 {code} in "
                                 "units.txt", key=f"currencies -> {code} -> minor -> unit",
                                 hint=f"define '{rule.minor.unit} = 0.01 * {code}' in units.txt")
    rpath = str(rules.root / "rates.yaml")
    if rules.rates.base not in rules.currencies.currencies:
        raise RulesError(rpath, f"base currency {rules.rates.base!r} is not in currencies.yaml",
                         key="base", hint="use a code of currencies.yaml")
    for code in rules.rates.currencies:
        if code not in rules.currencies.currencies:
            raise RulesError(rpath, f"unknown currency {code!r}", key=f"currencies -> {code}",
                             hint="add it to currencies.yaml (and units.txt) first")
    common = rules.checks.common_currency
    if common not in rules.currencies.currencies:
        raise RulesError(str(rules.root / "checks.yaml"), f"unknown currency {common!r}",
                         key="common_currency", hint="use a code of currencies.yaml")


RulesFiles = tuple[tuple[str, bytes], ...]


def shipped_files(rules: Rules) -> RulesFiles:
    """The rules folder's files as (name, bytes), to ship to worker processes (which need
    not share a file system with the run)."""
    root = Path(rules.root)
    names = sorted({*RULE_FILES, *(p.name for p in root.iterdir() if p.is_file())})
    return tuple((name, (root / name).read_bytes()) for name in names
                 if (root / name).is_file() and not name.startswith("."))


@functools.lru_cache(maxsize=4)
def load_shipped(fingerprint: str, files: RulesFiles) -> Rules:
    """The rules of :func:`shipped_files`, written to a folder of this process and loaded,
    once per process and fingerprint."""
    folder = Path(tempfile.mkdtemp(prefix=f"claims-rules-{fingerprint}-"))
    for name, data in files:
        (folder / name).write_bytes(data)
    return load_rules(folder)


def _check_claim_references(rules: Rules) -> None:
    """Units named by metrics must exist; anaphora must name entity labels in use."""
    mpath = str(rules.root / "metrics.yaml")
    for name, metric in rules.metrics.metrics.items():
        for i, unit in enumerate(metric.units):
            try:
                rules.registry.Unit(unit)
            except (pint.errors.UndefinedUnitError, AttributeError, ValueError, TypeError):
                raise RulesError(mpath, f"unknown unit {unit!r}",
                                 key=f"metrics -> {name} -> units -> {i}",
                                 hint="define it in units.txt or fix the spelling") from None
