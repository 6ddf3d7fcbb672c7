"""``kg evaluate`` and ``kg entities``: argument handling over :mod:`kg.evaluate` and the
merge log of a build (``entities.csv``), with the small filters and printers of ``kg entities``.

Imports the library inside the functions only (``kg --help`` stays fast).
"""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from kg.cli.common import DEFAULT_GRAPH, OutputFormat, fail, guard_output, warn
from kg.errors import KgError, UsageError, closest, printable

__all__ = ["evaluate", "entities"]


def evaluate(
    gold_dir: Path = typer.Argument(..., help="Folder of per-article gold JSON files."),
    catalog: list[Path] = typer.Option(..., "--catalog", "-c", help="Gold entity catalogue (JSON); repeatable."),
    graph: Path = typer.Option(DEFAULT_GRAPH, "--graph", "-g", help="Built graph (.ttl or .trig)."),
    texts: Path = typer.Option(None, "--texts", "-t", help="Folder of the article .txt files, to check offsets."),
    json_out: Path = typer.Option(None, "--json", help="Also write the full result as JSON to this file."),
    verbose: bool = typer.Option(False, "-v", "--verbose", help="List misses and false positives per article."),
    quiet: bool = typer.Option(False, "-q", "--quiet", help="No progress on a terminal (read, score)."),
) -> None:
    """Score a graph against gold annotations: P/R/F1 of entities, events, families, roles, types.

    Example:  kg evaluate gold/dev --catalog gold/entities.json --graph exports/graph.ttl --texts seeds
    """
    import json

    from kg.evaluate import evaluate as run_evaluate
    from kg.evaluate import format_table
    from kg.progress import terminal_progress
    from kg.store import load_graph

    guard_output(json_out, "--json")
    progress = terminal_progress(quiet=quiet)  # reading a large graph takes long (47 s at 3,400 articles)
    try:
        with progress.stage("read"):
            g = load_graph(graph)
        with progress.stage("score"):
            result = run_evaluate(g, gold_dir, catalog, texts_dir=texts, warn=warn)
    except UsageError as exc:  # a --catalog file that is not an entity catalogue
        progress.close()
        fail(exc, 2)
    except KgError as exc:
        progress.close()
        fail(exc)
    progress.close()
    typer.echo(format_table(result, verbose=verbose))
    if json_out is not None:
        try:
            json_out.write_text(json.dumps(result.to_dict(), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        except OSError as exc:
            fail(f"{json_out}: cannot write the JSON result ({exc.strerror})")


def _check_rule(rule: str | None) -> None:
    """Exit 2 when --rule names no merge rule (with the closest one as a hint)."""
    from kg.resolve import MERGE_RULES

    if rule is not None and rule not in MERGE_RULES:
        close = closest(rule, MERGE_RULES, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        fail(f"--rule {rule!r}: no such merge rule (the rules: {', '.join(MERGE_RULES)}){hint}", 2)


def _filter_rows(rows: list[dict], search: str | None, rule: str | None) -> list[dict]:
    """The rows of entities.csv that --search finds (in id, label, forms, or a gazetteer name) and --rule merged."""
    from kg.gazetteer import norm

    if search:
        from kg.gazetteer import load_gazetteer

        key = norm(search)
        named = {e.id for e in load_gazetteer().lookup(search)}  # a gazetteer name: Daech, EI, ISIS
        rows = [r for r in rows
                if key in norm(" ".join((r["entity"], r["label"], r["surface_forms"]))) or r["entity"] in named]
    if rule:
        rows = [r for r in rows if rule in r["rules"].split()]
    return rows


def _merge_log(graph: Path | None, out: Path | None) -> Path:
    """The ``entities.csv`` of the build that ``-g`` (or its older name ``-o``) names: a build folder
    or a file in it. Exits 2 when both are given and differ; 1, naming the folder, when it holds none
    (``-o x.csv``, read as an output file, was told to run ``kg build -o x.csv``)."""
    if graph is not None and out is not None and graph != out:
        fail(f"-g {graph} and -o {out}: give the build folder once, with -g", 2)
    given = graph if graph is not None else out
    folder = Path("exports") if given is None else given if given.is_dir() or not given.exists() else given.parent
    path = folder / "entities.csv"
    if not path.is_file():
        what = "no such folder" if not folder.exists() else "no entities.csv in it"
        fail(f"{folder}: not a build folder ({what}); pass the folder 'kg build -o' wrote, with -g DIR", 1)
    return path


def _print_rows(rows: list[dict], path: Path, fmt: OutputFormat) -> None:
    import csv
    import json

    from kg.store import csv_cell

    if fmt == OutputFormat.json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=1))
    elif fmt == OutputFormat.csv:
        typer.echo(path.read_text(encoding="utf-8").splitlines()[0])
        w = csv.DictWriter(sys.stdout, fieldnames=list(rows[0]) if rows else [], lineterminator="\n")
        w.writerows({k: csv_cell(v) for k, v in r.items()} for r in rows)
    else:
        for r in rows:  # an entities.csv of an earlier kg may hold control characters: shown, never run
            typer.echo(printable(f"{r['entity']:<32} {r['class']:<14} {r['label'][:30]:<30} [{r['rules']}] "
                                 f"min {float(r['min_score']):.2f}  {r['surface_forms'][:80]}"))
        typer.echo(f"({len(rows)} {'entity' if len(rows) == 1 else 'entities'})")


def entities(
    graph: Path = typer.Option(None, "--graph", "-g", help="Build folder (or a file of it, such as its graph.ttl) "
                                                          "holding entities.csv [default: exports]."),
    out: Path = typer.Option(None, "-o", "--out", hidden=True, help="Older name of --graph (the build's folder)."),
    search: str = typer.Option(None, "--search", "-s",
                               help="Only entities whose id, label or forms contain this, or that it names in the "
                                    "gazetteer (Daech, EI)."),
    rule: str = typer.Option(None, "--rule", "-r",
                             help="Only entities merged by this rule: override, gazetteer, alias, normalised, "
                                  "person-part, fuzzy, new (another name is a usage error)."),
    fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", "-f", help="table, csv or json."),
    quiet: bool = typer.Option(False, "-q", "--quiet",
                               help="No progress on a terminal (kg entities shows none: it reads one CSV file; "
                                    "taken as by every command, for scripts)."),
) -> None:
    """List the entities of a build and how their surface forms were merged (the merge log).

    Undo or force a merge with an overrides file passed to `kg build --overrides FILE`:
    {"merge": {"surface form": "entity-id"}, "split": ["surface form"]}.

    Example:  kg entities -g exports --rule fuzzy
    """
    from kg.store import read_entities_csv
    from kg.store.integrity import report_problem

    del quiet  # nothing to silence: no progress (one CSV file is read); warnings and errors always show
    _check_rule(rule)
    path = _merge_log(graph, out)
    damaged = report_problem(path.parent)  # as the other readers say it
    if damaged is not None:
        warn(f"{damaged}; reading {path}, unchecked")
    try:
        rows = read_entities_csv(path)
    except KgError as exc:  # not kg's entities.csv (other columns, empty, not UTF-8)
        fail(exc, 1)
    _print_rows(_filter_rows(rows, search, rule), path, fmt)
