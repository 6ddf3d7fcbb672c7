"""Names as users type them: one resolver for every option that takes the name of an actor or a place.

``--ego Daech``, ``--path "armée syrienne" EI``, ``--actor Daech``, ``--place homs``,
``-p actor=EI`` and the Python front door all go through :func:`resolve_name` (#13). A name
is, in this order:

1. an IRI (``https://…`` or ``<…>``), a CURIE (``ckgr:actor/islamic-state``) or a local name
   (``islamic-state``) of a node of the graph;
2. a ``skos:prefLabel`` of a node, compared after :func:`kg.gazetteer.norm` (case, accents,
   hyphens, a leading French article);
3. a ``skos:altLabel`` (every surface form seen in the articles, and every gazetteer alias —
   ``Daech``, ``EI``, ``Etat islamique`` — since the gazetteer's aliases are in the graph);
4. a name of the gazetteer (its label, aliases or English label) whose entry is in the graph.

A name that designates nothing raises :class:`UnknownName` with the closest names of the
graph as suggestions; one that designates several nodes of the same rank raises
:class:`AmbiguousName` listing them. Both are usage errors (``kg`` exits 2).

>>> from rdflib import Graph, Literal, URIRef
>>> from kg.namespace import CKG, CKGR, RDF, SKOS
>>> g = Graph()
>>> isis = CKGR["actor/islamic-state"]
>>> _ = g.add((isis, RDF.type, CKG.JihadistGroup))
>>> _ = g.add((isis, SKOS.prefLabel, Literal("État islamique", lang="fr")))
>>> _ = g.add((isis, SKOS.altLabel, Literal("Daech", lang="fr")))
>>> index = NameIndex.from_graph(g)
>>> resolve_name("daech", index, kind="actor") == str(isis)
True
>>> resolve_name("Daach", index, kind="actor")
Traceback (most recent call last):
...
kg.names.UnknownName: no such actor: 'Daach'; did you mean: Daech (État islamique)?
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from kg.errors import KgError, closest
from kg.gazetteer import norm
from kg.rdf.counts import CKG_IRI, KIND_CLASSES, kind_of_class
from kg.schema.taxonomy import ACTOR_CLASSES, EVENT_FAMILIES, FAMILY
from kg.schema.time import TimeValue

__all__ = ["NameError_", "UnknownName", "AmbiguousName", "UnknownParameter", "BadParameter", "NameIndex", "resolve_name",
           "suggest", "resolve_params", "param_kind", "check_param", "KINDS", "INSTANCES"]

#: the kinds a name can be asked for (``None``: any); events are designated by IRI only
KINDS = ("actor", "place", "event")
#: where kg mints its IRIs (``ckgr:``)
INSTANCES = "https://w3id.org/conflict-kg/id/"
_PREF = "http://www.w3.org/2004/02/skos/core#prefLabel"
_ALT = "http://www.w3.org/2004/02/skos/core#altLabel"
_KIND_OF = {"actors": "actor", "places": "place", "events": "event"}
_A_KIND = {"actor": "an actor", "place": "a place", "event": "an event", "node": "a node"}
# actors and places with their labels (events have no names: they are designated by IRI)
_NAMED_CLASSES = " ".join(f"<{CKG_IRI}{c}>" for kind in ("actors", "places") for c in KIND_CLASSES[kind])
# typed actors and places, and the labels of anything: two scans joined in Python (NameIndex._joined) —
# in a store, much faster than a look-up of the labels of each node
_TYPES_QUERY = f"SELECT ?s ?t WHERE {{ VALUES ?t {{ {_NAMED_CLASSES} }} ?s a ?t }}"
_NAMES_QUERY = f"SELECT ?s ?p ?label WHERE {{ VALUES ?p {{ <{_PREF}> <{_ALT}> }} ?s ?p ?label }}"


class NameError_(KgError):  # noqa: N801 - not the builtin NameError
    """A name given on the command line (or to the front door) does not designate one node."""

    def __init__(self, message: str, name: str, suggestions: tuple[str, ...] = ()):
        super().__init__(message)
        self.name = name
        self.suggestions = suggestions


class UnknownName(NameError_):
    """No node of the graph has this name (the message suggests the closest ones)."""


class AmbiguousName(NameError_):
    """Several nodes of the graph have this name (the message lists them)."""


@dataclass
class _Node:
    iri: str
    kind: str | None = None
    cls: str | None = None
    label: str | None = None
    alt: set[str] = field(default_factory=set)


class NameIndex:
    """The names of the actors, places and events of a graph, for :func:`resolve_name`.

    Build it with :meth:`from_graph` (an rdflib graph), :meth:`from_store` (a build's Oxigraph
    store) or :meth:`from_rows` (``(iri, class IRI, label property, label)`` tuples).
    """

    def __init__(self, nodes: Iterable[_Node]):
        self.nodes: dict[str, _Node] = {n.iri: n for n in nodes}
        self.pref: dict[str, set[str]] = {}
        self.alt: dict[str, set[str]] = {}
        self.local: dict[str, set[str]] = {}
        for n in self.nodes.values():
            if n.label:
                self.pref.setdefault(norm(n.label), set()).add(n.iri)
            for a in n.alt:
                self.alt.setdefault(norm(a), set()).add(n.iri)
            self.local.setdefault(n.iri.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1], set()).add(n.iri)

    @classmethod
    def from_rows(cls, rows: Iterable[tuple[str, str, str | None, str | None]]) -> NameIndex:
        nodes: dict[str, _Node] = {}
        for iri, typ, prop, label in rows:
            node = nodes.setdefault(iri, _Node(iri))
            kind = _KIND_OF.get(kind_of_class(typ) or "")
            if kind is not None:
                node.kind = kind
                local = typ[len(CKG_IRI):]
                if local not in ("Actor", "Place", "Event") and (node.cls is None or node.cls in _EVENT_FAMILIES):
                    node.cls = local  # the most specific class (an event's type rather than its family)
            if label is None:
                continue
            if prop == _PREF and (node.label is None or label < node.label):
                node.label = label
            elif prop == _ALT:
                node.alt.add(label)
        return cls(n for n in nodes.values() if n.kind is not None)

    @classmethod
    def from_graph(cls, g) -> NameIndex:
        """The names of an rdflib graph (typed nodes with their ``skos`` labels)."""
        return cls._joined(((str(r[0]), str(r[1])) for r in g.query(_TYPES_QUERY)),
                           ((str(r[0]), str(r[1]), str(r[2])) for r in g.query(_NAMES_QUERY)))

    @classmethod
    def from_store(cls, store) -> NameIndex:
        """The names of a build's Oxigraph store (a folder written by kg, or an open store)."""
        from pyoxigraph import Store

        from kg.store import open_store

        st = store if isinstance(store, Store) else open_store(store)
        return cls._joined(((r[0].value, r[1].value) for r in st.query(_TYPES_QUERY)),
                           ((r[0].value, r[1].value, r[2].value) for r in st.query(_NAMES_QUERY)))

    @classmethod
    def _joined(cls, types: Iterable[tuple[str, str]], names: Iterable[tuple[str, str, str]]) -> NameIndex:
        """:meth:`from_rows` of ``(node, class)`` and ``(node, label property, label)`` pairs read apart."""
        labels: dict[str, list[tuple[str | None, str | None]]] = {}
        for s, prop, label in names:
            labels.setdefault(s, []).append((prop, label))
        unnamed = [(None, None)]
        return cls.from_rows((s, t, prop, label) for s, t in types for prop, label in labels.get(s, unnamed))

    def describe(self, iri: str) -> str:
        """``label (class)`` of a node, for messages."""
        n = self.nodes.get(iri)
        if n is None:
            return iri
        return f"{n.label or iri} ({n.cls or n.kind})"


#: the families that are not event types themselves (CasualtyReport is both)
_EVENT_FAMILIES = frozenset(f for f in EVENT_FAMILIES if f not in FAMILY)


def _of_kind(index: NameIndex, iris: Iterable[str], kind: str | None) -> list[str]:
    return sorted(i for i in iris if kind is None or index.nodes[i].kind == kind)


def _as_iri(name: str) -> str | None:
    text = name.strip()
    if text.startswith("<") and text.endswith(">"):
        return text[1:-1]
    if text.startswith("ckgr:"):
        return INSTANCES + text[len("ckgr:"):]
    if "://" in text:
        return text
    return None


def suggest(name: str, index: NameIndex, kind: str | None = None, limit: int = 3) -> list[str]:
    """The names of the graph closest to ``name`` (of ``kind``), best first, as ``"Daech (État islamique)"``.

    Labels and aliases are compared after :func:`kg.gazetteer.norm` with rapidfuzz's ``WRatio``;
    only those scoring 60 or more are kept, one per node.
    """
    from rapidfuzz import fuzz, process

    key = norm(name)
    if not key:
        return []
    choices: dict[str, tuple[str, str]] = {}  # normalised name -> (shown name, iri)
    for table in (index.alt, index.pref):  # preferred labels win over aliases of the same form
        for form, iris in table.items():
            for iri in _of_kind(index, iris, kind):
                n = index.nodes[iri]
                shown = n.label or iri
                if table is index.alt:
                    alias = next((a for a in sorted(n.alt) if norm(a) == form), form)
                    shown = alias if norm(alias) == norm(shown) else f"{alias} ({shown})"
                choices[form] = (shown, iri)
    names = sorted(choices)
    out: list[str] = []
    seen: set[str] = set()
    for form, score, _i in process.extract(key, names, scorer=fuzz.WRatio, limit=limit * 8):
        shown, iri = choices[form]
        if score < 60 or iri in seen:
            continue
        seen.add(iri)
        out.append(shown)
        if len(out) == limit:
            break
    return out


def resolve_name(name: str, index: NameIndex, kind: str | None = None) -> str:
    """The IRI of the node that ``name`` designates (see the module docstring for the order).

    Parameters
    ----------
    name : str
        An IRI, a CURIE, a local name, a label or an alias, as typed.
    index : NameIndex
        The names of the graph.
    kind : {"actor", "place", "event"}, optional
        Only nodes of this kind (any when None).

    Returns
    -------
    str
        The node's IRI.

    Raises
    ------
    UnknownName
        When no node of ``kind`` has this name; the message gives the closest names, and says
        when the name belongs to a node of another kind ("no such actor: 'Homs' ('Homs' is a place)").
    AmbiguousName
        When several nodes have it at the same rank (pass the IRI instead).
    """
    what = kind or "node"
    text = name.strip()
    if not text:
        raise UnknownName(f"empty {what} name", name)
    iri = _as_iri(text)
    if iri is not None:
        if iri in index.nodes and (kind is None or index.nodes[iri].kind == kind):
            return iri
        if iri not in index.nodes and kind in (None, "event") and iri.startswith(INSTANCES + "event/"):
            return iri  # events have no names, only IRIs: the caller checks that the event is there
        if iri in index.nodes:  # a node, of another kind: say which
            other = index.nodes[iri].kind or "node"
            raise UnknownName(f"no such {what}: <{iri}> is {_A_KIND.get(other, other)}, "
                              f"{index.describe(iri)!r}", name)
        raise UnknownName(f"no such {what} in the graph: <{iri}>", name)
    key = norm(text)
    ranks: list[tuple[str, Iterable[str]]] = []
    for rank, hits in (("label", lambda: index.pref.get(key, ())), ("alias", lambda: index.alt.get(key, ())),
                       ("id", lambda: index.local.get(text, ())),
                       ("gazetteer name", lambda: _gazetteer_hits(text, index))):  # read only when needed
        iris = hits()
        ranks.append((rank, iris))
        found = _of_kind(index, iris, kind)
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            listed = "; ".join(f"{index.describe(i)} <{i}>" for i in found[:6])
            raise AmbiguousName(f"{name!r} is the {rank} of {len(found)} {what}s: {listed}; pass one IRI", name,
                                tuple(found))
    others = sorted({index.nodes[i].kind or "node" for _r, iris in ranks for i in iris} - {kind})
    hints = suggest(text, index, kind)
    message = f"no such {what}: {name!r}"
    if kind is not None and others:
        message += f" ({name!r} is {' and '.join(_A_KIND.get(o, o) for o in others)})"
    if hints:
        message += f"; did you mean: {', '.join(hints)}?"
    else:
        message += "; list the names with 'kg entities --search …'"
    raise UnknownName(message, name, tuple(hints))


def _gazetteer_hits(text: str, index: NameIndex) -> set[str]:
    """Nodes of the graph that a gazetteer name (label, alias or English label) designates."""
    from kg.gazetteer import load_gazetteer

    gaz = load_gazetteer()
    key = norm(text)
    ids = set(gaz.index.get(key, ()))
    ids |= {e.id for e in gaz.entries.values() if e.label_en and norm(e.label_en) == key}
    return {iri for eid in ids for iri in (f"{INSTANCES}{gaz[eid].kind}/{eid}",) if iri in index.nodes}


# ------------------------------------------------------------------ query parameters
class UnknownParameter(NameError_):
    """``-p NAME=…`` names no variable of the query."""


class BadParameter(NameError_):
    """``-p NAME=VALUE`` gives a value its parameter does not take (a month 13, a type no event
    has, a word for a number): an answer would be empty, or wrong, rather than an error."""


_ENTITY_PARAM = re.compile(r"\ban? (actor|place) IRI or label\b", re.IGNORECASE)
_STRING_PARAM = re.compile(r"\ba plain string\b", re.IGNORECASE)
#: the other kinds a description names (the words of the named queries' headers)
_KIND_WORDS = (("date", re.compile(r"^(?:an? )?(?:date|year or month)\b", re.IGNORECASE)),
               ("integer", re.compile(r"\ban integer\b", re.IGNORECASE)),
               ("type", re.compile(r"^an event type or family\b", re.IGNORECASE)),
               ("class", re.compile(r"^an actor class\b", re.IGNORECASE)))
_CHOICE = re.compile(r'"([^"]+)"')
_INT64 = 2**63 - 1  # the stores' integers: a larger one reads differently in Oxigraph and rdflib
_VARIABLE = re.compile(r"[?$]([A-Za-z_][A-Za-z0-9_]*)")
#: an IRI or a CURIE: an actor or place parameter takes it as it is, without reading the graph's
#: names (fast on a large store; ``ckg:Civilians`` is a casualty group, not a node with a name), but
#: one of kg's IRIs of another kind (``ckgr:actor/…`` for a place) is an error. Anything else — a
#: name, an id, a number, a date — is looked up with :func:`resolve_name`.
_IRI_OR_CURIE = re.compile(r"^(?:<.*>|[A-Za-z][A-Za-z0-9_\-]*:\S*)$")


def param_kind(description: str) -> str | None:
    """What a documented parameter takes, from its description in a query header: ``"actor"``,
    ``"place"`` ("an actor IRI or label", "a place IRI or label"), ``"string"`` ("a plain
    string"), ``"date"`` ("a date", "a year or month"), ``"integer"`` ("an integer"), ``"type"``
    ("an event type or family"), ``"class"`` ("an actor class") or None (an IRI).

    >>> param_kind("a place IRI or label (Homs, ckgr:place/homs)"), param_kind('"OSDH" or "media" (a plain string)')
    ('place', 'string')
    >>> param_kind("a date (2012, 2013-06)"), param_kind("the least number of sources (an integer, default 2)")
    ('date', 'integer')
    """
    m = _ENTITY_PARAM.search(description)
    if m:
        return m.group(1).lower()
    if _STRING_PARAM.search(description):
        return "string"
    return next((kind for kind, words in _KIND_WORDS if words.search(description)), None)


def _one_of(name: str, value: str, what: str, known: Iterable[str]) -> str:
    """``value`` as the one of ``known`` it names (case aside, with or without ``ckg:``), or
    :class:`BadParameter` with the closest ones."""
    key = value.strip()
    for prefix in ("ckg:", CKG_IRI, f"<{CKG_IRI}"):
        if key.startswith(prefix):
            key = key[len(prefix):].rstrip(">")
    by_key = {k.casefold(): k for k in known}
    if key.casefold() in by_key:
        return by_key[key.casefold()]
    close = closest(key, sorted(known))
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    raise BadParameter(f"-p {name}={value!r}: not {what} (one of {', '.join(sorted(known))}){hint}", value,
                       tuple(close))


def check_param(name: str, value: str, kind: str | None, description: str = "") -> str:
    """``value`` checked against what its parameter takes (``kind``, see :func:`param_kind`) and
    written as the query needs it (``airstrike`` → ``ckg:Airstrike``); :class:`BadParameter` when it
    cannot be one (``2024-13`` for a date, ``abc`` for an integer, ``Airstrikes`` for a type).

    >>> check_param("type", "airstrike", "type"), check_param("since", "2024-02", "date")
    ('ckg:Airstrike', '2024-02')
    """
    if kind == "date":
        try:
            TimeValue.from_iso(value)
        except ValueError:
            raise BadParameter(f"-p {name}={value!r}: not a date; give YYYY, YYYY-MM or YYYY-MM-DD (2013, 2013-06, "
                               "2013-06-21)", value) from None
    elif kind == "integer":
        try:
            number = int(value.strip())
        except ValueError:
            raise BadParameter(f"-p {name}={value!r}: not an integer", value) from None
        if abs(number) > _INT64:
            raise BadParameter(f"-p {name}={value!r}: out of range (at most {_INT64:,})", value)
    elif kind == "type":
        return "ckg:" + _one_of(name, value, "an event type or family", set(FAMILY) | set(EVENT_FAMILIES))
    elif kind == "class":
        return "ckg:" + _one_of(name, value, "an actor class", ACTOR_CLASSES)
    elif kind == "string":
        choices = _CHOICE.findall(description)
        if choices:
            return _one_of(name, value, "a value it takes", choices)
    return value


def _check_kind_of_iri(name: str, value: str, kind: str, exists: Callable[[str], bool] | None = None,
                       names: Callable[[], NameIndex] | None = None) -> None:
    """:class:`UnknownName` when ``value`` is one of kg's IRIs for another kind of node than ``kind``
    (``-p place=ckgr:actor/isis``): kg's IRIs say their kind (``…/id/actor/…``), no name need be read;
    or when ``exists`` (a look-up of the IRI in the graph, not of its names) says no triple has it —
    then, and only then, ``names`` is read to suggest the nodes whose names are closest to the IRI's
    last segment."""
    iri = _as_iri(value)
    if iri is None:
        return
    if iri.startswith(INSTANCES):
        other = iri[len(INSTANCES):].partition("/")[0]
        if other != kind and other in _A_KIND:
            raise UnknownName(f"-p {name}={value}: no such {kind}: <{iri}> is {_A_KIND[other]} IRI", value)
    if exists is None or exists(iri):
        return
    last = iri.rstrip("/").rpartition("/")[2].replace("-", " ").replace("_", " ")
    hints = suggest(last, names(), kind) if names is not None and last.strip() else []
    hint = f"; did you mean: {', '.join(hints)}?" if hints else "; list the names with 'kg entities --search …'"
    raise UnknownName(f"-p {name}={value}: no such {kind} in the graph: no triple has <{iri}>{hint}", value,
                      tuple(hints))


def _maker(index: NameIndex | Callable[[], NameIndex]) -> Callable[[], NameIndex]:
    return index if callable(index) else lambda: index


def resolve_params(sparql: str, values: dict[str, str], index: NameIndex | Callable[[], NameIndex],
                   params: Iterable = (), exists: Callable[[str], bool] | None = None,
                   ) -> tuple[dict[str, str], set[str]]:
    """Check ``-p NAME=VALUE`` pairs against a query and turn the names they give into IRIs.

    Parameters
    ----------
    sparql : str
        The query text (its variables are the names a ``-p`` may bind).
    values : dict
        ``{"place": "Homs"}`` as typed.
    index : NameIndex, or a function that makes it
        The names of the graph (the function is called only when a value is a name to resolve).
    params : iterable of kg.queries.Param
        The parameters its header documents: their descriptions say which take an actor or a
        place (resolved with :func:`resolve_name`) and which a plain string.
    exists : function, optional
        ``exists(iri)``: whether a triple of the graph has the IRI (one look-up; names are not
        read for IRIs). An actor or place parameter given as an IRI that no triple has is then an
        :class:`UnknownName`, not an answer of 0 rows; so is any parameter given one of kg's own
        IRIs (``ckgr:event/…``, ``ckgr:article/…``) that no triple has.

    Returns
    -------
    (dict, set)
        The values, names of actors and places replaced by ``<IRI>``; the parameters to bind as
        plain strings.

    Raises
    ------
    UnknownParameter
        When a name is not a variable of the query (the message lists its parameters and the
        closest one).
    UnknownName, AmbiguousName
        When an actor or place parameter names nothing, or several nodes.
    """
    documented = {p.name: p for p in params}
    variables = set(_VARIABLE.findall("\n".join(line for line in sparql.splitlines()
                                                 if not line.lstrip().startswith("#"))))
    out: dict[str, str] = {}
    strings: set[str] = set()
    for name, value in values.items():
        if name not in variables:
            known = sorted(documented) or sorted(variables)
            close = closest(name, known, n=1)
            hint = f"; did you mean ?{close[0]}?" if close else ""
            listed = ", ".join(f"?{k}" for k in known) or "none"
            raise UnknownParameter(f"-p {name}=…: the query has no variable ?{name} "
                                   f"(its parameters: {listed}){hint}", name, tuple(close))
        description = documented[name].description if name in documented else ""
        kind = param_kind(description) if name in documented else None
        value = check_param(name, value, kind, description)
        if kind == "string":
            strings.add(name)
        elif kind in ("actor", "place") and _IRI_OR_CURIE.match(value.strip()):
            _check_kind_of_iri(name, value, kind, exists, _maker(index))
        elif kind in ("actor", "place"):
            if callable(index):  # made when a name needs it (kg query reads no names for IRIs or dates)
                index = index()
            value = f"<{resolve_name(value, index, kind)}>"
        elif kind is None and exists is not None and (iri := _as_iri(value)) is not None \
                and iri.startswith(INSTANCES) and not exists(iri):
            # "-p event=ckgr:event/…" of no event: one of kg's own IRIs that no triple has is a slip
            raise UnknownName(f"-p {name}={value}: no triple of the graph has <{iri}>", value)
        out[name] = value
    return out, strings
