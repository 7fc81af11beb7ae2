"""The HTML report in Chromium at scale: first render time and browser memory of its pages.

    .venv/bin/python benchmarks/report_page.py /tmp/big/out                  # measure
    .venv/bin/python benchmarks/report_page.py /tmp/big/out --rerender       # render first
    .venv/bin/python benchmarks/report_page.py /tmp/big/out --add 3 --corpus /tmp/big/corpus
    .venv/bin/python benchmarks/report_page.py /tmp/big/out --compare old/report.html

``OUT`` is an output folder with its claim store (``claims.db``), e.g. a copy of the 10,000
article run of ``benchmarks/scale.py --keep`` (never the original: ``--rerender`` and
``--add`` change it). ``--rerender`` writes its outputs again with this checkout's writers
from the store (``review.rerender``: no model, no parse), timed. ``--add N`` adds N new
articles to it with ``claims add`` (an article of the corpus with its figures changed, in a
child process each), timed inside ``api.add`` and as a whole process (target < 3 s).

Then, in headless Chromium (``tests/conftest.chromium_path``), each page is opened from
``file://`` in a fresh browser: the index ``report.html``, the largest page of a group, the
first group's page, the largest claims-index page, the sources. For each it prints the
file's size, the time to the first contentful paint and to the load event (from the
navigation's start, the page's own ``performance`` entries), the JS heap and DOM nodes
(Chrome DevTools ``Performance.getMetrics``), and the browser's memory: the proportional set
size (PSS, shared pages counted once) of every Chromium process with that one page open, and
of its renderer alone.
``--compare`` measures another page alike (the one-page report of an older version).
A blank page is measured first: what the browser takes by itself. Targets (first screen
< 2 s, the page's memory, its renderer's, < 300 MB) are printed, never asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

MB = 1024 * 1024
TARGET_FIRST_PAINT_S = 2.0
TARGET_MEMORY_MB = 300
TARGET_ADD_S = 3.0
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


def _pss_kb(pid: int) -> int:
    """The proportional set size of a process (its share of shared pages): summed over
    processes it counts a shared library once, unlike the resident set size."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii", errors="replace") as handle:
            for line in handle:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _descendants(root: int) -> list[tuple[int, str]]:
    """(pid, command line) of every process below ``root``."""
    parent: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
            parent[int(entry)] = int(fields[1])
        except (OSError, IndexError, ValueError):
            continue
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        for child, ppid in parent.items():
            if ppid == pid:
                todo.append(child)
                try:
                    with open(f"/proc/{child}/cmdline", "rb") as handle:
                        cmd = handle.read().replace(b"\0", b" ").decode("utf-8", "replace")
                except OSError:
                    cmd = ""
                found.append((child, cmd))
    return found


def chromium_memory() -> tuple[float, float]:
    """MB of memory (PSS) of every Chromium process of this script, and of the largest
    renderer (the page's process)."""
    procs = [(pid, cmd) for pid, cmd in _descendants(os.getpid()) if "chrom" in cmd.lower()]
    total = sum(_pss_kb(pid) for pid, _ in procs) / 1024
    renderers = [_pss_kb(pid) / 1024 for pid, cmd in procs if "--type=renderer" in cmd]
    return total, max(renderers, default=0.0)


def measure(chromium: Path, path: Path, *, timeout_s: float = 600) -> dict[str, Any]:
    """Open ``path`` in a fresh headless Chromium; its timings and memory."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(chromium), args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            cdp = page.context.new_cdp_session(page)
            cdp.send("Performance.enable")
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            start = time.perf_counter()
            page.goto(path.resolve().as_uri(), wait_until="load", timeout=timeout_s * 1000)
            wall = time.perf_counter() - start
            page.wait_for_timeout(300)  # the paint entries are recorded after load
            timing = page.evaluate("""() => {
                const nav = performance.getEntriesByType('navigation')[0];
                const paint = performance.getEntriesByName('first-contentful-paint')[0];
                return {fcp: paint ? paint.startTime : null,
                        dcl: nav ? nav.domContentLoadedEventEnd : null,
                        load: nav ? nav.loadEventEnd : null,
                        shown: document.body.getAttribute('data-visible')};
            }""")
            metrics = {m["name"]: m["value"] for m in
                       cdp.send("Performance.getMetrics")["metrics"]}
            total, renderer = chromium_memory()
        finally:
            browser.close()
    return {"bytes": path.stat().st_size, "wall": wall,
            "fcp": (timing["fcp"] or 0) / 1000, "dcl": (timing["dcl"] or 0) / 1000,
            "load": (timing["load"] or 0) / 1000, "heap": metrics.get("JSHeapUsedSize", 0) / MB,
            "nodes": int(metrics.get("Nodes", 0)), "memory": total, "renderer": renderer,
            "errors": errors}


def pages_to_measure(out: Path) -> list[tuple[str, Path]]:
    folder = out / "report"
    if not folder.is_dir():
        return [("report.html (one page)", out / "report.html")]
    groups = sorted(folder.glob("g-*.html"), key=lambda p: p.stat().st_size)
    claims = sorted(folder.glob("claims*.html"), key=lambda p: p.stat().st_size)
    index = (out / "report.html").read_text(encoding="utf-8")
    first = re.search(r'href="report/(g-[^"#]+)"', index)
    chosen = [("index report.html", out / "report.html")]
    if groups:
        chosen.append(("largest group page", groups[-1]))
    if first:
        chosen.append(("first group (most severe)", folder / first.group(1)))
    if claims:
        chosen.append(("largest claims-index page", claims[-1]))
    chosen.append(("sources", folder / "sources.html"))
    return chosen


def rerender(out: Path) -> float:
    from pipeline import fsio, review

    start = time.perf_counter()
    with fsio.locked(out):
        review.rerender(out)
    return time.perf_counter() - start


def child_add(source: str, corpus: str, out: str) -> dict[str, Any]:
    from pipeline import api

    start = time.perf_counter()
    result = api.add([source], corpus=corpus, out=out, rules_dir=ROOT / "rules")
    run = result.run
    return {"wall": time.perf_counter() - start, "added": len(result.added),
            "new_findings": len(result.new_findings),
            "incremental": run.incremental if run else False,
            "rendered": sum(s.bytes_rendered for s in run.output_stats.values()) if run else 0,
            "reused": sum(s.bytes_reused for s in run.output_stats.values()) if run else 0,
            "write": (run.timings or {}).get("write.plan", 0) + (run.timings or {}).get(
                "write.compose", 0) if run else 0}


def new_article(corpus: Path, rng: random.Random) -> str:
    """An article like the corpus's: one of its articles with every figure changed."""
    articles = sorted(p for p in corpus.rglob("*.txt"))
    text = rng.choice(articles).read_text(encoding="utf-8", errors="replace")
    return re.sub(r"\d+", lambda m: str(int(m.group()) * rng.randint(2, 9)), text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, nargs="?")
    parser.add_argument("--rerender", action="store_true")
    parser.add_argument("--add", type=int, default=0)
    parser.add_argument("--corpus", type=Path)
    parser.add_argument("--compare", type=Path)
    parser.add_argument("--child", nargs=3)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child_add(*args.child)))
        return
    from tests.conftest import chromium_path

    out: Path = args.out
    if args.rerender:
        print(f"rerender {out}: {rerender(out):.1f} s")
    if args.add:
        if args.corpus is None:
            parser.error("--add needs --corpus")
        rng = random.Random(f"report_page:{len(os.listdir(args.corpus))}")
        incoming = Path(tempfile.mkdtemp(prefix="report_page_"))
        try:
            for i in range(args.add):
                source = incoming / f"zz_report_page_new_{i}.txt"
                source.write_text(new_article(args.corpus, rng), encoding="utf-8")
                start = time.perf_counter()
                done = subprocess.run([sys.executable, __file__, "--child", str(source),
                                       str(args.corpus), str(out)], capture_output=True,
                                      text=True, cwd=ROOT, timeout=1800)
                if done.returncode != 0:
                    raise SystemExit(done.stderr[-3000:])
                added = json.loads(done.stdout.strip().splitlines()[-1])
                print(f"add {source.name}: {added['wall']:.2f} s in api.add "
                      f"({time.perf_counter() - start:.2f} s as a whole process), writing "
                      f"{added['write']:.2f} s; incremental={added['incremental']}, "
                      f"{added['new_findings']} new finding(s); output bytes rendered "
                      f"{added['rendered']:,}, copied {added['reused']:,}")
        finally:
            shutil.rmtree(incoming, ignore_errors=True)
    chromium = chromium_path()
    if chromium is None:
        raise SystemExit("no Chromium: see tests/conftest.py chromium_path")
    folder = out / "report"
    if folder.is_dir():
        sizes = [p.stat().st_size for p in folder.iterdir()]
        print(f"report.html {(out / 'report.html').stat().st_size / MB:.2f} MB; report/: "
              f"{len(sizes):,} pages, {sum(sizes) / MB:.1f} MB in all, largest "
              f"{max(sizes) / MB:.2f} MB")
    blank = Path(tempfile.mkdtemp(prefix="report_page_")) / "blank.html"
    blank.write_text("<!doctype html><title>blank</title><p>blank</p>", encoding="utf-8")
    chosen = [("a blank page (the browser's own)", blank), *pages_to_measure(out)]
    if args.compare:
        chosen.append((f"compare {args.compare.name}", args.compare))
    print("| page | MB | first paint s | DOM loaded s | load s | JS heap MB | DOM nodes "
          "| browser memory MB | renderer MB |")
    print("|---|---|---|---|---|---|---|---|---|")
    worst_paint = worst_memory = 0.0
    for label, path in chosen:
        m = measure(chromium, path)
        print(f"| {label} | {m['bytes'] / MB:.2f} | {m['fcp']:.2f} | {m['dcl']:.2f} | "
              f"{m['load']:.2f} | {m['heap']:.1f} | {m['nodes']:,} | {m['memory']:.0f} | "
              f"{m['renderer']:.0f} |" + (f" errors: {m['errors']}" if m["errors"] else ""))
        if not label.startswith(("compare", "a blank")):
            worst_paint = max(worst_paint, m["fcp"])
            worst_memory = max(worst_memory, m["renderer"])
    shutil.rmtree(blank.parent, ignore_errors=True)
    print(f"\ntargets (printed, not asserted): first paint {worst_paint:.2f} s "
          f"(< {TARGET_FIRST_PAINT_S} s), the page's memory (its renderer) {worst_memory:.0f} "
          f"MB (< {TARGET_MEMORY_MB} MB), claims add < {TARGET_ADD_S} s")


if __name__ == "__main__":
    main()
