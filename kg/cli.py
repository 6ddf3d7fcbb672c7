"""The ``kg`` command line: a thin typer layer over the library.

Each command calls one library function and prints what it returns; :class:`KgError`
becomes a one-line message on stderr. Exit codes: 0 done, 2 usage error, 3 some inputs
rejected (the rest built), 1 any other error.
"""

from __future__ import annotations

import sys
from enum import StrEnum
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


class OutputFormat(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


def _fail(exc: Exception | str, code: int = 1) -> None:
    typer.echo(f"kg: error: {exc}", err=True)
    raise typer.Exit(code)


@app.command()
def build(
    paths: list[Path] = typer.Argument(None, help="Article .txt files or folders of them (default: seeds/)."),
    out: Path = typer.Option(Path("exports"), "-o", "--out", help="Output folder."),
    html: bool = typer.Option(True, "--html/--no-html", help="Write the pyvis view graph.html."),
    validate: bool = typer.Option(True, "--validate/--no-validate", help="Check the graph against the SHACL shapes."),
    overrides: Path = typer.Option(None, "--overrides", exists=True, dir_okay=False,
                                   help="JSON file of entity merges and splits."),
    max_bytes: int = typer.Option(5_000_000, "--max-bytes", min=1, help="Reject input files larger than this."),
    quiet: bool = typer.Option(False, "-q", "--quiet", help="Print only errors."),
) -> None:
    """Build the graph of articles into OUT: graph.ttl, graph.trig, events.csv, graph.html, report.json.

    Bad inputs (empty, binary, HTML, too large...) are listed and skipped; report.json lists
    them with a reason code. Exit codes: 0 all inputs built, 3 some inputs rejected (the rest
    built), 2 usage error, 130 interrupted (previous exports kept), 1 other error.

    Example:  kg build seeds -o exports
    """
    from kg.ingest import NoInputError
    from kg.pipeline import build as run_build

    inputs = paths or [Path("seeds")]
    for p in inputs:
        if not p.exists() and not p.is_symlink():
            _fail(f"{p}: no such file or folder", 2)
    try:
        report = run_build(inputs, out, html=html, validate=validate,
                           overrides=str(overrides) if overrides else None, max_bytes=max_bytes)
    except KeyboardInterrupt:
        typer.echo("kg: interrupted; previous exports kept", err=True)
        raise typer.Exit(130) from None
    except NoInputError as exc:
        _fail(exc, 2)
        return
    except KgError as exc:
        _fail(exc, 1)
        return
    for r in report.rejected:
        typer.echo(f"kg: rejected: {r.message}", err=True)
    for w in report.warnings:
        typer.echo(f"kg: warning: {w}", err=True)
    if not quiet or not report.files:
        typer.echo(report.summary(), err=not report.files)
    raise typer.Exit(report.exit_code)


@app.command()
def query(
    query_text: str = typer.Argument(None, metavar="QUERY",
                                     help="SPARQL text, a .rq file, or the NAME of a query of queries/ (see --list)."),
    graph: Path = typer.Option(DEFAULT_GRAPH, "--graph", "-g", help="Built graph (.ttl or .trig)."),
    fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", "-f", help="table, csv or json."),
    param: list[str] = typer.Option(None, "--param", "-p", metavar="NAME=VALUE",
                                    help="Bind ?NAME to VALUE (an IRI, a CURIE, a label, a date); repeatable."),
    list_: bool = typer.Option(False, "--list", "-l", help="List the named queries and their parameters."),
) -> None:
    """Run a SPARQL query over a built graph and print the result.

    -p values are bound as RDF terms, never pasted into the query text: a label (Homs) becomes the entity it names, a CURIE (ckgr:place/homs) or IRI a resource, 2024-11 a date.

    Example:  kg query territory-captures -p place=Homs -f csv
    """
    from kg.queries import bind_params, list_queries, load_query, parse_param_args
    from kg.store import format_result, load_graph, run_query

    if list_:
        for q in list_queries():
            params = " ".join(f"?{p.name}" for p in q.params)
            typer.echo(f"{q.name:<22} {q.title}" + (f"  [{params}]" if params else ""))
        return
    if not query_text:
        _fail("missing QUERY: pass SPARQL text, a .rq file or a query name (kg query --list)", 2)
    try:
        text = load_query(query_text)
        values = parse_param_args(param)
        g = load_graph(graph)
        bindings = bind_params(values, g, warn=lambda m: typer.echo(f"kg: warning: {m}", err=True))
        result = run_query(g, text, bindings)
        typer.echo(format_result(result, fmt.value, g))
    except KgError as exc:
        _fail(exc, 1)


@app.command()
def serve(
    graph: Path = typer.Option(Path("exports/graph.trig"), "--graph", "-g", help="Built graph (.trig or .ttl)."),
    port: int = typer.Option(7878, "--port", help="TCP port to listen on."),
    host: str = typer.Option(None, "--host",
                             help="Interface to listen on (default 127.0.0.1; any other host is reachable "
                                  "from other machines)."),
    writable: bool = typer.Option(False, "--writable", help="Accept SPARQL UPDATE (default: read-only)."),
    store: Path = typer.Option(None, "--store",
                               help="Oxigraph store folder to (re)load the graph into (default: a temporary one)."),
) -> None:
    """Serve a built graph over the SPARQL 1.1 Protocol (Oxigraph) until Ctrl-C.

    Example:  kg serve --graph exports/graph.trig --port 7878
    """
    import shutil
    import signal
    import tempfile
    import time

    from kg.serve import is_loopback, prepare_store
    from kg.serve import serve as start_server

    if host is not None and not is_loopback(host):
        typer.echo(f"kg: warning: serving on {host}: the graph is reachable from other machines", err=True)
    def _interrupt(signum, frame):  # SIGTERM stops the server as Ctrl-C does
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, _interrupt)
    tmp = None if store is not None else Path(tempfile.mkdtemp(prefix="kg-oxigraph-"))
    server = None
    try:
        folder = prepare_store(graph, store if store is not None else tmp / "store")
        server = start_server(folder, host=host or "127.0.0.1", port=port, read_only=not writable,
                              allow_remote=host is not None)
        typer.echo(f"SPARQL endpoint: {server.url}" + ("" if writable else " (read-only)"))
        if writable:
            typer.echo(f"SPARQL update:   {server.update_url}")
        typer.echo(f"web UI:          {server.base_url}")
        typer.echo("Press Ctrl-C to stop.")
        while server.running:
            time.sleep(0.5)
        _fail(f"the server stopped (exit {server.process.returncode}): {server.log().strip()[-500:]}")
    except KeyboardInterrupt:
        typer.echo("stopped")
    except KgError as exc:
        _fail(exc, 1)
    finally:
        if server is not None:
            server.stop()
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
        signal.signal(signal.SIGTERM, previous)


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


@app.command()
def evaluate(
    gold_dir: Path = typer.Argument(..., help="Folder of per-article gold JSON files."),
    catalog: list[Path] = typer.Option(..., "--catalog", "-c", help="Gold entity catalogue (JSON); repeatable."),
    graph: Path = typer.Option(DEFAULT_GRAPH, "--graph", "-g", help="Built graph (.ttl or .trig)."),
    texts: Path = typer.Option(None, "--texts", "-t", help="Folder of the article .txt files, to check offsets."),
    json_out: Path = typer.Option(None, "--json", help="Also write the full result as JSON to this file."),
    verbose: bool = typer.Option(False, "-v", "--verbose", help="List misses and false positives per article."),
) -> None:
    """Score a graph against gold annotations: P/R/F1 of entities, events, families, roles, types.

    Example:  kg evaluate gold/dev --catalog gold/entities.json --graph exports/graph.ttl --texts seeds
    """
    import json

    from kg.evaluate import evaluate as run_evaluate
    from kg.evaluate import format_table
    from kg.store import load_graph

    try:
        result = run_evaluate(load_graph(graph), gold_dir, catalog, texts_dir=texts)
    except KgError as exc:
        _fail(exc)
        return
    typer.echo(format_table(result, verbose=verbose))
    if json_out is not None:
        try:
            json_out.write_text(json.dumps(result.to_dict(), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        except OSError as exc:
            _fail(f"{json_out}: cannot write the JSON result ({exc.strerror})")


def main() -> None:
    """Entry point of the ``kg`` script."""
    try:
        app()
    except KgError as exc:  # pragma: no cover - commands handle their own errors
        print(f"kg: error: {exc}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
