"""Property tests: the quantity parser, repair and the whole pipeline never crash and never
produce values outside their contracts, whatever the text. Few examples so CI stays fast;
``benchmarks/fuzz.py`` runs the same properties over 100,000+ generated inputs."""

from __future__ import annotations

import json
import math
import re
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline import api
from pipeline.errors import ArticleError
from pipeline.extract import repair
from pipeline.extract.ingest import ingest
from pipeline.extract.quantities import extract_quantities
from pipeline.models import Document, Quantity, Span
from pipeline.units import normalize, rate_from_total
from tests.conftest import ROOT

NUMBERS = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.integers(min_value=0, max_value=10**400).map(lambda n: f"{n:,}"),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.sampled_from(["1e999", "10^1000", "-0", "0.0", "1/0", "0/0", "NaN", "inf", "½", "٣",
                     "1,2,3", "1..5", "1.2.3", "00000", "9" * 400, ".5", "5.", "1e-400"]),
)
PIECES = st.one_of(
    NUMBERS,
    st.sampled_from(["$", "US$", "€", "£", "¥", "S$", "USD", "EUR", "billion", "bn", "B",
                     "million", "mln", "M", "k", "trillion", "%", "percent", "per", "a", "/",
                     "month", "year", "annually", "over", "years", "GPUs", "users", "MW",
                     "about", "up to", "more than", "between", "and", "to", "-", "–", "~",
                     "∗∗", "′", "−", "**", " ", "\n", "\u200b", "\u202e", "\x00", ".", ","]),
    st.text(max_size=8),
)
TEXTS = st.lists(PIECES, max_size=30).map(" ".join) | st.text(max_size=200)


def _finite_or_none(x: float | None) -> bool:
    return x is None or math.isfinite(x)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=TEXTS)
def test_quantity_parser_never_crashes_and_keeps_its_contract(text, registry):
    for q in extract_quantities(text, doc_id="d", registry=registry):
        assert 0 <= q.span.start < q.span.end <= len(text)
        assert q.span.text == text[q.span.start:q.span.end]
        assert all(_finite_or_none(x) for x in (q.value, q.low, q.high)), q
        if q.low is not None and q.high is not None:
            assert q.low <= q.high, q
        n = normalize(q, registry)
        assert _finite_or_none(n.low) and _finite_or_none(n.high), (q, n)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=TEXTS)
def test_repair_never_crashes_and_maps_back_into_the_original(text):
    document = Document(id="d", path="a.txt", text=text, sha256="0" * 64)
    fixed = repair.repair(document)
    original = document.text
    assert repair.repair(document, enabled=False).text == original
    previous_end = 0
    for r_start, r_end, o_start, o_end in fixed.edits:
        assert previous_end <= r_start <= r_end <= len(fixed.text)
        assert 0 <= o_start <= o_end <= len(original)
        previous_end = r_end
    for rep in fixed.repairs:
        assert original[rep.span.start:rep.span.end] == rep.span.text == rep.original
    start, end = fixed.to_original(0, len(fixed.text))
    assert 0 <= start <= end <= len(original)


FLOATS = st.floats(allow_nan=False, allow_infinity=False) | st.sampled_from(
    [0.0, -0.0, 1e308, -1e308, 5e-324, 1e-320])
DURATIONS = st.builds("{} {}".format, FLOATS, st.sampled_from(["year", "month", "day", "GPU",
                                                               "second", "nonsense_unit"]))


@settings(max_examples=300, deadline=None)
@given(value=FLOATS, per=st.none() | DURATIONS | st.sampled_from(["month", "user / month"]),
       over=st.none() | DURATIONS)
def test_normalization_never_divides_into_infinity(value, per, over, registry):
    quantity = Quantity(span=Span(doc_id="d", start=0, end=1, text="x"), value=value,
                        low=value, high=value, unit="USD", currency="USD", per=per, over=over)
    normalized = normalize(quantity, registry)
    assert _finite_or_none(normalized.low) and _finite_or_none(normalized.high)
    rate = rate_from_total(quantity, normalized, registry)
    if rate is not None:
        assert _finite_or_none(rate.low) and _finite_or_none(rate.high), (over, rate)


HTML_PIECES = st.sampled_from([
    "<html>", "<body>", "<p>", "</p>", "<div>", "</div>", "<script>", "</script>", "<!--", "-->",
    "<![CDATA[", "]]>", "<!DOCTYPE html [<!ENTITY x SYSTEM 'file:///etc/passwd'>]>", "&x;",
    "&amp;", "&#0;", "&#x110000;", "&#99999999999;", "<", ">", "</", "<a href='", "'>", "=",
    "\"", "<meta charset=utf-16>", "<?xml version='1.0'?>", "<table><tr><td>", "<br/>",
    "Acme said revenue was $5 million last year.", "\x00", "é", "\u202e"])
RAW_ARTICLES = st.one_of(
    st.binary(max_size=600),
    st.lists(HTML_PIECES | st.text(max_size=10), max_size=60).map(
        lambda parts: "".join(parts).encode("utf-8")),
    TEXTS.map(lambda t: t.encode("utf-8")),
    TEXTS.map(lambda t: t.encode("utf-16")),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=RAW_ARTICLES, suffix=st.sampled_from([".txt", ".md", ".html", ".htm"]))
def test_ingest_returns_a_document_or_an_article_error(data, suffix):
    try:
        document = ingest("article" + suffix, data)
    except ArticleError as exc:
        assert exc.path == "article" + suffix and exc.reason and "\n" not in exc.reason
        return
    assert document.text.strip()
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f]", document.text)
    for start, end in document.boilerplate:
        assert 0 <= start < end <= len(document.text)


WORDS = st.sampled_from(["Acme", "Robotics", "said", "revenue", "was", "valued", "at", "the",
                         "company", "loss", "burn", "rate", "users", "GPUs", "deal", "worth",
                         "Orbital", "Freight", "pays", "lease", "for", "month", "year", "in"])
SENTENCES = st.lists(st.one_of(WORDS, WORDS, NUMBERS, PIECES), min_size=3, max_size=25).map(
    lambda parts: " ".join(parts) + ".")
ARTICLES = st.lists(SENTENCES, min_size=1, max_size=6).map(lambda s: "Acme news\n\n" + " ".join(s))


def _strict(text: str) -> object:
    def reject(name: str) -> None:
        raise ValueError(name)
    return json.loads(text, parse_constant=reject)


@pytest.mark.model
@settings(max_examples=6, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(articles=st.lists(ARTICLES, min_size=1, max_size=3))
def test_whole_pipeline_on_generated_articles(articles):
    with tempfile.TemporaryDirectory() as tmp:
        corpus, out = Path(tmp) / "corpus", Path(tmp) / "out"
        corpus.mkdir()
        for i, text in enumerate(articles):
            (corpus / f"a{i}.txt").write_text(text, encoding="utf-8", errors="surrogatepass")
        result = api.extract(corpus, out=out, rules_dir=ROOT / "rules")
        texts = {d.id: d.text for d in result.documents}
        for claim in result.claims:
            span = claim.span
            assert texts[span.doc_id][span.start:span.end] == span.text
            for x in (claim.normalized.low, claim.normalized.high):
                assert _finite_or_none(x)
        _strict((out / "contradictions.json").read_text())
        for line in (out / "claims.jsonl").read_text().split("\n"):
            if not line:
                continue
            _strict(line)
