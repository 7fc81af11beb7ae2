"""Long fuzz run over the pure-text stages: quantity parser and repair (issue 9).

A seeded random generator builds inputs that mix number forms (grouped, decimal, scientific,
400-digit, negative, unicode digits, fractions), currency signs and codes, scale and period
words, range and bound words, garbled runs like the ones a Markdown renderer makes ("$" lost,
spaces dropped, ``'`` -> ``′``, ``**`` -> ``∗∗``, ``-`` -> ``−``), unicode noise (zero-width and
bidi controls, combining marks, emoji, NUL) and random byte soup. Each input goes through

* :func:`pipeline.extract.quantities.extract_quantities` and
  :func:`pipeline.units.normalize` on every quantity found; contract: no exception, spans
  inside the text and equal to it, values finite or ``None``, ``low <= high``;
* :func:`pipeline.extract.repair.repair`; contract: no exception, edits sorted and inside
  both texts, each repair's span equal to the original text, ``enabled=False`` changes nothing;
* :func:`pipeline.extract.ingest.ingest` of the text as .txt (UTF-8, cp1252), .md (UTF-16)
  and .html (clean and broken markup); contract: a Document without control characters or an
  ArticleError with a one-line reason, never another exception.

A case slower than ``--slow`` seconds counts as a failure too (catastrophic regex
backtracking is a denial of service on hostile articles). Prints cases tried and failures
found per target, and the first failing inputs. Then long inputs: runs of one shape (digits,
letters, ``1-1-1-…``, ``$1 bn $1 bn …``) at two lengths, 4x apart; time growing more than 8x
(quadratic would be 16x) counts as a failure. Exit code 1 when anything failed.

Run: ``/tmp/venv/bin/python benchmarks/fuzz.py [--cases 100000] [--seed 9]``
"""

from __future__ import annotations

import argparse
import math
import random
import re
import sys
import time
import traceback
from collections import Counter
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pipeline.errors import ArticleError  # noqa: E402
from pipeline.extract import repair  # noqa: E402
from pipeline.extract.ingest import ingest  # noqa: E402
from pipeline.extract.quantities import extract_quantities  # noqa: E402
from pipeline.models import Document  # noqa: E402
from pipeline.rules import load_rules  # noqa: E402
from pipeline.units import normalize  # noqa: E402

CURRENCIES = ["$", "US$", "S$", "€", "£", "¥", "₹", "USD ", "EUR ", "", "", ""]
SCALES = ["", "", " billion", " bn", "B", " million", "M", " mln", "k", " thousand",
          " trillion", "tn", " crore", " lakh", "%", " percent", " per cent", " bps"]
PERIODS = ["", "", "", "/month", " a month", " per year", " annually", " monthly", "/yr",
           " per quarter", " each week", " over 3 years", " over 0 years", " per 0 months",
           " over -3 years", " a day"]
BOUNDS = ["", "", "about ", "nearly ", "up to ", "more than ", "at least ", "over ",
          "between ", "some ", "roughly ", "~", "≈", "less than "]
NOUNS = ["", "", " GPUs", " users", " MW", " GW", " employees", " shares", " robotaxis",
         " H100s", " people", " accounts"]
WORDS = ("Acme Robotics said revenue was valued at the company loss burn rate deal worth "
         "Orbital Freight pays lease for startup's work or buy it outright funding round "
         "investors reported last year quarter compared with").split()
NOISE = ["\u200b", "\u200d", "\u202e", "\u202c", "\ufeff", "\u0301", "\u00a0", "\u2009",
         "\U0001f680", "\x00", "\t", "\r", "\n", "\ufffd", "\u2028", "′", "″", "∗∗", "−", "–",
         "—", "”", "“", "’"]
DIGITS = "0123456789"
UNICODE_DIGITS = "٠١٢٣٤٥٦٧٨٩०१२३४५६७८९０１２３４５６７８９"


def number(rng: random.Random) -> str:
    kind = rng.randrange(14)
    if kind == 0:
        return str(rng.randrange(10**rng.randrange(1, 16)))
    if kind == 1:
        return f"{rng.randrange(10**rng.randrange(1, 13)):,}"
    if kind == 2:
        return f"{rng.uniform(0, 1000):.{rng.randrange(0, 4)}f}"
    if kind == 3:
        return f"{rng.randrange(1, 10)}e{rng.choice(['', '-', '+'])}{rng.randrange(0, 1200)}"
    if kind == 4:
        return "".join(rng.choice(DIGITS) for _ in range(rng.randrange(20, 420)))
    if kind == 5:
        return f"-{rng.randrange(1000)}"
    if kind == 6:
        return rng.choice(["0", "0.0", "-0", "00", ".5", "5.", "1..2", "1.2.3", "1,2,3", "1,00"])
    if kind == 7:
        return f"{rng.randrange(100)}^{rng.randrange(2000)}"
    if kind == 8:
        return "".join(rng.choice(UNICODE_DIGITS) for _ in range(rng.randrange(1, 6)))
    if kind == 9:
        return rng.choice(["½", "¾", "1/2", "3/4", "1/0", "0/0", "NaN", "inf", "Infinity"])
    if kind == 10:
        return f"{rng.randrange(1, 100)}-{rng.randrange(1, 100)}"
    if kind == 11:
        return f"{rng.randrange(1, 100)}.{rng.randrange(100)}-{rng.randrange(100)}"
    if kind == 12:
        return rng.choice(["one", "two", "a dozen", "hundreds of", "tens of", "a few"])
    return f"{rng.uniform(-1e308, 1e308):.6g}"


def figure(rng: random.Random) -> str:
    sign = rng.choice(CURRENCIES)
    text = f"{rng.choice(BOUNDS)}{sign}{number(rng)}{rng.choice(SCALES)}{rng.choice(NOUNS)}"
    if rng.random() < 0.2:
        text += f" to {sign}{number(rng)}{rng.choice(SCALES)}"
    return text + rng.choice(PERIODS)


def garble(text: str, rng: random.Random) -> str:
    """What a Markdown renderer does to text between two ``$`` signs."""
    text = text.replace("$", "").replace("'", "′").replace("**", "∗∗").replace("-", "−")
    return text.replace(" ", "") if rng.random() < 0.8 else text


def sentence(rng: random.Random) -> str:
    parts: list[str] = []
    for _ in range(rng.randrange(1, 14)):
        roll = rng.random()
        if roll < 0.45:
            parts.append(rng.choice(WORDS))
        elif roll < 0.8:
            parts.append(figure(rng))
        elif roll < 0.92:
            parts.append(rng.choice(NOISE))
        else:
            parts.append(bytes(rng.randrange(256) for _ in range(rng.randrange(1, 12)))
                         .decode("latin-1"))
    text = " ".join(parts)
    if rng.random() < 0.25:
        cut = sorted(rng.randrange(len(text) + 1) for _ in range(2))
        text = text[: cut[0]] + garble(text[cut[0]: cut[1]], rng) + text[cut[1]:]
    return text + rng.choice([".", "", "!", "?", ";", "\n"])


def case(rng: random.Random) -> str:
    return " ".join(sentence(rng) for _ in range(rng.randrange(1, 4)))


def _finite(x: float | None) -> bool:
    return x is None or math.isfinite(x)


def check_quantities(text: str, registry) -> None:
    for q in extract_quantities(text, doc_id="d", registry=registry):
        assert 0 <= q.span.start < q.span.end <= len(text), "span outside the text"
        assert q.span.text == text[q.span.start:q.span.end], "span text differs from the text"
        assert _finite(q.value) and _finite(q.low) and _finite(q.high), "non-finite value"
        if q.low is not None and q.high is not None:
            assert q.low <= q.high, "low > high"
        n = normalize(q, registry)
        assert _finite(n.low) and _finite(n.high), "non-finite normalized value"


def check_repair(text: str, registry) -> None:
    document = Document(id="d", path="a.txt", text=text, sha256="0" * 64)
    fixed = repair.repair(document)
    assert repair.repair(document, enabled=False).text == text, "disabled repair changed text"
    previous = 0
    for r_start, r_end, o_start, o_end in fixed.edits:
        assert previous <= r_start <= r_end <= len(fixed.text), "edit outside repaired text"
        assert 0 <= o_start <= o_end <= len(text), "edit outside original text"
        previous = r_end
    for rep in fixed.repairs:
        assert text[rep.span.start:rep.span.end] == rep.span.text == rep.original, \
            "repair span differs from the original"


_WRAPPERS = (
    ("a.txt", "utf-8", "{}"), ("a.md", "utf-16", "# {}"), ("a.txt", "cp1252", "{}"),
    ("a.html", "utf-8", "<html><body><article><p>{}</p></article></body></html>"),
    ("a.html", "utf-8", "<div><p>{}<b><i></b></table><!-- {} --><script>{}</script>"),
)


def check_ingest(text: str, registry) -> None:
    """Ingest the text as .txt, .md and .html in several encodings: a Document or an
    ArticleError, nothing else."""
    for name, encoding, template in _WRAPPERS:
        data = template.replace("{}", text).encode(encoding, "replace")
        try:
            document = ingest(name, data)
        except ArticleError as exc:
            assert "\n" not in exc.reason, "multi-line skip reason"
            continue
        assert document.text.strip(), "empty document"
        assert not _CONTROL.search(document.text), "control character left in the text"


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")

TARGETS: dict[str, Callable[[str, object], None]] = {
    "extract_quantities + normalize": check_quantities,
    "repair": check_repair,
    "ingest (.txt/.md/.html, 3 encodings)": check_ingest,
}


LONG_SHAPES = {
    "digits": "1", "letters": "a", "no spaces": "10billionforthestartup′sworkor",
    "digit dashes": "1-", "digit commas": "1,", "digit dots": "1.", "dollar signs": "$",
    "digit spaces": "1 ", "figures": "$1 bn ", "ranges": "$1 to $2 to ", "at signs": "a@",
}


def long_inputs(registry, sizes: tuple[int, int]) -> int:
    """Time each target on long runs of one shape; the number of superlinear cases."""
    print(f"\n| long input ({sizes[0]:,} -> {sizes[1]:,} chars) | target | ms | ms | growth |")
    print("|---|---|---|---|---|")
    bad = 0
    for shape, unit in LONG_SHAPES.items():
        for name, check in TARGETS.items():
            times = []
            for size in sizes:
                text = (unit * (size // len(unit) + 1))[:size]
                t0 = time.perf_counter()
                check(text, registry)
                times.append(time.perf_counter() - t0)
            growth = times[1] / max(times[0], 1e-3)
            flag = " (superlinear)" if growth > 8 and times[1] > 0.2 else ""
            bad += bool(flag)
            print(f"| {shape} | {name} | {times[0] * 1000:.0f} | {times[1] * 1000:.0f} | "
                  f"{growth:.1f}x{flag} |")
    return bad


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=9)
    parser.add_argument("--slow", type=float, default=1.0,
                        help="seconds after which one case counts as a failure")
    parser.add_argument("--long", type=int, nargs=2, default=(10_000, 40_000),
                        metavar=("SHORT", "LONG"), help="lengths of the long-input runs")
    args = parser.parse_args()
    registry = load_rules(Path(__file__).resolve().parent.parent / "rules").registry
    rng = random.Random(args.seed)
    inputs = [case(rng) for _ in range(args.cases)]
    print(f"fuzz: {args.cases:,} generated inputs (seed {args.seed}), "
          f"{sum(map(len, inputs)) / len(inputs):.0f} characters on average\n")
    print("| target | cases | failures | slowest case (ms) | total (s) |")
    print("|---|---|---|---|---|")
    failed = 0
    examples: list[str] = []
    for name, check in TARGETS.items():
        kinds: Counter[str] = Counter()
        slowest = 0.0
        started = time.perf_counter()
        for text in inputs:
            t0 = time.perf_counter()
            try:
                check(text, registry)
            except Exception as exc:  # noqa: BLE001 - a fuzzer records every failure
                kind = f"{type(exc).__name__}: {str(exc)[:80]}"
                if not kinds[kind]:
                    where = traceback.extract_tb(exc.__traceback__)[-1]
                    examples.append(f"{name}: {kind} at {Path(where.filename).name}:"
                                    f"{where.lineno} on {text[:160]!r}")
                kinds[kind] += 1
            elapsed = time.perf_counter() - t0
            slowest = max(slowest, elapsed)
            if elapsed > args.slow:
                kinds["slow"] += 1
                if kinds["slow"] == 1:
                    examples.append(f"{name}: {elapsed:.1f}s on {text[:160]!r}")
        total = time.perf_counter() - started
        failures = sum(kinds.values())
        failed += failures
        print(f"| {name} | {len(inputs):,} | {failures} ({len(kinds)} kinds) | "
              f"{slowest * 1000:.1f} | {total:.1f} |")
    if examples:
        print("\nfirst input of each failure kind:")
        for line in examples:
            print("  " + line)
    failed += long_inputs(registry, tuple(args.long))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
