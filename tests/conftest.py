"""Shared test graphs: a small hand-built one and a large synthetic one, both contract-shaped."""

from decimal import Decimal

import pytest
from rdflib import Graph, Literal

from kg.namespace import CKG, CKGR, DCTERMS, NIF, RDF, SKOS

ARMY, ISIS, OSDH = CKGR["actor/syrian-army"], CKGR["actor/isis"], CKGR["actor/osdh"]
SYRIA, ALEPPO, PALMYRA = CKGR["place/syria"], CKGR["place/aleppo"], CKGR["place/palmyra"]
A1, A2 = CKGR["article/a1"], CKGR["article/a2"]
E1, E2, E3, E4 = (CKGR[f"event/{i:016x}"] for i in range(1, 5))
EVIL = 'Raid <script>alert(1)</script> sur "quotes" à Alep.'


def make_graph() -> Graph:
    """3 actors, 3 places (locatedIn), 2 articles, 4 events, one CasualtyCount.

    e1 Airstrike   army -> isis  Alep     2016-02-03  (at least 12 civilians)
    e2 ArmedClash  army -> isis  Palmyre  2016-03
    e3 TerritoryCapture isis -> army Palmyre 2016-03-27
    e4 Shelling    isis (no target) Alep  2016
    """
    from rdflib.namespace import XSD  # local: pytest's collection trips XSD's warnings

    g = Graph()
    for iri, cls, label in (
        (ARMY, CKG.StateForce, "Armée syrienne"),
        (ISIS, CKG.JihadistGroup, "État islamique"),
        (OSDH, CKG.Organization, "OSDH"),
        (SYRIA, CKG.Country, "Syrie"),
        (ALEPPO, CKG.City, "Alep"),
        (PALMYRA, CKG.City, "Palmyre"),
    ):
        g.add((iri, RDF.type, cls))
        g.add((iri, SKOS.prefLabel, Literal(label, lang="fr")))
    g.add((ISIS, SKOS.altLabel, Literal("Daech", lang="fr")))
    g.add((ALEPPO, CKG.locatedIn, SYRIA))
    g.add((PALMYRA, CKG.locatedIn, SYRIA))
    for article, ident in ((A1, "a1"), (A2, "a2")):
        g.add((article, RDF.type, CKG.Article))
        g.add((article, DCTERMS.identifier, Literal(ident)))
    # places mentioned in a1 (shortcut) and a2 (Palmyre only through a NIF mention)
    for place in (SYRIA, ALEPPO, PALMYRA):
        g.add((place, CKG.mentionedIn, A1))
    g.add((SYRIA, CKG.mentionedIn, A2))
    mention = CKGR["article/a2#char=0,7"]
    g.add((PALMYRA, CKG.denotedBy, mention))
    g.add((mention, RDF.type, NIF.Phrase))
    g.add((mention, NIF.referenceContext, A2))
    g.add((mention, NIF.anchorOf, Literal("Palmyre")))

    events = (
        (E1, CKG.Airstrike, [ARMY], [ISIS], ALEPPO, Literal("2016-02-03", datatype=XSD.date)),
        (E2, CKG.ArmedClash, [ARMY], [ISIS], PALMYRA, Literal("2016-03", datatype=XSD.gYearMonth)),
        (
            E3,
            CKG.TerritoryCapture,
            [ISIS],
            [ARMY],
            PALMYRA,
            Literal("2016-03-27", datatype=XSD.date),
        ),
        (E4, CKG.Shelling, [ISIS], [], ALEPPO, Literal("2016", datatype=XSD.gYear)),
    )
    for event, cls, agents, targets, place, date in events:
        g.add((event, RDF.type, cls))
        for agent in agents:
            g.add((event, CKG.agent, agent))
        for target in targets:
            g.add((event, CKG.target, target))
        g.add((event, CKG.place, place))
        g.add((event, CKG.date, date))
        g.add((event, CKG.reportedBy, OSDH))
        g.add((event, CKG.evidence, Literal(f"Phrase de {event.rsplit('/', 1)[-1]}.", lang="fr")))
        g.add((event, CKG.confidence, Literal(Decimal("0.8"), datatype=XSD.decimal)))
        g.add((event, CKG.mentionedIn, A2 if event == E3 else A1))
    # e1 also carries its supertypes, and the hostile evidence sentence
    g.add((E1, RDF.type, CKG.Event))
    g.add((E1, RDF.type, CKG.RemoteViolence))
    g.set((E1, CKG.evidence, Literal(EVIL, lang="fr")))
    toll = CKGR["event/0000000000000001/fatalities"]
    g.add((E1, CKG.fatalities, toll))
    g.add((toll, RDF.type, CKG.CasualtyCount))
    g.add((toll, CKG.count, Literal(12, datatype=XSD.integer)))
    g.add((toll, CKG.countQualifier, CKG.AtLeast))
    g.add((toll, CKG.casualtyGroup, CKG.Civilians))
    return g


def make_big_graph(n_nodes: int = 5000, seed: int = 7) -> Graph:
    """A synthetic graph whose knowledge network has exactly ``n_nodes`` nodes.

    About 4 % actors, 6 % places (cities in 10 regions in one country), the rest
    events with an agent, usually a target, a place, a date, a source and evidence.
    """
    import random

    from rdflib.namespace import XSD

    rng = random.Random(seed)
    g = Graph()
    n_actors = max(2, n_nodes * 4 // 100)
    n_places = max(12, n_nodes * 6 // 100)
    n_events = n_nodes - n_actors - n_places
    actor_classes = (CKG.StateForce, CKG.RebelGroup, CKG.JihadistGroup, CKG.Militia, CKG.ForeignState)
    event_types = (
        CKG.Airstrike,
        CKG.Shelling,
        CKG.ArmedClash,
        CKG.TerritoryCapture,
        CKG.Siege,
        CKG.Abduction,
    )
    actor_iris = [CKGR[f"actor/a{i:04d}"] for i in range(n_actors)]
    for i, iri in enumerate(actor_iris):
        g.add((iri, RDF.type, actor_classes[i % len(actor_classes)]))
        g.add((iri, SKOS.prefLabel, Literal(f"Acteur {i}", lang="fr")))
    country = CKGR["place/p0000"]
    g.add((country, RDF.type, CKG.Country))
    g.add((country, SKOS.prefLabel, Literal("Pays", lang="fr")))
    place_iris = [country]
    for i in range(1, n_places):
        iri = CKGR[f"place/p{i:04d}"]
        place_iris.append(iri)
        region = i <= 10
        g.add((iri, RDF.type, CKG.Region if region else CKG.City))
        g.add((iri, SKOS.prefLabel, Literal(f"{'Région' if region else 'Ville'} {i}", lang="fr")))
        g.add((iri, CKG.locatedIn, country if region else place_iris[1 + i % 10]))
    for i in range(n_events):
        event = CKGR[f"event/{i:016x}"]
        g.add((event, RDF.type, event_types[i % len(event_types)]))
        agent, target = rng.sample(actor_iris, 2)
        g.add((event, CKG.agent, agent))
        if i % 3:
            g.add((event, CKG.target, target))
        g.add((event, CKG.place, rng.choice(place_iris[11:])))
        g.add((event, CKG.reportedBy, actor_iris[i % 3]))
        day = f"2016-{1 + i % 12:02d}-{1 + i % 28:02d}"
        g.add((event, CKG.date, Literal(day, datatype=XSD.date)))
        g.add((event, CKG.evidence, Literal(f"Phrase {i} <b>x</b>.", lang="fr")))
    return g


@pytest.fixture
def graph() -> Graph:
    """The small hand-built graph of :func:`make_graph`, fresh for each test."""
    return make_graph()
