"""Repetition within one document (issue 19): the shortcuts taken for repeated sentences and
repeated names give exactly what the long way gives."""

from __future__ import annotations

from spacy.tokens import Doc

from pipeline.extract.keys import entity_at


def _by_ents(doc: Doc, i: int) -> tuple[int, int] | None:
    found = next((e for e in doc.ents if e.start <= i < e.end), None)
    return None if found is None else (found.start, found.end)


def test_the_entity_at_a_token_is_the_one_doc_ents_holds_it_in(nlp):
    doc = nlp("Korvel Mining Ltd said on Tuesday that its output in Western Australia rose "
              "8% to 40,000 tonnes. Brightwater Inc. of New South Wales and Korvel Mining "
              "Ltd agreed a $90 million deal with the Bank of Tasmania in March 2025.")
    assert doc.ents
    for token in doc:
        span = entity_at(token)
        assert (None if span is None else (span.start, span.end)) == _by_ents(doc, token.i)


def test_the_entity_at_a_token_reads_hand_set_tags_as_doc_ents_does(nlp):
    words = ["Halvorsen", "Ltd", "Halvorsen", "and", "Big", "River", "Co", "paid", "$", "5"]
    doc = Doc(nlp.vocab, words=words,
              ents=["B-ORG", "I-ORG", "B-ORG", "O", "B-ORG", "I-ORG", "I-ORG", "O",
                    "B-MONEY", "I-MONEY"])
    for token in doc:
        span = entity_at(token)
        assert (None if span is None else (span.start, span.end)) == _by_ents(doc, token.i)
    assert (entity_at(doc[5]).start, entity_at(doc[5]).end) == (4, 7)  # type: ignore[union-attr]
