"""Explanations a fact-checker can verify (issue 18 item 3, issue 17 item 6): the figures
as written (repaired words, the garbled original beside), the intervals compared and why
they are that wide, the gap in the right terms, and no internal names in user-facing text.

Unit tests use hand-built claims; the end-to-end test runs our own small corpus
(``tests/data/wording``: percentages, close money figures, hedged counts, glued text, a
promotional banner) and scans every file a person reads."""

from __future__ import annotations

import html.parser
import json
import re
from pathlib import Path
from typing import Any

import pytest

from pipeline import wording
from pipeline.models import Claim, Normalized, Quantity, Span
from pipeline.render import report
from tests.conftest import ROOT, extract_data_folder, make_claim

# --------------------------------------------------------------------------- gaps


@pytest.mark.parametrize(("a", "b", "unit", "expected"), [
    (1.9, 1.0, "percent", "0.9 percentage points apart"),
    (4.0, 5.0, "percent", "1 percentage point apart"),
    (12.5, 3.0, "percent", "9.5 percentage points apart"),  # never "4.2× apart"
    (100e6, 101.9e6, "USD", "$1.9M (1.9%) apart"),
    (12e9, 15e9, "USD", "$3B (20%) apart"),
    (1e9, 2.4e9, "USD", "2.4× apart"),
    (55_000, 555_000, "GPU", "10× apart"),
    (0.0, 5.0, "USD", "apart (one of them is zero)"),
], ids=["points", "one-point", "points-not-ratio", "money-close", "money-20pc", "ratio",
        "count-ratio", "zero"])
def test_gap_words(a, b, unit, expected):
    assert wording.gap_words(a, b, unit) == expected
    assert wording.gap_words(b, a, unit) == expected  # symmetric


@pytest.mark.parametrize(("low", "high", "unit", "expected"), [
    (101.85e6, 101.95e6, "USD", "$101.85M–$101.95M"),  # not "$101.8M–$102M"
    (99.5e6, 100.5e6, "USD", "$99.5M–$100.5M"),
    (1.85, 1.95, "percent", "1.85%–1.95%"),
    (60e9, float("inf"), "USD", "at least $60B"),
    (2e9, 2e9, "USD", "$2B"),
])
def test_interval_text_shows_the_digits_it_needs(low, high, unit, expected):
    assert wording.interval_text(low, high, unit) == expected


# --------------------------------------------------------------------------- intervals


def _hedged(claim: Claim, hedge: str | None, bound: str) -> Claim:
    q = claim.quantity.model_copy(update={"hedge": hedge, "bound": bound})
    return claim.model_copy(update={"quantity": q})


def test_interval_words_say_why_an_interval_is_that_wide(registry):
    about = _hedged(make_claim(registry, 4200, unit="truck", text="about 4,200 trucks"),
                    "about", "approx")
    assert wording.interval_words(about, 3990, 4410, 4200, "truck") == \
        '3,990 truck–4,410 truck ("about" allows 5% either way)'
    exact = make_claim(registry, 6.4e9, text="$6.4 billion")
    assert wording.interval_words(exact, 6.35e9, 6.45e9, 6.4e9, "USD") == \
        "$6.35B–$6.45B (as precise as its last written digit: ±$50M)"
    over = _hedged(make_claim(registry, 60e9, text="more than $60 billion"), "more than",
                   "at_least")
    assert wording.interval_words(over, 60e9, float("inf"), 60e9, "USD") == \
        'at least $60B ("more than" makes it a lower bound)'
    vague = _hedged(make_claim(registry, low=1e4, high=1e5, unit="GPU",
                               text="tens of thousands of GPUs"), None, "vague")
    assert wording.interval_words(vague, 5e3, 1.5e5, 5.5e4, "GPU") == (
        '5,000 GPU–150,000 GPU ("tens of thousands of GPUs" is a vague amount, read as '
        "10,000 GPU–100,000 GPU and widened by 50% either way)")


# --------------------------------------------------------------------------- figures


def _repaired_claim(sentence: str, surface: str) -> Claim:
    span = Span(doc_id="d1", start=0, end=len(surface), text=surface)
    q = Quantity(span=span, value=12e9, low=12e9, high=12e9, unit="USD")
    return Claim(id="c-1", doc_id="d1", span=span, sentence=sentence, subject="Quayside",
                 metric="deal_value", quantity=q,
                 normalized=Normalized(low=12e9, high=12e9, unit="USD"), repaired=True)


def test_a_repaired_figure_is_quoted_in_its_repaired_words():
    claim = _repaired_claim("Quayside will pay $12 billion for the yard and its $3 billion "
                            "of debt.", "12billion")
    assert wording.figure_words(claim) == "$12 billion"
    assert wording.garbled_original("12billion", "$12 billion") == "12billion"


@pytest.mark.parametrize(("original", "shown"), [
    ("3 billion", "$3 billion"),  # only the lost currency sign was restored
    ("20/month", "$20/month"),
    ("45  million", "$45 million"),
])
def test_a_figure_that_was_not_garbled_has_no_original_beside_it(original, shown):
    assert wording.garbled_original(original, shown) is None


def test_an_unrepaired_figure_is_quoted_as_written(registry):
    claim = make_claim(registry, 5e9, text="$5 billion")
    assert wording.figure_words(claim) == "$5 billion"


def test_internal_names_read_as_words():
    assert wording.user_words("≥ 1M GPU_equivalent") == "≥ 1M GPU equivalents"
    assert wording.user_words('the "fiscal_quarter" quoted stays') == \
        'the "fiscal_quarter" quoted stays'
    assert wording.user_words("a fiscal_quarter figure") == "a quarter figure"
    assert wording.name_words("unknown") == "not recognized"
    assert wording.name_words("deal_value") == "deal value"
    assert wording.modality_words("asserted") == "stated as fact"
    assert wording.modality_words("projection") == "a projection or estimate"


# --------------------------------------------------------------------------- charts


def test_chart_labels_wrap_instead_of_being_cut():
    row = report._PlotRow("c-1", 555_000.0, 555_000.0,
                          "roughly 555,000 Nvidia GPUs in the Memphis cluster", "a.txt", "7f251c",
                          "555,000 GPU")
    other = report._PlotRow("c-2", 10_000.0, 100_000.0, "tens of thousands", "b.txt", "54b2be",
                            "10,000 GPU – 100,000 GPU")
    chart = report._chart_draw([other, row], "GPU", 0, {})
    long = chart.rows[1]
    assert [line for _, line in long["lines"]] == [
        "[7f251c] roughly 555,000", "Nvidia GPUs in the Memphis", "cluster"]
    assert "…" not in long["label"]
    assert all(len(line) <= report.LABEL_CHARS for _, line in long["lines"])
    # the wrapped row is taller, and the chart makes room for it
    assert chart.height > 16 + 2 * 20 + 26


# --------------------------------------------------------------------------- a whole run


class _Visible(html.parser.HTMLParser):
    """The text of an HTML page a reader sees (and its tooltips), code and scripts aside."""

    SKIP = frozenset({"script", "style", "code"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIP:
            self.depth += 1
        for name, value in attrs:
            if name in ("title", "aria-label", "placeholder", "alt") and value:
                self.parts.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP and self.depth:
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if not self.depth:
            self.parts.append(data)


def _visible_html(text: str) -> str:
    parser = _Visible()
    parser.feed(text)
    return "\n".join(parser.parts)


def _prose(value: Any) -> list[str]:
    """Every string of a JSON document that reads as prose (has a space)."""
    if isinstance(value, dict):
        return [s for v in value.values() for s in _prose(v)]
    if isinstance(value, list):
        return [s for v in value for s in _prose(v)]
    return [value] if isinstance(value, str) and " " in value else []


_SNAKE = re.compile(r"\b[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)+\b")
_UPPER = re.compile(r"\b[A-Z]{4,}\b")
_CODE_SPAN = re.compile(r"`[^`\n]*`")
#: words of the code a reader should not meet (the column says "how sure", not "modality")
_JARGON = re.compile(r"\bmodalit(?:y|ies)\b", re.IGNORECASE)
#: placeholders of the commands the pages suggest ("claims review ID --explain NOTE")
_PLACEHOLDERS = frozenset({"NOTE", "FINDING_ID"})


@pytest.fixture(scope="module")
def wording_run(tmp_path_factory):
    return extract_data_folder(tmp_path_factory, "wording")


def _user_facing(out: Path) -> dict[str, str]:
    """Every text a person reads, by where it comes from: the Markdown report (code spans,
    which hold finding ids and the check's name, aside), the HTML pages' visible text,
    the ClaimReview prose, and what ``claims review`` prints of each finding."""
    from pipeline import review
    from pipeline.render import listing

    texts = {"contradictions.md": _CODE_SPAN.sub("", (out / "contradictions.md").read_text())}
    for page in [out / "report.html", *sorted((out / "report").glob("*.html"))]:
        texts[page.relative_to(out).as_posix()] = _visible_html(page.read_text())
    texts["claimreview.jsonld"] = "\n".join(_prose(json.loads(
        (out / "claimreview.jsonld").read_text())))
    shown = []
    for f in review.last_findings(out):
        finding, mentions, decision = review.finding_in_full(out, f.id)
        lines = listing.detail_lines(finding, mentions, decision)
        # the first line names the kind as `--kind` spells it, "check:" the check's name
        # (both documented in the README), "decide with:" a command
        shown += [line for line in lines[1:] if not line.startswith(("check:", "decide with"))]
    texts["claims review ID"] = "\n".join(shown)
    return texts


@pytest.mark.model
def test_no_internal_identifier_reaches_user_facing_text(wording_run):
    _, out, corpus = wording_run
    article_words = set(_UPPER.findall(" ".join(p.read_text() for p in corpus.iterdir())))
    leaks = {}
    for name, text in _user_facing(out).items():
        found = (set(_SNAKE.findall(text)) | (set(_UPPER.findall(text)) - article_words)
                 | set(_JARGON.findall(text))) - _PLACEHOLDERS
        if found:
            leaks[name] = sorted(found)
    assert not leaks


def test_the_committed_seed_report_has_no_internal_identifier():
    """The same scan over the committed ``out/`` of ``corpus/`` (its files, not a run)."""
    out = ROOT / "out"
    article_words = set(_UPPER.findall(" ".join(
        p.read_text(encoding="utf-8") for p in (ROOT / "corpus").iterdir() if p.is_file())))
    texts = {"contradictions.md": _CODE_SPAN.sub("", (out / "contradictions.md").read_text())}
    for page in [out / "report.html", *sorted((out / "report").glob("*.html"))]:
        texts[page.name] = _visible_html(page.read_text())
    leaks = {name: sorted(found) for name, text in texts.items()
             if (found := (set(_SNAKE.findall(text)) | set(_JARGON.findall(text)) |
                           (set(_UPPER.findall(text)) - article_words)) - _PLACEHOLDERS
                 - {"HTML"})}  # "the HTML chart"
    assert not leaks


@pytest.mark.model
def test_explanations_of_a_run_can_be_checked_by_hand(wording_run):
    _, out, _ = wording_run
    md = (out / "contradictions.md").read_text()
    # percentages: percentage points, never a percentage of a percentage
    assert '"1%" vs "1.9%" are 0.9 percentage points apart.' in md
    # close money figures: the difference and its share; the intervals with their digits
    assert '"$100 million" vs "$101.9 million" are $1.9M (1.9%) apart.' in md
    assert ("Compared as $99.5M–$100.5M (as precise as its last written digit: ±$500,000) "
            "and $101.85M–$101.95M (as precise as its last written digit: ±$50,000).") in md
    # hedges say how far they widen a figure
    assert '("about" allows 5% either way)' in md
    # the frame of each side, in words
    assert ("Frames (subject, metric, period, how sure): Northwind Freight (named in the "
            "sentence)") in md
    assert "2025 Q2" in md and "stated as fact" in md
    # glued text: quoted in its repaired words, the original beside it only where garbled
    assert '"$12 billion" (repaired; the article has "12billion")' in md
    assert "| **$12 billion** (" in md
    assert "`3 billion`" not in md and "`12billion`" in md
    # one heading per (subject, metric)
    headings = re.findall(r"^## .+$", md, re.MULTILINE)
    assert len(headings) == len(set(headings))
    # a headline quoted by a promotional banner is the article's title
    assert "| Harbor Robotics Deal Draws Scrutiny From Regulators |" in md


@pytest.mark.model
def test_claims_review_quotes_the_repaired_words(wording_run):
    from pipeline import review
    from pipeline.render import listing

    _, out, _ = wording_run
    glued = [f for f in review.last_findings(out) if "12billion" in f.explanation]
    assert glued
    finding, mentions, decision = review.finding_in_full(out, glued[0].id)
    text = "\n".join(listing.detail_lines(finding, mentions, decision))
    assert '"$12 billion" (repaired; the article has "12billion") in:' in text
