"""Session 9 (recall9): must flags lost on stories nobody tuned for, fixed by mechanism and
tested on sentences of our own: lists and one-line table rows under a header that names what
they count, gapped clauses ("... and the Green Alliance 17"), "respectively", a counted noun
that never crosses a line break. (The frames of whole articles are cases of
``tests/data/frames_cases.yaml``.)"""

from __future__ import annotations

from typing import Any

import pytest

from pipeline.extract.figures import list_entry
from pipeline.extract.quantities import extract_quantities


def _read(text: str, registry: Any) -> list[tuple[str, str, str | None]]:
    return [(q.span.text, q.unit, q.per)
            for q in extract_quantities(text, doc_id="t", registry=registry)]


HEADED = ("Results by party\n\nFollowing are the number of seats won by parties:\n\n"
          "Green Alliance – 41\n\nHarbour Party – 17\n\nUnion of Farmers – 6")


def test_a_list_under_a_header_counts_its_noun(registry: Any) -> None:
    assert _read(HEADED, registry) == [("41", "seat", None), ("17", "seat", None),
                                       ("6", "seat", None)]


def test_a_list_line_knows_its_label() -> None:
    start = HEADED.index("17")
    entry = list_entry(HEADED, start, start + 2)
    assert entry is not None and (entry.label, entry.noun) == ("Harbour Party", "seats")


@pytest.mark.parametrize("header", [
    "Following are the results by party:",  # names no count
    "Following are the number of seats won by parties.",  # no colon: prose, not a header
])
def test_a_list_without_a_counting_header_stays_bare(header: str, registry: Any) -> None:
    text = f"{header}\n\nGreen Alliance – 41\n\nHarbour Party – 17"
    assert all(unit != "seat" for _, unit, _ in _read(text, registry))


def test_a_one_line_table_row_under_a_header(registry: Any) -> None:
    text = ("Following are the number of seats won by blocs:\n\nBloc Won VCA 58 ORL 31 "
            "Other 4\n\nThe count ended on Monday.")
    assert [(s, u) for s, u, _ in _read(text, registry)] == [
        ("58", "seat"), ("31", "seat"), ("4", "seat")]
    start = text.index("31")
    entry = list_entry(text, start, start + 2)
    assert entry is not None and entry.label == "ORL"


def test_a_counted_noun_never_crosses_a_line_break(registry: Any) -> None:
    """"Harbour Party – 1" then "Union ...": the next line's first word is no noun of it."""
    text = "Seat tally\n\nHarbour Party – 1\n\nFarmers Union – 1"
    assert all(unit == "dimensionless" for _, unit, _ in _read(text, registry))


@pytest.mark.parametrize(("text", "expected"), [
    ("The Harbour Party won 41 seats and the Green Alliance 17.",
     [("41 seats", "seat", None), ("17", "seat", None)]),
    ("The Harbour Party has 41 seats, Green Alliance 17; Farmers 6",
     [("41 seats", "seat", None), ("17", "seat", None), ("6", "dimensionless", None)]),
    ("The Velo E2 covers 310 miles per charge for the standard model, and 260 for the sport one.",
     [("310 miles per charge", "mile", "charge"), ("260", "mile", "charge")]),
])
def test_a_gapped_clause_takes_the_unit_of_the_figure_before(
        text: str, expected: list[tuple[str, str, str | None]], registry: Any) -> None:
    assert _read(text, registry) == expected


@pytest.mark.parametrize(("text", "number"), [
    ("He upgraded his laptop to Windows 11.", "11"),  # no figure before it
    ("It sold 5 cars and Windows 11.", "11"),  # the clause before names no owner
    ("The Velo E2 covers 310 miles per charge, and 260 horsepower drives it.", "260"),
])
def test_no_gap_without_the_gapped_shape(text: str, number: str, registry: Any) -> None:
    """The number keeps no unit of the figure before it."""
    assert all(unit not in ("car", "mile") for s, unit, _ in _read(text, registry)
               if s.startswith(number))


def test_a_list_look_up_stays_short_on_a_hostile_line() -> None:
    """One 800,000-character line of "Label 12" pairs under a counting header: too long to
    be a list's line, so no look-up reads it whole (each answer in bounded time)."""
    text = "Following are the number of seats won by parties:\n" + "Word 12 " * 100_000
    start = text.index("12", 60_000)
    assert list_entry(text, start, start + 2) is None
