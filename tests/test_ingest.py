"""Ingest and article reading on hostile and broken files (no spaCy model needed)."""

from __future__ import annotations

import os
import stat

import pytest
import yaml

from pipeline import fsio
from pipeline.errors import ArticleError, OutputError
from pipeline.extract import ingest
from tests.conftest import DATA

BAD = DATA / "bad"
EXPECTED: dict[str, dict[str, object]] = yaml.safe_load((BAD / ".expected.yaml").read_text())
SKIPS = sorted(name for name, want in EXPECTED.items() if "skip" in want)
KEPT = sorted(name for name, want in EXPECTED.items() if "text" in want)


def load(name: str, rules, **options) -> ingest.Document:
    data = fsio.read_article(BAD / name, name, max_bytes=options.pop("max_bytes", 10**6))
    return ingest.ingest(name, data, boilerplate=rules.ingest.boilerplate, **options)


def test_manifest_lists_every_file_of_the_bad_corpus():
    on_disk = {p.name for p in BAD.iterdir() if not p.name.startswith(".")}
    assert on_disk == set(EXPECTED)


@pytest.mark.parametrize("name", SKIPS, ids=SKIPS)
def test_bad_file_is_refused_with_a_clear_reason(name, rules):
    with pytest.raises(ArticleError) as info:
        load(name, rules)
    assert info.value.path == name
    assert EXPECTED[name]["skip"] in info.value.reason
    assert info.value.hint, "every refusal says what to do next"
    assert "\n" not in str(info.value), "a skip is one line in the summary"


@pytest.mark.parametrize("name", KEPT, ids=KEPT)
def test_odd_but_readable_file_is_decoded(name, rules):
    document = load(name, rules)
    for fragment in EXPECTED[name]["text"]:
        assert fragment in document.text
    for fragment in EXPECTED[name].get("absent", ()):
        assert fragment not in document.text
    assert "\x00" not in document.text
    assert "\r" not in document.text
    assert "\ufffd" not in document.text, "no replacement characters: the encoding was right"


def test_same_article_in_every_encoding_gives_the_same_text():
    article = "Kestrel Mining said its café division earned $40 million last year.\n"
    texts = set()
    for encoding in ("utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "latin-1",
                     "cp1252", "utf-32"):
        texts.add(ingest.ingest("a.txt", article.encode(encoding)).text)
    assert texts == {article}


def test_stray_nul_bytes_are_dropped_not_fatal():
    document = ingest.ingest("a.txt", b"Acme said\x00 revenue was $5 million\x00 last year.\n")
    assert document.text == "Acme said revenue was $5 million last year.\n"


def test_brackets_nested_past_the_recursion_limit_do_not_crash():
    deep = b"[" * 100_000 + b" Acme said revenue was five million dollars " + b"]" * 100_000
    with pytest.raises(ArticleError, match="program code|too little text|no words"):
        ingest.ingest("deep.txt", deep)
    deep_json = b"[" * 100_000 + b"]" * 100_000
    with pytest.raises(ArticleError):
        ingest.ingest("deep.md", deep_json)


def test_bom_that_lies_is_an_article_error():
    with pytest.raises(ArticleError, match="byte-order mark"):
        ingest.ingest("a.txt", b"\xff\xfe\x00\xd8")  # UTF-16 BOM, then a lone surrogate


def test_large_file_is_refused_before_reading(tmp_path, monkeypatch):
    big = tmp_path / "big.txt"
    with open(big, "wb") as handle:  # sparse: 100 MB on paper, no disk or memory used
        handle.truncate(100 * 1024 * 1024)

    def no_open(*args, **kwargs):
        raise AssertionError("the file was opened although its size is over the limit")

    monkeypatch.setattr(fsio, "open", no_open, raising=False)
    with pytest.raises(ArticleError) as info:
        fsio.read_article(big, "big.txt", max_bytes=20 * 1024 * 1024)
    assert "104,857,600 bytes, over the 20,971,520-byte limit" in info.value.reason
    assert "--max-bytes" in (info.value.hint or "")


def test_read_stops_at_the_limit_even_if_stat_is_wrong(tmp_path, monkeypatch):
    path = tmp_path / "a.txt"
    path.write_bytes(b"x" * 5000)
    class Small:
        st_mode = stat.S_IFREG | 0o644
        st_size = 10

    monkeypatch.setattr(type(path), "stat", lambda self, **kw: Small())
    with pytest.raises(ArticleError, match="over the 100-byte limit"):
        fsio.read_article(path, "a.txt", max_bytes=100)


def test_fifo_is_refused_instead_of_blocking(tmp_path):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    with pytest.raises(ArticleError, match="not a regular file"):
        fsio.read_article(fifo, "pipe.txt", max_bytes=1000)


def test_fifo_swapped_in_after_the_size_check_does_not_hang(tmp_path, monkeypatch):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)

    class LooksRegular:
        st_mode = stat.S_IFREG | 0o644
        st_size = 10

    monkeypatch.setattr(type(fifo), "stat", lambda self, **kw: LooksRegular())
    with pytest.raises(ArticleError, match="not a regular file"):
        fsio.read_article(fifo, "pipe.txt", max_bytes=1000)


def test_one_megabyte_line_is_refused_with_the_parser_limit():
    line = ("Acme said revenue was $5 million. " * 40_000)[: 1024 * 1024].encode()
    assert b"\n" not in line
    with pytest.raises(ArticleError) as info:
        ingest.ingest("long.txt", line, max_bytes=2 * 1024 * 1024)
    assert "1,048,576 characters, over the parser's 1,000,000-character limit" in info.value.reason


def test_html_nested_deeper_than_lxml_allows_still_yields_its_text():
    depth = 50_000
    html = ("<html><body>" + "<div>" * depth + "<p>Acme said revenue was $5 million.</p>"
            + "</div>" * depth + "</body></html>")
    assert "Acme said revenue was $5 million." in ingest.ingest("deep.html", html.encode()).text


def test_html_fallback_ignores_scripts_and_navigation():
    html = (b"<html><body><nav>Home About Contact Login</nav><script>var revenue = 5;</script>"
            + b"<div>" * 300 + b"<p>Acme said revenue was $5 million last year.</p>"
            + b"</div>" * 300 + b"</body></html>")
    text = ingest.ingest("page.html", html).text
    assert "Acme said revenue" in text
    assert "var revenue" not in text and "Login" not in text


@pytest.mark.parametrize("text", [
    "Acme raised $5 million; the round was led by Beta Capital = a first.",
    "Prices {in brackets} appear in some articles, and that is fine for prose.",
    "[Acme](https://acme.example) said revenue was $5 million [link].",
], ids=["semicolon", "braces", "markdown-links"])
def test_prose_with_some_code_characters_is_kept(text):
    assert ingest.ingest("a.md", text.encode()).text == text


def test_atomic_write_keeps_permissions_readable(tmp_path):
    target = tmp_path / "report.html"
    fsio.atomic_write(target, "<p>one</p>")
    assert stat.S_IMODE(target.stat().st_mode) & 0o044, "mkstemp's 0600 must not leak out"
    target.chmod(0o640)
    fsio.atomic_write(target, "<p>two</p>")
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert target.read_text() == "<p>two</p>"
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]


def test_lock_refuses_a_second_holder_and_cleans_stale_temps(tmp_path):
    stale = tmp_path / ".claims.jsonl.abc123.tmp"
    stale.write_text('{"half": ')
    keep = tmp_path / "claims.jsonl"
    keep.write_text("{}\n")
    with fsio.locked(tmp_path):
        assert not stale.exists()
        assert keep.read_text() == "{}\n"
        with pytest.raises(OutputError) as info, fsio.locked(tmp_path):
            pass
        assert f"another claims run is using {tmp_path}" in str(info.value)
    with fsio.locked(tmp_path):  # released on exit
        pass


def test_lock_on_unwritable_output_is_a_clear_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(OutputError, match="cannot write to output folder"), \
            fsio.locked(blocker / "out"):
        pass


def test_symlink_leading_outside_the_corpus_is_refused(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    secret = tmp_path / "secret.txt"
    secret.write_text("Acme's private key is valued at $1 million by nobody at all.\n")
    (corpus / "inside.txt").write_text("Acme said revenue was $5 million last year.\n")
    os.symlink(secret, corpus / "leak.txt")
    os.symlink(corpus / "inside.txt", corpus / "alias.txt")
    with pytest.raises(ArticleError, match="symlink to a file outside the corpus folder"):
        fsio.read_article(corpus / "leak.txt", "leak.txt", max_bytes=1000, root=corpus)
    assert fsio.read_article(corpus / "alias.txt", "alias.txt", max_bytes=1000, root=corpus)
    linked_corpus = tmp_path / "linked"
    os.symlink(corpus, linked_corpus)  # the corpus folder itself may be a link
    assert fsio.read_article(linked_corpus / "inside.txt", "inside.txt", max_bytes=1000,
                             root=linked_corpus)


def test_outputs_replace_symlinks_instead_of_writing_through_them(tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    out = tmp_path / "out"
    out.mkdir()
    os.symlink(victim, out / "report.html")
    fsio.atomic_write(out / "report.html", "<p>report</p>")
    assert victim.read_text() == "precious\n"
    assert not (out / "report.html").is_symlink()
    assert (out / "report.html").read_text() == "<p>report</p>"


def test_lock_file_is_never_opened_through_a_symlink(tmp_path):
    victim = tmp_path / "victim.txt"
    out = tmp_path / "out"
    out.mkdir()
    os.symlink(victim, out / ".lock")
    with pytest.raises(OutputError, match="cannot write to output folder"), fsio.locked(out):
        pass
    assert not victim.exists()


# --------------------------------------------------------------------------- titles (issue 18)

TITLE_CASES = [
    ("plain headline first", "Harbour Freight posts record volumes\n\nHarbour Freight said on "
     "Tuesday that it handled 2.4 million containers in 2025, up 8% on the year.\n",
     "a.txt", "Harbour Freight posts record volumes"),
    ("newsletter banner skipped", "Get your free personalized podcast brief\n\nPort operator "
     "lifts forecast after strong quarter\n\nThe company said revenue rose 9%.\n", "b.txt",
     "Port operator lifts forecast after strong quarter"),
    ("emoji prefix dropped", "📊 Quarterly results: Harbour Freight beats estimates\nThe company "
     "said on Tuesday that revenue rose 9% to $1.9 billion in the quarter.\n", "c.txt",
     "Quarterly results: Harbour Freight beats estimates"),
    ("a whole sentence is no title", "Harbour Freight said on Tuesday that it handled 2.4 million"
     " containers in 2025, up 8% on the year, and that revenue rose to $1.9 billion.\nShares "
     "rose 3%.\n", "2025-harbour.txt", "2025-harbour"),
    ("markdown heading", "*Updated 9 a.m.*\n\n# Harbour Freight lifts its outlook\n\nThe "
     "operator said revenue would reach $2 billion.\n", "d.md",
     "Harbour Freight lifts its outlook"),
    ("dateline and byline skipped", "May 26, 2022\nBy Jane Smith\nPort strike ends after nine "
     "days\nWorkers at the port voted to accept a 6% raise, the union said on Friday.\n",
     "e.txt", "Port strike ends after nine days"),
    ("breadcrumb trail stripped", "Home / Business / Port strike ends after nine days\nWorkers "
     "voted to accept a 6% raise, the union said on Friday after a long meeting.\n", "f.txt",
     "Port strike ends after nine days"),
    ("line cut mid-sentence", "Harbour Freight and Portline announced an agreement under which "
     "Harbour will acquire all of the\noutstanding shares for $4 billion in cash.\n", "g.txt",
     "g"),
]


@pytest.mark.parametrize(("text", "name", "title"), [c[1:] for c in TITLE_CASES],
                         ids=[c[0] for c in TITLE_CASES])
def test_title_is_a_headline_or_the_file_name(rules, text, name, title):
    document = ingest.ingest(name, text.encode("utf-8"), boilerplate=rules.ingest.boilerplate)
    assert document.title == title


def test_html_metadata_title_wins(rules):
    html = ("<html><head><title>Port strike ends after nine days</title></head><body><article>"
            "<p>Get your free personalized podcast brief</p><p>" + "Workers at the port voted to "
            "accept a 6% raise, the union said on Friday. " * 5 + "</p></article></body></html>")
    document = ingest.ingest("h.html", html.encode("utf-8"),
                             boilerplate=rules.ingest.boilerplate)
    assert document.title == "Port strike ends after nine days"


PUBLISHED_CASES = [
    ("date marker", "date 2023-04-24 Harbour Freight users can apply for a share of the fund "
     "if they had accounts between May 24, 2007 and December 22, 2022.\n", "2023-04-24"),
    ("date on a line of its own", "Port strike ends\nAugust 23, 2023, 6:35 PM ET\nWorkers voted "
     "on May 1, 2022 to strike.\n", "2023-08-23"),
    ("published line", "Port strike ends\nPublished Thursday June 8, 2023\nWorkers voted.\n",
     "2023-06-08"),
    ("dateline opening the story", "NEW YORK, June 5, 2025 — Harbour Freight said revenue rose "
     "9%.\n", "2025-06-05"),
    ("dateline with a dash", "Thursday June 8, 2023 – Harbour Freight said revenue rose 9%.\n",
     "2023-06-08"),
    ("a date inside a sentence is an event's", "Harbour Freight reported revenue for the quarter "
     "ended July 30, 2023, of $13.51 billion.\n", None),
    ("a class period is no publication date", "Users who had accounts between May 24, 2007 and "
     "December 22, 2022 can apply.\n", None),
]


@pytest.mark.parametrize(("text", "published"), [c[1:] for c in PUBLISHED_CASES],
                         ids=[c[0] for c in PUBLISHED_CASES])
def test_publication_date_is_a_dateline_never_a_date_of_the_story(rules, text, published):
    document = ingest.ingest("a.txt", text.encode("utf-8"), boilerplate=rules.ingest.boilerplate)
    assert document.published == published
