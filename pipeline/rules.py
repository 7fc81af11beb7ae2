"""Load and validate the rules folder: units, metrics, entities, checks, ingest settings.

Every file is parsed by a pydantic schema with ``extra="forbid"``; any problem stops the run
with a :class:`RulesError` naming the file and the key path (``metrics -> revenue -> cues``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pint
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from pipeline.errors import RulesError

DIMENSION_TERMS = ("currency", "count", "time", "power", "energy", "dimensionless")
RULE_FILES = (
    "units.txt", "metrics.yaml", "entities.yaml", "checks.yaml", "ingest.yaml", "cues.yaml"
)


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class EntityRule(Strict):
    name: str = Field(min_length=1)
    label: str = "ORG"
    aliases: tuple[str, ...] = ()
    merged_into: str | None = None
    merged_on: str | None = None


class EntitiesFile(Strict):
    version: int = 1
    entities: tuple[EntityRule, ...] = ()


class MetricRule(Strict):
    cues: tuple[str, ...] = Field(min_length=1)
    dimension: str
    tolerance: float = Field(default=0.05, ge=0, le=1)

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


class MetricsFile(Strict):
    version: int = 1
    metrics: dict[str, MetricRule]


class CuesFile(Strict):
    version: int = 1
    modality: dict[str, tuple[str, ...]] = {}
    hedges: tuple[str, ...] = ()
    anaphora: tuple[str, ...] = ()

    @field_validator("modality")
    @classmethod
    def _known_modalities(cls, value: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
        known = ("hypothetical", "conditional", "alternative", "projection", "quoted")
        for name in value:
            if name not in known:
                raise ValueError(f"unknown modality {name!r}; use one of {', '.join(known)}")
        return value


class ChecksFile(Strict):
    version: int = 1
    checks: tuple[str, ...]
    severity: dict[str, float] = {}
    thresholds: dict[str, float] = {}
    same_metrics: dict[str, tuple[str, ...]] = {}
    scope_metrics: dict[str, tuple[str, ...]] = {}
    subject_groups: dict[str, tuple[str, ...]] = {}
    derivation_cues: tuple[str, ...] = ()


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

    def fingerprint(self) -> str:
        """A hash of every rules file: results computed under other rules are stale."""
        import hashlib

        digest = hashlib.sha256()
        for name in RULE_FILES:
            path = self.root / name
            if path.exists():
                digest.update(name.encode() + b"\0" + path.read_bytes() + b"\0")
        return digest.hexdigest()[:16]


def _key_path(loc: tuple[Any, ...]) -> str:
    return " -> ".join(str(part) for part in loc) or "(top level)"


def _load_yaml(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise RulesError(str(path), "file not found",
                         hint="restore it from the repository's rules/ folder") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise RulesError(str(path), f"cannot read: {exc}") from None
    try:
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


def make_registry(units_path: Path) -> pint.UnitRegistry:
    """Build the one pint registry of a run: pint's defaults plus ``units.txt``."""
    registry = pint.UnitRegistry(autoconvert_offset_to_baseunit=True)
    try:
        registry.load_definitions(str(units_path))
    except FileNotFoundError:
        raise RulesError(str(units_path), "file not found",
                         hint="restore it from the repository's rules/ folder") from None
    except (pint.errors.DefinitionSyntaxError, pint.errors.RedefinitionError,
            pint.errors.UndefinedUnitError, ValueError) as exc:
        raise RulesError(str(units_path), f"bad unit definition: {exc}",
                         hint="units.txt uses pint's definition syntax") from None
    return registry


def load_rules(root: str | Path) -> Rules:
    """Load and cross-check every rules file under ``root``."""
    root = Path(root)
    if not root.is_dir():
        raise RulesError(str(root), "rules folder not found",
                         hint="pass --rules DIR pointing at a folder like the repository's rules/")
    registry = make_registry(root / "units.txt")
    entities = _validate(root / "entities.yaml", EntitiesFile, _load_yaml(root / "entities.yaml"))
    metrics = _validate(root / "metrics.yaml", MetricsFile, _load_yaml(root / "metrics.yaml"))
    checks = _validate(root / "checks.yaml", ChecksFile, _load_yaml(root / "checks.yaml"))
    ingest = _validate(root / "ingest.yaml", IngestFile, _load_yaml(root / "ingest.yaml"))
    cues = _validate(root / "cues.yaml", CuesFile, _load_yaml(root / "cues.yaml"))
    rules = Rules(root=root, registry=registry, entities=entities, metrics=metrics,
                  checks=checks, ingest=ingest, cues=cues)
    _check_references(rules)
    return rules


def _check_references(rules: Rules) -> None:
    from pipeline.checks import CHECKS

    path = str(rules.root / "checks.yaml")
    for i, name in enumerate(rules.checks.checks):
        if name not in CHECKS:
            raise RulesError(path, f"unknown check {name!r}", key=f"checks -> {i}",
                             hint="known checks: " + ", ".join(sorted(CHECKS)))
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
        if entity.merged_into and entity.merged_into not in names:
            raise RulesError(epath, f"merged_into names unknown entity {entity.merged_into!r}",
                             key=f"entities -> {i} -> merged_into",
                             hint="add that entity to the same file first")
