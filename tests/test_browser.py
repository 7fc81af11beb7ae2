"""The HTML report in real headless Chromium (Playwright; see ``conftest.chromium_path``).

Checks that every page (the index ``report.html``, the pages of ``report/``) renders without
console errors or network requests; the index's counts, group order and repaired-text
section (collapsed); the filters (kind, severity, status, words) on the index and a group's
page, their state in the URL's hash, restored on load and carried by the links; dismissed
findings collapsed; no sideways scroll at 1280 or 390 px; and that hostile markup in an
article (``<script>``, ``onerror=``) never executes. The first render time and memory of the
10,000-article report are measured by ``benchmarks/report_page.py``.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipeline import api, render
from pipeline.render import pages
from pipeline.state import rows
from tests.conftest import DATA, ROOT, chromium_path, sample_report

CHROMIUM = chromium_path()
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="no Chromium (apt-get install chromium, or "
                       "python -m playwright install chromium; see the README)"),
]
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
HOSTILE = ('Acme Robotics hired a contractor <img src=x onerror="window.__pwned=1"> for '
           "$5 million <script>window.__pwned=1</script> last year.\n"
           "Acme Robotics later said the contractor cost $9 million.\n")


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright  # a test dependency: fail if missing

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


class Page:
    """A loaded report page plus every console message and page error it produced."""

    def __init__(self, browser, path: Path) -> None:
        self.page = browser.new_page()
        self.messages: list[tuple[str, str]] = []
        self.requests: list[str] = []
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("console", lambda m: self.messages.append((m.type, m.text)))
        self.page.on("pageerror", lambda e: self.messages.append(("pageerror", str(e))))
        self.page.goto(path.resolve().as_uri())
        self.page.wait_for_load_state("load")

    def visible(self) -> int:
        return self.page.locator(".finding:visible").count()

    def errors(self) -> list[tuple[str, str]]:
        return [m for m in self.messages if m[0] in ("error", "pageerror")]


def write_pages(view: rows.View, out: Path) -> Path:
    """Write every output file of ``view`` into ``out`` as a run does (the report's pages
    under ``out/report/``); returns ``out/report.html``."""
    for name, text in render.texts(view).items():
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        (out / name).write_text(text, encoding="utf-8")
    return out / "report.html"


def sample_view() -> rows.View:
    findings, claims, documents, skipped = sample_report()
    return rows.memory_view(list(documents.values()), claims, findings, skipped)


VALUATION = "report/" + pages.page_name("Acme Robotics", "valuation")


@pytest.fixture(scope="module")
def sample_out(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("sample")
    write_pages(sample_view(), out)
    return out


@pytest.fixture(scope="module")
def sample_page(browser, sample_out) -> Iterator[Page]:
    page = Page(browser, sample_out / VALUATION)
    yield page
    page.page.close()


@pytest.fixture(scope="module")
def sample_index(browser, sample_out) -> Iterator[Page]:
    page = Page(browser, sample_out / "report.html")
    yield page
    page.page.close()


def every_page(out: Path) -> list[str]:
    return ["report.html", *(f"report/{p.name}" for p in sorted((out / "report").iterdir()))]


def test_every_page_renders_without_console_errors_or_network(browser, sample_out):
    names = every_page(sample_out)
    assert len(names) == 6
    for name in names:
        page = Page(browser, sample_out / name)
        try:
            assert page.errors() == [], name
            assert [url for url in page.requests if not url.startswith("file://")] == [], name
            assert page.page.locator("script").count() == 1
        finally:
            page.page.close()


def test_group_page_shows_its_findings(sample_page):
    findings = [f for f in sample_report()[0] if (f.subject, f.metric) ==
                ("Acme Robotics", "valuation")]
    assert sample_page.page.locator(".finding").count() == len(findings) == 2
    assert sample_page.visible() == len(findings)
    assert sample_page.page.locator("#visible-count").inner_text() == str(len(findings))
    assert sample_page.page.locator("mark.ent").count() >= 4
    assert sample_page.page.locator(".chart svg").count() == 1
    assert sample_page.errors() == []


def test_index_counts_and_orders_groups(sample_index):
    page = sample_index.page
    rows_ = page.locator("tr.grp")
    assert rows_.count() == 2  # the groups but repaired text
    assert "valuation" in rows_.nth(0).inner_text()  # most severe first
    assert rows_.nth(0).locator("td.n").inner_text() == "2"
    assert page.locator("#visible-count").inner_text() == "3"
    counts = page.locator("#counts").inner_text()
    for kind in ("contradiction", "divergence", "reconciled", "garbled"):
        assert kind in counts
    # the repaired-text findings: their own section, collapsed at first, with its pages
    repaired = page.locator("details#repaired")
    assert repaired.get_attribute("open") is None
    assert not page.locator("details#repaired a").first.is_visible()
    repaired.locator("summary").click()
    assert page.locator("details#repaired a").first.is_visible()
    assert sample_index.errors() == []


def test_index_filters_count_what_is_left_and_go_into_the_url(sample_index):
    page = sample_index.page
    page.locator('input[data-filter="kind"][value="divergence"]').uncheck()
    first = page.locator("tr.grp").nth(0)
    assert first.locator("td.n").inner_text() == "1"  # totals follow the filters
    assert page.locator("#visible-count").inner_text() == "2"
    assert "kind=" in page.evaluate("location.hash")
    assert "divergence" not in page.evaluate("location.hash")
    link = first.locator("a").get_attribute("href")
    assert link.startswith("report/g-") and "#kind=" in link  # the filters go along
    page.locator('input[data-filter="kind"][value="contradiction"]').uncheck()
    assert page.locator("tr.grp:visible").count() == 1  # valuation has nothing left
    page.locator("#text-filter").fill("no-such-group")
    assert page.locator("tr.grp:visible").count() == 0
    assert page.locator("#no-groups").is_visible()
    page.locator("#reset-filters").click()
    assert page.locator("tr.grp:visible").count() == 2
    assert page.evaluate("location.hash") == ""
    assert sample_index.errors() == []


def test_filter_state_in_the_url_is_restored_and_followed(browser, sample_out):
    url = (sample_out / VALUATION).resolve().as_uri()
    page = Page(browser, sample_out / VALUATION)
    try:
        page.page.goto(url + "#kind=contradiction&status=open")
        page.page.reload()
        assert page.visible() == 1
        assert page.page.locator("#f-contra").is_visible()
        assert page.page.locator("#status-filter").input_value() == "open"
        assert not page.page.locator('input[data-filter="kind"][value="divergence"]').is_checked()
        back = page.page.locator("nav.crumbs a").get_attribute("href")
        assert back == "../report.html#kind=contradiction&status=open"
        page.page.locator("nav.crumbs a").click()
        page.page.wait_for_load_state("load")
        assert page.page.url.endswith("/report.html#kind=contradiction&status=open")
        assert page.page.locator("#visible-count").inner_text() == "1"
        assert not page.page.locator('input[data-filter="kind"][value="divergence"]').is_checked()
        assert page.errors() == []
    finally:
        page.page.close()


def test_kind_and_severity_filters_hide_and_show_findings(sample_page):
    page = sample_page.page
    page.locator('input[data-filter="kind"][value="divergence"]').uncheck()
    assert sample_page.visible() == 1
    assert page.locator("#visible-count").inner_text() == "1"
    page.locator('input[data-filter="severity"][value="high"]').uncheck()
    assert sample_page.visible() == 0
    assert page.locator(".group").first.is_hidden()  # a group with nothing left
    page.locator("#reset-filters").click()
    page.locator("#status-filter").select_option("active")
    assert page.locator('[data-status="dismissed"]:visible').count() == 0
    page.locator("#reset-filters").click()
    assert sample_page.visible() == 2
    page.locator("#text-filter").fill("acme valuation")  # words of the group heading
    assert sample_page.visible() == 2
    page.locator("#text-filter").fill("no-such-words-anywhere")
    assert sample_page.visible() == 0
    page.locator("#reset-filters").click()
    assert sample_page.visible() == 2
    assert sample_page.errors() == []


def test_dismissed_findings_are_collapsed(sample_page):
    page = sample_page.page
    details = page.locator("details#f-diverge")
    assert details.get_attribute("open") is None
    assert not page.locator("details#f-diverge .sides").is_visible()
    details.locator("summary").click()
    assert page.locator("details#f-diverge .sides").is_visible()


def test_hostile_markup_in_hand_built_findings_does_not_run(sample_page):
    assert sample_page.page.evaluate("typeof window.__pwned") == "undefined"
    text = sample_page.page.locator("#f-contra").inner_text()
    assert "<script>window.__pwned=1</script>" in text  # shown as text, not run


def test_repaired_text_page_shows_original_and_repair(browser, sample_out):
    page = Page(browser, sample_out / "report" / "repaired.html")
    try:
        assert page.page.locator(".finding").count() == 2
        assert page.page.locator('.finding[data-kind="garbled"]').count() == 2
        assert page.page.locator(".repair").count() >= 1
        assert page.errors() == []
    finally:
        page.page.close()


def long_view() -> rows.View:
    """The sample run with what used to widen the page: a long repaired line without a
    space, a long file name, a long title and subject."""
    findings, claims, documents, skipped = sample_report()
    glued = "close to300millionamonthaccordingtofilingsseenbyreporters" * 6
    docs = [d.model_copy(update={"path": "a-very-long-folder-name/" * 8 + d.path,
                                 "title": (d.title or "") + " " + "Headline" * 30})
            for d in documents.values()]
    claims = [c.model_copy(update={"sentence": f"{c.sentence} {glued}"}) for c in claims]
    findings = [f.model_copy(update={"explanation": f"{f.explanation} {glued}"})
                for f in findings]
    return rows.memory_view(docs, claims, findings, skipped)


@pytest.mark.parametrize("width", [1280, 390])
def test_no_page_scrolls_sideways(browser, tmp_path, width):
    """No horizontal scroll at 1280 px, none at 390 px (a phone) where text stays readable:
    a chart scrolls inside its own box instead."""
    write_pages(long_view(), tmp_path)
    names = every_page(tmp_path)
    for name in names:
        page = browser.new_page(viewport={"width": width, "height": 800})
        try:
            page.goto((tmp_path / name).resolve().as_uri())
            assert page.evaluate("document.documentElement.scrollWidth") <= width, name
            if width < 600:
                size = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
                assert size >= 14
                for box in page.locator(".chart").all():
                    assert box.evaluate("e => getComputedStyle(e).overflowX") == "auto"
                    assert box.evaluate("e => e.querySelector('svg').getBoundingClientRect()"
                                        ".width") >= 500  # drawn at a readable size
        finally:
            page.close()


@pytest.mark.model
def test_pipeline_report_with_hostile_article(browser, tmp_path):
    corpus, out = tmp_path / "corpus", tmp_path / "out"
    shutil.copytree(DATA / "tiny", corpus)
    (corpus / "hostile.txt").write_text("Contractor costs\n\n" + HOSTILE, encoding="utf-8")
    result = api.extract(corpus, out=out, rules_dir=ROOT / "rules")
    assert result.findings
    grouped = [f for f in result.findings if f.kind != "garbled"]
    page = Page(browser, out / "report.html")
    try:
        assert page.page.locator("#visible-count").inner_text() == str(len(grouped))
        assert page.errors() == []
    finally:
        page.page.close()
    first = grouped[0]
    mine = [f for f in grouped if (f.subject, f.metric) == (first.subject, first.metric)]
    page = Page(browser, out / "report" / pages.page_name(first.subject or "", first.metric or ""))
    try:
        assert page.page.locator(".finding").count() == len(mine)
        assert page.visible() == len(mine)
        assert page.page.locator("mark.ent").count() >= 2
        page.page.locator(f'input[data-filter="kind"][value="{first.kind}"]').uncheck()
        assert page.visible() == len(mine) - sum(f.kind == first.kind for f in mine)
        assert page.errors() == []
    finally:
        page.page.close()
    for name in sorted(p.name for p in (out / "report").iterdir()):
        page = Page(browser, out / "report" / name)
        try:
            if name.startswith("claims"):  # the hostile sentences reached it as text
                assert page.page.evaluate(
                    "document.body.textContent.includes('<script>window.__pwned=1</script>')")
                assert page.page.evaluate("document.body.textContent.includes('onerror=')")
            assert page.page.evaluate("typeof window.__pwned") == "undefined"
            assert page.page.locator("body img").count() == 0
            assert page.errors() == []
        finally:
            page.page.close()
