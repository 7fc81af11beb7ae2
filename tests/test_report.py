"""The output files of hand-built runs, as a run writes them (``render.text``): no model.

:func:`tests.conftest.sample_report` builds one finding of most kinds (including one with no
claims, one dismissed, one repaired) with hostile markup in article text; other report tests
use it too.
"""

from __future__ import annotations

import base64
import hashlib
import json
import random
import re

import markupsafe
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline import render
from pipeline.models import Claim, Document, Finding, Skip
from pipeline.render import escape, exports, report
from pipeline.state import rows
from pipeline.units import format_amount
from tests.conftest import make_doc, report_claim, sample_report


def texts(findings: list[Finding], claims: list[Claim], documents: dict[str, Document],
          skipped: list[Skip] = ()) -> dict[str, str]:  # type: ignore[assignment]
    """Every output file of the run, as a run writes it; ``"html"``: every page of the HTML
    report (``report.html`` and the pages of ``report/``) one after the other."""
    view = rows.memory_view(list(documents.values()), claims, findings, list(skipped))
    every = render.texts(view)
    every["html"] = "".join(text for name, text in every.items() if name.startswith("report"))
    return every


@pytest.fixture(scope="module")
def sample():
    return sample_report()


@pytest.fixture(scope="module")
def files(sample):
    return texts(*sample)


@pytest.fixture(scope="module")
def html(files):
    return files["html"]


@pytest.fixture(scope="module")
def markdown(files):
    return files["contradictions.md"]


# --------------------------------------------------------------------------- HTML


def test_html_escapes_all_article_text(html):
    assert html.count("<script") == html.count("<!doctype html>")  # each page's own script
    assert "<img" not in html
    assert "onerror=\"window" not in html
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=&#34;window.__pwned=1&#34;&gt;" in html


def test_html_links_only_http_sources(html):
    assert 'href="https://example.com/acme?a=1&amp;b=2"' in html
    assert "javascript:" not in html


def test_html_csp_allows_only_its_own_script(files):
    pages = [text for name, text in files.items() if name.startswith("report")]
    assert len(pages) >= 5  # the index, two groups, repaired text, claims index, sources
    for page in pages:
        script = re.search(r"<script>(.*)</script>", page, re.DOTALL)
        assert script is not None and page.count("<script") == 1
        digest = base64.b64encode(hashlib.sha256(script.group(1).encode()).digest()).decode()
        assert f"script-src 'sha256-{digest}'" in page
        assert "default-src 'none'" in page
        assert not re.search(r"<(link|img|iframe)\b|src=\"http", page)


def test_html_groups_most_severe_first_and_collapses_dismissed(html):
    headings = re.findall(r'<section class="group" id="g-([^"]+)"', html)
    assert headings[0] == "acme-robotics-valuation"
    assert headings[-1] == "acme-robotics-compute-cost"  # info only
    assert re.search(r'<details class="finding kind-divergence dismissed" id="f-diverge"', html)
    assert re.search(r'<article class="finding kind-contradiction" id="f-contra"', html)
    assert 'data-status="confirmed"' in html and "a different round" in html


def test_html_marks_the_right_figure_and_shows_normalization(html):
    marked = re.findall(r'<mark class="ent">([^<]*)<span', html)
    assert "$2 billion" in marked and "$3.5 billion" in marked
    # the claim points at the second "$2 billion" of its sentence
    assert ("Investors said $2 billion, then valued the company at "
            '<mark class="ent">$2 billion') in html
    assert "$1.25B/month × 12 = $15B/year" in html
    assert "$1.25B/month</b> → normalized <b>$15B/year" in html


def test_html_shows_garbled_original_and_repaired(html):
    block = html[html.index('id="f-garbled"'):]
    assert '<code class="orig">10billionforthestartup′swork</code>' in block
    assert ('<h4>original (garbled)</h4><code>10billionforthestartup′swork</code></div><div>'
            "<h4>repaired</h4>$10 billion for the startup&#39;s work</div>") in block
    # the repaired sentence marks the repaired figure, matched ignoring spaces and quotes
    assert ('pay <mark class="ent">$10 billion for the startup&#39;s work<span' in block)


def test_claims_index_marks_figures_too(html):
    index = html[html.index('id="claims-index"'):]
    assert "then valued the company at <mark class=\"ent\">$2 billion</mark> again." in index


def test_html_has_filters_for_each_kind_and_severity(html, sample):
    findings = sample[0]
    for kind in {f.kind for f in findings}:
        assert f'data-filter="kind" value="{kind}"' in html
    for severity in {f.severity for f in findings}:
        assert f'data-filter="severity" value="{severity}"' in html
    assert html.count('class="finding ') == len(findings)


def test_html_charts_log_scale_when_values_span_orders_of_magnitude(html):
    charts = re.findall(r'aria-label="Where each source\'s value falls \((\w+) scale', html)
    assert charts == ["log", "linear"]  # valuation ($40M..$3.5B), compute cost (equal values)


def test_claims_index_lists_every_claim_by_entity(files, sample):
    start = files["report.html"].index('id="claims-index"')
    assert 'href="report/claims.html"' in files["report.html"][start:]
    index = files["report/claims.html"]
    for subject in ("Acme Robotics", "Orbital", "SpaceX"):
        assert f"<summary>{subject} " in index
    assert index.count('<tr class="claim">') == len(sample[1])


# --------------------------------------------------------------------------- Markdown


def test_markdown_escapes_markup_and_table_pipes(markdown):
    assert "<script" not in markdown and "<img" not in markdown
    assert "gam\\|ma.txt" in markdown
    for line in markdown.splitlines():
        if line.startswith("| sentence |"):
            cells = re.split(r"(?<!\\)\|", line)
            assert len(cells) == line.count("|") - line.count("\\|") + 1


def test_markdown_shows_findings_in_report_order(markdown):
    ids = re.findall(r"`(f-[a-z]+)`", markdown)
    assert ids[:2] == ["f-contra", "f-diverge"]
    assert "### ~~divergence · medium~~ · dismissed — `f-diverge`" in markdown
    assert "Normalization: `$1.25B/month × 12 = $15B/year`" in markdown
    assert "| original (garbled) | `10billionforthestartup′swork` |" in markdown
    assert ("| `10billionforthestartup′swork` | $10 billion for the startup's work |"
            in markdown)
    assert "then valued the company at **$2 billion** again." in markdown


def test_markdown_has_blank_line_after_every_heading(markdown):
    lines = markdown.splitlines()
    for i, line in enumerate(lines[:-1]):
        if line.startswith("#"):
            assert lines[i + 1] == "", line


# --------------------------------------------------------------------------- JSON


def test_json_findings_embed_their_claims(files):
    payload = json.loads(files["contradictions.json"])
    by_id = {f["id"]: f for f in payload["findings"]}
    contra = by_id["f-contra"]
    assert contra["status"] == "open"
    first = contra["claims"][0]
    for key in ("doc", "sentence", "surface", "value", "low", "high", "unit", "normalized",
                "highlight"):
        assert key in first
    start, end = first["highlight"]
    assert first["sentence"][start:end] == first["surface"]
    assert by_id["f-noclaims"]["claims"] == [] and by_id["f-noclaims"]["status"] == "explained"
    assert by_id["f-recon"]["arithmetic"].startswith("$1.25B")
    assert [d["path"] for d in payload["documents"]] == ["alpha.txt", "beta.md", "gam|ma.txt"]


# the files in report order (claims.jsonl and the graph follow the run order of claims and
# findings, which a run fixes)
REPORT_ORDER = ("contradictions.json", "contradictions.md", "report.html", "claimreview.jsonld")


def test_outputs_do_not_depend_on_input_order(sample, files):
    findings, claims, documents, skipped = sample
    expected = {name: files[name] for name in REPORT_ORDER}
    docs = dict(reversed(list(documents.items())))
    reversed_run = texts(findings[::-1], claims[::-1], docs, skipped)
    assert {name: reversed_run[name] for name in REPORT_ORDER} == expected
    for seed in range(5):
        shuffled = list(findings)
        random.Random(seed).shuffle(shuffled)
        again = texts(shuffled, claims, documents, skipped)
        assert {name: again[name] for name in REPORT_ORDER} == expected


def test_claimreview_jsonld_leaves_out_dismissed_findings(files):
    payload = json.loads(files["claimreview.jsonld"])
    assert payload["@context"] == "https://schema.org"
    ids = {item["identifier"].split("/")[0] for item in payload["@graph"]}
    assert ids == {"f-contra", "f-recon"}
    assert all(item["@type"] == "ClaimReview" for item in payload["@graph"])
    assert "javascript:" not in json.dumps(payload)


def test_empty_report_renders():
    files = texts([], [], {})
    assert "No findings" in files["html"]
    assert json.loads(files["contradictions.json"])["findings"] == []
    assert files["contradictions.md"].startswith("# Contradictions report\n\n0 documents")


# --------------------------------------------------------------------------- formatting


@pytest.mark.parametrize(("value", "unit", "expected"), [
    (2e9, "USD", "$2B"), (1.25e9, "USD/month", "$1.25B/month"), (3.5e6, "EUR", "€3.5M"),
    (12000, "GPU", "12,000 GPU"), (7.5, "percent", "7.5%"), (None, "USD", "?"),
    (-4e9, "USD", "-$4B"), (2.5e12, "USD", "$2.5T"), (150, "MW", "150 MW"),
], ids=["billions", "rate", "euro", "count", "percent", "unknown", "negative", "trillions",
        "power"])
def test_amounts_as_the_report_writes_them(value, unit, expected):
    assert format_amount(value, unit, report=True) == expected


@pytest.mark.parametrize(("url", "ok"), [
    ("https://example.com/a", True), ("http://x.org/?q=1&r=2", True),
    ("javascript:alert(1)", False), ("https://x.org/\" onmouseover=\"x", False),
    ("data:text/html,<script>", False), (None, False), ("//evil.example/", False),
], ids=["https", "http-query", "javascript", "quote", "data", "none", "protocol-relative"])
def test_safe_url(url, ok):
    assert (report.safe_url(url) is not None) == ok


@settings(max_examples=60, deadline=None)
@given(text=st.text(min_size=1, max_size=80))
def test_any_article_text_is_escaped(text):
    doc = make_doc(1, "x.txt", text, source=text)
    sentence = f"{text} paid $5 million {text}"
    claim = report_claim("c-1", doc, sentence, "$5 million", 5e6, 5e6)
    other = report_claim("c-2", doc, f"{text} paid $9 million", "$9 million", 9e6, 9e6)
    finding = Finding(id="f-1", kind="contradiction", severity="high", subject="Acme Robotics",
                      metric="valuation", claims=("c-1", "c-2"), explanation=text,
                      check="value_mismatch.v1", note=text)
    files = texts([finding], [claim, other], {doc.id: doc})
    page = files["html"]
    assert page.count("<script") == page.count("<!doctype html>")
    shown = markupsafe.escape(escape.visible(text))  # the page's escaper
    assert str(shown) in page
    assert escape._ACTING.search(page) is None
    # the page's own anchors (href="#g-...") may start like the text; a whole link may not
    assert f'href="{shown}"' not in page or report.safe_url(text) is not None
    assert "<" not in files["contradictions.md"]


_NUMBER = r"(-?[0-9.]+)"


@settings(max_examples=80, deadline=None)
@given(values=st.lists(st.tuples(
    st.one_of(st.none(), st.floats(-1e13, 1e13, allow_nan=False)),
    st.one_of(st.none(), st.floats(-1e13, 1e13, allow_nan=False))), min_size=2, max_size=24))
def test_chart_coordinates_stay_in_the_plot(values):
    doc = make_doc(1, "x.txt", "X")
    claims = []
    for i, (low, high) in enumerate(values):
        if low is not None and high is not None and low > high:
            low, high = high, low
        claims.append(report_claim(f"c-{i:02d}", doc, "It was $1.", "$1", low, high))
    finding = Finding(id="f-1", kind="contradiction", severity="high", subject="Acme Robotics",
                      metric="valuation", claims=tuple(c.id for c in claims), explanation="x",
                      check="x.v1")
    page = texts([finding], claims, {doc.id: doc})["html"]
    usable = [c for c in claims if c.normalized.low is not None or c.normalized.high is not None]
    if len(usable) < 2:
        assert '<div class="chart">' not in page
        return
    chart = page[page.index('<div class="chart">'):page.index("</svg>")]
    left, right = 200, 630  # the plot's x range
    bars = re.findall(rf'<line class="bar [^"]*" x1="{_NUMBER}" x2="{_NUMBER}"', chart)
    points = re.findall(rf'<circle class="[^"]*" cx="{_NUMBER}"', chart)
    ticks = re.findall(rf'<line class="grid" x1="{_NUMBER}"', chart)
    assert len(bars) + len(points) == len(usable)
    for x1, x2 in bars:
        assert left <= float(x1) <= float(x2) <= right
    assert all(left <= float(x) <= right for x in [*points, *ticks])
    finite = [v for c in usable for v in (c.normalized.low, c.normalized.high) if v is not None]
    log = min(finite) > 0 and max(finite) / min(finite) > 20
    assert ("(log scale" in chart) == log and ("(linear scale" in chart) == (not log)


@pytest.mark.parametrize(("kind", "explanation", "pair"), [
    ("garbled", "x.txt chars 1-9: glued text “5millionayear” repaired to “$5 million a year”.",
     ("5millionayear", "$5 million a year")),
    ("garbled", 'glued text "a$b" repaired to "a b" (0.9)', ("a$b", "a b")),
    ("garbled", "Garbled run fixed, no quotes.", None),
    ("contradiction", "“a” repaired to “b”", None),
], ids=["curly", "straight", "unquoted", "not-garbled"])
def test_repair_pair_from_explanation(kind, explanation, pair):
    finding = Finding(id="f-1", kind=kind, severity="info", subject=None, metric=None,
                      claims=(), explanation=explanation, check="garbled.v1")
    assert report.repair_pair(finding) == pair


def test_update_sources_are_ordered_oldest_first():
    doc = make_doc(1, "x.txt", "X")
    new = report_claim("c-a", doc, "In 2026 it was $1 billion.", "$1 billion", 1e9, 1e9)
    old = report_claim("c-b", doc, "In 2024 it was $5 billion.", "$5 billion", 5e9, 5e9)
    new, old = (c.model_copy(update={"as_of": y}) for c, y in ((new, "2026"), (old, "2024")))
    kinds = {}
    for kind in ("update", "contradiction"):
        finding = Finding(id=f"f-{kind}", kind=kind, severity="low", subject="Acme Robotics",
                          metric="valuation", claims=("c-a", "c-b"), explanation="x",
                          check="x.v1")
        files = texts([finding], [new, old], {doc.id: doc})
        row = next(line for line in files["contradictions.md"].splitlines()
                   if line.startswith("| figure |"))
        kinds[kind] = sorted(["c-a", "c-b"], key=lambda c: row.index(
            "$1 billion" if c == "c-a" else "$5 billion"))
        html = files["html"]
        block = html[html.index(f'id="f-{kind}"'):]
        assert kinds[kind] == sorted(["c-a", "c-b"], key=lambda c: block.index(
            "In 2026" if c == "c-a" else "In 2024"))
    assert kinds == {"update": ["c-b", "c-a"], "contradiction": ["c-a", "c-b"]}


@pytest.mark.parametrize("breaker", ["\x85", "\u2028", "\u2029"])
def test_claims_jsonl_is_one_claim_per_line_for_any_line_reader(breaker):
    sentence = f"Acme is valued{breaker}at $2 billion."
    doc = make_doc(9, "odd.txt", "Odd", text=sentence)
    claim = report_claim("c-odd", doc, sentence, "$2 billion", 2e9, 2e9)
    lines = texts([], [claim], {doc.id: doc})["claims.jsonl"].splitlines()
    assert len(lines) == 1
    assert json.loads(lines[0])["sentence"] == sentence


_JSON_LEAF = st.none() | st.booleans() | st.integers(-10**20, 10**20) | \
    st.floats(allow_nan=True, allow_infinity=True) | st.text(max_size=8)
_JSON = st.recursive(_JSON_LEAF, lambda inner: st.lists(inner, max_size=4)
                     | st.tuples(inner, inner)
                     | st.dictionaries(st.text(max_size=4), inner, max_size=4), max_leaves=20)


@settings(max_examples=200, deadline=None)
@given(value=_JSON)
def test_pretty_json_is_json_dumps_byte_for_byte(value):
    """``json.dumps``'s text (with what would act in a terminal as ``\\uXXXX``: the same
    data)."""
    dumped = json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True)
    assert exports.pretty_json(value) == escape.json_text(dumped)
    # read back and dumped again, not compared as data: NaN is never equal to itself
    again = json.dumps(json.loads(exports.pretty_json(value)), ensure_ascii=False, indent=2,
                       sort_keys=True)
    assert again == dumped


@pytest.mark.parametrize("text", [
    "plain words", "a_b gpu_count _lead trail_ x", "pipe | star * [link](x) `code` <b>",
    "back\\slash  spaced\n\tout ", "", "   ", "AT&T &amp; &#60; &x",
], ids=["plain", "underscores", "specials", "whitespace", "empty", "blank", "entities"])
@pytest.mark.parametrize("strip", [True, False], ids=["strip", "keep"])
def test_md_cell_fast_path_matches_full_escaping(text, strip):
    flat = re.sub(r"\s+", " ", text)
    flat = flat.strip() if strip else flat
    full = re.sub(r"&(?=#?[0-9A-Za-z]+;)", r"\\&", flat.replace("\\", "\\\\"))
    full = (full.replace("|", "\\|").replace("<", "&lt;")
            .replace(">", "&gt;").replace("`", "\\`").replace("*", "\\*")
            .replace("[", "\\[").replace("]", "\\]"))
    full = re.sub(r"(?<![0-9A-Za-z])_|_(?![0-9A-Za-z])", r"\\_", full)
    assert escape.markdown(text, strip=strip) == full
