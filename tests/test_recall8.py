"""Session 8 (recall8): must flags lost before the policy on stories nobody tuned for, fixed
by mechanism and tested on names and sentences of our own: a surname and the full name meet
in one block, "-uses" plurals, and the place an article is about as its focal entity when
the only organisation it names is named too rarely to be."""

from __future__ import annotations

from typing import Any

import pytest

from pipeline.check import checks
from pipeline.check.frames import subject_block
from pipeline.check.policy import NAME
from pipeline.extract.keys import singular
from pipeline.models import Claim
from tests.conftest import make_claim
from tests.test_frames import claim_at, frames_of


@pytest.fixture(scope="module")
def pipeline_nlp(rules: Any) -> Any:
    from pipeline.extract.process import load_pipeline

    return load_pipeline(rules)


def _found(claims: list[Claim], rules: Any) -> list[Any]:
    return [f for f in checks.run_checks(claims, rules=rules)
            if f.check == NAME and f.kind in ("contradiction", "divergence")]


# --- a surname and the full name in one block ------------------------------------------------


@pytest.mark.parametrize(("short", "full"), [
    ("varga", "ines varga"),
    ("delacroix", "president marie delacroix"),
    ("harbor express", "north bay harbor express"),
])
def test_a_name_and_its_trailing_words_share_a_block(short: str, full: str) -> None:
    assert subject_block(short) == subject_block(full)


def test_unrelated_names_of_one_first_letter_may_block_apart() -> None:
    assert subject_block("varga quarry") != subject_block("varga")


def _fine(registry: Any, value: float, doc: str, subject: str) -> Claim:
    return make_claim(registry, value, metric="fine", metric_key="fine", subject=subject,
                      doc=doc, sentence=f"{subject} agreed to pay a fine.",
                      text=f"${value / 1e6:g} million")


def test_a_surname_meets_the_full_name_another_report_writes(rules: Any,
                                                             registry: Any) -> None:
    """One report writes only "Ines Varga", the other only "Varga": one person's fine of
    $40 million against $900 million is a disagreement found (the first letters differ)."""
    found = _found([_fine(registry, 40e6, "a", "Varga"),
                    _fine(registry, 900e6, "b", "Ines Varga")], rules)
    assert [f.kind for f in found] == ["contradiction"]


def test_names_sharing_only_a_first_word_still_do_not_meet(rules: Any,
                                                           registry: Any) -> None:
    """"Varga" and "Varga Quarry" (a leading word) are not related: no finding."""
    found = _found([_fine(registry, 40e6, "a", "Varga"),
                    _fine(registry, 900e6, "b", "Varga Quarry")], rules)
    assert found == []


# --- plurals in -uses ----------------------------------------------------------------------


@pytest.mark.parametrize(("plural", "one"), [
    ("bonuses", "bonus"), ("surpluses", "surplus"), ("viruses", "virus"),
    ("houses", "house"), ("causes", "cause"), ("excuses", "excuse"), ("uses", "use"),
])
def test_plurals_in_uses(plural: str, one: str) -> None:
    assert singular(plural) == one


def test_bonuses_are_keyed_as_a_bonus(rules: Any, pipeline_nlp: Any) -> None:
    text = "Tarvik Foods will pay 3 million euros in bonuses to its staff."
    claim = claim_at(frames_of(text, rules=rules, nlp=pipeline_nlp), text, "3 million euros")
    assert claim.metric_key == "bonus"


# --- the place an article is about ----------------------------------------------------------


def test_a_place_is_focal_when_the_one_organisation_is_named_too_rarely(
        rules: Any, pipeline_nlp: Any) -> None:
    """Norland's economy is named in the lede and again later; the statistics office once:
    an unnamed figure is Norland's (the article's place), not no one's."""
    text = ("OSTRAVEN (Wire) - The Norland economy grew faster than expected in the spring, "
            "as households spent more.\n\n"
            "The Statistics Office said Thursday that output rose at an annual rate of 3.1%.\n\n"
            "Household spending, which makes up most of the economy, rose 4.4% in the second "
            "quarter.\n\nExports from Norland rose as well.")
    claim = claim_at(frames_of(text, rules=rules, nlp=pipeline_nlp), text, "4.4%")
    assert (claim.subject, claim.subject_how) == ("Norland", "focal")


# --- a figure dated to a day against one of that day -------------------------------------------


def _coaches(registry: Any, value: float, doc: str, **kw: Any) -> Claim:
    return make_claim(registry, value, unit="coach", metric="unknown", metric_key="coach",
                      subject="Harbor Express", doc=doc, text=f"{value:g} coaches", **kw)


def test_a_figure_dated_to_a_day_meets_one_published_that_day(rules: Any,
                                                              registry: Any) -> None:
    """"four coaches derailed on June 2" against "ten coaches derailed" in an article of
    June 2: the day is when the event happened, not another measure."""
    found = _found([_coaches(registry, 4, "a", period_key="2031-06-02", as_of="2031-06-02"),
                    _coaches(registry, 10, "b", as_of="2031-06-02")], rules)
    assert [f.kind for f in found] == ["contradiction"]


@pytest.mark.parametrize(("period_key", "as_of"), [
    ("2031-06-02", "2031-06-09"),  # the other article is of another day
    ("2031-Q2", "2031-06-02"),  # a quarter, not a day
])
def test_a_period_only_one_report_states_otherwise_stays_a_divergence(
        rules: Any, registry: Any, period_key: str, as_of: str) -> None:
    found = _found([_coaches(registry, 4, "a", period_key=period_key, as_of=period_key),
                    _coaches(registry, 10, "b", as_of=as_of)], rules)
    assert [f.kind for f in found] == ["divergence"]
    assert "only one report states the period" in found[0].explanation


# --- a dateline's outlet ---------------------------------------------------------------------


@pytest.mark.parametrize("dash", ["–", "-", "—"])
def test_a_datelines_outlet_is_no_owner(rules: Any, pipeline_nlp: Any, dash: str) -> None:
    """"Morva, Eastland (Norpress News) –": the outlet reports the toll, it is not its owner
    (the place of the dateline is)."""
    text = (f"Morva, Eastland (Norpress News) {dash} Police arrested nine people on Monday "
            "after the collapse of a bridge in which at least 134 people were killed.")
    claim = claim_at(frames_of(text, rules=rules, nlp=pipeline_nlp), text,
                     "at least 134 people")
    assert claim.subject != "Norpress News"


def test_a_name_in_parentheses_inside_a_sentence_stays_a_name(rules: Any,
                                                              pipeline_nlp: Any) -> None:
    text = "The maker (Halvorsen Motors) - a supplier said - sold 40,000 scooters in May."
    claim = claim_at(frames_of(text, rules=rules, nlp=pipeline_nlp), text, "40,000 scooters")
    assert claim.subject == "Halvorsen Motors"


def test_a_credit_lines_name_is_no_mention(rules: Any, pipeline_nlp: Any) -> None:
    """"Photo: Norpress News" under a picture: who took the picture is not a name the
    article is about (its other mentions still count)."""
    from pipeline.extract.cues import Cues
    from pipeline.extract.subjects import Entities

    text = ("Bridge collapse in Morva kills 134\n\n"
            "Rescuers search the river in Morva. Photo: Norpress News\n\n"
            "At least 134 people were killed when the bridge collapsed on Sunday.\n\n"
            "The operator did not answer calls from Norpress News.")
    doc = pipeline_nlp(text)
    entities = Entities(doc, rules, Cues(doc, rules, text=text))
    credit = text.index("Norpress")
    starts = [doc[m.start].idx for m in entities.mentions if m.name == "Norpress News"]
    assert credit not in starts
    assert text.rindex("Norpress") in starts


# --- names written with digits ----------------------------------------------------------------


def test_a_name_written_with_digits_is_no_figure_and_owns_the_sentences_figures(
        rules: Any, pipeline_nlp: Any) -> None:
    """"9W said ...", "9W will record ...": a company whose name starts with a digit is no
    figure of nine, wherever the article writes it, and owns the charge."""
    text = ("Shares of 9W fell on Monday. 9W will record a $4.2 billion pre-tax charge in the "
            "third quarter. Earlier, 9W said it would pay $6 billion to settle the claims.")
    claims = frames_of(text, rules=rules, nlp=pipeline_nlp)
    assert not [c for c in claims if c.span.text == "9W"]
    assert claim_at(claims, text, "$4.2 billion").subject == "9W"


@pytest.mark.parametrize(("text", "figure", "part"), [
    ("Tarvik has opted to pay $1 billion of the total in cash, instead of stock.",
     "$1 billion", True),
    ("Tarvik will pay $2 billion of it next year.", "$2 billion", True),
    ("Tarvik will pay a $1 billion fee to settle the case.", "$1 billion", False),
])
def test_an_amount_of_a_whole_already_named_is_a_part(rules: Any, pipeline_nlp: Any,
                                                      text: str, figure: str,
                                                      part: bool) -> None:
    """"$1 billion of the total" is part of a sum said elsewhere ("$6 billion to settle"):
    a different measure from the sum, not a second figure of it."""
    claim = claim_at(frames_of(text, rules=rules, nlp=pipeline_nlp), text, figure)
    assert ("part" in claim.qualifiers) is part


def test_a_credit_lines_own_words_are_no_name(rules: Any, pipeline_nlp: Any) -> None:
    from pipeline.extract.cues import Cues
    from pipeline.extract.subjects import Entities

    text = ("Orbiter costs climb\nPhoto Credit: NSRA\n\nThe orbiter cost $90 million, "
            "the agency said.\nPhoto Credit: NSRA\n\nIt was launched in May.")
    doc = pipeline_nlp(text)
    entities = Entities(doc, rules, Cues(doc, rules, text=text))
    assert "Photo Credit" not in {m.name for m in entities.mentions}


def test_a_percentage_of_a_whole_is_no_part(rules: Any, pipeline_nlp: Any) -> None:
    text = "Tarvik owns about 75 per cent of the company."
    claim = claim_at(frames_of(text, rules=rules, nlp=pipeline_nlp), text, "75 per cent")
    assert "part" not in claim.qualifiers
