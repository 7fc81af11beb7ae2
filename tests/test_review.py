"""Review decisions: the pure functions, the store in out/, the CLI, and re-runs."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline import api, render, review
from pipeline.cli import app
from pipeline.errors import InputError
from pipeline.state import rows, store
from tests.conftest import (
    DATA,
    ROOT,
    output_texts,
    report_pages,
    sample_report,
    sample_run,
    write_run,
)


def report_files(out: Path) -> dict[str, str]:
    """Every output file of ``out`` but the reviews (the report's pages as report/NAME)."""
    files = output_texts(out)
    files.pop("reviews.json", None)
    return files


# --------------------------------------------------------------------------- pure functions


def test_apply_reviews_sets_status_and_note_and_reopens_the_rest():
    findings = sample_report()[0]
    book = review.decide(review.ReviewBook(), findings[0], "dismissed", "dup")
    applied = review.apply_reviews(findings, book)
    assert (applied[0].status, applied[0].note) == ("dismissed", "dup")
    assert all(f.status == "open" and f.note is None for f in applied[1:])
    reopened = review.decide(book, findings[0], None)
    assert reopened.reviews == {}


def test_decisions_for_missing_findings_are_kept_not_applied():
    findings = sample_report()[0]
    book = review.decide(review.ReviewBook(), findings[0], "confirmed")
    assert review.apply_reviews(findings[1:], book) == [
        f.model_copy(update={"status": "open", "note": None}) for f in findings[1:]]
    assert review.parse_reviews(review.dump_reviews(book)) == book


@pytest.mark.parametrize(("wanted", "expected"), [
    ("f-contra", "f-contra"), ("f-con", "f-contra"), ("  f-recon ", "f-recon"),
], ids=["exact", "prefix", "spaces"])
def test_resolve_finding(wanted, expected):
    assert review.resolve_finding(sample_report()[0], wanted).id == expected


@pytest.mark.parametrize(("wanted", "message"), [
    ("f-nope", "unknown finding id 'f-nope'"), ("", "unknown finding id ''"),
    ("f-", "is ambiguous"),
], ids=["unknown", "empty", "ambiguous"])
def test_resolve_finding_errors(wanted, message):
    with pytest.raises(InputError, match=message):
        review.resolve_finding(sample_report()[0], wanted)


def test_bad_reviews_file_names_the_file(tmp_path):
    (tmp_path / "reviews.json").write_text('{"reviews": {"f-1": {"status": "maybe"}}}')
    with pytest.raises(InputError, match="reviews.json is not a valid reviews file"):
        review.load_reviews(tmp_path)


# --------------------------------------------------------------------------- the store


def test_record_writes_reviews_and_rerenders_the_report(tmp_path):
    write_run(tmp_path)
    finding, written = review.record(tmp_path, "f-contra", "dismissed", "same round")
    assert finding.status == "dismissed" and finding.note == "same round"
    assert tmp_path / "reviews.json" in written
    book = json.loads((tmp_path / "reviews.json").read_text())
    assert book["reviews"]["f-contra"]["status"] == "dismissed"
    assert book["reviews"]["f-contra"]["kind"] == "contradiction"
    files = report_files(tmp_path)
    assert '<details class="finding kind-contradiction dismissed" id="f-contra"' in \
        report_pages(files)
    saved = {f["id"]: f for f in json.loads(files["contradictions.json"])["findings"]}
    assert saved["f-contra"]["status"] == "dismissed"


def test_rerender_equals_a_full_render_with_the_decision(tmp_path):
    """Re-rendering from the claim store loses nothing: same bytes as rendering the run's
    objects directly, decision included."""
    write_run(tmp_path)
    findings, claims, documents, skipped = sample_run()
    assert report_files(tmp_path) == render.texts(
        rows.memory_view(list(documents.values()), claims, findings, skipped))
    finding, written = review.record(tmp_path, "f-recon", "explained", "monthly vs yearly")
    assert written == [tmp_path / "reviews.json", *(tmp_path / name for name in render.FILES),
                       *(tmp_path / name for name in render.FOLDERS)]
    decided = review.apply_reviews(findings, review.load_reviews(tmp_path))
    view = rows.memory_view(list(documents.values()), claims, decided, skipped)
    assert report_files(tmp_path) == render.texts(view)


def test_a_folder_without_stored_state_asks_for_a_new_extract(tmp_path):
    """An output folder of a version before the claim store kept the run's state: the
    decision cannot reach the reports, so nothing is written and the error says what to do;
    listing the findings still works (from contradictions.json)."""
    write_run(tmp_path)
    (tmp_path / store.DB_NAME).unlink()
    before = report_files(tmp_path)
    with pytest.raises(InputError, match=r"holds no stored state .*claims extract CORPUS --out"):
        review.record(tmp_path, "f-contra", "confirmed")
    result = runner.invoke(app, ["review", "f-contra", "--confirm", "--out", str(tmp_path)])
    assert result.exit_code == 1
    assert result.output.count("\n") == 1 and result.output.startswith("Error: ")
    assert "run `claims extract CORPUS --out" in result.output
    assert not (tmp_path / "reviews.json").exists() and not (tmp_path / store.DB_NAME).exists()
    assert report_files(tmp_path) == before
    assert runner.invoke(app, ["review", "--out", str(tmp_path)]).output.startswith(
        f"3 open findings in {tmp_path} (0 reviewed; 2 repaired-text finding(s) not shown")
    with store.open_store(tmp_path) as db:  # a store without a run's state
        db.set_meta(schema=str(store.SCHEMA_VERSION))
    with pytest.raises(InputError, match="holds no stored state"):
        review.record(tmp_path, "f-contra", "confirmed")
    assert not (tmp_path / "reviews.json").exists() and report_files(tmp_path) == before


def test_unknown_finding_id_writes_nothing(tmp_path):
    write_run(tmp_path)
    before = report_files(tmp_path)
    with pytest.raises(InputError, match="unknown finding id"):
        review.record(tmp_path, "f-missing", "confirmed")
    assert not (tmp_path / "reviews.json").exists()
    assert report_files(tmp_path) == before


def test_review_without_a_report_says_to_extract_first(tmp_path):
    with pytest.raises(InputError, match="no report in .*claims extract"):
        review.record(tmp_path / "nothing", "f-1", "confirmed")
    assert not (tmp_path / "nothing").exists()


# --------------------------------------------------------------------------- the CLI

runner = CliRunner()


def test_cli_lists_open_findings(tmp_path):
    write_run(tmp_path)
    result = runner.invoke(app, ["review", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == (
        f"3 open findings in {tmp_path} (0 reviewed; 2 repaired-text finding(s) not shown: "
        "--kind garbled lists them)")
    assert "f-contra  high    contradiction     Acme Robotics / valuation" in result.output


def test_cli_records_decisions_and_hides_them_from_the_open_list(tmp_path):
    write_run(tmp_path)
    out = ["--out", str(tmp_path)]
    assert runner.invoke(app, ["review", "f-contra", "--dismiss", *out]).exit_code == 0
    result = runner.invoke(app, ["review", "f-recon", "--explain", "monthly vs yearly", *out])
    assert result.exit_code == 0
    assert result.output.startswith("f-recon: explained (monthly vs yearly)\n")
    listing = runner.invoke(app, ["review", *out]).output
    assert "f-contra" not in listing and "f-recon" not in listing
    assert "1 open findings" in listing and "(2 reviewed;" in listing
    everything = runner.invoke(app, ["review", "--all", *out]).output
    assert "[dismissed]" in everything and "note: monthly vs yearly" in everything


def test_cli_unknown_finding_id_is_one_error_line(tmp_path):
    write_run(tmp_path)
    result = runner.invoke(app, ["review", "f-zzz", "--confirm", "--out", str(tmp_path)])
    assert result.exit_code == 1
    assert result.output.strip().count("\n") == 0
    assert result.output.startswith("Error: unknown finding id 'f-zzz'")


@pytest.mark.parametrize("args", [
    ["f-contra", "--note", "y"], ["f-contra", "--confirm", "--dismiss"], ["--confirm"],
    ["f-contra", "--explain", "x", "--note", "y"], ["f-contra", "--kind", "scope"],
    ["--kind", "nonsense"], ["--severity", "urgent"], ["--status", "closed"],
    ["--format", "xml"],
], ids=["note-without-action", "two-actions", "action-without-id", "note-with-explain",
        "filter-with-id", "bad-kind", "bad-severity", "bad-status", "bad-format"])
def test_cli_review_usage_errors_exit_2(tmp_path, args):
    write_run(tmp_path)
    assert runner.invoke(app, ["review", *args, "--out", str(tmp_path)]).exit_code == 2


# --------------------------------------------------------------------------- real runs


@pytest.mark.model
def test_decision_survives_a_rerun_with_an_added_article(tmp_path):
    corpus, out = tmp_path / "corpus", tmp_path / "out"
    shutil.copytree(DATA / "tiny", corpus)
    first = api.extract(corpus, out=out, rules_dir=ROOT / "rules")
    assert first.findings, "the tiny corpus should produce findings"
    target = first.findings[0]
    review.record(out, target.id, "dismissed", "checked by hand")
    decided = report_files(out)

    # same corpus again: the files a run writes equal what the review re-render wrote
    api.extract(corpus, out=out, rules_dir=ROOT / "rules")
    assert report_files(out) == decided

    (corpus / "zeta.txt").write_text(
        "Zeta Mining expands\n\nZeta Mining said it will spend $300 million on a new mine.\n")
    again = api.extract(corpus, out=out, rules_dir=ROOT / "rules")
    assert len(again.documents) == len(first.documents) + 1
    kept = {f.id: f for f in again.findings}[target.id]
    assert (kept.status, kept.note) == ("dismissed", "checked by hand")
    saved = {f["id"]: f for f in json.loads((out / "contradictions.json").read_text())[
        "findings"]}
    assert saved[target.id]["status"] == "dismissed"
    assert f'dismissed" id="{target.id}"' in report_pages(output_texts(out))


def test_review_help_names_every_decision():
    result = runner.invoke(app, ["review", "--help"])
    assert result.exit_code == 0
    for option in ("--confirm", "--dismiss", "--explain", "--reopen", "--note", "--all", "--out"):
        assert option in result.output
    assert "review" in runner.invoke(app, ["--help"]).output


def test_cli_lists_decisions_whose_finding_is_gone(tmp_path):
    write_run(tmp_path)
    review.record(tmp_path, "f-contra", "confirmed")
    book = review.load_reviews(tmp_path)
    gone = review.ReviewBook(reviews={**book.reviews, "f-gone": review.Review(
        status="dismissed", kind="divergence", subject="Zeta", metric="revenue")})
    (tmp_path / "reviews.json").write_text(review.dump_reviews(gone))
    lines = runner.invoke(app, ["review", "--out", str(tmp_path)]).output.splitlines()
    at = lines.index(f"1 decision(s) in {tmp_path / 'reviews.json'} refer to findings this "
                     "run no longer reports (claims review ID shows one, claims review ID "
                     "--reopen drops it):")
    assert lines[at + 1] == "  f-gone  dismissed  divergence  Zeta / revenue"
    shown = runner.invoke(app, ["review", "f-gone", "--out", str(tmp_path)])
    assert shown.exit_code == 0 and "claims review f-gone --reopen" in shown.output
    refused = runner.invoke(app, ["review", "f-gone", "--confirm", "--out", str(tmp_path)])
    assert refused.exit_code == 1 and "no longer reports" in refused.output
    dropped = runner.invoke(app, ["review", "f-gon", "--reopen", "--out", str(tmp_path)])
    assert dropped.exit_code == 0, dropped.output
    assert dropped.output.startswith("f-gone: decision dropped (its finding is gone)\n")
    assert set(review.load_reviews(tmp_path).reviews) == {"f-contra"}
    assert "no longer reports" not in runner.invoke(app, ["review", "--out",
                                                          str(tmp_path)]).output


def test_cli_shows_one_finding_in_full(tmp_path):
    write_run(tmp_path)
    out = ["--out", str(tmp_path)]
    result = runner.invoke(app, ["review", "f-contra", *out])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "f-contra  high  contradiction  Acme Robotics / valuation"
    assert lines[1] == "status: open"
    assert any(line.startswith("mentions: 2 in 2 article(s)") for line in lines)
    assert lines[-1].startswith("decide with: claims review f-contra --confirm")
    data = json.loads(runner.invoke(app, ["review", "f-contra", "--format", "json",
                                          *out]).output)
    assert data["id"] == "f-contra" and len(data["mentions"]) == 2
    assert {m["figure"] for m in data["mentions"]} and all(
        m["figure"] in m["sentence"] for m in data["mentions"])
    rows = runner.invoke(app, ["review", "f-contra", "--format", "csv", *out]).output
    assert rows.splitlines()[0].startswith("id,kind,severity,status,")
    assert len(rows.splitlines()) == 3


def test_cli_filters_and_formats_the_listing(tmp_path):
    write_run(tmp_path)
    out = ["--out", str(tmp_path)]
    every = review.last_findings(tmp_path)
    garbled = [f.id for f in every if f.kind == "garbled"]
    assert garbled
    listed = json.loads(runner.invoke(app, ["review", "--format", "json", *out]).output)
    assert {r["id"] for r in listed} == {f.id for f in every if f.kind != "garbled"}
    only = json.loads(runner.invoke(app, ["review", "--kind", "garbled", "--format", "json",
                                          *out]).output)
    assert [r["id"] for r in only] == garbled
    high = json.loads(runner.invoke(app, ["review", "--severity", "high", "--format",
                                          "json", *out]).output)
    assert [r["id"] for r in high] == [f.id for f in every if f.severity == "high"]
    review.record(tmp_path, "f-contra", "confirmed")
    confirmed = runner.invoke(app, ["review", "--status", "confirmed", *out]).output
    assert confirmed.splitlines()[0].startswith("1 findings in")
    assert "f-contra" in confirmed
    table = runner.invoke(app, ["review", "--format", "csv", "--all", *out]).output
    import csv
    import io
    parsed = list(csv.DictReader(io.StringIO(table)))
    assert {r["id"]: r["status"] for r in parsed}["f-contra"] == "confirmed"


@pytest.mark.parametrize(("cell", "expected"), [
    ("=HYPERLINK(1)", "'=HYPERLINK(1)"), ("-5%", "'-5%"), ("plain", "plain"),
    ("two\nlines", "two lines"), (None, ""),
], ids=["formula", "minus", "plain", "newline", "none"])
def test_csv_cells_are_one_line_and_never_a_formula(cell, expected):
    from pipeline.render import listing
    assert listing.csv_cell(cell) == expected


def test_the_shell_and_the_writers_name_the_same_files():
    from pipeline.render import outputs
    assert (review.REVIEWS_FILE, review.GENERATION) == (outputs.REVIEWS, outputs.GENERATION)
