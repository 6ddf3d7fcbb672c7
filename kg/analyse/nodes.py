"""Node accessors of a contract-shaped graph: classes, families, labels, typed node lists.

The contract's class tree (actor, place and event classes) and the small helpers the
projections share (:func:`local_name`, :func:`class_tree`, :func:`first_value`, …).

Imports rdflib, networkx and kg.namespace/kg.rdf readers only (never spaCy nor the extraction stages).
"""

from __future__ import annotations

from collections.abc import Iterable

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from kg.namespace import CKG, RDF, RDFS, SKOS
from kg.schema import taxonomy

__all__ = [
    "ACTOR_CLASSES",
    "PLACE_CLASSES",
    "EVENT_FAMILIES",
    "local_name",
    "class_tree",
    "first_value",
    "date_of",
    "number_of",
    "most_specific_class",
    "event_family",
    "label_of",
    "actors",
    "places",
    "events",
    "node_attrs",
    "iri_objects",
]


#: Most specific actor classes of the contract (all directly under ``ckg:Actor``).
ACTOR_CLASSES: tuple[URIRef, ...] = tuple(CKG[c] for c in taxonomy.ACTOR_CLASSES)

#: Most specific place classes of the contract (all directly under ``ckg:Place``).
PLACE_CLASSES: tuple[URIRef, ...] = tuple(CKG[c] for c in taxonomy.PLACE_CLASSES)

#: Event families (ACLED event types) and their types; ``ckg:CasualtyReport`` is its
#: own family, directly under ``ckg:Event`` (from the ontology's generated taxonomy).
EVENT_FAMILIES: dict[URIRef, tuple[URIRef, ...]] = {
    CKG[family]: tuple(CKG[t] for t in taxonomy.EVENT_TYPES if taxonomy.FAMILY[t] == family != t)
    for family in taxonomy.EVENT_FAMILIES
}

_PARENT: dict[URIRef, URIRef] = {
    **{cls: CKG.Actor for cls in ACTOR_CLASSES},
    **{cls: CKG.Place for cls in PLACE_CLASSES},
    **{family: CKG.Event for family in EVENT_FAMILIES},
    **{t: family for family, types in EVENT_FAMILIES.items() for t in types},
}


# --------------------------------------------------------------------------- helpers


def local_name(iri: Node) -> str:
    """Local name of an IRI (after ``#`` or the last ``/``)."""
    text = str(iri)
    return text.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def class_tree(g: Graph) -> dict[URIRef, URIRef]:
    """The contract's class tree, extended by any ``rdfs:subClassOf`` in ``g``."""
    parents = dict(_PARENT)
    for sub, sup in g.subject_objects(RDFS.subClassOf):
        if isinstance(sub, URIRef) and isinstance(sup, URIRef) and sub not in parents:
            parents[sub] = sup
    return parents


def _ancestors(cls: URIRef, parents: dict[URIRef, URIRef]) -> list[URIRef]:
    """``cls`` followed by its superclasses, nearest first (cycles cut)."""
    chain = [cls]
    while chain[-1] in parents and parents[chain[-1]] not in chain:
        chain.append(parents[chain[-1]])
    return chain


def _root(cls: URIRef, parents: dict[URIRef, URIRef]) -> URIRef:
    return _ancestors(cls, parents)[-1]


_KIND_ROOTS: tuple[tuple[URIRef, str], ...] = ((CKG.Event, "event"), (CKG.Actor, "actor"), (CKG.Place, "place"))


def _kinds(g: Graph, parents: dict[URIRef, URIRef]) -> dict[Node, str]:
    """Each typed IRI subject's kind, ``"actor"``, ``"place"`` or ``"event"`` (an event first, then an
    actor, then a place, when its types say several), from one pass over the ``rdf:type`` statements."""
    root_of: dict[URIRef, URIRef] = {}
    roots: dict[Node, set[URIRef]] = {}
    for s, t in g.subject_objects(RDF.type):
        if isinstance(s, URIRef) and isinstance(t, URIRef):
            root = root_of.get(t)
            if root is None:
                root = root_of[t] = _root(t, parents)
            roots.setdefault(s, set()).add(root)
    kinds = {}
    for s, found in roots.items():
        kind = next((k for root, k in _KIND_ROOTS if root in found), None)
        if kind is not None:
            kinds[s] = kind
    return kinds


def first_value(values: Iterable[Node]) -> Node | None:
    """Smallest value in a deterministic order, or None."""
    return min(values, key=lambda v: (str(v), repr(v)), default=None)


def date_of(g: Graph, event: Node) -> str | None:
    value = first_value(g.objects(event, CKG.date))
    return None if value is None else str(value)


def number_of(value: Node | None) -> float | None:
    """A literal's numeric value, or None when absent or not a number."""
    try:
        return None if value is None else float(value.toPython())
    except (TypeError, ValueError):
        return None


def _sorted_nodes(nodes: Iterable[Node]) -> list[Node]:
    return sorted(set(nodes), key=str)


# ------------------------------------------------------------------- node accessors


def most_specific_class(g: Graph, node: Node, parents: dict | None = None) -> str | None:
    """Local name of the most specific contract class of ``node``.

    Parameters
    ----------
    g : rdflib.Graph
        A graph following the contract.
    node : rdflib.term.Node
        An actor, place or event.
    parents : dict, optional
        Class tree (subclass → superclass); the contract's tree by default.

    Returns
    -------
    str or None
        The deepest known class among the node's ``rdf:type`` values (ties broken
        by IRI), or None when the node has no known type. ``ckg:Civilians`` used as
        a node (the casualty group) is its own class.

    Examples
    --------
    >>> from rdflib import Graph
    >>> from kg.namespace import CKG, CKGR, RDF
    >>> g = Graph()
    >>> _ = g.add((CKGR["event/1"], RDF.type, CKG.Event))
    >>> _ = g.add((CKGR["event/1"], RDF.type, CKG.Airstrike))
    >>> most_specific_class(g, CKGR["event/1"])
    'Airstrike'
    """
    parents = class_tree(g) if parents is None else parents
    if node == CKG.Civilians:
        return "Civilians"
    known = set(parents) | set(parents.values())
    types = [t for t in g.objects(node, RDF.type) if isinstance(t, URIRef) and t in known]
    if not types:
        return None
    best = max(types, key=lambda t: (len(_ancestors(t, parents)), str(t)))
    return local_name(best)


def event_family(g: Graph, event: Node, parents: dict | None = None) -> str | None:
    """Local name of the event's family (``Battle``, ``RemoteViolence``, …).

    Parameters
    ----------
    g : rdflib.Graph
        A graph following the contract.
    event : rdflib.term.Node
        An event.
    parents : dict, optional
        Class tree; the contract's tree by default.

    Returns
    -------
    str or None
        The class just under ``ckg:Event`` on the path of the most specific type
        (``CasualtyReport`` for casualty reports), ``"Event"`` for a bare event,
        None for a node that is not an event.
    """
    parents = class_tree(g) if parents is None else parents
    families = set()
    for t in g.objects(event, RDF.type):
        if not isinstance(t, URIRef):
            continue
        chain = _ancestors(t, parents)
        if chain[-1] != CKG.Event:
            continue
        families.add(local_name(chain[-2]) if len(chain) > 1 else "Event")
    specific = sorted(families - {"Event"})
    return specific[0] if specific else ("Event" if families else None)


def label_of(g: Graph, node: Node) -> str:
    """Display label: ``skos:prefLabel`` (French first), ``rdfs:label``, local name.

    Parameters
    ----------
    g : rdflib.Graph
        A graph following the contract.
    node : rdflib.term.Node
        Any resource.

    Returns
    -------
    str
        The label; ``ckg:Civilians`` without a label in ``g`` reads ``"civils"``.
    """
    for prop in (SKOS.prefLabel, RDFS.label):
        labels = [v for v in g.objects(node, prop) if isinstance(v, Literal)]
        if labels:
            best = min(labels, key=lambda v: (v.language != "fr", v.language or "", str(v)))
            return str(best)
    if node == CKG.Civilians:
        return "civils"
    return local_name(node)


def _typed(g: Graph, kind: str, parents: dict[URIRef, URIRef]) -> list[Node]:
    return sorted((s for s, k in _kinds(g, parents).items() if k == kind), key=str)


def actors(g: Graph) -> list[Node]:
    """Actors of ``g``: typed actors plus every agent, target, source, denier or group.

    Parameters
    ----------
    g : rdflib.Graph
        A graph following the contract.

    Returns
    -------
    list of rdflib.term.Node
        Sorted by IRI.
    """
    parents = class_tree(g)
    found = set(_typed(g, "actor", parents))
    for prop in (CKG.agent, CKG.target, CKG.reportedBy, CKG.disputedBy, CKG.affiliatedWith):
        found.update(o for o in g.objects(None, prop) if isinstance(o, URIRef))
    return _sorted_nodes(found)


def places(g: Graph) -> list[Node]:
    """Places of ``g``: typed places plus every object of ``ckg:place``/``ckg:locatedIn``.

    Parameters
    ----------
    g : rdflib.Graph
        A graph following the contract.

    Returns
    -------
    list of rdflib.term.Node
        Sorted by IRI.
    """
    parents = class_tree(g)
    found = set(_typed(g, "place", parents))
    found.update(o for o in g.objects(None, CKG.place) if isinstance(o, URIRef))
    for s, o in g.subject_objects(CKG.locatedIn):
        found.update(n for n in (s, o) if isinstance(n, URIRef))
    return _sorted_nodes(found)


def events(g: Graph) -> list[Node]:
    """Events of ``g`` (any subject typed ``ckg:Event`` or a subclass), sorted by IRI.

    Parameters
    ----------
    g : rdflib.Graph
        A graph following the contract.

    Returns
    -------
    list of rdflib.term.Node
    """
    return _typed(g, "event", class_tree(g))


def node_attrs(g: Graph, node: Node, kind: str, parents: dict) -> dict:
    default = {"actor": "Actor", "place": "Place", "event": "Event"}[kind]
    return {
        "label": label_of(g, node),
        "cls": most_specific_class(g, node, parents) or default,
        "kind": kind,
    }


def iri_objects(g: Graph, s: Node, p: URIRef) -> list[Node]:
    return _sorted_nodes(o for o in g.objects(s, p) if isinstance(o, URIRef))
