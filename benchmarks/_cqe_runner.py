"""Run CQE over sentences for benchmarks/quantities.py, in CQE's own virtualenv.

CQE (GPL-3.0) is a benchmark baseline only: this script is never imported by the project; the
benchmark starts it as ``/work/cqe-venv/bin/python benchmarks/_cqe_runner.py`` (see
``benchmarks/cqe_setup.sh``) and talks to it through pipes.

Input (stdin): JSON lines, each ``{"id": ..., "text": ...}``.
Output (stdout): one JSON document ``{"load_ms": float, "results": [...]}``; each result is
``{"id", "ms", "error", "quantities": [...]}`` where each quantity carries CQE's own answer,
untranslated: ``value`` (or ``lower``/``upper`` for a range), ``change`` (CQE's bound or
direction: ``=``, ``~``, ``<``, ``>``, ``<=``, ``>=``, ``up``, ``down``), ``unit`` (CQE's
normalized unit name, ``-`` for none), ``unit_text`` (the unit tokens), ``scientific`` (True when
the unit is in CQE's unit dictionary, False for a counted noun), ``currency_code`` (from CQE's
own ``unit.json`` for that unit name, when it is a currency) and ``span`` (character offsets of
the value). Translation into the benchmark's notation happens in quantities.py, in one place.

``ms`` is the wall time of ``parser.parse(text)`` for that sentence alone, the fastest of
``--repeat`` passes (the quantities come from the first); model loading and one warm-up
sentence are excluded. CQE's code is used unchanged.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import warnings


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=1)
    args = ap.parse_args()
    warnings.filterwarnings("ignore")
    os.environ.setdefault("LC_ALL", "en_US.UTF-8")
    items = [json.loads(line) for line in sys.stdin if line.strip()]
    out_stream, sys.stdout = sys.stdout, sys.stderr  # anything CQE prints goes to stderr
    start = time.perf_counter()
    from CQE import CQE  # noqa: PLC0415  (import is part of the measured load)

    parser = CQE.CQE(overload=True)
    with open(os.path.join(os.path.dirname(CQE.__file__), "unit.json"), encoding="utf8") as fh:
        units = json.load(fh)
    parser.parse("Shares rose 2.1% to $45.20 on Monday.")  # warm-up
    load_ms = 1000 * (time.perf_counter() - start)

    results = []
    for item in items:
        found, error, ms = [], None, float("inf")
        for attempt in range(max(1, args.repeat)):
            t0 = time.perf_counter()
            try:
                got = parser.parse(item["text"])
            except Exception as exc:  # CQE raises on some inputs; record and go on
                got, error = [], f"{type(exc).__name__}: {exc}"
            ms = min(ms, 1000 * (time.perf_counter() - t0))
            if attempt == 0:
                found = got
        out = []
        for q in found:
            try:
                out.append(_describe(q, units))
            except Exception as exc:  # a malformed quantity object: keep the others
                error = f"describe: {type(exc).__name__}: {exc}"
        results.append({"id": item.get("id"), "ms": ms, "error": error, "quantities": out})
    json.dump({"load_ms": load_ms, "results": results}, out_stream)
    out_stream.flush()
    return 0


def _describe(q, units: dict) -> dict:
    value = q.value
    entry: dict = {"value": None, "lower": None, "upper": None}
    if hasattr(value, "lower") and hasattr(value, "upper"):
        entry["lower"] = float(value.lower)
        entry["upper"] = float(value.upper)
    else:
        entry["value"] = float(value.value)
    unit = q.unit
    norm = str(unit.norm_unit)
    info = units.get(norm, {})
    code = info.get("currency_code") if info.get("entity") == "currency" else None
    try:
        span = q.get_char_indices().get("value")
    except Exception:
        span = None
    entry.update({
        "change": str(q.change),
        "unit": norm,
        "unit_text": " ".join(t.text for t in (unit.unit or [])),
        "scientific": bool(unit.scientific),
        "currency_code": code,
        "span": span,
    })
    return entry


if __name__ == "__main__":
    raise SystemExit(main())
