"""End-to-end reliability: hostile corpus, --strict, kill -9 mid-write, concurrent runs,
no network, hostile text escaped in HTML.

Runs the real CLI in subprocesses (the model is loaded in each), so it is marked ``model``.
"""

from __future__ import annotations

import html as html_module
import json
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import networkx as nx
import pytest
import yaml

from tests.conftest import DATA, ROOT, output_files, output_texts, report_pages

pytestmark = pytest.mark.model

BAD = DATA / "bad"
EXPECTED: dict[str, dict[str, object]] = yaml.safe_load((BAD / ".expected.yaml").read_text())
BIG = "huge_100mb.txt"
LONG_LINE = "one_long_line.txt"
LEAK = "leak.txt"
GENERATED_SKIPS = {BIG: "over the 20,971,520-byte limit",
                   LONG_LINE: "over the parser's 1,000,000-character limit",
                   LEAK: "symlink to a file outside the corpus folder"}


def cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pipeline.cli", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=600, env=env)


def _reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not JSON")


def strict_json(text: str) -> object:
    """Parse JSON the way browsers and jq do: NaN and Infinity are errors."""
    return json.loads(text, parse_constant=_reject_constant)


def jsonl_lines(text: str) -> list[str]:
    """JSON Lines are separated by "\n" only (``str.splitlines`` would also split inside
    strings holding U+0085 or U+2028, which JSON allows unescaped)."""
    return [line for line in text.split("\n") if line]


def check_output_file(path: Path) -> None:
    """Each output file is complete and parses."""
    text = path.read_text(encoding="utf-8")
    if path.suffix in (".json", ".jsonld"):
        strict_json(text)
    elif path.suffix == ".jsonl":
        assert text == "" or text.endswith("\n")
        for line in jsonl_lines(text):
            strict_json(line)
    elif path.suffix == ".graphml":
        nx.read_graphml(path)
    elif path.suffix == ".html":
        assert text.rstrip().endswith("</html>")
    elif path.suffix == ".md":
        assert text.startswith("#")


def outputs(out: Path) -> dict[str, bytes]:
    """The visible output files (not the lock, the store or temporary files; the report's
    pages as report/NAME)."""
    return output_files(out)


def store_is_consistent(out: Path) -> None:
    db = out / "claims.db"
    if not db.exists():
        return
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def claims_of(out: Path, docs: set[str]) -> list[str]:
    lines = jsonl_lines((out / "claims.jsonl").read_text())
    return sorted(line for line in lines if json.loads(line)["doc"] in docs)


@pytest.fixture(scope="module")
def hostile_corpus(tmp_path_factory) -> Path:
    """The tiny good corpus + every file of tests/data/bad + files too big to commit."""
    corpus = tmp_path_factory.mktemp("hostile") / "corpus"
    shutil.copytree(DATA / "tiny", corpus)
    for path in BAD.iterdir():
        if not path.name.startswith("."):
            shutil.copy(path, corpus / path.name)
    with open(corpus / BIG, "wb") as handle:  # sparse: 100 MB without using the disk
        handle.truncate(100 * 1024 * 1024)
    line = ("Acme Robotics said revenue was $5 million. " * 30_000)[: 1024 * 1024]
    (corpus / LONG_LINE).write_text(line)
    secret = corpus.parent / "secret.txt"
    secret.write_text("SECRET Acme Robotics private figure: revenue was $77 million.\n")
    os.symlink(secret, corpus / LEAK)
    return corpus


@pytest.fixture(scope="module")
def hostile_run(hostile_corpus, tmp_path_factory):
    out = tmp_path_factory.mktemp("hostile_out")
    return cli("extract", str(hostile_corpus), "--out", str(out)), out


def test_hostile_corpus_exits_0_and_lists_every_skip_once(hostile_run):
    result, out = hostile_run
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    wanted = {name: want["skip"] for name, want in EXPECTED.items() if "skip" in want}
    wanted.update(GENERATED_SKIPS)
    skip_lines = [ln for ln in result.stdout.splitlines() if ln.startswith("skipped ")]
    assert len(skip_lines) == len(wanted), "\n".join(skip_lines)
    for name, reason in wanted.items():
        mine = [ln for ln in skip_lines if ln.startswith(f"skipped {name}: ")]
        assert len(mine) == 1, name
        assert reason in mine[0]
    assert f"skipped: {len(wanted)}" in result.stdout
    report = strict_json((out / "contradictions.json").read_text())
    listed = {s["path"]: s["reason"] for s in report["skipped"]}
    assert set(listed) == set(wanted)
    for name, reason in wanted.items():
        assert reason in listed[name]
    markdown = (out / "contradictions.md").read_text()
    assert all(name in markdown for name in wanted)
    assert not [p for p in out.iterdir() if p.is_file() and b"SECRET" in p.read_bytes()]


def test_hostile_corpus_outputs_are_complete_and_strict_json(hostile_run):
    _, out = hostile_run
    files = outputs(out)
    assert {"claims.jsonl", "contradictions.json", "contradictions.md", "report.html",
            "graph.graphml"} <= set(files)
    for name in files:
        check_output_file(out / name)
    store_is_consistent(out)


def test_readable_odd_files_are_processed(hostile_run):
    _, out = hostile_run
    kept = {name for name, want in EXPECTED.items() if "text" in want}
    docs = {json.loads(line)["doc"] for line in jsonl_lines((out / "claims.jsonl").read_text())}
    with_figures = kept - {"absurd_numbers.txt"}
    assert with_figures <= docs, with_figures - docs


def test_absurd_numbers_never_poison_results(hostile_run):
    _, out = hostile_run
    for line in jsonl_lines((out / "claims.jsonl").read_text()):
        claim = strict_json(line)
        if claim["doc"] != "absurd_numbers.txt":
            continue
        quantity, normalized = claim["quantity"], claim["normalized"]
        for value in (quantity["value"], quantity["low"], quantity["high"],
                      normalized["low"], normalized["high"]):
            assert value is None or abs(value) < 1e300, claim["quantity"]["span"]["text"]
        surface = quantity["span"]["text"]
        assert not surface.rstrip().endswith("$1"), "'$1e999' must not be read as $1"


def test_good_articles_claims_equal_a_run_without_bad_files(hostile_run, tmp_path):
    _, out = hostile_run
    clean = tmp_path / "clean"
    corpus = tmp_path / "corpus"
    shutil.copytree(DATA / "tiny", corpus)
    result = cli("extract", str(corpus), "--out", str(clean))
    assert result.returncode == 0, result.stderr
    good = {p.name for p in corpus.iterdir()}
    expected = claims_of(clean, good)
    assert expected, "the good articles have claims"
    assert claims_of(out, good) == expected


def test_strict_exits_1_after_writing_outputs(hostile_corpus, tmp_path):
    out = tmp_path / "out"
    result = cli("extract", str(hostile_corpus), "--out", str(out), "--strict",
                 "--max-bytes", "1000000")
    assert result.returncode == 1
    errors = [ln for ln in result.stderr.splitlines() if ln.startswith("Error: ")]
    assert len(errors) == 1 and "skipped and --strict is set" in errors[0]
    assert "skipped huge_100mb.txt: file is 104,857,600 bytes, over the 1,000,000-byte " \
           "limit" in result.stdout
    assert "skipped one_long_line.txt: file is 1,048,576 bytes, over the 1,000,000-byte limit" \
        in result.stdout
    report = strict_json((out / "contradictions.json").read_text())
    assert len(report["skipped"]) >= 17


def test_strict_without_skips_exits_0(tmp_path):
    result = cli("extract", str(DATA / "tiny"), "--out", str(tmp_path / "out"), "--strict")
    assert result.returncode == 0, result.stderr


def test_hostile_file_name_stays_one_escaped_line_in_the_summary(tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(DATA / "tiny", corpus)
    name = "evil\nskipped alpha.txt: spoofed\x1b[2J\u202e.txt"
    (corpus / name).write_bytes(bytes(range(256)) * 4)
    result = cli("extract", str(corpus), "--out", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    skip_lines = [ln for ln in result.stdout.splitlines() if ln.startswith("skipped ")]
    assert skip_lines == ["skipped evil\\nskipped alpha.txt: spoofed\\x1b[2J\\u202e.txt: "
                          "binary file, not text (remove it from the corpus or convert it to "
                          ".txt)"]
    assert "\x1b" not in result.stdout and "\u202e" not in result.stdout


def test_file_names_that_are_not_utf8_are_shown_escaped(tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(DATA / "tiny", corpus)
    root = os.fsencode(corpus)
    with open(root + b"/caf\xe9 news.txt", "wb") as handle:  # latin-1 name
        handle.write(b"Cafe Robotics news\n\nCafe Robotics said revenue was $40 million.\n")
    with open(root + b"/empty\xff.txt", "wb"):
        pass
    out = tmp_path / "out"
    result = cli("extract", str(corpus), "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "skipped empty\\xff.txt: empty file" in result.stdout
    docs = {json.loads(line)["doc"] for line in jsonl_lines((out / "claims.jsonl").read_text())}
    assert "caf\\xe9 news.txt" in docs
    for path in out.iterdir():
        if path.is_file() and not path.name.startswith((".", "claims.db")):
            check_output_file(path)


def test_bad_max_bytes_is_a_usage_error(tmp_path):
    result = cli("extract", str(DATA / "tiny"), "--out", str(tmp_path / "o"), "--max-bytes", "0")
    assert result.returncode == 2


def test_a_stage_crashing_on_one_article_skips_only_that_article(tmp_path, monkeypatch):
    from pipeline import api
    from pipeline.extract import quantities

    real = quantities.extract_quantities

    def crashes_on_marker(text, **kwargs):
        if "CRASH-ME" in text:
            raise RuntimeError("simulated bug in a stage")
        return real(text, **kwargs)

    monkeypatch.setattr(quantities, "extract_quantities", crashes_on_marker)
    corpus = tmp_path / "corpus"
    shutil.copytree(DATA / "tiny", corpus)
    (corpus / "crash.txt").write_text("Acme Robotics CRASH-ME said revenue was $5 million.\n")
    result = api.extract(corpus, out=tmp_path / "out", rules_dir=ROOT / "rules")
    assert [s.path for s in result.skipped] == ["crash.txt"]
    assert "quantities stage" in result.skipped[0].reason
    assert "simulated bug" in result.skipped[0].reason
    assert sorted(d.path for d in result.documents) == sorted(
        p.name for p in (DATA / "tiny").iterdir())
    # the good articles' claims are those of a run without the crashing article
    clean = api.extract(DATA / "tiny", out=tmp_path / "clean", rules_dir=ROOT / "rules")
    assert [c.model_dump() for c in result.claims] == [c.model_dump() for c in clean.claims]
    # a failed article is not stored: the next run tries it again
    monkeypatch.setattr(quantities, "extract_quantities", real)
    again = api.extract(corpus, out=tmp_path / "out", rules_dir=ROOT / "rules")
    assert again.skipped == [] and "crash.txt" in {d.path for d in again.documents}


# --- interrupted and concurrent runs -------------------------------------------------------

# Runs the CLI with os.replace announced on stdout and held until the test says "go" on
# stdin: "TMP name" when a name is about to be replaced (out/.current, switched to a new
# generation), "DONE name" after the rename. The test SIGKILLs the run at a chosen event,
# with no timing involved.
STEPPED_WRITER = """
import os, sys
real_replace = os.replace
def step(event):
    print(event, flush=True)
    sys.stdin.readline()
def replace(src, dst, *args, **kwargs):
    name = os.path.basename(os.fspath(dst))
    step("TMP " + name)
    real_replace(src, dst, *args, **kwargs)
    step("DONE " + name)
os.replace = replace
from pipeline.cli import main
sys.argv = ["claims", *sys.argv[1:]]
main()
"""


def start_stepped(corpus: Path, out: Path) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-c", STEPPED_WRITER, "extract", str(corpus),
                             "--out", str(out)], cwd=ROOT, text=True, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def wait_for_events(proc: subprocess.Popen[str], count: int) -> list[str]:
    """Let a stepped writer run until its ``count``-th event, where it stays blocked."""
    events: list[str] = []
    assert proc.stdout is not None and proc.stdin is not None
    while len(events) < count:
        line = proc.stdout.readline()
        if not line:
            break
        if line.startswith(("TMP ", "DONE ")):
            events.append(line.strip())
            if len(events) < count:
                proc.stdin.write("go\n")
                proc.stdin.flush()
    return events


def kill(proc: subprocess.Popen[str]) -> None:
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=60)


@pytest.fixture
def two_versions(tmp_path):
    """A corpus (second version), an output folder holding its first version's outputs (one
    article fewer), and the outputs of both versions. "new" is what an uninterrupted run of
    the second version over the first one's output folder writes (an incremental run marks
    findings new since the last run, so it differs from a clean run)."""
    corpus, out, ref = tmp_path / "corpus", tmp_path / "out", tmp_path / "ref"
    shutil.copytree(DATA / "tiny", corpus)
    assert cli("extract", str(corpus), "--out", str(out)).returncode == 0
    shutil.copytree(out, ref)
    shutil.copy(BAD / "latin1.txt", corpus / "zz_new.txt")
    assert cli("extract", str(corpus), "--out", str(ref)).returncode == 0
    old, new = outputs(out), outputs(ref)
    assert old != new
    return corpus, out, old, new


def test_kill_around_the_switch_leaves_one_complete_generation(two_versions):
    """The real CLI killed (SIGKILL) just before and just after it switches out/.current to
    the new generation (its one rename of a name users read; ``tests/test_generations.py``
    kills at every other write step): all files old, or all new; the next run completes."""
    corpus, out, old, new = two_versions
    seen = []
    for point in (1, 2):  # "TMP .current" (committed, not switched), "DONE .current"
        proc = start_stepped(corpus, out)
        events = wait_for_events(proc, point)
        kill(proc)
        assert events[-1] == ("TMP .current" if point == 1 else "DONE .current"), events
        state = outputs(out)
        assert state in (old, new), "a mix of two runs"
        for name in state:
            check_output_file(out / name)
        store_is_consistent(out)
        seen.append("old" if state == old else "new")
    assert seen == ["old", "new"]
    # what a killed run left is finished or removed by the next run
    result = cli("extract", str(corpus), "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert outputs(out) == new
    assert not [p.name for p in out.iterdir() if p.name.endswith(".tmp")]
    assert len(list((out / ".generations").iterdir())) == 1
    store_is_consistent(out)


@pytest.mark.parametrize("delay", [0.8, 2.5], ids=["early", "late"])
def test_kill_at_any_time_keeps_outputs_and_store_consistent(two_versions, delay):
    corpus, out, old, new = two_versions
    proc = subprocess.Popen([sys.executable, "-m", "pipeline.cli", "extract", str(corpus),
                             "--out", str(out)], cwd=ROOT, text=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=60)
    assert outputs(out) in (old, new), "a mix of two runs"
    store_is_consistent(out)
    result = cli("extract", str(corpus), "--out", str(out))
    assert result.returncode == 0, result.stderr
    # the killed run may have finished; then no finding is "new" any more, so compare what
    # does not depend on the previous run: the claims and the findings' ids
    after = outputs(out)
    assert after["claims.jsonl"] == new["claims.jsonl"]
    assert finding_ids(after) == finding_ids(new)
    store_is_consistent(out)


def finding_ids(files: dict[str, bytes]) -> list[str]:
    return sorted(f["id"] for f in strict_json(files["contradictions.json"].decode())["findings"])


def test_second_concurrent_run_exits_1_and_first_completes(two_versions, tmp_path):
    corpus, out, _, new = two_versions
    first = start_stepped(corpus, out)
    assert wait_for_events(first, 1), "the first run holds the lock, blocked in its writes"
    second = cli("extract", str(corpus), "--out", str(out))
    assert second.returncode == 1
    assert second.stderr.splitlines() == [
        f"Error: another claims run is using {out} (wait for it to finish, or pass a "
        "different --out)"]
    assert second.stdout == ""
    first_out, first_err = first.communicate(input="go\n" * 1000, timeout=300)
    assert first.returncode == 0, first_err
    assert outputs(out) == new
    store_is_consistent(out)


# --- security ------------------------------------------------------------------------------

HOSTILE = [
    "<script>alert('x')</script>",
    "<img src=x onerror=alert(1)>",
    "</textarea><svg onload=alert(2)>",
    "\"><iframe src=javascript:alert(3)>",
]


def hostile_corpus_for_report(root: Path) -> Path:
    corpus = root / "corpus"
    corpus.mkdir()
    (corpus / "one.txt").write_text(
        f"Acme Robotics {HOSTILE[0]} valuation\n\n"
        f"{HOSTILE[1]} Acme Robotics is valued at $2 billion, the company said. {HOSTILE[2]}\n")
    (corpus / f"two{HOSTILE[3]}.md").write_text(
        f"# {HOSTILE[3]} Acme Robotics news\n\n"
        f"Acme Robotics is valued at $9 billion {HOSTILE[0]} according to investors.\n")
    return corpus


def test_hostile_text_never_appears_unescaped_in_report_html(tmp_path):
    from pipeline import api

    corpus = hostile_corpus_for_report(tmp_path)
    result = api.extract(corpus, out=tmp_path / "out", rules_dir=ROOT / "rules")
    assert result.claims, "the hostile articles still yield claims"
    html = report_pages(output_texts(tmp_path / "out"))
    for payload in HOSTILE:
        assert payload not in html
    shown = [payload for payload in HOSTILE if payload in html_module.unescape(html)]
    assert shown, "the hostile text is shown, escaped"
    tags = re.findall(r"<[a-zA-Z][^>]*>", html)
    assert not [t for t in tags if re.search(r"\son\w+\s*=|javascript:", t)], \
        "no tag carries an event handler or a javascript: URL"
    assert not [t for t in tags if t.lower().startswith(("<img", "<iframe"))]


def test_run_needs_no_network(tmp_path, monkeypatch):
    from pipeline import api

    def no_network(*args, **kwargs):
        raise AssertionError("the pipeline tried to open a network connection")

    # sockets may still be created (libraries use socket.socket as a type), never connected
    for method in ("connect", "connect_ex", "sendto", "sendmsg"):
        monkeypatch.setattr(socket.socket, method, no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket, "getaddrinfo", no_network)
    corpus = tmp_path / "corpus"
    shutil.copytree(DATA / "tiny", corpus)
    for path in BAD.iterdir():  # HTML with external entities, stylesheets, scripts, images
        if not path.name.startswith("."):
            shutil.copy(path, corpus / path.name)
    result = api.extract(corpus, out=tmp_path / "out", rules_dir=ROOT / "rules")
    assert "xxe.html" in {d.path for d in result.documents}
    assert result.claims


# --- claims add: nothing written outside the corpus -----------------------------------------

ADDED = ("Acme Robotics valuation cut\n\nA filing shows Acme Robotics was valued at "
         "$9 billion in its latest round.\n")


@pytest.fixture
def small_corpus(tmp_path) -> Path:
    corpus = tmp_path / "corpus"
    shutil.copytree(DATA / "tiny", corpus)
    return corpus


def test_add_never_creates_a_file_through_a_dangling_symlink(tmp_path, small_corpus):
    from pipeline import api

    outside = tmp_path / "outside"
    outside.mkdir()
    os.symlink(outside / "created.txt", small_corpus / "delta.txt")  # points nowhere yet
    source = tmp_path / "delta.txt"
    source.write_text(ADDED)
    result = api.add([source], corpus=small_corpus, out=tmp_path / "out",
                     rules_dir=ROOT / "rules")
    assert list(outside.iterdir()) == []
    assert [p.name for p in result.added] == ["delta-2.txt"]
    assert not (small_corpus / "delta-2.txt").is_symlink()


def test_add_copies_a_symlinked_source_as_a_plain_file(tmp_path, small_corpus):
    from pipeline import api

    real = tmp_path / "elsewhere" / "article.txt"
    real.parent.mkdir()
    real.write_text(ADDED)
    link = tmp_path / "link.txt"
    os.symlink(real, link)
    result = api.add([link], corpus=small_corpus, out=tmp_path / "out",
                     rules_dir=ROOT / "rules")
    copied = small_corpus / "link.txt"
    assert result.added == [copied.resolve()] or result.added == [copied]
    assert not copied.is_symlink() and copied.read_text() == ADDED
    assert real.read_text() == ADDED


@pytest.mark.parametrize("name,shown,kind", [
    ("evil\n.txt", "\\n", "control characters"), ("tab\there.txt", "\\t", "control characters"),
    ("bell\x07.txt", "\\x07", "control characters"),
    ("csi\x9b31m.txt", "\\x9b", "control characters"),
    ("gpj\u202e.txt", "\\u202e", "bidi controls"),
    ("nbsp\xa0.txt", "\\xa0", "invisible characters"),
], ids=["newline", "tab", "control", "c1", "bidi", "invisible"])
def test_add_rejects_names_with_control_characters(tmp_path, small_corpus, name, shown, kind):
    from pipeline import api

    source = tmp_path / name
    source.write_text(ADDED)
    before = sorted(p.name for p in small_corpus.iterdir())
    result = api.add([source], corpus=small_corpus, out=tmp_path / "out",
                     rules_dir=ROOT / "rules")
    assert result.added == []
    assert [r.reason for r in result.rejected] == [
        f"the name has {kind} ({shown}); a name must be printable text, which cannot forge "
        "terminal output or disguise itself (rename the file)"]
    assert [r.path for r in result.rejected] == [f"{tmp_path}/{name}".replace(
        name.strip("abcdefghijklmnopqrstuvwxyz31."), shown)]
    assert sorted(p.name for p in small_corpus.iterdir()) == before


def test_add_refuses_a_source_that_is_a_device(tmp_path, small_corpus):
    from pipeline import api

    link = tmp_path / "zero.txt"
    os.symlink("/dev/zero", link)  # endless: reading it whole would never finish
    result = api.add([link], corpus=small_corpus, out=tmp_path / "out",
                     rules_dir=ROOT / "rules")
    assert result.added == []
    assert len(result.rejected) == 1 and "not a regular file" in result.rejected[0].reason


def test_corpus_with_a_symlink_loop_is_listed_once(small_corpus):
    from pipeline.corpus import walk_corpus

    os.symlink(small_corpus, small_corpus / "loop")
    walk = walk_corpus(small_corpus)
    names = [p.relative_to(small_corpus).as_posix() for p in walk.files]
    assert sorted(names) == sorted(p.name for p in (DATA / "tiny").iterdir())
    assert [s.path for s in walk.skipped] == ["loop"]


def test_a_crash_mid_chunk_keeps_every_other_article_once(tmp_path, monkeypatch):
    """A stage failing after earlier articles of the chunk came out: none lost, none twice."""
    from pipeline import api
    from pipeline.extract import claims

    real = claims.build_claims

    def crashes_on_marker(document, *args, **kwargs):
        if "CRASH-ME" in document.text:
            raise ValueError("simulated bug in claim frames")
        return real(document, *args, **kwargs)

    monkeypatch.setattr(claims, "build_claims", crashes_on_marker)
    corpus = tmp_path / "corpus"
    shutil.copytree(DATA / "tiny", corpus)
    (corpus / "b-crash.txt").write_text("Acme Robotics CRASH-ME said revenue was $5 million.\n")
    result = api.extract(corpus, out=tmp_path / "out", rules_dir=ROOT / "rules")
    assert [s.path for s in result.skipped] == ["b-crash.txt"]
    assert "claims stage" in result.skipped[0].reason
    paths = [d.path for d in result.documents]
    assert sorted(paths) == sorted(p.name for p in (DATA / "tiny").iterdir())
    assert len({c.id for c in result.claims}) == len(result.claims)


# --- the fault cases of benchmarks/attacks.py (issue 20) --------------------------------------


def _attacks():
    import importlib.util

    spec = importlib.util.spec_from_file_location("_attacks", ROOT / "benchmarks" / "attacks.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("_attacks", module)  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("case", ["symlink-loops", "fifo-devices", "hostile-names"])
def test_attack_fault_cases_never_stop_a_run(tmp_path, case):
    """Each hostile entry is skipped with a reason or read under its escaped name; the good
    article keeps its claims and every output parses strictly."""
    from pipeline import api
    from pipeline.fsio import shown_name

    attacks = _attacks()
    chosen = attacks.BY_NAME[case]
    corpus = attacks._corpus(tmp_path, "bad.txt", chosen.text(1.0), entries=chosen.entries)
    out = tmp_path / "out"
    result = api.extract(corpus, out=out, rules_dir=ROOT / "rules")
    assert attacks._outputs_parse(out) == "ok"
    assert {"good.txt", "bad.txt"} <= {d.path for d in result.documents}
    names = {shown_name(p.name) for p in corpus.iterdir()} - {"good.txt", "bad.txt"}
    listed = {d.path for d in result.documents} | {s.path for s in result.skipped}
    assert names <= listed, "an entry was dropped silently"
    assert all(s.reason for s in result.skipped)
