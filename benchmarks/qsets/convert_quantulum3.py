"""Convert quantulum3's own test cases to the project's quantity notation.

Run from the repository root: ``python benchmarks/qsets/convert_quantulum3.py``.

Source: quantulum3 0.10.0 (MIT licence, Copyright (c) 2016 Marco Lagi, nielstron,
sohrabtowfighi, grhawk, Rodrigo Castro; repository nielstron/quantulum3), files
``quantulum3/_lang/en_US/tests/quantities.json`` and ``quantities.ambiguity.json`` as
shipped in the installed package. The script reads them from the installed package, or
from ``benchmarks/qsets/texts/quantulum3-0.10.0/`` (git-ignored) when that folder holds a
copy, and writes ``benchmarks/qsets/quantulum3-tests.yaml``.

How the conversion works:

* each expected result becomes ``<value> <unit>`` with the unit name mapped to a pint
  expression or ISO currency code (``UNITS``; ``dollar`` -> ``USD``, ``pound sterling`` ->
  ``GBP``, ``percentage`` -> ``percent``, ``cubic kilometre`` -> ``kilometer**3``...);
* quantulum3 writes a range as its mean with an ``uncertainty``; where the surface is a
  range (``3 to 4 L``, ``10-15 exabytes``, ``between 44 and 50 mg``) it becomes
  ``lo..hi``; an uncertainty written as ``+/-`` or ``±`` is a measurement tolerance, which
  the notation does not carry: the central value is kept;
* quantulum3's own conventions differ from the project's in places (it marks years, model
  numbers and identifiers as dimensionless numbers, has no bounds or counted nouns, reads
  ``from X to Y`` after a change verb as one range). Those cases are re-annotated by hand
  in ``OVERRIDES`` with the reason; the straight mapping of quantulum3's expectation stays
  in the case as ``q3`` so the difference is visible;
* cases with no expected result are negatives (``q: []``). ``errors.json`` (inputs that
  must not crash, no expected output) and ``expand.json`` (number-to-words tests) are not
  quantity annotations and are not converted.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
LOCAL = HERE / "texts" / "quantulum3-0.10.0"
FILES = ("quantities.json", "quantities.ambiguity.json")
VERSION = "0.10.0"

# quantulum3 unit name -> pint expression / ISO code of the project's notation.
UNITS = {
    "dimensionless": "dimensionless",
    "metre": "meter", "kilometre": "kilometer", "nanometre": "nanometer",
    "picometre": "picometer", "attometre": "attometer", "mile": "mile", "inch": "inch",
    "square kilometre": "square_kilometer", "square mile": "square_mile",
    "cubic kilometre": "kilometer**3", "cubic centimetre": "milliliter",
    "litre": "liter", "centilitre": "centiliter", "gallon": "gallon", "cup": "cup",
    "tablespoon": "tablespoon",
    "year": "year", "month": "month", "week": "week", "day": "day", "hour": "hour",
    "minute": "minute", "gigayear": "gigayear", "megayear": "megayear",
    "degree Celsius": "degree_Celsius", "degree fahrenheit": "degree_Fahrenheit",
    "degree Fahrenheit": "degree_Fahrenheit", "kelvin": "kelvin",
    "milligram": "milligram", "kilogram": "kilogram", "pound-mass": "pound",
    "tonne": "metric_ton",
    "dollar": "USD", "euro": "EUR", "pound sterling": "GBP", "penny": "penny",
    "cent": "cent", "dime": "dime",
    "percentage": "percent",
    "bit": "bit", "byte": "byte", "kibibyte": "kibibyte", "megabyte": "megabyte",
    "exabyte": "exabyte", "kilobit per second": "kilobit/second",
    "electronvolt": "electron_volt", "teraelectronvolt": "teraelectron_volt",
    "watt": "watt", "watt hour": "watt_hour", "megawatt hour": "megawatt_hour",
    "watt per minute": "watt/minute", "british thermal unit": "BTU",
    "inverse second": "1/second", "inverse femtobarn": "1/femtobarn",
    "count per week": "1/week", "dollar per hour": "USD/hour",
    "dollar per kilogram": "USD/kilogram", "kilometre per hour": "kilometer/hour",
    "kilometre per square second": "kilometer/second**2", "ton per day": "ton/day",
    "litre per kilometre": "liter/kilometer", "joule second": "joule*second",
    "joule per square metre per year": "joule/meter**2/year",
    "candela second": "candela*second", "kilogram per cubic centimetre":
    "kilogram/centimeter**3", "gigahertz": "gigahertz", "milligray": "milligray",
    "gray": "gray", "barn": "barn", "minute of arc": "arcminute",
    "second of arc": "arcsecond", "dozen": "dozen", "baker's dozen": "baker_dozen",
    "gross": "gross",
}

# (file, index) -> (gold in our notation, reason). Written from reading the sentence.
OVERRIDES: dict[tuple[str, int], tuple[list[str], str]] = {
    ("quantities.json", 2): (["2.5 inch", "100..1000? year"],
                             "vague amount 'several hundred years' is a quantity here"),
    ("quantities.json", 3): ([], "'Voyager 2' is a name, 1979 a year"),
    ("quantities.json", 4): ([], "'English 101' is an identifier"),
    ("quantities.json", 6): (["6 week", "<=4000 kilometer"], "'up to' is a bound"),
    ("quantities.json", 7): (["16.25 nanometer", "~0.025 dimensionless"], "'about' is a bound"),
    ("quantities.json", 11): (["2.48e-5 dimensionless", "6 sigma"], "counted noun"),
    ("quantities.json", 14): (["4 1/week"], "frequency"),
    ("quantities.json", 17): (["3 year", "2 month", "14 day", "16 hour", "~30616.16 kilometer"],
                              "'estimated' is approx"),
    ("quantities.json", 24): (["~350 USD/kilogram", "680 USD/kilogram"],
                              "'rose from about X to Y': two levels, not a range"),
    ("quantities.json", 25): (["up:35 percent"], "'increased by' is a rise; the 1960s is a date"),
    ("quantities.json", 26): (["2 beam", "27 kilometer", "3.5..4 teraelectron_volt"],
                              "counted noun"),
    ("quantities.json", 29): (["10..15 exabyte", "3 mile"], "range"),
    ("quantities.json", 30): (["8192 bit", "~1000 byte"],
                              "'A kibibyte' is an article before a unit name; 'approximately'"),
    ("quantities.json", 33): (["50 car"], "counted noun"),
    ("quantities.json", 34): (["30 year"], "an age"),
    ("quantities.json", 40): (["100 cent"], "generic cents, no currency named"),
    ("quantities.json", 44): (["~0.5 mile"], "'approximately' is a bound"),
    ("quantities.json", 47): ([], "'South 32 Ltd' is a company name"),
    ("quantities.json", 48): (["~4500 ton/day"], "'roughly' is a bound"),
    ("quantities.json", 51): (["12 egg"], "'a dozen eggs' is a number word and a counted noun"),
    ("quantities.json", 52): (["13 unit", "144 dimensionless"],
                              "'A baker's dozen', 'a gross', 'a square dozen' are unit names "
                              "after an article in a definition"),
    ("quantities.json", 54): (["~66 megayear"], "'approximately' is a bound"),
    ("quantities.json", 55): (["1.3009e10 USD", "278000 metric_ton", "10000 USD"],
                              "2013 is a year"),
    ("quantities.json", 61): (["2.8 gigahertz", "8 megabyte"],
                              "'Core i7 860' is a model name"),
    ("quantities.json", 63): (["~4 year", "1 1/femtobarn", "2 experiment", ">=5 1/femtobarn"],
                              "2005 and 2011 are years; 'about', 'over' are bounds; "
                              "counted noun"),
    ("quantities.json", 66): (["~32 degree_Celsius", "~45 degree_Celsius",
                               "~114 degree_Fahrenheit"],
                              "'near', 'close to' are approx (the conversion in brackets too)"),
    ("quantities.json", 67): (["200 kilometer/hour", "~800 degree_Celsius"], "'about'"),
    ("quantities.json", 87): (["45 case", "50 case"], "counted noun"),
    ("quantities.json", 88): (["45 milligram", "50 milligram"], "same"),
    ("quantities.json", 93): (["44..50 milligram", "10 pill"], "counted noun"),
    ("quantities.json", 94): (["44 milligram", "50 milligram"],
                              "'reduced from X to Y': two levels, not a range"),
    ("quantities.json", 98): (["44 milliliter", "50 milligram", "10 pill"], "counted noun"),
    ("quantities.ambiguity.json", 3): (["9 inch", "~360 plate"], "'-ish' is approx; noun"),
    ("quantities.ambiguity.json", 4): (["~90 minute"],
                                       "'One complete orbit' is an article; 'about'"),
    ("quantities.ambiguity.json", 5): (["8 inch"], "'Bahco 9031' is a model name"),
    ("quantities.ambiguity.json", 6): (["1 pound", "~15000 BTU", "50..80 percent"], "'about'"),
    ("quantities.ambiguity.json", 9): (["300 degree_Celsius", "572 degree_Fahrenheit",
                                        "573.15 kelvin", ">=1200 degree_Celsius"],
                                       "'above' is a bound"),
    ("quantities.ambiguity.json", 10): (["<=2000.45 pound"],
                                        "'no more than' is a bound; the ± tolerance is not kept"),
    ("quantities.ambiguity.json", 13): (["32768 word"],
                                        "'32K word' memory: 32 x 1024 words, not 32 kibibytes"),
}

RANGE_MARKERS = (" to ", "-", "–", "between")


def fmt(x: float) -> str:
    if x == int(x) and abs(x) < 1e6:
        return str(int(x))
    s = f"{x:.10g}"
    if "e" in s:
        mant, exp = s.split("e")
        return f"{mant}e{int(exp)}"
    if x == int(x):
        digits = str(int(abs(x))).rstrip("0")
        exp = len(str(int(abs(x)))) - 1
        mant = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
        return ("-" if x < 0 else "") + f"{mant}e{exp}"
    return s


def straight(res: dict) -> str:
    """quantulum3's expectation, mapped unit by unit, ranges as lo..hi."""
    unit = UNITS.get(res["unit"])
    if unit is None:
        raise SystemExit(f"no mapping for quantulum3 unit {res['unit']!r}")
    value = float(res["value"])
    unc = res.get("uncertainty")
    surface = res.get("surface", "")
    if unc and "±" not in surface and "+/-" not in surface and any(
            m in surface.lstrip("-−") for m in RANGE_MARKERS):
        lo, hi = value - unc, value + unc
        return f"{fmt(round(lo, 10))}..{fmt(round(hi, 10))} {unit}"
    return f"{fmt(value)} {unit}"


def load(name: str) -> list[dict]:
    local = LOCAL / name
    if local.exists():
        return json.loads(local.read_text(encoding="utf-8"))
    try:
        import quantulum3
    except ImportError:
        raise SystemExit(f"quantulum3 is not installed and {local} is missing") from None
    path = Path(quantulum3.__file__).parent / "_lang" / "en_US" / "tests" / name
    return json.loads(path.read_text(encoding="utf-8"))


def q_str(s: str) -> str:
    return json.dumps(s, ensure_ascii=False)


HEADER = """\
# quantulum3's own test cases, in the project's notation
#
# Source: quantulum3 {version} (PyPI package; repository nielstron/quantulum3), files
#   quantulum3/_lang/en_US/tests/quantities.json ({n0} cases) and
#   quantulum3/_lang/en_US/tests/quantities.ambiguity.json ({n1} cases).
#   Licence: MIT, Copyright (c) 2016 Marco Lagi, nielstron, sohrabtowfighi, grhawk,
#   Rodrigo Castro. The sentences are quoted from those files under that licence.
# Generated by benchmarks/qsets/convert_quantulum3.py; do not edit by hand, re-run it.
#
# Notation (the project's, as in tests/data/quantities_annotated.yaml and
# benchmarks/qsets/news-*.yaml): each gold quantity is one string
#   [direction:][bound]<value> <unit>
# direction `up:`/`down:` only when the sentence says the amount is the rise or fall;
# bound `~` approx, `>=` at least / more than / over, `<=` at most / up to, `A..B` a range
# (low..high), `A..B?` a vague amount as an order-of-magnitude interval; unit a pint
# expression (pint default names: kilometer**3, degree_Celsius, electron_volt ...), an ISO
# currency code, `percent`, a counted noun in the singular, or `dimensionless`.
# Not quantities: years and dates, clock times, ordinals, ranks, model names and
# identifiers, `a`/`one` as an article. `q: []` is a negative.
# `q` follows those rules; where it differs from quantulum3's own expectation, `q3` holds
# that expectation (unit names mapped) and `note` says why.
#
# {counts}
"""


def main() -> int:
    data = {name: load(name) for name in FILES}
    used = set()
    cases = []
    for name in FILES:
        for i, item in enumerate(data[name]):
            q3 = [straight(r) for r in item["res"]]
            key = (name, i)
            if key in OVERRIDES:
                used.add(key)
                q, note = OVERRIDES[key]
            else:
                q, note = q3, None
            cases.append({"source": f"{name}#{i}", "text": item["req"], "q": q,
                          "q3": q3 if q != q3 else None, "note": note,
                          "comment": item.get("comment")})
    stale = set(OVERRIDES) - used
    if stale:
        raise SystemExit(f"overrides for missing cases: {sorted(stale)}")
    n_q = sum(len(c["q"]) for c in cases)
    n_neg = sum(1 for c in cases if not c["q"])
    n_diff = sum(1 for c in cases if c["q3"] is not None)
    counts = (f"{len(cases)} cases, {n_q} gold quantities, {n_neg} negatives; "
              f"{n_diff} re-annotated to the project's rules (see q3/note).")
    lines = [HEADER.format(version=VERSION, n0=len(data[FILES[0]]), n1=len(data[FILES[1]]),
                           counts=counts).rstrip("\n")]
    lines.append(f"source: {{package: quantulum3, version: '{VERSION}', "
                 "repo: nielstron/quantulum3, licence: MIT}")
    lines.append("cases:")
    for n, c in enumerate(cases, 1):
        lines.append(f"- id: q3t-{n:03d}")
        lines.append(f"  source: {q_str(c['source'])}")
        lines.append(f"  text: {q_str(c['text'])}")
        lines.append("  q: [" + ", ".join(q_str(x) for x in c["q"]) + "]")
        if c["q3"] is not None:
            lines.append("  q3: [" + ", ".join(q_str(x) for x in c["q3"]) + "]")
        if c["note"]:
            lines.append(f"  note: {q_str(c['note'])}")
        if c["comment"]:
            lines.append(f"  q3_comment: {q_str(c['comment'])}")
    out = HERE / "quantulum3-tests.yaml"
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{out.relative_to(HERE.parent.parent)}: {counts}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
