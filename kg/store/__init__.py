"""Stage 6 — store: write the graph's exports atomically, read them back, run SPARQL.

A build's graph lives in an on-disk Oxigraph store (``pyoxigraph``): its named graphs are
bulk-loaded from the emitter's N-Quads, its default graph holds every triple once. The RDF
exports stream out of it (:func:`dump_store`), so no stage holds the whole graph in Python.

Exporters are looked up by name in :data:`EXPORTERS` (``turtle``, ``trig``, ``csv``,
``entities``), each a callable ``(store, resolution, path)``. Every file is written to a
temporary file in the same folder and renamed into place, so a build that stops half-way
leaves the previous exports whole.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from rdflib import Dataset, Graph
from rdflib.query import Result

from kg.errors import QueryError
from kg.namespace import PREFIXES
from kg.rdf.emit import bind_prefixes
from kg.resolve import CIVILIANS, Resolution, located_chain
from kg.schema.taxonomy import FAMILY
from kg.store.sparql import check_federation, with_values

__all__ = ["atomic_write", "GraphWriter", "prefix_header", "write_events_csv", "EXPORTERS", "load_graph",
           "run_query", "format_result", "EVENT_COLUMNS", "event_rows",
           "STORE_DIR_NAME", "load_store", "open_store", "query_store", "dump_store",
           "store_label_graph", "find_store", "count_triples", "write_entities_csv",
           "STORE_PREFIX", "load_network_graph", "GRAPH_DIGESTS", "STORE_MARKER",
           "store_digests", "save_digests", "update_store", "store_digest", "store_mismatch", "csv_cell",
           "graph_source", "write_turtle", "write_derived", "load_query_graph", "iter_event_rows"]

_ACLED = {
    "Offensive": ("Battles", "Armed clash"), "ArmedClash": ("Battles", "Armed clash"),
    "TerritoryCapture": ("Battles", "Government regains territory / Non-state actor overtakes territory"),
    "Airstrike": ("Explosions/Remote violence", "Air/drone strike"),
    "Shelling": ("Explosions/Remote violence", "Shelling/artillery/missile attack"),
    "Bombing": ("Explosions/Remote violence", "Remote explosive/landmine/IED"),
    "ChemicalAttack": ("Explosions/Remote violence", "Chemical weapon"),
    "AttackOnCivilians": ("Violence against civilians", "Attack"),
    "Abduction": ("Violence against civilians", "Abduction/forced disappearance"),
    "Siege": ("Strategic developments", "Other"), "Withdrawal": ("Strategic developments", "Other"),
    "Reinforcement": ("Strategic developments", "Other"),
    "PrisonerRelease": ("Strategic developments", "Other"), "Ceasefire": ("Strategic developments", "Agreement"),
    "Evacuation": ("Strategic developments", "Other"), "CasualtyReport": ("", ""),
}
EVENT_COLUMNS = ["event_id", "event_date", "start_date", "end_date", "time_precision", "event_type",
                 "family", "acled_event_type", "acled_sub_event_type", "actor1", "actor1_class", "assoc_actor_1",
                 "actor2", "actor2_class", "location", "location_class", "admin1", "country", "latitude",
                 "longitude", "geonames_id", "fatalities", "fatalities_detail", "sources", "disputed_by",
                 "article", "confidence", "notes"]


@contextmanager
def atomic_write(path: str | Path, mode: str = "w", encoding: str | None = "utf-8") -> Iterator[io.IOBase]:
    """Write to a temporary file beside ``path``, then rename it over ``path``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        kwargs = {"encoding": encoding, "newline": ""} if "b" not in mode else {}
        with os.fdopen(fd, mode, **kwargs) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


#: the prefixes of graph.ttl's header and of the store's Turtle: every prefix but the instances'
_PREFIXES = tuple(sorted((p, ns) for p, ns in PREFIXES.items() if p != "ckgr"))


_RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
_ALT_LABEL = "<http://www.w3.org/2004/02/skos/core#altLabel>"
_LOCAL = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")


def prefix_header() -> str:
    return "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in _PREFIXES) + "\n"


_INSTANCES = "<https://w3id.org/conflict-kg/id/"


class _Shortener(dict):
    """N-Triples term → Turtle term: vocabulary IRIs and datatypes as CURIEs (cached; the
    instance IRIs and untyped literals, most of the terms, are left as they are)."""

    def __missing__(self, term: str) -> str:
        out = term
        if term.startswith("<"):
            iri = term[1:-1]
            for prefix, ns in _PREFIXES:
                if iri.startswith(ns) and _LOCAL.match(iri[len(ns):]):
                    out = f"{prefix}:{iri[len(ns):]}"
                    break
        self[term] = out
        return out

    def term(self, t: str) -> str:
        if t[0] == "<":
            return t if t.startswith(_INSTANCES) else self[t]
        if t[-1] != ">":  # "..." or "..."@lang
            return t
        cut = t.rindex("^^<")
        return f"{t[:cut]}^^{self[t[cut + 2:]]}"


class GraphWriter:
    """Streams emitted graphs (:func:`kg.rdf.emit.emit_graphs`) into ``graph.ttl`` (every triple once)
    and ``graph.trig`` (one block per named graph), in the order they come, grouped by subject.

    Triples of an article are unique to it except ``skos:altLabel`` and those of events several
    articles tell (``shared`` subjects): only these go through a set, so memory stays small.
    Written from the emitter rather than dumped from the Oxigraph store, because the store
    keeps ``xsd:nonNegativeInteger`` (NIF offsets) as ``xsd:integer``.
    """

    def __init__(self, turtle: IO[str], trig: IO[str], shared: set[str] = frozenset()):
        self.turtle, self.trig, self.shared = turtle, trig, shared
        self.triples = 0
        self._seen: set[tuple[str, str, str]] = set()
        self._short = _Shortener()
        turtle.write(prefix_header())
        trig.write(prefix_header())

    @staticmethod
    def _block(by_subject: dict[str, list[str]], indent: str) -> str:
        sep = f" ;\n{indent}    "
        return "".join(f"{indent}{s} {sep.join(pos)} .\n" for s, pos in by_subject.items() if pos)

    def write(self, graph: str, triples: list[tuple[str, str, str]]) -> str:
        """Write one named graph; return the digest of its text (the same for the same triples
        emitted in the same order: what :func:`kg.store.update_store` compares)."""
        import hashlib

        term = self._short.term
        shared, seen = self.shared, self._seen
        every: dict[str, list[str]] = {}
        fresh: dict[str, list[str]] = {}
        n = 0
        for t in dict.fromkeys(triples):
            s, p, o = t
            po = f"{'a' if p == _RDF_TYPE else self._short[p]} {term(o)}"
            every.setdefault(s, []).append(po)
            keep = fresh.setdefault(s, [])
            if s in shared or p == _ALT_LABEL:
                if t in seen:
                    continue
                seen.add(t)
            keep.append(po)
            n += 1
        block = self._block(every, "    ")
        self.trig.write(f"<{graph}> {{\n{block}}}\n\n")
        self.turtle.write(self._block(fresh, "") + "\n")
        self.triples += n
        return hashlib.blake2b(block.encode("utf-8"), digest_size=16).hexdigest()


def _event_row(res: Resolution, ev) -> dict:
    """The ``events.csv`` row of one event (actor1 = agent, actor2 = target)."""
    def label(eid: str) -> str:
        return res.entities[eid].label

    place = res.entities.get(ev.place) if ev.place else None
    chain = [res.entities[p] for p in located_chain(res.entities, ev.place)] if ev.place else []
    country = next((p.label for p in ([place] if place else []) + chain if p.cls == "Country"), "")
    admin1 = next((p.label for p in ([place] if place else []) + chain if p.cls == "Region"), "")
    when = ev.date or ev.start_date
    total = sum(t.count for t in ev.tolls if t.group is None) or sum(t.count for t in ev.tolls)
    detail = "; ".join(
        f"{ {'Exactly': '', 'AtLeast': '>=', 'MoreThan': '>', 'Approximately': '~'}[t.qualifier]}{t.count}"
        + (f" {'civilians' if t.group == CIVILIANS else label(t.group)}" if t.group else "")
        for t in ev.tolls)
    acled = _ACLED[ev.type]
    if ev.type == "TerritoryCapture" and ev.agents:
        state = res.entities[ev.agents[0]].cls in ("StateForce", "ForeignState", "GovernmentBody")
        acled = (acled[0], "Government regains territory" if state else "Non-state actor overtakes territory")
    return {
        "event_id": ev.id, "event_date": ev.date.iso() if ev.date else "",
        "start_date": ev.start_date.iso() if ev.start_date else "",
        "end_date": ev.end_date.iso() if ev.end_date else "",
        "time_precision": when.precision if when else "",
        "event_type": ev.type, "family": FAMILY[ev.type], "acled_event_type": acled[0],
        "acled_sub_event_type": acled[1],
        "actor1": label(ev.agents[0]) if ev.agents else "",
        "actor1_class": res.entities[ev.agents[0]].cls if ev.agents else "",
        "assoc_actor_1": "; ".join(label(a) for a in ev.agents[1:]),
        "actor2": "; ".join(label(a) for a in ev.targets),
        "actor2_class": res.entities[ev.targets[0]].cls if ev.targets else "",
        "location": place.label if place else "", "location_class": place.cls if place else "",
        "admin1": admin1, "country": country,
        "latitude": "" if not place or place.lat is None else place.lat,
        "longitude": "" if not place or place.long is None else place.long,
        "geonames_id": (place.geonames or "") if place else "",
        "fatalities": total if ev.tolls else "", "fatalities_detail": detail,
        "sources": "; ".join(label(s) for s in ev.sources),
        "disputed_by": "; ".join(label(s) for s in ev.disputed_by),
        "article": ev.article, "confidence": ev.confidence, "notes": " | ".join(ev.evidence),
    }


def iter_event_rows(res: Resolution) -> Iterator[dict]:
    """One row per event, by article and then by trigger offset, made as they are read."""
    for art in res.articles():
        for ev in sorted(art.events, key=lambda e: (e.triggers[0] if e.triggers else (0, 0), e.type, e.id)):
            yield _event_row(res, ev)


def event_rows(res: Resolution) -> list[dict]:
    """One row per event with ACLED-like columns (actor1 = agent, actor2 = target)."""
    return list(iter_event_rows(res))


_MERGED_COLUMNS = ("sources", "article", "notes", "assoc_actor_1", "actor2")


def _merge_row(first: dict, row: dict) -> None:
    for col in _MERGED_COLUMNS:
        parts = [p for p in (first[col] + "; " + row[col]).split("; ") if p]
        first[col] = "; ".join(dict.fromkeys(parts))


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")


def csv_cell(value):
    r"""A table cell made safe to open in a spreadsheet (OWASP, CSV injection): a text starting
    with ``= + - @``, a tab or a carriage return gets a leading ``'`` so that it stays text and is
    never run as a formula; bidirectional overrides (U+202A-U+202E, U+2066-U+2069), which make a
    cell show other text than it holds, are written as visible ``\u202e`` escapes. Numbers stay.

    >>> csv_cell('=HYPERLINK("http://x")'), csv_cell("-12 morts"), csv_cell(-12), csv_cell("a\u202eb")
    ('\'=HYPERLINK("http://x")', "'-12 morts", -12, 'a\\u202eb')
    """
    if not isinstance(value, str):
        return value
    if _BIDI.search(value):
        value = _BIDI.sub(lambda m: f"\\u{ord(m.group(0)):04x}", value)
    return "'" + value if value.startswith(_FORMULA_START) else value


def _safe_row(row: dict) -> dict:
    return {k: csv_cell(v) for k, v in row.items()}


def write_events_csv(store, res: Resolution, path: str | Path) -> None:
    """``events.csv``: one row per event; an event several articles tell (or one article twice)
    is one row at its first place, with every source, article, note and actor kept. Streams:
    only the rows of such events are held (``res.coreference.shared``)."""
    shared = res.coreference.shared
    merged: dict[str, dict] = {}
    if shared:
        for row in iter_event_rows(res):
            if row["event_id"] in shared:
                first = merged.setdefault(row["event_id"], row)
                if first is not row:
                    _merge_row(first, row)
    with atomic_write(path) as fh:
        w = csv.DictWriter(fh, fieldnames=EVENT_COLUMNS, lineterminator="\n")
        w.writeheader()
        for row in iter_event_rows(res):
            eid = row["event_id"]
            if eid in shared:
                row = merged.pop(eid, None)
                if row is None:
                    continue  # written at its first row
            w.writerow(_safe_row(row))


def write_entities_csv(store, res: Resolution, path: str | Path) -> None:
    """The resolution's merge log (:func:`kg.resolve.entity_rows`), one row per entity."""
    from kg.resolve import ENTITY_COLUMNS, entity_rows

    with atomic_write(path) as fh:
        w = csv.DictWriter(fh, fieldnames=ENTITY_COLUMNS, lineterminator="\n")
        w.writeheader()
        w.writerows(_safe_row(r) for r in entity_rows(res))


def write_turtle(triples, path: str | Path) -> int:
    """Write emitted triples (N-Triples terms) as Turtle, one block per run of triples of one
    subject (streamed), with the prefixes of ``graph.ttl``; return how many were written."""
    short = _Shortener()
    n = 0
    with atomic_write(path) as fh:
        fh.write(prefix_header())
        subject, pos = None, []
        for s, p, o in triples:  # a block per run of one subject: nothing else is kept
            if s != subject and pos:
                fh.write(GraphWriter._block({subject: pos}, ""))
                pos = []
            subject = s
            pos.append(f"{'a' if p == _RDF_TYPE else short[p]} {short.term(o)}")
            n += 1
        if pos:
            fh.write(GraphWriter._block({subject: pos}, ""))
    return n


def write_derived(store, res: Resolution, path: str | Path) -> None:
    """``derived.ttl``: the derived facts of :mod:`kg.rdf.derive` (loaded into the store beside the graph)."""
    from kg.rdf.derive import derived_triples

    write_turtle(derived_triples(res), path)


#: every export of a build, by name: its file and, for the tables, the writer ``(store, resolution, path)``
#: (``graph.ttl`` and ``graph.trig`` are streamed by :class:`GraphWriter` while the graph is emitted)
EXPORTERS: dict[str, tuple[str, Callable | None]] = {
    "turtle": ("graph.ttl", None),
    "trig": ("graph.trig", None),
    "csv": ("events.csv", write_events_csv),
    "entities": ("entities.csv", write_entities_csv),
    "derived": ("derived.ttl", write_derived),
}


def load_graph(path: str | Path) -> Graph:
    """Read a built graph (Turtle, TriG, N-Triples or N-Quads) into one rdflib graph."""
    p = Path(path)
    if not p.exists():
        raise QueryError(f"{p}: no such graph; run 'kg build' first or pass --graph FILE")
    fmt = {".ttl": "turtle", ".trig": "trig", ".nt": "nt", ".nq": "nquads"}.get(p.suffix.lower(), "turtle")
    try:
        if fmt in ("trig", "nquads"):
            ds = Dataset()
            ds.parse(p, format=fmt)
            g = Graph()
            for s, pr, o, _ in ds.quads((None, None, None, None)):
                g.add((s, pr, o))
        else:
            g = Graph()
            g.parse(p, format=fmt)
    except Exception as exc:  # noqa: BLE001 - rdflib raises many kinds
        raise QueryError(f"{p}: cannot be parsed as {fmt} ({exc})") from None
    bind_prefixes(g)
    return g


def load_query_graph(path: str | Path) -> Graph:
    """:func:`load_graph`, plus the build's derived facts (``derived.ttl`` beside it) that the
    named queries use (:mod:`kg.rdf.derive`)."""
    g = load_graph(path)
    derived = Path(path).with_name("derived.ttl")
    if derived.is_file() and derived != Path(path):
        try:
            g.parse(derived, format="turtle")
        except Exception as exc:  # noqa: BLE001 - rdflib raises many kinds
            raise QueryError(f"{derived}: cannot be parsed as turtle ({exc})") from None
    return g


def run_query(g: Graph, query: str, bindings: dict | None = None, *, allow_service: bool = False) -> Result:
    """Run SPARQL with values bound safely (``initBindings``), never formatted into the text.

    A query with ``SERVICE`` is refused unless ``allow_service`` (rdflib would fetch the URL). The
    answer is computed here, so an error while evaluating it is a :class:`QueryError` too.
    """
    check_federation(query, allow=allow_service)
    try:
        result = g.query(query, initBindings=bindings or {})
        if result.type == "SELECT":
            result.bindings  # noqa: B018 - evaluates the solutions now, inside this try
        return result
    except Exception as exc:  # noqa: BLE001
        raise QueryError(f"SPARQL error: {exc}") from None


def _cell(v) -> str:
    if v is None:
        return ""
    return str(v)


def format_result(result: Result, fmt: str = "table", g: Graph | None = None) -> str:
    """Render a SELECT/ASK/CONSTRUCT result as ``table``, ``csv`` or ``json``."""
    if result.type == "ASK":
        return json.dumps({"boolean": bool(result.askAnswer)}) if fmt == "json" else str(bool(result.askAnswer)).lower()
    if result.type in ("CONSTRUCT", "DESCRIBE"):
        return result.serialize(format="turtle").decode("utf-8") if isinstance(
            result.serialize(format="turtle"), bytes) else result.serialize(format="turtle")
    names = [str(v) for v in result.vars]
    rows = [[_cell(r[v]) for v in result.vars] for r in result]
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(names)
        w.writerows(rows)
        return buf.getvalue()
    if fmt == "json":
        return json.dumps([dict(zip(names, r, strict=True)) for r in rows], ensure_ascii=False, indent=1)
    short = []
    for r in rows:
        short.append([_shorten(c, g) for c in r])
    widths = [max([len(n)] + [len(r[i]) for r in short]) for i, n in enumerate(names)]
    widths = [min(w, 60) for w in widths]
    line = "  ".join(n.ljust(widths[i]) for i, n in enumerate(names))
    out = [line, "  ".join("-" * w for w in widths)]
    for r in short:
        out.append("  ".join((c if len(c) <= widths[i] else c[: widths[i] - 1] + "…").ljust(widths[i])
                             for i, c in enumerate(r)))
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(out)


def _shorten(value: str, g: Graph | None) -> str:
    if g is not None and value.startswith("http"):
        try:
            return g.namespace_manager.normalizeUri(value) if "#" in value or "/" in value else value
        except Exception:  # noqa: BLE001
            return value
    return value


# ------------------------------------------------------------------ the Oxigraph store
#: the on-disk Oxigraph store of a build: ``OUT/store`` (``kg build --store``)
STORE_DIR_NAME = "store"
_STORE_MARKER = ".kg-store"
_RDF_FORMATS = {"turtle": "TURTLE", "ttl": "TURTLE", "trig": "TRIG", "nt": "N_TRIPLES",
                "ntriples": "N_TRIPLES", "nq": "N_QUADS", "nquads": "N_QUADS"}


#: lines of Turtle / TriG given to Oxigraph's bulk loader at a time: its memory grows with the
#: size of what it is given (~1.7 GB for 6M quads at once, ~0.45 GB in pieces of 250k lines)
LOAD_CHUNK_LINES = 250_000


def _pieces(path: Path, lines: int) -> Iterator[bytes]:
    """A file written by :class:`GraphWriter`, in pieces of about ``lines`` lines, each cut at a
    blank line (between two blocks: the writer never puts one inside a statement or a graph) and
    preceded by the file's ``@prefix`` header."""
    with open(path, "rb") as fh:
        header: list[bytes] = []
        for line in fh:
            header.append(line)
            if not line.strip():
                break
        head = b"".join(header)
        buf: list[bytes] = []
        for line in fh:
            buf.append(line)
            if len(buf) >= lines and not line.strip():
                yield head + b"".join(buf)
                buf = []
        if buf:
            yield head + b"".join(buf)


def load_store(store_dir: str | Path, *, named: str | Path, default: str | Path,
               derived: str | Path | None = None) -> Path:
    """Bulk-load a build into a new Oxigraph store folder: the named graphs of ``named`` (the
    build's ``graph.trig``: one graph per article, plus the entities graph) and, as the default
    graph, the triples of ``default`` (its ``graph.ttl``: every triple once), so that queries need
    no ``GRAPH`` clause and count each triple once. Both files are those :class:`GraphWriter`
    writes; they are loaded in pieces of :data:`LOAD_CHUNK_LINES` lines so memory stays bounded.
    """
    from pyoxigraph import DefaultGraph, NamedNode, RdfFormat, Store

    folder = Path(store_dir)
    if folder.exists() and any(folder.iterdir()):
        raise QueryError(f"{folder}: not empty; load_store makes a new store")
    folder.mkdir(parents=True, exist_ok=True)
    store = Store(str(folder))
    try:
        for piece in _pieces(Path(named), LOAD_CHUNK_LINES):
            store.bulk_load(piece, format=RdfFormat.TRIG)
        for piece in _pieces(Path(default), LOAD_CHUNK_LINES):
            store.bulk_load(piece, format=RdfFormat.TURTLE, to_graph=DefaultGraph())
        if derived is not None:  # the derived facts: their own named graph, and the default graph
            from kg.rdf.derive import DERIVED_GRAPH

            for to in (NamedNode(str(DERIVED_GRAPH)), DefaultGraph()):
                for piece in _pieces(Path(derived), LOAD_CHUNK_LINES):
                    store.bulk_load(piece, format=RdfFormat.TURTLE, to_graph=to)
        store.flush()
    finally:
        del store  # closes the store (releases its lock) before it is moved
    (folder / _STORE_MARKER).write_text("Oxigraph store written by kg build\n", encoding="utf-8")
    return folder


#: in a store folder: the digest of each named graph it holds (see :func:`graph_digest`)
GRAPH_DIGESTS = "graphs.json"


def store_digests(store_dir: str | Path) -> dict[str, str]:
    """The graph digests saved with a store kg wrote ({} when there are none)."""
    path = Path(store_dir) / GRAPH_DIGESTS
    if not (Path(store_dir) / _STORE_MARKER).is_file() or not path.is_file():
        return {}
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def save_digests(store_dir: str | Path, digests: dict[str, str]) -> None:
    with atomic_write(Path(store_dir) / GRAPH_DIGESTS) as fh:
        json.dump(digests, fh, sort_keys=True)


def update_store(previous: str | Path, store_dir: str | Path, changed: dict[str, list[tuple[str, str, str]]],
                 removed: list[str]) -> Path:
    """A new store folder: a copy of ``previous`` (RocksDB checkpoint: hard links, no copy of the
    data) with the named graphs ``changed`` replaced (or added) and ``removed`` dropped; the
    default graph keeps every triple some named graph still holds, and only those.

    What an incremental build does instead of loading the whole graph again.
    """
    from pyoxigraph import DefaultGraph, NamedNode, Quad, RdfFormat, Store

    folder = Path(store_dir)
    Store.read_only(str(previous)).backup(str(folder))
    st = Store(str(folder))
    try:
        added, gone = set(), set()
        for name in sorted(set(changed) | set(removed)):
            g = NamedNode(name)
            old = {(q.subject, q.predicate, q.object) for q in st.quads_for_pattern(None, None, None, g)}
            if old:
                st.remove_graph(g)
            ts = changed.get(name, [])
            if ts:
                st.load(input="".join(f"{a} {b} {c} <{name}> .\n" for a, b, c in ts), format=RdfFormat.N_QUADS)
            new = {(q.subject, q.predicate, q.object) for q in st.quads_for_pattern(None, None, None, g)}
            added |= new - old
            gone |= old - new
        default = DefaultGraph()
        st.extend(Quad(s, p, o, default) for s, p, o in sorted(added, key=str))
        for s, p, o in sorted(gone - added, key=str):
            if not any(not isinstance(q.graph_name, DefaultGraph) for q in st.quads_for_pattern(s, p, o, None)):
                st.remove(Quad(s, p, o, default))
        st.flush()
    finally:
        del st
    (folder / _STORE_MARKER).write_text("Oxigraph store written by kg build\n", encoding="utf-8")
    return folder


def count_triples(store) -> int:
    """The number of distinct triples of the graph a store holds: its default graph but the
    derived facts (:mod:`kg.rdf.derive`, no triple of which is in ``graph.ttl``), so the count
    of ``graph.ttl``."""
    from pyoxigraph import Store

    from kg.rdf.derive import DERIVED_GRAPH

    st = store if isinstance(store, Store) else open_store(store)
    row = next(iter(st.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")))
    derived = next(iter(st.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{DERIVED_GRAPH}> {{ ?s ?p ?o }} }}")))
    return int(row["n"].value) - int(derived["n"].value)


#: where the stores live: ``OUT/store`` is a symbolic link to ``OUT/.store-<pid>-<n>`` (see kg.pipeline.outdir)
STORE_PREFIX = ".store-"
#: the file that marks a folder as a store kg wrote
STORE_MARKER = _STORE_MARKER


def store_digest(store_dir: str | Path) -> str | None:
    """SHA-256 of a store's graph digests (:data:`GRAPH_DIGESTS`): what ``report.json`` names as
    ``"store"``. None when the folder is not a store kg wrote."""
    folder = Path(store_dir)
    try:
        if not (folder / _STORE_MARKER).is_file():
            return None
        return hashlib.sha256((folder / GRAPH_DIGESTS).read_bytes()).hexdigest()
    except OSError:
        return None


def _report_beside(store_dir: Path) -> dict | None:
    report = store_dir.parent / "report.json"
    try:
        data = json.loads(report.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def store_mismatch(store_dir: str | Path) -> str | None:
    """Why the store ``DIR/store`` does not belong to the build ``DIR/report.json`` describes
    (a build stopped while it published), or None when they agree or there is nothing to compare
    (no report.json, or one written before reports named their store)."""
    folder = Path(store_dir)
    report = _report_beside(folder)
    if report is None or "store" not in report:
        return None
    want, have = report["store"], store_digest(folder)
    if want == have:
        return None
    where = folder.parent / "report.json"
    if want is None:
        return f"{folder}: {where} says its build kept no store; this one is left from another build"
    return (f"{folder} does not match {where} (the store is from another build: a build was stopped while it "
            "published its files)")


def _file_mismatch(path: Path) -> str | None:
    report = _report_beside(path)  # report.json beside the file
    files = report.get("files") if report else None
    if not isinstance(files, dict) or path.name not in files:
        return None
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return None if h.hexdigest() == files[path.name] else f"{path} does not match {path.parent / 'report.json'}"


def graph_source(graph: str | Path, warn: Callable[[str], None] | None = None) -> tuple[str, Path]:
    """Where a reader (``kg query``, ``kg view``, ``kg network``) should read a built graph:
    ``("store", DIR/store)`` when the build's store is there and agrees with ``report.json``, else
    ``("file", graph)``. When the store disagrees, ``warn`` is told and the graph file is used if it
    agrees with ``report.json``; if neither does, :class:`QueryError` says to build again."""
    p = Path(graph)
    folder = p if p.is_dir() else p.parent
    cand = folder / STORE_DIR_NAME if (folder / STORE_DIR_NAME / _STORE_MARKER).is_file() else folder
    if not (cand / _STORE_MARKER).is_file():
        return "file", p
    problem = store_mismatch(cand)
    if problem is None:
        return "store", cand
    if p.is_dir() or not p.is_file():
        raise QueryError(f"{problem}; and there is no graph file {p} to read instead. Run 'kg build' again")
    derived = p.with_name("derived.ttl")  # read with it by load_query_graph
    for f in (p, derived) if derived.is_file() else (p,):
        if _file_mismatch(f) is not None:
            raise QueryError(f"{problem}; {f} does not match it either. Run 'kg build' again into {folder}")
    if warn is not None:
        warn(f"{problem}; answering from {p} instead (slower). Run 'kg build' again to repair the store")
    return "file", p


def find_store(graph: str | Path, warn: Callable[[str], None] | None = None) -> Path | None:
    """The store beside a built graph (``exports/graph.ttl`` → ``exports/store``), if there is one
    that agrees with the build's ``report.json`` (see :func:`graph_source`)."""
    kind, path = graph_source(graph, warn)
    return path if kind == "store" else None


def open_store(store_dir: str | Path):
    """Open a store written by kg, read-only (several processes may read it at once)."""
    from pyoxigraph import Store

    folder = Path(store_dir)
    if not (folder / _STORE_MARKER).is_file():
        raise QueryError(f"{folder}: no kg store here; build one with 'kg build --store -o DIR'")
    try:
        return Store.read_only(str(folder))
    except OSError as exc:
        raise QueryError(f"{folder}: cannot open the store ({exc})") from None


def _to_ox(term):
    from pyoxigraph import BlankNode, NamedNode
    from pyoxigraph import Literal as OxLiteral
    from rdflib import BNode, Literal, URIRef

    if isinstance(term, URIRef):
        return NamedNode(str(term))
    if isinstance(term, BNode):
        return BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return OxLiteral(str(term), language=term.language)
        if term.datatype:
            return OxLiteral(str(term), datatype=NamedNode(str(term.datatype)))
        return OxLiteral(str(term))
    raise QueryError(f"cannot bind {term!r}: not an IRI, blank node or literal")


_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def _to_rdflib(term):
    from pyoxigraph import BlankNode, NamedNode
    from rdflib import BNode, Literal, URIRef

    if term is None:
        return None
    if isinstance(term, NamedNode):
        return URIRef(term.value)
    if isinstance(term, BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    dt = term.datatype.value
    return Literal(term.value) if dt == _XSD_STRING else Literal(term.value, datatype=URIRef(dt))


def query_store(store, sparql: str, bindings: dict | None = None, *, allow_service: bool = False) -> Result:
    """Run SPARQL on an Oxigraph store (a folder written by kg, or an open ``pyoxigraph.Store``).

    ``bindings`` maps variable names (``"place"`` or ``Variable("place")``) to rdflib terms, as
    :func:`kg.queries.bind_params` makes them. They join the query first, as rdflib's
    ``initBindings`` do: :func:`kg.store.sparql.with_values` puts a ``VALUES`` block of them at the start
    of the outer group it finds with a SPARQL lexer, each term written by Oxigraph's serializer —
    no value can change what the query does. A query with ``SERVICE`` is refused unless
    ``allow_service``. The answer is an rdflib :class:`~rdflib.query.Result`, so
    :func:`format_result` prints it as it prints rdflib's; it is read here, so an error while
    evaluating it is a :class:`QueryError` too.
    """
    from pyoxigraph import Store

    check_federation(sparql, allow=allow_service)
    st = store if isinstance(store, Store) else open_store(store)
    subs = {str(k): _to_ox(v) for k, v in (bindings or {}).items()}
    text = with_values(sparql, list(subs), [str(v) for v in subs.values()]) if subs else sparql
    try:
        answer = st.query(text, prefixes=PREFIXES)  # as rdflib graphs know them
        return _ox_result(answer)
    except (SyntaxError, ValueError, OSError, RuntimeError) as exc:
        raise QueryError(f"SPARQL error: {exc}") from None


def _ox_result(answer) -> Result:
    """An Oxigraph answer read into an rdflib :class:`~rdflib.query.Result`."""
    from pyoxigraph import QueryBoolean, QuerySolutions
    from rdflib import Graph as RGraph
    from rdflib import Variable

    if isinstance(answer, QueryBoolean):
        res = Result("ASK")
        res.askAnswer = bool(answer)
        return res
    if isinstance(answer, QuerySolutions):
        names = [v.value for v in answer.variables]
        res = Result("SELECT")
        res.vars = [Variable(n) for n in names]
        rows = []
        keys = list(enumerate(res.vars))
        terms: dict = {}  # each distinct term converted once (labels, classes, places repeat)
        for sol in answer:
            row = {}
            for i, var in keys:
                t = sol[i]
                if t is not None:
                    r = terms.get(t)
                    if r is None:
                        r = terms[t] = _to_rdflib(t)
                    row[var] = r
            rows.append(row)
        res.bindings = rows
        return res
    g = RGraph()
    bind_prefixes(g)
    for t in answer:
        g.add((_to_rdflib(t.subject), _to_rdflib(t.predicate), _to_rdflib(t.object)))
    res = Result("CONSTRUCT")
    res.graph = g
    return res


def _network_part() -> str:
    """The graph without its mentions and without the derived facts (:mod:`kg.rdf.derive`)."""
    from kg.rdf.derive import NOT_DERIVED

    return ("PREFIX ckg: <https://w3id.org/conflict-kg/ontology#>\n"
            "CONSTRUCT { ?s ?p ?o } WHERE {\n  ?s ?p ?o\n"
            '  FILTER (?p != ckg:denotedBy && !CONTAINS(STR(?s), "#char="))\n'
            f"  {NOT_DERIVED}\n}}")


def load_network_graph(graph: str | Path, warn: Callable[[str], None] | None = None) -> Graph:
    """What the networks and the view read of a built graph: everything but the mentions (NIF
    phrases and the ``ckg:denotedBy`` links to them; ``ckg:mentionedIn`` stays) — taken from the Oxigraph store beside
    ``graph`` when there is one that agrees with ``report.json`` (no parsing of the whole graph), else
    parsed from ``graph`` (``warn`` is told why; see :func:`graph_source`)."""
    folder = find_store(graph, warn)
    if folder is None:
        return load_graph(graph)
    return query_store(folder, _network_part()).graph


def store_label_graph(store) -> Graph:
    """The ``skos:prefLabel`` / ``skos:altLabel`` triples of a store, as a small rdflib graph:
    what :func:`kg.queries.bind_params` needs to turn a label into the entity it names."""
    from pyoxigraph import DefaultGraph, NamedNode, Store

    st = store if isinstance(store, Store) else open_store(store)
    g = Graph()
    bind_prefixes(g)
    for prop in ("prefLabel", "altLabel"):
        p = NamedNode(f"http://www.w3.org/2004/02/skos/core#{prop}")
        for q in st.quads_for_pattern(None, p, None, DefaultGraph()):
            g.add((_to_rdflib(q.subject), _to_rdflib(q.predicate), _to_rdflib(q.object)))
    return g


def dump_store(store, dest: str | Path, fmt: str = "turtle") -> Path:
    """Stream a store to a file without loading it in memory: ``turtle`` / ``nt`` (the default
    graph: every triple once) or ``trig`` / ``nquads`` (the named graphs, one per article)."""
    from pyoxigraph import DefaultGraph, RdfFormat, Store

    key = _RDF_FORMATS.get(fmt.lower())
    if key is None:
        raise QueryError(f"unknown export format {fmt!r}; expected one of {', '.join(sorted(_RDF_FORMATS))}")
    st = store if isinstance(store, Store) else open_store(store)
    rdf_format = getattr(RdfFormat, key)
    dest = Path(dest)
    prefixes = {p: ns for p, ns in _PREFIXES if p != "rdf"}
    with atomic_write(dest, "wb", encoding=None) as fh:
        if key in ("TURTLE", "N_TRIPLES"):
            kw = {"prefixes": prefixes} if key == "TURTLE" else {}
            st.dump(fh, format=rdf_format, from_graph=DefaultGraph(), **kw)
        else:  # the named graphs only, sorted (the default graph repeats their union)
            from pyoxigraph import serialize

            named = sorted(st.named_graphs(), key=lambda n: n.value)
            quads = (q for g in named for q in st.quads_for_pattern(None, None, None, g))
            serialize(quads, fh, format=rdf_format, **({"prefixes": prefixes} if key == "TRIG" else {}))
    return dest
