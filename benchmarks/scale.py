"""Scale benchmark: end-to-end extraction on growing corpora, against a bare spaCy parse.

    /tmp/venv/bin/python benchmarks/scale.py                      # 100, 1,000 and 10,000
    /tmp/venv/bin/python benchmarks/scale.py --sizes 100,1000     # a quick run
    /tmp/venv/bin/python benchmarks/scale.py --sizes 100 --jobs 2 --keep /tmp/scale

Corpora are built by sampling real sentences — the seed articles in ``corpus/``, the test
articles in ``tests/data/tiny`` and the sentences of the test tables in ``tests/data/*.yaml``
— and recombining them across subjects into articles of ``--sentences`` sentences in
paragraphs of three (seeded, so every run builds the same corpora). The test tables are
dense with figures, so sentences are drawn to match the seeds' share of sentences that hold
a quantity (``--share`` to change it). For each size it prints:

* wall time of ``pipeline.api.extract`` on a fresh output folder (child process),
* tokens/s (spaCy tokens of the corpus / extraction wall time),
* peak memory (``resource.getrusage`` max RSS of the child, and of its parser processes),
* claims and findings, and the check stage's time per claim (near-linear is the target),
* the bare full spaCy parse of the same texts (``nlp.pipe``, same model, all components,
  another child process) and the ratio bare / end-to-end (target >= 1.5),

then the time to add one new article to the largest corpus with ``pipeline.api.add``
(target < 3 s): three articles named to sort after every other (the median is the figure)
and one named to sort first (every later source's number in ``report.html`` changes), each
in a child process, timed inside ``api.add`` and as the whole process (imports included),
with the output bytes rendered and copied. Targets are printed, never asserted.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

GIB = 1024**3
TARGET_RATIO = 1.5
TARGET_ADD_SECONDS = 3.0
TARGET_PEAK_GIB = 4.0


# --- corpus building -----------------------------------------------------------------------


def _yaml_texts(value: object) -> list[str]:
    """Every ``text`` string anywhere in a loaded YAML document."""
    found: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "text" and isinstance(item, str):
                found.append(item)
            else:
                found += _yaml_texts(item)
    elif isinstance(value, list):
        for item in value:
            found += _yaml_texts(item)
    return found


def sentence_pool() -> list[str]:
    """Real sentences from the seeds, the tiny test corpus and the test tables."""
    from pipeline.extract.parse import segments

    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "corpus").glob("*.txt"))]
    texts += [p.read_text(encoding="utf-8") for p in sorted((ROOT / "tests/data/tiny").iterdir())
              if p.is_file()]
    for path in sorted((ROOT / "tests/data").glob("*.yaml")):
        try:
            texts += _yaml_texts(yaml.safe_load(path.read_text(encoding="utf-8")))
        except yaml.YAMLError:
            continue
    pool: list[str] = []
    for text in texts:
        for start, end in segments(text):
            sentence = " ".join(text[start:end].split())
            if 30 <= len(sentence) <= 400 and re.search(r"[a-z]{3}", sentence) \
                    and not sentence.startswith(("#", "|", "-", "*")):
                pool.append(sentence)
    return sorted(set(pool))


def split_pool(pool: list[str]) -> tuple[list[str], list[str]]:
    """Sentences with a quantity (as the quantities stage sees them) and without."""
    from pipeline.extract import quantities
    from pipeline.rules import load_rules

    registry = load_rules(ROOT / "rules").registry
    numeric, plain = [], []
    for sentence in pool:
        found = quantities.extract_quantities(sentence, doc_id="pool", registry=registry)
        (numeric if found else plain).append(sentence)
    return numeric, plain


def seed_share() -> float:
    """Share of the seed articles' sentences that hold a quantity (news-like density)."""
    from pipeline.extract.parse import segments

    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "corpus").glob("*.txt"))]
    sentences = [text[s:e] for text in texts for s, e in segments(text)]
    numeric, _ = split_pool(sentences)
    return len(numeric) / max(1, len(sentences))


def make_article(rng: random.Random, numeric: list[str], plain: list[str], sentences: int,
                 share: float) -> str:
    """Sentences drawn across subjects, each holding a quantity with probability ``share``."""
    picked = [rng.choice(numeric if rng.random() < share else plain) for _ in range(sentences)]
    title = re.sub(r"[.!?]+$", "", picked[0])[:90]
    paragraphs = [" ".join(picked[i:i + 3]) for i in range(0, len(picked), 3)]
    return title + "\n\n" + "\n\n".join(paragraphs) + "\n"


def build_corpus(folder: Path, size: int, *, numeric: list[str], plain: list[str],
                 sentences: int, share: float, seed: int) -> list[str]:
    rng = random.Random(f"{seed}:{size}")
    folder.mkdir(parents=True, exist_ok=True)
    texts = []
    for i in range(size):
        text = make_article(rng, numeric, plain, sentences, share)
        (folder / f"a{i:05d}.txt").write_text(text, encoding="utf-8")
        texts.append(text)
    return texts


# --- child processes -----------------------------------------------------------------------


def _peak() -> dict[str, int]:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    return {"peak_self": own, "peak_children": kids}


def child_extract(corpus: str, out: str, jobs: int) -> dict[str, object]:
    from pipeline import api
    from pipeline.check import checks
    from pipeline.rules import load_rules

    start = time.perf_counter()
    result = api.extract(corpus, out=out, rules_dir=ROOT / "rules", jobs=jobs)
    wall = time.perf_counter() - start
    rules = load_rules(ROOT / "rules")
    start = time.perf_counter()
    checks.run_checks(result.claims, rules=rules)
    check_seconds = time.perf_counter() - start
    return {"wall": wall, "documents": len(result.documents), "claims": len(result.claims),
            "findings": len(result.findings), "check_seconds": check_seconds,
            "timings": result.timings, **_peak()}


def child_bare(corpus: str, jobs: int) -> dict[str, object]:
    import spacy

    from pipeline.extract.parse import default_model_name

    texts = [p.read_text(encoding="utf-8") for p in sorted(Path(corpus).glob("*.txt"))]
    nlp = spacy.load(default_model_name())
    list(nlp.pipe(texts[:2]))
    start = time.perf_counter()
    tokens = sum(len(doc) for doc in nlp.pipe(texts, batch_size=64, n_process=jobs))
    return {"wall": time.perf_counter() - start, "tokens": tokens,
            "components": nlp.pipe_names, **_peak()}


def child_add(source: str, corpus: str, out: str) -> dict[str, object]:
    from pipeline import api

    start = time.perf_counter()
    result = api.add([source], corpus=corpus, out=out, rules_dir=ROOT / "rules")
    run = result.run
    return {"wall": time.perf_counter() - start, "added": len(result.added),
            "new_findings": len(result.new_findings),
            "parsed": run.parsed if run else 0,
            "incremental": run.incremental if run else False,
            "rendered": sum(s.bytes_rendered for s in run.output_stats.values()) if run else 0,
            "reused": sum(s.bytes_reused for s in run.output_stats.values()) if run else 0,
            "timings": run.timings if run else {}, **_peak()}


def in_child(*args: str, timeout: float) -> dict[str, Any]:
    """Run this script in a child process for one measurement; its JSON answer."""
    done = subprocess.run([sys.executable, __file__, "--child", *args], capture_output=True,
                          text=True, timeout=timeout, cwd=ROOT)
    if done.returncode != 0:
        raise RuntimeError(f"child {args[0]} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# --- main ----------------------------------------------------------------------------------


def stages(timings: dict[str, float]) -> str:
    """``load 0.4 s, documents 12.0 s, ...`` from a run's timings."""
    return ", ".join(f"{name} {seconds:.1f} s" for name, seconds in timings.items())


def gib(n: int) -> str:
    return f"{n / GIB:.2f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100,1000,10000",
                        help="comma-separated corpus sizes (articles)")
    parser.add_argument("--sentences", type=int, default=15, help="sentences per article")
    parser.add_argument("--jobs", type=int, default=1, help="parser processes (--jobs)")
    parser.add_argument("--share", type=float, help="share of sentences holding a quantity "
                        "(default: as in the seed articles)")
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--timeout", type=float, default=4 * 3600,
                        help="seconds allowed per measurement")
    parser.add_argument("--keep", type=Path, help="build corpora here and keep them")
    parser.add_argument("--no-bare", action="store_true", help="skip the bare spaCy parse")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, *rest = args.child
        answer = {"extract": lambda: child_extract(rest[0], rest[1], int(rest[2])),
                  "bare": lambda: child_bare(rest[0], int(rest[1])),
                  "add": lambda: child_add(rest[0], rest[1], rest[2])}[kind]()
        print(json.dumps(answer))
        return

    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    numeric, plain = split_pool(sentence_pool())
    share = seed_share() if args.share is None else args.share
    work = args.keep or Path(tempfile.mkdtemp(prefix="claims-scale-"))
    print(f"sentence pool: {len(numeric)} real sentences with a quantity, {len(plain)} "
          f"without; {args.sentences} per article, {share:.0%} with a quantity (as in the "
          f"seeds); jobs={args.jobs}; work folder {work}")
    header = ("| articles | tokens | extract s | tokens/s | peak GiB | claims | findings | "
              "check µs/claim | bare parse s | bare/extract |")
    print(header)
    print("|---" * 10 + "|")
    rows = []
    for size in sizes:
        corpus = work / f"corpus_{size}"
        out = work / f"out_{size}"
        shutil.rmtree(corpus, ignore_errors=True)
        shutil.rmtree(out, ignore_errors=True)
        build_corpus(corpus, size, numeric=numeric, plain=plain, sentences=args.sentences,
                     share=share, seed=args.seed)
        run = in_child("extract", str(corpus), str(out), str(args.jobs), timeout=args.timeout)
        bare = None if args.no_bare else in_child("bare", str(corpus), str(args.jobs),
                                                  timeout=args.timeout)
        tokens = bare["tokens"] if bare else 0
        peak = max(int(run["peak_self"]), int(run["peak_children"]))
        per_claim = 1e6 * float(run["check_seconds"]) / max(1, int(run["claims"]))
        ratio = float(bare["wall"]) / float(run["wall"]) if bare else float("nan")
        rows.append((size, run, bare))
        print(f"| {size:,} | {tokens:,} | {float(run['wall']):.1f} | "
              f"{tokens / float(run['wall']):,.0f} | {gib(peak)} | {run['claims']:,} | "
              f"{run['findings']:,} | {per_claim:.0f} | "
              f"{float(bare['wall']) if bare else float('nan'):.1f} | {ratio:.2f}x |",
              flush=True)

    largest = max(sizes)
    for size, run, _ in rows:
        print(f"  stages at {size:,}: {stages(run['timings'])}")
    rng = random.Random(f"{args.seed}:add")
    incoming = work / "incoming"
    shutil.rmtree(incoming, ignore_errors=True)
    incoming.mkdir()
    adds = []
    # three articles whose names sort after every article, one whose name sorts first (every
    # later document's number in the report changes)
    for name in ("new_article_1.txt", "new_article_2.txt", "new_article_3.txt",
                 "000_first.txt"):
        source = incoming / name
        source.write_text(make_article(rng, numeric, plain, args.sentences, share),
                          encoding="utf-8")
        start = time.perf_counter()
        added = in_child("add", str(source), str(work / f"corpus_{largest}"),
                         str(work / f"out_{largest}"), timeout=args.timeout)
        added["process"] = time.perf_counter() - start
        adds.append((name, added))
        print(f"\nadd {name} to {largest:,}: {float(added['wall']):.2f} s in api.add "
              f"({float(added['process']):.2f} s as a whole process, imports included); "
              f"incremental={added['incremental']}, parsed {added['parsed']} article(s), "
              f"{added['new_findings']} new finding(s); output bytes rendered "
              f"{int(added['rendered']):,}, copied {int(added['reused']):,}\n"
              f"  stages of the run after the copy: {stages(added['timings'])}")
    at_end = sorted(float(a["wall"]) for n, a in adds if n.startswith("new_"))
    add_s = at_end[len(at_end) // 2]
    first_s = float(adds[-1][1]["wall"])
    print("\ntargets (printed, not asserted):")
    for size, run, bare in rows:
        if bare:
            ratio = float(bare["wall"]) / float(run["wall"])
            verdict = "met" if ratio >= TARGET_RATIO else "MISSED"
            print(f"  {size:>6,} articles: end-to-end {ratio:.2f}x faster than the bare full "
                  f"parse (target >= {TARGET_RATIO}x): {verdict}")
    peak = max(int(rows[-1][1]["peak_self"]), int(rows[-1][1]["peak_children"]))
    verdict = "met" if peak < TARGET_PEAK_GIB * GIB else "MISSED"
    print(f"  peak memory at {rows[-1][0]:,} articles: {gib(peak)} GiB (target < "
          f"{TARGET_PEAK_GIB} GiB at 10,000): {verdict}")
    print(f"  add one article to {largest:,}: median {add_s:.2f} s of three (target < "
          f"{TARGET_ADD_SECONDS} s at 10,000): "
          f"{'met' if add_s < TARGET_ADD_SECONDS else 'MISSED'}; one named to sort first "
          f"(renumbers every later source in report.html): {first_s:.2f} s")
    per = [1e6 * float(r["check_seconds"]) / max(1, int(r["claims"]))
           for _, r, _ in rows]
    print("  check stage µs/claim by size: " + ", ".join(f"{p:.0f}" for p in per)
          + " (near-linear when roughly flat)")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
