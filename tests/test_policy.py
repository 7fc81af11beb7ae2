"""The precision-first comparison policy, ``interval_consistency.v2`` (issue 17), on
hand-built claims: verdicts, one finding per disagreement, ids that follow the disagreement,
explanations."""

from __future__ import annotations

from typing import Any

from pipeline.check import checks
from pipeline.check.policy import NAME, gap_text, written_interval
from pipeline.models import Claim, Finding
from tests.conftest import make_claim


def claim(registry: Any, value: float, doc: str, *, text: str | None = None,
          **frame: Any) -> Claim:
    """A revenue claim of Acme written as ``text`` ("$13.51 billion") in article ``doc``."""
    frame.setdefault("metric", "revenue")
    return make_claim(registry, value, doc=doc, text=text or f"${value / 1e9:g} billion",
                      **frame)


def found(claims: list[Claim], rules: Any, *kinds: str) -> list[Finding]:
    return [f for f in checks.run_checks(claims, rules=rules)
            if f.check == NAME and (not kinds or f.kind in kinds)]


def kinds(claims: list[Claim], rules: Any) -> list[str]:
    return sorted(f.kind for f in found(claims, rules, "contradiction", "divergence",
                                        "update"))


def test_written_precision_is_the_interval(registry: Any) -> None:
    low, high, ref = written_interval(claim(registry, 13.5e9, "a", text="$13.5 billion"))
    assert (low, high, ref) == (13.45e9, 13.55e9, 13.5e9)
    rounded, precise = claim(registry, 13.5e9, "a", text="$13.5 billion"), \
        claim(registry, 13.51e9, "b", text="$13.51 billion")
    assert kinds([rounded, precise], _rules(registry)) == []


def _rules(registry: Any) -> Any:
    from pipeline.rules import load_rules
    from tests.conftest import ROOT

    return load_rules(ROOT / "rules")


def test_same_frame_disjoint_values_contradict(rules: Any, registry: Any) -> None:
    a = claim(registry, 13.51e9, "a", period_key="FY2024-Q2")
    b = claim(registry, 6.188e9, "b", text="$6.188 billion", period_key="FY2024-Q2")
    (finding,) = found([a, b], rules, "contradiction")
    assert finding.severity == "high" and "2.2× apart" in finding.explanation
    assert "FY2024-Q2" not in finding.explanation  # periods in words
    assert "fiscal 2024 Q2" in finding.explanation


def test_different_periods_are_not_a_contradiction(rules: Any, registry: Any) -> None:
    a = claim(registry, 13.51e9, "a", period_key="FY2024-Q2")
    b = claim(registry, 6.7e9, "b", text="$6.7 billion", period_key="FY2023-Q2")
    assert kinds([a, b], rules) == []


def test_a_period_only_one_side_states_makes_a_divergence(rules: Any, registry: Any) -> None:
    a = claim(registry, 13.51e9, "a", period_key="FY2024-Q2")
    b = claim(registry, 6.7e9, "b", text="$6.7 billion")
    (finding,) = found([a, b], rules, "divergence")
    assert "only one report states the period" in finding.explanation


def test_the_same_figure_moved_to_another_quarter_diverges(rules: Any, registry: Any) -> None:
    a = claim(registry, 6.86, "a", text="$6.86", unit="USD", per="share",
              metric="profit", metric_key="earnings per share", period_key="?-Q3")
    b = claim(registry, 6.86, "b", text="$6.86", unit="USD", per="share",
              metric="profit", metric_key="earnings per share", period_key="?-Q2")
    (finding,) = found([a, b], rules, "divergence")
    assert "the same figure is given for Q2 and for Q3" in finding.explanation


def test_an_unstated_basis_next_to_a_stated_one_is_ambiguous(rules: Any,
                                                            registry: Any) -> None:
    adjusted = claim(registry, 2.70, "a", text="$2.70", per="share",
                     metric_key="earnings per share", qualifiers=("adjusted",))
    plain = claim(registry, 2.48, "b", text="$2.48", per="share",
                  metric_key="earnings per share")
    (finding,) = found([adjusted, plain], rules, "divergence")
    assert "measurement basis" in finding.explanation


def test_an_unqualified_figure_takes_the_basis_it_agrees_with(rules: Any,
                                                             registry: Any) -> None:
    gaap = claim(registry, 2.48, "a", text="$2.48", per="share",
                 metric_key="earnings per share", qualifiers=("gaap",))
    adjusted = claim(registry, 2.70, "b", text="$2.70", per="share",
                     metric_key="earnings per share", qualifiers=("adjusted",))
    plain = claim(registry, 2.70, "c", text="$2.70", per="share",
                  metric_key="earnings per share")
    assert kinds([gaap, adjusted, plain], rules) == []  # $2.70 is the adjusted EPS


def test_a_metric_read_only_from_the_parse_diverges(rules: Any, registry: Any) -> None:
    a = claim(registry, 4e9, "a", metric_key="triumphant ascent")
    b = claim(registry, 9e9, "b", metric_key="triumphant ascent")
    (finding,) = found([a, b], rules, "divergence")
    assert 'the metric is read only from the words "triumphant ascent"' in \
        finding.explanation


def test_a_change_without_its_basis_diverges(rules: Any, registry: Any) -> None:
    a = make_claim(registry, 9.0, doc="a", unit="percent", text="9%", metric="growth",
                   metric_key="revenue change")
    b = make_claim(registry, 12.0, doc="b", unit="percent", text="12%", metric="growth",
                   metric_key="revenue change")
    assert kinds([a, b], rules) == ["divergence"]
    a, b = (c.model_copy(update={"qualifiers": ("year over year",)}) for c in (a, b))
    assert kinds([a, b], rules) == ["contradiction"]


def test_a_running_tally_on_other_days_is_an_update(rules: Any, registry: Any) -> None:
    a = make_claim(registry, 4300, doc="a", unit="person", text="4,300 people",
                   metric="unknown", metric_key="death toll", as_of="2023-02-07")
    b = make_claim(registry, 15383, doc="b", unit="person", text="15,383 people",
                   metric="unknown", metric_key="death toll", as_of="2023-02-09")
    assert kinds([a, b], rules) == ["update"]


def test_bounds_set_at_different_values_diverge(rules: Any, registry: Any) -> None:
    a = claim(registry, 25e9, "a", bound="at_most", metric_key="net debt")
    b = claim(registry, 26e9, "b", bound="at_most", metric_key="net debt")
    (finding,) = found([a, b], rules, "divergence")
    assert "upper bounds" in finding.explanation


def test_one_finding_per_disagreement_and_its_id_follows_it(rules: Any,
                                                            registry: Any) -> None:
    right = [claim(registry, 725e6, d, text="$725 million") for d in ("a", "b", "c")]
    wrong = claim(registry, 650e6, "d", text="$650 million")
    (finding,) = found([*right, wrong], rules, "contradiction")
    assert set(finding.claims) == {c.id for c in [*right, wrong]}  # every mention
    again = claim(registry, 725e6, "e", text="$725 million")  # a new article repeats it
    (later,) = found([*right, wrong, again], rules, "contradiction")
    assert later.id == finding.id and again.id in later.claims


def test_two_minority_values_only_diverge(rules: Any, registry: Any) -> None:
    consensus = [claim(registry, 13.51e9, d, sentence=f"Report {d}: Acme made $13.51 billion.")
                 for d in ("a", "b", "c")]
    x = claim(registry, 6.188e9, "d", text="$6.188 billion")
    y = claim(registry, 6.7e9, "e", text="$6.7 billion")
    result = found([*consensus, x, y], rules, "contradiction", "divergence")
    between = [f for f in result if x.id in f.claims and y.id in f.claims]
    assert [f.kind for f in between] == ["divergence"]
    assert "neither figure is the one most reports give" in between[0].explanation


def test_values_several_articles_give_side_by_side_are_two_measures(
        rules: Any, registry: Any) -> None:
    claims = []
    for doc in ("a", "b", "c"):
        claims += [claim(registry, 13.51e9, doc, start=0),
                   claim(registry, 2.49e9, doc, text="$2.49 billion", start=100)]
    assert kinds(claims, rules) == []


def test_an_unnamed_company_is_compared_with_the_one_subject(rules: Any,
                                                             registry: Any) -> None:
    named = claim(registry, 0.13, "a", text="$0.13", per="share", metric="unknown",
                  metric_key="dividend", subject="Orlin")
    unnamed = claim(registry, 0.15, "b", text="$0.15", per="share", metric="unknown",
                    metric_key="dividend", subject=None)
    (finding,) = found([named, unnamed], rules, "divergence")
    assert "names no subject" in finding.explanation and "Orlin" in finding.explanation
    other = claim(registry, 0.20, "c", text="$0.20", per="share", metric="unknown",
                  metric_key="dividend", subject="Orvane")  # two subjects: which one?
    assert all(unnamed.id not in f.claims for f in found([named, unnamed, other], rules))


def test_gap_text_is_a_ratio_or_a_difference(rules: Any, registry: Any) -> None:
    from pipeline.check.checks import UnitCache
    from pipeline.check.policy import figures_of

    cache = UnitCache(rules)
    (big,) = figures_of(claim(registry, 13.51e9, "a"), rules, cache)
    (small,) = figures_of(claim(registry, 6.188e9, "b"), rules, cache)
    (near,) = figures_of(claim(registry, 129e6, "c", text="$129 million"), rules, cache)
    (nearer,) = figures_of(claim(registry, 127.1e6, "d", text="$127.1 million"), rules, cache)
    assert gap_text(big, small) == "2.2× apart"
    assert gap_text(near, nearer) == "$1.9M (1.5%) apart"


def test_an_amount_another_report_scopes_is_ambiguous_unscoped(rules: Any,
                                                               registry: Any) -> None:
    deal = {"metric": "deal_value", "metric_key": "deal value"}
    equity = claim(registry, 61e9, "a", **deal)
    total = claim(registry, 69e9, "b", **deal)
    assert kinds([equity, total], rules) == ["contradiction"]
    scoped = claim(registry, 69e9, "c", qualifiers=("including debt",), **deal)
    (finding,) = found([equity, total, scoped], rules, "divergence")
    assert "gives one of them as including debt" in finding.explanation


def test_a_figure_of_part_of_a_session_never_contradicts(rules: Any, registry: Any) -> None:
    points = {"metric": "unknown", "metric_key": "point count", "unit": "point_count",
              "qualifiers": ("intraday",)}
    midday = claim(registry, 2100, "a", text="2,100 points", **points)
    later = claim(registry, 800, "b", text="800 points", **points)
    (finding,) = found([midday, later], rules, "divergence")
    assert "part of a session" in finding.explanation


def test_a_period_no_date_fixes_makes_a_divergence(rules: Any, registry: Any) -> None:
    a = claim(registry, 12.9e9, "a").model_copy(update={"period_how": "unplaced"})
    b = claim(registry, 13.4e9, "b")
    (finding,) = found([a, b], rules, "divergence")
    assert "words no date fixes" in finding.explanation



def test_a_period_taken_from_the_article_makes_a_divergence(rules: Any, registry: Any) -> None:
    """"Net income was $15.0 billion" in a quarter's report may be the year's: a period guessed
    from the article is never a contradiction's, one written beside both figures is."""
    guessed = claim(registry, 15.0e9, "a", text="$15.0 billion", period_key="2023-Q4"
                    ).model_copy(update={"period_how": "focal"})
    written = claim(registry, 7.9e9, "b", text="$7.9 billion", period_key="2023-Q4"
                    ).model_copy(update={"period_how": "written"})
    (finding,) = found([guessed, written], rules, "divergence")
    assert "the article's, not written beside it" in finding.explanation
    both = guessed.model_copy(update={"period_how": "written"})
    assert kinds([both, written], rules) == ["contradiction"]

# --- second pass ------------------------------------------------------------------------------


def test_a_round_figure_moved_to_a_period_neither_report_covers_diverges(
        rules: Any, registry: Any) -> None:
    a = claim(registry, 5e9, "a", text="$5bn", period_key="2027", modality="projection")
    b = claim(registry, 5e9, "b", text="$5bn", period_key="2028", modality="projection")
    (finding,) = found([a, b], rules, "divergence")
    assert "the same figure is given for 2027 and for 2028" in finding.explanation
    # the report that gives $5bn for 2028 also gives a figure for 2027: two years, one value
    c = claim(registry, 4.1e9, "b", text="$4.1bn", period_key="2027", modality="projection",
              start=40)
    assert not [f for f in found([a, b, c], rules, "divergence")
                if "the same figure" in f.explanation]


def test_an_amount_with_opposite_signs_is_a_sign_convention(rules: Any,
                                                            registry: Any) -> None:
    a = claim(registry, -27e9, "a", text="-$27 billion", metric_key="clean energy funding")
    b = claim(registry, 27e9, "b", text="$27 billion", metric_key="clean energy funding")
    assert kinds([a, b], rules) == []
    c = claim(registry, 31e9, "b", text="$31 billion", metric_key="clean energy funding")
    assert kinds([a, c], rules) != []  # a different amount still disagrees


def test_an_unnamed_figure_meets_the_one_subject_of_its_scope_and_period(
        rules: Any, registry: Any) -> None:
    named = claim(registry, 0.45, "a", text="$0.45", unit="USD", per="share",
                  metric="dividend", metric_key="dividend", subject="Orlin",
                  period_key="2027")
    other = claim(registry, 0.3, "a", text="$0.30", unit="USD", per="share",
                  metric="dividend", metric_key="dividend", subject="Orvane",
                  period_key="2019", start=50)  # another company's, another year's
    unnamed = claim(registry, 0.6, "b", text="$0.60", unit="USD", per="share",
                    metric="dividend", metric_key="dividend", subject=None,
                    period_key="2027")
    (finding,) = found([named, other, unnamed], rules, "divergence")
    assert "compared with Orlin" in finding.explanation


# --- third pass -------------------------------------------------------------------------------


def test_a_running_tally_keyed_in_the_singular_is_still_running(rules: Any,
                                                               registry: Any) -> None:
    """The table says "deaths", a key's last word is singular ("death"): one tally."""
    a = make_claim(registry, 9000, doc="a", unit="death", text="9,000",
                   metric="unknown", metric_key="death")
    b = make_claim(registry, 24000, doc="b", unit="death", text="24,000",
                   metric="unknown", metric_key="death")
    (finding,) = found([a, b], rules, "divergence", "contradiction")
    assert finding.kind == "divergence" and "a running tally" in finding.explanation


def test_a_move_of_a_level_needs_no_written_basis(rules: Any, registry: Any) -> None:
    """An index's own move is from its previous reading: two outlets' disagree outright."""
    a = make_claim(registry, 6.1, doc="a", unit="percent", text="6.1%", metric="growth",
                   metric_key="level change", period_key="2026-05-14")
    b = make_claim(registry, 7.3, doc="b", unit="percent", text="7.3%", metric="growth",
                   metric_key="level change", period_key="2026-05-14")
    assert kinds([a, b], rules) == ["contradiction"]
    a, b = (c.model_copy(update={"metric_key": "revenue change"}) for c in (a, b))
    assert kinds([a, b], rules) == ["divergence"]  # a measure's change needs its basis


def test_an_unnamed_figure_far_off_is_compared_when_both_write_its_period(
        rules: Any, registry: Any) -> None:
    """Figures of no one named 5x apart are two things, unless both write the one period
    they are about ("guided for sales of $1bn in 2023" vs "$5bn ... in 2023")."""
    named = claim(registry, 5e9, "a", text="$5bn", subject="Orlin", period_key="2027",
                  modality="projection")
    unnamed = claim(registry, 1e9, "b", text="$1bn", subject=None, period_key="2027",
                    modality="projection")
    assert kinds([named, unnamed], rules) == []  # the periods are not written: two things
    named, unnamed = (c.model_copy(update={"period_how": "written"})
                      for c in (named, unnamed))
    assert kinds([named, unnamed], rules) == ["divergence"]
