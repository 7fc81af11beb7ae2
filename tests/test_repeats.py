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


def _frames(text: str, rules, nlp, *, memo: bool):
    from pipeline.extract import claims, parse, process, quantities, repair
    from pipeline.extract.lexicon import lexicon_of
    from pipeline.models import Document

    doc = Document(id="d", path="r.txt", source="r.txt", title=None, text=text,
                   sha256="2" * 64)
    fixed = repair.repair(doc)
    qs = quantities.extract_quantities(fixed.text, doc_id="d", registry=rules.registry,
                                       lexicon=lexicon_of(rules), references=False)
    parsed = next(iter(parse.parse_selected(
        [(fixed.text, [(q.span.start, q.span.end) for q in qs])], nlp,
        context=process.CONTEXT_SENTENCES, lead=process.LEAD_SENTENCES)))
    key = claims._Repeats.key
    keys: list[object] = []

    def counted(self, *args):  # every figure's key, to count the memo's hits
        found = key(self, *args)
        keys.append(found)
        return found

    claims._Repeats.key = counted if memo else (  # type: ignore[method-assign]
        lambda self, *args: None)  # every figure framed afresh
    try:
        framed = claims.build_claims(doc, fixed, parsed, qs, rules=rules,
                                     registry=rules.registry)
    finally:
        claims._Repeats.key = key  # type: ignore[method-assign]
    hits = sum(1 for k in keys if k is not None) - len({k for k in keys if k is not None})
    return framed, hits


def test_a_sentence_repeated_in_differing_contexts_is_framed_as_afresh(rules, nlp):
    """The same sentences under other owners, currencies, headings and figures before them:
    what the memo gives equals what framing each figure afresh gives, and the contexts do
    change some frames (the test would see a memo that ignored them)."""
    same = ("It said its revenue was $12 million in 2025. That is $3 million more. "
            "Profit reached 4 million.\n")
    contexts = [
        "Halvorsen Shipping reported on Monday.\n",
        "Brightwater Inc. and its rival Korvel Mining reported on Tuesday.\n",
        "Previous results\n\nIn 2019, Korvel Mining posted a loss of A$5 million.\n",
        "Costs at Halvorsen Shipping were 20,000 tonnes.\n",
        "The bank expects revenue of €40 million next year.\n",
        "Sales at the group rose 8% in the second quarter.\n",
    ]
    text = "Halvorsen Shipping results\n\n" + "".join(
        contexts[i % len(contexts)] + same * (1 + i % 3) for i in range(30))
    once, hits = _frames(text, rules, nlp, memo=True)
    fresh, _ = _frames(text, rules, nlp, memo=False)
    assert len(once) > 150 and hits > 50  # the memo framed many figures
    assert [c.model_dump_json() for c in once] == [c.model_dump_json() for c in fresh]
    frames: dict[str, set[tuple[object, ...]]] = {}
    for c in once:
        frames.setdefault(c.quantity.span.text, set()).add(
            (c.subject, c.metric, c.metric_key, c.period_key, c.quantity.unit))
    assert any(len(seen) > 1 for seen in frames.values())  # contexts changed frames


def test_an_entry_sent_from_a_worker_arrives_as_it_left(rules, nlp):
    """transfer.pack/unpack through pickle: every claim equal, with the same set fields, in
    the same order, whether framed afresh or copied from an earlier repeat."""
    import pickle

    from pipeline.extract import process, transfer
    from pipeline.models import Document

    block = ("Korvel Mining said its output was 40,000 tonnes in 2025. It expects revenue of "
             "$90 million next year. The company said that is $5 million more.\n")
    text = "Korvel Mining results\n\n" + block * 40 + "Brightwater Inc. said the same.\n"
    doc = Document(id="t", path="t.txt", source="t.txt", title=None, text=text,
                   sha256="3" * 64)
    entry = next(iter(process.process_documents([doc], nlp=nlp, rules=rules)))
    packed = transfer.pack(entry)  # type: ignore[arg-type]
    assert isinstance(packed, transfer.Packed)
    assert sum(isinstance(c, tuple) for c in packed.claims) > 60  # sent by reference
    back = transfer.unpack(pickle.loads(pickle.dumps(packed)))
    assert back == entry
    for a, b in zip(back.claims, entry.claims, strict=True):
        assert a.model_dump_json() == b.model_dump_json()
        assert a.model_fields_set == b.model_fields_set
        assert a.quantity.model_fields_set == b.quantity.model_fields_set
        assert a.span.model_fields_set == b.span.model_fields_set
    once = next(iter(process.process_documents([doc.model_copy(update={
        "text": "Korvel Mining results\n\n" + block})], nlp=nlp, rules=rules)))
    assert transfer.pack(once) is once  # type: ignore[arg-type]  # nothing repeats
