"""Properties of the quantities stage on the shapes of issue 16 (currencies, units, counted
nouns, number words, fractions, ranges, vague amounts, signs, hedges), the written-precision
intervals, malformed figures, and the currency conversion the checks call. No spaCy model."""

from __future__ import annotations

import math

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from pipeline.check.currency import Conversion, NotConverted, convert, cross_rate, money
from pipeline.extract.lexicon import lexicon_of
from pipeline.extract.quantities import MAX_VALUE, extract_quantities, malformed_findings
from pipeline.models import Claim, Document, Normalized
from pipeline.units import normalize
from tests.conftest import best_cpu_seconds

# Pieces of the new shapes, glued or spaced at random: the parser must never crash, never
# produce inf/nan, and every interval it returns must be ordered.
_SHAPES = st.sampled_from([
    "EUR", "USD ", "US$", "$A", "S$", "HK$", "NZ$", "R$", "Rs.", "Rs", "RM", "Rp", "Y=", "¥",
    "€", "£", "₹", "₩", "CHF ", "元", "₭", "zł", "c", "p", "P", "¢", "cents", "pence", "paise",
    "75m", "2.3tn", "41,250,000", "64.1m", "2.1b", "14.20", "500 crore", "1.17 lakh crore",
    "55,5000", "1,00,000", "2019,2020", "bilion", "milion", "330-hp", "48.2 MPa", "7-mpg",
    "31 cubic feet", "310 pound-feet", "3.1degF", "1.7deg C", "27″", "1,800 Calories",
    "74 mph", "300 MW", "1.2 GWh", "-12C", "°F", "°", "6ft 3in", "6-foot-3", "in", "thick",
    "412 passing yards", "240 homes", "12 miles", "3,000 customers", "10-", "12-inch",
    "two options", "one area", "a third of", "half of", "three-quarters", "1/4 cup", "1⁄16",
    "½", "⅓", "63 3/16", "of a gallon", "of an inch", "billionths", "a millionth",
    "1500 - 1800", "from $45 to $75", "between 3.9 and 3.6", "150,000 to-180,000",
    "$2.6–4B", "minus-7 yards", "-2.4%", "(+11.7%)", "−273.15°", "at 31,022.40", "4.3",
    "dozens", "hundreds of", "thousands of samples", "tens of billions", "multimillion",
    "the upper 90s", "their 30s", "rose", "fell", "up", "down", "higher", "lower", "by",
    "more than", "nearly", "up to", "about", "or more", "or so", "+", "-plus", "-odd", "-ish",
    "and", "or", "of them", "of which", "per", "a", "share", "dollar", "per dollar", "x", "×",
    "-to-", "(", ")", ",", ".", "\n", " ", "points", "index", "temperatures", "highs", "heat",
    "9" * 30, "1e999", "0", "000", "½½", "--", "$-", "-$", "per share", "EPS", "aged",
])


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.lists(_SHAPES, max_size=30).map(" ".join),
                 st.lists(_SHAPES, max_size=30).map("".join)))
@example("The site holds roughly 55,5000 GPUs and costs $1.25 bilion a month.")
@example("Temperatures ranged from -18 °C to -34 °C, highs in the upper 90s, -2.4% lower.")
@example("Rs.1,357.47 crore, Y=410 billion, $A64.1m, 96.5p (H1: 9.0p) per share, 3 dollars 50")
def test_new_shapes_never_crash_and_stay_finite(registry, text):
    for q in extract_quantities(text, doc_id="h", registry=registry):
        assert text[q.span.start:q.span.end] == q.span.text
        for x in (q.value, q.low, q.high, q.precision, *(q.implied or ())):
            assert x is None or (math.isfinite(x) and abs(x) <= MAX_VALUE * 1e3), q
        if q.low is not None and q.high is not None:
            assert q.low <= q.high, q
        if q.implied is not None and None not in q.implied:
            assert q.implied[0] <= q.implied[1], q
        assert 0 < q.confidence <= 1
        assert (q.confidence < 1) == (q.suspect is not None)
        registry.parse_units(q.unit)
        n = normalize(q, registry)
        for x in (n.low, n.high, *(n.implied or ())):
            assert x is None or math.isfinite(x)


@settings(max_examples=200, deadline=None)
@given(st.decimals(min_value=0, max_value=10**9, places=3, allow_nan=False),
       st.sampled_from(["", "about ", "nearly ", "more than ", "up to ", "roughly "]),
       st.sampled_from(["$", "€", "£"]), st.sampled_from(["", " million", " billion"]))
def test_the_implied_interval_holds_the_figure(registry, number, hedge, sign, scale):
    text = f"It paid {hedge}{sign}{number:,}{scale} in cash."
    found = [q for q in extract_quantities(text, doc_id="p", registry=registry)
             if not q.reference]
    assert len(found) == 1, (text, found)
    q = found[0]
    assert q.implied is not None and q.value is not None
    low, high = q.implied
    assert (low is None or low <= q.value * (1 + 1e-12)) and \
        (high is None or q.value <= high * (1 + 1e-12) or q.value == 0), (text, q)
    if not hedge:  # an exact figure: exactly its written precision
        assert q.precision is not None and q.precision > 0
        assert math.isclose(high - low, 2 * q.precision, rel_tol=1e-6,
                            abs_tol=abs(q.value) * 1e-12), (text, q)


@pytest.mark.parametrize("unit", [
    "rose 1.5% to $3,000, ", "between 3 and 4 miles, ", "55,5000 GPUs ", "-12C, ",
    "tens of thousands of fans and ", "a third of 1/4 cup, ", "$1.25 bilion ", "(32) ",
    "1,2,3,", "5-7-", "US$", "Rs.", "90s ", "10 of them ", "x 5 × ",
], ids=lambda u: u.strip()[:20])
def test_time_grows_linearly_with_the_input(registry, unit):
    # the same shape 200 and 800 times: linear time grows 4x, quadratic 16x
    small, large = unit * 200, unit * 800
    extract_quantities(small, doc_id="w", registry=registry)  # warm the unit memo
    def run(text: str) -> None:
        extract_quantities(text, doc_id="t", registry=registry)
    t_small, t_large = best_cpu_seconds(run, small), best_cpu_seconds(run, large)
    assert t_large < 8 * t_small + 0.05, (unit, t_small, t_large)


# -- malformed figures -------------------------------------------------------------------

def test_malformed_figures_become_garbled_findings(registry):
    text = "The site holds roughly 55,5000 GPUs. The lease costs $1.25 bilion a month."
    found = extract_quantities(text, doc_id="d", registry=registry)
    assert [(q.value, q.confidence) for q in found] == [(555000, 0.5), (1.25e9, 0.5)]
    doc = Document(id="d", path="a.txt", text=text, sha256="0" * 64)
    claims = [Claim(id=f"c{k}", doc_id="d", span=q.span, sentence=text, subject="Acme",
                    metric="unknown", quantity=q,
                    normalized=Normalized(low=q.low, high=q.high, unit=q.unit))
              for k, q in enumerate(found)]
    findings = malformed_findings(doc, claims)
    assert [f.kind for f in findings] == ["garbled", "garbled"]
    assert "“roughly 55,5000 GPUs” repaired to “roughly 555,000 GPUs”" in findings[0].explanation
    assert "“$1.25 bilion a month” repaired to “$1.25 billion a month”" in findings[1].explanation
    assert findings[0].claims == ("c0",) and len({f.id for f in findings}) == 2
    assert malformed_findings(doc, []) == []


def test_well_formed_figures_are_not_suspect(registry):
    text = "It has 1,234,567 users, 10,00,000 rupees, a billion dollars and 2019,2020 dates."
    assert all(q.suspect is None and q.confidence == 1.0
               for q in extract_quantities(text, doc_id="d", registry=registry))


# -- currency conversion --------------------------------------------------------------------

def test_conversion_shows_the_rate_and_year(rules):
    c = convert((1.3e9, 1.3e9), "SGD", "USD", year=2023, rates=rules.rates,
                currencies=rules.currencies)
    assert isinstance(c, Conversion)
    assert c.text == "S$1.3B ≈ US$0.968B at the 2023 average rate"
    assert math.isclose(c.low, 1.3e9 / 1.3428) and c.filled is None


def test_conversion_of_open_intervals_and_filled_years(rules):
    c = convert((6.0e10, None), "USD", "EUR", year=2025, rates=rules.rates,
                currencies=rules.currencies)
    assert isinstance(c, Conversion) and c.high is None and c.low is not None
    assert c.text.startswith("at least US$60B ≈ at least €") and c.filled


@pytest.mark.parametrize(("source", "target", "year", "why"), [
    ("USD", "XYZ", 2020, "no exchange rates for XYZ"),
    ("CHF", "INR", 1990, "no 1990 rate for CHF"),
    ("JPY", "KRW", None, "no date"),
])
def test_not_converted_says_why(rules, source, target, year, why):
    c = convert((1.0, 2.0), source, target, year=year, rates=rules.rates)
    assert isinstance(c, NotConverted) and why in c.reason


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(["USD", "EUR", "GBP", "JPY", "CNY", "CHF", "CAD", "AUD", "SGD", "HKD",
                        "INR", "KRW", "MYR"]),
       st.sampled_from(["USD", "EUR", "GBP", "JPY", "CNY", "CHF", "CAD", "AUD", "SGD", "HKD",
                        "INR", "KRW", "MYR"]),
       st.integers(min_value=2015, max_value=2026),
       st.floats(min_value=1e-3, max_value=1e15))
def test_conversion_round_trips(rules, source, target, year, amount):
    there = cross_rate(source, target, year, rules.rates)
    back = cross_rate(target, source, year, rules.rates)
    assert isinstance(there, float) and isinstance(back, float) and there > 0
    assert math.isclose(there * back, 1.0, rel_tol=1e-12)
    c = convert((amount, amount * 2), source, target, year=year, rates=rules.rates)
    assert isinstance(c, Conversion) and c.low is not None and c.high is not None
    assert c.low <= c.high


def test_money_is_written_as_a_newsroom_would(rules):
    assert money((2e9, 2.5e9), "EUR", rules.currencies) == "€2B–2.5B"
    assert money((3.2e9, 3.2e9), "CHF", rules.currencies) == "CHF 3.2B"
    assert money((None, 15.0), "USD", rules.currencies) == "at most US$15"


# -- a bare "$" and the article's currency --------------------------------------------------

@pytest.mark.parametrize(("text", "source", "unit"), [
    ("The council set aside $45 million for roads.", None, "USD"),
    ("The council set aside $45 million for roads.", "https://www.example.com.au/news/1", "AUD"),
    ("The council set aside $45 million for roads.", "https://straits.example.sg/a", "SGD"),
    ("It raised 300 million Australian dollars. It set aside $45 million for roads.", None,
     "AUD"),
    ("Its budget is NZ$2 billion. It set aside $45 million for roads.", None, "NZD"),
    ("It paid $410m (C$550m) for it. It set aside $45 million for roads.", None, "USD"),
])
def test_a_bare_dollar_follows_the_article(registry, rules, text, source, unit):
    found = extract_quantities(text, doc_id="d", registry=registry, lexicon=lexicon_of(rules),
                               source=source)
    assert [q.unit for q in found if q.span.text == "$45 million"] == [unit]


def test_a_malformed_figure_is_a_garbled_finding_of_the_run(tmp_path):
    from pipeline import api
    from tests.conftest import ROOT

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("Acme Corp said its Colossus site holds roughly 55,5000 GPUs "
                                  "today.\n", encoding="utf-8")
    result = api.extract(corpus, out=tmp_path / "out", rules_dir=ROOT / "rules")
    garbled = [f for f in result.findings if f.kind == "garbled"]
    assert len(garbled) == 1 and "roughly 555,000 GPUs" in garbled[0].explanation
    claim = next(c for c in result.claims if c.id in garbled[0].claims)
    assert claim.quantity.value == 555000 and claim.quantity.confidence == 0.5
