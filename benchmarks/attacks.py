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

* seconds and peak memory (``ru_maxrss`` of the child, or of the worker it forks for the
  per-document stages, whichever is higher) of the run;
* the same for a *clean* article of the same size (real-looking news sentences drawn like
  ``benchmarks/scale.py``'s corpora, padded to the bad article's byte length), run the same
  way, and the ratios bad / clean (the targets: at most 10x the time and 2x the memory);
* what became of the bad article (claims, findings, or the skip line);
* whether the good article's claims are unchanged (compared with a run of ``good.txt`` alone).

``add-repeated`` is the ``claims add`` case: a 10-article corpus is extracted first, then the
bad article is added with ``pipeline.api.add`` (timed alone; the clean baseline is the add of
the clean article).

The last cases (issue 20) put hostile *entries* into the corpus beside the bad article:
symlink loops and a link to a parent folder, a FIFO, links to devices and a socket, and the
article again under hostile names (terminal escapes, a newline, a C1 control, a bidi override,
bytes that are not UTF-8, a Markdown injection). Each must be listed as skipped or read under
its escaped name, never stop the run; the ``outputs`` column says whether every output file
still parses in a strict parser (JSON without NaN, XML 1.0).

Targets are printed, never asserted; ``tests/test_attacks.py`` keeps small sizes of the fast
cases in CI, asserting growth between two sizes in one run, never an absolute time.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
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
    # hostile corpus entries beside the bad article (issue 20): corpus folder, article text
    entries: Callable[[Path, str], None] | None = None

    def text(self, scale: float) -> str:
        return HEAD + self.payload(scale) + TAIL


# --- hostile corpus entries (issue 20): the walk never raises, names are data ------------------


def _loops(corpus: Path, _text: str) -> None:
    """Symlink loops (to itself, two links to each other), a dangling link, a link to a
    folder that contains it."""
    os.symlink("self.txt", corpus / "self.txt")
    os.symlink("ping.txt", corpus / "pong.txt")
    os.symlink("pong.txt", corpus / "ping.txt")
    os.symlink("gone.txt", corpus / "dangling.txt")
    os.symlink("..", corpus / "up")


def _specials(corpus: Path, _text: str) -> None:
    """A FIFO with an article's name (reading it would block forever), links to endless and
    empty devices, a socket."""
    import socket

    os.mkfifo(corpus / "pipe.txt")
    os.symlink("/dev/zero", corpus / "zero.txt")
    os.symlink("/dev/null", corpus / "null.md")
    server = socket.socket(socket.AF_UNIX)
    here = os.getcwd()
    try:  # a socket path must be short: bind it from inside the folder
        os.chdir(corpus)
        server.bind("sock.txt")
    finally:
        os.chdir(here)
        server.close()


HOSTILE_NAMES = [
    b"\x1b[31mred\x1b]0;title\x07.txt",  # colour, terminal title, bell (issue 19)
    b"evil\nskipped good.txt: forged line.txt",  # a newline that forges a summary line
    b"csi\xc2\x9b31m.txt",  # a C1 control (8-bit CSI)
    b"gpj\xe2\x80\xaetxt.exe.txt",  # a right-to-left override
    b"caf\xe9\xff.txt",  # not UTF-8
    b"a``<img src=x onerror=alert(1)>``.pdf",  # Markdown injection of issue 20
]


def _names(corpus: Path, text: str) -> None:
    """The bad article again under hostile names (each a little different, not a duplicate)."""
    for n, name in enumerate(HOSTILE_NAMES):
        with open(os.fsencode(corpus) + b"/" + name, "wb") as handle:
            handle.write(text.replace("Acme", f"Acme{n}").encode("utf-8"))


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
    Case("symlink-loops", "symlink loops, a dangling link, a link to a parent folder",
         lambda s: "", entries=_loops),
    Case("fifo-devices", "a FIFO, links to /dev/zero and /dev/null, a socket",
         lambda s: "", entries=_specials),
    Case("hostile-names", "controls, C1, bidi override, not UTF-8, Markdown injection in names",
         lambda s: "", entries=_names),
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
    # the run's peak, or its worker's (the per-document stages run in a forked one), taken
    # before this benchmark reads and parses the outputs (which is not the run's memory)
    rss = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
              resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) * 1024
    claims = json.loads("[" + ",".join(
        (Path(args["out"]) / "claims.jsonl").read_text("utf-8").splitlines()) + "]")
    queue.put({
        "outputs": _outputs_parse(Path(args["out"])),
        "seconds": seconds,
        "rss": rss,
        "claims": [(c["doc"], c["span"]["start"], c["span"]["end"], c["normalized"]["low"],
                    c["subject"], c["metric"]) for c in claims],
        "findings": len(run.findings) if run else 0,
        "skipped": [(s.path, s.reason) for s in run.skipped] if run else [],
    })


def _outputs_parse(out: Path) -> str:
    """"ok" when every output file parses in a strict parser (JSON without NaN, XML 1.0), else
    the first failure (a hostile name or text broke an output format)."""
    from xml.etree import ElementTree

    def reject(name: str) -> None:
        raise ValueError(f"{name} is not JSON")

    checks: list[tuple[str, Callable[[str], object]]] = [
        ("contradictions.json", lambda t: json.loads(t, parse_constant=reject)),
        ("claimreview.jsonld", lambda t: json.loads(t, parse_constant=reject)),
        ("graph.json", lambda t: json.loads(t, parse_constant=reject)),
        ("claims.jsonl", lambda t: [json.loads(line, parse_constant=reject)
                                    for line in t.split("\n") if line]),
        ("graph.graphml", lambda t: ElementTree.fromstring(t.encode("utf-8"))),
    ]
    for name, parse in checks:
        try:
            parse((out / name).read_text("utf-8"))
        except (ValueError, ElementTree.ParseError) as exc:
            return f"{name}: {exc}"[:60]
    return "ok"


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


def _corpus(folder: Path, bad_name: str | None, bad: str | None, *, extra: int = 0,
            entries: Callable[[Path, str], None] | None = None) -> Path:
    corpus = folder / "corpus"
    corpus.mkdir(parents=True)
    (corpus / "good.txt").write_text(GOOD, encoding="utf-8")
    for i in range(extra):  # the small corpus of the add case
        (corpus / f"filler-{i:02d}.txt").write_text(clean_text(3000, seed=100 + i), "utf-8")
    if bad_name and bad is not None:
        (corpus / bad_name).write_text(bad, encoding="utf-8")
    if entries is not None and bad is not None:
        entries(corpus, bad)
    return corpus


def measure(case: Case, text: str, *, timeout: float, work: Path) -> dict[str, Any] | None:
    folder = Path(tempfile.mkdtemp(dir=work))
    if not case.add:
        corpus = _corpus(folder, "bad.txt", text, entries=case.entries)
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
                  "good kept", "outputs", "bad article")
        rows = []
        for case in cases:
            text = case.text(args.scale)
            size = len(text.encode("utf-8"))
            bad = measure(case, text, timeout=args.timeout, work=work)
            clean = measure(case, clean_text(size), timeout=args.timeout, work=work)
            if bad is None:
                kept, parsed, fate = "-", "-", "killed"
            else:
                kept = "yes" if good_claims(bad) == reference else "NO"
                parsed = bad["outputs"]
                skip = [r for p, r in bad["skipped"] if p.endswith("bad.txt")]
                mine = sum(1 for c in bad["claims"] if c[0].endswith("bad.txt"))
                fate = (f"skipped: {skip[0][:60]}" if skip
                        else f"{mine} claims, {bad['findings']} findings in the run")
                if case.entries is not None:  # the hostile entries' fate
                    fate = f"{len(bad['skipped'])} skipped, {mine} claims from bad.txt"
            rows.append((case.name, f"{size / 1024:.0f}", _fmt_s(bad), _fmt_s(clean),
                         _ratio(bad, clean, "seconds"), _fmt_mb(bad), _fmt_mb(clean),
                         _ratio(bad, clean, "rss"), kept, parsed, fate))
            print("  done " + " | ".join(rows[-1]), file=sys.stderr, flush=True)
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
