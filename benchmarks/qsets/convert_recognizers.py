"""Convert Microsoft Recognizers-Text English specs to the project's quantity notation.

Run from the repository root: ``python benchmarks/qsets/convert_recognizers.py``.

Reads the raw spec files from ``benchmarks/qsets/texts/`` (git-ignored; rebuild them from
the repository ``microsoft/Recognizers-Text``, MIT licence, at the commits named in
``SOURCES`` below) and writes ``benchmarks/qsets/recognizers-currency.yaml`` and
``benchmarks/qsets/recognizers-range.yaml``.

Notation (see the header the script writes): each gold quantity is
``[direction:][bound]<value> <unit>``; ``~`` approx, ``>=`` at least, ``<=`` at most,
``A..B`` a range.

Currency spec (``Specs/NumberWithUnit/English/CurrencyModel.json``):

* every result with a numeric ``value`` becomes one gold string, its currency name mapped
  to an ISO code (``CURRENCY``); a plain ``$`` is USD (the project's default) except where
  the sentence itself places it in Australia (``AUD_SENTENCES``); pence/penny -> ``GBX``,
  cent -> ``USX``; pre-euro francs (no country given, 1989 Wall Street Journal sentences
  about French firms) -> ``FRF``;
* results with ``value: null`` (a bare currency word such as ``dollar`` or ``rmb``) are
  dropped: a currency name alone is no quantity;
* the bound comes from a hedge word written right before the amount (``HEDGES``); a
  per-unit rate from the words right after it (``a share``, ``per barrel``, ``a dozen``
  -> ``USD/share`` ...); a direction (``up:``/``down:``) only where listed by hand in
  ``DIRECTIONS`` (the sentence says the amount is the rise or fall itself);
* cases marked ``NotSupported`` by ``dotnet`` (the reference implementation: the spec's
  expected output is aspirational there) are skipped; cases not supported only by the
  ports (javascript, python, java) are kept: the marks name platforms, not languages, and
  the file is English only.
* the spec annotates only money; the written file says ``scope: currency`` so a scorer can
  ignore non-currency predictions (percentages, counts) in these sentences.

Range spec (``Specs/Number/English/NumberRangeModel.json``):

* ``(a,b)``/``[a,b]``/``[a,b)`` -> ``a..b`` (open or closed ends are not kept: the
  notation has no such distinction); ``(a,)``/``[a,)`` -> ``>=a``; ``(,b)``/``(,b]`` ->
  ``<=b``; ``[a,a]`` -> ``a`` exact;
* the spec gives no unit: the counted noun or unit written in the sentence is added by
  hand (``RANGE_UNITS``), else ``dimensionless``;
* ranges over ordinals (``between the tenth and the fifteenth``) are ranks, which the
  project's notation does not count: kept as negatives (``q: []``) with the spec's
  reading in ``orig``;
* every ``NotSupported`` mark in this file is ``javascript, python`` (ports), so all cases
  are kept; the case with an empty result list is kept as a negative (``q: []``).

Every case keeps the spec's own reading in ``orig`` so the mapping can be audited.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
TEXTS = HERE / "texts"

SOURCES = {
    "currency": {
        "repo": "microsoft/Recognizers-Text",
        "path": "Specs/NumberWithUnit/English/CurrencyModel.json",
        "commit": "9b33be72dd68de63eff70e430550795402c53655",
        "raw": "CurrencyModel.json",
        "out": "recognizers-currency.yaml",
    },
    "range": {
        "repo": "microsoft/Recognizers-Text",
        "path": "Specs/Number/English/NumberRangeModel.json",
        "commit": "9b45edb82cd88da3654eea577439efae9d6a9ae9",
        "raw": "NumberRangeModel.json",
        "out": "recognizers-range.yaml",
    },
}

# Recognizers unit name (or isoCurrency) -> our unit code.
CURRENCY = {
    "Dollar": "USD",
    "United States dollar": "USD",
    "Canadian dollar": "CAD",
    "Hong Kong dollar": "HKD",
    "Australian dollar": "AUD",
    "Japanese yen": "JPY",
    "Chinese yuan": "CNY",
    "Euro": "EUR",
    "Swiss franc": "CHF",
    "Pound": "GBP",
    "British pound": "GBP",
    "Pence": "GBX",
    "Penny": "GBX",
    "Cent": "USX",
    "Franc": "FRF",
    "Finnish markka": "FIM",
    "Peseta": "ESP",
    "Netherlands guilder": "NLG",
    "Costa Rican colón": "CRC",
    "Georgian lari": "GEL",
    "Lao kip": "LAK",
    "Sri Lankan rupee": "LKR",
    "Turkish lira": "TRY",
    "Rupee": "INR",
    "Bitcoin": "BTC",
    "Satoshi": "satoshi",
    "Sen": "sen",
}

# A plain "$" placed in Australia by the sentence itself.
AUD_SENTENCES = (
    "one . tel floated on the australian stock exchange",
    "the revenue of adelaide ' s electronics industry",
)

# Hedge words written right before an amount (tokenised text: spaces around punctuation).
HEDGES = [
    (re.compile(r"\b(?:about|approximately|around|roughly|nearly|almost|some|"
                r"an estimated|estimated at|estimated|on the order of)\s*\(?\s*$", re.I), "~"),
    (re.compile(r"\b(?:more than|over|at least|exceeds a|exceeds)\s*$", re.I), ">="),
    (re.compile(r"\b(?:less than|under|up to|as much as|no more than)\s*$", re.I), "<="),
]

# Per-unit rates written right after an amount.
RATE = re.compile(r"^\s*(?:-\s*)?(?:more\s+)?(?:a|per)\s*(?:-\s*)?(share|dozen|barrel)\b", re.I)

# (substring of the input, text of the result) -> direction, where the sentence says the
# amount is itself the rise or the fall.
DIRECTIONS = {
    ("scimed shares tumbled", "$ 2.75"): "down",
    ("a seat was sold for down", "$ 5,000"): "down",
    ("onvia . com inc . , down", "34 cents"): "down",
    ("the december contract rose", "1.20 cents"): "up",
    ("or down about", "$ 2.50"): "down",
    ("its shares slid in late dealings", "one penny"): "down",
}


def fmt(x: float) -> str:
    """Shortest decimal or e-notation for a value."""
    if x == int(x) and abs(x) < 1e6:
        return str(int(x))
    s = f"{x:.10g}"
    if "e" in s:
        mant, exp = s.split("e")
        return f"{mant}e{int(exp)}"
    if abs(x) >= 1e6 and x == int(x):
        digits = str(int(abs(x))).rstrip("0")
        exp = len(str(int(abs(x)))) - 1
        mant = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
        return ("-" if x < 0 else "") + f"{mant}e{exp}"
    return s


def q_str(s: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(s, ensure_ascii=False)


def currency_cases(spec: list[dict]) -> tuple[list[dict], list[str]]:
    cases: list[dict] = []
    skipped: list[str] = []
    for item in spec:
        text = item["Input"]
        marks = (item.get("NotSupported") or "").replace(" ", "").lower().split(",")
        if "dotnet" in marks:
            skipped.append(f"not supported by dotnet (reference): {text!r}")
            continue
        q: list[str] = []
        orig: list[str] = []
        for r in item["Results"]:
            res = r["Resolution"]
            unit_name = res.get("unit")
            orig.append(f"{r['Text']} = {res.get('value')} {unit_name}"
                        + (f" ({res['isoCurrency']})" if res.get("isoCurrency") else ""))
            if res.get("value") is None:
                continue
            code = CURRENCY.get(unit_name) or res.get("isoCurrency")
            if code is None:
                raise SystemExit(f"no currency code for {unit_name!r} in {text!r}")
            low = text.lower()
            if code == "USD" and unit_name == "Dollar" and any(s in low for s in AUD_SENTENCES):
                code = "AUD"
            start, end = r["Start"], r["End"] + 1
            before, after = text[:start], text[end:]
            bound = ""
            for rx, b in HEDGES:
                if rx.search(before):
                    bound = b
                    break
            m = RATE.match(after)
            unit = f"{code}/{m.group(1).lower()}" if m else code
            direction = ""
            for (needle, span), d in DIRECTIONS.items():
                if needle in low and r["Text"] == span:
                    direction = d + ":"
            q.append(f"{direction}{bound}{fmt(float(res['value']))} {unit}")
        cases.append({"text": text, "q": q, "orig": orig,
                      "not_supported": item.get("NotSupported")})
    return cases, skipped


# Input -> unit written in the sentence for the range spec (default dimensionless).
RANGE_UNITS = {
    "There're at most 100 and at least 20 apples.": "apple",
    "These apples are about 20~100": "apple",
    "He is more than thirty years old.": "year",
    "He is over thirty years old.": "year",
    "His age is no less than thirty.": "year",
    "Fewer than a thousand giant pandas still live in the wild.": "panda",
    "There're about five hundred and more in these products.": "product",
    "There're about five hundred or more in these products.": "product",
    "There're about five hundred or less in these products.": "product",
}
# Ranges over ordinals: ranks, not quantities in the project's notation.
RANKS = ("He ranks between the tenth and the fifteenth.",
         "He ranks higher than the tenth but lower than the fifteenth.")
INTERVAL = re.compile(r"^([\[(])\s*([-\d.]*)\s*,\s*([-\d.]*)\s*([\])])$")


def range_cases(spec: list[dict]) -> tuple[list[dict], list[str]]:
    cases: list[dict] = []
    skipped: list[str] = []
    for item in spec:
        text = item["Input"]
        marks = (item.get("NotSupported") or "").replace(" ", "").lower().split(",")
        if "dotnet" in marks:
            skipped.append(f"not supported by dotnet (reference): {text!r}")
            continue
        unit = RANGE_UNITS.get(text, "dimensionless")
        q: list[str] = []
        orig: list[str] = []
        for r in item["Results"]:
            value = r["Resolution"]["value"]
            orig.append(f"{r['Text']} = {value}")
            m = INTERVAL.match(value)
            if not m:
                raise SystemExit(f"unreadable interval {value!r} in {text!r}")
            lo, hi = m.group(2), m.group(3)
            if lo and hi:
                a, b = float(lo), float(hi)
                if a == b:
                    q.append(f"{fmt(a)} {unit}")
                else:
                    q.append(f"{fmt(min(a, b))}..{fmt(max(a, b))} {unit}")
            elif lo:
                q.append(f">={fmt(float(lo))} {unit}")
            elif hi:
                q.append(f"<={fmt(float(hi))} {unit}")
        note = None
        if text in RANKS:
            q = []
            note = "ordinal ranks: not a quantity in our notation"
        cases.append({"text": text, "q": q, "orig": orig,
                      "not_supported": item.get("NotSupported"), "note": note})
    return cases, skipped


HEADER = """\
# {title}
#
# Source: Microsoft Recognizers-Text, {path}
#   repository microsoft/Recognizers-Text, commit {commit}
#   Licence: MIT (Copyright (c) Microsoft Corporation). The sentences are quoted from the
#   spec file under that licence.
# Generated by benchmarks/qsets/convert_recognizers.py from the raw spec saved in the
# git-ignored folder benchmarks/qsets/texts/ ({raw}); do not edit by hand, re-run the script.
#
# Notation (the project's, as in tests/data/quantities_annotated.yaml and
# benchmarks/qsets/news-*.yaml): each gold quantity is one string
#   [direction:][bound]<value> <unit>
# direction `up:`/`down:` only when the sentence says the amount is the rise or fall;
# bound `~` approx, `>=` at least / more than, `<=` at most / less than, `A..B` a range
# (low..high); value a plain decimal or e-notation with scale words applied; unit a pint
# expression, an ISO currency code (minor units: GBX pence, USX cents), `percent`, a counted
# noun in the singular, or `dimensionless`. `q: []` is a negative: nothing to extract.
# `orig` keeps the spec's own reading of each result.
#
# {notes}
# {counts}
"""


def write(kind: str, cases: list[dict], skipped: list[str], notes: str) -> Path:
    src = SOURCES[kind]
    prefix = {"currency": "rcur", "range": "rrng"}[kind]
    title = {"currency": "Recognizers-Text English currency spec, in the project's notation",
             "range": "Recognizers-Text English number-range spec, in the project's notation"}[kind]
    n_q = sum(len(c["q"]) for c in cases)
    n_neg = sum(1 for c in cases if not c["q"])
    counts = (f"{len(cases)} cases, {n_q} gold quantities, {n_neg} negatives; "
              f"{len(skipped)} spec cases skipped" + (":" if skipped else "."))
    lines = [HEADER.format(title=title, path=src["path"], commit=src["commit"], raw=src["raw"],
                           notes=notes, counts=counts).rstrip("\n")]
    for s in skipped:
        lines.append(f"#   - {s}")
    lines.append(f"scope: {kind}")
    lines.append(f"source: {{repo: {src['repo']}, path: {src['path']}, commit: {src['commit']}, "
                 f"licence: MIT}}")
    lines.append("cases:")
    for i, c in enumerate(cases, 1):
        lines.append(f"- id: {prefix}-{i:03d}")
        lines.append(f"  text: {q_str(c['text'])}")
        lines.append("  q: [" + ", ".join(q_str(x) for x in c["q"]) + "]")
        lines.append("  orig: [" + ", ".join(q_str(x) for x in c["orig"]) + "]")
        if c.get("not_supported"):
            lines.append(f"  not_supported: {q_str(c['not_supported'])}")
        if c.get("note"):
            lines.append(f"  note: {q_str(c['note'])}")
    out = HERE / src["out"]
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return out


def main() -> int:
    missing = [s["raw"] for s in SOURCES.values() if not (TEXTS / s["raw"]).exists()]
    if missing:
        print(f"missing raw spec files in {TEXTS}: {', '.join(missing)}", file=sys.stderr)
        return 1
    cur = json.loads((TEXTS / SOURCES["currency"]["raw"]).read_text(encoding="utf-8"))
    cases, skipped = currency_cases(cur)
    p = write("currency", cases, skipped,
              "scope: currency: only money amounts are annotated; score non-currency\n"
              "# predictions in these sentences as neither hit nor false positive. Bare currency\n"
              "# words without an amount (value null in the spec) are dropped.")
    print(f"{p.relative_to(HERE.parent.parent)}: {len(cases)} cases, skipped {len(skipped)}")
    rng = json.loads((TEXTS / SOURCES["range"]["raw"]).read_text(encoding="utf-8"))
    cases, skipped = range_cases(rng)
    p = write("range", cases, skipped,
              "scope: range: only the spec's ranges and bounds are annotated; open and closed\n"
              "# interval ends are not distinguished; units added from the sentence, else\n"
              "# dimensionless.")
    print(f"{p.relative_to(HERE.parent.parent)}: {len(cases)} cases, skipped {len(skipped)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
