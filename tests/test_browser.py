"""report.html in real headless Chromium (Playwright; see ``conftest.chromium_path``).

Checks that findings render, the kind/severity/status filters work, the page logs no console
errors, and hostile markup in an article (``<script>``, ``onerror=``) never executes.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipeline import api, render
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


@pytest.fixture(scope="module")
def sample_page(browser, tmp_path_factory) -> Iterator[Page]:
    out = tmp_path_factory.mktemp("sample") / "report.html"
    findings, claims, documents, skipped = sample_report()
    view = rows.memory_view(list(documents.values()), claims, findings, skipped)
    out.write_text(render.text(view, "report.html"), encoding="utf-8")
    page = Page(browser, out)
    yield page
    page.page.close()


def test_findings_render_without_console_errors(sample_page):
    findings = sample_report()[0]
    assert sample_page.page.locator(".finding").count() == len(findings)
    assert sample_page.visible() == len(findings)
    assert sample_page.page.locator("#visible-count").inner_text() == str(len(findings))
    assert sample_page.page.locator("mark.ent").count() >= 4
    assert sample_page.page.locator(".chart svg").count() == 2
    assert sample_page.errors() == []
    assert [url for url in sample_page.requests if not url.startswith("file://")] == []


def test_kind_and_severity_filters_hide_and_show_findings(sample_page):
    page = sample_page.page
    kinds = {}
    for f in sample_report()[0]:
        kinds[f.kind] = kinds.get(f.kind, 0) + 1
    total = sum(kinds.values())
    page.locator('input[data-filter="kind"][value="garbled"]').uncheck()
    assert sample_page.visible() == total - kinds["garbled"]
    assert page.locator("#visible-count").inner_text() == str(total - kinds["garbled"])
    assert page.locator("#g-spacex-deal-value").is_hidden()  # a group with nothing left
    page.locator('input[data-filter="severity"][value="high"]').uncheck()
    assert sample_page.visible() == total - kinds["garbled"] - 1
    page.locator("#status-filter").select_option("active")
    assert page.locator('[data-status="dismissed"]:visible').count() == 0
    page.locator("#reset-filters").click()
    assert sample_page.visible() == total
    page.locator("#text-filter").fill("compute cost")  # words of a group heading
    assert sample_page.visible() == 1
    page.locator("#text-filter").fill("SPACEX deal")
    assert sample_page.visible() == 1
    page.locator("#text-filter").fill("no-such-words-anywhere")
    assert sample_page.visible() == 0
    page.locator("#reset-filters").click()
    assert sample_page.visible() == total
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


@pytest.mark.model
def test_pipeline_report_with_hostile_article(browser, tmp_path):
    corpus, out = tmp_path / "corpus", tmp_path / "out"
    shutil.copytree(DATA / "tiny", corpus)
    (corpus / "hostile.txt").write_text("Contractor costs\n\n" + HOSTILE, encoding="utf-8")
    result = api.extract(corpus, out=out, rules_dir=ROOT / "rules")
    assert result.findings
    page = Page(browser, out / "report.html")
    try:
        assert page.page.locator(".finding").count() == len(result.findings)
        assert page.visible() == len(result.findings)
        # the hostile sentences reached the page (claims index, findings) as text
        assert page.page.evaluate(
            "document.body.textContent.includes('<script>window.__pwned=1</script>')")
        assert page.page.evaluate("document.body.textContent.includes('onerror=')")
        assert page.page.locator("mark.ent").count() >= 2
        first_kind = result.findings[0].kind
        same_kind = sum(f.kind == first_kind for f in result.findings)
        page.page.locator(f'input[data-filter="kind"][value="{first_kind}"]').uncheck()
        assert page.visible() == len(result.findings) - same_kind
        assert page.page.evaluate("typeof window.__pwned") == "undefined"
        assert page.page.locator("body img").count() == 0
        assert page.errors() == []
    finally:
        page.page.close()
