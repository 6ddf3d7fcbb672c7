"""``kg push``, ``kg query``, ``kg serve`` and ``kg validate``: argument handling over
:mod:`kg.push`, :mod:`kg.queries` / :mod:`kg.store`, :mod:`kg.serve` and :mod:`kg.rdf.ontology`.

Imports the library inside the functions only (``kg --help`` stays fast).
"""

from __future__ import annotations

from pathlib import Path

import typer

from kg.cli.common import DEFAULT_GRAPH, OutputFormat, fail, usage_or_error, warn
from kg.errors import KgError, QueryError, UsageError

__all__ = ["push", "query", "serve", "validate"]


def push(
    url: str = typer.Argument(..., help="Graph Store Protocol endpoint, e.g. http://127.0.0.1:7878/store"),
    graph: Path = typer.Option(Path("exports/graph.trig"), "--graph", "-g", help="Built TriG (one named graph per article), or the build folder."),
    user: str = typer.Option(None, "--user", help="HTTP basic user (password from $KG_PUSH_PASSWORD)."),
    timeout: float = typer.Option(60, "--timeout", min=1, help="Seconds to wait for each request."),
    quiet: bool = typer.Option(False, "-q", "--quiet", help="Print only errors."),
) -> None:
    """Upload each named graph to a SPARQL 1.1 Graph Store Protocol endpoint (one PUT per graph).

    PUT replaces a graph, so pushing again after a rebuild replaces every article's graph.

    Example:  kg push http://127.0.0.1:7878/store -g exports/graph.trig
    """
    import os

    from kg.push import push_graphs

    try:
        result = push_graphs(graph, url, user=user, password=os.environ.get("KG_PUSH_PASSWORD"), timeout=timeout)
    except UsageError as exc:  # a malformed URL, a file with no named graph
        fail(exc, 2)
    except KgError as exc:
        fail(exc, 1)
    if not quiet:
        typer.echo(f"pushed {result.graphs} graph(s), {result.triples} triple(s) to {url} in {result.seconds:.1f} s")


def _list_queries() -> None:
    """Print the named queries of queries/ with their parameters (``kg query --list``)."""
    from kg.queries import list_queries

    for q in list_queries():
        params = " ".join(f"?{p.name}" for p in q.params)
        typer.echo(f"{q.name:<22} {q.title}" + (f"  [{params}]" if params else ""))


def _run_query(query_text: str, graph: Path, param: list[str] | None, allow_service: bool, progress):
    """Load the query, bind the -p values and run it over the build's store when it agrees with
    its report.json, else over the graph file (``progress`` is told when it is read). Returns the
    result and a graph whose prefixes the table shortens IRIs with.

    An unknown query name or .rq file (or one that is not UTF-8 text), or a malformed -p, exits 2;
    a syntax error of a .rq file or a named query names the file."""
    from kg.queries import info_of_text, load_query, parse_param_args, query_info_for

    try:
        text = load_query(query_text)
        source = query_info_for(query_text)  # None for SPARQL text
    except KgError as exc:  # no such query name or .rq file, or one that is not UTF-8: a usage error
        fail(exc, 2)
    info = source or info_of_text(text)
    try:
        values = parse_param_args(param)
    except KgError as exc:
        fail(exc, 2)
    try:
        return _answer(text, info, graph, values, allow_service, progress)
    except QueryError as exc:  # a syntax error in a .rq file or a named query: say which file
        if source is not None and str(exc).startswith("SPARQL error"):
            raise QueryError(f"{source.path}: {exc}") from None
        raise


def _answer(text: str, info, graph: Path, values: dict[str, str], allow_service: bool, progress):
    """Run ``text`` with the -p ``values`` over the build's store or the graph file (see :func:`_run_query`)."""
    from functools import cache

    from rdflib import Graph

    from kg.names import NameIndex
    from kg.rdf.emit import bind_prefixes
    from kg.store import (
        find_store,
        has_iri,
        load_query_graph,
        open_store,
        query_store,
        run_query,
        store_label_graph,
    )

    folder = find_store(graph, warn) if graph.exists() or graph.parent.is_dir() else None
    if folder is not None:  # the build's Oxigraph store: no parsing, fast at any size
        ox = open_store(folder)
        # the name index and the labels are read only when a -p value is a name to resolve (~0.5 s
        # on a 1M-triple store): IRIs, CURIEs, dates, strings or nothing to bind need neither
        bindings = _bindings(text, values, info, lambda: NameIndex.from_store(ox), cache(lambda: store_label_graph(ox)),
                             lambda iri: has_iri(ox, iri))
        prefixes = Graph()
        bind_prefixes(prefixes)
        return query_store(ox, text, bindings, allow_service=allow_service), prefixes
    # the graph file, with the derived facts the named queries use (derived.ttl beside it): parsed,
    # which takes long at thousands of articles (47 s at 3,400), so a terminal shows the step
    with progress.stage("read"):
        g = load_query_graph(graph)
    return run_query(g, text, _bindings(text, values, info, NameIndex.from_graph(g), g, lambda iri: has_iri(g, iri)),
                     allow_service=allow_service), g


def _bindings(text: str, values: dict[str, str], info, index, labels, exists) -> dict:
    """The -p values as RDF terms: names of actors and places resolved with ``index``, other labels
    with ``labels`` (either may be a function that makes it, called only when needed), an actor or
    place given as an IRI checked with ``exists``, and the query's documented string parameters
    bound as the strings they are, never looked up."""
    from rdflib import Literal

    from kg.names import resolve_params
    from kg.queries import bind_params

    values, strings = resolve_params(text, values, index, info.params, exists)
    bindings = bind_params({n: v for n, v in values.items() if n not in strings}, labels, warn=warn)
    bindings.update({n: Literal(values[n]) for n in strings})
    return bindings


def _print_result(result, fmt: OutputFormat, prefixes) -> None:
    """SPARQL JSON (SELECT, ASK) or JSON-LD (CONSTRUCT) with -f json, else a table, CSV or Turtle."""
    from kg.exports import jsonld_text, sparql_json_pieces
    from kg.store import format_result

    if fmt == OutputFormat.json and result.type in ("SELECT", "ASK"):
        for piece in sparql_json_pieces(result):  # streamed: a large answer is not held twice as text
            typer.echo(piece, nl=False)
        typer.echo()
    elif fmt == OutputFormat.json:
        typer.echo(jsonld_text(result.graph))
    else:
        if fmt == OutputFormat.csv and result.type in ("CONSTRUCT", "DESCRIBE"):
            warn(f"a {result.type} answer is a graph, printed as Turtle: -f csv is for SELECT answers "
                 "(-f json gives JSON-LD)")
        text = format_result(result, fmt.value, prefixes)
        typer.echo(text, nl=not text.endswith("\n"))  # CSV ends its last row with a line break already


def query(
    query_text: str = typer.Argument(None, metavar="QUERY",
                                     help="SPARQL text, a .rq file, or the NAME of a query of queries/ (see --list)."),
    graph: Path = typer.Option(DEFAULT_GRAPH, "--graph", "-g", help="Built graph (.ttl or .trig)."),
    fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", "-f", help="table, csv or json."),
    param: list[str] = typer.Option(None, "--param", "-p", metavar="NAME=VALUE",
                                    help="Bind ?NAME to VALUE (an IRI, a CURIE, a label, a date); repeatable."),
    list_: bool = typer.Option(False, "--list", "-l", help="List the named queries and their parameters."),
    allow_service: bool = typer.Option(False, "--allow-service",
                                       help="Run SERVICE clauses (federated queries send requests to other servers)."),
    quiet: bool = typer.Option(False, "-q", "--quiet", help="No progress on a terminal (read, when there is no store)."),
) -> None:
    """Run a SPARQL query over a built graph and print the result.

    -p values are bound as RDF terms, never pasted into the query text: a name (Homs, Daech, EI: labels and aliases, as kg view and kg network take them) becomes the entity it names, a CURIE (ckgr:place/homs) or IRI a resource, 2024-11 a date. A -p that is not a variable of the query, or a name that designates nothing, is a usage error (exit 2) with suggestions.
    The build's store is used when it agrees with its report.json (else the graph file, with a warning;
    reading it shows a step on a terminal, -q none).

    -f json prints SPARQL 1.1 Query Results JSON (typed values); CONSTRUCT results print as Turtle, or as JSON-LD with -f json.

    Example:  kg query who-fought-whom -p actor=Daech -p since=2014 -f csv
    """
    if list_:
        _list_queries()
        return
    if not query_text:
        fail("missing QUERY: pass SPARQL text, a .rq file or a query name (kg query --list)", 2)
    from kg.progress import terminal_progress

    progress = terminal_progress(quiet=quiet)
    try:
        result, prefixes = _run_query(query_text, graph, param, allow_service, progress)
        progress.close()  # what follows prints the answer
        _print_result(result, fmt, prefixes)
    except KgError as exc:
        progress.close()
        usage_or_error(exc)


def _serve_until_stopped(graph: Path, store: Path | None, host: str | None, port: int, writable: bool,
                         timeout: float, quiet: bool = False) -> None:
    """Load the graph into a store (a temporary one unless --store), start the front server,
    print its addresses and wait for Ctrl-C or SIGTERM; clean up whatever happens — and first what
    killed ``kg serve`` processes left (their temporary stores)."""
    import shutil
    import signal
    import time

    from kg.progress import terminal_progress
    from kg.serve import prepare_store
    from kg.serve.oxigraph import remove_stale_folders, temporary_folder
    from kg.serve.pages import start_front

    def _interrupt(signum, frame):  # SIGTERM stops the server as Ctrl-C does
        raise KeyboardInterrupt

    # SIGINT too, explicitly: a process started in the background by a script inherits SIGINT
    # ignored, and Python then raises no KeyboardInterrupt — Ctrl-C would not stop the server
    previous = {sig: signal.signal(sig, _interrupt) for sig in (signal.SIGTERM, signal.SIGINT)}
    remove_stale_folders()
    tmp = None if store is not None else temporary_folder()
    server = None
    progress = terminal_progress(quiet=quiet)  # loading a large graph takes minutes: say so on a terminal
    try:
        with progress.stage("store"):  # the graph loaded into Oxigraph
            folder = prepare_store(graph, store if store is not None else tmp / "store")
        with progress.stage("start"):  # the pages (the explorer rendered when graph.html is not there)
            server = start_front(folder, graph=graph, host=host or "127.0.0.1", port=port, read_only=not writable,
                                 allow_remote=host is not None, query_timeout=timeout)
        progress.close()
        for what, url in server.addresses():
            typer.echo(f"{what + ':':<15} {url}")
        typer.echo("Press Ctrl-C to stop.")
        while server.running:
            time.sleep(0.5)
        fail(f"the server stopped (exit {server.process.returncode}): {server.log().strip()[-500:]}")
    except KeyboardInterrupt:
        progress.close()
        typer.echo("stopped")
    except KgError as exc:
        progress.close()
        fail(exc, 1)
    finally:
        if server is not None:
            server.stop()
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def serve(
    graph: Path = typer.Option(Path("exports/graph.trig"), "--graph", "-g",
                               help="Built graph (.trig or .ttl), or the build folder (its graph.trig)."),
    port: int = typer.Option(7878, "--port", min=1, max=65535, help="TCP port to listen on."),
    host: str = typer.Option(None, "--host",
                             help="Interface to listen on (default 127.0.0.1; any other host is reachable "
                                  "from other machines)."),
    writable: bool = typer.Option(False, "--writable", help="Accept SPARQL UPDATE (default: read-only)."),
    store: Path = typer.Option(None, "--store",
                               help="Oxigraph store folder to (re)load the graph into (default: a temporary one)."),
    timeout: float = typer.Option(30, "--timeout", min=1, help="Seconds a query may run before it is cancelled."),
    quiet: bool = typer.Option(False, "-q", "--quiet", help="No progress on a terminal (store, start)."),
) -> None:
    """Serve a built graph until Ctrl-C: the SPARQL 1.1 endpoint (Oxigraph), a query page with the
    named queries, and the explorer (graph.html); prints every address.

    Read-only and on 127.0.0.1 by default. Federated queries (SERVICE) are refused, a query is
    cancelled after --timeout seconds, and requests whose Host header names another site are
    refused (DNS rebinding).

    Example:  kg serve --graph exports/graph.trig --port 7878
    """
    from kg.serve import is_loopback

    if host is not None and not is_loopback(host):
        typer.echo(f"kg: warning: serving on {host}: the graph is reachable from other machines", err=True)
    _serve_until_stopped(graph, store, host, port, writable, timeout, quiet)


def validate(
    graph: Path = typer.Argument(DEFAULT_GRAPH, help="Built graph (.ttl or .trig)."),
    quiet: bool = typer.Option(False, "-q", "--quiet", help="No progress on a terminal (read, SHACL)."),
) -> None:
    """Check a graph against the SHACL shapes of ontology/shapes.ttl.

    Every article is checked (a build checks a sample beyond 50 articles), in chunks of 200 article
    graphs or 60,000 triples whose reports together are the whole graph's: one chunk is in memory,
    with an index of ~40 bytes a node; minutes at thousands of articles.

    Example:  kg validate exports/graph.ttl
    """
    from kg.progress import terminal_progress
    from kg.store import validate_graph

    progress = terminal_progress(quiet=quiet)
    try:
        checked = validate_graph(graph, progress=progress)
    except KgError as exc:
        progress.close()
        fail(exc)
    progress.close()
    conforms, counts = checked.report.conforms, checked.counts
    if conforms and not (counts.articles or counts.events or counts.actors or counts.places):
        # the shapes target kg's classes: a graph without them conforms vacuously (another graph, the wrong file)
        warn(f"{graph}: no article, event, actor or place of kg in it ({counts.triples} triples): "
             "nothing for the shapes to check; is it a kg graph?")
    typer.echo("conforms" if conforms else checked.report.text)
    raise typer.Exit(0 if conforms else 1)
