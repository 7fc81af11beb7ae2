"""Names and text are data in every output (issue 19 item 4, issue 20 item 4): every output
file parses in a strict parser — XML 1.0 (lxml) and GraphML (networkx), JSON (no NaN),
CommonMark with GFM tables (markdown-it-py), HTML5 (html5lib, strict) — for file names and
text with control, bidi, backtick and markup characters and bytes that are not UTF-8, and
shows them as text, never as markup or terminal escapes.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil

import html5lib
import networkx as nx
import pytest
from lxml import etree
from markdown_it import MarkdownIt

from pipeline import render
from pipeline.fsio import shown_name
from pipeline.models import Skip
from pipeline.render import escape
from pipeline.state import rows
from tests.conftest import DATA, ROOT, output_texts, sample_report

# The raw names of issue 19 and 20's reproducers, and more of their kind.
RAW_NAMES = [
    b"\x1b[31mred\x1b]0;title\x07.txt",  # colour, terminal title, bell
    b"a``<img src=x onerror=alert(1)>``.pdf",  # closes a double-backtick code span
    b"csi\xc2\x9b31m.txt",  # C1 control (8-bit CSI)
    b"gpj\xe2\x80\xaetxt.exe.txt",  # right-to-left override
    b"caf\xe9\xff.txt",  # not UTF-8
    b"line\nbreak\r.txt",
    b"tick` and ```` run.txt",
]
# Article and reviewer text with characters that act instead of being shown.
ACTING_TEXT = ["bell\x07 and \x1b[2J clear", "C1 \x9b31m and NEL\x85", "rlo \u202eevil",
               "isolate \u2068x\u2069", "nonchar \ufffe end", "pipe | and ``tick`` and <b>"]


def strict_json(text: str) -> object:
    def reject(name: str) -> None:
        raise ValueError(f"{name} is not JSON")

    return json.loads(text, parse_constant=reject)


def commonmark(text: str) -> list:
    """The tokens of a CommonMark (+ GFM tables) parse, inline children included."""
    parser = MarkdownIt("commonmark").enable("table")
    tokens = []
    for token in parser.parse(text):
        tokens.append(token)
        tokens.extend(token.children or [])
    return tokens


def strict_html5(text: str) -> None:
    html5lib.HTMLParser(strict=True).parse(text)


def check_every_output(files: dict[str, str], *, names: list[str]) -> None:
    """Each file parses strictly; nothing acting reaches a file; every name is shown."""
    for name, text in files.items():
        assert escape._ACTING.search(text) is None, f"{name} holds an acting character"
    root = etree.fromstring(files["graph.graphml"].encode("utf-8"))  # strict XML 1.0
    assert root.tag.endswith("graphml")
    nx.read_graphml(io.BytesIO(files["graph.graphml"].encode("utf-8")))
    for name in ("contradictions.json", "claimreview.jsonld", "graph.json"):
        strict_json(files[name])
    for line in files["claims.jsonl"].split("\n"):
        if line:
            strict_json(line)
    report = [name for name in files if name.startswith("report")]
    assert "report.html" in report and "report/sources.html" in report
    for name in report:  # the index and every page of report/
        strict_html5(files[name])
    tokens = commonmark(files["contradictions.md"])
    assert not [t for t in tokens if t.type in ("html_inline", "html_block")], \
        "raw HTML in contradictions.md"
    strict_html5("<!DOCTYPE html><title>md</title>" +
                 MarkdownIt("commonmark").enable("table").render(files["contradictions.md"]))
    spans = {t.content for t in tokens if t.type == "code_inline"}
    for name in names:
        assert escape.visible(name) in spans, f"{name!r} is not one whole code span"
    page = "".join(files[name] for name in report)
    tags = re.findall(r"<([a-zA-Z]+)[\s>]", page)
    assert "img" not in tags and "iframe" not in tags


def hostile_view() -> rows.View:
    """The sample report with hostile names, titles, sentences, notes and skips."""
    findings, claims, documents, skipped = sample_report()
    docs = list(documents.values())
    for i, doc in enumerate(docs):
        docs[i] = doc.model_copy(update={
            "path": shown_name(os.fsdecode(RAW_NAMES[i])),
            "title": f"{doc.title or 'untitled'} {ACTING_TEXT[i]}"})
    claims = [c.model_copy(update={"sentence": f"{c.sentence} {ACTING_TEXT[n % 6]}"})
              for n, c in enumerate(claims)]
    findings = [f.model_copy(update={"note": f"{f.note or 'note'} {ACTING_TEXT[n % 6]}",
                                     "explanation": f"{f.explanation} {ACTING_TEXT[-1]}"})
                for n, f in enumerate(findings)]
    skips = [Skip(path=shown_name(os.fsdecode(raw)), reason=f"not text {ACTING_TEXT[0]}")
             for raw in RAW_NAMES]
    claims.sort(key=lambda c: (c.doc_id, c.span.start, c.id))
    return rows.memory_view(docs, claims, findings, [*skipped, *skips])


def test_every_output_parses_strictly_with_hostile_names_and_text():
    view = hostile_view()
    files = render.texts(view)
    check_every_output(files, names=[s.path for s in view.skipped])


def test_the_markdown_injection_of_issue_20_stays_a_code_span():
    """``a``<img src=x onerror=alert(1)>``.pdf``: a fence longer than any backtick run."""
    name = "a``<img src=x onerror=alert(1)>``.pdf"
    span = escape.markdown_code(name)
    assert span == "```a``<img src=x onerror=alert(1)>``.pdf```"
    tokens = commonmark(f"- {span}: skipped\n")
    assert [t.content for t in tokens if t.type == "code_inline"] == [name]
    assert not [t for t in tokens if t.type == "html_inline"]


@pytest.mark.parametrize("text", ["`", "``", "a`", "`a", " a ", "x ``` y", "|pipe|", "a\nb"])
@pytest.mark.parametrize("cell", [False, True], ids=["inline", "table-cell"])
def test_a_code_span_holds_any_text(text, cell):
    source = f"| a |\n|---|\n| {escape.markdown_code(text, cell=True)} |\n" if cell \
        else f"{escape.markdown_code(text)}\n"
    spans = [t.content for t in commonmark(source) if t.type == "code_inline"]
    assert spans == [" ".join(text.split())]


def test_markdown_text_escapes_markup_and_entity_references():
    text = "a *b* [c](http://x) <img> &lt;script&gt; `d` _e_ | f"
    rendered = MarkdownIt("commonmark").enable("table").render(
        f"| h |\n|---|\n| {escape.markdown(text)} |\n")
    assert "<em>" not in rendered and "<a " not in rendered and "<img" not in rendered
    assert "&amp;lt;script&amp;gt;" in rendered  # shown as typed, not as <script>


def test_a_link_destination_cannot_be_broken_out_of():
    url = "https://example.com/a b)<img src=x onerror=alert(1)>`"
    rendered = MarkdownIt("commonmark").render(f"[t]({escape.markdown_url(url)})")
    assert rendered.count("<a ") == 1 and "<img" not in rendered


def test_xml_escapes_what_xml_forbids():
    text = "a\x00b\x1b[31m\x07c\ufffe\ud800 & <d> \"e\"\t\n"
    element = etree.fromstring(f'<x y="{escape.xml_attr(text)}">{escape.xml_text(text)}</x>')
    assert element.text == "a\\x00b\\x1b[31m\\x07c\\ufffe\\ud800 & <d> \"e\"\t\n"
    assert element.get("y") == element.text


def test_visible_keeps_real_text():
    text = "€\u00a05\u00a0billion, نص\u200f, 👩\u200d💻, soft\u00adhyphen"
    assert escape.visible(text) == text


@pytest.mark.model
def test_a_corpus_of_hostile_names_gives_strictly_parsed_outputs(tmp_path):
    """The reproducers as real files next to good articles, through ``claims extract``."""
    from pipeline import api

    corpus = tmp_path / "corpus"
    shutil.copytree(DATA / "tiny", corpus)
    article = (DATA / "tiny" / "alpha.txt").read_bytes()
    for n, raw in enumerate(RAW_NAMES):
        body = article.replace(b"Acme", b"Zenith%d" % n)
        with open(os.fsencode(corpus) + b"/" + raw, "wb") as handle:
            handle.write(body if raw.endswith(b".txt") else b"%PDF-1.4 not an article")
    out = tmp_path / "out"
    result = api.extract(corpus, out=out, rules_dir=ROOT / "rules")
    shown = {shown_name(os.fsdecode(raw)) for raw in RAW_NAMES}
    found = {d.path for d in result.documents} | {s.path for s in result.skipped}
    assert found - {p.name for p in (DATA / "tiny").iterdir()} == shown
    files = output_texts(out)
    check_every_output(files, names=[s.path for s in result.skipped])
    graph = nx.read_graphml(out / "graph.graphml")
    paths = {data["path"] for _, data in graph.nodes(data=True) if data["kind"] == "document"}
    assert paths == {d.path for d in result.documents}
    docs = {json.loads(line)["doc"] for line in files["claims.jsonl"].split("\n") if line}
    assert shown_name(os.fsdecode(RAW_NAMES[0])) in docs
