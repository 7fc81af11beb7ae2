"""Rebuild ``benchmarks/stories/texts/`` (the development texts) from saved search answers.

README: rebuilding the texts
----------------------------
The texts are other publishers' words, so git ignores them; the key (``key.yaml``, or the
parts ``key-*.yaml`` while it does not exist) records for every article its ``url``, the
``query`` that found it and the ``sha256`` of its text. Each text is the ``excerpt`` of a
result of the ``search`` tool over its ``pages`` corpus (a tool an engineer calls in a
session, not a shell command), saved verbatim as ``texts/<cluster>/<doc>.txt``. To rebuild:

1. ``.venv/bin/python benchmarks/stories/rebuild.py check`` lists every missing or changed
   text and, grouped, the queries to search for.
2. For each query, call ``search`` with ``corpus: pages`` and that query, and save the JSON
   answer as it came (``{"results": [{"url": ..., "excerpt": ...}, ...]}``) to a file outside
   the repository, e.g. ``/tmp/answers/01.json``.
3. ``.venv/bin/python benchmarks/stories/rebuild.py save /tmp/answers/*.json`` writes the
   excerpt of every result whose URL is an article of the key to its file and checks the
   sha256 against the key.
4. Repeat from 1 until ``check`` reports nothing missing (exit code 0). A text whose stored
   page changed since the key was written stays ``changed``: ``benchmarks/findings.py`` runs
   it but marks its cluster incomplete.

Usage
-----
    .venv/bin/python benchmarks/stories/rebuild.py check [--key FILE] [--texts DIR]
    .venv/bin/python benchmarks/stories/rebuild.py save RESULTS.json [...] [--key FILE]
        [--texts DIR]

``check`` exits 1 when a text is missing or changed. ``save`` matches a result to an article
when their URLs are equal, or equal after dropping the scheme, a leading ``www.``, the
fragment and a trailing ``/``; a result field named ``address`` or ``link`` is read when
``url`` is absent. The excerpt is written as UTF-8 exactly as decoded from the JSON (``\\n``
a newline, ``\\u2019`` a ’); when its sha256 differs from the key's, the same text with a
final newline added or removed is tried (file tools differ on that), and if no variant
matches the excerpt is written as it came and reported as ``sha256 differs``. A file that
already matches the key is never rewritten. Cluster and document names must be plain names
(letters, digits, ``.``, ``_``, ``-``): nothing is written outside ``--texts``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from findings import (  # noqa: E402  (benchmarks/findings.py: one key reader)
    Article,
    Cluster,
    check_texts,
    key_files,
    load_key,
    text_path,
)

_PLAIN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


def url_key(url: str) -> str:
    """A URL without scheme, leading ``www.``, fragment and trailing ``/``."""
    parts = urlsplit(url.strip())
    host = parts.netloc.lower().removeprefix("www.")
    path = parts.path.rstrip("/")
    query = f"?{parts.query}" if parts.query else ""
    return f"{host}{path}{query}"


def load(args: argparse.Namespace) -> list[Cluster]:
    files = args.key or key_files(HERE)
    if not files:
        raise SystemExit(f"Error: no key file in {HERE} (key.yaml or key-*.yaml); pass --key")
    clusters, problems = load_key(files)
    for problem in problems:
        print(f"key problem: {problem}")
    return clusters


def check(args: argparse.Namespace) -> int:
    clusters = load(args)
    wanted: dict[str, list[str]] = defaultdict(list)
    rows: list[tuple[str, int, int, int, int]] = []
    lines: list[str] = []
    for cluster in clusters:
        _, trouble = check_texts(cluster, args.texts)
        missing = changed = 0
        by_doc = {a.doc: a for a in cluster.articles}
        for doc, what in trouble.items():
            article = by_doc[doc]
            if what == "missing":
                missing += 1
            elif what.startswith("changed"):
                changed += 1
            else:
                lines.append(f"{cluster.name}/{doc}.txt: {what}")
                continue
            lines.append(f"{cluster.name}/{doc}.txt: {what}; query {article.query!r}, "
                         f"url {article.url}")
            wanted[article.query or f"(no query in the key; find {article.url})"].append(
                f"{cluster.name}/{doc}")
        total = len(cluster.articles)
        rows.append((cluster.name, total, total - missing - changed, missing, changed))
    width = max([len("cluster"), *(len(r[0]) for r in rows)])
    print(f"{'cluster':<{width}}  articles     ok  missing  changed")
    for name, total, ok, missing, changed in rows:
        print(f"{name:<{width}}  {total:>8}  {ok:>5}  {missing:>7}  {changed:>7}")
    sums = [sum(r[1] for r in rows), sum(r[2] for r in rows), sum(r[3] for r in rows),
            sum(r[4] for r in rows)]
    print(f"{'all':<{width}}  {sums[0]:>8}  {sums[1]:>5}  {sums[2]:>7}  {sums[3]:>7}")
    for line in lines:
        print(line)
    if wanted:
        print(f"\n{len(wanted)} queries to search (corpus: pages), then `rebuild.py save`:")
        for query, docs in wanted.items():
            print(f"  {query}    -> {', '.join(docs)}")
    return 1 if sums[2] or sums[3] else 0


def results_of(path: Path) -> list[dict[str, Any]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    found = data.get("results") if isinstance(data, dict) else data
    if not isinstance(found, list):
        raise SystemExit(f"Error: {path}: no 'results' list (save the search answer as it "
                         "came)")
    return [r for r in found if isinstance(r, dict)]


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def variants(excerpt: str) -> list[tuple[str, str]]:
    """The excerpt as it came, then with a final newline added or removed."""
    found: dict[str, str] = {}
    for text, how in ((excerpt, "as it came"), (excerpt + "\n", "final newline added"),
                      (excerpt.rstrip("\n"), "final newlines removed"),
                      (excerpt.rstrip("\n") + "\n", "one final newline")):
        found.setdefault(text, how)
    return list(found.items())


def save(args: argparse.Namespace) -> int:
    clusters = load(args)
    by_url: dict[str, list[tuple[Cluster, Article]]] = defaultdict(list)
    for cluster in clusters:
        for article in cluster.articles:
            if article.url:
                by_url[article.url.strip()].append((cluster, article))
                by_url[url_key(article.url)].append((cluster, article))
    counts = {"saved": 0, "already ok": 0, "sha256 differs": 0, "not in the key": 0,
              "refused": 0}
    for path in args.results:
        for result in results_of(path):
            url = str(result.get("url") or result.get("address") or result.get("link") or "")
            excerpt = result.get("excerpt")
            targets = (by_url.get(url.strip()) or by_url.get(url_key(url))) if url else None
            if not targets or not isinstance(excerpt, str):
                counts["not in the key"] += 1
                continue
            done: set[tuple[str, str]] = set()
            for cluster, article in targets:
                if (cluster.name, article.doc) in done:
                    continue
                done.add((cluster.name, article.doc))
                name = f"{cluster.name}/{article.doc}.txt"
                if not (_PLAIN.fullmatch(cluster.name) and _PLAIN.fullmatch(article.doc)):
                    print(f"{name}: not a plain cluster/document name; not written")
                    counts["refused"] += 1
                    continue
                dest = text_path(args.texts, cluster.name, article.doc)
                if dest.is_file() and article.sha256 and \
                        hashlib.sha256(dest.read_bytes()).hexdigest() == article.sha256:
                    counts["already ok"] += 1
                    continue
                choice = next(((t, how) for t, how in variants(excerpt)
                               if _sha(t) == article.sha256), None)
                dest.parent.mkdir(parents=True, exist_ok=True)
                if choice is None:
                    dest.write_bytes(excerpt.encode("utf-8"))
                    counts["sha256 differs"] += 1
                    print(f"{name}: written from {path.name}, but its sha256 differs from the "
                          "key (the stored page changed?)")
                else:
                    dest.write_bytes(choice[0].encode("utf-8"))
                    counts["saved"] += 1
                    print(f"{name}: saved from {path.name} ({choice[1]}), sha256 ok")
    print(", ".join(f"{k} {v}" for k, v in counts.items()))
    return 1 if counts["sha256 differs"] or counts["refused"] else 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--key", type=Path, action="append", metavar="FILE",
                        help="key file (repeatable; default: key.yaml, else key*.yaml)")
    common.add_argument("--texts", type=Path, default=HERE / "texts",
                        help="texts folder (default: benchmarks/stories/texts)")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("check", parents=[common],
                        help="list missing or changed texts and what to search")
    saver = commands.add_parser("save", parents=[common],
                                help="write texts from saved search answers")
    saver.add_argument("results", type=Path, nargs="+", help="saved search answers (JSON)")
    args = parser.parse_args(argv)
    return check(args) if args.command == "check" else save(args)


if __name__ == "__main__":
    raise SystemExit(main())
