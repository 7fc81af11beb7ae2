"""SummEdits numeric pairs through the pipeline: does it catch a summary that changes a number?

    .venv/bin/python benchmarks/summedits.py ../shared/dev/summedits/pairs.jsonl \\
        ../shared/dev/summedits/docs.jsonl                  # every pair, one process
    .venv/bin/python benchmarks/summedits.py PAIRS DOCS --domain ectsum --limit 20
    .venv/bin/python benchmarks/summedits.py PAIRS DOCS --jobs 2 --misses

Data and protocol: ``../shared/dev/summedits/README.md`` (SummEdits, evaluation split, pairs
whose original or edited summary holds a number; ``pairs.jsonl`` and ``docs.jsonl``). The
documents are other publishers' text: they are only ever written to temporary folders.

**Run.** Each pair becomes a two-article corpus in a fresh temporary folder,
``corpus/source.txt`` (the document) and ``corpus/summary.txt`` (the labelled summary), and
``pipeline.api.extract(corpus, out=..., rules_dir=rules/)`` runs on it with a fresh output
folder. Only the run's JSON outputs are read: ``out/contradictions.json`` (findings, their
embedded claims with ``doc``) and ``out/claims.jsonl`` (every claim's frame, for the
diagnosis below).

**Prediction.** A pair is predicted *inconsistent* when one finding of kind
``contradiction``, ``divergence`` or ``arithmetic_error`` holds a claim whose ``doc`` is
``summary.txt`` AND a claim whose ``doc`` is ``source.txt``. Anything else (no finding, a
finding of another kind, a finding inside one document) predicts *consistent*.

**Counts** (per domain and overall; gold label from ``gold_label``):

* ``bal.acc``: balanced accuracy, (recall on inconsistent + (1 - false-flag rate)) / 2;
* ``rec.changed``: recall on the inconsistent pairs whose numbers differ from the original
  summary's (see *Numbers*), the pairs a numeric claims pipeline is expected to catch;
* ``rec.all``: recall on every inconsistent pair (many change a name or a verb only);
* ``false flags``: share of the consistent pairs predicted inconsistent;
* ``s/pair``: seconds per pair inside the worker (folder, run, reading the outputs), the
  model load included where it happens; the wall time and the number of model loads are
  printed under the table.

**Numbers** (``numbers()``): a plain regex pass over the text, not the pipeline. A number is

* a run of digits, with thousands commas (``1,234``) and a decimal part (``6.86``), also
  inside a token (``Q3`` gives 3, ``COVID-19`` gives 19, ``Tier 1`` gives 1), read as a
  decimal value so ``6.90`` = ``6.9`` and ``1,200`` = ``1200``;
* or a cardinal number word (``zero`` ... ``ninety``, hyphenated ``twenty-five``, ``dozen``);
* or an ordinal word, ``first`` ... ``twelfth`` or ``1st`` ... ``12th``, as its digit (so
  ``third quarter`` = ``Q3`` = 3 and ``one-year anniversary`` = ``first-year anniversary``);

followed by a scale word when one comes next (``thousand``, ``million``, ``billion``,
``trillion``; attached ``k``, ``m``, ``mn``, ``mln``, ``b``, ``bn``, ``tn``), which stays part
of the number: ``$3.1 billion`` vs ``$3.1 million`` differ. Units and currency signs are not
compared. The pair's numbers *differ* when the multiset of these numbers in ``summary`` is not
the multiset in ``original_summary``. Years (19xx/20xx), ``Q``-digits, ``N years ago`` and
ordinals before ``quarter``/``half``/``year``/``month``/``week``/``day`` are marked as *period*
numbers for the diagnosis.

**Causes** (heuristic, printed for the missed changed-number pairs; ``diagnose()``). Each
number the summary has and the original summary has not is looked up among the summary
claims whose span overlaps it (``claims.jsonl`` spans) and gets the first cause that applies:

1. ``period number, in no claim's frame``: a period number under no claim, which no summary
   claim's ``period`` or ``as_of`` holds either;
2. ``no claim extracted``: another number under no claim;
3. ``no subject, metric unknown``; 4. ``no subject``; 5. ``metric unknown``: the claim's frame;
6. ``no source claim with that metric``: no source claim has the claim's metric and
   normalized unit; 7. ``source claims have no subject``: those all lack a subject;
8. ``subject differs from the source's``: none of them has the claim's subject;
9. ``qualifier or period differs``: every source claim of that subject, metric and unit has
   another (qualifier, period);
10. ``period in a claim's frame, not compared``: a period number under no claim, but a summary
    claim's ``period`` or ``as_of`` holds it (the period was read, periods are not compared);
11. ``same frame, not flagged (tolerance)``: a source claim of the same subject, metric, unit,
    qualifier and period exists and no finding joins them (the difference is within the
    checks' tolerance, or the intervals overlap);
12. ``<kind> finding instead``: a finding of another kind (scope, reconciled, update...) joins
    the claim to such a source claim (checked before 9-11).

A pair counts under its furthest-reaching number (highest number in this list); a pair that
only drops a number is ``number removed only``. These are hints for the person improving the
pipeline, not a verdict: the checks also cluster subjects and metric families.

``--misses`` prints each missed changed-number pair and each false flag: the summary, the
differing numbers, the summary's claim frames and the findings that hold a summary claim
(kind and explanation).

**Model reuse.** ``api.extract`` has no parameter for a loaded model; it calls
``pipeline.extract.process.load_pipeline`` on every run (~0.5 s of a ~0.75 s pair). By default
this script memoizes that function in its own process(es) (keyed by the rules' fingerprint and
the model name), so each process loads the model once; nothing in ``pipeline/`` is edited, and if
``extract`` stops calling ``load_pipeline`` the memo is simply unused (the footer prints how
many loads happened). ``--fresh-model`` turns the memo off (every pair loads the model, as a
user's separate runs would) to check that the predictions do not change.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
RULES = ROOT / "rules"
SOURCE, SUMMARY = "source.txt", "summary.txt"
JOINING_KINDS = ("contradiction", "divergence", "arithmetic_error")
DOMAINS = ("news", "ectsum")

# --- numbers written in a summary ------------------------------------------------------------

_UNITS = ("zero one two three four five six seven eight nine ten eleven twelve thirteen "
          "fourteen fifteen sixteen seventeen eighteen nineteen").split()
_TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()
WORD_VALUES: dict[str, int] = {w: i for i, w in enumerate(_UNITS)}
WORD_VALUES.update({w: 20 + 10 * i for i, w in enumerate(_TENS)})
WORD_VALUES["dozen"] = 12
_ORDINAL_WORDS = ("first second third fourth fifth sixth seventh eighth ninth tenth eleventh "
                  "twelfth").split()
ORDINALS = {w: i + 1 for i, w in enumerate(_ORDINAL_WORDS)}
ORDINALS.update({f"{i}{'st' if i == 1 else 'nd' if i == 2 else 'rd' if i == 3 else 'th'}": i
                 for i in range(1, 13)})
SCALES = {"thousand": "thousand", "k": "thousand", "million": "million", "m": "million",
          "mn": "million", "mln": "million", "billion": "billion", "b": "billion",
          "bn": "billion", "trillion": "trillion", "tn": "trillion"}

_WORD = "|".join(sorted(WORD_VALUES, key=len, reverse=True))
_NUMBER = re.compile(
    r"(?P<ord>\b(?:" + "|".join(sorted(ORDINALS, key=len, reverse=True)) + r")\b)"
    r"|(?P<num>(?<![\d.,])\d{1,3}(?:,\d{3})+(?:\.\d+)?(?!\d)|\d+(?:\.\d+)?|(?<![\d.])\.\d+)"
    r"|(?P<word>\b(?:" + _WORD + r")(?:-(?:" + "|".join(_UNITS[1:10]) + r"))?\b)",
    re.IGNORECASE,
)
_PERIOD_AFTER = re.compile(r"[\s-]+(?:quarter|half|year|month|week|day)\b", re.IGNORECASE)
_AGO = re.compile(r"\s+years?\s+ago\b", re.IGNORECASE)
_SCALE = re.compile(r"\s*(?:thousand|million|billion|trillion)\b|(?:mln|mn|bn|tn|[kmb])\b",
                    re.IGNORECASE)


@dataclass(frozen=True)
class Number:
    """A number as written: its comparison key, where it is, whether it names a period."""

    key: str
    start: int
    end: int
    text: str
    period: bool


def _decimal(text: str) -> str:
    try:
        value = Decimal(text.replace(",", "")).normalize()
    except InvalidOperation:
        return text
    return format(value, "f")


def numbers(text: str) -> list[Number]:
    """The numbers written in ``text`` (see *Numbers* in the module docstring), in order."""
    found: list[Number] = []
    for match in _NUMBER.finditer(text):
        start, end = match.span()
        period = False
        if match.group("ord"):
            key = str(ORDINALS[match.group("ord").lower()])
            period = bool(_PERIOD_AFTER.match(text, end))
        elif match.group("num"):
            raw = match.group("num")
            key = _decimal(raw)
            before = text[max(0, start - 1):start]
            period = before in ("Q", "q") or bool(_AGO.match(text, end)) or bool(
                re.fullmatch(r"(19|20)\d\d", raw) and not text[end:end + 1].isdigit())
        else:
            words = match.group("word").lower().split("-")
            key = str(sum(WORD_VALUES[w] for w in words))
        scale = _SCALE.match(text, end)
        if scale and not period:
            word = scale.group(0).strip().lower()
            key = f"{key} {SCALES[word]}"
            end = scale.end()
        found.append(Number(key=key, start=start, end=end, text=text[start:end], period=period))
    return found


def number_diff(original: str, summary: str) -> tuple[list[Number], list[Number]]:
    """(numbers of ``original`` missing from ``summary``, numbers of ``summary`` new to it),
    as multisets."""
    left = Counter(n.key for n in numbers(summary))
    right = Counter(n.key for n in numbers(original))
    added_keys, removed_keys = left - right, right - left

    def take(found: Iterable[Number], wanted: Counter[str]) -> list[Number]:
        out: list[Number] = []
        for n in found:
            if wanted[n.key] > 0:
                wanted[n.key] -= 1
                out.append(n)
        return out

    return take(numbers(original), removed_keys), take(numbers(summary), added_keys)


# --- data ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Pair:
    pair_id: str
    domain: str
    doc_id: str
    is_original: bool
    original_summary: str
    summary: str
    inconsistent: bool

    @property
    def changed(self) -> bool:
        removed, added = number_diff(self.original_summary, self.summary)
        return bool(removed or added)


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def load_pairs(path: Path, docs_path: Path, *, domain: str | None, limit: int | None
               ) -> tuple[list[Pair], dict[str, str]]:
    docs = {row["doc_id"]: row["doc"] for row in read_jsonl(docs_path)}
    pairs: list[Pair] = []
    for row in read_jsonl(path):
        if domain and row["domain"] != domain:
            continue
        if row["doc_id"] not in docs:
            raise SystemExit(f"Error: pair {row['pair_id']}: document {row['doc_id']} is not in "
                             f"{docs_path}")
        pairs.append(Pair(pair_id=row["pair_id"], domain=row["domain"], doc_id=row["doc_id"],
                          is_original=bool(row.get("is_original_summary")),
                          original_summary=row["original_summary"], summary=row["summary"],
                          inconsistent=row["gold_label"] == "inconsistent"))
    if limit is not None:
        pairs = pairs[:limit]
    return pairs, {p.doc_id: docs[p.doc_id] for p in pairs}


# --- one pair through the pipeline -----------------------------------------------------------


def _claim_view(claim: dict[str, Any]) -> dict[str, Any]:
    """What the diagnosis and the listing need of an embedded or claims.jsonl claim."""
    span = claim.get("span") or {}
    normalized = claim.get("normalized") or {}
    return {
        "id": claim.get("id"), "doc": claim.get("doc"),
        "start": claim.get("start", span.get("start")), "end": claim.get("end", span.get("end")),
        "surface": claim.get("surface", span.get("text")), "sentence": claim.get("sentence"),
        "subject": claim.get("subject"), "metric": claim.get("metric"),
        "qualifier": claim.get("qualifier"), "period": claim.get("period"),
        "as_of": claim.get("as_of"), "modality": claim.get("modality"),
        "metric_key": claim.get("metric_key"), "qualifiers": claim.get("qualifiers"),
        "period_key": claim.get("period_key"), "subject_how": claim.get("subject_how"),
        "unit": normalized.get("unit", claim.get("unit")),
        "low": normalized.get("low"), "high": normalized.get("high"),
    }


@dataclass
class Outcome:
    """A pair's run: the prediction and what it was made from."""

    pair_id: str
    flagged: bool
    seconds: float
    findings: list[dict[str, Any]] = field(default_factory=list)  # touching the summary
    claims: list[dict[str, Any]] = field(default_factory=list)    # both documents
    error: str | None = None


_LOADS = [0]


def reuse_model() -> None:
    """Memoize ``pipeline.extract.process.load_pipeline`` in this process (see *Model reuse*)."""
    from pipeline.extract import process

    original = process.load_pipeline
    if getattr(original, "_memoized", False):
        return
    cache: dict[tuple[str, str], Any] = {}

    def load_pipeline(rules: Any, *args: Any, **kwargs: Any) -> Any:
        key = (rules.fingerprint(), repr((args, sorted(kwargs.items()))))
        if key not in cache:
            _LOADS[0] += 1
            cache[key] = original(rules, *args, **kwargs)
        return cache[key]

    load_pipeline._memoized = True  # type: ignore[attr-defined]
    process.load_pipeline = load_pipeline  # type: ignore[assignment]


def count_loads() -> None:
    """Count ``load_pipeline`` calls without memoizing them (``--fresh-model``)."""
    from pipeline.extract import process

    original = process.load_pipeline

    def load_pipeline(*args: Any, **kwargs: Any) -> Any:
        _LOADS[0] += 1
        return original(*args, **kwargs)

    process.load_pipeline = load_pipeline  # type: ignore[assignment]


def init_worker(fresh: bool) -> None:
    if fresh:
        count_loads()
    else:
        reuse_model()


def run_pair(pair: Pair, source: str, rules_dir: Path = RULES) -> Outcome:
    """Run the pipeline on (source, summary) in a temporary folder; read its JSON outputs."""
    from pipeline import api

    clock = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="summedits-") as tmp:
        corpus, out = Path(tmp) / "corpus", Path(tmp) / "out"
        corpus.mkdir()
        (corpus / SOURCE).write_text(source, encoding="utf-8")
        (corpus / SUMMARY).write_text(pair.summary + "\n", encoding="utf-8")
        try:
            api.extract(corpus, out=out, rules_dir=rules_dir)
        except Exception as exc:  # noqa: BLE001 - one failing pair is reported, not fatal
            return Outcome(pair.pair_id, flagged=False, seconds=time.perf_counter() - clock,
                           error=f"{type(exc).__name__}: {exc}")
        report = json.loads((out / "contradictions.json").read_text(encoding="utf-8"))
        with (out / "claims.jsonl").open(encoding="utf-8") as handle:
            claims = [_claim_view(json.loads(line)) for line in handle if line.strip()]
    findings: list[dict[str, Any]] = []
    flagged = False
    for finding in report["findings"]:
        docs = {c.get("doc") for c in finding.get("claims", [])}
        if SUMMARY not in docs:
            continue
        joins = finding["kind"] in JOINING_KINDS and SOURCE in docs
        flagged = flagged or joins
        findings.append({"kind": finding["kind"], "explanation": finding["explanation"],
                         "joins": joins,
                         "claims": [_claim_view(c) for c in finding.get("claims", [])]})
    return Outcome(pair.pair_id, flagged=flagged, seconds=time.perf_counter() - clock,
                   findings=findings, claims=claims)


def _run_one(args: tuple[Pair, str]) -> tuple[Outcome, int]:
    pair, source = args
    before = _LOADS[0]
    outcome = run_pair(pair, source)
    return outcome, _LOADS[0] - before


def run_all(pairs: Sequence[Pair], docs: dict[str, str], *, jobs: int, fresh: bool,
            progress: Callable[[int], None] | None = None) -> tuple[list[Outcome], int]:
    """Every pair's outcome, in order, and the number of model loads."""
    work = [(p, docs[p.doc_id]) for p in pairs]
    outcomes: list[Outcome] = []
    loads = 0
    if jobs <= 1:
        init_worker(fresh)
        results: Iterable[tuple[Outcome, int]] = map(_run_one, work)
        for outcome, n in results:
            outcomes.append(outcome)
            loads += n
            if progress:
                progress(len(outcomes))
        return outcomes, loads
    import multiprocessing

    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=init_worker,
                             initargs=(fresh,)) as pool:
        for outcome, n in pool.map(_run_one, work, chunksize=1):
            outcomes.append(outcome)
            loads += n
            if progress:
                progress(len(outcomes))
    return outcomes, loads


# --- diagnosis of a miss ---------------------------------------------------------------------

CAUSES = (
    "number removed only",
    "period number, in no claim's frame",
    "no claim extracted",
    "no subject, metric unknown",
    "no subject",
    "metric unknown",
    "no source claim with that metric",
    "source claims have no subject",
    "subject differs from the source's",
    "qualifier or period differs",
    "period in a claim's frame, not compared",
    "same frame, not flagged (tolerance)",
)  # kinds of other findings ("scope finding instead"...) rank after these


def _overlaps(claim: dict[str, Any], number: Number) -> bool:
    start, end = claim.get("start"), claim.get("end")
    return start is not None and end is not None and start < number.end and number.start < end


def _rank(cause: str) -> int:
    return CAUSES.index(cause) if cause in CAUSES else len(CAUSES)


def diagnose_number(number: Number, outcome: Outcome) -> tuple[str, dict[str, Any] | None]:
    """Why a number new to the summary did not make the pair flagged (see *Causes*)."""
    mine = [c for c in outcome.claims if c["doc"] == SUMMARY and _overlaps(c, number)]
    if not mine and number.period:
        framed = [c for c in outcome.claims if c["doc"] == SUMMARY and number.text.lower()
                  in f"{c.get('period') or ''} {c.get('as_of') or ''}".lower()]
        if framed:
            return "period in a claim's frame, not compared", framed[0]
        return "period number, in no claim's frame", None
    if not mine:
        return "no claim extracted", None
    best: tuple[str, dict[str, Any] | None] = ("no claim extracted", None)
    source = [c for c in outcome.claims if c["doc"] == SOURCE]
    for claim in mine:
        if claim["subject"] is None and claim["metric"] == "unknown":
            cause = "no subject, metric unknown"
        elif claim["subject"] is None:
            cause = "no subject"
        elif claim["metric"] == "unknown":
            cause = "metric unknown"
        else:
            same = [s for s in source
                    if s["metric"] == claim["metric"] and s["unit"] == claim["unit"]]
            peers = [s for s in same if s["subject"] == claim["subject"]]
            ids = {s["id"] for s in peers}
            other = next((f["kind"] for f in outcome.findings
                          if any(c["id"] == claim["id"] for c in f["claims"])
                          and any(c["id"] in ids for c in f["claims"])), None)
            if not same:
                cause = "no source claim with that metric"
            elif not peers and all(s["subject"] is None for s in same):
                cause = "source claims have no subject"
            elif not peers:
                cause = "subject differs from the source's"
            elif other is not None:
                cause = f"{other} finding instead"
            elif all((s["qualifier"], s["period"]) != (claim["qualifier"], claim["period"])
                     for s in peers):
                cause = "qualifier or period differs"
            else:
                cause = "same frame, not flagged (tolerance)"
        if _rank(cause) >= _rank(best[0]):
            best = (cause, claim)
    return best


def diagnose(pair: Pair, outcome: Outcome) -> str:
    """The cause a missed changed-number pair counts under: its furthest-reaching number."""
    _, added = number_diff(pair.original_summary, pair.summary)
    if not added:
        return "number removed only"
    causes = [diagnose_number(n, outcome)[0] for n in added]
    return max(causes, key=_rank)


# --- report ----------------------------------------------------------------------------------


def _ratio(hit: int, total: int) -> str:
    return f"{hit}/{total} ({100 * hit / total:.1f}%)" if total else "-"


def _pct(hit: int, total: int) -> float | None:
    return hit / total if total else None


def table_rows(pairs: Sequence[Pair], outcomes: Sequence[Outcome]) -> list[list[str]]:
    rows: list[list[str]] = []
    groups = [(d, [i for i, p in enumerate(pairs) if p.domain == d]) for d in DOMAINS]
    groups = [g for g in groups if g[1]]
    groups.append(("overall", list(range(len(pairs)))))
    for name, idx in groups:
        bad = [i for i in idx if pairs[i].inconsistent]
        good = [i for i in idx if not pairs[i].inconsistent]
        changed = [i for i in bad if pairs[i].changed]
        caught = sum(outcomes[i].flagged for i in bad)
        caught_changed = sum(outcomes[i].flagged for i in changed)
        false = sum(outcomes[i].flagged for i in good)
        tpr, fpr = _pct(caught, len(bad)), _pct(false, len(good))
        balanced = "-" if tpr is None or fpr is None else f"{100 * (tpr + 1 - fpr) / 2:.1f}%"
        seconds = sum(outcomes[i].seconds for i in idx) / len(idx) if idx else 0.0
        rows.append([name, str(len(idx)), balanced, _ratio(caught_changed, len(changed)),
                     _ratio(caught, len(bad)), _ratio(false, len(good)), f"{seconds:.2f}"])
    return rows


def print_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        cells = [str(c).ljust(w) if i == 0 else str(c).rjust(w)
                 for i, (c, w) in enumerate(zip(row, widths, strict=True))]
        print("  ".join(cells).rstrip())


def _frame(claim: dict[str, Any]) -> str:
    extra = "".join(f" {k}={claim[k]}" for k in ("qualifier", "period", "as_of",
                                                 "subject_how", "metric_key", "qualifiers",
                                                 "period_key", "modality")
                    if claim.get(k))
    return (f"{claim['surface']!r}: subject={claim['subject']} metric={claim['metric']} "
            f"unit={claim['unit']}{extra}")


def print_pair(pair: Pair, outcome: Outcome, label: str) -> None:
    removed, added = number_diff(pair.original_summary, pair.summary)
    gold = "inconsistent" if pair.inconsistent else "consistent"
    print(f"\n[{label}] {pair.pair_id} ({pair.domain}, gold {gold})")
    print(f"  summary:  {pair.summary}")
    if removed or added:
        print(f"  numbers:  original {[n.text for n in removed]} -> summary "
              f"{[n.text for n in added]}")
    else:
        print("  numbers:  same as the original summary's")
    if outcome.error:
        print(f"  error:    {outcome.error}")
    if label == "missed":
        for number in added:
            cause, claim = diagnose_number(number, outcome)
            where = f" (claim {_frame(claim)})" if claim else ""
            print(f"  cause:    {number.text!r}: {cause}{where}")
    mine = [c for c in outcome.claims if c["doc"] == SUMMARY]
    print(f"  summary claims ({len(mine)}):")
    for claim in mine:
        print(f"    - {_frame(claim)}")
    if not outcome.findings:
        print("  findings: none holds a summary claim")
    for finding in outcome.findings:
        mark = "*" if finding["joins"] else " "
        print(f"  {mark} {finding['kind']}: {finding['explanation']}")
        if finding["joins"]:
            for claim in finding["claims"]:
                print(f"      {claim['doc']}: {claim['sentence']}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("pairs", type=Path, help="pairs.jsonl")
    parser.add_argument("docs", type=Path, help="docs.jsonl")
    parser.add_argument("--domain", choices=DOMAINS, help="only this domain")
    parser.add_argument("--limit", type=int, help="only the first N pairs (after --domain)")
    parser.add_argument("--jobs", type=int, default=1, help="pairs run in N processes")
    parser.add_argument("--misses", action="store_true",
                        help="list each missed changed-number pair and each false flag")
    parser.add_argument("--fresh-model", action="store_true",
                        help="load the spaCy model on every pair (no memo; see the docstring)")
    args = parser.parse_args(argv)
    if args.jobs < 1 or (args.limit is not None and args.limit < 1):
        parser.error("--jobs and --limit must be at least 1")
    pairs, docs = load_pairs(args.pairs, args.docs, domain=args.domain, limit=args.limit)
    if not pairs:
        print("no pairs selected")
        return 1

    def progress(done: int) -> None:
        if sys.stderr.isatty():
            print(f"\r{done}/{len(pairs)} pairs", end="", file=sys.stderr, flush=True)

    clock = time.perf_counter()
    outcomes, loads = run_all(pairs, docs, jobs=args.jobs, fresh=args.fresh_model,
                              progress=progress)
    wall = time.perf_counter() - clock
    if sys.stderr.isatty():
        print(file=sys.stderr)

    print_table(["domain", "pairs", "bal.acc", "rec.changed", "rec.all", "false flags",
                 "s/pair"], table_rows(pairs, outcomes))
    print(f"\nwall {wall:.1f} s for {len(pairs)} pairs, {args.jobs} process(es), spaCy model "
          f"loaded {loads} time(s) ({'fresh per pair' if args.fresh_model else 'memoized'})")
    errors = [o for o in outcomes if o.error]
    if errors:
        print(f"{len(errors)} pair(s) failed (counted as not flagged): "
              + ", ".join(o.pair_id for o in errors[:5]))

    missed = [(p, o) for p, o in zip(pairs, outcomes, strict=True)
              if p.inconsistent and p.changed and not o.flagged]
    false = [(p, o) for p, o in zip(pairs, outcomes, strict=True)
             if not p.inconsistent and o.flagged]
    if missed:
        causes = Counter((diagnose(p, o), p.domain) for p, o in missed)
        names = sorted({c for c, _ in causes}, key=lambda c: (_rank(c), c))
        print("\nmissed changed-number pairs by cause (heuristic; see the docstring):")
        rows = [[c, *(str(causes[c, d]) for d in DOMAINS),
                 str(sum(causes[c, d] for d in DOMAINS))] for c in names]
        rows.append(["total", *(str(sum(causes[c, d] for c in names)) for d in DOMAINS),
                     str(len(missed))])
        print_table(["cause", *DOMAINS, "all"], rows)
    if false:
        print("\nfalse flags: "
              + ", ".join(f"{k} {v}" for k, v in sorted(Counter(
                  "numbers changed" if p.changed else "numbers as original"
                  for p, _ in false).items())))
    if args.misses:
        for pair, outcome in missed:
            print_pair(pair, outcome, "missed")
        for pair, outcome in false:
            print_pair(pair, outcome, "false flag")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
