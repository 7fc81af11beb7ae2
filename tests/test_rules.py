"""Claims rules files (metrics, entities, cues, roles) are validated: a bad file stops the run
with the file and the key path of the problem."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from pipeline.errors import RulesError
from pipeline.rules import load_rules

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def rules_copy(tmp_path: Path) -> Path:
    copy = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", copy)
    return copy


def _edit(folder: Path, name: str, change: Any) -> None:
    path = folder / name
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def _entity_index(folder: Path, name: str) -> int:
    data = yaml.safe_load((folder / "entities.yaml").read_text(encoding="utf-8"))
    return next(i for i, e in enumerate(data["entities"]) if e["name"] == name)


def test_repository_rules_load() -> None:
    rules = load_rules(ROOT / "rules")
    assert "lease_payment" in rules.metrics.metrics
    assert rules.roles.frames, "roles.yaml defines payment frames"
    assert rules.cues.anaphora


CASES = [
    pytest.param("metrics.yaml",
                 lambda d: d["metrics"]["revenue"].update(tolerance="high"),
                 "metrics -> revenue -> tolerance", "valid number", id="wrong-type"),
    pytest.param("metrics.yaml",
                 lambda d: d["metrics"]["revenue"].update(colour="red"),
                 "metrics -> revenue -> colour", "Extra inputs", id="unknown-key"),
    pytest.param("metrics.yaml",
                 lambda d: d["metrics"]["cash_burn"].update(dimension="currency / furlong"),
                 "metrics -> cash_burn -> dimension", "unknown dimension term 'furlong'",
                 id="unknown-dimension-term"),
    pytest.param("metrics.yaml",
                 lambda d: d["metrics"]["deal_value"].update(subject="buyer"),
                 "metrics -> deal_value -> subject", "unknown subject role 'buyer'",
                 id="unknown-subject-role"),
    pytest.param("metrics.yaml",
                 lambda d: d["metrics"]["gpu_count"].update(units=["GPU", "flux_capacitor"]),
                 "metrics -> gpu_count -> units -> 1", "unknown unit 'flux_capacitor'",
                 id="unknown-unit"),
    pytest.param("metrics.yaml",
                 lambda d: d["metrics"]["users"].update(cues=[]),
                 "metrics -> users -> cues", "at least 1", id="empty-cues"),
    pytest.param("cues.yaml",
                 lambda d: d["modality"].update(wishful=["hopefully"]),
                 "modality", "unknown modality 'wishful'", id="unknown-modality"),
    pytest.param("cues.yaml",
                 lambda d: d.update(hedges="roughly"),
                 "hedges", "valid tuple", id="cues-wrong-type"),
    pytest.param("cues.yaml",
                 lambda d: d["anaphora"].update(it="ORG"),
                 "anaphora -> it", "valid tuple", id="anaphora-wrong-type"),
    pytest.param("roles.yaml",
                 lambda d: d["frames"]["pay"]["slots"].update(dobj="beneficiary"),
                 "frames -> pay -> slots", "unknown party 'beneficiary'",
                 id="roles-unknown-party"),
    pytest.param("roles.yaml",
                 lambda d: d["frames"]["pay"]["slots"].update({"prep:": "payee"}),
                 "frames -> pay -> slots", "unknown slot 'prep:'", id="roles-unknown-slot"),
    pytest.param("roles.yaml",
                 lambda d: d["frames"]["lease"].pop("words"),
                 "frames -> lease -> words", "Field required", id="roles-missing-words"),
    pytest.param("entities.yaml",
                 lambda d: d["entities"][0].update(aliases=5),
                 "entities -> 0 -> aliases", "valid tuple", id="entities-wrong-type"),
    pytest.param("entities.yaml",
                 lambda d: d["entities"][0].update(nickname="X"),
                 "entities -> 0 -> nickname", "Extra inputs", id="entities-unknown-key"),
]


@pytest.mark.parametrize(("name", "change", "key", "message"), CASES)
def test_bad_rules_file_names_file_and_key(rules_copy: Path, name: str, change: Any, key: str,
                                           message: str) -> None:
    _edit(rules_copy, name, change)
    with pytest.raises(RulesError) as info:
        load_rules(rules_copy)
    error = info.value
    assert error.file == str(rules_copy / name)
    assert error.key == key
    assert message in str(error)
    assert str(error).startswith(f"{rules_copy / name}: {key}: ")


def test_bad_yaml_names_file_and_line(rules_copy: Path) -> None:
    (rules_copy / "metrics.yaml").write_text("version: 1\nmetrics:\n  revenue: [unclosed\n",
                                             encoding="utf-8")
    with pytest.raises(RulesError) as info:
        load_rules(rules_copy)
    assert info.value.file == str(rules_copy / "metrics.yaml")
    assert info.value.key is not None and info.value.key.startswith("line ")
    assert "invalid YAML" in str(info.value)


def test_acts_for_must_name_a_known_entity(rules_copy: Path) -> None:
    index = _entity_index(rules_copy, "Elon Musk")
    _edit(rules_copy, "entities.yaml",
          lambda d: d["entities"][index].update(acts_for="Tesla Motors Ltd"))
    with pytest.raises(RulesError) as info:
        load_rules(rules_copy)
    assert info.value.key == f"entities -> {index} -> acts_for"
    assert "unknown entity 'Tesla Motors Ltd'" in str(info.value)


def test_missing_roles_file_is_reported(rules_copy: Path) -> None:
    (rules_copy / "roles.yaml").unlink()
    with pytest.raises(RulesError, match="roles.yaml: file not found"):
        load_rules(rules_copy)


def test_bad_rules_stop_the_cli_run_with_exit_1(rules_copy: Path, tmp_path: Path) -> None:
    _edit(rules_copy, "cues.yaml", lambda d: d["modality"].update(wishful=["hopefully"]))
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("Acme earned $5 million in 2025.\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "pipeline.cli", "extract", str(corpus), "--out",
         str(tmp_path / "out"), "--rules", str(rules_copy)],
        cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 1
    assert "cues.yaml: modality: " in result.stderr
    assert "unknown modality 'wishful'" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out" / "claims.jsonl").exists()
