"""Packaging and install (issue 13): declared dependencies, shipped rules, the fault barrier
against library failures, and the command-line corners a new user hits first."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest

from tests.conftest import DATA, ROOT


def _third_party_imports() -> dict[str, set[str]]:
    """Top-level names of every absolute import in ``pipeline/`` (nested ones too), outside
    the standard library, each with the files importing it."""
    found: dict[str, set[str]] = {}
    for path in sorted((ROOT / "pipeline").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top not in sys.stdlib_module_names and top not in ("pipeline", "__future__"):
                    found.setdefault(top, set()).add(path.name)
    return found


def _declared() -> set[str]:
    tomllib = pytest.importorskip("tomllib")
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return {_canonical(re.split(r"[\s<>=!~;\[]", dep, maxsplit=1)[0])
            for dep in project["dependencies"]}


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_every_import_in_pipeline_is_a_declared_dependency():
    declared = _declared()
    by_module = metadata.packages_distributions()
    missing = []
    for module, files in sorted(_third_party_imports().items()):
        dists = {_canonical(d) for d in by_module.get(module, [])}
        assert dists, f"{module} (imported by {sorted(files)}) is not installed"
        if not dists & declared:
            missing.append(f"{module} from {sorted(dists)} (imported by {sorted(files)})")
    assert not missing, "imported but not in pyproject's dependencies: " + "; ".join(missing)


def test_the_html_path_imports():
    """trafilatura's HTML cleaning lives in lxml_html_clean since lxml 5.2; it must be
    installed by the package's own dependencies, whatever the pip."""
    import trafilatura  # noqa: F401
    from lxml.html import clean  # noqa: F401

    assert "lxml-html-clean" in _declared()


def test_default_rules_ship_with_the_package():
    from pipeline.rules import RULE_FILES, default_rules_dir

    shipped = default_rules_dir()
    assert sorted(p.name for p in shipped.iterdir() if p.name in RULE_FILES) == sorted(RULE_FILES)
    tomllib = pytest.importorskip("tomllib")
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]
    assert config["setuptools"]["package-dir"]["pipeline.default_rules"] == "rules"
    assert "pipeline.default_rules" in config["setuptools"]["packages"]


def test_a_run_without_a_rules_folder_uses_the_built_in_rules(tmp_path, monkeypatch):
    from pipeline.rules import default_rules_dir, find_rules_dir, is_default_rules

    monkeypatch.chdir(tmp_path)
    assert find_rules_dir() == default_rules_dir()
    assert is_default_rules(find_rules_dir())
    (tmp_path / "rules").mkdir()
    assert find_rules_dir() == Path("rules")
    assert not is_default_rules(find_rules_dir())
    assert find_rules_dir(tmp_path / "mine") == tmp_path / "mine"


def _claims(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pipeline.cli", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=600)


def test_rules_init_writes_a_copy_and_never_overwrites(tmp_path):
    from pipeline.rules import RULE_FILES, default_rules_dir, load_rules

    first = _claims("rules", "init", "mine", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    for name in RULE_FILES:
        assert (tmp_path / "mine" / name).read_bytes() == (default_rules_dir() / name).read_bytes()
    shipped = load_rules(default_rules_dir()).fingerprint()
    assert load_rules(tmp_path / "mine").fingerprint() == shipped
    (tmp_path / "mine" / "cues.yaml").write_text("edited", encoding="utf-8")
    again = _claims("rules", "init", "mine", cwd=tmp_path)
    assert again.returncode == 1
    assert again.stderr.startswith("Error: ") and "already exists" in again.stderr
    assert again.stderr.count("\n") == 1
    assert (tmp_path / "mine" / "cues.yaml").read_text(encoding="utf-8") == "edited"


def test_add_of_a_missing_file_exits_1_naming_it(tmp_path):
    (tmp_path / "corpus").mkdir()
    done = _claims("add", "nothere.md", "--corpus", "corpus", "--out", "out", cwd=tmp_path)
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        "Error: no such file: nothere.md (check the path; nothing was added)"]
    assert "permission" not in done.stderr
    assert list((tmp_path / "corpus").iterdir()) == []


def test_read_problems_get_hints_that_fit(tmp_path):
    import errno

    from pipeline.fsio import read_problem

    assert read_problem(FileNotFoundError(errno.ENOENT, "No such file")) == (
        "no such file", "check the path")
    reason, hint = read_problem(PermissionError(errno.EACCES, "Permission denied"))
    assert "Permission denied" in reason and "permissions" in hint
    assert "permission" not in read_problem(OSError(errno.EIO, "I/O error"))[1]


@pytest.mark.model
def test_a_library_failure_in_one_article_skips_only_that_article(tmp_path, monkeypatch):
    """An ImportError (say, trafilatura without lxml_html_clean) inside ingest must not stop
    the run: the article is skipped with one line naming the stage, the others go on."""
    import shutil

    from pipeline import api
    from pipeline.extract import ingest

    corpus = tmp_path / "corpus"
    shutil.copytree(DATA / "quickstart", corpus)
    real = ingest.ingest

    def broken(path, data, **kwargs):
        if path.endswith(".html"):
            raise ImportError("lxml.html.clean module is now a separate project lxml_html_clean.\n"
                              "Install lxml[html-clean] or lxml_html_clean directly.")
        return real(path, data, **kwargs)

    monkeypatch.setattr(ingest, "ingest", broken)
    result = api.extract(corpus, out=tmp_path / "out", rules_dir=ROOT / "rules")
    assert [s.path for s in result.skipped] == ["harbour-wire.html"]
    reason = result.skipped[0].reason
    assert reason.startswith("failed in the ingest stage (ImportError: lxml.html.clean")
    assert "\n" not in reason and "reinstall" in reason
    assert len(result.view.docs) == 2
    for name in ("claims.jsonl", "contradictions.json", "contradictions.md", "report.html"):
        assert (tmp_path / "out" / name).is_file()
    assert "harbour-wire.html" in (tmp_path / "out" / "contradictions.md").read_text("utf-8")
