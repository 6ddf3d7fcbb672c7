"""Named SPARQL queries: the documented ``.rq`` files of ``queries/`` and their parameters.

Each file starts with ``#`` header lines::

    # title: Places that changed hands
    # question: Which places were taken, by whom, from whom and when?
    #   (an indented line continues the previous field)
    # param: ?place — a place IRI or label; captures of it or of places inside it
    # example: kg query territory-captures -p place=Homs

A parameter is a SPARQL variable that the caller may bind; every query also runs with it
unbound (and then returns all). Values are turned into RDF terms by :func:`bind_params` and
passed to rdflib as ``initBindings`` — never formatted into the query text — so a value
cannot change what the query does.

>>> [q.name for q in list_queries()][:2]
['actor-timeline', 'actors-by-class']
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from kg.errors import QueryError, closest
from kg.gazetteer import norm
from kg.namespace import CKG, PREFIXES, SKOS, XSD

__all__ = ["QUERIES_DIR", "QueryInfo", "Param", "list_queries", "load_query", "query_info", "bind_params",
           "parse_param_args", "resolve_label", "PREFIXES", "info_of_text", "query_info_for", "read_query_file"]

#: The folder of named queries: the repository's ``queries/``.
QUERIES_DIR = Path(__file__).resolve().parents[1] / "queries"


_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
# an absolute IRI without the characters that IRIs may not hold (RFC 3987: no space, <>"{}|\^`)
_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:(//)?[^\s<>\"{}|\\^`]+$")
_CURIE = re.compile(r"^([A-Za-z][A-Za-z0-9_\-]*):([^\s<>\"{}|\\^`]*)$")
_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_INT = re.compile(r"^[+-]?\d+$")
_HEADER = re.compile(r"^#\s?(title|question|param|example):\s*(.*)$", re.IGNORECASE)


@dataclass(frozen=True)
class Param:
    """One parameter of a named query: a SPARQL variable name (without ``?``) and what it means."""

    name: str
    description: str


@dataclass(frozen=True)
class QueryInfo:
    """A named query of ``queries/``: name = file stem, and what its header says."""

    name: str
    path: Path
    title: str
    description: str
    params: tuple[Param, ...]
    example: str


def _parse_header(path: Path, text: str) -> QueryInfo:
    fields: dict[str, list[str]] = {"title": [], "question": [], "example": []}
    params: list[list[str]] = []
    current: list[str] | None = None
    for line in text.splitlines():
        if not line.startswith("#"):
            if line.strip():
                break
            continue
        m = _HEADER.match(line)
        if m:
            key, value = m.group(1).lower(), m.group(2).strip()
            if key == "param":
                params.append([value])
                current = params[-1]
            else:
                fields[key].append(value)
                current = fields[key]
        elif current is not None and line[1:].strip():
            current.append(line[1:].strip())
    parsed = []
    for p in params:
        head = " ".join(p)
        m = re.match(r"^\?(\w+)\s*(?:[—–:-]+\s*)?(.*)$", head)
        if m:
            parsed.append(Param(m.group(1), m.group(2).strip()))
    return QueryInfo(name=path.stem, path=path, title=" ".join(fields["title"]) or path.stem,
                     description=" ".join(fields["question"]), params=tuple(parsed),
                     example=" ".join(fields["example"]))


def read_query_file(path: str | Path) -> str:
    """The text of a ``.rq`` file: UTF-8, a leading byte-order mark dropped (SPARQL parsers read
    U+FEFF as a stray character). Raises :class:`QueryError` naming the file when it cannot be
    read or is not UTF-8 text."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise QueryError(f"{p}: cannot be read ({exc.strerror})") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise QueryError(f"{p}: not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
                         "re-save it as UTF-8") from None


def query_info(path: str | Path) -> QueryInfo:
    """The header of one ``.rq`` file."""
    p = Path(path)
    return _parse_header(p, read_query_file(p))


def info_of_text(text: str, name: str = "query") -> QueryInfo:
    """The header of SPARQL text given directly (its ``# param:`` lines, if any)."""
    return _parse_header(Path(name), text)


def query_info_for(name_or_path: str, folder: str | Path | None = None) -> QueryInfo | None:
    """The header of a named query or ``.rq`` file; None for SPARQL text."""
    p = _find(name_or_path, Path(folder) if folder is not None else QUERIES_DIR)
    return query_info(p) if p is not None else None


def list_queries(folder: str | Path | None = None) -> list[QueryInfo]:
    """Every named query of ``folder`` (default :data:`QUERIES_DIR`), sorted by name."""
    d = Path(folder) if folder is not None else QUERIES_DIR
    if not d.is_dir():
        return []
    return [query_info(p) for p in sorted(d.glob("*.rq"))]


def _find(name_or_path: str, folder: Path) -> Path | None:
    p = Path(name_or_path)
    if p.suffix == ".rq" and p.is_file():
        return p
    if _NAME.match(name_or_path.replace("-", "_")):
        cand = folder / f"{name_or_path}.rq"
        if cand.is_file():
            return cand
    return None


def load_query(name_or_path: str, folder: str | Path | None = None) -> str:
    """The text of a named query (``territory-captures``), of a ``.rq`` file, or ``name_or_path``
    itself when it is neither (SPARQL text)."""
    d = Path(folder) if folder is not None else QUERIES_DIR
    p = _find(name_or_path, d)
    if p is not None:
        return read_query_file(p)
    names = [q.stem for q in sorted(d.glob("*.rq"))] if d.is_dir() else []
    if name_or_path.endswith(".rq"):
        stem = Path(name_or_path).stem
        if stem in names:  # the name of a named query, written as a file
            hint = f"; the named query is 'kg query {stem}' ({d / (stem + '.rq')})"
        else:
            close = closest(stem, names)
            hint = f"; did you mean the named query {', '.join(close)}?" if close else ""
        raise QueryError(f"{name_or_path}: no such query file{hint}")
    if _NAME.match(name_or_path.replace("-", "_")):
        close = closest(name_or_path, names)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise QueryError(f"{name_or_path}: no such named query in {d}{hint} (known: {', '.join(names) or 'none'}); "
                         "pass SPARQL text, a .rq file or one of those names")
    return name_or_path


def parse_param_args(items: list[str] | None) -> dict[str, str]:
    """``["place=Homs", "since=2024"]`` → ``{"place": "Homs", "since": "2024"}``.

    A parameter takes one value: the same name twice (``-p place=Homs -p place=Alep``) is a
    :class:`QueryError`, not the last value silently (a query binds a variable to one term).
    """
    out: dict[str, str] = {}
    for item in items or []:
        name, sep, value = item.partition("=")
        name = name.strip().lstrip("?$")
        if not sep or not _NAME.match(name):
            raise QueryError(f"--param {item!r}: expected NAME=VALUE, e.g. --param place=Homs")
        if name in out and out[name] != value.strip():
            raise QueryError(f"--param {name} given twice ({out[name]!r}, {value.strip()!r}): a parameter takes "
                             "one value; run the query once for each")
        out[name] = value.strip()
    return out


def _date_literal(value: str) -> Literal | None:
    m = _DATE.match(value)
    if not m:
        return None
    year, month, day = m.groups()
    if day:
        return Literal(value, datatype=XSD.date)
    if month:
        return Literal(value, datatype=XSD.gYearMonth)
    return Literal(value, datatype=XSD.gYear)


def resolve_label(value: str, g: Graph) -> URIRef | None:
    """The entity whose ``skos:prefLabel`` (else ``skos:altLabel``) matches ``value`` case- and
    accent-insensitively; ties go to the smallest IRI so the answer is stable."""
    key = norm(value)
    if not key:
        return None
    for prop in (SKOS.prefLabel, SKOS.altLabel):
        hits = sorted({s for s, o in g.subject_objects(prop) if isinstance(s, URIRef) and norm(str(o)) == key})
        if hits:
            return hits[0]
    return None


def _term(value: str, g: Graph | Callable[[], Graph]) -> tuple[Node, bool]:
    """An RDF term for one raw value, and whether it was understood (not a fallback literal)."""
    if value.startswith("<") and value.endswith(">"):
        value = value[1:-1]
    m = _CURIE.match(value)
    if m and m.group(1) in PREFIXES:
        return URIRef(PREFIXES[m.group(1)] + m.group(2)), True
    if _IRI.match(value) and ("://" in value or value.startswith("urn:")):
        return URIRef(value), True
    date = _date_literal(value)
    if date is not None:
        return date, True
    if _INT.match(value):
        return Literal(int(value), datatype=XSD.integer), True
    found = resolve_label(value, g() if callable(g) else g)
    if found is not None:
        return found, True
    if _NAME.match(value) and URIRef(PREFIXES["ckg"] + value) in CKG:
        return URIRef(PREFIXES["ckg"] + value), True  # a class or term of the ontology: Airstrike
    return Literal(value), False


def bind_params(params: dict[str, str], g: Graph | Callable[[], Graph],
                warn: Callable[[str], None] | None = None) -> dict[str, Node]:
    """Turn ``--param`` values into RDF terms for ``initBindings``.

    An IRI (``https://…``, ``<…>``) or a CURIE (``ckgr:place/homs``, ``ckg:Airstrike``) becomes
    a URIRef; ``2024``, ``2024-11``, ``2024-11-27`` a typed ``xsd:gYear`` / ``xsd:gYearMonth`` /
    ``xsd:date`` literal; other digits an ``xsd:integer``; a label the entity it names (see
    :func:`resolve_label`) or, failing that, the local name of an ontology term
    (``Airstrike``). A value that is none of these is bound as a plain string literal, so it
    matches no entity, and ``warn`` (if given) is told. ``g`` may be a function that makes the graph
    of labels: it is called only when a value is a label.
    """
    out: dict[str, Node] = {}
    for name, value in params.items():
        if not _NAME.match(name):
            raise QueryError(f"parameter {name!r}: not a SPARQL variable name")
        term, understood = _term(value, g)
        if not understood and warn is not None:
            warn(f"--param {name}={value!r}: no entity has this label; bound as a plain string")
        out[name] = term
    return out
