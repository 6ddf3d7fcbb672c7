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
    jobs: str = typer.Option("auto", "-j", "--jobs", metavar="N|auto",
                             help="Worker processes for the NLP and extraction (auto: one per core)."),
    incremental: bool = typer.Option(False, "-i", "--incremental",
                                     help="Keep a cache in OUT/.kg-cache; parse only new or changed articles."),
    store: bool = typer.Option(True, "--store/--no-store",
                               help="Keep the Oxigraph store OUT/store (kg query uses it; --no-store: files only)."),
    dask: str = typer.Option(None, "--dask", metavar="SCHEDULER",
                             help="Run the extraction on a Dask cluster (tcp://HOST:8786), or on a "
                                  "LocalCluster started here (local, local:N)."),
) -> None:
    """Build the graph of articles into OUT: graph.ttl, graph.trig, events.csv, graph.html, report.json.

    Bad inputs (empty, binary, HTML, too large...) are listed and skipped; report.json lists
    them with a reason code. Exit codes: 0 all inputs built, 3 some inputs rejected (the rest
    built), 2 usage error, 130 interrupted (previous exports kept), 1 other error.

    The extraction runs in one process per core (--jobs auto, the default), in N processes
    (--jobs N), or on a Dask cluster (--dask): the same bytes either way. --incremental
    re-parses only new or changed articles (same graph as a full build).

    Example:  kg build seeds -o exports --incremental
    Example:  kg build corpus/ -o out --jobs 1
    Example:  kg build corpus/ -o out --dask tcp://10.0.0.5:8786
    """
    from kg.ingest import NoInputError
    from kg.pipeline import build as run_build
    from kg.runner import resolve_jobs

    inputs = paths or [Path("seeds")]
    for p in inputs:
        if not p.exists() and not p.is_symlink():
            _fail(f"{p}: no such file or folder", 2)
    try:
        resolve_jobs(jobs)
    except KgError as exc:
        _fail(exc, 2)
    try:
        report = run_build(inputs, out, html=html, validate=validate,
                           overrides=str(overrides) if overrides else None, max_bytes=max_bytes,
                           jobs=jobs, cache=True if incremental else None, store=store, dask=dask)
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
def remove(
    ids: list[str] = typer.Argument(..., metavar="ID...", help="Article ids (file stems) to remove."),
    out: Path = typer.Option(Path("exports"), "-o", "--out", help="Output folder of an incremental build."),
    html: bool = typer.Option(True, "--html/--no-html", help="Write the pyvis view graph.html."),
    validate: bool = typer.Option(True, "--validate/--no-validate", help="Check the graph against the SHACL shapes."),
    quiet: bool = typer.Option(False, "-q", "--quiet", help="Print only errors."),
) -> None:
    """Remove articles from an incremental build (kg build --incremental) without parsing anything again.

    Entities and events are resolved again over the remaining articles, so the exports equal a
    build without them. Delete or move the input files too, or the next build brings them back.

    Example:  kg remove 004_8ee35a8ee1100a8c -o exports
    """
    from kg.pipeline import remove as run_remove

    try:
        report = run_remove(ids, out, html=html, validate=validate)
    except KeyboardInterrupt:
        typer.echo("kg: interrupted; previous exports kept", err=True)
        raise typer.Exit(130) from None
    except KgError as exc:
        _fail(exc, 1)
        return
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
) -> None:
    """Run a SPARQL query over a built graph and print the result.

    -p values are bound as RDF terms, never pasted into the query text: a label (Homs) becomes the entity it names, a CURIE (ckgr:place/homs) or IRI a resource, 2024-11 a date.

    Example:  kg query territory-captures -p place=Homs -f csv
    """
    from kg.queries import bind_params, list_queries, load_query, parse_param_args
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
        text = load_query(query_text)
        values = parse_param_args(param)
        folder = find_store(graph) if graph.exists() or graph.parent.is_dir() else None
        warn = lambda m: typer.echo(f"kg: warning: {m}", err=True)  # noqa: E731
        if folder is not None:  # the build's Oxigraph store: no parsing, fast at any size
            ox = open_store(folder)
            labels = store_label_graph(ox)
            result = query_store(ox, text, bind_params(values, labels, warn=warn))
            typer.echo(format_result(result, fmt.value, labels))
        else:  # the graph file, with the derived facts the named queries use (derived.ttl beside it)
            g = load_query_graph(graph)
            result = run_query(g, text, bind_params(values, g, warn=warn))
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
    since: str = typer.Option(None, "--since", help="Keep events dated on or after YYYY[-MM[-DD]]."),
    until: str = typer.Option(None, "--until", help="Keep events dated on or before YYYY[-MM[-DD]]."),
    types: list[str] = typer.Option(None, "--type", help="Event type or family (repeatable), e.g. Airstrike, Battle."),
    actor: str = typer.Option(None, "--actor", help="Keep events involving this actor (label or IRI)."),
    place: str = typer.Option(None, "--place", help="Keep events in this place or places located in it."),
    ego: str = typer.Option(None, "--ego", help="Keep the neighbourhood of this node (label or IRI)."),
    depth: int = typer.Option(2, "--depth", help="Radius of --ego in hops (actor -> event -> actor is 2)."),
    top: int = typer.Option(None, "--top", help="Keep the N best-connected nodes."),
    title: str = typer.Option("kg", "--title", help="Page title."),
) -> None:
    """Write the interactive, offline pyvis view of a graph, optionally filtered.

    Example:  kg view -g exports/graph.ttl -o syria.html --since 2016-03 --type Battle --place Syrie
    """
    from kg.analyse import knowledge_network
    from kg.store import load_network_graph
    from kg.view import filter_network, write_html

    try:
        net = filter_network(
            knowledge_network(load_network_graph(graph)),
            since=since, until=until, types=types or (), actor=actor, place=place,
            ego=ego, depth=depth, top=top,
        )
        path = write_html(net, out, title=title)
    except KgError as exc:
        _fail(exc)
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


@app.command()
def network(
    what: str = typer.Argument(None, metavar="[stats]", help="'stats' prints the summary (also when no option is given)."),
    graph: Path = typer.Option(DEFAULT_GRAPH, "--graph", "-g", help="Built graph (.ttl or .trig)."),
    proj: Projection = typer.Option(Projection.interactions, "--projection", "-p", help="Network to analyse."),
    top: int = typer.Option(None, "--top", help="List the N most central nodes."),
    by: Measure = typer.Option(Measure.degree, "--by", help="Centrality for --top."),
    communities: bool = typer.Option(False, "--communities", help="Louvain communities (seeded)."),
    path: tuple[str, str] | None = typer.Option(None, "--path", metavar="A B", help="Shortest interaction path."),
    ego: str = typer.Option(None, "--ego", help="Print the neighbourhood of this node."),
    depth: int = typer.Option(1, "--depth", help="Radius of --ego in hops."),
    export: Path = typer.Option(None, "--export", help="Write the projection (or the --ego subgraph) as .graphml or .gexf."),
    write_back: bool = typer.Option(False, "--write-back", help="Write ckg:pageRank per actor into a copy of the graph."),
    out: Path = typer.Option(None, "--out", help="File for --write-back (default: <graph>.measures.ttl next to it)."),
) -> None:
    """Analyse the networks of a graph: summary, centralities, communities, paths, ego networks.

    Example:  kg network --projection interactions --top 5 --by pagerank --communities --path "armée syrienne" "Daech"
    """
    from kg import analyse
    from kg.store import load_graph, load_network_graph

    if what not in (None, "stats"):
        _fail(ValueError(f"unknown analysis {what!r}; use 'stats' or the options (see kg network --help)"), 2)
    try:
        g = load_graph(graph) if write_back else load_network_graph(graph)
        net = analyse.projection(g, proj.value)

        def label(u: str) -> str:
            return net.nodes[u].get("label", u) if u in net else u

        asked = top or communities or path or ego or export or write_back
        if what == "stats" or not asked:
            for k, v in analyse.summary(g).items():
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
            result = analyse.shortest_path(g, path[0], path[1])
            typer.echo(f"path ({len(result.hops)} hops): {' -> '.join(result.labels)}")
            for hop in result.hops:
                typer.echo(f"  {label(hop.source)} -- {label(hop.target)}:")
                for e in hop.events:
                    where = f" at {e.place}" if e.place else ""
                    typer.echo(f"    {e.type} {e.date or '(undated)'}{where}: {label(e.agent)} -> {label(e.target)}  <{e.event}>")
        sub = None
        if ego:
            sub = analyse.ego(net, ego, depth)
            typer.echo(f"ego network of {ego!r}, depth {depth}: {sub.number_of_nodes()} nodes, {sub.number_of_edges()} edges")
            for u in sorted(sub, key=lambda u: (label(u), u)):
                typer.echo(f"  {label(u)}  <{u}>")
        if export:
            typer.echo(f"wrote {analyse.export_network(sub if sub is not None else net, export)}")
        if write_back:
            target = out or graph.with_name(f"{graph.stem}.measures.ttl")
            measured = analyse.add_measures(g)
            target.parent.mkdir(parents=True, exist_ok=True)
            measured.serialize(destination=str(target), format="turtle")
            typer.echo(f"wrote {target} (ckg:pageRank for {len(analyse.actors(g))} actors)")
    except (KgError, ValueError) as exc:
        _fail(exc)


class PlotKind(StrEnum):
    timeline = "timeline"
    network = "network"


class Period(StrEnum):
    week = "week"
    month = "month"


@app.command()
def plot(
    kind: PlotKind = typer.Argument(..., help="timeline (events per period, by family) or network (actors)."),
    graph: Path = typer.Option(DEFAULT_GRAPH, "--graph", "-g", help="Built graph (.ttl or .trig)."),
    out: Path = typer.Option(None, "-o", "--out", help="PNG to write (default: exports/<kind>.png)."),
    by: Period = typer.Option(Period.month, "--by", help="Timeline bins: week or month."),
) -> None:
    """Draw a PNG chart of a graph: the events timeline or the actor-interaction network.

    Example:  kg plot timeline --by week -o exports/timeline.png
    """
    from kg import plot as plots
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
    search: str = typer.Option(None, "--search", "-s", help="Only entities whose id, label or forms contain this."),
    rule: str = typer.Option(None, "--rule", "-r",
                             help="Only entities merged by this rule: gazetteer, alias, normalised, person-part, "
                                  "fuzzy, override, new."),
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

    path = out / "entities.csv"
    if not path.exists():
        _fail(f"{path}: no merge log; run 'kg build -o {out}' first", 1)
        return
    rows = list(_csv.DictReader(path.open(encoding="utf-8")))
    if search:
        key = norm(search)
        rows = [r for r in rows if key in norm(" ".join((r["entity"], r["label"], r["surface_forms"])))]
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
