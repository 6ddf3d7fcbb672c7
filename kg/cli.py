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

from kg.errors import KgError, UsageError, printable

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
    typer.echo(f"kg: error: {printable(str(exc))}", err=True)
    raise typer.Exit(code)


def _warn(message: str) -> None:
    typer.echo(f"kg: warning: {printable(message)}", err=True)


def _usage_or_error(exc: Exception) -> None:
    """A name, a parameter or a filter the user typed that designates nothing is a usage error
    (exit 2, with the suggestions of the message); anything else exits 1."""
    from kg.names import NameError_
    from kg.view import FilterError

    _fail(exc, 2 if isinstance(exc, NameError_ | FilterError) else 1)


@app.command()
def build(
    paths: list[Path] = typer.Argument(None, help="Article .txt files or folders of them (default: seeds/)."),
    out: Path = typer.Option(Path("exports"), "-o", "--out", help="Output folder."),
    html: bool = typer.Option(True, "--html/--no-html", help="Write the pyvis view graph.html."),
    validate: bool = typer.Option(True, "--validate/--no-validate", help="Check the graph against the SHACL shapes."),
    overrides: Path = typer.Option(None, "--overrides", exists=True, dir_okay=False,
                                   help="JSON file of entity merges and splits."),
    max_bytes: int = typer.Option(5_000_000, "--max-bytes", min=1, help="Reject input files larger than this."),
    quiet: bool = typer.Option(False, "-q", "--quiet", help="Print only errors (no progress, no summary)."),
    jobs: str = typer.Option("auto", "-j", "--jobs", metavar="N|auto",
                             help="Worker processes for the NLP and extraction (auto: one per core)."),
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
    from kg.pipeline.runner import resolve_jobs

    inputs = paths or [Path("seeds")]
    for p in inputs:
        if not p.exists() and not p.is_symlink():
            _fail(f"{p}: no such file or folder", 2)
    try:
        resolve_jobs(jobs)
    except KgError as exc:
        _fail(exc, 2)
    try:
        report = kg.build(inputs, out, html=html, validate=validate,
                          overrides=str(overrides) if overrides else None, max_bytes=max_bytes,
                          jobs=jobs, incremental=incremental, store=store, dask=dask, force=force,
                          progress=None if quiet else "auto", on_wait=None if quiet else _warn)
    except KeyboardInterrupt:
        typer.echo("kg: interrupted; previous exports kept", err=True)
        raise typer.Exit(130) from None
    except (NoInputError, UsageError) as exc:
        _fail(exc, 2)
        return
    except KgError as exc:
        _fail(exc, 1)
        return
    for r in report.rejected:
        typer.echo(f"kg: rejected: {printable(r.message)}", err=True)
    for w in report.warnings:
        _warn(w)
    if not quiet or not report.files:
        typer.echo(report.summary(), err=not report.files)
    raise typer.Exit(report.exit_code)


@app.command()
def remove(
    ids: list[str] = typer.Argument(..., metavar="ID...", help="Article ids (file stems) to remove."),
    out: Path = typer.Option(Path("exports"), "-o", "--out", help="Output folder of an incremental build."),
    html: bool = typer.Option(True, "--html/--no-html", help="Write the pyvis view graph.html."),
    validate: bool = typer.Option(True, "--validate/--no-validate", help="Check the graph against the SHACL shapes."),
    quiet: bool = typer.Option(False, "-q", "--quiet", help="Print only errors."),
) -> None:
    """Remove articles from the build in OUT (any build of this kg; nothing parsed again that the
    --incremental cache holds).

    Entities and events are resolved again over the remaining articles, so the exports equal a
    build without them. Delete or move the input files too, or the next build brings them back.

    Example:  kg remove 004_8ee35a8ee1100a8c -o exports
    """
    from kg.pipeline import remove as run_remove

    try:
        report = run_remove(ids, out, html=html, validate=validate, progress=None if quiet else "auto",
                            on_wait=None if quiet else _warn)
    except KeyboardInterrupt:
        typer.echo("kg: interrupted; previous exports kept", err=True)
        raise typer.Exit(130) from None
    except UsageError as exc:
        _fail(exc, 2)
        return
    except KgError as exc:
        _fail(exc, 1)
        return
    for w in report.warnings:
        _warn(w)
    if not quiet:
        typer.echo(report.summary())


@app.command()
def push(
    url: str = typer.Argument(..., help="Graph Store Protocol endpoint, e.g. http://127.0.0.1:7878/store"),
    graph: Path = typer.Option(Path("exports/graph.trig"), "--graph", "-g", help="Built TriG (one named graph per article)."),
    user: str = typer.Option(None, "--user", help="HTTP basic user (password from $KG_PUSH_PASSWORD)."),
    timeout: float = typer.Option(60, "--timeout", help="Seconds to wait for each request."),
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
    except KgError as exc:
        _fail(exc, 1)
        return
    if not quiet:
        typer.echo(f"pushed {result.graphs} graph(s), {result.triples} triple(s) to {url} in {result.seconds:.1f} s")


@app.command()
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
) -> None:
    """Run a SPARQL query over a built graph and print the result.

    -p values are bound as RDF terms, never pasted into the query text: a name (Homs, Daech, EI: labels and aliases, as kg view and kg network take them) becomes the entity it names, a CURIE (ckgr:place/homs) or IRI a resource, 2024-11 a date. A -p that is not a variable of the query, or a name that designates nothing, is a usage error (exit 2) with suggestions.
    The build's store is used when it agrees with its report.json (else the graph file, with a warning).

    -f json prints SPARQL 1.1 Query Results JSON (typed values); CONSTRUCT results print as Turtle, or as JSON-LD with -f json.

    Example:  kg query who-fought-whom -p actor=Daech -p since=2014 -f csv
    """
    from rdflib import Literal

    from kg.exports import jsonld_text, sparql_json
    from kg.names import NameIndex, resolve_params
    from kg.queries import (
        bind_params,
        info_of_text,
        list_queries,
        load_query,
        parse_param_args,
        query_info_for,
    )
    from kg.store import (
        find_store,
        format_result,
        load_query_graph,
        open_store,
        query_store,
        run_query,
        store_label_graph,
    )

    if list_:
        for q in list_queries():
            params = " ".join(f"?{p.name}" for p in q.params)
            typer.echo(f"{q.name:<22} {q.title}" + (f"  [{params}]" if params else ""))
        return
    if not query_text:
        _fail("missing QUERY: pass SPARQL text, a .rq file or a query name (kg query --list)", 2)
    try:
        try:
            text = load_query(query_text)
        except KgError as exc:  # no such query name or .rq file: a usage error
            _fail(exc, 2)
            return
        info = query_info_for(query_text) or info_of_text(text)
        try:
            values = parse_param_args(param)
        except KgError as exc:
            _fail(exc, 2)
            return
        folder = find_store(graph, _warn) if graph.exists() or graph.parent.is_dir() else None
        if folder is not None:  # the build's Oxigraph store: no parsing, fast at any size
            ox = open_store(folder)
            labels = store_label_graph(ox)
            values, strings = resolve_params(text, values, NameIndex.from_store(ox), info.params)
            bindings = bind_params(values, labels, warn=_warn)
            bindings.update({n: Literal(values[n]) for n in strings})
            result = query_store(ox, text, bindings, allow_service=allow_service)
        else:  # the graph file, with the derived facts the named queries use (derived.ttl beside it)
            g = labels = load_query_graph(graph)
            values, strings = resolve_params(text, values, NameIndex.from_graph(g), info.params)
            bindings = bind_params(values, g, warn=_warn)
            bindings.update({n: Literal(values[n]) for n in strings})
            result = run_query(g, text, bindings, allow_service=allow_service)
        if fmt == OutputFormat.json and result.type in ("SELECT", "ASK"):
            typer.echo(sparql_json(result))
        elif fmt == OutputFormat.json:
            typer.echo(jsonld_text(result.graph))
        else:
            typer.echo(format_result(result, fmt.value, labels))
    except KgError as exc:
        _usage_or_error(exc)


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
    timeout: float = typer.Option(30, "--timeout", min=1, help="Seconds a query may run before it is cancelled."),
) -> None:
    """Serve a built graph until Ctrl-C: the SPARQL 1.1 endpoint (Oxigraph), a query page with the
    named queries, and the explorer (graph.html); prints every address.

    Read-only and on 127.0.0.1 by default. Federated queries (SERVICE) are refused, a query is
    cancelled after --timeout seconds, and requests whose Host header names another site are
    refused (DNS rebinding).

    Example:  kg serve --graph exports/graph.trig --port 7878
    """
    import shutil
    import signal
    import tempfile
    import time

    from kg.serve import is_loopback, prepare_store
    from kg.serve.pages import start_front

    if host is not None and not is_loopback(host):
        typer.echo(f"kg: warning: serving on {host}: the graph is reachable from other machines", err=True)

    def _interrupt(signum, frame):  # SIGTERM stops the server as Ctrl-C does
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, _interrupt)
    tmp = None if store is not None else Path(tempfile.mkdtemp(prefix="kg-oxigraph-"))
    server = None
    try:
        folder = prepare_store(graph, store if store is not None else tmp / "store")
        server = start_front(folder, graph=graph, host=host or "127.0.0.1", port=port, read_only=not writable,
                             allow_remote=host is not None, query_timeout=timeout)
        for what, url in server.addresses():
            typer.echo(f"{what + ':':<15} {url}")
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
    from kg.rdf.ontology import validate as shacl_validate
    from kg.store import load_graph

    try:
        conforms, text = shacl_validate(load_graph(graph))
    except KgError as exc:
        _fail(exc)
        return
    typer.echo("conforms" if conforms else text)
    raise typer.Exit(0 if conforms else 1)


def _names_of(g):
    from kg.names import NameIndex

    return NameIndex.from_graph(g)


@app.command()
def view(
    graph: Path = typer.Option(DEFAULT_GRAPH, "--graph", "-g", help="Built graph (.ttl or .trig)."),
    out: Path = typer.Option(Path("exports/graph.html"), "-o", "--out", help="HTML file to write."),
    since: str = typer.Option(None, "--since", help="Keep events dated on or after YYYY[-MM[-DD]]."),
    until: str = typer.Option(None, "--until", help="Keep events dated on or before YYYY[-MM[-DD]]."),
    types: list[str] = typer.Option(None, "--type", help="Event type or family (repeatable), e.g. Airstrike, Battle."),
    actor: str = typer.Option(None, "--actor", help="Keep events involving this actor (a name as you type it: "
                                                    "Daech, EI, OSDH; or an IRI)."),
    place: str = typer.Option(None, "--place", help="Keep events in this place or places located in it (Homs)."),
    ego: str = typer.Option(None, "--ego", help="Keep the neighbourhood of this node (a name or an IRI)."),
    depth: int = typer.Option(2, "--depth", help="Radius of --ego in hops (actor -> event -> actor is 2)."),
    top: int = typer.Option(None, "--top", help="Keep the N best-connected events, their actors and places."),
    title: str = typer.Option("kg", "--title", help="Page title."),
) -> None:
    """Write the explorer (one offline page: search, filters, timeline, map, evidence) of a graph,
    optionally cut to a part of it; the page itself filters further.

    Names (--actor, --place, --ego) are resolved as everywhere in kg: labels, aliases (Daech, EI),
    ids or IRIs; an unknown name is a usage error (exit 2) with suggestions.

    Example:  kg view -o daech.html --actor Daech --since 2014 --type Battle
    """
    from kg.names import resolve_name
    from kg.view import filter_network, load_view_graph, view_network, write_html

    try:
        g = load_view_graph(graph, _warn)
        names = _names_of(g) if actor or place or ego else None
        net = filter_network(
            view_network(g),
            since=since, until=until, types=types or (),
            actor=resolve_name(actor, names, "actor") if actor else None,
            place=resolve_name(place, names, "place") if place else None,
            ego=resolve_name(ego, names) if ego else None, depth=depth, top=top,
        )
        path = write_html(net, out, title=title)
    except KgError as exc:
        _usage_or_error(exc)
        return
    typer.echo(f"wrote {path} ({net.number_of_nodes()} nodes, {net.number_of_edges()} edges)")


class Projection(StrEnum):
    interactions = "interactions"
    actor_place = "actor-place"
    cooccurrence = "cooccurrence"


class Measure(StrEnum):
    degree = "degree"
    betweenness = "betweenness"
    pagerank = "pagerank"


#: the kind of node each projection holds (what its --ego names)
_PROJECTION_KIND = {"interactions": "actor", "cooccurrence": "place", "actor-place": None}


@app.command()
def network(
    what: str = typer.Argument(None, metavar="[stats]", help="'stats' prints the summary (also when no option is given)."),
    graph: Path = typer.Option(DEFAULT_GRAPH, "--graph", "-g", help="Built graph (.ttl or .trig)."),
    proj: Projection = typer.Option(Projection.interactions, "--projection", help="Network to analyse."),
    top: int = typer.Option(None, "--top", help="List the N most central nodes."),
    by: Measure = typer.Option(Measure.degree, "--by", help="Centrality for --top."),
    communities: bool = typer.Option(False, "--communities", help="Louvain communities (seeded)."),
    path: tuple[str, str] | None = typer.Option(None, "--path", metavar="A B",
                                                help="Shortest interaction path between two actors (names as you "
                                                     "type them: Rebelles Daech)."),
    ego: str = typer.Option(None, "--ego", help="Print the neighbourhood of this node (a name: Daech, Homs; or an IRI)."),
    depth: int = typer.Option(1, "--depth", help="Radius of --ego in hops."),
    export: Path = typer.Option(None, "--export",
                                help="Write the projection (or the --ego subgraph) as .graphml or .gexf, with dates "
                                     "(Gephi's timeline) and coordinates."),
    write_back: bool = typer.Option(False, "--write-back", help="Write ckg:pageRank per actor into a copy of the graph."),
    out: Path = typer.Option(None, "--out", help="File for --write-back (default: <graph>.measures.ttl next to it)."),
) -> None:
    """Analyse the networks of a graph: summary, centralities, communities, paths, ego networks.

    The counts (articles, actors, places, events, triples) are the build's (report.json). Names
    (--ego, --path) are resolved as everywhere in kg; an unknown one is a usage error (exit 2).

    Example:  kg network --top 5 --by pagerank --communities --path "armée syrienne" Daech
    """
    from kg import analyse
    from kg.exports import enrich_network
    from kg.names import UnknownName, resolve_name
    from kg.store import load_graph, load_network_graph
    from kg.store.counts import count_build

    if what not in (None, "stats"):
        _fail(ValueError(f"unknown analysis {what!r}; use 'stats' or the options (see kg network --help)"), 2)
    try:
        g = load_graph(graph) if write_back else load_network_graph(graph, _warn)
        net = analyse.projection(g, proj.value)
        names = _names_of(g) if ego or path else None

        def label(u: str) -> str:
            return net.nodes[u].get("label", u) if u in net else u

        asked = top or communities or path or ego or export or write_back
        if what == "stats" or not asked:
            summary = analyse.summary(g)
            summary.update(count_build(graph).as_dict())  # the build's counts: the whole graph, mentions included
            for k, v in summary.items():
                typer.echo(f"{k}: {v}")
            top = top or (None if asked else 10)
            typer.echo(f"projection {proj.value}:")
            for k, v in analyse.network_stats(net).items():
                typer.echo(f"  {k}: {round(v, 4) if isinstance(v, float) else v}")
        if top:
            typer.echo(f"top {top} by {by.value} ({proj.value}):")
            for u, score in analyse.top_nodes(net, by=by.value, n=top):
                typer.echo(f"  {score:8.4f}  {label(u)}")
        if communities:
            found = analyse.communities(net)
            typer.echo(f"{len(found)} communities ({proj.value}, louvain, seed {analyse.SEED}):")
            for i, members in enumerate(found, 1):
                typer.echo(f"  {i:3d} ({len(members)}): {', '.join(label(u) for u in members)}")
        if path:
            a, b = (resolve_name(n, names, "actor") for n in path)
            result = analyse.shortest_path(g, a, b)
            typer.echo(f"path ({len(result.hops)} hops): {' -> '.join(result.labels)}")
            for hop in result.hops:
                typer.echo(f"  {label(hop.source)} -- {label(hop.target)}:")
                for e in hop.events:
                    where = f" at {e.place}" if e.place else ""
                    typer.echo(f"    {e.type} {e.date or '(undated)'}{where}: {label(e.agent)} -> {label(e.target)}  <{e.event}>")
        sub = None
        if ego:
            center = resolve_name(ego, names, _PROJECTION_KIND[proj.value])
            if center not in net:
                raise UnknownName(f"{names.describe(center)} is not a node of the {proj.value} projection; "
                                  "try --projection actor-place", ego)
            sub = analyse.ego(net, center, depth)
            typer.echo(f"ego network of {label(center)!r}, depth {depth}: {sub.number_of_nodes()} nodes, "
                       f"{sub.number_of_edges()} edges")
            for u in sorted(sub, key=lambda u: (label(u), u)):
                typer.echo(f"  {label(u)}  <{u}>")
        if export:
            chosen = (sub if sub is not None else net).copy()
            enrich_network(chosen, g)
            typer.echo(f"wrote {analyse.export_network(chosen, export)}")
        if write_back:
            target = out or graph.with_name(f"{graph.stem}.measures.ttl")
            measured = analyse.add_measures(g)
            target.parent.mkdir(parents=True, exist_ok=True)
            measured.serialize(destination=str(target), format="turtle")
            typer.echo(f"wrote {target} (ckg:pageRank for {len(analyse.actors(g))} actors)")
    except (KgError, ValueError) as exc:
        _usage_or_error(exc)


class ExportFormat(StrEnum):
    acled = "acled"
    jsonld = "jsonld"
    graphml = "graphml"
    gexf = "gexf"


class Undated(StrEnum):
    drop = "drop"
    publication = "publication"
    keep = "keep"


@app.command("export")
def export_cmd(
    fmt: ExportFormat = typer.Option(..., "--format", "-f", help="acled, jsonld, graphml or gexf."),
    graph: Path = typer.Option(DEFAULT_GRAPH, "--graph", "-g", help="Built graph (.ttl or .trig) or build folder."),
    out: Path = typer.Option(None, "-o", "--out",
                             help="File to write (default: beside the graph: acled.csv, graph.jsonld, "
                                  "graph.graphml, graph.gexf)."),
    undated: Undated = typer.Option(Undated.drop, "--undated",
                                    help="acled: events without a date at month precision (or a place): drop them "
                                         "(ACLED needs both), date them by their article's publication "
                                         "(time_precision 3, tagged), or keep them with an empty date."),
) -> None:
    """Export a build for the tools analysts use: ACLED CSV, JSON-LD, GraphML or GEXF (Gephi).

    acled: ACLED's columns in ACLED's order and conventions (event_id_cnty, time_precision 1-3,
    inter codes, interaction, iso 760, region, geo_precision 1-3, fatalities 0 when none, English
    names where the gazetteer has them; coordinates inherited from the containing place).
    graphml/gexf: actors, places and events with each event's dates (Gephi's timeline) and each
    place's coordinates (Gephi's geo layouts). jsonld: every triple, with the contract's prefixes.

    Example:  kg export --format acled -o exports/acled.csv
    """
    from kg.exports import export as run_export

    if not graph.exists():
        _fail(f"{graph}: no such graph; run 'kg build' first or pass --graph FILE", 2)
    try:
        typer.echo(run_export(fmt.value, graph, out, undated=undated.value))
    except (KgError, ValueError, OSError) as exc:
        _fail(exc, 2 if isinstance(exc, ValueError) else 1)


class PlotKind(StrEnum):
    timeline = "timeline"
    network = "network"


class Period(StrEnum):
    auto = "auto"
    week = "week"
    month = "month"
    quarter = "quarter"
    year = "year"


@app.command()
def plot(
    kind: PlotKind = typer.Argument(..., help="timeline (events per period, by family) or network (actors)."),
    graph: Path = typer.Option(DEFAULT_GRAPH, "--graph", "-g", help="Built graph (.ttl or .trig)."),
    out: Path = typer.Option(None, "-o", "--out", help="PNG to write (default: exports/<kind>.png)."),
    by: Period = typer.Option(Period.auto, "--by",
                              help="Timeline bins: week, month, quarter, year, or auto (the finest that fits "
                                   "the dated events in at most 40 bars)."),
) -> None:
    """Draw a PNG chart of a graph: the events timeline or the actor-interaction network.

    Example:  kg plot timeline --by week -o exports/timeline.png
    """
    from kg.exports import plot as plots
    from kg.store import load_graph

    target = out or Path("exports") / f"{kind.value}.png"
    try:
        g = load_graph(graph)
        if kind is PlotKind.timeline:
            plots.timeline(g, target, by=by.value)
        else:
            plots.network(g, target)
    except KgError as exc:
        _fail(exc)
        return
    typer.echo(f"wrote {target}")


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


@app.command()
def entities(
    out: Path = typer.Option(Path("exports"), "-o", "--out", help="Build folder holding entities.csv."),
    search: str = typer.Option(None, "--search", "-s",
                               help="Only entities whose id, label or forms contain this, or that it names in the "
                                    "gazetteer (Daech, EI)."),
    rule: str = typer.Option(None, "--rule", "-r",
                             help="Only entities merged by this rule: override, gazetteer, alias, normalised, "
                                  "person-part, fuzzy, new (another name is a usage error)."),
    fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", "-f", help="table, csv or json."),
) -> None:
    """List the entities of a build and how their surface forms were merged (the merge log).

    Undo or force a merge with an overrides file passed to `kg build --overrides FILE`:
    {"merge": {"surface form": "entity-id"}, "split": ["surface form"]}.

    Example:  kg entities --rule fuzzy
    """
    import csv as _csv
    import json as _json

    from kg.gazetteer import norm
    from kg.resolve import MERGE_RULES

    if rule is not None and rule not in MERGE_RULES:
        from rapidfuzz import process

        close = process.extractOne(rule, MERGE_RULES)
        hint = f"; did you mean {close[0]!r}?" if close and close[1] >= 60 else ""
        _fail(f"--rule {rule!r}: no such merge rule (the rules: {', '.join(MERGE_RULES)}){hint}", 2)
    path = out / "entities.csv"
    if not path.exists():
        _fail(f"{path}: no merge log; run 'kg build -o {out}' first", 1)
        return
    rows = list(_csv.DictReader(path.open(encoding="utf-8")))
    if search:
        from kg.gazetteer import load_gazetteer

        key = norm(search)
        named = {e.id for e in load_gazetteer().lookup(search)}  # a gazetteer name: Daech, EI, ISIS
        rows = [r for r in rows
                if key in norm(" ".join((r["entity"], r["label"], r["surface_forms"]))) or r["entity"] in named]
    if rule:
        rows = [r for r in rows if rule in r["rules"].split()]
    if fmt == OutputFormat.json:
        typer.echo(_json.dumps(rows, ensure_ascii=False, indent=1))
    elif fmt == OutputFormat.csv:
        typer.echo(path.read_text(encoding="utf-8").splitlines()[0])
        w = _csv.DictWriter(sys.stdout, fieldnames=list(rows[0]) if rows else [], lineterminator="\n")
        w.writerows(rows)
    else:
        for r in rows:
            typer.echo(f"{r['entity']:<32} {r['class']:<14} {r['label'][:30]:<30} [{r['rules']}] "
                       f"min {float(r['min_score']):.2f}  {r['surface_forms'][:80]}")
        typer.echo(f"({len(rows)} entities)")


def main() -> None:
    """Entry point of the ``kg`` script."""
    try:
        app()
    except KgError as exc:  # pragma: no cover - commands handle their own errors
        print(f"kg: error: {exc}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
