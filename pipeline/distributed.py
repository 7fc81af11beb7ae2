"""Run the per-document stages and the checks on a Dask distributed cluster.

``claims extract --scheduler ADDRESS`` connects a :class:`dask.distributed.Client` to the
cluster, maps the per-document stages over batches of documents and runs the checks as a
group-by over the blocks the checks declare, joined into independent groups (see
:func:`independent_groups`). The same stage functions run as locally; nothing
here is home-made distribution.

Workers get the rules as file contents (they need not share a file system with the client)
and load the rules and the spaCy model once per worker process (see
:func:`pipeline.extract.process.process_batch`). The model must be installed on every worker.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from networkx.utils import UnionFind

from pipeline.check import checks
from pipeline.errors import InputError
from pipeline.extract.process import DOCS_PER_TASK, process_batch
from pipeline.extract.results import Entry, Failure
from pipeline.models import SEVERITY_ORDER, Claim, Document, Finding
from pipeline.rules import Rules, RulesFiles, load_shipped, shipped_files

if TYPE_CHECKING:
    from dask.distributed import Client

CHECK_TASKS = 16


def connect(address: str, *, timeout: float = 30) -> Client:
    """A client of the cluster at ``address``; a clear error when it cannot be reached."""
    from dask.distributed import Client

    try:
        return Client(address, timeout=timeout)
    except (OSError, TimeoutError, ValueError) as exc:
        raise InputError(f"cannot reach the Dask scheduler at {address}: {exc}",
                         hint="start one (dask scheduler) or check --scheduler") from None


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
    files = _ship(client, rules)
    batches = [list(documents[i:i + batch_size]) for i in range(0, len(documents), batch_size)]
    futures = client.map(process_batch, batches, fingerprint=rules.fingerprint(), files=files,
                         model=model, do_repair=do_repair, pure=False)
    for future in futures:
        yield from future.result()
        future.release()


def _ship(client: Client, rules: Rules) -> Any:
    """The rules' files on every worker, as one piece of data named by its content.

    Passed inline, a keyword argument of ``client.map`` over 100 kB becomes a piece of data
    named after the argument (``files``), the same name in every call: a second run on the
    same cluster meets the first one's under that name and the scheduler fails an assertion.
    Scattered under a name of its own per call (not one hashed from the content: a call's
    release of it would race the next call's scatter of the same name)."""
    return client.scatter(shipped_files(rules), broadcast=True, hash=False)


def _check_group(claims: Sequence[Claim], *, fingerprint: str, files: RulesFiles
                 ) -> list[Finding]:
    return checks.run_checks(claims, rules=load_shipped(fingerprint, files))


def independent_groups(claims: Sequence[Claim], rules: Rules) -> list[list[Claim]]:
    """Split claims into groups no check ever relates across.

    A check compares the claims of one of its blocks only, and each check declares its
    blocks (:func:`pipeline.check.checks.claim_blocks`); claims are joined when they share a
    block, and the connected groups are independent. Groups come sorted by their first
    claim's position in ``claims``.
    """
    joined: UnionFind = UnionFind()
    first: dict[tuple[str, str], int] = {}
    cache = checks.UnitCache(rules)
    for i, claim in enumerate(claims):
        joined.union(i)
        for pair in checks.claim_blocks(claim, rules, cache):
            joined.union(first.setdefault(pair, i), i)
    groups: dict[int, list[Claim]] = {}
    for i, claim in enumerate(claims):
        groups.setdefault(joined[i], []).append(claim)
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
    files = _ship(client, rules)
    futures = client.map(_check_group, [b for b in buckets if b],
                         fingerprint=rules.fingerprint(), files=files, pure=False)
    merged: dict[str, Finding] = {}
    for future in futures:
        for finding in future.result():
            merged[finding.id] = finding
    return sorted(merged.values(), key=lambda f: (SEVERITY_ORDER[f.severity], f.kind, f.id))
