"""One source of counts: how many articles, actors, places and events a graph holds.

The build summary, ``report.json``, ``kg network``, the Python front door and the page all
count the same way (#13): a node is an actor, a place, an event or an article when it is
typed with that contract class or one of its subclasses (:data:`KIND_CLASSES`), and each node
counts once, however many articles tell it and however many types it has.

Before, the build counted the entities its mentions resolved to (civilians included, the
containing places of the ``locatedIn`` chains left out) and one event per (article, event)
pair (an event told by two articles counted twice), while ``kg network`` counted the nodes of
the graph: 27 actors / 25 places against 26 / 29 on the seeds, 2,453 events against 2,449 on
300 articles.

>>> c = NodeCounter()
>>> c.add("<e1>", CKG_IRI + "Airstrike"); c.add("<e1>", CKG_IRI + "Event"); c.add("<a>", CKG_IRI + "City")
>>> c.counts(triples=3)
Counts(articles=0, actors=0, places=1, events=1, triples=3)
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass

from kg.namespace import PREFIXES
from kg.schema.taxonomy import ACTOR_CLASSES, EVENT_FAMILIES, EVENT_TYPES, PLACE_CLASSES

__all__ = ["Counts", "NodeCounter", "KIND_CLASSES", "CKG_IRI", "kind_of_class", "count_graph", "COUNT_QUERY",
           "counts_of_row"]

CKG_IRI = PREFIXES["ckg"]

#: the contract classes (local names) whose instances are counted, by kind (from the ontology's
#: generated taxonomy: a new event type is counted as soon as it is in ``ontology/ckg.ttl``)
KIND_CLASSES: dict[str, tuple[str, ...]] = {
    "articles": ("Article",),
    "actors": ("Actor", *ACTOR_CLASSES),
    "places": ("Place", *PLACE_CLASSES),
    "events": ("Event", *EVENT_FAMILIES, *(t for t in EVENT_TYPES if t not in EVENT_FAMILIES)),
}
_RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
_KIND = {CKG_IRI + cls: kind for kind, classes in KIND_CLASSES.items() for cls in classes}


def kind_of_class(iri: str) -> str | None:
    """``"actors"``, ``"places"``, ``"events"``, ``"articles"`` or None for a class IRI (with or
    without angle brackets).

    >>> kind_of_class("<https://w3id.org/conflict-kg/ontology#Militia>")
    'actors'
    """
    return _KIND.get(iri[1:-1] if iri.startswith("<") else iri)


@dataclass(frozen=True)
class Counts:
    """What a graph holds: distinct articles, actors, places and events, and distinct triples."""

    articles: int = 0
    actors: int = 0
    places: int = 0
    events: int = 0
    triples: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


class NodeCounter:
    """Counts distinct typed subjects as ``rdf:type`` statements stream by (the build feeds it
    the N-Triples terms it writes)."""

    def __init__(self) -> None:
        self._seen: dict[str, set[str]] = {kind: set() for kind in KIND_CLASSES}

    def add(self, subject: str, cls: str) -> None:
        kind = kind_of_class(cls)
        if kind is not None:
            self._seen[kind].add(subject)

    def feed(self, triples: Iterable[tuple[str, str, str]]) -> None:
        """Count the typed subjects of emitted triples (N-Triples terms)."""
        for s, p, o in triples:
            if p == _RDF_TYPE:
                self.add(s, o)

    def counts(self, triples: int = 0) -> Counts:
        return Counts(triples=triples, **{kind: len(nodes) for kind, nodes in self._seen.items()})


def _values(kind: str) -> str:
    return " ".join(f"<{CKG_IRI}{c}>" for c in KIND_CLASSES[kind])


#: one SPARQL query for every count (runs the same on rdflib and on the Oxigraph store)
COUNT_QUERY = "SELECT " + " ".join(f"?{kind}" for kind in KIND_CLASSES) + " ?triples WHERE {\n" + "\n".join(
    f"  {{ SELECT (COUNT(DISTINCT ?s) AS ?{kind}) WHERE {{ VALUES ?t {{ {_values(kind)} }} ?s a ?t }} }}"
    for kind in KIND_CLASSES) + "\n  { SELECT (COUNT(*) AS ?triples) WHERE { ?s ?p ?o } }\n}"


def counts_of_row(row) -> Counts:
    """The :class:`Counts` of the one answer row of :data:`COUNT_QUERY` (rdflib or Oxigraph terms)."""
    return Counts(**{k: int(row[k].toPython() if hasattr(row[k], "toPython") else row[k].value)
                     for k in (*KIND_CLASSES, "triples")})


def count_graph(g) -> Counts:
    """The counts of an rdflib graph (all its triples: pass the whole graph, not a part of it).

    Parameters
    ----------
    g : rdflib.Graph
        A graph following the contract.

    Returns
    -------
    Counts
    """
    return counts_of_row(next(iter(g.query(COUNT_QUERY))))
