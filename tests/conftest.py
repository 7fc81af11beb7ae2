"""Fixtures and builders shared by the test modules (no test module imports another)."""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import pytest

from pipeline.models import Claim, Document, Finding, Normalized, Quantity, Skip, Span
from pipeline.render import splice
from pipeline.state import rows
from pipeline.units import normalize

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"


def chromium_path() -> Path | None:
    """The Chromium the browser tests drive: ``$CLAIMS_CHROMIUM``, a ``chromium`` on the PATH
    (Debian's package), or Playwright's own download (``python -m playwright install
    chromium``, no root needed); ``None`` when there is none."""
    given = os.environ.get("CLAIMS_CHROMIUM")
    if given:
        return Path(given) if Path(given).exists() else None
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return Path(found)
    try:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as p:
            bundled = Path(p.chromium.executable_path)
    except Exception:  # noqa: BLE001 - no Playwright driver or browser: no Chromium
        return None
    return bundled if bundled.exists() else None


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true",
                     help="rewrite golden files under tests/data/golden from the current output")


@pytest.fixture(scope="session")
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture(scope="session")
def rules():
    from pipeline.rules import load_rules

    return load_rules(ROOT / "rules")


@pytest.fixture(scope="session")
def registry(rules):
    return rules.registry


@pytest.fixture(scope="session")
def nlp(rules):
    """The real English model with the rules' EntityRuler (loaded once per session)."""
    from pipeline.extract.parse import load_nlp

    return load_nlp(rules)


# --- runs and output folders ----------------------------------------------------------------


def output_files(out: Path) -> dict[str, bytes]:
    """Every output file (not the store, the lock or temporary files), by name; the pages of
    a folder (the report's) as ``report/NAME``."""
    files = {}
    for p in sorted(out.iterdir()):
        if p.name.startswith(".") or p.name.startswith("claims.db"):
            continue
        if p.is_dir():
            files.update((f"{p.name}/{page.name}", page.read_bytes())
                         for page in sorted(p.iterdir()))
        elif p.is_file():
            files[p.name] = p.read_bytes()
    return files


def report_pages(files: dict[str, str]) -> str:
    """Every page of the HTML report (``report.html``, then the pages of ``report/``) of a
    run's files by name (``render.texts``, or :func:`output_files` decoded), one after the
    other: where a test looks for what the report shows, on whichever page."""
    return files["report.html"] + "".join(
        text for name, text in sorted(files.items()) if name.startswith("report/"))


def output_texts(out: Path) -> dict[str, str]:
    """:func:`output_files` as text."""
    return {name: data.decode("utf-8") for name, data in output_files(out).items()}


def extract_data_folder(tmp_path_factory, name: str):
    """Copy the test corpus ``tests/data/NAME`` to a temporary folder and extract it with the
    repository's rules: (run result, output folder, corpus folder)."""
    from pipeline import api

    corpus = tmp_path_factory.mktemp(name)
    for path in sorted((DATA / name).iterdir()):
        shutil.copy(path, corpus / path.name)
    out = tmp_path_factory.mktemp("out")
    result = api.extract(corpus, out=out, rules_dir=ROOT / "rules")
    return result, out, corpus


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory):
    """The tiny test corpus extracted once per test module: (run result, output folder)."""
    result, out, _ = extract_data_folder(tmp_path_factory, "tiny")
    return result, out


# --- claims as the checks see them ----------------------------------------------------------


def best_cpu_seconds(fn: Callable[..., object], *args: object, repeat: int = 3) -> float:
    """The least CPU time of ``repeat`` calls of ``fn(*args)``: growth tests compare two sizes
    in CPU seconds, which other processes on a loaded machine do not inflate as they do wall
    time (the ratio, never an absolute time, is asserted)."""
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        fn(*args)
        best = min(best, time.process_time() - start)
    return best


def disagreement_kinds(claims: Sequence[Any], rules: Any) -> list[str]:
    """The kinds of the contradiction and divergence findings of the comparison policy
    (``interval_consistency.v2``) over ``claims``, sorted: what a policy test asserts."""
    from pipeline.check import checks
    from pipeline.check.policy import NAME

    return sorted(f.kind for f in checks.run_checks(list(claims), rules=rules)
                  if f.check == NAME and f.kind in ("contradiction", "divergence"))


def make_claim(
    registry: Any,
    value: float | None = None,
    *,
    low: float | None = None,
    high: float | None = None,
    unit: str = "USD",
    per: str | None = None,
    over: str | None = None,
    bound: str = "exact",
    subject: str | None = "Acme",
    metric: str = "revenue",
    modality: str = "asserted",
    as_of: str | None = None,
    doc: str = "d1",
    start: int = 0,
    sentence: str | None = None,
    text: str | None = None,
    qualifier: str | None = None,
    metric_key: str | None = None,
    qualifiers: tuple[str, ...] = (),
    period_key: str | None = None,
) -> Claim:
    """A claim as the claims stage would build it, normalized with the run's registry; its
    metric key is the metric's name unless given."""
    if low is None and high is None and value is not None:
        low = high = value
    if bound == "at_least":
        high = None
    if bound == "at_most":
        high, low = (high if high is not None else low), None
    text = text or f"{value or low} {unit}" + (f" per {per}" if per else "")
    sentence = sentence or f"Acme says {text}."
    span = Span(doc_id=doc, start=start, end=start + len(text), text=text)
    quantity = Quantity(span=span, value=value, low=low, high=high, bound=bound,  # type: ignore[arg-type]
                        unit=unit, per=per, over=over)
    raw = f"{doc}|{start}|{text}|{value}|{low}|{high}|{unit}|{per}|{over}|{modality}|{metric}"
    return Claim(
        id="c-" + hashlib.sha1(raw.encode()).hexdigest()[:12], doc_id=doc, span=span,
        sentence=sentence, subject=subject, metric=metric, quantity=quantity,
        normalized=normalize(quantity, registry), as_of=as_of,
        modality=modality,  # type: ignore[arg-type]
        **({"qualifier": qualifier} if qualifier else {}),
        metric_key=metric_key or (metric.replace("_", " ") if metric != "unknown" else None),
        qualifiers=qualifiers, period_key=period_key,
    )


# --- a sample report (findings of most kinds, hostile markup in article text) ---------------


HOSTILE_IMG = '<img src=x onerror="window.__pwned=1">'
HOSTILE_SCRIPT = "<script>window.__pwned=1</script>"


def make_doc(n: int, path: str, title: str | None, text: str = "",
             source: str | None = None) -> Document:
    return Document(id=f"d{n}", path=path, title=title, source=source, text=text,
                    sha256=f"{n:064d}")


def report_claim(cid: str, doc: Document, sentence: str, surface: str, low: float | None,
               high: float | None, *, unit: str = "USD", subject: str | None = "Acme Robotics",
               metric: str = "valuation", per: str | None = None,
               normalized: tuple[float | None, float | None, str] | None = None,
               repaired: bool = False, at: int | None = None) -> Claim:
    start = (doc.text.find(sentence) if doc.text else 0) + (
        at if at is not None else max(sentence.find(surface), 0))
    span = Span(doc_id=doc.id, start=start, end=start + len(surface), text=surface)
    quantity = Quantity(span=span, value=low if low == high else None, low=low, high=high,
                        unit=unit, per=per)
    n_low, n_high, n_unit = normalized or (low, high, unit)
    return Claim(id=cid, doc_id=doc.id, span=span, sentence=sentence, subject=subject,
                 metric=metric, quantity=quantity,
                 normalized=Normalized(low=n_low, high=n_high, unit=n_unit), repaired=repaired)


def sample_report() -> tuple[list[Finding], list[Claim], dict[str, Document], list[Skip]]:
    """Findings of most kinds over three documents, with hostile markup in the text."""
    twice = "Investors said $2 billion, then valued the company at $2 billion again."
    a = make_doc(1, "alpha.txt", "Acme raises at $2B", text=f"Title\n\n{twice}\n",
                 source="https://example.com/acme?a=1&b=2")
    b = make_doc(2, "beta.md", f"Acme questioned {HOSTILE_IMG}", source="javascript:alert(1)")
    c = make_doc(3, "gam|ma.txt", None)
    hostile = f"Filings put the valuation at $3.5 billion {HOSTILE_SCRIPT} | {HOSTILE_IMG}."
    claims = [
        report_claim("c-1", a, twice, "$2 billion", 2e9, 2e9, at=twice.rindex("$2 billion")),
        report_claim("c-2", b, hostile, "$3.5 billion", 3.5e9, 3.5e9),
        report_claim("c-3", c, "Some say it is worth at least $40 million.",
                   "at least $40 million", 4e7, None),
        report_claim("c-4", a, "Acme pays $1.25B a month for compute.", "$1.25B a month",
                   1.25e9, 1.25e9, per="month", metric="compute_cost",
                   normalized=(1.5e10, 1.5e10, "USD/year")),
        report_claim("c-5", b, "Acme spends $15 billion a year on compute.",
                   "$15 billion a year", 1.5e10, 1.5e10, per="year", metric="compute_cost",
                   normalized=(1.5e10, 1.5e10, "USD/year")),
        report_claim("c-6", c, "SpaceX will either pay $10 billion for the startup's work.",
                   "10billionforthestartup′swork", 1e10, 1e10, subject="SpaceX",
                   metric="deal_value", repaired=True),
        report_claim("c-7", c, "Orbital has 12,000 GPUs.", "12,000 GPUs", 12000, 12000,
                   unit="GPU", subject="Orbital", metric="gpu_count"),
    ]
    findings = [
        Finding(id="f-contra", kind="contradiction", severity="high", subject="Acme Robotics",
                metric="valuation", claims=("c-1", "c-2"), check="value_mismatch.v1",
                explanation="Acme Robotics valuation: $2B vs $3.5B differ by 43%."),
        Finding(id="f-diverge", kind="divergence", severity="medium", subject="Acme Robotics",
                metric="valuation", claims=("c-1", "c-3"), check="divergence.v1",
                explanation="At least $40M is compatible with $2B but far below.",
                status="dismissed", note="a different round"),
        Finding(id="f-recon", kind="reconciled", severity="info", subject="Acme Robotics",
                metric="compute_cost", claims=("c-4", "c-5"), check="rate_reconcile.v1",
                explanation="Same after normalization.",
                arithmetic="$1.25B/month × 12 = $15B/year", status="confirmed"),
        Finding(id="f-garbled", kind="garbled", severity="low", subject="SpaceX",
                metric="deal_value", claims=("c-6",), check="garbled.v1",
                explanation="alpha.txt chars 3-30: glued text “10billionforthestartup′swork” "
                            "repaired to “$10 billion for the startup's work” (confidence 0.9)."),
        Finding(id="f-noclaims", kind="garbled", severity="low", subject=None, metric=None,
                claims=(), check="garbled.v1", status="explained", note=f"see {HOSTILE_SCRIPT}",
                explanation=f"Garbled run {HOSTILE_IMG} repaired."),
    ]
    return findings, claims, {d.id: d for d in (a, b, c)}, [Skip(path="bad|<b>.bin",
                                                                   reason="not text")]


# --- a random, mutable corpus for the piece writers -------------------------------------------


# subjects and titles with characters every writer must escape
SUBJECTS = ["Acme", "Globex & Co <b>", 'Quote"Corp', "Café Ünïcode", "Initech"]
METRICS = ["revenue", "deal_value", "unknown"]
MODALITIES = ["asserted", "asserted", "quoted", "projection"]
SOURCES = [None, "https://news.example/a?x=1&y=2", "javascript:alert(1)", "http://b.example/"]


def sample_run():
    """The sample report as a run holds it: claims in run order, every finding open."""
    findings, claims, documents, skipped = sample_report()
    findings = [f.model_copy(update={"status": "open", "note": None}) for f in findings]
    claims = sorted(claims, key=lambda c: (c.doc_id, c.span.start, c.id))
    return findings, claims, documents, skipped


def write_run(out: Path) -> None:
    """What a finished run of the sample report leaves in ``out``: the claim store with the
    run's state, and every output file written from it."""
    from pipeline.extract.results import Entry
    from pipeline.models import RepairedText
    from pipeline.state import delta, store

    findings, claims, documents, skipped = sample_run()
    stamp = "sample-run"
    items, entries = [], []
    for doc in documents.values():
        key = store.Key(raw_sha=doc.sha256, suffix=".txt")
        items.append(delta.Item(doc.path, key, len(doc.text), "0:0:0", rows.doc_row(doc)))
        entries.append((key, Entry(doc, RepairedText(doc_id=doc.id, text=doc.text), (),
                                         tuple(c for c in claims if c.doc_id == doc.id))))
    with store.open_store(out) as db:
        db.put_many(entries, stamp)
        db.update_state(store.StateChange(
            replace=True, docs_added=[delta.doc_state(i) for i in items],
            claims_added=[delta.claim_state(c) for c in claims],
            findings_added=[(f.id, f.model_dump_json()) for f in findings],
            meta={"state": "sample-state", "last_run": stamp,
                  "skipped": json.dumps([s.model_dump(mode="json") for s in skipped])}))
    from pipeline import review
    from pipeline.fsio import locked

    with locked(out):
        review.rerender(out)


def _document(path: str, text: str, rng: random.Random) -> Document:
    digest = hashlib.sha256(text.encode()).hexdigest()
    return Document(id="d" + digest[:11], path=path, text=text, sha256=digest,
                    title=rng.choice([None, f"Report on {rng.choice(SUBJECTS)}", "Ünïcode ☃"]),
                    source=rng.choice(SOURCES),
                    published=rng.choice([None, "2024-05-01", "2025-01-31"]))


class Corpus:
    """A random, mutable corpus: documents with claims (some sentences copied from other
    documents, figures that agree or contradict), findings from the real checks, review
    decisions and skipped files."""

    def __init__(self, registry: Any, rules: Any, seed: int) -> None:
        self.registry, self.rules = registry, rules
        self.rng = random.Random(seed)
        self.documents: dict[str, Document] = {}
        self.claims: dict[str, list[Claim]] = {}
        self.decisions: dict[str, tuple[str, str | None]] = {}
        self.skipped: list[Skip] = []
        self.pool: list[tuple[str, str, str, float, str]] = []  # sentences to copy
        self.counter = 0

    def _sentence(self) -> tuple[str, str, str, float, str]:
        rng = self.rng
        if self.pool and rng.random() < 0.3:
            return rng.choice(self.pool)  # a syndicated copy
        subject, metric = rng.choice(SUBJECTS), rng.choice(METRICS)
        value = rng.choice([1, 2, 2, 5, 60, 61])
        figure = f"${value} billion"
        sentence = rng.choice([f"{subject} reported {figure} this year.",
                               f"Sources say {figure} went to {subject}.",
                               f"{subject}: {figure}, up\u2028from last year\x85."])
        made = (sentence, figure, subject, value * 1e9, metric)
        self.pool.append(made)
        return made

    def add_document(self, path: str | None = None) -> Document:
        self.counter += 1
        path = path or f"{self.rng.choice('abcxyz')}{self.counter:03d}_{self.rng.randrange(99)}.txt"
        picked = [self._sentence() for _ in range(self.rng.randrange(0, 5))]
        text = "Intro line.\n" + "\n".join(s for s, *_ in picked) + f"\nEnd {self.counter}.\n"
        document = _document(path, text, self.rng)
        claims, at = [], 0
        for sentence, figure, subject, value, metric in picked:
            at = text.index(sentence, at)
            claims.append(make_claim(
                self.registry, value, doc=document.id, start=at + sentence.index(figure),
                sentence=sentence, text=figure, subject=subject, metric=metric,
                modality=self.rng.choice(MODALITIES)))
            at += len(sentence)
        self.documents[document.id] = document
        self.claims[document.id] = claims
        return document

    def delete_document(self) -> None:
        gone = self.rng.choice(sorted(self.documents))
        del self.documents[gone], self.claims[gone]

    def rename_document(self) -> None:
        doc = self.documents[self.rng.choice(sorted(self.documents))]
        new = f"{self.rng.choice('0abz')}renamed_{self.rng.randrange(999)}.txt"
        self.documents[doc.id] = doc.model_copy(update={"path": new})

    def review(self, findings: Sequence[Finding]) -> None:
        if findings:
            f = self.rng.choice(list(findings))
            self.decisions[f.id] = (self.rng.choice(["confirmed", "dismissed", "explained"]),
                                    self.rng.choice([None, "checked <by> hand & \"noted\""]))

    def skip(self) -> None:
        self.skipped.append(Skip(path=f"bad_{len(self.skipped)}.pdf", reason="unsupported"))

    def run(self) -> tuple[list[Document], list[Claim], list[Finding], list[Skip]]:
        documents = sorted(self.documents.values(), key=lambda d: d.id)
        claims = sorted((c for cs in self.claims.values() for c in cs),
                        key=lambda c: (c.doc_id, c.span.start, c.id))
        findings = []
        from pipeline.check import checks

        for f in checks.run_checks(claims, rules=self.rules):
            decided = self.decisions.get(f.id)
            findings.append(f if decided is None else f.model_copy(
                update={"status": decided[0], "note": decided[1]}))
        return documents, claims, findings, list(self.skipped)

    def view(self, counter: LoadCounter | None = None) -> rows.View:
        documents, claims, findings, skipped = self.run()
        view = rows.memory_view(documents, claims, findings, skipped)
        if counter is not None:
            view.load_claims = counter.wrap(view.load_claims, counter.claims)
            view.load_documents = counter.wrap(view.load_documents, counter.documents)
        return view


def random_corpus(registry: Any, rules: Any, seed: int, n_docs: int) -> Corpus:
    corpus = Corpus(registry, rules, seed)
    for _ in range(n_docs):
        corpus.add_document()
    corpus.skip()
    return corpus


class LoadCounter:
    """Counts what a view's loaders are asked for."""

    def __init__(self) -> None:
        self.claims: list[str] = []
        self.documents: list[str] = []

    @staticmethod
    def wrap(load: Callable[[Sequence[str]], Any], log: list[str]) -> Callable[..., Any]:
        def counted(ids: Sequence[str]) -> Any:
            log.extend(ids)
            return load(ids)

        return counted


def compose_all(folder: Path, view: rows.View, layouts: dict[str, splice.Layout],
                writers: dict[str, Callable[[rows.View], Iterable[splice.Piece]]],
                *, check: bool = True) -> dict[str, splice.Stats]:
    """Compose every file of ``writers`` reusing ``layouts`` (updated in place); assert each
    file is what a fresh render gives (unless not ``check``)."""
    stats = {}
    for name, writer in writers.items():
        stats[name] = splice.Stats()
        layouts[name] = splice.compose(folder / name, writer(view), version="test",
                                       previous=layouts.get(name), stats=stats[name])
        if check:
            assert (folder / name).read_text(encoding="utf-8") == \
                splice.text_of(writer(view)), name
    return stats


def mutate(corpus: Corpus, rng: random.Random) -> None:
    """One random change of the kinds a growing corpus sees."""
    change = rng.choice(["add", "add", "delete", "rename", "review", "skip", "add_copy"])
    if change == "add" or not corpus.documents:
        corpus.add_document()
    elif change == "add_copy":  # a new article repeating known sentences: joins groups
        corpus.rng.seed(rng.random())
        corpus.pool = corpus.pool[-3:] or corpus.pool
        corpus.add_document()
    elif change == "delete":
        corpus.delete_document()
    elif change == "rename":
        corpus.rename_document()
    elif change == "review":
        corpus.review(corpus.run()[2])
    else:
        corpus.skip()
