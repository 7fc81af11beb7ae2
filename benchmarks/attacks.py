"""Hostile and data-heavy articles: time and memory against a clean article of the same size.

    .venv/bin/python benchmarks/attacks.py                     # every case, full size
    .venv/bin/python benchmarks/attacks.py --case minus-ones --case commas
    .venv/bin/python benchmarks/attacks.py --scale 0.1         # every size a tenth (quick)
    .venv/bin/python benchmarks/attacks.py --list

Each case (issue 19's table, plus any added below) writes one bad article (the case's payload
inside an ordinary short article) next to a good one (``good.txt``, a short article with five
figures) into a fresh corpus and runs
``pipeline.api.extract`` on it in a child process (2 cores, one job), with a wall-clock limit
(``--timeout``, default 300 s; a run over it is killed and shown as ``killed``). For each case
it prints:

* seconds and peak memory (``ru_maxrss`` of the child) of the run;
* the same for a *clean* article of the same size (real-looking news sentences drawn like
  ``benchmarks/scale.py``'s corpora, padded to the bad article's byte length), run the same
  way, and the ratios bad / clean (the targets: at most 10x the time and 2x the memory);
* what became of the bad article (claims, findings, or the skip line);
* whether the good article's claims are unchanged (compared with a run of ``good.txt`` alone).

``add-repeated`` is the ``claims add`` case: a 10-article corpus is extracted first, then the
bad article is added with ``pipeline.api.add`` (timed alone; the clean baseline is the add of
the clean article).

Targets are printed, never asserted; ``tests/test_attacks.py`` keeps small sizes of the fast
cases in CI, asserting growth between two sizes in one run, never an absolute time.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import random
import resource
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

GOOD = ("Harbour Freight Ltd said on Tuesday that it handled 2.4 million containers in 2025, up "
        "8% from a year earlier.\nRevenue rose to $1.9 billion, the company said, and it plans "
        "to hire about 300 dock workers.\nRival Portline said its own revenue was $1.2 billion "
        "in 2025.\n")
ZETA = ("Zeta Corp said its revenue was $12 million in 2025 and profit reached $3 million. ")
MiB = 1024 * 1024


# --- the cases ---------------------------------------------------------------------------------


def _figures(n: int) -> str:
    return ("Acme said its revenue figures were "
            + ", ".join(f"${i} million" for i in range(1, n + 1)) + ".\n")


def _sentences(n: int) -> str:
    return "".join(f"Acme{i} said revenue was ${i} million in 2025.\n" for i in range(1, n + 1))


def _latex(n: int) -> str:
    return "Compute costs: " + r"\$1.25\text{billion}/\text{month}forthecompute " * n + "\n"


def _small_numbers(n: int) -> str:
    rng = random.Random(7)
    return "the counts were " + " ".join(str(rng.randint(1, 99)) for _ in range(n)) + ".\n"


# Every payload sits inside an otherwise ordinary article, so that it is read as one (a file of
# the payload alone is skipped as "too little text for an article").
HEAD = ("Acme Corp reports its annual results\n\nAcme Corp, the maker of industrial pumps, "
        "published its annual report on Monday. The company said demand from water utilities "
        "stayed strong through the year.\n")
TAIL = ("\nThe chief executive said the company would keep investing in new plants. Shares of "
        "Acme Corp rose 2% on Monday.\n")


@dataclass(frozen=True)
class Case:
    name: str
    what: str
    payload: Callable[[float], str]  # scale -> the hostile part of the article
    add: bool = False  # run as ``claims add`` into a 10-article corpus

    def text(self, scale: float) -> str:
        return HEAD + self.payload(scale) + TAIL


def _n(base: int, scale: float) -> int:
    return max(1, int(base * scale))


CASES = [
    Case("figures-1k", "one sentence, 1,000 figures", lambda s: _figures(_n(1000, s))),
    Case("figures-10k", "one sentence, 10,000 figures", lambda s: _figures(_n(10_000, s))),
    Case("sentences-20k", "20,000 sentences 'AcmeN said revenue was $N million in 2025.'",
         lambda s: _sentences(_n(20_000, s))),
    Case("minus-ones", "'revenue was ' + '-1' x 450,000 + ' million'",
         lambda s: "revenue was " + "-1" * _n(450_000, s) + " million\n"),
    Case("ones", "'revenue was ' + '1 ' x 450,000 + 'million'",
         lambda s: "revenue was " + "1 " * _n(450_000, s) + "million\n"),
    Case("januaries", "'revenue was $40 million in ' + 'January ' x 100,000 + '2025'",
         lambda s: "revenue was $40 million in " + "January " * _n(100_000, s) + "2025\n"),
    Case("small-numbers", "'the counts were ' + 100,000 small numbers",
         lambda s: _small_numbers(_n(100_000, s))),
    Case("commas", "'revenue was ' + ',' x 900,000",
         lambda s: "revenue was " + "," * _n(900_000, s) + "\n"),
    Case("dollars", "'revenue was ' + '$' x 900,000 + '40 million'",
         lambda s: "revenue was " + "$" * _n(900_000, s) + "40 million\n"),
    Case("latex", "LaTeX-mangled run x 10,000", lambda s: _latex(_n(10_000, s))),
    Case("add-repeated", "claims add: 820 KB of one repeated sentence (10,000 x Zeta Corp...)",
         lambda s: ZETA * _n(10_000, s), add=True),
]
BY_NAME = {c.name: c for c in CASES}


# --- the clean article of the same size ---------------------------------------------------------


def clean_text(size: int, seed: int = 11) -> str:
    """Real-looking news text of ``size`` bytes (UTF-8), built like the scale corpora."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("_scale", ROOT / "benchmarks" / "scale.py")
    assert spec and spec.loader
    scale = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(scale)
    numeric, plain = scale.split_pool(scale.sentence_pool())
    rng = random.Random(seed)
    parts: list[str] = []
    total = 0
    while total < size:
        part = scale.make_article(rng, numeric, plain, 12, scale.seed_share()) + "\n"
        parts.append(part)
        total += len(part.encode("utf-8"))
    return "".join(parts).encode("utf-8")[:size].decode("utf-8", "ignore")


# --- running one corpus in a child process ----------------------------------------------------


def _child(kind: str, args: dict[str, Any], queue: Any) -> None:
    from pipeline import api

    start = time.perf_counter()
    if kind == "extract":
        result = api.extract(args["corpus"], out=args["out"], rules_dir=ROOT / "rules")
        run = result
    else:
        added = api.add([args["source"]], corpus=args["corpus"], out=args["out"],
                        rules_dir=ROOT / "rules")
        run = added.run
    seconds = time.perf_counter() - start
    claims = json.loads("[" + ",".join(
        (Path(args["out"]) / "claims.jsonl").read_text("utf-8").splitlines()) + "]")
    queue.put({
        "seconds": seconds,
        "rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
        "claims": [(c["doc"], c["span"]["start"], c["span"]["end"], c["normalized"]["low"],
                    c["subject"], c["metric"]) for c in claims],
        "findings": len(run.findings) if run else 0,
        "skipped": [(s.path, s.reason) for s in run.skipped] if run else [],
    })


def run_child(kind: str, args: dict[str, Any], timeout: float) -> dict[str, Any] | None:
    """Run one extract/add in a fresh process; ``None`` when killed at ``timeout``."""
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=_child, args=(kind, args, queue))
    process.start()
    try:
        return queue.get(timeout=timeout)
    except Exception:  # noqa: BLE001 - queue.Empty: the run is over its limit
        return None
    finally:
        process.kill() if process.is_alive() else None
        process.join()


def _corpus(folder: Path, bad_name: str | None, bad: str | None, *, extra: int = 0) -> Path:
    corpus = folder / "corpus"
    corpus.mkdir(parents=True)
    (corpus / "good.txt").write_text(GOOD, encoding="utf-8")
    for i in range(extra):  # the small corpus of the add case
        (corpus / f"filler-{i:02d}.txt").write_text(clean_text(3000, seed=100 + i), "utf-8")
    if bad_name and bad is not None:
        (corpus / bad_name).write_text(bad, encoding="utf-8")
    return corpus


def measure(case: Case, text: str, *, timeout: float, work: Path) -> dict[str, Any] | None:
    folder = Path(tempfile.mkdtemp(dir=work))
    if not case.add:
        corpus = _corpus(folder, "bad.txt", text)
        return run_child("extract", {"corpus": str(corpus), "out": str(folder / "out")},
                         timeout)
    corpus = _corpus(folder, None, None, extra=9)
    first = run_child("extract", {"corpus": str(corpus), "out": str(folder / "out")}, timeout)
    if first is None:
        return None
    source = folder / "incoming" / "bad.txt"
    source.parent.mkdir()
    source.write_text(text, encoding="utf-8")
    return run_child("add", {"source": str(source), "corpus": str(corpus),
                             "out": str(folder / "out")}, timeout)


def good_claims(result: dict[str, Any]) -> list[Any]:
    return sorted(c for c in result["claims"] if c[0] == "good.txt")


def _fmt_s(r: dict[str, Any] | None) -> str:
    return "killed" if r is None else f"{r['seconds']:.1f}"


def _fmt_mb(r: dict[str, Any] | None) -> str:
    return "-" if r is None else f"{r['rss'] / MiB:.0f}"


def _ratio(bad: dict[str, Any] | None, clean: dict[str, Any] | None, key: str) -> str:
    if bad is None or clean is None or not clean[key]:
        return "-"
    return f"{bad[key] / clean[key]:.1f}x"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--case", action="append", choices=sorted(BY_NAME), help="run this case "
                        "(repeatable; default: all)")
    parser.add_argument("--scale", type=float, default=1.0, help="multiply every size")
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds before a run is "
                        "killed")
    parser.add_argument("--list", action="store_true", help="list the cases and exit")
    args = parser.parse_args(argv)
    if args.list:
        for case in CASES:
            print(f"{case.name:<15} {case.what}")
        return 0
    cases = [BY_NAME[n] for n in args.case] if args.case else CASES
    work = Path(tempfile.mkdtemp(prefix="claims-attacks-"))
    try:
        alone = measure(Case("good", "", lambda s: ""), HEAD, timeout=args.timeout, work=work)
        reference = good_claims(alone) if alone else []
        header = ("case", "KB", "bad s", "clean s", "time", "bad MB", "clean MB", "memory",
                  "good kept", "bad article")
        rows = []
        for case in cases:
            text = case.text(args.scale)
            size = len(text.encode("utf-8"))
            bad = measure(case, text, timeout=args.timeout, work=work)
            clean = measure(case, clean_text(size), timeout=args.timeout, work=work)
            if bad is None:
                kept, fate = "-", "killed"
            else:
                kept = "yes" if good_claims(bad) == reference else "NO"
                skip = [r for p, r in bad["skipped"] if p.endswith("bad.txt")]
                mine = sum(1 for c in bad["claims"] if c[0].endswith("bad.txt"))
                fate = (f"skipped: {skip[0][:60]}" if skip
                        else f"{mine} claims, {bad['findings']} findings in the run")
            rows.append((case.name, f"{size / 1024:.0f}", _fmt_s(bad), _fmt_s(clean),
                         _ratio(bad, clean, "seconds"), _fmt_mb(bad), _fmt_mb(clean),
                         _ratio(bad, clean, "rss"), kept, fate))
            print(f"  done {case.name}", file=sys.stderr, flush=True)
        widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
        for r in [header, *rows]:
            print("  ".join(str(x).ljust(w) for x, w in zip(r, widths, strict=True)).rstrip())
        print("\ntargets: time <= 10x and memory <= 2x a clean article of the same size, or a "
              "skip with one clear line; good article's claims unchanged")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
