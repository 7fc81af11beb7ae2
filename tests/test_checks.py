"""Checks on hand-built claims: verdicts, finding kinds, modality, scope, arithmetic, scale."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.check import checks
from pipeline.models import Claim
from tests.conftest import DATA, make_claim

PAIRS = yaml.safe_load((DATA / "checks_pairs.yaml").read_text(encoding="utf-8"))["cases"]


def _from_spec(registry: Any, spec: dict[str, Any], doc: str) -> Claim:
    spec = dict(spec)
    value = spec.pop("value", None)
    return make_claim(registry, value, doc=doc, **spec)


# --- pairwise verdicts (data table) -------------------------------------------------------


@pytest.mark.parametrize("case", PAIRS, ids=[c["id"] for c in PAIRS])
def test_pair_verdict(case, rules, registry):
    a = _from_spec(registry, case["a"], "da")
    b = _from_spec(registry, case["b"], "db")
    finding = checks.compare_claims(a, b, rules)
    kind = finding.kind if finding else None
    assert kind == case["expect"], finding.explanation if finding else "no finding"
    if finding is not None:
        assert finding.explanation.endswith(".")
        assert finding.claims == tuple(sorted({a.id, b.id}))
        if "severity" in case:
            assert finding.severity == case["severity"]
        if "arithmetic" in case:
            assert case["arithmetic"] in (finding.arithmetic or "")


def test_every_enabled_check_is_registered_and_versioned(rules):
    for name in rules.checks.checks:
        assert name in checks.CHECKS
        assert name.rsplit(".", 1)[-1].startswith("v")


# --- whole-check behaviour -----------------------------------------------------------------


def test_contradiction_between_non_neighbours_is_found(rules, registry):
    # sorted by low: [0,10], [5,100], [90,95]; only the first and last disagree
    wide = make_claim(registry, low=5e6, high=100e6, bound="range", doc="b")
    small = make_claim(registry, 10e6, bound="at_most", doc="a")
    high = make_claim(registry, low=90e6, high=95e6, bound="range", doc="c")
    found = checks.interval_consistency([wide, small, high], rules)
    contradictions = [f for f in found if f.kind == "contradiction"]
    assert [set(f.claims) for f in contradictions] == [{small.id, high.id}]


def test_repetitions_collapse_into_one_finding_with_source_count(rules, registry):
    sixties = [make_claim(registry, 60e9, metric="deal_value", doc=f"d{i}", text="$60 billion")
               for i in range(4)]
    ten = make_claim(registry, 10e9, metric="deal_value", doc="x", text="$10 billion")
    found = checks.interval_consistency([*sixties, ten], rules)
    assert len(found) == 1
    assert found[0].kind == "contradiction"
    assert set(found[0].claims) == {c.id for c in [*sixties, ten]}
    assert "4 mentions in 4 document(s)" in found[0].explanation


def test_different_currencies_meet_only_after_conversion(rules, registry):
    """Never as amounts of one unit: a disagreement after conversion at an annual average
    rate is a divergence at most (tests/test_convert.py has the rest)."""
    usd = make_claim(registry, 10e9, unit="USD", doc="a")
    eur = make_claim(registry, 60e9, unit="EUR", doc="b")
    (finding,) = checks.run_checks([usd, eur], rules=rules)
    assert finding.kind == "divergence"
    assert "≈ US$" in finding.explanation and "average rate" in finding.explanation


def test_alternative_terms_become_one_finding_with_both_figures(rules, registry):
    sentence = "SpaceX will either pay $10 billion for the work or buy it outright for $60 billion."
    ten = make_claim(registry, 10e9, metric="deal_value", modality="alternative", doc="q",
                     start=20, sentence=sentence, text="$10 billion", subject="Cursor")
    sixty = make_claim(registry, 60e9, metric="deal_value", modality="alternative", doc="q",
                       start=70, sentence=sentence, text="$60 billion", subject="Cursor")
    fact = make_claim(registry, 60e9, metric="deal_value", doc="r", text="$60 billion",
                      subject="Cursor")
    found = checks.run_checks([ten, sixty, fact], rules=rules)
    assert [f.kind for f in found] == ["alternative"]
    assert set(found[0].claims) == {ten.id, sixty.id}
    assert "$10 billion" in found[0].explanation and "$60 billion" in found[0].explanation


def test_gpus_vs_gpu_equivalents_is_scope_not_contradiction(rules, registry):
    gpus = make_claim(registry, 555_000, bound="approx", unit="GPU", metric="gpu_count",
                      subject="Colossus", doc="a")
    equivalents = make_claim(registry, 1_000_000, bound="at_least", unit="GPU_equivalent",
                             metric="gpu_count", subject="Colossus", doc="b")
    found = checks.run_checks([gpus, equivalents], rules=rules)
    assert [f.kind for f in found] == ["scope"]
    assert "GPU_equivalent" in found[0].explanation


def test_part_and_whole_subjects_are_scope(rules, registry):
    part = make_claim(registry, 200_000, unit="GPU", metric="gpu_count", subject="Colossus 1")
    whole = make_claim(registry, 555_000, unit="GPU", metric="gpu_count", subject="Colossus",
                       doc="b")
    found = checks.run_checks([part, whole], rules=rules)
    assert [f.kind for f in found] == ["scope"]


def test_operating_loss_vs_burn_is_scope(rules, registry):
    loss = make_claim(registry, 5e9, per="year", metric="operating_loss", doc="a")
    burn = make_claim(registry, 12e9, per="year", metric="cash_burn", doc="b")
    found = checks.run_checks([loss, burn], rules=rules)
    assert [f.kind for f in found] == ["scope"]


def test_merged_entity_rolls_up_for_scope(rules, registry):
    parent = next(e.merged_into for e in rules.entities.entities if e.merged_into)
    child = next(e.name for e in rules.entities.entities if e.merged_into == parent)
    a = make_claim(registry, 1e9, per="month", metric="cash_burn", subject=child)
    b = make_claim(registry, 3e9, per="month", metric="cash_burn", subject=parent, doc="b")
    found = checks.run_checks([a, b], rules=rules)
    assert [f.kind for f in found] == ["scope"]


def test_scope_differences_that_agree_are_silent(rules, registry):
    gpus = make_claim(registry, 555_000, unit="GPU", metric="gpu_count", subject="Colossus")
    equivalents = make_claim(registry, 500_000, bound="at_least", unit="GPU_equivalent",
                             metric="gpu_count", subject="Colossus", doc="b")
    assert checks.run_checks([gpus, equivalents], rules=rules) == []


def _two_sentences(first: str, second: str) -> tuple[str, str, int]:
    return first, second, len(first) + 1


def test_period_restatement_checks_out(rules, registry):
    s1, s2, offset = _two_sentences("It could be costing $300 million a month.",
                                    "That is $3.6 billion a year.")
    month = make_claim(registry, 300e6, per="month", metric="cost", doc="a", start=20,
                       sentence=s1, text="$300 million a month")
    year = make_claim(registry, 3.6e9, per="year", metric="cost", doc="a", start=offset + 8,
                      sentence=s2, text="$3.6 billion a year")
    found = checks.run_checks([month, year], rules=rules)
    assert [f.kind for f in found] == ["arithmetic_ok"]
    assert "× 12 = $3.6B/year" in (found[0].arithmetic or "")


def test_wrong_restatement_after_a_cue_is_an_arithmetic_error(rules, registry):
    s1, s2, offset = _two_sentences("A consumer pays $20 a month.", "That is $200 a year.")
    month = make_claim(registry, 20, per="month", metric="price_per_seat", doc="a", start=16,
                       sentence=s1, text="$20 a month")
    year = make_claim(registry, 200, per="year", metric="price_per_seat", doc="a",
                      start=offset + 8, sentence=s2, text="$200 a year")
    kinds = sorted(f.kind for f in checks.run_checks([month, year], rules=rules))
    assert "arithmetic_error" in kinds


def test_unrelated_neighbours_are_not_an_arithmetic_error(rules, registry):
    s1, s2, offset = _two_sentences("Revenue is $2 billion a month.", "Users pay $20 a year.")
    month = make_claim(registry, 2e9, per="month", metric="revenue", doc="a", start=11,
                       sentence=s1)
    year = make_claim(registry, 20, per="year", metric="price_per_seat", doc="a",
                      start=offset + 10, sentence=s2)
    assert checks.arithmetic([month, year], rules) == []


def test_product_of_count_and_unit_price(rules, registry):
    sentence = ("A company that employs 100 developers at $150,000 each is spending "
                "$15 million a year.")
    devs = make_claim(registry, 100, unit="developer", metric="employees", doc="a", start=23,
                      sentence=sentence, text="100 developers")
    each = make_claim(registry, 150_000, metric="cost", doc="a", start=41,
                      sentence=sentence, text="$150,000")
    total = make_claim(registry, 15e6, metric="cost", doc="a", start=67,
                       sentence=sentence, text="$15 million")
    found = checks.arithmetic([devs, each, total], rules)
    assert [f.kind for f in found] == ["arithmetic_ok"]
    assert set(found[0].claims) == {devs.id, each.id, total.id}
    assert found[0].arithmetic == "100 developer × $150,000 = $15M"


def test_finding_ids_are_stable_and_order_free(rules, registry):
    claims = [make_claim(registry, v, doc=f"d{i}", metric="deal_value")
              for i, v in enumerate([10e9, 60e9, 60e9, 61e9, 200e9])]
    first = checks.run_checks(claims, rules=rules)
    again = checks.run_checks(list(reversed(claims)), rules=rules)
    assert first == again
    assert first and all(f.id.startswith("f-") for f in first)


def test_every_finding_has_a_sentence_and_severity(rules, registry):
    claims = [make_claim(registry, v, doc=f"d{i}", per=p, bound=b)
              for i, (v, p, b) in enumerate([(1e9, "month", "exact"), (12e9, "year", "exact"),
                                             (40e9, "year", "at_least"), (5e9, "year", "approx")])]
    for finding in checks.run_checks(claims, rules=rules):
        assert finding.severity in ("high", "medium", "low", "info")
        # a verdict sentence quoting the figures first; then, for a disagreement, the
        # intervals compared and the frames, each a sentence of its own (issue 18 item 3)
        first = finding.explanation.split(". ")[0]
        assert first.count('"') >= 4 and finding.explanation.endswith(".")
        assert "\n" not in finding.explanation
        if finding.kind in ("contradiction", "divergence"):
            assert ". Compared as " in finding.explanation


def test_sweep_compares_linearly_many_not_all_pairs(rules, registry):
    calls = 0

    def compare(a, b):
        nonlocal calls
        calls += 1
        return None

    claims = [make_claim(registry, float(i), doc=f"d{i}") for i in range(1, 301)]
    groups = checks.make_groups(v for c in claims for v in checks.views(c, rules))
    checks.sweep(groups, compare)
    assert calls < 2 * len(groups)


# --- properties ----------------------------------------------------------------------------

_BOUNDS = st.sampled_from(["exact", "approx", "at_least", "at_most", "range", "vague"])
_MODALITIES = st.sampled_from(["asserted", "quoted", "projection", "hypothetical"])
_PERS = st.sampled_from([None, "month", "year"])
_VALUES = st.floats(min_value=1.0, max_value=1e12, allow_nan=False, allow_infinity=False)


@st.composite
def claim_specs(draw: st.DrawFn) -> dict[str, Any]:
    bound = draw(_BOUNDS)
    value = draw(_VALUES)
    spec: dict[str, Any] = {"value": value, "bound": bound, "per": draw(_PERS),
                            "modality": draw(_MODALITIES),
                            "as_of": draw(st.sampled_from([None, "2025", "2026"]))}
    if bound in ("range", "vague"):
        spec["low"] = value
        spec["high"] = value * draw(st.floats(min_value=1.0, max_value=10.0))
    return spec


def _scaled(spec: dict[str, Any], factor: float) -> dict[str, Any]:
    out = dict(spec)
    for key in ("value", "low", "high"):
        if out.get(key) is not None:
            out[key] = out[key] * factor
    return out


def _verdict(finding):
    return None if finding is None else (finding.kind, finding.severity)


_PROPERTY = settings(max_examples=150, deadline=None,
                     suppress_health_check=[HealthCheck.function_scoped_fixture])


@_PROPERTY
@given(a=claim_specs(), b=claim_specs())
def test_check_is_symmetric(rules, registry, a, b):
    ca, cb = _from_spec(registry, a, "da"), _from_spec(registry, b, "db")
    assert checks.compare_claims(ca, cb, rules) == checks.compare_claims(cb, ca, rules)
    assert checks.run_checks([ca, cb], rules=rules) == checks.run_checks([cb, ca], rules=rules)


@_PROPERTY
@given(a=claim_specs(), b=claim_specs(), power=st.integers(min_value=-20, max_value=20))
def test_scaling_both_claims_keeps_the_verdict(rules, registry, a, b, power):
    # powers of two scale floats exactly, so the verdict may not move at all
    factor = 2.0 ** power
    ca, cb = _from_spec(registry, a, "da"), _from_spec(registry, b, "db")
    sa, sb = (_from_spec(registry, _scaled(a, factor), "da"),
              _from_spec(registry, _scaled(b, factor), "db"))
    assert _verdict(checks.compare_claims(ca, cb, rules)) == \
        _verdict(checks.compare_claims(sa, sb, rules))


@_PROPERTY
@given(a=claim_specs())
def test_identical_normalized_claims_never_contradict(rules, registry, a):
    ca, cb = _from_spec(registry, a, "da"), _from_spec(registry, a, "db")
    found = checks.run_checks([ca, cb], rules=rules)
    assert not [f for f in found if f.kind in ("contradiction", "divergence", "update")]


@_PROPERTY
@given(a=claim_specs(), b=claim_specs())
def test_hypotheticals_never_contradict(rules, registry, a, b):
    a = {**a, "modality": "hypothetical"}
    found = checks.run_checks([_from_spec(registry, a, "da"), _from_spec(registry, b, "db")],
                              rules=rules)
    assert not [f for f in found if f.kind == "contradiction"]


# --- what is not a contradiction ------------------------------------------------------------


def test_one_article_contrasting_two_figures_is_not_a_finding(rules, registry):
    company = make_claim(registry, 100_000, per="year", doc="a", start=10,
                         sentence="A company generates $100,000 a year.")
    consumer = make_claim(registry, 240, per="year", doc="a", start=45,
                          sentence="A consumer generates $240 a year.")
    assert checks.run_checks([company, consumer], rules=rules) == []
    other = make_claim(registry, 240, per="year", doc="b", text="$240 a year")
    assert [f.kind for f in checks.run_checks([company, consumer, other], rules=rules)] == \
        ["contradiction"]


def test_one_article_reporting_two_sources_is_compared(rules, registry):
    first = make_claim(registry, 10e6, per="month", doc="a", start=20,
                       sentence="Orbital pays $10 million a month.")
    later = make_claim(registry, 14e6, per="month", doc="a", start=60,
                       sentence="A later filing says Orbital pays $14 million a month.")
    assert checks.run_checks([first, later], rules=rules) == []
    later = later.model_copy(update={"attribution": "a later filing", "modality": "quoted"})
    assert [f.kind for f in checks.run_checks([first, later], rules=rules)] == \
        ["contradiction"]


def test_figures_far_apart_in_one_article_are_only_a_scope_hint(rules, registry):
    body = make_claim(registry, 60e9, doc="a", start=100, metric="deal_value")
    summary = make_claim(registry, 6e9, doc="a", start=9000, metric="deal_value")
    found = checks.run_checks([body, summary], rules=rules)
    assert [(f.kind, f.severity) for f in found] == [("scope", "info")]


def test_payments_between_different_parties_are_different_deals(rules, registry):
    a = make_claim(registry, 45e9, metric="deal_value", subject="SpaceX", doc="a")
    b = make_claim(registry, 60e9, metric="deal_value", subject="SpaceX", doc="b")
    a = a.model_copy(update={"payer": "Anthropic", "payee": "SpaceX"})
    b = b.model_copy(update={"payer": "SpaceX", "payee": "Cursor"})
    assert checks.run_checks([a, b], rules=rules) == []
    unknown = b.model_copy(update={"payer": None, "payee": None})
    assert [f.kind for f in checks.run_checks([a, unknown], rules=rules)] == ["contradiction"]


def test_brand_or_unit_words_in_a_qualifier_do_not_change_scope(rules, registry):
    vague = make_claim(registry, 55_000, low=10_000, high=99_999, bound="vague", unit="GPU",
                       metric="gpu_count", subject="Colossus", doc="a")
    branded = make_claim(registry, 555_000, bound="approx", unit="GPU", metric="gpu_count",
                         subject="Colossus", doc="b", qualifier="Nvidia GPUs")
    assert checks.qualifier(branded, rules) == ""
    assert [f.kind for f in checks.run_checks([vague, branded], rules=rules)] == \
        ["contradiction"]
    narrowed = branded.model_copy(update={"qualifier": "H100 GPUs in orbit"})
    assert checks.qualifier(narrowed, rules) == "h100 orbit"
    assert [f.kind for f in checks.run_checks([vague, narrowed], rules=rules)] == ["scope"]


def test_alternative_terms_repeated_in_one_article_count_once(rules, registry):
    found = []
    for start, sentence in ((0, "It will either pay $10B or buy it for $60B."),
                            (500, "A2: it will either pay $10B or buy it for $60B outright.")):
        for offset, value in ((20, 10e9), (35, 60e9)):
            found.append(make_claim(registry, value, metric="deal_value", doc="q",
                                    modality="alternative", start=start + offset,
                                    sentence=sentence, subject="Cursor"))
    result = checks.run_checks(found, rules=rules)
    assert [f.kind for f in result] == ["alternative"]
    assert len(result[0].claims) == 4
    assert "given 2 times" in result[0].explanation


# --- seed corpus acceptance (real model) -----------------------------------------------------

SEED = yaml.safe_load((DATA / "checks_seed.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def seed_run(tmp_path_factory):
    from pipeline import api
    from tests.conftest import ROOT

    out = tmp_path_factory.mktemp("checks_seed")
    result = api.extract(ROOT / "corpus", out=out, rules_dir=ROOT / "rules")
    by_id = {c.id: c for c in result.claims}
    paths = {d.id: d.path for d in result.documents}
    return result.findings, by_id, paths, out


def _shows(finding, by_id, pattern: str) -> bool:
    import re

    return any(re.search(pattern, by_id[c].span.text) for c in finding.claims if c in by_id)


@pytest.mark.model
@pytest.mark.parametrize("case", SEED["flagged"], ids=[c["id"] for c in SEED["flagged"]])
def test_seed_flagged(seed_run, case):
    import re

    findings, by_id, _, _ = seed_run
    hits = [f for f in findings if f.kind == case["kind"]
            and all(_shows(f, by_id, p) for p in case["figures"])]
    assert hits, f"no {case['kind']} finding shows {case['figures']}"
    for pattern in case.get("explanation", ()):
        assert re.search(pattern, hits[0].explanation), hits[0].explanation


@pytest.mark.model
@pytest.mark.parametrize("case", SEED["not_contradicted"],
                         ids=[c["id"] for c in SEED["not_contradicted"]])
def test_seed_not_contradicted(seed_run, case):
    findings, by_id, _, _ = seed_run
    for finding in findings:
        if finding.kind in ("contradiction", "divergence"):
            shown = [p for p in case["figures"] if _shows(finding, by_id, p)]
            assert len(shown) < 2, finding.explanation
    if case.get("reconciled"):
        reconciled = [f for f in findings if f.kind == "reconciled"]
        for pattern in case["figures"]:
            assert any(_shows(f, by_id, pattern) for f in reconciled), pattern
        assert all(f.arithmetic for f in reconciled)


@pytest.mark.model
@pytest.mark.parametrize("prefix", SEED["self_consistent_documents"])
def test_seed_articles_do_not_contradict_themselves(seed_run, prefix):
    findings, by_id, paths, _ = seed_run
    for finding in findings:
        if finding.kind != "contradiction":
            continue
        docs = {paths[by_id[c].doc_id] for c in finding.claims if c in by_id}
        assert not all(d.startswith(prefix) for d in docs), finding.explanation


@pytest.mark.model
def test_seed_findings_are_explained(seed_run):
    findings, _, _, _ = seed_run
    assert findings
    for finding in findings:
        assert finding.explanation.strip() and finding.severity
        if finding.kind in ("reconciled", "arithmetic_ok"):
            assert finding.arithmetic


def test_agreeing_rate_year_and_multi_year_total_are_one_reconciled_finding(rules, registry):
    month = make_claim(registry, 1.25e9, per="month", doc="a", metric="lease_payment",
                       text="$1.25B/month")
    year = make_claim(registry, 15e9, per="year", doc="b", metric="lease_payment",
                      text="$15 billion annually")
    total = make_claim(registry, 45e9, over="3 year", doc="c", metric="lease_payment",
                       text="$45 billion")
    found = checks.run_checks([month, year, total], rules=rules)
    assert [f.kind for f in found] == ["reconciled"]
    assert set(found[0].claims) == {month.id, year.id, total.id}
    assert "$1.25B/month × 12 = $15B/year" in (found[0].arithmetic or "")
    assert "÷ 3 = $15B/year" in (found[0].arithmetic or "")


@_PROPERTY
@given(specs=st.lists(claim_specs(), min_size=2, max_size=10))
def test_sweep_misses_no_contradiction_that_all_pairs_would_find(rules, registry, specs):
    facts = [_from_spec(registry, {**s, "modality": "asserted", "as_of": None, "per": None},
                        f"d{i}") for i, s in enumerate(specs)]
    naive = {frozenset((a.id, b.id)) for i, a in enumerate(facts) for b in facts[i + 1:]
             if (f := checks.compare_claims(a, b, rules)) and f.kind == "contradiction"}
    blocked = [f for f in checks.interval_consistency(facts, rules)
               if f.kind == "contradiction"]
    assert bool(naive) == bool(blocked)
    by_id = {c.id: c for c in facts}
    for finding in blocked:  # every reported contradiction holds for each pair it spans
        ids = list(finding.claims)
        assert any(frozenset((x, y)) in naive for x in ids for y in ids if x < y), \
            [by_id[i].span.text for i in ids]


def test_multi_year_total_restated_per_year_checks_out(rules, registry):
    s1, s2, offset = _two_sentences("The three-year deal is worth $45 billion.",
                                    "That is $15 billion a year.")
    total = make_claim(registry, 45e9, over="3 year", metric="lease_payment", doc="a",
                       start=29, sentence=s1, text="$45 billion")
    yearly = make_claim(registry, 15e9, per="year", metric="lease_payment", doc="a",
                        start=offset + 8, sentence=s2, text="$15 billion a year")
    found = checks.arithmetic([total, yearly], rules)
    assert [f.kind for f in found] == ["arithmetic_ok"]
    assert "÷ 3 = $15B/year" in (found[0].arithmetic or "")


@pytest.mark.model
def test_seed_graph_exports(seed_run):
    import json

    import networkx as nx

    findings, by_id, _, out = seed_run
    data = json.loads((out / "graph.json").read_text(encoding="utf-8"),
                      parse_constant=lambda name: pytest.fail(f"{name} in graph.json"))
    graph = nx.node_link_graph(data, edges="links", multigraph=True, directed=True)
    kinds = {d["kind"] for _, d in graph.nodes(data=True)}
    assert kinds == {"document", "entity", "metric", "claim"}
    assert {f"claim:{c}" for c in by_id} <= set(graph.nodes)
    edges = {d["kind"] for _, _, d in graph.edges(data=True)}
    assert {"mentions", "about", "contradicts", "consistent_with", "derived_from"} <= edges
    assert nx.read_graphml(out / "graph.graphml").number_of_nodes() == graph.number_of_nodes()


@pytest.mark.parametrize(("total", "kind"), [(15e6, "arithmetic_ok"), (20e6, "arithmetic_error")],
                         ids=["adds-up", "does-not-add-up"])
def test_product_with_price_per_counted_thing(rules, registry, total, kind):
    sentence = "A company with 100 developers at $150,000 each is spending $X a year."
    devs = make_claim(registry, 100, unit="developer", metric="employees", doc="a", start=15,
                      sentence=sentence, text="100 developers")
    each = make_claim(registry, 150_000, per="developer", metric="cost", doc="a", start=33,
                      sentence=sentence, text="$150,000 each")
    spent = make_claim(registry, total, metric="cost", doc="a", start=60, sentence=sentence,
                       text="$X")
    found = checks.arithmetic([devs, each, spent], rules)
    assert [f.kind for f in found] == [kind]
    assert found[0].arithmetic and found[0].arithmetic.startswith("100 developer × $150,000")


def test_checks_define_counted_units_a_fresh_registry_has_never_seen(tmp_path, rules):
    """Claims read back from the claim store (or checked on a Dask worker) meet a registry
    that never saw their counted nouns: the verdicts must equal those of the run that
    extracted them."""
    from pipeline.rules import load_rules
    from pipeline.units import ensure_unit

    extracting = load_rules(rules.root).registry
    for noun in ("quadcopter", "hovercraft"):
        ensure_unit(extracting, noun)
    claims = [
        make_claim(extracting, 300, unit="quadcopter", metric="gpu_count", subject="Zorblax",
                   doc="a"),
        make_claim(extracting, 500, unit="hovercraft", metric="gpu_count", subject="Zorblax",
                   doc="b"),
    ]
    expected = checks.run_checks(claims, rules=load_rules(rules.root))
    # a second, fresh registry: as in an incremental run or on another machine
    again = checks.run_checks(claims, rules=load_rules(rules.root))
    assert [f.kind for f in expected] == ["scope"]
    assert again == expected
