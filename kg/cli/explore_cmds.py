"""``kg view``, ``kg network``, ``kg export`` and ``kg plot``: argument handling over
:mod:`kg.view`, :mod:`kg.analyse` and :mod:`kg.exports`; the small printers of ``kg network``.

Imports the library inside the functions only (``kg --help`` stays fast).
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from pathlib import Path

import typer

from kg.cli.common import DEFAULT_GRAPH, beside, fail, guard_output, names_of, usage_or_error, warn
from kg.errors import KgError, UsageError
from kg.progress import terminal_progress

__all__ = ["view", "network", "export_cmd", "plot", "Projection", "Measure", "ExportFormat", "Undated",
           "PlotKind", "Period"]


def view(
    graph: Path = typer.Option(DEFAULT_GRAPH, "--graph", "-g", help="Built graph (.ttl or .trig)."),
    out: Path = typer.Option(None, "-o", "--out", help="HTML file to write (default: view.html beside the graph; "
                                                      "never a file of the build, such as its graph.html)."),
    since: str = typer.Option(None, "--since", help="Keep events dated on or after YYYY[-MM[-DD]]."),
    until: str = typer.Option(None, "--until", help="Keep events dated on or before YYYY[-MM[-DD]]."),
    types: list[str] = typer.Option(None, "--type", help="Event type or family (repeatable), e.g. Airstrike, Battle."),
    actor: str = typer.Option(None, "--actor", help="Keep events involving this actor (a name as you type it: "
                                                    "Daech, EI, OSDH; or an IRI)."),
    place: str = typer.Option(None, "--place", help="Keep events in this place or places located in it (Homs)."),
    ego: str = typer.Option(None, "--ego", help="Keep the neighbourhood of this node (a name or an IRI)."),
    depth: int = typer.Option(2, "--depth", min=0, help="Radius of --ego in hops (actor -> event -> actor is 2)."),
    top: int = typer.Option(None, "--top", min=1, help="Keep the N best-connected events, their actors and places "
                                                       "(default: all, up to 5,000; see --all)."),
    all_events: bool = typer.Option(False, "--all", help="Keep every event of the part, however many (a page "
                                                         "of 25,000 events weighs ~17 MB and opens slowly)."),
    title: str = typer.Option("kg", "--title", help="Page title."),
    quiet: bool = typer.Option(False, "-q", "--quiet", help="No progress on a terminal (read, network, page)."),
) -> None:
    """Write the explorer (one offline page: search, filters, timeline, map, evidence) of a graph,
    optionally cut to a part of it; the page itself filters further.

    Names (--actor, --place, --ego) are resolved as everywhere in kg: labels, aliases (Daech, EI),
    ids or IRIs; an unknown name is a usage error (exit 2) with suggestions. A part of more than
    5,000 events keeps the 5,000 best-connected, as a build's graph.html does (a warning says so);
    --top N keeps another number, --all every one.

    Example:  kg view -o daech.html --actor Daech --since 2014 --type Battle
    """
    from kg.names import resolve_name
    from kg.pipeline.parts import VIEW_EVENTS
    from kg.view import (
        cap_events,
        cap_note,
        filter_network,
        load_view_graph,
        page_target,
        view_network,
        write_html,
    )

    if all_events and top is not None:
        fail(f"--all and --top {top} contradict each other: --all keeps every event, --top the {top} best-connected",
             2)
    try:
        out = page_target(graph, out)
    except UsageError as exc:
        fail(exc, 2)
    progress = terminal_progress(quiet=quiet)
    try:
        with progress.stage("read"):
            g = load_view_graph(graph, warn)
        with progress.stage("network"):
            names = names_of(g) if actor or place or ego else None
            net = filter_network(
                view_network(g),
                since=since, until=until, types=types or (),
                actor=resolve_name(actor, names, "actor") if actor else None,
                place=resolve_name(place, names, "place") if place else None,
                ego=resolve_name(ego, names) if ego else None, depth=depth, top=top,
            )
            note = None
            if top is None and not all_events:
                net, total = cap_events(net, VIEW_EVENTS)
                note = cap_note(VIEW_EVENTS, total, "'kg view --top N' or '--all' writes more, filters any part.")
                if note is not None:
                    warn(f"{out.name} holds the {VIEW_EVENTS} best-connected event(s) of {total}; "
                         "--top N keeps another number, --all every event, filters (--since, --place…) any part")
        with progress.stage("page"):
            path = write_html(net, out, title=title, note=note)
    except KgError as exc:
        progress.close()
        usage_or_error(exc)
    progress.close()
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


def _labeller(net) -> Callable[[str], str]:
    """A node's label in the projection (its IRI when it has none, or is not a node)."""
    return lambda u: net.nodes[u].get("label", u) if u in net else u


def _print_stats(g, net, store, proj: str) -> None:
    """The summary of the graph (with the build's counts) and the statistics of the projection."""
    from kg import analyse
    from kg.store.counts import count_store

    # the build's counts (the whole graph, mentions included): the store's when there is one (``g``
    # may be its network part), else ``g`` is the whole graph, parsed, and summary counts it
    summary = analyse.summary(g, counts=count_store(store) if store is not None else None)
    for k, v in summary.items():
        typer.echo(f"{k}: {v}")
    typer.echo(f"projection {proj}:")
    for k, v in analyse.network_stats(net).items():
        typer.echo(f"  {k}: {round(v, 4) if isinstance(v, float) else v}")


def _print_top(net, top: int, by: str, proj: str, label) -> None:
    from kg import analyse

    typer.echo(f"top {top} by {by} ({proj}):")
    for u, score in analyse.top_nodes(net, by=by, n=top):
        typer.echo(f"  {score:8.4f}  {label(u)}")


def _print_communities(net, proj: str, label) -> None:
    from kg import analyse

    found = analyse.communities(net)
    typer.echo(f"{len(found)} communities ({proj}, louvain, seed {analyse.SEED}):")
    for i, members in enumerate(found, 1):
        typer.echo(f"  {i:3d} ({len(members)}): {', '.join(label(u) for u in members)}")


def _print_path(g, names, path: tuple[str, str], label) -> None:
    from kg import analyse
    from kg.names import resolve_name

    a, b = (resolve_name(n, names, "actor") for n in path)
    result = analyse.shortest_path(g, a, b)
    typer.echo(f"path ({len(result.hops)} hops): {' -> '.join(result.labels)}")
    for hop in result.hops:
        typer.echo(f"  {label(hop.source)} -- {label(hop.target)}:")
        for e in hop.events:
            where = f" at {e.place}" if e.place else ""
            typer.echo(f"    {e.type} {e.date or '(undated)'}{where}: {label(e.agent)} -> {label(e.target)}  <{e.event}>")


def _print_ego(net, names, ego: str, proj: str, depth: int, label):
    """Print the ego network of the node ``ego`` names and return it."""
    from kg import analyse
    from kg.names import UnknownName, resolve_name

    center = resolve_name(ego, names, _PROJECTION_KIND[proj])
    if center not in net:
        raise UnknownName(f"{names.describe(center)} is not a node of the {proj} projection; "
                          "try --projection actor-place", ego)
    sub = analyse.ego(net, center, depth)
    typer.echo(f"ego network of {label(center)!r}, depth {depth}: {sub.number_of_nodes()} nodes, "
               f"{sub.number_of_edges()} edges")
    for u in sorted(sub, key=lambda u: (label(u), u)):
        typer.echo(f"  {label(u)}  <{u}>")
    return sub


def _write_back(g, graph: Path, out: Path | None) -> None:
    """Write the graph with ckg:pageRank per actor (to ``out``, or <graph>.measures.ttl)."""
    from kg import analyse
    from kg.store import atomic_write, graph_file

    graph = graph_file(graph)  # a build folder: beside its graph.ttl, inside the folder
    target = out or graph.with_name(f"{graph.stem}.measures.ttl")
    measured = analyse.add_measures(g)
    with atomic_write(target, "wb", encoding=None) as fh:
        measured.serialize(destination=fh, format="turtle")
    typer.echo(f"wrote {target} (ckg:pageRank for {len(analyse.actors(g))} actors)")


def network(
    what: str = typer.Argument(None, metavar="[stats]", help="'stats' prints the summary (also when no option is given)."),
    graph: Path = typer.Option(DEFAULT_GRAPH, "--graph", "-g", help="Built graph (.ttl or .trig)."),
    proj: Projection = typer.Option(Projection.interactions, "--projection", help="Network to analyse."),
    top: int = typer.Option(None, "--top", min=1, help="List the N most central nodes."),
    by: Measure = typer.Option(Measure.degree, "--by", help="Centrality for --top."),
    communities: bool = typer.Option(False, "--communities", help="Louvain communities (seeded)."),
    path: tuple[str, str] | None = typer.Option(None, "--path", metavar="A B",
                                                help="Shortest interaction path between two actors (names as you "
                                                     "type them: Rebelles Daech)."),
    ego: str = typer.Option(None, "--ego", help="Print the neighbourhood of this node (a name: Daech, Homs; or an IRI)."),
    depth: int = typer.Option(1, "--depth", min=0, help="Radius of --ego in hops."),
    export: Path = typer.Option(None, "--export",
                                help="Write the projection (or the --ego subgraph) as .graphml or .gexf, with dates "
                                     "(Gephi's timeline) and coordinates."),
    write_back: bool = typer.Option(False, "--write-back", help="Write ckg:pageRank per actor into a copy of the graph."),
    out: Path = typer.Option(None, "--out", help="File for --write-back (default: <graph>.measures.ttl next to it)."),
    quiet: bool = typer.Option(False, "-q", "--quiet", help="No progress on a terminal (read, network)."),
) -> None:
    """Analyse the networks of a graph: summary, centralities, communities, paths, ego networks.

    The counts (articles, actors, places, events, triples) are the build's (report.json). Names
    (--ego, --path) are resolved as everywhere in kg; an unknown one is a usage error (exit 2).

    Example:  kg network --top 5 --by pagerank --communities --path "armée syrienne" Daech
    """
    from kg import analyse
    from kg.exports import enrich_network
    from kg.store import find_store, load_graph, open_store, read_network_part
    from kg.store.tables import read_tables

    if what not in (None, "stats"):
        fail(ValueError(f"unknown analysis {what!r}; use 'stats' or the options (see kg network --help)"), 2)
    guard_output(export, "--export")
    if export is not None and export.suffix.lower() not in (".graphml", ".gexf"):
        fail(f"--export {export}: give a .graphml or .gexf file (Gephi, yEd, Cytoscape read both)", 2)
    guard_output(out, "--out")
    if out is not None:
        from kg.store.integrity import refuse_other_suffix

        if not write_back:
            fail("--out names the file of --write-back, which was not given: add --write-back (or --export "
                 "F.graphml for the network)", 2)
        try:
            refuse_other_suffix(out, (".ttl",), "Turtle", "--out")
        except KgError as exc:
            fail(exc, 2)
    progress = terminal_progress(quiet=quiet)
    try:
        with progress.stage("read"):  # the build's store, found and opened once: one build read
            folder = find_store(graph, warn)
            store = open_store(folder) if folder is not None else None
            g = load_graph(graph) if write_back or store is None else read_network_part(store)
        with progress.stage("network"):
            net = analyse.projection(g, proj.value)
        progress.close()  # what follows prints the answer
        names = names_of(g) if ego or path else None
        label = _labeller(net)
        asked = top or communities or path or ego or export or write_back
        if what == "stats" or not asked:
            _print_stats(g, net, store, proj.value)
            top = top or (None if asked else 10)
        if top:
            _print_top(net, top, by.value, proj.value, label)
        if communities:
            _print_communities(net, proj.value, label)
        if path:
            _print_path(g, names, path, label)
        sub = _print_ego(net, names, ego, proj.value, depth, label) if ego else None
        if export:  # dates and places read, then the file written: seconds to tens of seconds at thousands
            steps = terminal_progress(quiet=quiet)
            with steps.stage("export"):
                chosen = (sub if sub is not None else net).copy()
                enrich_network(chosen, g, read_tables(store if store is not None else g))
                written = analyse.export_network(chosen, export)
            steps.close()
            typer.echo(f"wrote {written}")
        if write_back:
            _write_back(g, graph, out)
    except (KgError, ValueError) as exc:
        progress.close()
        usage_or_error(exc)


class ExportFormat(StrEnum):
    acled = "acled"
    jsonld = "jsonld"
    graphml = "graphml"
    gexf = "gexf"


class Undated(StrEnum):
    drop = "drop"
    publication = "publication"
    keep = "keep"


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
    quiet: bool = typer.Option(False, "-q", "--quiet", help="No progress on a terminal (read, write)."),
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
        fail(f"{graph}: no such graph; run 'kg build' first or pass --graph FILE", 2)
    progress = terminal_progress(quiet=quiet)
    try:
        done = run_export(fmt.value, graph, out, undated=undated.value, progress=progress, warn=warn)
    except (KgError, ValueError, OSError) as exc:  # over a build's own files (UsageError) or a bad name: usage
        progress.close()
        fail(exc, 2 if isinstance(exc, ValueError | UsageError) else 1)
    progress.close()
    typer.echo(done)


class PlotKind(StrEnum):
    timeline = "timeline"
    network = "network"


class Period(StrEnum):
    auto = "auto"
    week = "week"
    month = "month"
    quarter = "quarter"
    year = "year"


def plot(
    kind: PlotKind = typer.Argument(..., help="timeline (events per period, by family) or network (actors)."),
    graph: Path = typer.Option(DEFAULT_GRAPH, "--graph", "-g", help="Built graph (.ttl or .trig)."),
    out: Path = typer.Option(None, "-o", "--out", help="PNG to write (default: <kind>.png beside the graph)."),
    by: Period = typer.Option(Period.auto, "--by",
                              help="Timeline bins: week, month, quarter, year, or auto (the finest that fits "
                                   "the dated events in at most 40 bars)."),
    quiet: bool = typer.Option(False, "-q", "--quiet", help="No progress on a terminal (read, chart)."),
) -> None:
    """Draw a PNG chart of a graph: the events timeline or the actor-interaction network.

    Example:  kg plot timeline --by week -o exports/timeline.png
    """
    from kg.exports import plot as plots
    from kg.store import load_network_graph
    from kg.store.integrity import refuse_other_suffix

    target = out or beside(graph, f"{kind.value}.png")
    guard_output(target)
    try:
        refuse_other_suffix(target, (".png",), "a PNG image")
    except KgError as exc:
        fail(exc, 2)
    progress = terminal_progress(quiet=quiet)
    try:
        with progress.stage("read"):  # the networks' part, from the store when the build kept one (no parsing)
            g = load_network_graph(graph, warn)
        with progress.stage("chart"):
            if kind is PlotKind.timeline:
                plots.timeline(g, target, by=by.value)
            else:
                plots.network(g, target)
    except KgError as exc:
        progress.close()
        fail(exc)
    progress.close()
    typer.echo(f"wrote {target}")
