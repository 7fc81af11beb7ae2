"""Money in other currencies compared in the common one (issue 16, item 3): figures converted
at their year's average rate, a disagreement that rests on a conversion a divergence at most,
figures that cannot be converted listed as ``not_compared``. End to end through the CLI on
invented articles, and on hand-built claims for the choices of rate year and currency."""

from __future__ import annotations

import dataclasses
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from pipeline.check import checks
from pipeline.check.policy import NAME
from pipeline.errors import RulesError
from pipeline.models import Finding
from pipeline.rules import load_rules
from tests.conftest import ROOT, make_claim, output_texts, report_pages

# Two invented articles per company: one gives the figure in one currency, one in another.
ARTICLES = {
    # agree: S$1.3B is US$0.968B at the 2023 average rate
    "sg-harbourline.txt": ("Harbourline posts record year", "2024-03-01",
                           "Singapore port operator Harbourline said its revenue was S$1.3 "
                           "billion in 2023, helped by higher container volumes."),
    "us-harbourline.txt": ("Harbourline beats forecasts", "2024-03-02",
                           "Harbourline reported revenue of US$970 million in 2023."),
    # disagree: S$2.1B is about US$1.56B, not US$3.4B
    "sg-tidewell.txt": ("Tidewell grows", "2024-04-01",
                        "Tidewell, a shipbuilder, said its revenue reached S$2.1 billion in "
                        "2023."),
    "us-tidewell.txt": ("Tidewell results", "2024-04-02",
                        "Tidewell reported revenue of US$3.4 billion in 2023."),
    # euro and pound agree (about US$527M and US$528M at the 2022 rates)
    "eu-norvale.txt": ("Norvale in Europe", "2023-02-01",
                       "The brewer Norvale said its revenue was €500 million in 2022."),
    "uk-norvale.txt": ("Norvale in Britain", "2023-02-02",
                       "Norvale reported revenue of £427 million in 2022."),
    # euro and pound disagree (about US$2.96B vs US$1.65B at the 2021 rates)
    "eu-brightmoor.txt": ("Brightmoor abroad", "2022-02-01",
                          "Brightmoor plc said its revenue was €2.5 billion in 2021."),
    "uk-brightmoor.txt": ("Brightmoor results", "2022-02-02",
                          "Brightmoor plc reported revenue of £1.2 billion in 2021."),
    # a currency without rates: not compared, and said so
    "ng-kestrel.txt": ("Kestrel in Lagos", "2024-05-01",
                       "The telecoms group Kestrel said its revenue was 900 billion naira in "
                       "2023."),
    "us-kestrel.txt": ("Kestrel abroad", "2024-05-02",
                       "Kestrel reported revenue of US$1.1 billion in 2023."),
}


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, list[dict[str, Any]], Path]:
    """The CLI's summary, the findings of contradictions.json and the output folder."""
    corpus = tmp_path_factory.mktemp("currencies")
    for name, (title, date, text) in ARTICLES.items():
        (corpus / name).write_text(f"{title}\n\nPublished: {date}\n\n{text}\n", encoding="utf-8")
    out = tmp_path_factory.mktemp("out")
    done = subprocess.run([sys.executable, "-m", "pipeline.cli", "extract", str(corpus), "--out",
                           str(out), "--rules", str(ROOT / "rules")], cwd=ROOT,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    findings = json.loads((out / "contradictions.json").read_text())["findings"]
    return done.stdout, findings, out


def of(findings: list[dict[str, Any]], subject: str) -> list[dict[str, Any]]:
    return [f for f in findings if (f["subject"] or "").startswith(subject)]


@pytest.mark.model
def test_agreeing_figures_in_two_currencies_are_reconciled(run: Any) -> None:
    _, findings, _ = run
    (finding,) = of(findings, "Harbourline")
    assert finding["kind"] == "reconciled"
    assert finding["arithmetic"] == ("S$1.3B ≈ US$0.968B at the 2023 average rate (the year "
                                     "of its period)")


@pytest.mark.model
def test_a_disagreement_after_conversion_is_a_divergence_showing_it(run: Any) -> None:
    _, findings, _ = run
    (finding,) = of(findings, "Tidewell")
    assert finding["kind"] == "divergence"
    assert "compared after converting at an annual average rate, not the day's: S$2.1B ≈ " \
        "US$1.56B at the 2023 average rate (the year of its period)" in finding["explanation"]
    assert "2.2× apart" in finding["explanation"]


@pytest.mark.model
def test_two_other_currencies_are_compared_with_each_other(run: Any) -> None:
    _, findings, _ = run
    assert of(findings, "Norvale") == []  # €500M and £427M: 0.3% apart at 2022 rates
    (finding,) = of(findings, "Brightmoor")
    assert finding["kind"] == "divergence"
    assert "€2.5B ≈ US$2.96B at the 2021 average rate" in finding["explanation"]
    assert "£1.2B ≈ US$1.65B at the 2021 average rate" in finding["explanation"]


@pytest.mark.model
def test_a_currency_without_rates_is_listed_as_not_compared(run: Any) -> None:
    summary, findings, out = run
    (finding,) = of(findings, "Kestrel")
    assert finding["kind"] == "not_compared" and finding["severity"] == "info"
    assert finding["explanation"] == (
        'Kestrel revenue: "900 billion naira" is not compared with "US$1.1 billion" (other '
        "reports' figures in other currencies): no exchange rates for NGN in rates.yaml.")
    assert len(finding["claims"]) == 2
    assert "not_compared     1" in summary
    report = report_pages(output_texts(out))  # the index and the pages of report/
    assert f'<details class="finding kind-other" id="{finding["id"]}"' in report
    assert "900 billion naira" in (out / "contradictions.md").read_text()


# --- hand-built claims: rate years, bounds, the common currency -----------------------------


def revenue(registry: Any, value: float, doc: str, unit: str, text: str, **frame: Any) -> Any:
    frame.setdefault("subject", "Acme")
    return make_claim(registry, value, doc=doc, unit=unit, text=text, metric="revenue",
                      **frame)


def found(claims: list[Any], rules: Any) -> list[Finding]:
    return sorted((f for f in checks.run_checks(claims, rules=rules) if f.check == NAME),
                  key=lambda f: f.kind)


def test_the_rate_year_is_the_period_s_else_the_date_s_else_the_table_s_latest(
        rules: Any, registry: Any) -> None:
    usd = revenue(registry, 3.4e9, "b", "USD", "US$3.4 billion")
    for frame, said in [({"period_key": "FY2019-Q2"}, "2019 average rate (the year of its "
                         "period)"),
                        ({"as_of": "2020-06-01"}, "2020 average rate (the year it is dated)"),
                        ({}, "2026 average rate (undated: the latest year of the table; "
                         "filled: the 2024 value carried forward)")]:
        sgd = revenue(registry, 2.1e9, "a", "SGD", "S$2.1 billion", **frame)
        (finding,) = found([sgd, usd], rules)
        assert finding.kind == "divergence" and said in finding.explanation, frame


def test_a_year_outside_the_table_is_not_compared(rules: Any, registry: Any) -> None:
    sgd = revenue(registry, 4e8, "a", "SGD", "S$400 million", period_key="2009")
    usd = revenue(registry, 3e8, "b", "USD", "US$300 million", period_key="2009")
    other_year = revenue(registry, 9e8, "c", "USD", "US$900 million", period_key="2015")
    (finding,) = found([sgd, usd, other_year], rules)
    assert finding.kind == "not_compared"
    assert "no 2009 rate for SGD in rates.yaml (it covers 2012-2026)" in finding.explanation
    assert set(finding.claims) == {sgd.id, usd.id}  # 2015's figure is another period's


def test_one_currency_s_figures_are_compared_once_in_their_own(rules: Any,
                                                               registry: Any) -> None:
    a = revenue(registry, 2.1e9, "a", "SGD", "S$2.1 billion", period_key="2023")
    b = revenue(registry, 3.4e9, "b", "SGD", "S$3.4 billion", period_key="2023")
    (finding,) = found([a, b], rules)
    assert finding.kind == "contradiction" and "≈" not in finding.explanation


def test_an_article_giving_both_currencies_is_compared_by_its_common_one(
        rules: Any, registry: Any) -> None:
    """The article converted at the day's rate (S$2.1B is about US$1.56B at the 2023
    average): its US$ figure speaks for it, which another report's confirms."""
    sentence = "Acme's revenue was S$2.1 billion (US$1.9 billion) in 2023."
    sgd = revenue(registry, 2.1e9, "a", "SGD", "S$2.1 billion", period_key="2023",
                  sentence=sentence, start=19)
    own = revenue(registry, 1.9e9, "a", "USD", "US$1.9 billion", period_key="2023",
                  sentence=sentence, start=34)
    other = revenue(registry, 1.9e9, "b", "USD", "US$1.9 billion", period_key="2023")
    assert found([sgd, own, other], rules) == []
    assert [f.kind for f in found([sgd, other], rules)] == ["divergence"]


def test_the_common_currency_is_a_setting(rules: Any, registry: Any) -> None:
    euro = dataclasses.replace(rules, checks=rules.checks.model_copy(
        update={"common_currency": "EUR"}))
    usd = revenue(registry, 3.4e9, "a", "USD", "US$3.4 billion", period_key="2023")
    eur = revenue(registry, 1.5e9, "b", "EUR", "€1.5 billion", period_key="2023")
    (finding,) = found([usd, eur], euro)
    assert finding.kind == "divergence"
    assert "US$3.4B ≈ €3.14B at the 2023 average rate" in finding.explanation
    assert "€" in (finding.arithmetic or "")
    (native,) = found([usd, eur], rules)
    assert "€1.5B ≈ US$1.62B at the 2023 average rate" in native.explanation


def test_an_unknown_common_currency_is_a_rules_error(tmp_path: Path) -> None:
    folder = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", folder)
    checks_yaml = folder / "checks.yaml"
    checks_yaml.write_text(checks_yaml.read_text().replace("common_currency: USD",
                                                           "common_currency: XYZ"))
    with pytest.raises(RulesError, match="XYZ") as error:
        load_rules(folder)
    assert "common_currency" in str(error.value)
