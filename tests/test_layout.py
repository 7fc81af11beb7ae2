"""The package layout the README describes: one writer per output file, one template per
page, and checks that load no writer."""

from __future__ import annotations

import re
import subprocess
import sys

import pipeline.render
from pipeline import render
from tests.conftest import ROOT

TEMPLATES = ROOT / "pipeline" / "render" / "templates"


def test_importing_the_checks_loads_no_writer():
    """The checks read the sourcing helpers, not the graph: they load no writer and no
    template engine. (pint imports dask when it is installed, and dask imports jinja2: what
    the checks load is measured beyond what pint loads.)"""
    code = ("import sys, pint; before = set(sys.modules); import pipeline.check.checks; "
            "print(sorted(m for m in sys.modules if m.startswith('pipeline.render') or ("
            "m not in before and m.split('.')[0] in ('jinja2', 'markupsafe'))))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=ROOT, check=True)
    assert done.stdout.strip() == "[]"


def test_every_output_file_has_one_writer_named_in_the_docs():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    layout = readme[readme.index("## Layout"):]
    table = pipeline.render.__doc__ or ""
    for name, writer in [*render.WRITERS.items(),
                         *((f"{folder}/", w) for folder, w in render.FOLDERS.items())]:
        module = writer.__module__.removeprefix("pipeline.render.")
        assert f"| `{name}` | `render.{module}.{writer.__name__}` |" in layout, name
        row = next(line for line in table.splitlines() if line.startswith(f"``{name}``"))
        assert f":func:`{module}.{writer.__name__}`" in row, name
    assert list(render.WRITERS) == list(render.FILES)


def test_one_template_per_page():
    """One template per kind of page: the Markdown page, and the HTML report's pages
    (``report.html`` and those of ``report/`` share their style, script and macros)."""
    pages = {path.name.removesuffix(".j2") for path in TEMPLATES.glob("*.j2")}
    assert pages == {"contradictions.md", "report.html"}
    assert pages <= set(render.FILES)


def test_every_module_is_named_in_the_readme_layout():
    """A newcomer finds every module of the package in the README's layout section (its file
    name, or its name as written in code: `ingest`, `results.Entry`, `render.splice`): a new
    module is documented where it lives, or this fails."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    layout = readme[readme.index("## Layout"):]
    layout = layout[:layout.find("\n## ", 1)] if "\n## " in layout[1:] else layout
    package = ROOT / "pipeline"
    missing = [str(path.relative_to(ROOT)) for path in sorted(package.rglob("*.py"))
               if path.name != "__init__.py" and path.name not in layout
               and not re.search(rf"`(?:[\w.]+\.)?{path.stem}(?:\.[\w.]+)?`", layout)]
    assert missing == []
