"""Frames on shapes of the fresh story set (issue 17, part c), on sentences of our own: what a
mechanism must leave alone next to what it changes."""

from __future__ import annotations

from typing import Any

import pytest

from tests.test_frames import claim_at, frames_of


@pytest.fixture(scope="module")
def pipeline_nlp(rules: Any) -> Any:
    from pipeline.extract.process import load_pipeline

    return load_pipeline(rules)


@pytest.mark.model
def test_one_fine_next_to_a_total_is_one_event(rules: Any, pipeline_nlp: Any) -> None:
    text = ("The combined fines against Orvik Bank now come to $4 billion, after a $1 billion "
            "fine on Monday. The total fine of $2 billion was paid by Valdane.")
    claims = frames_of(text, rules=rules, nlp=pipeline_nlp)
    assert "total" in claim_at(claims, text, "$4 billion").qualifiers
    assert "total" not in claim_at(claims, text, "$1 billion").qualifiers
    assert "total" not in claim_at(claims, text, "$2 billion").qualifiers  # one fine's total


TABLE = """Halcon X2 launch prices

Here is what each model cost at launch in the US.
| Model | 64GB | 128GB |
|---|---|---|
| Halcon X2 | $629 | $729 |
| Halcon X2 Plus | $729 | N/A |

Reviewers liked the screen.
"""


def test_a_pipe_table_cell_is_its_row_s_and_its_column_s(rules: Any) -> None:
    from pipeline.extract.claims import pipe_cell
    from pipeline.extract.keys import KeyTables

    tables = KeyTables.build(rules)
    plus = TABLE.index("$729 | N/A")
    assert pipe_cell(TABLE, plus, tables) == ("Halcon X2 Plus", "price", ("64gb",))
    assert pipe_cell(TABLE, TABLE.index("$729 |"), tables) == ("Halcon X2", "price",
                                                                ("128gb",))
    assert pipe_cell(TABLE, TABLE.index("Reviewers"), tables) is None  # prose
    headless = TABLE.replace("|---|---|---|\n", "")
    assert pipe_cell(headless, headless.index("$629"), tables) is None  # no rule line


def test_a_column_that_names_the_measure_is_the_key(rules: Any) -> None:
    from pipeline.extract.claims import pipe_cell
    from pipeline.extract.keys import KeyTables

    text = "| Company | Revenue | Staff |\n|---|---|---|\n| Orvik | $4 billion | 900 |\n"
    cell = pipe_cell(text, text.index("$4"), KeyTables.build(rules))
    assert cell == ("Orvik", "revenue", ())


@pytest.mark.model
def test_pipe_table_prices_are_claims_of_the_row(rules: Any, pipeline_nlp: Any) -> None:
    claims = frames_of(TABLE, rules=rules, nlp=pipeline_nlp)
    cell = claim_at(claims, TABLE, "$629")
    assert (cell.subject, cell.metric_key, cell.qualifiers) == ("Halcon X2", "price",
                                                                ("64gb",))
