"""Library API: run the whole pipeline and return a result object. Prints nothing."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx

from pipeline import checks, claims, graph, ingest, parse, quantities, repair, report
from pipeline.errors import ArticleError, InputError
from pipeline.fsio import atomic_write, locked, read_article
from pipeline.models import Claim, Document, Finding, RepairedText, Skip
from pipeline.rules import Rules, load_rules

Progress = Callable[[str, int, int], None]


@dataclass
class RunResult:
    """What a run produced; the CLI prints a summary of it."""

    documents: list[Document]
    claims: list[Claim]
    findings: list[Finding]
    skipped: list[Skip]
    outputs: list[Path] = field(default_factory=list)
    graph: nx.MultiDiGraph | None = None

    def findings_by_kind(self) -> dict[str, int]:
        return dict(sorted(Counter(f.kind for f in self.findings).items()))


def corpus_files(corpus: Path) -> list[Path]:
    """Every regular file under ``corpus`` (hidden files excluded), sorted by relative path."""
    if not corpus.exists():
        raise InputError(f"corpus folder not found: {corpus}",
                         hint="pass a folder of .txt, .md or .html articles")
    if not corpus.is_dir():
        raise InputError(f"corpus is not a folder: {corpus}",
                         hint="pass the folder that holds the articles")
    files = [p for p in corpus.rglob("*")
             if p.is_file() and not any(part.startswith(".") for part in
                                        p.relative_to(corpus).parts)]
    return sorted(files, key=lambda p: p.relative_to(corpus).as_posix())


def load_documents(
    corpus: Path, *, rules: Rules, max_bytes: int = ingest.DEFAULT_MAX_BYTES
) -> tuple[list[Document], list[Skip]]:
    """Ingest every article; a bad one becomes a :class:`Skip`, never an exception."""
    documents: list[Document] = []
    skipped: list[Skip] = []
    seen: dict[str, str] = {}
    for path in corpus_files(corpus):
        rel = path.relative_to(corpus).as_posix()
        try:
            data = read_article(path, rel, max_bytes=max_bytes)
            document = ingest.ingest(rel, data, boilerplate=rules.ingest.boilerplate,
                                     max_bytes=max_bytes)
        except ArticleError as exc:
            skipped.append(Skip(path=rel, reason=str(exc).split(": ", 1)[-1]))
            continue
        if document.sha256 in seen:
            skipped.append(Skip(path=rel, reason=f"same text as {seen[document.sha256]}"))
            continue
        seen[document.sha256] = rel
        documents.append(document)
    return documents, skipped


def extract(
    corpus: str | Path,
    *,
    out: str | Path = "out",
    rules_dir: str | Path = "rules",
    model: str | None = None,
    do_repair: bool = True,
    max_bytes: int = ingest.DEFAULT_MAX_BYTES,
    progress: Progress | None = None,
) -> RunResult:
    """Run the pipeline over ``corpus`` and write every output file into ``out``.

    Rules are validated before anything else; then the run holds the ``out`` lock from start
    to end, so a second run on the same folder stops at once (:class:`OutputError`).
    """
    corpus, out = Path(corpus), Path(out)
    rules = load_rules(rules_dir)
    with locked(out):
        return _extract_locked(corpus, out, rules=rules, model=model, do_repair=do_repair,
                               max_bytes=max_bytes, progress=progress)


def _extract_locked(
    corpus: Path,
    out: Path,
    *,
    rules: Rules,
    model: str | None,
    do_repair: bool,
    max_bytes: int,
    progress: Progress | None,
) -> RunResult:
    """The run itself; the caller holds the output-folder lock."""
    documents, skipped = load_documents(corpus, rules=rules, max_bytes=max_bytes)
    nlp = parse.load_nlp(rules, model=model)
    registry = rules.registry
    repaired: list[RepairedText] = [repair.repair(d, enabled=do_repair) for d in documents]
    all_claims: list[Claim] = []
    texts = (r.text for r in repaired)
    for i, (document, fixed, doc) in enumerate(zip(documents, repaired, parse.parse(texts, nlp))):
        found = quantities.extract_quantities(fixed.text, doc_id=document.id, registry=registry)
        all_claims += claims.build_claims(document, fixed, doc, found, rules=rules,
                                          registry=registry)
        if progress:
            progress("extract", i + 1, len(documents))
    all_claims.sort(key=lambda c: (c.doc_id, c.span.start, c.id))
    findings = checks.run_checks(all_claims, rules=rules)
    claim_graph = graph.build_graph(documents, all_claims, findings)
    result = RunResult(documents=documents, claims=all_claims, findings=findings,
                       skipped=skipped, graph=claim_graph)
    result.outputs = write_outputs(result, out)
    return result


def write_outputs(result: RunResult, out: Path) -> list[Path]:
    """Write every output file atomically; the caller holds the output-folder lock."""
    by_doc = {d.id: d for d in result.documents}
    files = {
        "claims.jsonl": report.render_claims_jsonl(result.claims, by_doc),
        "contradictions.json": report.render_json(result.findings, result.claims, by_doc,
                                                  result.skipped),
        "contradictions.md": report.render_markdown(result.findings, result.claims, by_doc,
                                                    result.skipped),
        "report.html": report.render_html(result.findings, result.claims, by_doc,
                                          result.skipped),
    }
    written: list[Path] = []
    for name, text in files.items():
        atomic_write(out / name, text)
        written.append(out / name)
    if result.graph is not None:
        graphml = "\n".join(nx.generate_graphml(result.graph)) + "\n"
        atomic_write(out / "graph.graphml", graphml)
        written.append(out / "graph.graphml")
    return written
