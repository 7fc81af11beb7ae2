from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest

from tests.conftest import DATA, ROOT

pytestmark = pytest.mark.model


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pipeline.cli", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=600)


def test_missing_corpus_exits_1_with_one_line(tmp_path):
    result = run("extract", str(tmp_path / "missing_dir"), "--out", str(tmp_path / "out"))
    assert result.returncode == 1
    assert result.stderr.strip().count("\n") == 0
    assert result.stderr.startswith("Error: corpus folder not found")
    assert "Traceback" not in result.stderr


def test_unknown_option_is_a_usage_error():
    assert run("extract", "--no-such-option").returncode == 2


@pytest.mark.parametrize("args", [["--help"], ["extract", "--help"]])
def test_help_is_useful(args):
    result = run(*args)
    assert result.returncode == 0
    assert "claims" in result.stdout.lower() or "corpus" in result.stdout.lower()
    assert "--out" in result.stdout or "extract" in result.stdout


def test_extract_writes_every_output(tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(DATA / "tiny", corpus)
    out = tmp_path / "out"
    result = run("extract", str(corpus), "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "documents: 3" in result.stdout
    assert "parsed 3 new or changed, reused 0" in result.stdout
    lines = (out / "claims.jsonl").read_text().splitlines()
    assert lines and all(json.loads(line)["id"].startswith("c-") for line in lines)
    assert "findings" in json.loads((out / "contradictions.json").read_text())
    assert (out / "contradictions.md").read_text().startswith("# Contradictions report")
    graph = nx.read_graphml(out / "graph.graphml")
    kinds = {data["kind"] for _, data in graph.nodes(data=True)}
    assert {"document", "claim", "metric"} <= kinds
    again = run("extract", str(corpus), "--out", str(out))
    assert again.returncode == 0, again.stderr
    assert "parsed 0 new or changed, reused 3" in again.stdout


def test_bad_rules_dir_exits_1(tmp_path):
    result = run("extract", str(DATA / "tiny"), "--out", str(tmp_path / "o"),
                 "--rules", str(tmp_path / "nope"))
    assert result.returncode == 1
    assert "rules folder not found" in result.stderr


def test_every_command_has_help_and_is_documented_in_the_readme():
    import typer.main

    from pipeline.cli import app

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    group = typer.main.get_command(app)
    names = sorted(group.commands)  # type: ignore[attr-defined]
    assert {"extract", "add", "review"} <= set(names)
    for name in names:
        command = group.commands[name]  # type: ignore[attr-defined]
        assert (command.help or "").strip(), f"claims {name} has no help text"
        assert f"claims {name}" in readme, f"README does not document claims {name}"
        for param in command.params:
            if param.param_type_name == "option" and "--help" not in param.opts:
                assert (param.help or "").strip(), f"claims {name} {param.opts[0]} lacks help"
                assert param.opts[0] in readme, f"README does not mention {param.opts[0]}"
