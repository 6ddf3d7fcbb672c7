"""The Python front door (#13): a built graph as one object, for notebooks and scripts.

``kg.open("exports")`` returns a :class:`KnowledgeGraph`; ``kg.build(...)`` builds one. Every
name goes through the same resolver as the command line (:mod:`kg.names`: ``"Daech"``, ``"EI"``,
``"homs"``), and every count comes from :mod:`kg.rdf.counts`, as the build's summary does.

A :class:`KnowledgeGraph` follows its folder: when ``kg build`` or ``kg remove`` rewrites it, the
next call reads the new build, and no answer mixes two builds (see :class:`KnowledgeGraph`).
"""

from __future__ import annotations

import builtins
import functools
import threading
from collections.abc import Callable, Iterable
from functools import cached_property
from pathlib import Path

from kg.errors import KgError, QueryError

__all__ = ["KnowledgeGraph", "open_graph", "build", "EVENT_COLUMNS"]

#: the columns of :meth:`KnowledgeGraph.events`
EVENT_COLUMNS = ("event", "type", "family", "date", "start", "end", "place", "place_label", "agents", "targets",
                 "sources", "fatalities", "articles", "confidence", "evidence")


def _pandas():
    try:
        import pandas
    except ImportError:
        return None
    return pandas


def _python(term):
    """A result term as a Python value: numbers as int or float, booleans as bool, everything else
    (IRIs, strings, dates at any precision) as text, so a column keeps one type and a date its
    precision ("2024-11" stays "2024-11")."""
    from decimal import Decimal

    from rdflib import Literal

    if term is None:
        return None
    if isinstance(term, Literal):
        value = term.toPython()
        if isinstance(value, bool | int):
            return value
        if isinstance(value, float | Decimal):
            return float(value)
    return str(term)


#: how many times a call is made when its build is rewritten while it reads (then QueryError)
_TRIES = 3


class _Build:
    """One build of a folder as a :class:`KnowledgeGraph` reads it: its graph file, its store (when
    it kept one that agrees with ``report.json``) and what is read of them, each read once, on first
    use. ``stamp`` (:func:`kg.store.build_stamp`) is that of the files it was opened on."""

    def __init__(self, path: Path, stamp: tuple):
        from kg.store import find_store

        if path.is_dir():
            self.graph_path = next((path / n for n in ("graph.ttl", "graph.trig") if (path / n).is_file()),
                                   path / "graph.ttl")
        else:
            self.graph_path = path
        self.stamp = stamp
        self.store_path = find_store(self.graph_path)
        if not self.graph_path.is_file() and self.store_path is None:
            raise QueryError(f"{path}: no built graph here (graph.ttl or a store); run kg.build(...) or "
                             "'kg build -o DIR' first")

    @cached_property
    def store(self):
        from kg.store import open_store

        return open_store(self.store_path) if self.store_path is not None else None

    @cached_property
    def rdflib(self):
        from kg.store import load_graph

        return load_graph(self.graph_path)

    @cached_property
    def query_graph(self):
        """The graph file and the build's derived facts (``derived.ttl``), which the named queries
        read: what SPARQL runs on when there is no store (the store holds both)."""
        from kg.store import load_query_graph

        return load_query_graph(self.graph_path)

    @cached_property
    def network_graph(self):
        """The graph without its mentions, from the store; else the whole graph (parsed once)."""
        from kg.store import read_network_part

        return read_network_part(self.store) if self.store is not None else self.rdflib

    @cached_property
    def counts(self):
        from kg.rdf.counts import count_graph
        from kg.store.counts import count_store

        return count_store(self.store) if self.store is not None else count_graph(self.rdflib)

    @cached_property
    def names(self):
        from kg.names import NameIndex

        return NameIndex.from_store(self.store) if self.store is not None else NameIndex.from_graph(self.rdflib)

    @cached_property
    def _tables(self):
        from kg.store.tables import read_tables

        return read_tables(self.store if self.store is not None else self.rdflib)

    def tables(self):
        """The events, entities and articles (:class:`kg.store.tables.BuildTables`), read once: each
        ``events()`` call on an unchanged build filters them (10 s a read at 3,400 articles)."""
        return self._tables


def _one_build(method: Callable) -> Callable:
    """``method`` answers from one build: the folder's current one (read again when a build or
    ``kg remove`` rewrote the folder since the last call), and made again when the folder is
    rewritten while it reads; :class:`QueryError` when that happens :data:`_TRIES` times. A method
    it calls (``events`` → ``resolve``) reads the same build."""

    @functools.wraps(method)
    def call(self, *args, **kwargs):
        if getattr(self._reading, "build", None) is not None:  # called by a method that reads one build
            return method(self, *args, **kwargs)
        from kg.store import build_stamp

        for _ in range(_TRIES):
            stamp = build_stamp(self._path)
            try:
                self._reading.build = self._current(stamp)
                answer = method(self, *args, **kwargs)
            except Exception:
                if build_stamp(self._path) == stamp:
                    raise
                continue  # failed because the build changed under it (its store deleted): again
            finally:
                self._reading.build = None
            if build_stamp(self._path) == stamp:
                return answer
        raise QueryError(f"{self._path}: its build was rewritten {_TRIES} times while it was read (kg build or "
                         "kg remove writing it); call again when they are done")

    return call


class KnowledgeGraph:
    """A built graph: its folder, its store (when the build kept one) and its graph file.

    The handle follows its folder: when ``kg build`` or ``kg remove`` rewrites it, the next call
    (or attribute: ``counts``, ``names``, ``rdflib``) reads the new build, and what was read of
    the old one is dropped. Every answer comes from one build, never two: a call made while the
    folder is being rewritten is made again on the new build (:class:`~kg.errors.QueryError` when
    it keeps changing). What a call returned (a DataFrame, the ``rdflib`` graph) stays as it was.

    Parameters
    ----------
    path : str or pathlib.Path
        A build folder (``exports``) or its ``graph.ttl`` / ``graph.trig``.

    Examples
    --------
    >>> import kg                                   # doctest: +SKIP
    >>> g = kg.open("exports")                      # doctest: +SKIP
    >>> g.query("territory-captures", place="Homs") # doctest: +SKIP
    """

    def __init__(self, path: str | Path = "exports"):
        from kg.store import build_stamp

        self._path = Path(path)
        self.folder = self._path if self._path.is_dir() else self._path.parent
        self._reading = threading.local()  # the build a call is reading (see _one_build)
        self._build = _Build(self._path, build_stamp(self._path))

    def _current(self, stamp: tuple | None = None) -> _Build:
        """The build the folder holds now (its files' ``stamp``): the one read so far when its files
        are the same."""
        from kg.store import build_stamp

        stamp = build_stamp(self._path) if stamp is None else stamp
        if stamp != self._build.stamp:
            self._build = _Build(self._path, stamp)
        return self._build

    @property
    def _b(self) -> _Build:
        """The build the running call reads (see :func:`_one_build`)."""
        return getattr(self._reading, "build", None) or self._current()

    @property
    def graph_path(self) -> Path:
        """The graph file of the build (``graph.ttl``, or ``graph.trig`` when the build wrote only it)."""
        return self._current().graph_path

    @property
    def store_path(self) -> Path | None:
        """The build's store (``DIR/store``), or None when it kept none that agrees with ``report.json``."""
        return self._current().store_path

    def __repr__(self) -> str:
        try:
            c = self.counts
        except KgError as exc:  # the folder holds no build any more
            return f"<KnowledgeGraph: {exc}>"
        return (f"<KnowledgeGraph {self.folder}: {c.articles} articles, {c.events} events, {c.actors} actors, "
                f"{c.places} places, {c.triples} triples>")

    # -------------------------------------------------------------- the graph
    @property
    @_one_build
    def rdflib(self):
        """The whole graph as an rdflib ``Graph`` (parsed from the graph file: slow for big builds)."""
        return self._b.rdflib

    @property
    @_one_build
    def counts(self):
        """:class:`kg.rdf.counts.Counts`: articles, actors, places, events, triples (as the build reports them)."""
        return self._b.counts

    @property
    @_one_build
    def names(self):
        """The :class:`kg.names.NameIndex` of the graph (what :meth:`resolve` looks names up in)."""
        return self._b.names

    @_one_build
    def resolve(self, name: str, kind: str | None = None) -> str:
        """The IRI a name designates (``"Daech"`` → ``…/actor/islamic-state``); see :mod:`kg.names`."""
        from kg.names import resolve_name

        if not isinstance(name, str):
            raise TypeError(f"resolve: a name is a str (Daech, Homs, an IRI), not {type(name).__name__}")
        if kind not in (None, "actor", "place", "event"):
            raise ValueError(f"resolve: kind={kind!r}; give 'actor', 'place', 'event' or None (any)")
        return resolve_name(name, self._b.names, kind)

    # -------------------------------------------------------------- SPARQL
    @_one_build
    def query(self, query: str, params: dict[str, str] | None = None, *, frame: bool | None = None, **kw):
        """Run a named query (``"territory-captures"``), a ``.rq`` file or SPARQL text.

        Parameters are given as a dict or as keywords (``place="Homs"``) and bound as ``kg query
        -p`` binds them: names resolve through :meth:`resolve`, dates and numbers become typed
        literals; a parameter that is not a variable of the query is an error; ``None`` leaves a
        parameter unbound.

        Returns
        -------
        pandas.DataFrame or list of dict
            One row per solution, values as Python objects (IRIs as strings); a DataFrame when
            pandas is installed (``pip install kg[pandas]``) unless ``frame=False``. ``ASK``
            returns a bool, ``CONSTRUCT`` an rdflib graph.
        """
        from kg.names import resolve_params
        from kg.queries import bind_params, info_of_text, load_query, query_info_for
        from kg.store import has_iri, query_store, run_query, store_label_graph
        from kg.store.results import solutions

        b = self._b
        text = load_query(query)
        # None leaves a parameter unbound (all rows), as not passing it does: g.query(q, since=maybe)
        given = [(k, v) for k, v in (*(params or {}).items(), *kw.items()) if v is not None]
        values: dict[str, str] = {}
        for k, v in given:
            if k in values and values[k] != str(v):
                raise QueryError(f"query: parameter {k!r} given twice ({values[k]!r}, {str(v)!r}): it takes one value")
            values[k] = str(v)
        info = query_info_for(query) or info_of_text(text)
        values, strings = resolve_params(text, values, b.names, info.params,
                                         lambda iri: has_iri(b.store if b.store is not None else b.query_graph, iri))
        from rdflib import Literal

        if b.store is not None:
            bindings = bind_params(values, store_label_graph(b.store))
        else:
            bindings = bind_params(values, b.query_graph)
        for name in strings:
            bindings[name] = Literal(values[name])
        result = query_store(b.store, text, bindings) if b.store is not None else run_query(b.query_graph, text, bindings)
        if result.type == "ASK":
            return bool(result.askAnswer)
        if result.type != "SELECT":
            return result.graph
        names = [str(v) for v in result.vars]
        rows = [{n: _python(v) for n, v in zip(names, r, strict=True)} for r in solutions(result)]
        return self._table(rows, names, frame)

    @staticmethod
    def _table(rows: list[dict], columns: Iterable[str], frame: bool | None):
        pd = _pandas() if frame is not False else None
        if frame and pd is None:
            raise ImportError("frame=True needs pandas: pip install 'kg[pandas]'")
        if pd is None:
            return rows
        return pd.DataFrame(rows, columns=list(columns))

    # -------------------------------------------------------------- events, networks, pages
    @_one_build
    def events(self, *, actor: str | None = None, place: str | None = None, type: str | None = None,  # noqa: A002
               since: str | None = None, until: str | None = None, frame: bool | None = None):
        """The events, one row each (:data:`EVENT_COLUMNS`), optionally filtered.

        ``actor`` (any role: agent, target, source, denier) and ``place`` (the place or any place
        located in it) are names as users type them; ``type`` an event type or family
        (``Airstrike``, ``Battle``); ``since`` / ``until`` ISO dates at any precision (an event
        passes when its date, or start date, cut to the bound's length, is within them).
        """
        from kg.names import BadParameter, check_param
        from kg.schema.time import empty_period

        # as kg query -p checks them: a date that is none, or a type no event has, is an error, not 0 rows
        since = None if since is None else check_param("since", str(since), "date")
        until = None if until is None else check_param("until", str(until), "date")
        if empty_period(since, until):
            raise BadParameter(f"events: since={since!r} is after until={until!r}: no date lies between them", since)
        if type is not None and not isinstance(type, str):
            raise TypeError(f"events: type is one event type or family (a str), not {builtins.type(type).__name__}")
        type = None if type is None else check_param("type", type, "type").removeprefix("ckg:")  # noqa: A001
        tables = self._b.tables()
        who = self.resolve(actor, "actor") if actor else None
        where: set[str] | None = None
        if place:
            root = self.resolve(place, "place")
            where = {iri for iri in tables.entities if root in {e.iri for e in tables.chain(iri)}}
        rows = []
        for ev in tables.events.values():
            when = ev.date or ev.start
            if who and who not in (*ev.agents, *ev.targets, *ev.sources, *ev.disputed_by):
                continue
            if where is not None and ev.place not in where:
                continue
            if type and type.casefold() not in (ev.type.casefold(), ev.family.casefold()):
                continue
            if since and (not when or when[:len(since)] < since):
                continue
            if until and (not when or when[:len(until)] > until):
                continue
            tolls = "; ".join(f"{t.count} {tables.label(t.group)}".strip() for t in ev.tolls)
            rows.append({
                "event": ev.iri, "type": ev.type, "family": ev.family, "date": ev.date, "start": ev.start,
                "end": ev.end, "place": ev.place, "place_label": tables.label(ev.place) if ev.place else None,
                "agents": "; ".join(tables.label(a) for a in ev.agents),
                "targets": "; ".join(tables.label(a) for a in ev.targets),
                "sources": "; ".join(tables.label(a) for a in ev.sources), "fatalities": tolls,
                "articles": "; ".join(tables.articles[a].identifier if a in tables.articles else a
                                      for a in ev.articles),
                "confidence": ev.confidence, "evidence": " | ".join(ev.evidence),
            })
        rows.sort(key=lambda r: (r["date"] or r["start"] or "~", r["event"]))
        return self._table(rows, EVENT_COLUMNS, frame)

    @_one_build
    def network(self, projection: str = "interactions", *, ego: str | None = None, depth: int = 1):
        """A networkx projection (``interactions``, ``actor-place``, ``cooccurrence``), or the
        neighbourhood of ``ego`` (a name) in it."""
        import networkx as nx

        from kg import analyse

        if not isinstance(depth, int) or isinstance(depth, bool):
            raise TypeError(f"network: depth is a number of hops (an int), not {type(depth).__name__}")
        if depth < 0:
            raise ValueError(f"network: depth={depth}; give 0 (the node alone) or more hops")
        net = analyse.projection(self._b.network_graph, projection)
        if ego is None:
            return net
        kind = {"interactions": "actor", "cooccurrence": "place"}.get(projection)
        center = self.resolve(ego, kind)
        if center not in net:
            from kg.names import UnknownName

            raise UnknownName(f"{self._b.names.describe(center)} is not a node of the {projection} projection", ego)
        return nx.ego_graph(net, center, radius=depth, undirected=True)

    @_one_build
    def view(self, path: str | Path | None = None, *, since: str | None = None, until: str | None = None,
             types: Iterable[str] = (), actor: str | None = None, place: str | None = None,
             ego: str | None = None, depth: int = 2, top: int | None = None, title: str = "kg") -> Path:
        """Write the explorer page of the graph (``kg view``), filtered; names as users type them.
        ``path``: ``view.html`` beside the graph by default; never a file of the build (its
        ``graph.html``, ``graph.ttl``…: :class:`~kg.errors.UsageError`)."""
        from kg.view import filter_network, load_view_graph, page_target, view_network, write_html

        graph = self._b.graph_path
        path = page_target(graph, path, "path")
        if isinstance(types, str):  # one type, not its letters
            types = (types,)
        net = filter_network(view_network(load_view_graph(graph)), since=since, until=until, types=types,
                             actor=self.resolve(actor, "actor") if actor else None,
                             place=self.resolve(place, "place") if place else None,
                             ego=self.resolve(ego) if ego else None, depth=depth, top=top)
        return write_html(net, path, title=title)

    @_one_build
    def export(self, fmt: str, dest: str | Path | None = None, **options) -> str:
        """Write an export (``acled``, ``jsonld``, ``graphml``, ``gexf``; see :mod:`kg.exports`)."""
        from kg.exports import export

        return export(fmt, self._b.graph_path, dest, **options)


def open_graph(path: str | Path = "exports") -> KnowledgeGraph:
    """:class:`KnowledgeGraph` of a build folder or graph file (``kg.open``)."""
    return KnowledgeGraph(path)


def build(paths: Iterable[str | Path] | str | Path | None = None, out: str | Path = "exports", **options):
    """Build articles into ``out`` (``kg build``): ``paths`` are ``.txt`` files or folders
    (default ``seeds/``); ``options`` are those of :func:`kg.pipeline.build` (``jobs``,
    ``incremental`` → ``cache``, ``store``, ``html``, ``validate``, ``progress``…).

    Returns the :class:`kg.pipeline.BuildReport` (its ``summary()``, ``exit_code``, counts).
    """
    from kg.pipeline import build as run_build

    if paths is None:
        paths = [Path("seeds")]
    elif isinstance(paths, str | Path):
        paths = [paths]
    if "incremental" in options:
        options["cache"] = True if options.pop("incremental") else options.get("cache")
    return run_build(list(paths), out, **options)
