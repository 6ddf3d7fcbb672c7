"""``kg build`` and ``kg remove``: argument handling over :func:`kg.build` and
:func:`kg.pipeline.remove`.

Imports the library inside the commands only (``kg --help`` stays fast); holds no pipeline logic.
"""

from __future__ import annotations

from pathlib import Path

import typer

from kg.cli.common import fail, run_interruptible, warn
from kg.errors import KgError, UsageError, printable

__all__ = ["build", "remove"]


def _check_inputs(inputs: list[Path], jobs: str | None, dask: str | None) -> None:
    """Exit 2 when an input does not exist, --jobs is not N or auto, or --dask is not a scheduler
    address, local or local:N, or both --jobs and --dask are given (the second would be ignored)."""
    from kg.pipeline.runner import check_dask, resolve_jobs

    for p in inputs:
        if not p.exists() and not p.is_symlink():
            fail(f"{p}: no such file or folder", 2)
    if jobs is not None and dask is not None:
        fail(f"--jobs {jobs} and --dask {dask}: the extraction runs either in local processes (--jobs) or on "
             "the Dask cluster (--dask; local:N starts N worker processes here); give one of them", 2)
    jobs = "auto" if jobs is None else jobs
    try:
        resolve_jobs(jobs)
    except KgError as exc:
        fail(exc, 2)
    try:
        check_dask(dask)
    except UsageError as exc:
        fail(exc, 2)
    except KgError as exc:  # the 'distributed' package is not installed
        fail(exc, 1)


def _print_build_report(report, quiet: bool) -> None:
    """The rejected inputs and warnings on stderr, then the summary (on stderr when nothing was built)."""
    for r in report.rejected:
        typer.echo(f"kg: rejected: {printable(r.message)}", err=True)
    for w in report.warnings:
        warn(w)
    if not quiet or not report.files:
        typer.echo(report.summary(), err=not report.files)


def build(
    paths: list[Path] = typer.Argument(None, help="Article .txt files or folders of them (default: seeds/)."),
    out: Path = typer.Option(Path("exports"), "-o", "--out", help="Output folder."),
    html: bool = typer.Option(True, "--html/--no-html", help="Write the pyvis view graph.html."),
    validate: bool = typer.Option(True, "--validate/--no-validate", help="Check the graph against the SHACL shapes."),
    overrides: Path = typer.Option(None, "--overrides", exists=True, dir_okay=False,
                                   help="JSON file of entity merges and splits."),
    max_bytes: int = typer.Option(5_000_000, "--max-bytes", min=1, help="Reject input files larger than this."),
    quiet: bool = typer.Option(False, "-q", "--quiet", help="Print only errors (no progress, no summary)."),
    jobs: str = typer.Option(None, "-j", "--jobs", metavar="N|auto",
                             help="Worker processes for the NLP and extraction (auto, the default: one per "
                                  "core). Not with --dask."),
    incremental: bool = typer.Option(False, "-i", "--incremental",
                                     help="Keep a cache in OUT/.kg-cache; parse only new or changed articles."),
    store: bool = typer.Option(True, "--store/--no-store",
                               help="Keep the Oxigraph store OUT/store (kg query uses it; --no-store: files only)."),
    dask: str = typer.Option(None, "--dask", metavar="SCHEDULER",
                             help="Run the extraction on a Dask cluster (tcp://HOST:8786), or on a "
                                  "LocalCluster started here (local, local:N)."),
    force: bool = typer.Option(False, "--force",
                               help="Write into OUT even if it is not empty and not a kg output folder."),
) -> None:
    """Build the graph of articles into OUT: graph.ttl, graph.trig, events.csv, graph.html, report.json.

    Bad inputs (empty, binary, HTML, too large...) are listed and skipped; report.json lists
    them with a reason code. Exit codes: 0 all inputs built, 3 some inputs rejected (the rest
    built), 2 usage error (also: OUT is not empty and not kg's, unless --force), 130 interrupted
    (previous exports kept), 1 other error. A second build into the same OUT waits for the first.

    The extraction runs in one process per core (--jobs auto, the default), in N processes
    (--jobs N), or on a Dask cluster (--dask): the same bytes either way. --incremental
    re-parses only new or changed articles (same graph as a full build).

    Progress: a bar per stage (read, model load, parse, resolve, write, store, SHACL, view) with
    rate and time left on a terminal; plain lines, no carriage returns, in a log; none with -q.

    Example:  kg build seeds -o exports --incremental
    Example:  kg build corpus/ -o out --jobs 1
    Example:  kg build corpus/ -o out --dask tcp://10.0.0.5:8786
    """
    import kg
    from kg.ingest import NoInputError

    inputs = paths or [Path("seeds")]
    _check_inputs(inputs, jobs, dask)
    jobs = "auto" if jobs is None else jobs
    report = run_interruptible(lambda: kg.build(
        inputs, out, html=html, validate=validate, overrides=str(overrides) if overrides else None,
        max_bytes=max_bytes, jobs=jobs, incremental=incremental, store=store, dask=dask, force=force,
        progress=None if quiet else "auto", on_wait=None if quiet else warn), (NoInputError, UsageError))
    _print_build_report(report, quiet)
    raise typer.Exit(report.exit_code)


def remove(
    ids: list[str] = typer.Argument(..., metavar="ID...", help="Article ids (file stems) to remove."),
    out: Path = typer.Option(Path("exports"), "-o", "--out", help="Output folder of an incremental build."),
    html: bool = typer.Option(True, "--html/--no-html", help="Write the pyvis view graph.html."),
    validate: bool = typer.Option(True, "--validate/--no-validate", help="Check the graph against the SHACL shapes."),
    quiet: bool = typer.Option(False, "-q", "--quiet", help="Print only errors."),
) -> None:
    """Remove articles from the build in OUT (any build of this kg; nothing parsed again that the
    --incremental cache holds; after a build without it, the articles parsed are kept in that cache
    for the next removal).

    Entities and events are resolved again over the remaining articles, so the exports equal a
    build without them. Delete or move the input files too, or the next build brings them back.

    Example:  kg remove 004_8ee35a8ee1100a8c -o exports
    """
    from kg.pipeline import remove as run_remove

    report = run_interruptible(lambda: run_remove(ids, out, html=html, validate=validate,
                                                  progress=None if quiet else "auto",
                                                  on_wait=None if quiet else warn), (UsageError,))
    for w in report.warnings:
        warn(w)
    if not quiet:
        typer.echo(report.summary())
