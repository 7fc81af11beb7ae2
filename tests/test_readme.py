"""The README's terminal sessions are real: every ```console block is run and compared.

Each block's ``$ command`` lines run in order, in one workspace shared by all blocks (a copy
of ``corpus/``, ``rules/`` and ``tests/data/incoming/``, laid out as in the repository and
the working directory of every command), with the project's ``claims`` on
the PATH. The output must equal the lines the README shows under the command, where

* a line ``...`` (any indentation) stands for any number of lines, and ``...`` at the end of
  a line for the rest of that line;
* timings (``2.6 s``) are masked.

So the README cannot drift from what the tool prints (issue 13). When the output changes on
purpose, paste the real output (the failure shows it) into the README.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import DATA, ROOT

pytestmark = [pytest.mark.model, pytest.mark.slow]

_BLOCK = re.compile(r"^```console\n(.*?)^```", re.S | re.M)
_TIMING = re.compile(r"\b\d+(?:\.\d+)? ?(?:s|ms)\b")


def sessions(text: str) -> list[list[tuple[str, list[str]]]]:
    """The README's console blocks: each a list of (command, expected output lines)."""
    blocks = []
    for body in _BLOCK.findall(text):
        steps: list[tuple[str, list[str]]] = []
        for line in body.splitlines():
            if line.startswith("$ "):
                steps.append((line[2:], []))
            elif steps:
                steps[-1][1].append(line)
        blocks.append(steps)
    return blocks


def _norm(line: str) -> str:
    return _TIMING.sub("<time>", line.rstrip())


def matches(expected: list[str], actual: list[str]) -> bool:
    """Whether ``actual`` fits ``expected`` with its ``...`` wildcards (see the module)."""
    exp = [_norm(x) for x in expected]
    act = [_norm(x) for x in actual]
    while exp and not exp[-1]:
        exp.pop()
    while act and not act[-1]:
        act.pop()

    def fit(i: int, j: int) -> bool:
        if i == len(exp):
            return j == len(act)
        if exp[i].strip() == "...":
            return any(fit(i + 1, k) for k in range(j, len(act) + 1))
        if j == len(act):
            return False
        line = exp[i]
        if line.endswith("...") and act[j].startswith(line[:-3]):
            return fit(i + 1, j + 1)
        return line == act[j] and fit(i + 1, j + 1)

    return fit(0, 0)


def test_wildcards():
    assert matches(["a", "...", "d"], ["a", "b", "c", "d"])
    assert matches(["a", "  ...", "b"], ["a", "b"])
    assert matches(["took 2.6 s"], ["took 3.1 s"])
    assert matches(["f-1  high  contradiction ..."], ["f-1  high  contradiction  X / y"])
    assert not matches(["a", "b"], ["a", "c"])
    assert not matches(["a"], ["a", "b"])


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("readme")
    shutil.copytree(ROOT / "corpus", root / "corpus")
    shutil.copytree(ROOT / "rules", root / "rules")
    shutil.copytree(DATA / "incoming", root / "tests" / "data" / "incoming")
    return root


def test_readme_sessions_match_real_output(workspace: Path, update_golden: bool):
    """With ``--update-golden``, a block whose output drifted is rewritten in the README with
    the real output (its ``...`` wildcards are lost: put back the ones worth keeping)."""
    readme = ROOT / "README.md"
    text = readme.read_text(encoding="utf-8")
    blocks = sessions(text)
    assert blocks, "the README has no console session"
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
               COLUMNS="200", NO_COLOR="1")
    drifted: list[str] = []
    bodies: list[str] = []
    for steps in blocks:
        body = []
        for command, expected in steps:
            done = subprocess.run(["bash", "-c", command], cwd=workspace, env=env,
                                  capture_output=True, text=True, timeout=900)
            actual = (done.stdout + done.stderr).splitlines()
            fits = matches(expected, actual)
            body += [f"$ {command}", *(expected if fits else actual)]
            if not fits:
                drifted.append(f"README session drifted: `$ {command}` printed\n"
                               + "\n".join(actual) + "\n\nbut the README shows\n"
                               + "\n".join(expected))
        bodies.append("\n".join(body) + "\n")
    if drifted and update_golden:
        parts = iter(bodies)
        readme.write_text(_BLOCK.sub(lambda _m: "```console\n" + next(parts) + "```", text),
                          encoding="utf-8")
        pytest.skip("README sessions rewritten from real output; review the diff")
    assert not drifted, "\n\n".join(drifted)
