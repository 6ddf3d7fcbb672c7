"""Stage 5 — emit: the resolved extraction as RDF, in the terms of the contract.

One named graph per article (``ckgr:graph/<article id>``) holds what that article says: the
article node, its mentions (NIF phrases with exact offsets), ``ckg:mentionedIn`` and
``ckg:denotedBy`` links and observed ``skos:altLabel`` of the entities it names, and its
events. The named graph ``ckgr:graph/entities`` holds the canonical description of every
entity (class, ``skos:prefLabel``, ``ckg:locatedIn``, coordinates, GeoNames, affiliation),
recomputed on every build from the gazetteers and the articles.

The emitter writes N-Triples terms as strings (:func:`emit_graphs`), one article at a time,
so a build streams its graph to disk (:class:`kg.store.GraphWriter`) and into the Oxigraph
store without holding it in memory; :func:`emit` parses the same lines into an rdflib
``Dataset`` for small graphs, tests and library users.

Everything is deterministic: IRIs come from ids and offsets, never from blank nodes or
the order of the inputs. Ids are safe in IRIs by construction (article ids are checked by
:mod:`kg.ingest`; entity and event ids are slugs, gazetteer ids or hex digests).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from decimal import Decimal
from functools import lru_cache
from typing import IO

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, SKOS, XSD

from kg.gazetteer import load_gazetteer
from kg.namespace import CKG, CKGR, DOCUMENT_PREFIXES, GEO, GEONAMES, NIF
from kg.resolve import CIVILIANS, Resolution, ResolvedArticle, ResolvedEvent
from kg.schema.taxonomy import FAMILY
from kg.schema.time import TimeValue

__all__ = ["emit", "emit_graphs", "write_nquads", "event_terms", "event_id_terms", "triples_graph", "union_graph",
           "article_iri", "entity_iri", "event_iri", "graph_iri", "time_literal", "rdf_term", "ENTITIES_GRAPH",
           "bind_prefixes", "Triple", "gazetteer_aliases", "string_literal"]

ENTITIES_GRAPH = CKGR["graph/entities"]
#: a triple as three N-Triples terms (``<iri>`` or a quoted literal)
Triple = tuple[str, str, str]


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


_DATETYPES = {"day": XSD.date, "month": XSD.gYearMonth, "year": XSD.gYear}


def time_literal(t: TimeValue) -> Literal:
    """A calendar value typed at its precision.

    >>> time_literal(TimeValue(2024, 11)).datatype.endswith("gYearMonth")
    True
    """
    return Literal(t.iso(), datatype=_DATETYPES[t.precision])


def bind_prefixes(g: Graph | Dataset) -> None:
    for prefix, ns in DOCUMENT_PREFIXES.items():
        g.bind(prefix, ns, override=True, replace=True)


# ------------------------------------------------------------------ N-Triples terms
def _i(iri: str) -> str:
    return f"<{iri}>"


_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})


def string_literal(text: str, lang: str | None = None) -> str:
    """A string literal in N-Triples (``lang`` tagged or ``xsd:string``)."""
    body = '"' + text.translate(_ESCAPES) + '"'
    return f"{body}@{lang}" if lang else body


def _typed(lexical: str, datatype: str) -> str:
    return f'"{lexical}"^^<{datatype}>'


def _decimal(x: float) -> str:
    return _typed(str(Decimal(str(x))), str(XSD.decimal))


def _time(t: TimeValue) -> str:
    return _typed(t.iso(), str(_DATETYPES[t.precision]))


_A = _i(RDF.type)
_CKG = {name: _i(CKG[name]) for name in (
    "Article", "Event", "CasualtyCount", "Civilians", "mentionedIn", "denotedBy", "publishedBy", "place", "agent",
    "target", "reportedBy", "disputedBy", "date", "startDate", "endDate", "fatalities", "count", "countQualifier",
    "casualtyGroup", "confidence", "evidence", "locatedIn", "affiliatedWith", "geonamesId", "Actor", "Place",
    "Exactly", "AtLeast", "MoreThan", "Approximately")}
_NIF_PHRASE, _BEGIN, _END, _ANCHOR, _CONTEXT = (_i(NIF[n]) for n in (
    "Phrase", "beginIndex", "endIndex", "anchorOf", "referenceContext"))
_IDENTIFIER, _DATE, _ALTERNATIVE = _i(DCTERMS.identifier), _i(DCTERMS.date), _i(DCTERMS.alternative)
_PREF, _ALT = _i(SKOS.prefLabel), _i(SKOS.altLabel)
_SAME_AS, _LAT, _LONG = _i(OWL.sameAs), _i(GEO.lat), _i(GEO.long)
_NNI, _INTEGER = str(XSD.nonNegativeInteger), str(XSD.integer)
_ROLES = (("agent", "agents"), ("target", "targets"), ("reportedBy", "sources"), ("disputedBy", "disputed_by"))


class _Emitter:
    """Turns a :class:`~kg.resolve.Resolution` into triples, one article at a time."""

    def __init__(self, res: Resolution):
        self.res = res
        self.used: set[str] = set()
        self._iris: dict[str, str] = {}

    def ent(self, eid: str) -> str:
        hit = self._iris.get(eid)
        if hit is None:
            hit = self._iris[eid] = _i(entity_iri(self.res.entities[eid].kind, eid))
        return hit

    def article(self, ra: ResolvedArticle) -> list[Triple]:
        res, ex = self.res, ra.extraction
        art = ex.article
        a = _i(article_iri(art.id))
        out: list[Triple] = [(a, _A, _CKG["Article"]), (a, _IDENTIFIER, string_literal(art.id))]
        if art.published is not None:
            out.append((a, _DATE, _time(art.published)))
        out.extend((a, _ALTERNATIVE, string_literal(alias)) for alias in art.also_as)
        for eid in sorted({ra.entity_of(m) for m in ex.published_by}):
            out.append((a, _CKG["publishedBy"], self.ent(eid)))
        text, base = art.text, str(article_iri(art.id))

        def mention(node: str, start: int, end: int) -> None:
            m = f"<{base}#char={start},{end}>"
            out.extend(((m, _A, _NIF_PHRASE), (m, _BEGIN, _typed(str(start), _NNI)),
                        (m, _END, _typed(str(end), _NNI)), (m, _ANCHOR, string_literal(text[start:end])),
                        (m, _CONTEXT, a), (node, _CKG["denotedBy"], m)))

        forms: dict[str, set[str]] = {}
        for m, eid in zip(ex.mentions, ra.entity_ids, strict=True):
            node = self.ent(eid)
            self.used.add(eid)
            out.append((node, _CKG["mentionedIn"], a))
            mention(node, m.start, m.end)
            forms.setdefault(eid, set()).add(m.text)
        for eid, seen in forms.items():
            label = res.entities[eid].label
            out.extend((self.ent(eid), _ALT, string_literal(f, "fr")) for f in sorted(seen) if f != label)
        for ev in ra.events:
            node, *toll_nodes = event_terms(ev)
            family = FAMILY[ev.type]
            out.append((node, _A, _i(CKG[ev.type])))
            if family != "Event":
                out.append((node, _A, _i(CKG[family])))
            out.extend(((node, _A, _CKG["Event"]), (node, _CKG["mentionedIn"], a)))
            if ev.place:
                out.append((node, _CKG["place"], self.ent(ev.place)))
                self.used.add(ev.place)
            for prop, attr in _ROLES:
                for eid in getattr(ev, attr):
                    out.append((node, _CKG[prop], self.ent(eid)))
                    self.used.add(eid)
            for prop, t in (("date", ev.date), ("startDate", ev.start_date), ("endDate", ev.end_date)):
                if t is not None:
                    out.append((node, _CKG[prop], _time(t)))
            for c, t in zip(toll_nodes, ev.tolls, strict=True):
                out.extend(((node, _CKG["fatalities"], c), (c, _A, _CKG["CasualtyCount"]),
                            (c, _CKG["count"], _typed(str(t.count), _INTEGER)),
                            (c, _CKG["countQualifier"], _CKG[t.qualifier])))
                if t.group == CIVILIANS:
                    out.append((c, _CKG["casualtyGroup"], _CKG["Civilians"]))
                elif t.group:
                    out.append((c, _CKG["casualtyGroup"], self.ent(t.group)))
                    self.used.add(t.group)
            out.append((node, _CKG["confidence"], _decimal(ev.confidence)))
            out.extend((node, _CKG["evidence"], string_literal(s)) for s in ev.evidence)
            for b, e in ev.triggers:
                mention(node, b, e)
        return out

    def entities(self) -> list[Triple]:
        """The entities graph: every entity used, plus the places and groups their chains reach."""
        res, used = self.res, set(self.used)
        frontier = list(used)
        while frontier:
            e = res.entities[frontier.pop()]
            for nxt in (e.located_in, e.affiliated_with):
                if nxt and nxt in res.entities and nxt not in used:
                    used.add(nxt)
                    frontier.append(nxt)
        out: list[Triple] = []
        for eid in sorted(used):
            e = res.entities[eid]
            node = self.ent(eid)
            out.extend(((node, _A, _i(CKG[e.cls])), (node, _A, _CKG["Actor" if e.kind == "actor" else "Place"]),
                        (node, _PREF, string_literal(e.label, "fr"))))
            out.extend((node, _ALT, string_literal(a, "fr")) for a in gazetteer_aliases(e))
            if e.located_in and e.located_in in res.entities:
                out.append((node, _CKG["locatedIn"], self.ent(e.located_in)))
            if e.affiliated_with and e.affiliated_with in res.entities:
                out.append((node, _CKG["affiliatedWith"], self.ent(e.affiliated_with)))
            if e.geonames:
                out.append((node, _CKG["geonamesId"], string_literal(str(e.geonames))))
                out.append((node, _SAME_AS, _i(GEONAMES[f"{e.geonames}/"])))
            if e.lat is not None and e.long is not None:
                out.extend(((node, _LAT, _decimal(e.lat)), (node, _LONG, _decimal(e.long))))
            if e.wikidata:
                out.append((node, _SAME_AS, f"<http://www.wikidata.org/entity/{e.wikidata}>"))
        return out


def gazetteer_aliases(e) -> list[str]:
    """The gazetteer's other *names* of a gazetteer entity, sorted: emitted as ``skos:altLabel`` so
    that names resolve as users type them ("Daech", "EI", "ISIS") even when no article used that
    form (#13).

    Only name-like aliases are emitted — those that begin with a capital letter or a digit. Group
    nouns and descriptions ("armée", "soldats", "jihadistes", "souks d'Alep") stay in the gazetteer:
    as labels of a node they would also name other things (the dev2 gold reads "souks d'Alep" as
    the souk, the gazetteer as the old city), and the name resolver finds them there anyway
    (:mod:`kg.names`).
    """
    if not e.gazetteer:
        return []
    gaz = load_gazetteer()
    if e.id not in gaz:
        return []
    return sorted({a for a in gaz[e.id].aliases if a != e.label and (a[:1].isupper() or a[:1].isdigit())})


def emit_graphs(res: Resolution) -> Iterator[tuple[str, list[Triple]]]:
    """``(graph IRI, triples)`` for each article in turn, then for the entities graph.

    The terms are N-Triples strings; each list is made when it is asked for, so a caller
    that writes them out holds one article's triples at a time. Only the
    :class:`~kg.resolve.Resolution` is read (its articles, in id order, and its entity table).
    """
    em = _Emitter(res)
    for ra in res.articles():
        yield str(graph_iri(ra.extraction.article.id)), em.article(ra)
    yield str(ENTITIES_GRAPH), em.entities()


def write_nquads(graphs: Iterable[tuple[str, list[Triple]]], quads: IO[str]) -> int:
    """Write ``graphs`` as N-Quads to ``quads``; return the number of quads written."""
    n = 0
    for g, ts in graphs:
        gi = f" <{g}> .\n"
        quads.write("".join(f"{s} {p} {o}{gi}" for s, p, o in ts))
        n += len(ts)
    return n


def event_terms(ev: ResolvedEvent) -> list[str]:
    """The N-Triples terms of an event and of its casualty counts (the subjects it describes)."""
    return event_id_terms(ev.id, len(ev.tolls))


def event_id_terms(eid: str, tolls: int) -> list[str]:
    """The N-Triples terms of the event ``eid`` and of its first ``tolls`` casualty counts."""
    base = f"{CKGR}event/{eid}"
    return [f"<{base}>"] + [f"<{base}/toll/{n}>" for n in range(1, tolls + 1)]


_UNESCAPES = {"\\": "\\", '"': '"', "n": "\n", "r": "\r"}
_ESCAPED = re.compile(r"\\(.)")


@lru_cache(maxsize=1 << 16)
def rdf_term(term: str) -> URIRef | Literal:
    """The rdflib term of an N-Triples term as :mod:`kg.rdf.emit` writes it (an IRI, or a literal:
    plain, ``@lang`` or ``^^<datatype>``, escaped as :func:`string_literal` escapes) — what rdflib's
    N-Triples parser makes of it, without parsing a document.

    >>> rdf_term('<https://w3id.org/conflict-kg/id/place/homs>')
    rdflib.term.URIRef('https://w3id.org/conflict-kg/id/place/homs')
    >>> rdf_term('"Homs \\"x\\"\\n"@fr') == Literal('Homs "x"\\n', lang="fr")
    True
    """
    if term[0] == "<":
        return URIRef(term[1:-1])
    if term[-1] == ">":
        cut = term.rindex('"^^<')
        return Literal(_unescape(term[1:cut]), datatype=URIRef(term[cut + 4:-1]))
    if term[-1] == '"':
        return Literal(_unescape(term[1:-1]))
    cut = term.rindex('"@')
    return Literal(_unescape(term[1:cut]), lang=term[cut + 2:])


def _unescape(body: str) -> str:
    return _ESCAPED.sub(lambda m: _UNESCAPES[m.group(1)], body) if "\\" in body else body


def triples_graph(triples: Iterable[Triple], *, for_reading: bool = False) -> Graph:
    """An rdflib graph of emitted triples (for SHACL, the view, tests): their terms are
    converted one by one (:func:`rdf_term`), which is much faster than parsing them.
    ``for_reading``: in rdflib's ``SimpleMemory`` store, faster to fill and to read but without
    named graphs (pyshacl needs them: not for SHACL)."""
    if for_reading:
        from rdflib.plugins.stores.memory import SimpleMemory

        g = Graph(store=SimpleMemory())
    else:
        g = Graph()
    bind_prefixes(g)
    term = rdf_term
    g.addN((term(s), term(p), term(o), g) for s, p, o in triples)
    return g


def emit(res: Resolution) -> Dataset:
    """The whole graph as an rdflib ``Dataset`` (one named graph per article, plus the entities graph).

    For small graphs and tests; builds stream :func:`emit_graphs` to disk instead.
    """
    import io

    buf = io.StringIO()
    write_nquads(emit_graphs(res), buf)
    ds = Dataset()
    bind_prefixes(ds)
    ds.parse(data=buf.getvalue(), format="nquads")
    return ds


def union_graph(ds: Dataset) -> Graph:
    """All triples of all named graphs in one graph (what ``graph.ttl`` holds)."""
    g = Graph()
    bind_prefixes(g)
    for s, p, o, _ctx in ds.quads((None, None, None, None)):
        g.add((s, p, o))
    return g
