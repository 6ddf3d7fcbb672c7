"""Exports for the tools analysts already use (#13): ACLED CSV, JSON-LD, GraphML / GEXF with dates
and coordinates, and standard SPARQL 1.1 Query Results JSON.

:data:`FORMATS` maps a format name to its writer ``(graph, dest, **options) -> str`` (what
``kg export --format NAME`` runs; the string says what was written):

- ``acled``: :func:`kg.exports.acled.write_acled`, ACLED's columns, order and conventions;
- ``jsonld``: the graph as JSON-LD (rdflib's serializer) with the contract's prefixes as
  ``@context``;
- ``graphml`` / ``gexf``: the knowledge network (actors, places, events) for Gephi, with every
  event's time span (``start`` / ``end``: GEXF spells, Gephi's timeline) and every place's
  ``latitude`` / ``longitude`` (Gephi's geo layouts).

:func:`sparql_json` renders a query result as the W3C's SPARQL 1.1 Query Results JSON Format
(``kg query -f json``): every value keeps its type (``uri``, ``literal`` with ``datatype`` or
``xml:lang``, ``bnode``).
"""

from __future__ import annotations

import calendar
import json
from collections.abc import Callable, Iterator
from pathlib import Path

from rdflib import BNode, Literal, URIRef

from kg.namespace import DOCUMENT_PREFIXES
from kg.store.integrity import refuse_build_file, refuse_other_suffix
from kg.store.results import solutions

__all__ = ["FORMATS", "export", "sparql_json", "sparql_json_pieces", "write_jsonld", "write_network", "enrich_network", "time_span",
           "CONTEXT"]

#: the JSON-LD ``@context``: the contract's prefixes
CONTEXT: dict[str, str] = DOCUMENT_PREFIXES


# ------------------------------------------------------------------ SPARQL results JSON
def _term_json(term) -> dict:
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    if isinstance(term, Literal):
        out = {"type": "literal", "value": str(term)}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype is not None:
            out["datatype"] = str(term.datatype)
        return out
    return {"type": "literal", "value": str(term)}


def sparql_json(result) -> str:
    """A SELECT or ASK result (rdflib ``Result``) as SPARQL 1.1 Query Results JSON.

    >>> from rdflib import Graph, Literal, URIRef
    >>> g = Graph()
    >>> _ = g.add((URIRef("urn:x"), URIRef("urn:n"), Literal(3)))
    >>> print(sparql_json(g.query("SELECT ?s ?n WHERE { ?s ?p ?n }")))
    {
     "head": {
      "vars": [
       "s",
       "n"
      ]
     },
     "results": {
      "bindings": [
       {
        "s": {
         "type": "uri",
         "value": "urn:x"
        },
        "n": {
         "type": "literal",
         "value": "3",
         "datatype": "http://www.w3.org/2001/XMLSchema#integer"
        }
       }
      ]
     }
    }
    """
    return "".join(sparql_json_pieces(result))


def sparql_json_pieces(result, size: int = 1 << 20) -> Iterator[str]:
    """:func:`sparql_json`'s text in pieces of about ``size`` characters, a solution at a time: the
    same text, without the whole answer as JSON objects and one string in memory (1.75 GB for the
    173,606 rows of ``actor-timeline`` at 3,400 articles, where the CSV took 0.5 GB)."""
    if result.type == "ASK":
        yield json.dumps({"head": {}, "boolean": bool(result.askAnswer)}, indent=1)
        return
    if result.type != "SELECT":
        raise ValueError(f"SPARQL results JSON is for SELECT and ASK, not {result.type}")
    names = [str(v) for v in result.vars]
    rows = solutions(result)
    skeleton = json.dumps({"head": {"vars": names}, "results": {"bindings": []}}, ensure_ascii=False, indent=1)
    if not rows:
        yield skeleton
        return
    at = skeleton.rindex("[]")  # the bindings' list, at depth 2: each solution is indented by 3
    buffer, length = [skeleton[:at] + "[\n"], 0
    for i, row in enumerate(rows):
        text = json.dumps({n: _term_json(v) for n, v in zip(names, row, strict=True) if v is not None},
                          ensure_ascii=False, indent=1)
        buffer.append((",\n" if i else "") + "\n".join("   " + line for line in text.split("\n")))
        length += len(buffer[-1])
        if length >= size:
            yield "".join(buffer)
            buffer, length = [], 0
    buffer.append("\n  ]" + skeleton[at + 2:])
    yield "".join(buffer)


# ------------------------------------------------------------------ JSON-LD
_JSON = {"indent": 1, "sort_keys": True, "ensure_ascii": False}


def _jsonld_whole(g) -> str:
    """rdflib's JSON-LD of ``g`` in one piece, its nodes sorted by ``@id`` (for graphs with blank
    nodes, whose nodes nest, and graphs of one subject, which rdflib writes without ``@graph``)."""
    from rdflib import Graph
    from rdflib.plugins.serializers.jsonld import from_rdf

    ordered = Graph()
    for prefix, ns in CONTEXT.items():
        ordered.bind(prefix, ns, override=True, replace=True)
    for t in sorted(g, key=lambda t: tuple(x.n3() for x in t)):
        ordered.add(t)
    obj = from_rdf(ordered, CONTEXT)
    if isinstance(obj, dict) and isinstance(obj.get("@graph"), list):
        obj["@graph"].sort(key=lambda node: str(node.get("@id", "")))
    return json.dumps(obj, **_JSON)


def write_jsonld_to(g, fh) -> None:
    """Write an rdflib graph as JSON-LD with :data:`CONTEXT` to the text file ``fh``, a node at a
    time: each subject's node is rdflib's (its triples in sorted order), the nodes in the order of
    their subjects. The same graph gives the same bytes whatever the run (rdflib orders its nodes
    by a set of the subjects, which changes with Python's hash seed), and memory holds one node at
    a time (the whole JSON tree and its text were 3 GB for a 1.08M-triple graph)."""
    from rdflib import Graph
    from rdflib.plugins.serializers.jsonld import Converter
    from rdflib.plugins.shared.jsonld.context import Context

    subjects = sorted(set(g.subjects()), key=lambda s: s.n3())
    if len(subjects) <= 1 or any(isinstance(s, BNode) for s in subjects) \
            or any(isinstance(o, BNode) for o in g.objects()):
        fh.write(_jsonld_whole(g))
        return
    converter = Converter(Context(CONTEXT), use_native_types=False, use_rdf_type=False)
    head = json.dumps({"@context": CONTEXT}, **_JSON)
    fh.write(head[: -len("\n}")] + ',\n "@graph": [\n')
    for i, s in enumerate(subjects):
        one = Graph()
        for p, o in sorted(g.predicate_objects(s), key=lambda po: (po[0].n3(), po[1].n3())):
            one.add((s, p, o))
        node = converter.process_subject(one, s, {})
        text = json.dumps(node, **_JSON)
        fh.write((",\n" if i else "") + "\n".join("  " + line for line in text.split("\n")))
    fh.write("\n ]\n}")


def jsonld_text(g) -> str:
    """An rdflib graph as JSON-LD with :data:`CONTEXT` (:func:`write_jsonld_to`): the same graph
    gives the same text."""
    import io

    out = io.StringIO()
    write_jsonld_to(g, out)
    return out.getvalue()


def write_jsonld(graph: str | Path, dest: str | Path, *, progress=None, warn=None, **_options) -> str:
    """Write the build's graph (every triple, as in ``graph.ttl``) as JSON-LD, a node at a time.
    ``warn`` is told when the build's ``report.json`` cannot be read (the file is read unchecked)."""
    from kg.progress import as_progress
    from kg.store import atomic_write, load_graph
    from kg.store.integrity import report_problem

    steps = as_progress(progress)
    src = Path(graph)
    damaged = report_problem(src if src.is_dir() else src.parent) if warn is not None else None
    if damaged is not None:
        warn(f"{damaged}; reading {src / 'graph.ttl' if src.is_dir() else src}, unchecked")
    with steps.stage("read"):
        g = load_graph(src / "graph.ttl" if src.is_dir() else src)
    with steps.stage("write"), atomic_write(dest) as fh:
        write_jsonld_to(g, fh)
    return f"wrote {dest} (JSON-LD, {len(g)} triples)"


# ------------------------------------------------------------------ networks with time and place
def time_span(value: str | None) -> tuple[str, str] | None:
    """A date at its precision as a span of days, for GEXF spells.

    >>> time_span("2016-02"), time_span("2016"), time_span("2016-02-03"), time_span(None)
    (('2016-02-01', '2016-02-29'), ('2016-01-01', '2016-12-31'), ('2016-02-03', '2016-02-03'), None)
    """
    if not value:
        return None
    if len(value) >= 10:
        return value[:10], value[:10]
    if len(value) == 7:
        year, month = int(value[:4]), int(value[5:7])
        return f"{value}-01", f"{value}-{calendar.monthrange(year, month)[1]:02d}"
    if len(value) == 4 and value.isdigit():
        return f"{value}-01-01", f"{value}-12-31"
    return None


def enrich_network(net, g, tables=None) -> None:
    """Add, in place, what Gephi's timeline and geo layouts read.

    Events get ``start`` / ``end`` (ISO days: the span of ``ckg:date`` at its precision, else of
    ``ckg:startDate`` … ``ckg:endDate``; GEXF writes them as spells), and so do edges that list
    their ``events`` (from the first to the last); an event's own ``start`` / ``end`` attributes
    (``ckg:startDate`` / ``ckg:endDate``) are renamed ``start_date`` / ``end_date``. Places get
    ``latitude`` / ``longitude`` and ``geo_precision``, inherited from the nearest containing place
    when they have none (as in the ACLED export: :func:`kg.exports.acled.place_point`).

    Parameters
    ----------
    net : networkx.Graph
        A knowledge network or a projection (nodes are IRIs).
    g : rdflib.Graph
        The graph it was made from.
    tables : kg.store.tables.BuildTables, optional
        The tables of that graph, when they are at hand (:func:`kg.store.tables.read_build` reads a
        build's from its store, much faster than rdflib's SPARQL over ``g``); read from ``g`` by default.
    """
    from kg.exports.acled import place_point
    from kg.namespace import CKG
    from kg.store.tables import read_tables

    tables = tables if tables is not None else read_tables(g)
    spans: dict[str, tuple[str, str] | None] = {}

    def span_of(node: str) -> tuple[str, str] | None:
        if node not in spans:
            iri = URIRef(node)
            date = min((str(d) for d in g.objects(iri, CKG.date)), default=None)
            start = time_span(date) if date else time_span(min((str(d) for d in g.objects(iri, CKG.startDate)),
                                                               default=None))
            end = None if date or start is None else \
                time_span(max((str(d) for d in g.objects(iri, CKG.endDate)), default=None))
            spans[node] = None if start is None else (start[0], (end or start)[1])
        return spans[node]

    for node, data in net.nodes(data=True):
        if data.get("kind") == "event":
            for attr in ("start", "end"):
                if attr in data:
                    value = data.pop(attr)
                    if value:
                        data[f"{attr}_date"] = value
            span = span_of(node)
            if span is not None:
                data["start"], data["end"] = span
        elif data.get("kind") == "place":
            lat, long, precision, _origin = place_point(tables.chain(node))
            if precision != "":
                data["latitude"], data["longitude"], data["geo_precision"] = float(lat), float(long), precision
    edges = net.edges(keys=True, data=True) if net.is_multigraph() else net.edges(data=True)
    for *_ends, data in edges:
        events = data.get("events") or ([data["event"]] if data.get("event") else [])
        found = [s for e in events if (s := span_of(e)) is not None]
        if found:
            data["start"], data["end"] = min(s[0] for s in found), max(s[1] for s in found)


def write_network(graph: str | Path, dest: str | Path, *, progress=None, warn=None, **_options) -> str:
    """Write the knowledge network of a build (actors, places, events) as GraphML or GEXF (by
    ``dest``'s suffix), with time spans and coordinates (:func:`enrich_network`). ``warn`` is told
    what the readers say of the build's store and ``report.json`` (:func:`kg.store.graph_source`)."""
    from kg.analyse import export_network, knowledge_network
    from kg.progress import as_progress
    from kg.store import load_network_graph
    from kg.store.tables import read_build

    steps = as_progress(progress)
    with steps.stage("read"):
        g = load_network_graph(graph, warn)
    with steps.stage("network"):
        net = knowledge_network(g)
        enrich_network(net, g, read_build(graph, parsed=g))
    with steps.stage("write"):
        path = export_network(net, dest)
    timed = sum(1 for _, d in net.nodes(data=True) if "start" in d)
    placed = sum(1 for _, d in net.nodes(data=True) if "latitude" in d)
    return (f"wrote {path} ({net.number_of_nodes()} nodes, {net.number_of_edges()} edges; "
            f"{timed} dated events, {placed} places with coordinates)")


def _write_acled(graph: str | Path, dest: str | Path, *, undated: str = "drop", progress=None, warn=None,
                 **_options) -> str:
    from kg.exports.acled import write_acled

    export = write_acled(graph, dest, undated=undated, progress=progress, warn=warn)
    text = f"wrote {dest} ({len(export.rows)} ACLED rows)"
    if export.left_out:
        text += "; left out: " + ", ".join(f"{n} {why}" for why, n in sorted(export.left_out.items()))
        if "no date at month precision" in export.left_out:
            text += " (--undated publication or keep to include the undated)"
    return text


#: every export format by name: ``(graph, dest, **options) -> message``, and its usual suffix
FORMATS: dict[str, tuple[Callable[..., str], str]] = {
    "acled": (_write_acled, ".csv"),
    "jsonld": (write_jsonld, ".jsonld"),
    "graphml": (write_network, ".graphml"),
    "gexf": (write_network, ".gexf"),
}


#: the suffixes a file given to a format may end in (the first is its usual one), and what it holds
_SUFFIXES = {"acled": (".csv",), "jsonld": (".jsonld", ".json")}
_KINDS = {"acled": "ACLED's CSV", "jsonld": "JSON-LD"}


def export(fmt: str, graph: str | Path, dest: str | Path | None = None, **options) -> str:
    """Write the build ``graph`` (a graph file or a build folder) in format ``fmt`` to ``dest``
    (default: beside the graph, ``acled.csv``, ``graph.jsonld``, ``graph.graphml``, ``graph.gexf``).
    ``progress=`` (a :class:`kg.progress.Progress`, a callable, ``"auto"`` or None) is told the
    steps (``read``, then ``rows`` / ``network``, ``write``): tens of seconds at thousands of articles.
    ``warn=`` (a callable taking one line) is told, as the readers' is, when the build's
    ``report.json`` cannot be read or its store disagrees with it (:func:`kg.store.graph_source`)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")
    writer, suffix = FORMATS[fmt]
    src = Path(graph)
    folder = src if src.is_dir() else src.parent
    graph = folder / "graph.ttl" if src.is_dir() else src
    if dest is None:
        dest = folder / ("acled.csv" if fmt == "acled" else f"graph{suffix}")
    refuse_build_file(dest)  # never over a build's own files (the library as the command line)
    if fmt in ("graphml", "gexf") and Path(dest).suffix.lower() != suffix:
        raise ValueError(f"{dest}: a {fmt} file must end in {suffix}")
    refuse_other_suffix(dest, _SUFFIXES.get(fmt, (suffix,)), _KINDS.get(fmt, f"a {fmt} file"))
    return writer(graph, dest, **options)
