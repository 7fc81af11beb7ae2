"""Benchmark the repair stage on sentences damaged like corpus seed 000 (issue 4).

Every clean sentence of ``tests/data/repair_cases.yaml`` (``articles``) is damaged with the
renderer simulation ``damage`` (text between two ``$`` signs loses spaces and ``$`` signs,
``'`` -> ``′``, ``**`` -> ``∗∗``, ``-`` -> ``−``, ``"`` -> ``”``) and put back in its article, the
other sentences clean, as one document. Each method then tries to recover the sentence:

* ``no repair``: the damaged text as is;
* ``wordninja``: every token with a lookalike or a letter/digit glue replaced by
  ``" ".join(wordninja.split(token))`` (plain segmentation, no document words, no ``$``);
* ``repair -docvocab``: :func:`pipeline.extract.repair.repair` with the English word list only;
* ``repair``: :func:`pipeline.extract.repair.repair` as the pipeline runs it.

Printed per method: exact sentence recovery, figure recovery (each ``$`` figure of the clean
sentence, e.g. ``$3.6 billion``, found verbatim in the output), number recovery (the same
without the ``$``, e.g. ``3.6 billion``) and token accuracy (share of clean tokens matched in
order). Then false positives on clean text and detection on seed 000.

Run: ``/tmp/venv/bin/python benchmarks/repair.py``
"""

from __future__ import annotations

import difflib
import hashlib
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

import wordninja
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.extract.repair import repair  # noqa: E402
from pipeline.models import Document  # noqa: E402
from tests.test_repair import damage  # noqa: E402

CASES = yaml.safe_load((ROOT / "tests" / "data" / "repair_cases.yaml").read_text("utf-8"))
FIGURE = re.compile(r"\$\d[\d,.]*\d(?: (?:billion|million|trillion))?|\$\d(?: (?:billion|"
                    r"million|trillion))?")
GLUE = re.compile(r"[A-Za-z]\d|\d[A-Za-z]|[′∗−]")


def document(text: str) -> Document:
    digest = hashlib.sha256(text.encode()).hexdigest()
    return Document(id=digest[:16], path="bench.txt", text=text, sha256=digest)


def no_repair(text: str) -> str:
    return text


def plain_wordninja(text: str) -> str:
    return re.sub(r"\S+", lambda m: " ".join(wordninja.split(m.group()))
                  if GLUE.search(m.group()) else m.group(), text)


def full_repair(text: str) -> str:
    return repair(document(text)).text


def repair_without_doc_vocab(text: str) -> str:
    return repair(document(text), document_vocabulary=False).text


METHODS: dict[str, Callable[[str], str]] = {
    "no repair": no_repair,
    "wordninja": plain_wordninja,
    "repair -docvocab": repair_without_doc_vocab,
    "repair": full_repair,
}


def token_accuracy(clean: str, got: str) -> tuple[int, int]:
    a, b = clean.split(), got.split()
    matched = sum(block.size for block in difflib.SequenceMatcher(a=a, b=b).get_matching_blocks())
    return matched, len(a)


def _strings(data: object) -> list[str]:
    if isinstance(data, str):
        return [data]
    if isinstance(data, dict):
        data = list(data.values())
    if isinstance(data, list):
        return [s for item in data for s in _strings(item)]
    return []


def other_tables() -> list[tuple[str, str]]:
    """Lines with two or more ``$`` from the other stages' test tables, damaged, no context."""
    lines: dict[str, None] = {}
    for path in sorted((ROOT / "tests" / "data").glob("*.yaml")):
        if path.name == "repair_cases.yaml":
            continue
        for text in _strings(yaml.safe_load(path.read_text("utf-8"))):
            lines.update((line, None) for line in text.split("\n") if damage(line) != line)
    return [(line, damage(line)) for line in lines]


def table(title: str, items: list[tuple[str, str]]) -> None:
    n_figures = sum(len(FIGURE.findall(clean)) for clean, _ in items)
    print(f"{title}: {len(items)} damaged sentences, {n_figures} $ figures\n")
    print(f"{'method':<18} {'exact':>12} {'$ figures':>14} {'numbers':>14} {'tokens':>8} "
          f"{'ms/doc':>7}")
    for name, method in METHODS.items():
        exact = figures = numbers = matched = total = 0
        started = time.perf_counter()
        for clean, text in items:
            got = method(text).split("\n\n")[0]
            exact += got == clean
            wanted = FIGURE.findall(clean)
            figures += sum(1 for f in wanted if f in got)
            numbers += sum(1 for f in wanted if f[1:] in got)
            m, t = token_accuracy(clean, got)
            matched, total = matched + m, total + t
        ms = 1000 * (time.perf_counter() - started) / len(items)
        print(f"{name:<18} {exact:>4}/{len(items)} {exact / len(items):>5.0%} "
              f"{figures:>5}/{n_figures} {figures / n_figures:>5.0%} "
              f"{numbers:>5}/{n_figures} {numbers / n_figures:>5.0%} "
              f"{matched / total:>8.1%} {ms:>7.2f}")
    print()


def main() -> None:
    items = []
    for article in CASES["articles"]:
        for i, clean in enumerate(article):
            context = [s for j, s in enumerate(article) if j != i]
            items.append((clean, "\n\n".join([damage(clean), *context])))
    table("articles (repair_cases.yaml, rest of the article as context)", items)
    table("other stages' test tables (one line, no context)", other_tables())

    print("false positives on clean text (repairs made; want 0):")
    clean_texts = [(c["id"], c["text"]) for c in CASES["clean"]]
    clean_texts += [(p.name, p.read_text("utf-8"))
                    for p in sorted((ROOT / "corpus").glob("00[1-4]_*.txt"))]
    clean_texts += [("articles (undamaged)", "\n\n".join(s for a in CASES["articles"] for s in a))]
    clean_texts += [("other stages' tables", "\n\n".join(
        s for p in sorted((ROOT / "tests" / "data").glob("*.yaml")) if p.name != "repair_cases.yaml"
        for s in _strings(yaml.safe_load(p.read_text("utf-8")))))]
    for name, text in clean_texts:
        result = repair(document(text))
        print(f"  {name:<28} {len(result.repairs)}{'' if result.text == text else '  CHANGED'}")

    seed = CASES["seed_000"]
    text = (ROOT / seed["path"]).read_text("utf-8")
    result = repair(document(text))
    left = len(re.findall(r"[′∗−]", result.text))
    found = sum(f in result.text for f in seed["figures"])
    print(f"\nseed 000: {len(result.repairs)} garbled runs repaired, {left} lookalikes left, "
          f"{found}/{len(seed['figures'])} expected figure phrases readable")


if __name__ == "__main__":
    main()
