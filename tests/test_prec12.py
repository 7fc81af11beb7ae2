"""Session 11 (prec12): false contradictions on news nobody tuned for, on sentences of our own.

- A name set before the figure's clause as its frame ("For Selene-2, the cost of the heavy
  launch vehicle was ...") does not make the figure the name's own when the measured noun
  is "of" or "for" a narrowed or listed thing: the figure is that part's, and two parts'
  costs of one mission are no contradiction. A bare description ("the cost of the mission")
  may be the name itself and stays the name's.
- A name after a link ("of", "for", "and") is what a longer name is of, not its own end:
  "Tarvia" is not "the Electoral Board of Tarvia", so it can meet "Opposition Tarvia".
- A physical measure taken at a site whose name opens with a place's possessive ("reached
  50.4 degrees Celsius at Medina's Grand Mosque") is the place's, as the same reading
  reported for the place; the site's own measures (the site as subject) stay the site's.
"""

from __future__ import annotations

from typing import Any

import pytest

from pipeline.check import checks
from pipeline.extract import ingest
from pipeline.extract.process import process_documents
from tests.test_frames import claim_at, frames_of

HEAD = "Norsa readies Selene-4\n\nNorsa will launch Selene-4 next month, Norsa said. "


@pytest.fixture(scope="module")
def pipeline_nlp(rules: Any) -> Any:
    from pipeline.extract.process import load_pipeline

    return load_pipeline(rules)


def _findings(texts: list[str], rules: Any, nlp: Any) -> list[Any]:
    documents = [ingest.ingest(f"{n}.txt", text.encode(), boilerplate=rules.ingest.boilerplate)
                 for n, text in enumerate(texts)]
    claims = [c for entry in process_documents(documents, nlp=nlp, rules=rules)
              for c in entry.claims]  # type: ignore[union-attr]
    return checks.run_checks(claims, rules=rules)


PARTS = ("For Selene-2, the cost of the heavy launch vehicle was Rs 410 crore. "
         "According to reports, for Selene-2, the cost for the lander, orbiter and ground "
         "network was about Rs 590 crore.")


@pytest.mark.model
def test_a_framing_name_does_not_own_a_part_s_cost(rules: Any, pipeline_nlp: Any) -> None:
    """Each cost is said of the part the measured noun is of or for, not of Selene-2."""
    text = HEAD + PARTS
    claims = frames_of(text, rules=rules, nlp=pipeline_nlp)
    vehicle = claim_at(claims, text, "Rs 410 crore")
    lander = claim_at(claims, text, "Rs 590 crore")
    assert (vehicle.subject, lander.subject) == ("Selene-2", "Selene-2")
    assert vehicle.owner is not None and "launch vehicle" in vehicle.owner
    assert lander.owner is not None and "network" in lander.owner


@pytest.mark.model
def test_two_parts_costs_do_not_contradict(rules: Any, pipeline_nlp: Any) -> None:
    """The article's own figure and the one it credits to reports, of two parts: no
    contradiction between them."""
    found = _findings([HEAD + PARTS], rules, pipeline_nlp)
    assert not [f for f in found if f.kind == "contradiction"]


@pytest.mark.model
def test_a_bare_description_stays_the_name_s(rules: Any, pipeline_nlp: Any) -> None:
    """"the cost of the mission" under "For Selene-4," may be Selene-4's own: no other owner."""
    text = HEAD + "For Selene-4, the cost of the mission was Rs 615 crore."
    claim = claim_at(frames_of(text, rules=rules, nlp=pipeline_nlp), text, "Rs 615 crore")
    assert (claim.subject, claim.owner) == ("Selene-4", None)


@pytest.mark.model
def test_a_name_the_measure_is_of_still_owns_it(rules: Any, pipeline_nlp: Any) -> None:
    """Without a framing adjunct nothing changes: "the cost of Selene-2" is Selene-2's."""
    text = HEAD + "The cost of Selene-2 was Rs 978 crore."
    claim = claim_at(frames_of(text, rules=rules, nlp=pipeline_nlp), text, "Rs 978 crore")
    assert (claim.subject, claim.owner) == ("Selene-2", None)


# --- names: what a name is "of" is not its trailing name ------------------------------------


def test_a_name_after_a_link_is_not_the_longer_name_s_end() -> None:
    """"Tarvia" does not end "the Electoral Board of Tarvia" (the board of a country), while
    it still ends "Opposition Tarvia" (a name of its own): a short name relates to one longer
    name only, so the two reports of the bloc can meet."""
    from pipeline.check.frames import subject_clusters
    from pipeline.extract.names import related

    assert not related("tarvia", "electoral board of tarvia")
    assert not related("michigan", "university of michigan")
    assert related("tarvia", "opposition tarvia")
    assert related("dortmund", "borussia dortmund")
    clusters = subject_clusters(["tarvia", "opposition tarvia", "electoral board of tarvia"])
    assert clusters["tarvia"] == "opposition tarvia"
    assert clusters["electoral board of tarvia"] == "electoral board of tarvia"


@pytest.mark.model
def test_a_country_is_not_its_board_in_one_article(rules: Any, pipeline_nlp: Any) -> None:
    """Inside one article "Tarvia" is not a short form of "the Electoral Board of Tarvia":
    the country's turnout is the country's."""
    text = ("Vote count ends in Tarvia\n\nThe Electoral Board of Tarvia declared results for "
            "all 412 seats on Tuesday. Tarvia's ruling party won 188 seats, while the "
            "opposition alliance won 170 seats. Tarvia recorded a turnout of 64%.")
    claims = frames_of(text, rules=rules, nlp=pipeline_nlp)
    assert claim_at(claims, text, "412 seats").subject == "Electoral Board of Tarvia"
    assert claim_at(claims, text, "64%").subject == "Tarvia"


# --- a site of a place: where a reading was taken ----------------------------------------------

PILGRIMS = "Pilgrims suffer in heat\n\nPilgrims arrived in Medina last week. "


@pytest.mark.model
@pytest.mark.parametrize("apostrophe", ["'", "\u2019"])
def test_a_reading_at_a_site_of_a_place_is_the_place_s(apostrophe: str, rules: Any,
                                                        pipeline_nlp: Any) -> None:
    text = PILGRIMS + (f"Temperatures reached 50.4 degrees Celsius at Medina{apostrophe}s Grand "
                       "Mosque on Monday, the national meteorological center said.")
    claim = claim_at(frames_of(text, rules=rules, nlp=pipeline_nlp), text, "50.4 degrees")
    assert claim.subject == "Medina"


@pytest.mark.model
def test_a_reading_at_a_site_meets_the_place_s_reading(rules: Any, pipeline_nlp: Any) -> None:
    """The two reports of one day's temperature meet (a divergence here: the metric is read
    only from the word "temperature"); before, the site and the city never met."""
    site = PILGRIMS + ("Temperatures reached 50.4 degrees Celsius at Medina\u2019s Grand Mosque "
                       "on Monday, June 17, 2024, the national meteorological center said.")
    city = ("Heat in Medina\n\nMedina recorded a temperature of 47.1 degrees Celsius on "
            "Monday, June 17, 2024.")
    found = _findings([site, city], rules, pipeline_nlp)
    assert [f.kind for f in found if f.subject == "Medina" and f.metric == "temperature"
            and f.kind in ("contradiction", "divergence")]


@pytest.mark.model
def test_a_site_s_own_measure_stays_the_site_s(rules: Any, pipeline_nlp: Any) -> None:
    """The site as the subject of its own measure: not after a preposition of place."""
    text = PILGRIMS + "Medina\u2019s Grand Mosque is 105 meters tall, officials said."
    claim = claim_at(frames_of(text, rules=rules, nlp=pipeline_nlp), text, "105 meters")
    assert claim.subject != "Medina"
