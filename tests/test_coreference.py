"""One node per real thing (issue #4): spellings on the seeds through SPARQL, event coreference."""

from __future__ import annotations

import pytest
from helpers import seed_build
from rdflib import Graph

from kg.ingest import article_from_text
from kg.namespace import CKG
from kg.pipeline import extract_articles
from kg.rdf.emit import emit, union_graph
from kg.resolve import resolve

pytestmark = pytest.mark.model

PREFIXES = """PREFIX ckg: <https://w3id.org/conflict-kg/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX nif: <http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#>
"""
NODES_NAMED = PREFIXES + """SELECT DISTINCT ?node WHERE {
  ?node ckg:denotedBy ?m . ?m nif:anchorOf ?anchor . FILTER(STR(?anchor) IN (?a, ?b)) }"""


@pytest.fixture(scope="module")
def seeds() -> Graph:
    return Graph().parse(seed_build() / "graph.ttl")


@pytest.mark.parametrize(("a", "b"), [
    ("Qousseir", "Qoussair"),
    ("OSDH", "Observatoire syrien des droits de l'Homme"),
    ("Bachar al-Assad", "Bachar El Assad"),
])
def test_coreference_spellings_in_the_seeds_are_one_node(seeds, a, b):
    from rdflib import Literal

    rows = list(seeds.query(NODES_NAMED, initBindings={"a": Literal(a), "b": Literal(b)}))
    assert len(rows) == 1, rows


def test_coreference_every_seed_city_has_geonames_and_coordinates(seeds):
    q = PREFIXES + """PREFIX geo: <http://www.w3.org/2003/01/geo/wgs84_pos#>
    SELECT ?city WHERE { ?city a ckg:City . FILTER NOT EXISTS { ?city ckg:geonamesId ?g ; geo:lat ?la ; geo:long ?lo } }"""
    missing = [str(r.city) for r in seeds.query(q)]
    # towns GeoNames does not list (al-Atifiyeh) are the only ones allowed to lack an id
    assert all(m.endswith("al-atifiyeh") for m in missing), missing


def test_coreference_every_place_reaches_a_country(seeds):
    q = PREFIXES + """SELECT ?p WHERE { ?p a ?c . FILTER(?c IN (ckg:City, ckg:Region, ckg:Neighbourhood, ckg:Site))
      FILTER NOT EXISTS { ?p ckg:locatedIn+ ?country . ?country a ckg:Country } }"""
    assert list(seeds.query(q)) == []


def test_coreference_events_in_homs_include_its_districts(seeds):
    q = PREFIXES + """SELECT DISTINCT ?place WHERE { ?homs skos:prefLabel "Homs"@fr ; a ckg:City .
      ?e ckg:place ?p . ?p ckg:locatedIn+ ?homs ; skos:prefLabel ?place }"""
    places = {str(r.place) for r in seeds.query(q)}
    assert "Khaldiyé" in places


def _graph(*texts: tuple[str, str]) -> Graph:
    arts = [article_from_text(aid, text) for aid, text in texts]
    return union_graph(emit(resolve(extract_articles(arts, progress=None))))


def test_coreference_same_capture_told_twice_is_one_event_with_both_sources():
    g = _graph(("a1", " date 2024-12-07 Les rebelles ont pris samedi la ville de Homs, selon l'OSDH."),
               ("a2", " date 2024-12-08 Les rebelles se sont emparés de Homs samedi, a annoncé la télévision d'Etat."))
    events = set(g.subjects(None, CKG.TerritoryCapture))
    assert len(events) == 1
    ev = events.pop()
    assert len(set(g.objects(ev, CKG.mentionedIn))) == 2
    sources = {str(s).rsplit("/", 1)[-1] for s in g.objects(ev, CKG.reportedBy)}
    assert {"osdh", "syrian-state-tv"} <= sources


def test_coreference_different_times_or_no_shared_actor_stay_apart():
    g = _graph(("b1", " date 2016-12-22 Les forces du régime ont repris Alep, selon l'OSDH."),
               ("b2", " date 2012-07-25 Les forces du régime ont repris Alep, selon l'OSDH."),
               ("b3", " date 2016-12-22 Les rebelles ont pris Alep, selon l'OSDH."))
    assert len(set(g.subjects(None, CKG.TerritoryCapture))) == 3
