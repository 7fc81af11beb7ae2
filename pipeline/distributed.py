"""Run the per-document stages and the checks on a Dask distributed cluster.

``claims extract --scheduler ADDRESS`` connects a :class:`dask.distributed.Client` to the
cluster, maps the per-document stages over batches of documents and runs the checks as a
group-by over (subject, metric) blocks, joined into independent groups (see
:func:`independent_groups`). The same stage functions run as locally; nothing
here is home-made distribution.

Workers get the rules as file contents (they need not share a file system with the client)
and load the rules and the spaCy model once per worker process: :func:`_worker_pipeline` is
cached by the rules' fingerprint and the model name. The model must be installed on every
worker.
"""

from __future__ import annotations

import functools
import tempfile
from collections import defaultdict
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.errors import InputError
from pipeline.models import SEVERITY_ORDER, Claim, Document, Finding
from pipeline.rules import RULE_FILES, Rules, load_rules

if TYPE_CHECKING:
    from dask.distributed import Client
    from spacy.language import Language

    from pipeline.api import Failure
    from pipeline.state.store import Entry

DOCS_PER_TASK = 32
CHECK_TASKS = 16

RulesFiles = tuple[tuple[str, bytes], ...]


def connect(address: str, *, timeout: float = 30) -> Client:
    """A client of the cluster at ``address``; a clear error when it cannot be reached."""
    from dask.distributed import Client

    try:
        return Client(address, timeout=timeout)
    except (OSError, TimeoutError, ValueError) as exc:
        raise InputError(f"cannot reach the Dask scheduler at {address}: {exc}",
                         hint="start one (dask scheduler) or check --scheduler") from None


def rules_files(rules: Rules) -> RulesFiles:
    """The rules folder's files as (name, bytes), to ship to workers."""
    root = Path(rules.root)
    names = sorted({*RULE_FILES, *(p.name for p in root.iterdir() if p.is_file())})
    return tuple((name, (root / name).read_bytes()) for name in names
                 if (root / name).is_file() and not name.startswith("."))


@functools.lru_cache(maxsize=4)
def _worker_pipeline(fingerprint: str, files: RulesFiles, model: str) -> tuple[Rules, Language]:
    """Rules and spaCy pipeline of one worker process, loaded once per (rules, model)."""
    from pipeline.api import load_pipeline

    rules = load_rules_cached(_rules_folder(fingerprint, files))
    return rules, load_pipeline(rules, model=model)


def process_batch(documents: Sequence[Document], *, fingerprint: str, files: RulesFiles,
                  model: str, do_repair: bool) -> list[Entry | Failure]:
    """The per-document stages of one batch, in a worker (rules and model loaded once)."""
    from pipeline.api import process_documents

    rules, nlp = _worker_pipeline(fingerprint, files, model)
    return list(process_documents(documents, nlp=nlp, rules=rules, do_repair=do_repair))


def process_documents(
    client: Client,
    documents: Sequence[Document],
    *,
    rules: Rules,
    model: str,
    do_repair: bool = True,
    batch_size: int = DOCS_PER_TASK,
) -> Iterator[Entry | Failure]:
    """The per-document stages of ``documents`` on the cluster; entries in input order."""
    files = rules_files(rules)
    batches = [list(documents[i:i + batch_size]) for i in range(0, len(documents), batch_size)]
    futures = client.map(process_batch, batches, fingerprint=rules.fingerprint(), files=files,
                         model=model, do_repair=do_repair, pure=False)
    for future in futures:
        yield from future.result()
        future.release()


def _check_group(claims: Sequence[Claim], *, fingerprint: str, files: RulesFiles
                 ) -> list[Finding]:
    from pipeline.check.checks import run_checks

    folder = _rules_folder(fingerprint, files)
    return run_checks(claims, rules=load_rules_cached(folder))


@functools.lru_cache(maxsize=4)
def _rules_folder(fingerprint: str, files: RulesFiles) -> Path:
    """The shipped rules written to a folder of this worker, once per fingerprint."""
    folder = Path(tempfile.mkdtemp(prefix=f"claims-rules-{fingerprint}-"))
    for name, data in files:
        (folder / name).write_bytes(data)
    return folder


@functools.lru_cache(maxsize=4)
def load_rules_cached(folder: Path) -> Rules:
    """Rules loaded once per worker process and folder."""
    return load_rules(folder)


def independent_groups(claims: Sequence[Claim], rules: Rules) -> list[list[Claim]]:
    """Split claims into groups no check ever relates across.

    Checks compare claims of one (subject, metric) block — widened to the rules' subject and
    metric families (Colossus 1 within Colossus, operating within net loss) — or claims of
    one document (either/or terms, arithmetic). Claims are joined when they share a block or
    a document; the connected groups are independent. Groups come sorted by their first
    claim's position in ``claims``.
    """
    from pipeline.check.checks import metric_family, subject_family

    parent = list(range(len(claims)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first: dict[tuple[str, ...], int] = {}
    subjects: dict[str, str] = {}
    metrics: dict[str, str] = {}
    for i, claim in enumerate(claims):
        keys: list[tuple[str, ...]] = [("doc", claim.doc_id)]
        if claim.subject is not None:
            if claim.subject not in subjects:
                subjects[claim.subject] = subject_family(rules, claim.subject)
            if claim.metric not in metrics:
                metrics[claim.metric] = metric_family(rules, claim.metric)
            keys.append(("block", subjects[claim.subject], metrics[claim.metric]))
        for key in keys:
            if key in first:
                parent[find(i)] = find(first[key])
            else:
                first[key] = i
    groups: dict[int, list[Claim]] = defaultdict(list)
    for i, claim in enumerate(claims):
        groups[find(i)].append(claim)
    return list(groups.values())  # in order of each group's first claim


def run_checks(
    client: Client, claims: Sequence[Claim], *, rules: Rules, tasks: int = CHECK_TASKS
) -> list[Finding]:
    """The checks as a group-by over independent blocks of claims, merged and sorted.

    See :func:`independent_groups`; groups are dealt to at most ``tasks`` tasks (largest
    first, each to the lightest task) and the findings merged as one run over all claims.
    """
    groups = independent_groups(claims, rules)
    buckets: list[list[Claim]] = [[] for _ in range(max(1, min(tasks, len(groups))))]
    for group in sorted(groups, key=len, reverse=True):
        min(buckets, key=len).extend(group)
    files = rules_files(rules)
    futures = client.map(_check_group, [b for b in buckets if b],
                         fingerprint=rules.fingerprint(), files=files, pure=False)
    merged: dict[str, Finding] = {}
    for future in futures:
        for finding in future.result():
            merged[finding.id] = finding
    return sorted(merged.values(), key=lambda f: (SEVERITY_ORDER[f.severity], f.kind, f.id))
