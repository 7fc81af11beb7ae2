"""Fingerprints: what shapes each kind of stored result, so that a change to it makes the
result stale.

The package's code falls into groups by its folder layout, plus one declared table for the
modules at its top (:data:`TOP_LEVEL`):

* ``core``: the contracts and helpers every stage uses (models, errors, fsio, rules, units,
  wording, the garbage collector's policy);
* ``extract``, ``check``, ``state``, ``render``: every file under that folder (templates
  included), so a new file joins its folder's group by being there;
* ``shell``: api, cli, review, distributed, corpus: they run the others and shape no stored
  result.

Each kind of stored result depends on the groups of :data:`DEPENDS`, and its fingerprint
hashes their files (as a JSON encoding of path -> SHA-256) together with the fingerprint of
the result it is made from: :func:`documents` (the claim store's per-article rows),
:func:`checks` (the last run's check state) and :func:`outputs` (the output files' layouts).
``tests/test_structure.py`` checks that every file belongs to one group, that a group
imports only the groups it depends on, and that changing a file changes exactly the
fingerprints of the results that depend on its group.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pipeline.rules import Rules

PACKAGE = Path(__file__).resolve().parent.parent  # the ``pipeline`` folder
FOLDERS = ("extract", "check", "state", "render")
TOP_LEVEL = {
    "core": ("__init__.py", "models.py", "errors.py", "fsio.py", "rules.py", "units.py",
             "wording.py", "collector.py"),
    "shell": ("api.py", "cli.py", "review.py", "distributed.py", "corpus.py"),
}
GROUPS = ("core", *FOLDERS, "shell")
# The groups whose code shapes each kind of stored result.
DEPENDS = {
    "documents": ("core", "extract"),
    "checks": ("core", "extract", "check", "state"),
    "outputs": ("core", "extract", "check", "state", "render"),
}


def group_of(path: str) -> str | None:
    """The group of a file, by its path relative to the package (``extract/claims.py``);
    ``None`` when it is in none (a file at the top missing from :data:`TOP_LEVEL`)."""
    folder, _, rest = path.partition("/")
    if rest:
        return folder if folder in FOLDERS else None
    return next((group for group, names in TOP_LEVEL.items() if path in names), None)


def files(group: str, *, root: Path = PACKAGE) -> list[str]:
    """The files of a group, as paths relative to ``root``, sorted."""
    if group in TOP_LEVEL:
        return sorted(name for name in TOP_LEVEL[group] if (root / name).is_file())
    return sorted(p.relative_to(root).as_posix() for p in (root / group).rglob("*")
                  if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc")


def code(result: str, *, root: Path = PACKAGE) -> dict[str, str]:
    """Path -> SHA-256 of every file whose code shapes ``result`` (a key of DEPENDS)."""
    return {path: hashlib.sha256((root / path).read_bytes()).hexdigest()
            for group in DEPENDS[result] for path in files(group, root=root)}


def _digest(parts: dict[str, object]) -> str:
    text = json.dumps(parts, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def documents(rules: Rules, *, model: str, do_repair: bool, root: Path = PACKAGE) -> str:
    """What, besides an article's bytes, shapes its per-document results: the rules files,
    the spaCy model (name and installed version), the spaCy version, the run options and
    the code of the per-document stages."""
    import spacy

    return _digest({"rules": rules.fingerprint(), "model": model,
                    "model_version": spacy.util.get_package_version(model) or "",
                    "spacy": spacy.__version__, "repair": do_repair,
                    "code": code("documents", root=root)})


def checks(documents: str, *, root: Path = PACKAGE) -> str:
    """The check state's: the documents' fingerprint and the code of the checks and of the
    state tables."""
    return _digest({"documents": documents, "code": code("checks", root=root)})


def outputs(checks: str, *, root: Path = PACKAGE) -> str:
    """The output layouts': the check state's fingerprint (under which a claim id fixes the
    claim) and the code of the writers and their templates."""
    return _digest({"checks": checks, "code": code("outputs", root=root)})
