"""Checks declare their own blocking, and every part of the pipeline that needs it reads
the declaration: the records of a run, the blocks stored per claim, the cluster's
independent groups, and the document checks of incremental runs."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import pytest

from pipeline import distributed
from pipeline.check import checks
from pipeline.models import Claim, Document, Finding, RepairedText
from tests.conftest import make_claim

TOY = "toy_by_metric.v1"


def _by_metric(claim: Claim, rules, cache) -> list[tuple[checks.Block, Claim]]:
    return [] if claim.metric == "unknown" else [((claim.metric,), claim)]


def _toy(claims: Sequence[Claim], rules) -> list[Finding]:
    """One finding over all the claims it is given."""
    return [checks.make_finding(TOY, "scope", "info", claims, "seen together.")] \
        if len(claims) > 1 else []


@pytest.fixture
def toy_rules(rules, monkeypatch):
    """The rules with only the toy check enabled; the toy check registered meanwhile."""
    monkeypatch.setattr(checks, "CHECKS", dict(checks.CHECKS))  # the registry as it was after
    checks.register(TOY, blocks=_by_metric)(_toy)
    only_toy = rules.checks.model_copy(update={"checks": [TOY]})
    return dataclasses.replace(rules, checks=only_toy)


@pytest.fixture
def claims(registry) -> list[Claim]:
    return [make_claim(registry, 5e6, doc="a", subject="Acme", metric="revenue"),
            make_claim(registry, 6e6, doc="b", subject="Globex", metric="revenue"),
            make_claim(registry, 7e6, doc="a", start=40, subject="Acme", metric="valuation"),
            make_claim(registry, 8e6, doc="c", subject="Initech", metric="unknown")]


def test_records_follow_the_declared_blocks(toy_rules, claims):
    records = checks.records(claims, rules=toy_rules)
    assert [(r.check, r.block) for r in records] == [(TOY, ("revenue",))]
    assert set(records[0].finding.claims) == {claims[0].id, claims[1].id}
    only = {(TOY, checks.block_text(("valuation",)))}
    assert checks.records(claims, rules=toy_rules, only=only) == []


def test_claim_blocks_are_the_declared_blocks(toy_rules, claims):
    assert [checks.claim_blocks(c, toy_rules) for c in claims] == [
        [(TOY, checks.block_text(("revenue",)))], [(TOY, checks.block_text(("revenue",)))],
        [(TOY, checks.block_text(("valuation",)))], []]


def test_independent_groups_join_claims_of_one_declared_block(toy_rules, claims):
    groups = distributed.independent_groups(claims, toy_rules)
    assert [[c.id for c in g] for g in groups] == [
        [claims[0].id, claims[1].id], [claims[2].id], [claims[3].id]]


def test_a_check_must_declare_how_it_blocks():
    with pytest.raises(TypeError):
        checks.register("undeclared.v1")(_toy)  # type: ignore[call-arg]
    assert "undeclared.v1" not in checks.CHECKS


def test_the_enabled_checks_declare_their_blocks(rules, claims):
    cache = checks.UnitCache(rules)
    for spec in checks.enabled(rules):
        for claim in claims:
            for block, _member in spec.blocks(claim, rules, cache):
                assert isinstance(block, tuple) and all(isinstance(k, str) for k in block)
                assert checks.block_of_text(checks.block_text(block)) == block


def test_document_checks_block_by_document():
    document = Document(id="d1", path="a.txt", text="x", sha256="0" * 64)
    repaired = RepairedText(doc_id="d1", text="x")
    assert checks.document_records(document, repaired) == []  # nothing repaired
    assert checks.document_blocks("d1") == [
        (name, checks.block_text(("d1",))) for name in checks.DOCUMENT_CHECKS]
    assert list(checks.DOCUMENT_CHECKS) == ["garbled.v1"]  # repair's findings, one name


def test_blocks_gathered_with_the_records_are_the_claims_declared_blocks(rules, registry):
    """A full run stores each claim's blocks as the records' pass met them (no second pass
    of the blocking); they are the blocks ``claim_blocks`` declares, in its order."""
    claims = [make_claim(registry, 5e6, doc="a", subject="Acme"),
              make_claim(registry, 6e6, doc="b", subject="Globex", per="month"),
              make_claim(registry, 7e6, doc="c", subject=None),  # unnamed: many blocks
              make_claim(registry, 45e6, doc="d", subject="Acme", over="three years"),
              make_claim(registry, 8e6, doc="e", subject="Acme", modality="hypothetical"),
              make_claim(registry, 9e6, doc="f", subject="Initech", unit="EUR"),
              make_claim(registry, 3.0, doc="g", subject="Acme", metric="unknown")]
    placed: list[list[tuple[str, str]]] = [[] for _ in claims]
    records = checks.records(claims, rules=rules, placed=placed)
    assert records == checks.records(claims, rules=rules)
    expected = [checks.claim_blocks(c, rules) for c in claims]
    assert checks.placed_blocks(placed) == expected
    assert len(expected[2]) > len(expected[0]) > 0 and expected[4] != expected[0]
