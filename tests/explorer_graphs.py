"""Graphs for the explorer's tests: mentions on the small graph, and a large synthetic one.

:func:`make_event_graph` makes a contract-shaped graph of N events over the real actors and
places of the gazetteers (``kg/data/*.jsonl``: labels, aliases as ``skos:altLabel``,
``locatedIn`` chains, coordinates), with dates at every precision, sources, tolls, evidence
sentences and the NIF mention of each event's trigger word. The facts are random (seeded):
it exists to test the page at scale, not to say anything about the war.
"""

from __future__ import annotations

import json
import random
from decimal import Decimal

from conftest import A1, A2, E1, E2, E3, make_graph
from rdflib import Graph, Literal, URIRef

from kg.namespace import CKG, CKGR, DCTERMS, GEO, NIF, RDF, SKOS
from kg.view import view_network

DATA = __import__("pathlib").Path(__file__).resolve().parents[1] / "kg" / "data"
ISLAMIC_STATE = CKGR["actor/islamic-state"]

#: One trigger word per event type, as it appears in the synthetic sentence.
TRIGGERS = {
    "Airstrike": ("RemoteViolence", "raids aériens"),
    "Shelling": ("RemoteViolence", "bombardements"),
    "Bombing": ("RemoteViolence", "attentat"),
    "ArmedClash": ("Battle", "combats"),
    "Offensive": ("Battle", "offensive"),
    "TerritoryCapture": ("Battle", "prise"),
    "AttackOnCivilians": ("ViolenceAgainstCivilians", "massacre"),
    "Abduction": ("ViolenceAgainstCivilians", "enlèvement"),
    "Siege": ("StrategicDevelopment", "siège"),
    "Withdrawal": ("StrategicDevelopment", "retrait"),
    "Evacuation": ("StrategicDevelopment", "évacuation"),
    "CasualtyReport": ("CasualtyReport", "bilan"),
}


def _mention(g: Graph, node: URIRef, article: str, text: str, begin: int, end: int) -> None:
    from rdflib.namespace import XSD

    a = CKGR[f"article/{article}"]
    m = URIRef(f"{a}#char={begin},{end}")
    g.add((node, CKG.denotedBy, m))
    g.add((m, RDF.type, NIF.Phrase))
    g.add((m, NIF.beginIndex, Literal(begin, datatype=XSD.nonNegativeInteger)))
    g.add((m, NIF.endIndex, Literal(end, datatype=XSD.nonNegativeInteger)))
    g.add((m, NIF.anchorOf, Literal(text)))
    g.add((m, NIF.referenceContext, a))


def make_graph_with_mentions() -> Graph:
    """:func:`conftest.make_graph` plus trigger mentions of E1 (article a1) and E3 (a2), and
    E2 told by both articles."""
    g = make_graph()
    _mention(g, E1, "a1", "Raid", 120, 124)
    g.set((E3, CKG.evidence, Literal("L'EI a pris Palmyre dimanche.", lang="fr")))
    _mention(g, E3, "a2", "pris", 37, 41)
    g.add((E2, CKG.mentionedIn, A2))
    g.add((E2, CKG.mentionedIn, A1))
    return g


def _jsonl(name: str) -> list[dict]:
    return [json.loads(line) for line in (DATA / name).read_text(encoding="utf-8").splitlines() if line.strip()]


def make_event_graph(n_events: int = 5000, seed: int = 11) -> Graph:
    """A synthetic graph of ``n_events`` events over the gazetteers' actors and places."""
    from rdflib.namespace import XSD

    rng = random.Random(seed)
    g = Graph()
    actors = [a for a in _jsonl("actors.jsonl")]
    armed = [a for a in actors if a["class"] in ("StateForce", "RebelGroup", "JihadistGroup", "Militia", "ForeignState")]
    armed = [a for a in armed if a["id"] == "islamic-state"] + [a for a in armed if a["id"] != "islamic-state"][:39]
    sources = [a for a in actors if a["class"] in ("Organization", "MediaOutlet")][:8]
    places = {p["id"]: p for p in _jsonl("places.jsonl")}

    def in_syria(pid: str) -> bool:
        seen = set()
        while pid and pid not in seen:
            seen.add(pid)
            if pid == "syria":
                return True
            pid = places[pid]["in"]
        return False

    towns = [p for p in places.values() if p["class"] in ("City", "Neighbourhood", "Site") and in_syria(p["id"])]
    towns = sorted(towns, key=lambda p: p["id"])[:160]
    weights = [1.0 / (1 + i) ** 0.7 for i in range(len(towns))]  # a few places see most events
    used_places: set[str] = set()
    for p in towns:
        pid = p["id"]
        while pid and pid not in used_places:
            used_places.add(pid)
            pid = places[pid]["in"]
    for pid in sorted(used_places):
        p = places[pid]
        node = CKGR[f"place/{pid}"]
        g.add((node, RDF.type, CKG[p["class"]]))
        g.add((node, RDF.type, CKG.Place))
        g.add((node, SKOS.prefLabel, Literal(p["label"], lang="fr")))
        for alias in p["aliases"]:
            if alias != p["label"]:
                g.add((node, SKOS.altLabel, Literal(alias, lang="fr")))
        if p["in"]:
            g.add((node, CKG.locatedIn, CKGR[f"place/{p['in']}"]))
        if p["lat"] is not None:
            g.add((node, GEO.lat, Literal(Decimal(str(p["lat"])), datatype=XSD.decimal)))
            g.add((node, GEO.long, Literal(Decimal(str(p["long"])), datatype=XSD.decimal)))
    for a in armed + sources:
        node = CKGR[f"actor/{a['id']}"]
        g.add((node, RDF.type, CKG[a["class"]]))
        g.add((node, RDF.type, CKG.Actor))
        g.add((node, SKOS.prefLabel, Literal(a["label"], lang="fr")))
        for alias in a["aliases"]:
            if alias != a["label"]:
                g.add((node, SKOS.altLabel, Literal(alias, lang="fr")))
    types = sorted(TRIGGERS)
    for k in range(n_events):
        event = CKGR[f"event/{k:016x}"]
        cls = rng.choice(types)
        family, trigger = TRIGGERS[cls]
        g.add((event, RDF.type, CKG[cls]))
        g.add((event, RDF.type, CKG[family]))
        g.add((event, RDF.type, CKG.Event))
        agent, target = rng.sample(armed[:12], 2) if rng.random() < 0.7 else rng.sample(armed, 2)
        place = rng.choices(towns, weights=weights)[0]
        source = sources[k % len(sources)]
        g.add((event, CKG.agent, CKGR[f"actor/{agent['id']}"]))
        if k % 3:
            g.add((event, CKG.target, CKGR[f"actor/{target['id']}"]))
        g.add((event, CKG.place, CKGR[f"place/{place['id']}"]))
        g.add((event, CKG.reportedBy, CKGR[f"actor/{source['id']}"]))
        precision = rng.random()
        year, month, day = 2012 + (k * 7) % 8, 1 + rng.randrange(12), 1 + rng.randrange(28)
        if precision < 0.35:
            g.add((event, CKG.date, Literal(f"{year}-{month:02d}-{day:02d}", datatype=XSD.date)))
        elif precision < 0.8:
            g.add((event, CKG.date, Literal(f"{year}-{month:02d}", datatype=XSD.gYearMonth)))
        elif precision < 0.88:
            g.add((event, CKG.date, Literal(str(year), datatype=XSD.gYear)))
        sentence = f"Selon {source['label']}, des {trigger} de {agent['label']} ont visé {place['label']} ce jour-là."
        if cls in ("Offensive", "TerritoryCapture", "Bombing", "AttackOnCivilians", "Abduction", "Siege",
                   "Withdrawal", "Evacuation", "CasualtyReport"):
            sentence = f"Selon {source['label']}, {agent['label']} : {trigger} à {place['label']}."
        g.add((event, CKG.evidence, Literal(sentence, lang="fr")))
        article = f"synth-{k // 8:05d}"
        offset = 40 * (k % 8)
        begin = offset + sentence.index(trigger)
        _mention(g, event, article, trigger, begin, begin + len(trigger))
        g.add((event, CKG.mentionedIn, CKGR[f"article/{article}"]))
        g.add((event, CKG.confidence, Literal(Decimal("0.80"), datatype=XSD.decimal)))
        if cls == "CasualtyReport" or k % 5 == 0:
            toll = URIRef(f"{event}/toll/1")
            g.add((event, CKG.fatalities, toll))
            g.add((toll, RDF.type, CKG.CasualtyCount))
            g.add((toll, CKG.count, Literal(1 + k % 40, datatype=XSD.integer)))
            g.add((toll, CKG.countQualifier, CKG.AtLeast))
            g.add((toll, CKG.casualtyGroup, CKG.Civilians))
    for k in range(0, n_events, 8):
        article = CKGR[f"article/synth-{k // 8:05d}"]
        g.add((article, RDF.type, CKG.Article))
        g.add((article, DCTERMS.identifier, Literal(f"synth-{k // 8:05d}")))
    return g


def event_network(n_events: int = 5000, seed: int = 11):
    """:func:`kg.view.view_network` of :func:`make_event_graph`."""
    return view_network(make_event_graph(n_events, seed))


__all__ = ["A1", "A2", "ISLAMIC_STATE", "TRIGGERS", "make_graph_with_mentions", "make_event_graph", "event_network"]
