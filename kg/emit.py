"""Stage 5 — emit: the resolved extraction as RDF, in the terms of the contract.

One named graph per article (``ckgr:graph/<article id>``) holds what that article says: the
article node, its mentions (NIF phrases with exact offsets), ``ckg:mentionedIn`` and
``ckg:denotedBy`` links and observed ``skos:altLabel`` of the entities it names, and its
events. The named graph ``ckgr:graph/entities`` holds the canonical description of every
entity (class, ``skos:prefLabel``, ``ckg:locatedIn``, coordinates, GeoNames, affiliation),
recomputed on every build from the gazetteers and the articles.

Everything is deterministic: IRIs come from ids and offsets, never from blank nodes or
the order of the inputs.
"""

from __future__ import annotations

from decimal import Decimal

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, SKOS, XSD

from kg.extract import FAMILY
from kg.ingest import Article
from kg.namespace import CKG, CKGR, GEO, GEONAMES, NIF, PROV
from kg.resolve import CIVILIANS, Resolution, ResolvedEvent
from kg.timex import TimeValue

__all__ = ["emit", "union_graph", "article_iri", "entity_iri", "event_iri", "graph_iri", "time_literal",
           "ENTITIES_GRAPH", "bind_prefixes"]

ENTITIES_GRAPH = CKGR["graph/entities"]
_QUALIFIERS = {"Exactly": CKG.Exactly, "AtLeast": CKG.AtLeast, "MoreThan": CKG.MoreThan,
               "Approximately": CKG.Approximately}


def article_iri(article_id: str) -> URIRef:
    return CKGR[f"article/{article_id}"]


def graph_iri(article_id: str) -> URIRef:
    return CKGR[f"graph/{article_id}"]


def entity_iri(kind: str, eid: str) -> URIRef:
    return CKGR[f"{kind}/{eid}"]


def event_iri(eid: str) -> URIRef:
    return CKGR[f"event/{eid}"]


def mention_iri(article_id: str, start: int, end: int) -> URIRef:
    return URIRef(f"{article_iri(article_id)}#char={start},{end}")


def time_literal(t: TimeValue) -> Literal:
    """A calendar value typed at its precision.

    >>> time_literal(TimeValue(2024, 11)).datatype.endswith("gYearMonth")
    True
    """
    dtype = {"day": XSD.date, "month": XSD.gYearMonth, "year": XSD.gYear}[t.precision]
    return Literal(t.iso(), datatype=dtype)


def bind_prefixes(g: Graph | Dataset) -> None:
    for prefix, ns in (("ckg", CKG._NS), ("ckgr", CKGR), ("sem", "http://semanticweb.cs.vu.nl/2009/11/sem/"),
                       ("nif", NIF), ("prov", PROV), ("dcterms", DCTERMS), ("skos", SKOS), ("geo", GEO),
                       ("schema", "https://schema.org/"), ("owl", OWL), ("xsd", XSD)):
        g.bind(prefix, ns, override=True, replace=True)


def _add_mention(g: Graph, article: Article, node: URIRef, start: int, end: int) -> None:
    m = mention_iri(article.id, start, end)
    g.add((m, RDF.type, NIF.Phrase))
    g.add((m, NIF.beginIndex, Literal(start, datatype=XSD.nonNegativeInteger)))
    g.add((m, NIF.endIndex, Literal(end, datatype=XSD.nonNegativeInteger)))
    g.add((m, NIF.anchorOf, Literal(article.text[start:end])))
    g.add((m, NIF.referenceContext, article_iri(article.id)))
    g.add((node, CKG.denotedBy, m))


def _emit_article(g: Graph, art: Article, res: Resolution, published_by: list[str]) -> None:
    a = article_iri(art.id)
    g.add((a, RDF.type, CKG.Article))
    g.add((a, DCTERMS.identifier, Literal(art.id)))
    if art.published is not None:
        g.add((a, DCTERMS.date, time_literal(art.published)))
    for alias in art.also_as:
        g.add((a, DCTERMS.alternative, Literal(alias)))
    for eid in published_by:
        e = res.entities[eid]
        g.add((a, CKG.publishedBy, entity_iri(e.kind, eid)))


def _emit_event(g: Graph, art: Article, ev: ResolvedEvent, res: Resolution) -> None:
    node = event_iri(ev.id)
    g.add((node, RDF.type, CKG[ev.type]))
    family = FAMILY[ev.type]
    if family != "Event":
        g.add((node, RDF.type, CKG[family]))
    g.add((node, RDF.type, CKG.Event))
    g.add((node, CKG.mentionedIn, article_iri(art.id)))

    def ent(eid: str) -> URIRef:
        return entity_iri(res.entities[eid].kind, eid)

    if ev.place:
        g.add((node, CKG.place, ent(ev.place)))
    for p, ids in ((CKG.agent, ev.agents), (CKG.target, ev.targets), (CKG.reportedBy, ev.sources),
                   (CKG.disputedBy, ev.disputed_by)):
        for eid in ids:
            g.add((node, p, ent(eid)))
    if ev.date is not None:
        g.add((node, CKG.date, time_literal(ev.date)))
    if ev.start_date is not None:
        g.add((node, CKG.startDate, time_literal(ev.start_date)))
    if ev.end_date is not None:
        g.add((node, CKG.endDate, time_literal(ev.end_date)))
    for n, t in enumerate(ev.tolls, 1):
        c = CKGR[f"event/{ev.id}/toll/{n}"]
        g.add((node, CKG.fatalities, c))
        g.add((c, RDF.type, CKG.CasualtyCount))
        g.add((c, CKG["count"], Literal(t.count, datatype=XSD.integer)))
        g.add((c, CKG.countQualifier, _QUALIFIERS[t.qualifier]))
        if t.group == CIVILIANS:
            g.add((c, CKG.casualtyGroup, CKG.Civilians))
        elif t.group:
            g.add((c, CKG.casualtyGroup, ent(t.group)))
    g.add((node, CKG.confidence, Literal(Decimal(str(ev.confidence)), datatype=XSD.decimal)))
    for s in ev.evidence:
        g.add((node, CKG.evidence, Literal(s)))
    for b, e in ev.triggers:
        _add_mention(g, art, node, b, e)


def _emit_entities(g: Graph, res: Resolution, used: set[str]) -> None:
    for eid in sorted(used):
        e = res.entities[eid]
        node = entity_iri(e.kind, eid)
        g.add((node, RDF.type, CKG[e.cls]))
        g.add((node, RDF.type, CKG.Actor if e.kind == "actor" else CKG.Place))
        g.add((node, SKOS.prefLabel, Literal(e.label, lang="fr")))
        if e.located_in and e.located_in in res.entities:
            parent = res.entities[e.located_in]
            g.add((node, CKG.locatedIn, entity_iri(parent.kind, parent.id)))
        affiliated = e.affiliated_with or res.affiliations.get(eid)
        if affiliated and affiliated in res.entities:
            g.add((node, CKG.affiliatedWith, entity_iri(res.entities[affiliated].kind, affiliated)))
        if e.geonames:
            g.add((node, CKG.geonamesId, Literal(str(e.geonames))))
            g.add((node, OWL.sameAs, GEONAMES[f"{e.geonames}/"]))
        if e.lat is not None and e.long is not None:
            g.add((node, GEO.lat, Literal(Decimal(str(e.lat)), datatype=XSD.decimal)))
            g.add((node, GEO.long, Literal(Decimal(str(e.long)), datatype=XSD.decimal)))
        if e.wikidata:
            g.add((node, OWL.sameAs, URIRef(f"http://www.wikidata.org/entity/{e.wikidata}")))


def emit(res: Resolution) -> Dataset:
    """Build the dataset: one named graph per article plus the entities graph."""
    ds = Dataset()
    bind_prefixes(ds)
    used: set[str] = set()
    events_by_article: dict[str, list[ResolvedEvent]] = {}
    for ev in res.events:
        events_by_article.setdefault(ev.article, []).append(ev)
    for ex in res.extractions:
        art = ex.article
        g = ds.graph(graph_iri(art.id))
        published = sorted({res.entity_of(art.id, m) for m in ex.published_by})
        _emit_article(g, art, res, published)
        seen_forms: dict[str, set[str]] = {}
        for m in ex.mentions:
            if m.cls == "Civilians":
                continue  # civilians are a casualty group (ckg:Civilians), not a node of their own
            eid = res.entity_of(art.id, m)
            e = res.entities[eid]
            node = entity_iri(e.kind, eid)
            used.add(eid)
            g.add((node, CKG.mentionedIn, article_iri(art.id)))
            _add_mention(g, art, node, m.start, m.end)
            seen_forms.setdefault(eid, set()).add(m.text)
        for eid, forms in seen_forms.items():
            e = res.entities[eid]
            for f in sorted(forms):
                if f != e.label:
                    g.add((entity_iri(e.kind, eid), SKOS.altLabel, Literal(f, lang="fr")))
        for ev in events_by_article.get(art.id, []):
            _emit_event(g, art, ev, res)
            used.update(ev.agents + ev.targets + ev.sources + ev.disputed_by + ((ev.place,) if ev.place else ()))
            used.update(t.group for t in ev.tolls if t.group and t.group != CIVILIANS)
    # containing places and affiliations are described too, so every chain ends somewhere
    frontier = list(used)
    while frontier:
        eid = frontier.pop()
        e = res.entities[eid]
        for nxt in (e.located_in, e.affiliated_with or res.affiliations.get(eid)):
            if nxt and nxt in res.entities and nxt not in used:
                used.add(nxt)
                frontier.append(nxt)
    _emit_entities(ds.graph(ENTITIES_GRAPH), res, used)
    return ds


def union_graph(ds: Dataset) -> Graph:
    """All triples of all named graphs in one graph (what ``graph.ttl`` holds)."""
    g = Graph()
    bind_prefixes(g)
    for s, p, o, _ctx in ds.quads((None, None, None, None)):
        g.add((s, p, o))
    return g

