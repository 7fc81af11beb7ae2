"""Findings against the answer key of the multi-source development corpus (issue 15).

    .venv/bin/python benchmarks/findings.py                      # every cluster of the key
    .venv/bin/python benchmarks/findings.py --cluster tesla-q3-2023 --misses
    .venv/bin/python benchmarks/findings.py --all-together       # also one corpus of all
    .venv/bin/python benchmarks/findings.py --texts /tmp/t --key /tmp/t/key.yaml

**Inputs.** The key is ``benchmarks/stories/key.yaml``; while it does not exist, every
``benchmarks/stories/key*.yaml`` (the parts ``key-a.yaml``, ``key-b.yaml``...) is read, in name
order; ``--key FILE`` (repeatable) names the files instead. The texts are
``<texts>/<cluster>/<doc>.txt`` (``--texts``, default ``benchmarks/stories/texts``, git-ignored;
``benchmarks/stories/rebuild.py`` rebuilds them). Each article's ``sha256`` in the key is
checked against its file: a missing or changed text is reported on one line and its cluster is
marked incomplete (``*`` after the text count); the run goes on with the texts there are. An
entry naming a document whose text is missing is left out of the counts (listed as
unavailable); an entry whose figure is not in its document's text is reported (a key or text
problem) and stays in the counts (it cannot be found). Malformed key entries are reported, one
line each, and skipped.

**Run.** Each cluster's texts are copied to a temporary corpus as
``corpus/<cluster>/<doc>.txt`` and ``pipeline.api.extract`` runs on it with a fresh output
folder; the findings are read from ``out/contradictions.json``, the claim frames (for
``--misses``) from ``out/claims.jsonl``. ``--all-together`` also runs one corpus holding
every selected cluster. Nothing is written to the repository.

**Matching.** A claim *matches* a key figure when the claim is in the figure's document
(``doc_id`` of the embedded claim -> ``path`` in the ``documents`` of ``contradictions.json``
-> ``<cluster>/<doc>.txt``) and its character span ``[start, end)`` overlaps an occurrence of
the figure (an exact, case-sensitive substring) in that document's text as the pipeline read
it (``RunResult.documents``; the file's text as a fallback); when the figure occurs several
times, any occurrence counts. A *finding matches* an entry when two claims of the finding, in
two different documents, match its two sides (``a`` and ``b``, in either order), where one
side may match its figure (the same text) in any other document of the cluster: a key entry
names one pair of outlets, but a misreported figure set against the right one as another
outlet writes it is the same disagreement.

**Counts** (per cluster, then overall = the sum of the per-cluster runs):

* ``must``, ``nice``: flag entries of that level matched by a ``contradiction`` finding /
  entries; ``flag~div``: flag entries matched only by a ``divergence`` finding;
* ``avoid``: avoid entries violated (matched by a ``contradiction`` finding) / entries;
  ``avoid~div``: avoid entries matched by a ``divergence`` finding;
* ``contra``: contradiction findings; ``match``: those matching at least one flag entry;
  ``prec`` = match / contra; ``div``: divergence findings; ``div~flag``: those matching a flag
  entry;
* ``cross`` (``--all-together`` only): contradiction findings whose claims come from two or
  more clusters (different stories: all false).

``--misses`` then lists every false contradiction finding (not matching a flag entry: its
explanation, the avoid entry it violates if any, and each claim's document and sentence),
every missed must flag (each side's claims over the figure with their frames, and the
findings of any kind joining the two sides), and, together, the cross-cluster findings.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import sys
import tempfile
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
STORIES = ROOT / "benchmarks" / "stories"
RULES = ROOT / "rules"
LEVELS = ("must", "nice")


# --- the key ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Side:
    doc: str
    figure: str


@dataclass(frozen=True)
class Entry:
    id: str
    group: str  # flag | avoid
    level: str  # must | nice
    about: str
    a: Side
    b: Side
    why: str

    def docs(self) -> tuple[str, str]:
        return self.a.doc, self.b.doc


@dataclass(frozen=True)
class Article:
    doc: str
    sha256: str | None
    url: str | None
    query: str | None


@dataclass
class Cluster:
    name: str
    kind: str
    articles: list[Article]
    entries: list[Entry]
    key_file: str


def key_files(stories: Path = STORIES) -> list[Path]:
    """``key.yaml`` when it exists, else every ``key*.yaml`` in name order."""
    main = stories / "key.yaml"
    if main.is_file():
        return [main]
    return sorted(p for p in stories.glob("key*.yaml") if p.is_file())


def _side(raw: Any, where: str, problems: list[str]) -> Side | None:
    if not isinstance(raw, dict) or not isinstance(raw.get("doc"), str) \
            or not isinstance(raw.get("figure"), str) or not raw["figure"]:
        problems.append(f"{where}: needs {{doc: ..., figure: ...}}")
        return None
    return Side(doc=raw["doc"], figure=raw["figure"])


def load_key(files: Sequence[Path]) -> tuple[list[Cluster], list[str]]:
    """Clusters of every key file, and one line per problem (bad entries are skipped)."""
    clusters: list[Cluster] = []
    problems: list[str] = []
    seen: dict[str, str] = {}
    for path in files:
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as exc:
            problems.append(f"{path.name}: cannot read ({str(exc).splitlines()[0]})")
            continue
        raw_clusters = data.get("clusters") if isinstance(data, dict) else None
        if not isinstance(raw_clusters, list):
            problems.append(f"{path.name}: no 'clusters' list")
            continue
        for i, raw in enumerate(raw_clusters):
            where = f"{path.name}: clusters -> {i}"
            if not isinstance(raw, dict) or not isinstance(raw.get("name"), str):
                problems.append(f"{where}: needs a name")
                continue
            name = raw["name"]
            if name in seen:
                problems.append(f"{where}: cluster {name} already in {seen[name]}; skipped")
                continue
            seen[name] = path.name
            articles: list[Article] = []
            for j, art in enumerate(raw.get("articles") or []):
                if not isinstance(art, dict) or not isinstance(art.get("doc"), str):
                    problems.append(f"{where} ({name}) -> articles -> {j}: needs a doc")
                    continue
                articles.append(Article(doc=art["doc"], sha256=art.get("sha256"),
                                        url=art.get("url"), query=art.get("query")))
            known = {a.doc for a in articles}
            entries: list[Entry] = []
            for group in ("flag", "avoid"):
                for j, ent in enumerate(raw.get(group) or []):
                    at = f"{where} ({name}) -> {group} -> {j}"
                    if not isinstance(ent, dict):
                        problems.append(f"{at}: not a mapping")
                        continue
                    a = _side(ent.get("a"), f"{at} -> a", problems)
                    b = _side(ent.get("b"), f"{at} -> b", problems)
                    level = ent.get("level", "must")
                    if level not in LEVELS:
                        problems.append(f"{at}: level {level!r} is not must or nice")
                        continue
                    if a is None or b is None:
                        continue
                    unknown = [d for d in (a.doc, b.doc) if d not in known]
                    if unknown:
                        problems.append(f"{at}: document {unknown[0]} is not among the "
                                        "cluster's articles; skipped")
                        continue
                    entries.append(Entry(id=str(ent.get("id") or f"{name}/{group}{j}"),
                                         group=group, level=level,
                                         about=str(ent.get("about") or ""), a=a, b=b,
                                         why=str(ent.get("why") or "")))
            clusters.append(Cluster(name=name, kind=str(raw.get("kind") or ""),
                                    articles=articles, entries=entries, key_file=path.name))
    return clusters, problems


# --- texts -----------------------------------------------------------------------------------


def text_path(texts: Path, cluster: str, doc: str) -> Path:
    return texts / cluster / f"{doc}.txt"


def sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def check_texts(cluster: Cluster, texts: Path) -> tuple[list[str], dict[str, str]]:
    """(docs present, {doc: problem}) for a cluster's articles: missing or changed texts."""
    present: list[str] = []
    problems: dict[str, str] = {}
    for art in cluster.articles:
        path = text_path(texts, cluster.name, art.doc)
        if not path.is_file():
            problems[art.doc] = "missing"
            continue
        present.append(art.doc)
        if not art.sha256:
            problems[art.doc] = "no sha256 in the key (not verified)"
        elif sha256_file(path) != art.sha256:
            problems[art.doc] = "changed (sha256 differs from the key)"
    return present, problems


# --- one run ---------------------------------------------------------------------------------


def occurrences(text: str, figure: str) -> list[tuple[int, int]]:
    """Every occurrence of ``figure`` in ``text`` (overlapping ones too)."""
    found: list[tuple[int, int]] = []
    at = text.find(figure)
    while at >= 0:
        found.append((at, at + len(figure)))
        at = text.find(figure, at + 1)
    return found


@dataclass
class Run:
    """A corpus of one or more clusters through the pipeline: findings, claims, texts."""

    findings: list[dict[str, Any]]
    claims: list[dict[str, Any]]
    texts: dict[tuple[str, str], str]  # (cluster, doc) -> text as the pipeline read it
    seconds: float
    error: str | None = None


def _doc_key(path: str) -> tuple[str, str]:
    """``<cluster>/<doc>.txt`` -> (cluster, doc)."""
    cluster, _, name = path.partition("/")
    return cluster, name[:-4] if name.endswith(".txt") else name


def run_corpus(texts: Path, members: Sequence[tuple[str, Sequence[str]]],
               rules_dir: Path = RULES) -> Run:
    """Copy the texts of ``members`` ((cluster, docs)) into a temporary corpus and run it."""
    from pipeline import api

    clock = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="findings-") as tmp:
        corpus, out = Path(tmp) / "corpus", Path(tmp) / "out"
        for cluster, docs in members:
            (corpus / cluster).mkdir(parents=True)
            for doc in docs:
                shutil.copyfile(text_path(texts, cluster, doc), corpus / cluster / f"{doc}.txt")
        try:
            result = api.extract(corpus, out=out, rules_dir=rules_dir)
        except Exception as exc:  # noqa: BLE001 - one failing cluster is reported, not fatal
            return Run([], [], {}, time.perf_counter() - clock,
                       error=f"{type(exc).__name__}: {exc}")
        report = json.loads((out / "contradictions.json").read_text(encoding="utf-8"))
        with (out / "claims.jsonl").open(encoding="utf-8") as handle:
            claims = [json.loads(line) for line in handle if line.strip()]
        read = {d.path: d.text for d in result.documents}
    paths = {d["id"]: d["path"] for d in report["documents"]}
    doc_texts: dict[tuple[str, str], str] = {}
    for cluster, docs in members:
        for doc in docs:
            path = f"{cluster}/{doc}.txt"
            text = read.get(path)
            if text is None:  # skipped by the pipeline: the file's own text
                text = text_path(texts, cluster, doc).read_text(encoding="utf-8",
                                                                errors="replace")
            doc_texts[cluster, doc] = text

    def located(claim: dict[str, Any]) -> dict[str, Any]:
        span = claim.get("span") or {}
        path = paths.get(claim.get("doc_id", ""), claim.get("doc") or "")
        return {**claim, "key": _doc_key(path),
                "start": claim.get("start", span.get("start")),
                "end": claim.get("end", span.get("end")),
                "surface": claim.get("surface", span.get("text"))}

    findings = [{**f, "claims": [located(c) for c in f.get("claims", [])]}
                for f in report["findings"]]
    return Run(findings, [located(c) for c in claims], doc_texts,
               time.perf_counter() - clock)


# --- matching and counting -------------------------------------------------------------------


def side_matches(claim: dict[str, Any], cluster: str, side: Side,
                 spots: dict[tuple[str, str, str], list[tuple[int, int]]]) -> bool:
    if claim["key"] != (cluster, side.doc) or claim["start"] is None:
        return False
    return any(claim["start"] < end and start < claim["end"]
               for start, end in spots.get((cluster, side.doc, side.figure), []))


def finding_matches(finding: dict[str, Any], cluster: str, entry: Entry,
                    spots: dict[tuple[str, str, str], list[tuple[int, int]]]) -> bool:
    claims = finding["claims"]
    for i, first in enumerate(claims):
        for j, second in enumerate(claims):
            if i == j or first["key"] == second["key"]:
                continue
            if side_matches(first, cluster, entry.a, spots) and (
                    side_matches(second, cluster, entry.b, spots)
                    or _elsewhere(second, cluster, entry.b, spots)):
                return True
            if side_matches(second, cluster, entry.b, spots) \
                    and _elsewhere(first, cluster, entry.a, spots):
                return True
    return False


def _elsewhere(claim: dict[str, Any], cluster: str, side: Side,
               spots: dict[tuple[str, str, str], list[tuple[int, int]]]) -> bool:
    """The claim matches the side's figure (the same text) in another document of the cluster:
    a misreported figure set against the right one as any outlet writes it."""
    key = claim["key"]
    if key[0] != cluster or key[1] == side.doc:
        return False
    return side_matches(claim, cluster, Side(key[1], side.figure), spots)


@dataclass
class Score:
    """The counts of one row of the table."""

    texts: int = 0
    articles: int = 0
    incomplete: bool = False
    found: dict[str, int] = field(default_factory=lambda: dict.fromkeys(LEVELS, 0))
    total: dict[str, int] = field(default_factory=lambda: dict.fromkeys(LEVELS, 0))
    flag_div: int = 0
    avoid_hit: int = 0
    avoid_div: int = 0
    avoid_total: int = 0
    contra: int = 0
    match: int = 0
    div: int = 0
    div_match: int = 0
    cross: int | None = None
    unavailable: int = 0

    def add(self, other: Score) -> None:
        for name in ("texts", "articles", "flag_div", "avoid_hit", "avoid_div", "avoid_total",
                     "contra", "match", "div", "div_match", "unavailable"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for level in LEVELS:
            self.found[level] += other.found[level]
            self.total[level] += other.total[level]
        self.incomplete = self.incomplete or other.incomplete
        if other.cross is not None:
            self.cross = (self.cross or 0) + other.cross


@dataclass
class Judged:
    """A run judged against the key: the score and what ``--misses`` lists."""

    score: Score
    false: list[tuple[dict[str, Any], list[Entry]]]  # contradiction finding, avoid entries hit
    missed: list[tuple[str, Entry]]  # (cluster, must flag entry)
    cross: list[dict[str, Any]]
    figure_problems: list[str]


def judge(run: Run, clusters: Sequence[Cluster], present: dict[str, list[str]],
          *, together: bool = False) -> Judged:
    score = Score(cross=0 if together else None)
    spots: dict[tuple[str, str, str], list[tuple[int, int]]] = {}
    figure_problems: list[str] = []
    live: list[tuple[str, Entry]] = []
    for cluster in clusters:
        have = set(present.get(cluster.name, []))
        score.articles += len(cluster.articles)
        score.texts += len(have)
        for entry in cluster.entries:
            if not set(entry.docs()) <= have:
                score.unavailable += 1
                continue
            live.append((cluster.name, entry))
            for side in (entry.a, entry.b):
                found = occurrences(run.texts[cluster.name, side.doc], side.figure)
                if not found:
                    figure_problems.append(f"{cluster.name}: {entry.id}: figure {side.figure!r} "
                                           f"is not in {side.doc}")
                for doc in have:  # the same figure as other outlets write it (_elsewhere)
                    spots[cluster.name, doc, side.figure] = occurrences(
                        run.texts[cluster.name, doc], side.figure)
    contradictions = [f for f in run.findings if f["kind"] == "contradiction"]
    divergences = [f for f in run.findings if f["kind"] == "divergence"]
    hits = {id(f): [(c, e) for c, e in live if finding_matches(f, c, e, spots)]
            for f in contradictions + divergences}
    for name, entry in live:
        by_contra = any((name, entry) in hits[id(f)] for f in contradictions)
        by_div = any((name, entry) in hits[id(f)] for f in divergences)
        if entry.group == "flag":
            score.total[entry.level] += 1
            score.found[entry.level] += by_contra
            score.flag_div += by_div and not by_contra
        else:
            score.avoid_total += 1
            score.avoid_hit += by_contra
            score.avoid_div += by_div
    missed = [(c, e) for c, e in live if e.group == "flag" and e.level == "must"
              and not any((c, e) in hits[id(f)] for f in contradictions)]
    false: list[tuple[dict[str, Any], list[Entry]]] = []
    cross: list[dict[str, Any]] = []
    score.contra, score.div = len(contradictions), len(divergences)
    for finding in contradictions:
        flags = [e for _, e in hits[id(finding)] if e.group == "flag"]
        score.match += bool(flags)
        if together and len({c["key"][0] for c in finding["claims"]}) > 1:
            cross.append(finding)  # listed apart from the false findings of one story
        elif not flags:
            false.append((finding, [e for _, e in hits[id(finding)] if e.group == "avoid"]))
    score.div_match = sum(any(e.group == "flag" for _, e in hits[id(f)]) for f in divergences)
    if together:
        score.cross = len(cross)
    return Judged(score, false, missed, cross, figure_problems)


# --- printing --------------------------------------------------------------------------------


def _of(hit: int, total: int) -> str:
    return f"{hit}/{total}"


def row(name: str, s: Score, *, together: bool) -> list[str]:
    prec = f"{100 * s.match / s.contra:.0f}%" if s.contra else "-"
    texts = f"{s.texts}/{s.articles}" + ("*" if s.incomplete else "")
    cells = [name, texts, _of(s.found["must"], s.total["must"]),
             _of(s.found["nice"], s.total["nice"]), str(s.flag_div),
             _of(s.avoid_hit, s.avoid_total), str(s.avoid_div), str(s.contra), str(s.match),
             prec, str(s.div), str(s.div_match)]
    if together:
        cells.append("-" if s.cross is None else str(s.cross))
    return cells


HEADER = ["cluster", "texts", "must", "nice", "flag~div", "avoid", "avoid~div", "contra",
          "match", "prec", "div", "div~flag"]


def print_table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> None:
    rows = list(rows)
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    for line in [header, *rows]:
        cells = [str(c).ljust(w) if i == 0 else str(c).rjust(w)
                 for i, (c, w) in enumerate(zip(line, widths, strict=True))]
        print("  ".join(cells).rstrip())


def _claim_line(claim: dict[str, Any]) -> str:
    cluster, doc = claim["key"]
    return f"{cluster}/{doc} [{claim.get('surface')}]: {claim.get('sentence')}"


def _frame(claim: dict[str, Any]) -> str:
    extra = "".join(f" {k}={claim[k]}" for k in ("qualifier", "period", "period_how", "as_of")
                    if claim.get(k))
    unit = (claim.get("normalized") or {}).get("unit", claim.get("unit"))
    how = claim.get("subject_how")
    return (f"{claim.get('surface')!r}: subject={claim.get('subject')}"
            f"{f' ({how})' if how else ''} metric={claim.get('metric')} "
            f"key={claim.get('metric_key')!r} unit={unit} "
            f"modality={claim.get('modality')}{extra}")


def print_misses(title: str, judged: Judged, run: Run) -> None:
    if judged.false:
        print(f"\n{title}: false contradiction findings ({len(judged.false)})")
    for finding, avoided in judged.false:
        print(f"\n  {finding['id']} {finding.get('subject')} / {finding.get('metric')}")
        print(f"    {finding['explanation']}")
        for entry in avoided:
            print(f"    violates avoid {entry.id} ({entry.level}): {entry.why}")
        for claim in finding["claims"]:
            print(f"    - {_claim_line(claim)}")
    if judged.missed:
        print(f"\n{title}: missed must flags ({len(judged.missed)})")
    spots_cache: dict[tuple[str, str, str], list[tuple[int, int]]] = {}
    for cluster, entry in judged.missed:
        print(f"\n  {entry.id}: {entry.about}")
        print(f"    why flag: {entry.why}")
        sides: list[list[str]] = []
        for label, side in (("a", entry.a), ("b", entry.b)):
            spots = occurrences(run.texts[cluster, side.doc], side.figure)
            spots_cache[cluster, side.doc, side.figure] = spots
            over = [c for c in run.claims
                    if side_matches(c, cluster, side, spots_cache)]
            sides.append([c["id"] for c in over])
            print(f"    {label}: {side.doc} {side.figure!r}")
            if not spots:
                print("       figure not in the text")
            elif not over:
                print("       no claim over the figure")
            for claim in over:
                print(f"       claim {_frame(claim)}")
        joined = [f for f in run.findings
                  if any(c["id"] in sides[0] for c in f["claims"])
                  and any(c["id"] in sides[1] for c in f["claims"])]
        if not joined:
            print("    no finding joins the two sides")
        for finding in joined:
            print(f"    {finding['kind']}: {finding['explanation']}")
    if judged.cross:
        print(f"\n{title}: cross-cluster contradiction findings ({len(judged.cross)})")
        for finding in judged.cross:
            print(f"\n  {finding['id']} {finding['explanation']}")
            for claim in finding["claims"]:
                print(f"    - {_claim_line(claim)}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--cluster", action="append", metavar="NAME",
                        help="only this cluster (repeatable)")
    parser.add_argument("--all-together", action="store_true",
                        help="also run one corpus holding every selected cluster")
    parser.add_argument("--texts", type=Path, default=STORIES / "texts",
                        help="folder of <cluster>/<doc>.txt (default: benchmarks/stories/texts)")
    parser.add_argument("--key", type=Path, action="append", metavar="FILE",
                        help="key file (repeatable; default: key.yaml, else key*.yaml)")
    parser.add_argument("--misses", action="store_true",
                        help="list false contradiction findings and missed must flags")
    args = parser.parse_args(argv)
    files = args.key or key_files()
    if not files:
        print(f"Error: no key file in {STORIES} (key.yaml or key-*.yaml); pass --key FILE",
              file=sys.stderr)
        return 1
    clusters, problems = load_key(files)
    if args.cluster:
        unknown = sorted(set(args.cluster) - {c.name for c in clusters})
        if unknown:
            print(f"Error: no cluster named {', '.join(unknown)} in "
                  f"{', '.join(f.name for f in files)}", file=sys.stderr)
            return 1
        clusters = [c for c in clusters if c.name in args.cluster]
    print(f"key: {', '.join(str(f) for f in files)}; texts: {args.texts}")
    for problem in problems:
        print(f"key problem: {problem}")

    present: dict[str, list[str]] = {}
    text_lines: list[str] = []
    incomplete: set[str] = set()
    for cluster in clusters:
        docs, trouble = check_texts(cluster, args.texts)
        present[cluster.name] = docs
        for doc, what in trouble.items():
            text_lines.append(f"text {cluster.name}/{doc}.txt: {what}")
            if not what.startswith("no sha256"):
                incomplete.add(cluster.name)
    for line in text_lines:
        print(line)

    rows: list[list[str]] = []
    total = Score()
    details: list[tuple[str, Judged, Run]] = []
    clock = time.perf_counter()
    for cluster in clusters:
        docs = present[cluster.name]
        if not docs:
            score = Score(articles=len(cluster.articles), incomplete=True,
                          unavailable=len(cluster.entries))
            rows.append(row(cluster.name, score, together=args.all_together))
            total.add(score)
            continue
        run = run_corpus(args.texts, [(cluster.name, docs)])
        if run.error:
            print(f"run {cluster.name}: {run.error}")
        judged = judge(run, [cluster], present)
        judged.score.incomplete = cluster.name in incomplete
        for line in judged.figure_problems:
            print(f"key problem: {line}")
        rows.append(row(cluster.name, judged.score, together=args.all_together))
        total.add(judged.score)
        details.append((cluster.name, judged, run))
    rows.append(row("overall", total, together=args.all_together))
    together: tuple[Judged, Run] | None = None
    if args.all_together:
        members = [(c.name, present[c.name]) for c in clusters if present[c.name]]
        run = run_corpus(args.texts, members)
        if run.error:
            print(f"run all together: {run.error}")
        judged = judge(run, clusters, present, together=True)
        judged.score.incomplete = bool(incomplete)
        rows.append(row("all together", judged.score, together=True))
        together = (judged, run)
    seconds = time.perf_counter() - clock

    print()
    print_table(HEADER + (["cross"] if args.all_together else []), rows)
    print(f"\n{len(clusters)} cluster(s), {seconds:.1f} s; must/nice: flag entries found by a "
          "contradiction finding; prec: contradiction findings matching a flag entry")
    if total.unavailable:
        print(f"{total.unavailable} key entries left out: their texts are missing")
    if args.misses:
        for name, judged, run in details:
            print_misses(name, judged, run)
        if together is not None:
            print_misses("all together", *together)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
