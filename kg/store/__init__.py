"""Stage 6 — store: write the graph's exports atomically, read them back, run SPARQL.

A build's graph lives in an on-disk Oxigraph store (``pyoxigraph``): its named graphs are
bulk-loaded from the emitter's N-Quads, its default graph holds every triple once. The RDF
exports stream out of it (:func:`dump_store`), so no stage holds the whole graph in Python.

Exporters are looked up by name in :data:`EXPORTERS` (``turtle``, ``trig``, ``csv``,
``entities``, ``derived``), each a callable ``(store, resolution, path)``. Every file is written to a
temporary file in the same folder and renamed into place (:func:`atomic_write`, the one atomic
writer of kg), so a build that stops half-way leaves the previous exports whole.

The package, by concern (imports flow down this list; none imports spaCy):

- :mod:`kg.store.atomic` — :func:`atomic_write`;
- :mod:`kg.store.turtle` — ``graph.ttl`` / ``graph.trig`` (:class:`GraphWriter`), ``derived.ttl``;
- :mod:`kg.store.csv_export` — ``events.csv``, ``entities.csv``, :func:`csv_cell`;
- :mod:`kg.store.exporters` — :data:`EXPORTERS`;
- :mod:`kg.store.sparql` — the SPARQL lexer (``VALUES`` bindings, ``SERVICE`` refusal);
- :mod:`kg.store.oxigraph` — load, update, open, query and dump the Oxigraph store;
- :mod:`kg.store.integrity` — does a store or graph file belong to the build's ``report.json``;
- :mod:`kg.store.graphs` — built graphs read into rdflib;
- :mod:`kg.store.results` — SPARQL on rdflib graphs, answers formatted;
- :mod:`kg.store.tables`, :mod:`kg.store.counts` — a build read back as records / counts.
"""

from kg.store.atomic import atomic_write
from kg.store.csv_export import (
    EVENT_COLUMNS,
    csv_cell,
    event_rows,
    iter_event_rows,
    read_entities_csv,
    write_entities_csv,
    write_events_csv,
)
from kg.store.exporters import EXPORTERS
from kg.store.graphs import (
    load_graph,
    load_network_graph,
    load_query_graph,
    read_network_part,
    validate_graph,
)
from kg.store.integrity import build_stamp, find_store, graph_file, graph_source, store_digest, store_mismatch
from kg.store.oxigraph import (
    GRAPH_DIGESTS,
    LOAD_CHUNK_LINES,
    STORE_DIR_NAME,
    STORE_MARKER,
    STORE_PREFIX,
    count_triples,
    dump_store,
    has_iri,
    load_store,
    open_store,
    query_store,
    read_part,
    save_digests,
    store_digests,
    store_label_graph,
    update_store,
)
from kg.store.results import format_result, run_query
from kg.store.turtle import GraphWriter, prefix_header, write_derived, write_turtle

__all__ = ["atomic_write", "GraphWriter", "prefix_header", "write_events_csv", "EXPORTERS", "load_graph",
           "run_query", "format_result", "EVENT_COLUMNS", "event_rows",
           "STORE_DIR_NAME", "load_store", "open_store", "query_store", "read_part", "dump_store",
           "store_label_graph", "find_store", "count_triples", "write_entities_csv",
           "STORE_PREFIX", "load_network_graph", "GRAPH_DIGESTS", "STORE_MARKER",
           "store_digests", "save_digests", "update_store", "store_digest", "store_mismatch", "csv_cell",
           "graph_source", "graph_file", "write_turtle", "write_derived", "load_query_graph", "iter_event_rows",
           "LOAD_CHUNK_LINES", "read_entities_csv", "read_network_part", "build_stamp", "has_iri", "validate_graph"]
