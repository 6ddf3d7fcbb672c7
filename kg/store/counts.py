"""Counts of a build as the readers see it: from its Oxigraph store, or from its graph file
(:mod:`kg.rdf.counts` says what is counted)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from kg.rdf.counts import COUNT_QUERY, Counts, count_graph, counts_of_row

__all__ = ["count_store", "count_build"]


def count_store(store) -> Counts:
    """The counts of a build's Oxigraph store (its default graph holds every triple once).

    Parameters
    ----------
    store : str, pathlib.Path or pyoxigraph.Store
        A store folder written by kg, or an open store.
    """
    from pyoxigraph import Store

    from kg.store import count_triples, open_store

    st = store if isinstance(store, Store) else open_store(store)
    return replace(counts_of_row(next(iter(st.query(COUNT_QUERY)))), triples=count_triples(st))


def count_build(graph: str | Path) -> Counts:
    """The counts of a build: from the store beside ``graph`` when there is one, else from the
    graph file itself (parsed).

    Parameters
    ----------
    graph : str or pathlib.Path
        ``graph.ttl`` / ``graph.trig`` of a build, or the build folder.
    """
    from kg.store import find_store, load_graph

    folder = find_store(graph)
    if folder is not None:
        return count_store(folder)
    p = Path(graph)
    return count_graph(load_graph(p / "graph.ttl" if p.is_dir() else p))
