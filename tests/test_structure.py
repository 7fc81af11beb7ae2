"""The package's structure: fingerprint groups, what each group may import, no import cycles.

Incremental runs trust stored results while their fingerprint is unchanged
(:mod:`pipeline.state.fingerprint`), so every file must belong to a group, a change to a
group's file must change exactly the fingerprints of the results that depend on the group,
and a group may import only groups that every result depending on it also depends on.
"""

from __future__ import annotations

import ast
import shutil
from pathlib import Path

import networkx as nx
import pytest

from pipeline.state import fingerprint
from pipeline.state.fingerprint import DEPENDS, FOLDERS, GROUPS, PACKAGE, TOP_LEVEL, group_of

RESULTS = tuple(DEPENDS)


def _all_files(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*")
                  if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc")


def test_every_file_belongs_to_exactly_one_group():
    every = _all_files(PACKAGE)
    assert every and all(group_of(path) is not None for path in every), \
        [p for p in every if group_of(p) is None]
    by_group = {group: fingerprint.files(group) for group in GROUPS}
    listed = [path for paths in by_group.values() for path in paths]
    assert sorted(listed) == every  # each file in one group, none twice
    assert all(group_of(path) == group for group, paths in by_group.items() for path in paths)
    assert set(TOP_LEVEL) | set(FOLDERS) == set(GROUPS)
    assert {g for groups in DEPENDS.values() for g in groups} == set(GROUPS) - {"shell"}


def test_a_file_at_the_top_must_be_declared():
    assert group_of("new_module.py") is None
    assert group_of("extract/new_stage.py") == "extract"
    assert group_of("render/templates/new.html.j2") == "render"


def _fingerprints(root: Path, rules) -> dict[str, str]:
    documents = fingerprint.documents(rules, model="en_core_web_sm", do_repair=True, root=root)
    checks = fingerprint.checks(documents, root=root)
    return {"documents": documents, "checks": checks,
            "outputs": fingerprint.outputs(checks, root=root)}


@pytest.fixture(scope="module")
def package_copy(tmp_path_factory) -> Path:
    copy = tmp_path_factory.mktemp("package") / "pipeline"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    return copy


@pytest.mark.parametrize("group", GROUPS)
def test_changing_a_file_changes_exactly_the_fingerprints_that_depend_on_it(
        group, package_copy, rules):
    before = _fingerprints(package_copy, rules)
    path = package_copy / fingerprint.files(group, root=package_copy)[0]
    original = path.read_bytes()
    try:
        path.write_bytes(original + b"\n# changed\n")
        after = _fingerprints(package_copy, rules)
    finally:
        path.write_bytes(original)
    changed = {result for result in RESULTS if after[result] != before[result]}
    assert changed == {result for result in RESULTS if group in DEPENDS[result]}
    assert _fingerprints(package_copy, rules) == before


@pytest.mark.parametrize("folder", FOLDERS)
def test_a_new_file_in_a_folder_joins_its_group(folder, package_copy, rules):
    before = _fingerprints(package_copy, rules)
    new = package_copy / folder / "new_module.py"
    try:
        new.write_text('"""A new module."""\n')
        after = _fingerprints(package_copy, rules)
    finally:
        new.unlink()
    changed = {result for result in RESULTS if after[result] != before[result]}
    assert changed == {result for result in RESULTS if folder in DEPENDS[result]}


# --- imports -------------------------------------------------------------------------------


def _module_file(name: str) -> str | None:
    """``pipeline.extract.claims`` -> ``extract/claims.py`` (a package: its __init__.py)."""
    parts = name.split(".")
    if parts[0] != "pipeline":
        return None
    rel = "/".join(parts[1:])
    if (PACKAGE / f"{rel}.py").is_file():
        return f"{rel}.py"
    if rel and (PACKAGE / rel / "__init__.py").is_file():
        return f"{rel}/__init__.py"
    return "__init__.py" if not rel else None


def import_graph() -> nx.DiGraph:
    """File -> file for every import of one ``pipeline`` module by another, wherever it
    stands (top level, inside a function, under ``TYPE_CHECKING``). ``from package import
    module`` is an import of the module; a package's ``__init__`` run on the way is not
    counted."""
    graph = nx.DiGraph()
    for path in sorted(PACKAGE.rglob("*.py")):
        source = path.relative_to(PACKAGE).as_posix()
        graph.add_node(source)
        package = ["pipeline", *source.split("/")[:-1]]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                anchor = package[:len(package) - node.level + 1] if node.level else []
                base = ".".join([*anchor, *([node.module] if node.module else [])])
                names = [f"{base}.{alias.name}" if _module_file(f"{base}.{alias.name}")
                         else base for alias in node.names]
            else:
                continue
            for name in names:
                target = _module_file(name)
                if target is not None and target != source:
                    graph.add_edge(source, target)
    return graph


def _allowed(source: str, target: str) -> bool:
    """Whether every result that depends on ``source``'s group depends on ``target``'s."""
    a, b = group_of(source), group_of(target)
    return all(b in groups for groups in DEPENDS.values() if a in groups)


def test_the_import_graph_sees_the_known_imports():
    graph = import_graph()
    assert graph.has_edge("api.py", "extract/process.py")  # from pipeline.extract import ...
    assert graph.has_edge("state/store.py", "extract/results.py")  # from module import name
    assert graph.has_edge("distributed.py", "check/checks.py")


@pytest.mark.parametrize("group", GROUPS)
def test_a_group_imports_only_groups_its_results_depend_on(group):
    wrong = [(a, b) for a, b in import_graph().edges
             if group_of(a) == group and not _allowed(a, b)]
    assert wrong == []


def test_no_import_cycles():
    cycles = [sorted(c) for c in nx.strongly_connected_components(import_graph()) if len(c) > 1]
    assert cycles == []


def test_the_cycle_check_finds_a_cycle():
    graph = import_graph()
    graph.add_edge("models.py", "api.py")  # models would import api, which imports models
    assert any(len(c) > 1 for c in nx.strongly_connected_components(graph))
