"""Claim frames: subject, metric, time scope, modality, hedges, parties (issue 5).

Cases live in ``tests/data/claims_cases.yaml``; each builds its quantity from the case, so the
claims stage is tested alone. The real English model is used (``nlp`` fixture) with the same
components switched off as in a pipeline run.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.extract.claims import build_claims
from pipeline.models import Claim, Document, Quantity, RepairedText, Span
from pipeline.units import ensure_unit

pytestmark = pytest.mark.model

DATA = Path(__file__).resolve().parent / "data"
ROOT = Path(__file__).resolve().parent.parent
CASES: dict[str, Any] = yaml.safe_load((DATA / "claims_cases.yaml").read_text(encoding="utf-8"))


def _params(section: str) -> list[Any]:
    params = []
    for case in CASES[section]:
        marks = ([pytest.mark.xfail(reason=case["xfail"], strict=True)]
                 if case.get("xfail") else [])
        ident = case.get("id") or f"{case['doc']}-{case['figure']}"
        params.append(pytest.param(case, id=ident, marks=marks))
    return params


def _pipeline_nlp(nlp: Any) -> Any:
    """The session model with the components a pipeline run switches off, switched off."""
    from pipeline.extract.process import UNUSED_COMPONENTS

    return nlp.select_pipes(disable=[n for n in UNUSED_COMPONENTS if n in nlp.pipe_names])


def _quantity(text: str, figure: str, unit: str, per: str | None, registry: Any) -> Quantity:
    unit = unit if unit in ("percent", "dimensionless") else ensure_unit(registry, unit)
    for word in re.findall(r"[A-Za-z_]+", per or ""):  # count nouns of a rate: "per token"
        ensure_unit(registry, word)
    start = text.index(figure)
    currency = unit if dimension_is_currency(registry, unit) else None
    return Quantity(span=Span(doc_id="d", start=start, end=start + len(figure), text=figure),
                    value=1.0, low=1.0, high=1.0, unit=unit, currency=currency, per=per)


def frame(text: str, figure: str, *, nlp: Any, rules: Any, unit: str = "USD",
          per: str | None = None, published: str | None = None,
          also: tuple[dict[str, Any], ...] = ()) -> Claim:
    """Build the claim for ``figure`` (first occurrence) in ``text``.

    ``also`` lists other figures of the text (``figure``, ``unit``, ``per``) framed alongside.
    """
    registry = rules.registry
    quantity = _quantity(text, figure, unit, per, registry)
    others = [_quantity(text, o["figure"], o.get("unit", "USD"), o.get("per"), registry)
              for o in also]
    document = Document(id="d", path="d.txt", text=text, sha256="0" * 64, published=published)
    with _pipeline_nlp(nlp):
        doc = nlp(text)
    claims = build_claims(document, RepairedText(doc_id="d", text=text), doc,
                          [quantity, *others], rules=rules, registry=registry)
    assert len(claims) == 1 + len(others)
    return next(c for c in claims if c.span.start == quantity.span.start)


def dimension_is_currency(registry: Any, unit: str) -> bool:
    from pipeline.units import dimension_of

    return dimension_of(registry, unit) == "currency"


@pytest.mark.parametrize("case", _params("cases"))
def test_claim_frame(case: dict[str, Any], nlp: Any, rules: Any) -> None:
    claim = frame(case["text"], case["figure"], nlp=nlp, rules=rules,
                  unit=case.get("unit", "USD"), per=case.get("per"),
                  published=case.get("published"), also=tuple(case.get("also", ())))
    expect = dict(case["expect"])
    hedges = expect.pop("hedges", [])
    got = {key: getattr(claim, key) for key in expect}
    assert got == expect, f"{claim.sentence}\n got {got}"
    for hedge in hedges:
        assert hedge.lower() in {h.lower() for h in claim.hedges}, claim.hedges


def test_enough_cases() -> None:
    assert len(CASES["cases"]) >= 60


def test_claim_span_points_into_original_text(nlp: Any, rules: Any) -> None:
    """A figure inside a repaired run maps back to the original (garbled) text."""
    original = "Cursor was bought for 60billion in cash."
    fixed = "Cursor was bought for $60 billion in cash."
    start = fixed.index("$60 billion")
    quantity = Quantity(span=Span(doc_id="d", start=start, end=start + 11, text="$60 billion"),
                        value=6e10, low=6e10, high=6e10, unit="USD", currency="USD")
    repaired = RepairedText(doc_id="d", text=fixed, edits=((start, start + 11, start, start + 9),))
    document = Document(id="d", path="d.txt", text=original, sha256="1" * 64)
    with _pipeline_nlp(nlp):
        doc = nlp(fixed)
    [claim] = build_claims(document, repaired, doc, [quantity], rules=rules,
                           registry=rules.registry)
    assert claim.span.text == "60billion"
    assert claim.repaired
    assert (claim.subject, claim.metric) == ("Cursor", "deal_value")


def test_new_entity_and_metric_come_from_rules_files(tmp_path: Path, rules: Any) -> None:
    """Adding an entity and a metric to a copy of rules/ is enough for claims to use them."""
    from pipeline.extract.parse import load_nlp
    from pipeline.rules import load_rules

    text = "ZD collected a $3 million royalty on the patent in 2025."
    figure = "$3 million"

    copy = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", copy)
    entities = yaml.safe_load((copy / "entities.yaml").read_text(encoding="utf-8"))
    entities["entities"].append({"name": "Zorblax Dynamics", "label": "ORG",
                                 "aliases": ["Zorblax Dynamics", "ZD"]})
    (copy / "entities.yaml").write_text(yaml.safe_dump(entities), encoding="utf-8")
    metrics = yaml.safe_load((copy / "metrics.yaml").read_text(encoding="utf-8"))
    metrics["metrics"]["royalty_income"] = {"cues": ["royalty", "royalties"],
                                            "dimension": "currency"}
    (copy / "metrics.yaml").write_text(yaml.safe_dump(metrics), encoding="utf-8")

    before = frame(text, figure, nlp=load_nlp(rules), rules=rules)
    extended = load_rules(copy)
    after = frame(text, figure, nlp=load_nlp(extended), rules=extended)
    assert before.metric == "unknown" and before.subject != "Zorblax Dynamics"
    assert (after.subject, after.metric) == ("Zorblax Dynamics", "royalty_income")


@pytest.mark.parametrize("case", _params("corpus"))
def test_seed_corpus_claims(case: dict[str, Any], corpus_claims: list[Claim]) -> None:
    found = [c for c in corpus_claims
             if c.doc_id in _doc_ids(case["doc"]) and case["figure"] in c.span.text]
    assert found, f"no claim with figure {case['figure']!r} in document {case['doc']}"
    claim = found[0]
    expect = {k: case[k] for k in ("subject", "metric", "modality") if k in case}
    assert {k: getattr(claim, k) for k in expect} == expect, claim.sentence


_DOC_IDS: dict[str, set[str]] = {}


def _doc_ids(prefix: str) -> set[str]:
    return _DOC_IDS.get(prefix, set())


@pytest.fixture(scope="module")
def corpus_claims(nlp: Any, rules: Any) -> list[Claim]:
    """Every claim of the seed corpus, through ingest, repair, parse, quantities and claims."""
    from pipeline.extract import ingest, quantities, repair

    claims: list[Claim] = []
    for path in sorted((ROOT / "corpus").iterdir()):
        document = ingest.ingest(path.name, path.read_bytes(),
                                 boilerplate=rules.ingest.boilerplate)
        _DOC_IDS.setdefault(path.name[:3], set()).add(document.id)
        fixed = repair.repair(document)
        with _pipeline_nlp(nlp):
            doc = nlp(fixed.text)
        found = quantities.extract_quantities(fixed.text, doc_id=document.id,
                                              registry=rules.registry)
        claims += build_claims(document, fixed, doc, found, rules=rules,
                               registry=rules.registry)
    return claims


# --- properties --------------------------------------------------------------------------

WORDS = ["Acme", "Cursor", "SpaceX", "it", "the", "company", "pays", "bought", "revenue", "if",
         "either", "or", "by", "June", "2027", "said", "valued", "at", "users", "lease", "to",
         "roughly", "and", ".", ",", "\n", "—", "’s", "(", ")", "“", "”", "expects", "burn",
         "Disney+", "C++", "GB", "The", "That", "is", "Colossus 1", "X"]
FIGURES = ["$5 million", "$1.25B/month", "€3 billion", "$60 billion", "$2 a month"]


@st.composite
def texts_with_figures(draw: Any) -> tuple[str, list[tuple[int, int]]]:
    parts: list[str] = []
    spans: list[tuple[int, int]] = []
    length = 0
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        words = draw(st.lists(st.sampled_from(WORDS), max_size=12))
        chunk = " ".join(words) + " "
        parts.append(chunk)
        length += len(chunk)
        figure = draw(st.sampled_from(FIGURES))
        spans.append((length, length + len(figure)))
        parts.append(figure + " ")
        length += len(figure) + 1
    return "".join(parts), spans


def _frames_all(text: str, spans: list[tuple[int, int]], doc: Any, rules: Any) -> list[Claim]:
    quantities = [Quantity(span=Span(doc_id="d", start=a, end=b, text=text[a:b]), value=1.0,
                           low=1.0, high=1.0, unit="USD", currency="USD") for a, b in spans]
    document = Document(id="d", path="d.txt", text=text, sha256="2" * 64)
    return build_claims(document, RepairedText(doc_id="d", text=text), doc, quantities,
                        rules=rules, registry=rules.registry)


def _check_invariants(text: str, spans: list[tuple[int, int]], claims: list[Claim],
                      rules: Any) -> None:
    assert len(claims) == len(spans)
    ordered = sorted(claims, key=lambda c: c.span.start)
    for claim, (start, end) in zip(ordered, sorted(spans), strict=True):
        assert (claim.span.start, claim.span.end) == (start, end)
        assert claim.span.text == text[start:end]
        assert claim.metric == "unknown" or claim.metric in rules.metrics.metrics
        assert claim.sentence and claim.span.text.strip() in text


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(texts_with_figures())
def test_frames_any_text_with_the_real_model(nlp: Any, rules: Any,
                                             sample: tuple[str, list[tuple[int, int]]]) -> None:
    text, spans = sample
    with _pipeline_nlp(nlp):
        doc = nlp(text)
    _check_invariants(text, spans, _frames_all(text, spans, doc, rules), rules)


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(texts_with_figures())
def test_frames_any_text_without_a_parse(rules: Any,
                                         sample: tuple[str, list[tuple[int, int]]]) -> None:
    """A Doc with no parser, tagger or NER (``spacy.blank``) still yields one claim a figure."""
    import spacy

    text, spans = sample
    doc = spacy.blank("en")(text)
    _check_invariants(text, spans, _frames_all(text, spans, doc, rules), rules)


@pytest.mark.parametrize(("text", "published", "expected"), [
    ("by 2029", None, "2029"),
    ("in 2025", "2026-01-02", "2025"),
    ("through May 2029", None, "2029-05"),
    ("Q1 2026", None, "2026-Q1"),
    ("between February and April 2026", None, "2026-02/2026-04"),
    ("between 2020 and 2022", None, "2020/2022"),
    ("June 16", "2026-06-20", "2026-06-16"),
    ("May 6, 2026", None, "2026-05-06"),
    ("by June", "2026-03-01", "2026-06"),
    ("in December", "2026-02-06", "2025-12"),  # a month long past in the article's year
    ("in March", "2026-02-06", "2026-03"),
    ("by June", None, None),
    ("the third quarter of 2024", None, "2024-Q3"),
    ("the fourth quarter", "2025-02-26", "2024-Q4"),
    ("the first quarter", "2025-05-01", "2025-Q1"),
    ("last year", "2026-03-01", "2025"),
    ("last year", None, None),
    ("the fourth quarter of last year", "2026-03-01", "2025-Q4"),
])
def test_normalise_date(text: str, published: str | None, expected: str | None,
                        rules: Any) -> None:
    from pipeline.extract.periods import normalise_date as _normalise_date

    assert _normalise_date(text, published, rules.cues.quarters,
                           rules.cues.relative_years) == expected


def test_unknown_unit_gives_unknown_metric_not_an_error(nlp: Any, rules: Any) -> None:
    text = "Acme sold 40 zorkmids last year."
    start = text.index("40 zorkmids")
    quantity = Quantity(span=Span(doc_id="d", start=start, end=start + 11, text="40 zorkmids"),
                        value=40.0, low=40.0, high=40.0, unit="zorkmid")
    document = Document(id="d", path="d.txt", text=text, sha256="3" * 64)
    with _pipeline_nlp(nlp):
        doc = nlp(text)
    [claim] = build_claims(document, RepairedText(doc_id="d", text=text), doc, [quantity],
                           rules=rules, registry=rules.registry)
    assert claim.metric == "unknown"


def test_a_shared_memo_frames_the_same_claims(nlp: Any, rules: Any,
                                              corpus_claims: list[Claim]) -> None:
    # one Memo across every seed article (as the API shares one per chunk) changes nothing
    from pipeline.extract import ingest, quantities, repair
    from pipeline.extract.claims import Memo

    memo = Memo()
    shared: list[Claim] = []
    found_all = []
    for path in sorted((ROOT / "corpus").iterdir()):
        document = ingest.ingest(path.name, path.read_bytes(),
                                 boilerplate=rules.ingest.boilerplate)
        fixed = repair.repair(document)
        found = quantities.extract_quantities(fixed.text, doc_id=document.id,
                                              registry=rules.registry)
        found_all.append((document, fixed, found))
    for document, fixed, found in found_all:  # units defined first, as in a chunk
        with _pipeline_nlp(nlp):
            doc = nlp(fixed.text)
        shared += build_claims(document, fixed, doc, found, rules=rules,
                               registry=rules.registry, memo=memo)
    assert memo.conversions and memo.dimensions and memo.units
    assert shared == corpus_claims
