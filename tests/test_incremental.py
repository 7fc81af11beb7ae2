"""Incremental runs equal clean runs; the selective parse frames the same claims."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pipeline import api
from pipeline.extract import claims, parse, process, quantities, repair
from tests.conftest import DATA, ROOT, output_files

pytestmark = pytest.mark.model

SEEDS = sorted((ROOT / "corpus").glob("*.txt"))


def make_corpus(folder: Path) -> Path:
    folder.mkdir()
    for path in sorted((DATA / "tiny").iterdir()):
        shutil.copy(path, folder / path.name)
    shutil.copy(SEEDS[-1], folder / "seed.txt")
    return folder


def test_incremental_run_equals_clean_run(tmp_path):
    corpus = make_corpus(tmp_path / "corpus")
    out = tmp_path / "out"
    first = api.extract(corpus, out=out, rules_dir=ROOT / "rules")
    assert first.parsed == len(first.documents) and first.reused == 0

    again = api.extract(corpus, out=out, rules_dir=ROOT / "rules")
    assert again.parsed == 0 and again.reused == len(first.documents)

    # add, modify, delete, rename
    shutil.copy(SEEDS[0], corpus / "added.txt")
    beta = corpus / "beta.md"
    beta.write_text(beta.read_text() + "\nLater, Acme Robotics was valued at $4 billion.\n")
    (corpus / "gamma.txt").unlink()
    (corpus / "seed.txt").rename(corpus / "renamed.txt")
    incremental = api.extract(corpus, out=out, rules_dir=ROOT / "rules")
    assert incremental.parsed == 2  # added.txt and the changed beta.md
    assert incremental.reused == 2  # alpha.txt and renamed.txt

    clean_out = tmp_path / "clean"
    clean = api.extract(corpus, out=clean_out, rules_dir=ROOT / "rules")
    assert clean.parsed == len(clean.documents)
    assert output_files(out) == output_files(clean_out)
    assert [c.id for c in incremental.claims] == [c.id for c in clean.claims]


def test_progress_reports_every_document_and_the_api_prints_nothing(tmp_path, capsys):
    corpus = make_corpus(tmp_path / "corpus")
    calls: list[tuple[str, int, int]] = []
    result = api.extract(corpus, out=tmp_path / "out", rules_dir=ROOT / "rules",
                         progress=lambda *call: calls.append(call))
    total = len(result.documents)
    assert calls[0] == ("extract", 0, total) and calls[-1] == ("extract", total, total)
    assert [done for _, done, _ in calls] == sorted(done for _, done, _ in calls)
    assert capsys.readouterr().out == ""


def test_changed_rules_invalidate_every_stored_result(tmp_path):
    corpus = make_corpus(tmp_path / "corpus")
    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules)
    out = tmp_path / "out"
    api.extract(corpus, out=out, rules_dir=rules)
    metrics = rules / "metrics.yaml"
    metrics.write_text(metrics.read_text() + "\n# edited\n")
    rerun = api.extract(corpus, out=out, rules_dir=rules)
    assert rerun.parsed == len(rerun.documents) and rerun.reused == 0


def test_deleted_articles_leave_the_store(tmp_path):
    from pipeline.state.store import open_store

    corpus = make_corpus(tmp_path / "corpus")
    out = tmp_path / "out"
    api.extract(corpus, out=out, rules_dir=ROOT / "rules")
    for path in list(corpus.iterdir())[1:]:
        path.unlink()
    result = api.extract(corpus, out=out, rules_dir=ROOT / "rules")
    with open_store(out) as db:
        assert db.count() == len(result.documents) == 1
    assert {c.doc_id for c in result.claims} <= {d.id for d in result.documents}


def full_parse_claims(documents, nlp, rules):
    found = []
    for document in documents:
        fixed = repair.repair(document)
        doc = next(parse.parse([fixed.text], nlp))
        qs = quantities.extract_quantities(fixed.text, doc_id=document.id,
                                           registry=rules.registry)
        found += claims.build_claims(document, fixed, doc, qs, rules=rules,
                                     registry=rules.registry)
    return found


# What must not differ between the selective and the full parse: the claims, their figures,
# metrics, modality and dates. The parser and the NER see less context in the selective parse,
# so frames read from entities and dependencies (subject, payer, qualifier...) or a sentence
# boundary at a line break may differ, in at most one claim in ten (see the README, Scaling).
STABLE = ("id", "doc_id", "span", "quantity", "normalized", "metric", "modality", "as_of",
          "repaired")


@pytest.mark.parametrize("folder", [DATA / "tiny", ROOT / "corpus"], ids=["tiny", "seeds"])
def test_selective_parse_frames_the_same_claims_as_a_full_parse(folder, rules, nlp):
    documents, _, _, _ = api.load_documents(folder, rules=rules)
    fast_nlp = process.load_pipeline(rules)
    fast = [c for e in process.process_documents(documents, nlp=fast_nlp, rules=rules)
            for c in e.claims]
    full = full_parse_claims(documents, nlp, rules)
    assert [[getattr(c, k) for k in STABLE] for c in fast] == \
        [[getattr(c, k) for k in STABLE] for c in full]
    differing = [a.id for a, b in zip(fast, full, strict=True) if a != b]
    assert len(differing) <= len(full) // 10, differing
    for a, b in zip(fast, full, strict=True):
        if a.sentence != b.sentence:
            short, long = sorted((a.sentence, b.sentence), key=len)
            assert short in long and "\n" in long, (a.sentence, b.sentence)


def test_selective_parse_keeps_text_and_offsets(nlp):
    text = ("Intro without figures. Mr. Smith said Acme paid $5 billion.\n\n"
            "Nothing here either.  Then it raised $2 million! End")
    needed = [(text.index("$5"), text.index("$5") + 10)]
    doc = next(parse.parse_selected([(text, needed)], nlp))
    assert doc.text == text
    span = doc.char_span(*needed[0], alignment_mode="expand")
    assert span is not None and "Mr. Smith said Acme paid $5 billion." in span.sent.text
    assert "Smith" in {e.text for e in doc.ents} or "Mr. Smith" in {e.text for e in doc.ents}
    pieces = parse.parse_plan(text, needed, context=1)
    assert "".join(text[s:e] for s, e, _ in pieces) == text
    assert [(text[s:e], level) for s, e, level in pieces] == [
        ("Intro without figures. ", parse.CONTEXT),
        ("Mr. Smith said Acme paid $5 billion.\n\n", parse.FULL),
        ("Nothing here either.  Then it raised $2 million! End", parse.LIGHT)]


@pytest.mark.slow
def test_parser_processes_do_not_change_the_output(tmp_path):
    corpus = make_corpus(tmp_path / "corpus")
    one = api.extract(corpus, out=tmp_path / "one", rules_dir=ROOT / "rules", jobs=1)
    two = api.extract(corpus, out=tmp_path / "two", rules_dir=ROOT / "rules", jobs=2)
    assert two.parsed == len(two.documents) == len(one.documents)
    assert output_files(tmp_path / "two") == output_files(tmp_path / "one")


def test_jobs_must_be_positive(tmp_path):
    from pipeline.errors import InputError

    with pytest.raises(InputError, match="--jobs"):
        api.extract(make_corpus(tmp_path / "corpus"), out=tmp_path / "out",
                    rules_dir=ROOT / "rules", jobs=0)


def test_chunks_do_not_change_the_results(tmp_path, rules):
    documents, _, _, _ = api.load_documents(make_corpus(tmp_path / "corpus"), rules=rules)
    nlp = process.load_pipeline(rules)
    whole = list(process.process_documents(documents, nlp=nlp, rules=rules))
    timings: dict[str, float] = {}
    chunked = list(process.process_documents(documents, nlp=nlp, rules=rules, chunk=1,
                                             timings=timings))
    assert chunked == whole and len(whole) == len(documents)
    assert set(timings) == {"repair", "quantities", "parse", "claims"}
