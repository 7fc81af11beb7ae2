"""Session 9 (prec9): a contradiction only on a frame the text makes sure of, on claims and
sentences of our own: a cue word of another clause does not key a figure over its own words,
an amount added to another is not that other, the whole a part was counted from is a total,
an article's conversion in parentheses restates the amount before it, a gapped clause's
subject owns its own number, a kind of body ("Congress") is not every body ending in it, and
a figure cut short is not a second figure."""

from __future__ import annotations

from typing import Any

import pytest

from pipeline.check import checks
from pipeline.check.frames import subject_clusters
from pipeline.check.policy import NAME
from pipeline.models import Claim
from tests.conftest import make_claim
from tests.test_frames import claim_at, frames_of


def _found(claims: list[Claim], rules: Any) -> list[Any]:
    return [f for f in checks.run_checks(claims, rules=rules)
            if f.check == NAME and f.kind in ("contradiction", "divergence")]


@pytest.fixture(scope="module")
def pipeline_nlp(rules: Any) -> Any:
    from pipeline.extract.process import load_pipeline

    return load_pipeline(rules)


# --- keys: the figure's own words ------------------------------------------------------------


@pytest.mark.model
def test_a_cue_of_another_clause_does_not_key_the_figure(rules: Any, pipeline_nlp: Any) -> None:
    """"fine" names the class of the sentence's last clause, not of the cash held."""
    text = ("Tessaly currently holds $41.2 billion in cash, so the penalty is affordable, but "
            "it is still a huge figure for a fine.")
    claim = claim_at(frames_of(text, rules=rules, nlp=pipeline_nlp), text, "$41.2 billion")
    assert claim.metric_key == "cash"


@pytest.mark.model
def test_a_cue_of_the_figures_own_clause_still_keys_it(rules: Any, pipeline_nlp: Any) -> None:
    text = "Regulators fined Tessaly $1.3 billion on Tuesday."
    claim = claim_at(frames_of(text, rules=rules, nlp=pipeline_nlp), text, "$1.3 billion")
    assert claim.metric_key == "fine"


@pytest.mark.model
def test_the_measure_after_in_names_the_figure(rules: Any, pipeline_nlp: Any) -> None:
    """"earned $7.4 billion in profit": the parser hangs "in profit" on the verb, whose own
    cue ("earned") is revenue's."""
    text = "Tessaly Motors earned $7.4 billion in profit."
    claim = claim_at(frames_of(text, rules=rules, nlp=pipeline_nlp), text, "$7.4 billion")
    assert claim.metric_key != "revenue"
    assert claim.metric == "profit"


@pytest.mark.model
@pytest.mark.parametrize(("text", "figure", "added"), [
    ("Halvorsen also offers a matte finish for the Orca at an additional cost of $4,200.",
     "$4,200", True),
    ("The buyer will pay an extra $2 billion if the merger closes this year.", "$2 billion",
     True),
    ("Halvorsen said the Orca costs $61,990.", "$61,990", False),
])
def test_an_amount_added_to_another_is_qualified(text: str, figure: str, added: bool,
                                                 rules: Any, pipeline_nlp: Any) -> None:
    claim = claim_at(frames_of(text, rules=rules, nlp=pipeline_nlp), text, figure)
    assert ("added" in claim.qualifiers) is added, claim.qualifiers


# --- wholes and parts ------------------------------------------------------------------------


@pytest.mark.model
@pytest.mark.parametrize("text, whole", [
    ("The Harbour Party won 187 out of 412 seats in the assembly.", "412 seats"),
    ("Inspectors have checked 318 of the 350 bridges on the network.", "350 bridges"),
    ("The Vesna Rovers won 14 of their 22 matches last season.", "22 matches"),
], ids=["out-of", "of-the", "of-their"])
def test_the_whole_after_a_part_is_a_total(text: str, whole: str, rules: Any,
                                           pipeline_nlp: Any) -> None:
    claims = frames_of(text, rules=rules, nlp=pipeline_nlp)
    assert "total" in claim_at(claims, text, whole).qualifiers


@pytest.mark.model
def test_a_count_of_a_kind_is_no_whole(rules: Any, pipeline_nlp: Any) -> None:
    """"of" after a word, not a number, names what is counted: no total."""
    text = "The ferry operator carried 412 passengers of the 3 routes it runs."
    claims = frames_of(text, rules=rules, nlp=pipeline_nlp)
    assert all("total" not in c.qualifiers for c in claims)


@pytest.mark.model
def test_a_whole_never_contradicts_its_part(rules: Any, pipeline_nlp: Any) -> None:
    one = frames_of("The Harbour Party won 187 seats in the assembly election.", rules=rules,
                    nlp=pipeline_nlp, name="a.txt")
    two = frames_of("The Harbour Party won 187 out of 412 seats in the assembly election.",
                    rules=rules, nlp=pipeline_nlp, name="b.txt")
    assert _found([*one, *two], rules) == []


# --- conversions -----------------------------------------------------------------------------


@pytest.mark.model
@pytest.mark.parametrize(("text", "figure", "converted"), [
    ("Regulators upheld a 1.35 billion euro fine ($1.6 billion) on Tessaly.", "$1.6 billion",
     True),
    ("Tessaly agreed to pay S$1.3 billion (about US$970 million) for the port.",
     "US$970 million", True),
    ("Regulators fined Tessaly $1.6 billion (the largest fine this year).", "$1.6 billion",
     False),
    ("Tessaly paid $1.6 billion (and $200 million more in fees).", "$200 million", False),
])
def test_a_conversion_in_parentheses_is_qualified(text: str, figure: str, converted: bool,
                                                  rules: Any, pipeline_nlp: Any) -> None:
    claim = claim_at(frames_of(text, rules=rules, nlp=pipeline_nlp), text, figure)
    assert ("converted" in claim.qualifiers) is converted, claim.qualifiers


def _fine(registry: Any, value: float, doc: str, qualifiers: tuple[str, ...] = ()) -> Claim:
    return make_claim(registry, value, metric="fine", metric_key="fine", subject="Tessaly",
                      doc=doc, text=f"${value / 1e9:g} billion", qualifiers=qualifiers)


def test_an_articles_conversion_is_a_divergence_at_most(rules: Any, registry: Any) -> None:
    found = _found([_fine(registry, 2.8e9, "a", ("converted",)), _fine(registry, 5e9, "b")],
                   rules)
    assert [f.kind for f in found] == ["divergence"]
    assert "is the article's conversion (in parentheses)" in found[0].explanation


def test_figures_of_its_own_still_contradict(rules: Any, registry: Any) -> None:
    found = _found([_fine(registry, 2.8e9, "a"), _fine(registry, 5e9, "b")], rules)
    assert [f.kind for f in found] == ["contradiction"]


@pytest.mark.model
def test_a_relative_clauses_date_dates_the_figure(rules: Any, pipeline_nlp: Any) -> None:
    """"a fine ... that regulators imposed a year ago" is the year before's fine, and its
    conversion in parentheses is of that year too."""
    text = ("The penalty comes on top of a 1.35 billion euro fine ($1.5 billion) that "
            "regulators imposed on Tessaly a year ago.")
    claims = frames_of(text, rules=rules, nlp=pipeline_nlp, published="2024-05-02")
    assert claim_at(claims, text, "1.35 billion euro").period_key == "2023"
    assert claim_at(claims, text, "$1.5 billion").period_key == "2023"


# --- owners ----------------------------------------------------------------------------------


@pytest.mark.model
def test_a_gapped_clauses_subject_owns_its_own_number(rules: Any, pipeline_nlp: Any) -> None:
    text = ("The commission declared results for all 412 seats, with the Harbour Party "
            "winning 187 seats and the Reform Union 42.")
    claim = claim_at(frames_of(text, rules=rules, nlp=pipeline_nlp), text, "187 seats")
    assert claim.subject == "Harbour Party"


@pytest.mark.model
def test_a_name_in_a_clause_of_its_own_leaves_the_owner(rules: Any, pipeline_nlp: Any) -> None:
    """"The alliance led by X won": the alliance's seats, not X's own."""
    text = "The Northern alliance led by Harbour Party has emerged victorious on 233 seats."
    claim = claim_at(frames_of(text, rules=rules, nlp=pipeline_nlp), text, "233 seats")
    assert claim.owner is not None and "alliance" in claim.owner


@pytest.mark.model
def test_a_kind_name_is_not_a_longer_name_ending_in_it(rules: Any, pipeline_nlp: Any) -> None:
    text = ("The Congress won 99 seats on Tuesday. In the east, the Harbour Congress won 29 "
            "seats.")
    claims = frames_of(text, rules=rules, nlp=pipeline_nlp)
    assert claim_at(claims, text, "29 seats").subject == "Harbour Congress"


def test_kind_names_cluster_alone_across_articles() -> None:
    keys = ["congress", "harbour congress", "dortmund", "borussia dortmund"]
    cluster = subject_clusters(keys, {"congress"})
    assert cluster["congress"] == "congress"
    assert cluster["dortmund"] == "borussia dortmund"
    assert subject_clusters(keys)["congress"] == "harbour congress"


# --- digits ----------------------------------------------------------------------------------


def _profit(registry: Any, value: float, doc: str, text: str) -> Claim:
    return make_claim(registry, value, metric="profit", metric_key="net income",
                      subject="Tessaly", doc=doc, text=text)


def test_a_figure_cut_short_is_a_divergence(rules: Any, registry: Any) -> None:
    """"$22.9 billion" of $22.96 billion: the last digit dropped, not rounded."""
    found = _found([_profit(registry, 22.9e9, "a", "$22.9 billion"),
                    _profit(registry, 22.96e9, "b", "$22.96 billion")], rules)
    assert [f.kind for f in found] == ["divergence"]
    assert "cut short to fewer digits" in found[0].explanation


def test_a_figure_rounded_away_still_contradicts(rules: Any, registry: Any) -> None:
    """"$22.8 billion" is not $22.96 billion cut short (nor rounded)."""
    found = _found([_profit(registry, 22.8e9, "a", "$22.8 billion"),
                    _profit(registry, 22.96e9, "b", "$22.96 billion")], rules)
    assert [f.kind for f in found] == ["contradiction"]


@pytest.mark.model
def test_a_person_a_resolved_subjects_verb_takes_owns_the_figure(rules: Any,
                                                                  pipeline_nlp: Any) -> None:
    """"the club ... moved to sign Jonas Falk for £42m": which of the club's deals is the
    figure? The person's, not the record fee another report gives."""
    text = ("Harbour City Rovers have agreed to sell Marten Holm to Vesna for a record fee. "
            "Although fans are disappointed at losing their talisman, the club has already "
            "moved to sign Lindqvist striker Jonas Falk for £42m as part of its rebuild.")
    claim = claim_at(frames_of(text, rules=rules, nlp=pipeline_nlp), text, "£42m")
    assert (claim.subject_how, claim.owner) == ("resolved", "Jonas Falk")


@pytest.mark.model
def test_a_named_subjects_deal_keeps_no_owner(rules: Any, pipeline_nlp: Any) -> None:
    text = "Harbour City Rovers signed striker Jonas Falk for £42m on Friday."
    claim = claim_at(frames_of(text, rules=rules, nlp=pipeline_nlp), text, "£42m")
    assert claim.owner is None


@pytest.mark.model
def test_a_possessive_inside_the_owners_phrase_leaves_the_owner(rules: Any,
                                                                pipeline_nlp: Any) -> None:
    """"The second edition in Vashti's probe series, the mission incurred ...": the
    edition's cost, framed as Vashti's only by a possessive of its phrase."""
    text = ("The second edition in Vashti's lunar probe series, the mission incurred a total "
            "cost of Rs 970 crore.")
    claim = claim_at(frames_of(text, rules=rules, nlp=pipeline_nlp), text, "Rs 970 crore")
    assert claim.owner is not None and "edition" in claim.owner


@pytest.mark.model
@pytest.mark.parametrize(("text", "figure", "owner"), [
    ("Counting was held for 412 seats after Harbour Party's candidate was elected unopposed.",
     "412 seats", "Counting"),
    ("These gains lifted Halcon's revenue to $5 billion.", "$5 billion", None),
], ids=["possessive-in-an-adjunct", "possessive-on-the-measure"])
def test_a_possessive_in_an_adjunct_leaves_the_owner(text: str, figure: str,
                                                     owner: str | None, rules: Any,
                                                     pipeline_nlp: Any) -> None:
    """A possessive on a noun of an adjunct the figure is not in ("after Harbour Party's
    candidate ...") is a guess at whose figure it is; one on the measured noun is not."""
    claim = claim_at(frames_of(text, rules=rules, nlp=pipeline_nlp), text, figure)
    assert claim.owner == owner


@pytest.mark.model
def test_the_subject_of_a_clause_with_its_own_figure_is_not_this_ones(rules: Any,
                                                                      pipeline_nlp: Any) -> None:
    """"X's showing lifted the bloc with 37 seats, while the Harbour Congress won 29": the
    Harbour Congress owns the 29, not the 37."""
    text = ("The Reform Union's performance boosted the Northern bloc in the west with 37 "
            "seats, while the Harbour Congress won 29 seats in the east.")
    claims = frames_of(text, rules=rules, nlp=pipeline_nlp)
    assert claim_at(claims, text, "37 seats").subject != "Harbour Congress"
    assert claim_at(claims, text, "29 seats").subject == "Harbour Congress"


@pytest.mark.model
@pytest.mark.parametrize(("text", "figure", "owned"), [
    ("Former agency chief Oren Vashti spoke on Monday. He further added that the lander and "
     "rover will cost the organisation ₹250 crore.", "₹250 crore", True),
    ("Halcon Air said the jet was carrying 174 passengers.", "174 passengers", False),
], ids=["a-person-saying", "an-organisation-saying"])
def test_a_person_saying_the_clause_is_no_owner(text: str, figure: str, owned: bool,
                                                rules: Any, pipeline_nlp: Any) -> None:
    """A person who says the figure's clause speaks of a thing the clause names; an
    organisation saying it may be its owner (its jet)."""
    claim = claim_at(frames_of(text, rules=rules, nlp=pipeline_nlp), text, figure)
    assert (claim.owner is not None) is owned, claim.owner


@pytest.mark.model
def test_the_thing_a_measure_is_of_owns_it_when_the_subject_only_modifies_it(
        rules: Any, pipeline_nlp: Any) -> None:
    """"The cost of the plant, built by Halcon in 2019": the plant's cost."""
    text = "The cost of the plant, built by Halcon in 2019, was $2 billion."
    claim = claim_at(frames_of(text, rules=rules, nlp=pipeline_nlp), text, "$2 billion")
    assert claim.owner == "the plant"
