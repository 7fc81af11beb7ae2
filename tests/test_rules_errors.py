"""A broken rules folder stops the run before any work: one ``Error:`` line, exit code 1.

Each case copies the real ``rules/`` to a temporary folder, breaks one file, and runs the CLI.
The message must name the file, the place in it (key path or line) and say what to do.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.errors import RulesError
from pipeline.rules import load_rules
from tests.conftest import DATA, ROOT


def _replace(name: str, old: str, new: str):
    def edit(rules: Path) -> None:
        path = rules / name
        text = path.read_text()
        assert re.search(old, text, flags=re.M), f"{old!r} not in {name}; update this test case"
        path.write_text(re.sub(old, new, text, count=1, flags=re.M))
    return edit


def _append(name: str, extra: str):
    def edit(rules: Path) -> None:
        with open(rules / name, "a") as handle:
            handle.write(extra)
    return edit


def _write(name: str, text: str):
    def edit(rules: Path) -> None:
        (rules / name).write_text(text)
    return edit


def _write_bytes(name: str, data: bytes):
    def edit(rules: Path) -> None:
        (rules / name).write_bytes(data)
    return edit


def _delete(name: str):
    def edit(rules: Path) -> None:
        (rules / name).unlink()
    return edit


# (id, edit, file named in the message, fragments the message must contain)
CASES = [
    ("yaml-syntax", _append("metrics.yaml", "\n  broken: [unclosed\n"), "metrics.yaml",
     ["invalid YAML", "line ", "fix the YAML syntax"]),
    ("yaml-tab-indent", _append("checks.yaml", "\n\tnot: allowed\n"), "checks.yaml",
     ["invalid YAML", "line "]),
    ("python-object-tag", _write("checks.yaml",
                                 "version: 1\nchecks: !!python/object/apply:os.system "
                                 "['touch PWNED']\n"),
     "checks.yaml", ["invalid YAML", "python/object"]),
    ("unknown-unit", _append("units.txt", "\nwidget = 3 * no_such_unit_xyz\n"), "units.txt",
     ["line ", "'widget' is defined in terms of an unknown unit (no_such_unit_xyz)"]),
    ("unit-syntax", _append("units.txt", "\n= = =\n"), "units.txt",
     ["line ", "bad unit definition", "pint's definition syntax"]),
    ("unit-defined-twice", _append("units.txt", "\nUSD = [currency_other]\n"), "units.txt",
     ["line ", "'USD' is defined twice (first on line "]),
    ("wrong-type", _replace("metrics.yaml", r"^(\s+)tolerance: [0-9.]+", r"\1tolerance: lots"),
     "metrics.yaml", ["metrics -> ", "-> tolerance", "valid number"]),
    ("unknown-key", _replace("metrics.yaml", r"^(\s+)cues: ", r"\1cuez: [x]\n\1cues: "),
     "metrics.yaml", ["metrics -> ", "-> cuez", "Extra inputs are not permitted"]),
    ("unknown-top-key", _append("entities.yaml", "\nentitees: []\n"), "entities.yaml",
     ["entitees", "Extra inputs are not permitted"]),
    ("top-level-list", _write("checks.yaml", "- value_mismatch.v1\n"), "checks.yaml",
     ["(top level)"]),
    ("unknown-dimension", _replace("metrics.yaml", r'dimension: "currency"$',
                                   'dimension: "currencee"'),
     "metrics.yaml", ["-> dimension", "unknown dimension term 'currencee'"]),
    ("unknown-check", _replace("checks.yaml", r"^(\s*- )[a-z_]+\.v\d+", r"\1no_such_check.v9"),
     "checks.yaml", ["unknown check 'no_such_check.v9'", "checks -> 0", "known checks:"]),
    ("bad-regex", _append("ingest.yaml", '\n  - "([unclosed"\n'), "ingest.yaml",
     ["boilerplate", "bad regular expression"]),
    ("missing-file", _delete("metrics.yaml"), "metrics.yaml", ["file not found", "restore"]),
    ("not-utf8", _write_bytes("cues.yaml", b"version: 1\n# caf\xe9\n"), "cues.yaml",
     ["cannot read: not UTF-8", "save the file as UTF-8"]),
]


@pytest.fixture
def rules_copy(tmp_path: Path) -> Path:
    target = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", target)
    return target


@pytest.mark.parametrize(("edit", "file", "fragments"), [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_bad_rules_stop_before_any_work(edit, file, fragments, rules_copy, tmp_path):
    edit(rules_copy)
    out = tmp_path / "out"
    result = subprocess.run(
        [sys.executable, "-m", "pipeline.cli", "extract", str(DATA / "tiny"), "--out", str(out),
         "--rules", str(rules_copy)],
        cwd=tmp_path, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 1, result.stderr
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    message = lines[0]
    assert message.startswith(f"Error: {rules_copy / file}: "), message
    for fragment in fragments:
        assert fragment in message, message
    assert message.endswith(")"), "every rules error ends with a hint in parentheses"
    assert not out.exists(), "a rules error must stop the run before it touches the output"
    assert not (tmp_path / "PWNED").exists()


def test_python_tags_are_refused_in_process(rules_copy, tmp_path):
    marker = tmp_path / "PWNED"
    (rules_copy / "entities.yaml").write_text(
        f"version: 1\nentities: !!python/object/apply:os.system ['touch {marker}']\n")
    with pytest.raises(RulesError) as info:
        load_rules(rules_copy)
    assert info.value.file.endswith("entities.yaml")
    assert not marker.exists()


def test_rules_error_is_a_value_error_with_file_and_key(rules, rules_copy):
    from pipeline.check.checks import enabled

    _replace("checks.yaml", r"^(\s*- )[a-z_]+\.v\d+", r"\1nope.v1")(rules_copy)
    with pytest.raises(ValueError) as info:
        enabled(load_rules(rules_copy))
    assert isinstance(info.value, RulesError)
    assert info.value.key == "checks -> 0"
    assert info.value.hint and rules.checks.checks[0] in info.value.hint


def test_the_real_rules_folder_loads(rules):
    assert rules.checks.checks
