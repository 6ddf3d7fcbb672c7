"""kg — a knowledge graph of French conflict news (Syrian war, AFP/ATS dispatches).

The Python front door (#13)::

    import kg
    report = kg.build(["seeds"], "exports")        # what `kg build seeds -o exports` runs
    g = kg.open("exports")                         # a built graph
    g.counts                                       # articles, actors, places, events, triples
    g.query("territory-captures", place="Homs")    # a named query, a .rq file or SPARQL text
    g.events(actor="Daech", since="2012")          # the events, filtered (names as users type them)
    g.network("interactions", ego="Daech")         # a networkx projection
    g.view("homs.html", place="Homs")              # the offline HTML page
    g.export("acled", "acled.csv")                 # ACLED CSV, JSON-LD, GraphML, GEXF

Tables are pandas DataFrames when pandas is installed (``pip install 'kg[pandas]'``), lists of
dicts otherwise. The stages themselves are modules (``kg.ingest`` … ``kg.view``).
"""

from __future__ import annotations

# ``open`` is left out of __all__ so that ``from kg import *`` cannot hide the builtin ``open``
__all__ = ["build", "KnowledgeGraph"]


def open(path="exports"):  # noqa: A001 - kg.open reads like the builtin it mirrors
    """The built graph in ``path`` (a build folder, or its ``graph.ttl`` / ``graph.trig``):
    a :class:`kg.api.KnowledgeGraph`."""
    from kg.api import open_graph

    return open_graph(path)


def build(paths=None, out="exports", **options):
    """Build ``.txt`` articles (files or folders; default ``seeds/``) into ``out`` and return the
    :class:`kg.pipeline.BuildReport`; see :func:`kg.api.build`."""
    from kg.api import build as _build

    return _build(paths, out, **options)


def __getattr__(name: str):
    if name == "KnowledgeGraph":
        from kg.api import KnowledgeGraph

        return KnowledgeGraph
    raise AttributeError(f"module 'kg' has no attribute {name!r}")
