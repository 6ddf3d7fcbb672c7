"""The ``kg`` command line: a thin typer layer over the library.

Each command calls one library function and prints what it returns; :class:`KgError`
becomes a one-line message on stderr. Exit codes: 0 done, 2 usage error, 3 some inputs
rejected (the rest built), 1 any other error.
"""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path

import typer

from kg.errors import KgError

app = typer.Typer(
    name="kg",
    help="Build, query and explore a knowledge graph of French conflict news.\n\n"
         "Example:  kg build seeds -o exports && kg query 'SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }'",
    no_args_is_help=True,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

DEFAULT_GRAPH = Path("exports/graph.ttl")


class OutputFormat(str, Enum):
    table = "table"
    csv = "csv"
    json = "json"


def _fail(exc: Exception, code: int = 1) -> None:
    typer.echo(f"kg: error: {exc}", err=True)
    raise typer.Exit(code)


@app.command()
def build(
    paths: list[Path] = typer.Argument(None, help="Article .txt files or folders of them (default: seeds/)."),
    out: Path = typer.Option(Path("exports"), "-o", "--out", help="Output folder."),
    html: bool = typer.Option(True, "--html/--no-html", help="Write the pyvis view graph.html."),
    validate: bool = typer.Option(True, "--validate/--no-validate", help="Check the graph against the SHACL shapes."),
    overrides: Path = typer.Option(None, "--overrides", help="JSON file of entity merges and splits."),
    max_bytes: int = typer.Option(5_000_000, "--max-bytes", help="Reject input files larger than this."),
    quiet: bool = typer.Option(False, "-q", "--quiet", help="Print only errors."),
) -> None:
    """Build the graph of articles into OUT: graph.ttl, graph.trig, events.csv, graph.html, report.json.

    Example:  kg build seeds -o exports
    """
    from kg.pipeline import build as run_build

    try:
        report = run_build(paths or [Path("seeds")], out, html=html, validate=validate,
                           overrides=str(overrides) if overrides else None, max_bytes=max_bytes)
    except KgError as exc:
        _fail(exc, 2 if "no such file" in str(exc) else 1)
        return
    for r in report.rejected:
        typer.echo(f"kg: rejected: {r.path}: {r.problem}", err=True)
    for w in report.warnings:
        typer.echo(f"kg: warning: {w}", err=True)
    if not quiet:
        typer.echo(report.summary())
    raise typer.Exit(report.exit_code)


@app.command()
def query(
    query_text: str = typer.Argument(..., metavar="QUERY", help="SPARQL text, or a path to a .rq file."),
    graph: Path = typer.Option(DEFAULT_GRAPH, "--graph", "-g", help="Built graph (.ttl or .trig)."),
    fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", "-f", help="table, csv or json."),
) -> None:
    """Run a SPARQL query over a built graph and print the result.

    Example:  kg query 'SELECT ?e ?type WHERE { ?e a ?type . ?type rdfs:subClassOf* ckg:Event }' -f csv
    """
    from kg.store import format_result, load_graph, run_query

    try:
        p = Path(query_text)
        text = p.read_text(encoding="utf-8") if query_text.endswith(".rq") and p.exists() else query_text
        g = load_graph(graph)
        result = run_query(g, text)
        typer.echo(format_result(result, fmt.value, g))
    except KgError as exc:
        _fail(exc, 1)


@app.command()
def validate(
    graph: Path = typer.Argument(DEFAULT_GRAPH, help="Built graph (.ttl or .trig)."),
) -> None:
    """Check a graph against the SHACL shapes of ontology/shapes.ttl.

    Example:  kg validate exports/graph.ttl
    """
    from kg.ontology import validate as shacl_validate
    from kg.store import load_graph

    try:
        conforms, text = shacl_validate(load_graph(graph))
    except KgError as exc:
        _fail(exc)
        return
    typer.echo("conforms" if conforms else text)
    raise typer.Exit(0 if conforms else 1)


@app.command()
def view(
    graph: Path = typer.Option(DEFAULT_GRAPH, "--graph", "-g", help="Built graph (.ttl or .trig)."),
    out: Path = typer.Option(Path("exports/graph.html"), "-o", "--out", help="HTML file to write."),
) -> None:
    """Write the interactive, offline pyvis view of a graph.

    Example:  kg view -g exports/graph.ttl -o exports/graph.html
    """
    from kg.store import load_graph
    from kg.view import write_html

    try:
        path = write_html(load_graph(graph), out)
    except KgError as exc:
        _fail(exc)
        return
    typer.echo(f"wrote {path}")


@app.command()
def network(
    graph: Path = typer.Option(DEFAULT_GRAPH, "--graph", "-g", help="Built graph (.ttl or .trig)."),
    top: int = typer.Option(10, "--top", help="How many actors to list."),
    by: str = typer.Option("degree", "--by", help="degree, betweenness or pagerank."),
) -> None:
    """Summarise the networks of a graph: counts, and top actors by a centrality.

    Example:  kg network --by pagerank --top 5
    """
    from kg.analyse import summary, top_actors
    from kg.store import load_graph

    try:
        g = load_graph(graph)
    except KgError as exc:
        _fail(exc)
        return
    for k, v in summary(g).items():
        typer.echo(f"{k}: {v}")
    typer.echo(f"top actors by {by}:")
    for label, score in top_actors(g, by=by, n=top):
        typer.echo(f"  {score:8.4f}  {label}")


def main() -> None:
    """Entry point of the ``kg`` script."""
    try:
        app()
    except KgError as exc:  # pragma: no cover - commands handle their own errors
        print(f"kg: error: {exc}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
