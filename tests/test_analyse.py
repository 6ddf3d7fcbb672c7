"""Tests of kg.analyse on a small hand-built, contract-shaped graph."""

import networkx as nx
import pytest
from conftest import A1, A2, ALEPPO, ARMY, E1, E2, E3, E4, EVIL, ISIS, OSDH, PALMYRA, SYRIA, make_graph
from rdflib import Graph, Literal

from kg import analyse
from kg.namespace import CKG, CKGR, RDF, SKOS


def test_analyse_most_specific_class_prefers_deepest_type(graph):
    assert analyse.most_specific_class(graph, E1) == "Airstrike"
    assert analyse.event_family(graph, E1) == "RemoteViolence"
    assert analyse.event_family(graph, E3) == "Battle"
    assert analyse.most_specific_class(graph, ALEPPO) == "City"


def test_analyse_actor_network_edges_and_attributes(graph):
    net = analyse.actor_network(graph)
    assert isinstance(net, nx.MultiDiGraph)
    assert sorted(net) == sorted(map(str, (ARMY, ISIS, OSDH)))
    assert net.nodes[str(ARMY)] == {"label": "Armée syrienne", "cls": "StateForce", "kind": "actor"}
    assert net.nodes[str(OSDH)]["cls"] == "Organization"
    edges = sorted((u, v, k) for u, v, k in net.edges(keys=True))
    assert edges == sorted(
        [
            (str(ARMY), str(ISIS), str(E1)),
            (str(ARMY), str(ISIS), str(E2)),
            (str(ISIS), str(ARMY), str(E3)),
        ]
    )
    e1 = net.edges[str(ARMY), str(ISIS), str(E1)]
    assert e1 == {
        "event": str(E1),
        "type": "Airstrike",
        "family": "RemoteViolence",
        "date": "2016-02-03",
        "place": "Alep",
    }
    assert net.edges[str(ARMY), str(ISIS), str(E2)]["date"] == "2016-03"


def test_analyse_actor_network_skips_events_without_target(graph):
    net = analyse.actor_network(graph)
    assert str(E4) not in {k for _, _, k in net.edges(keys=True)}


def test_analyse_actor_network_date_none_when_absent(graph):
    graph.remove((E2, CKG.date, None))
    net = analyse.actor_network(graph)
    assert net.edges[str(ARMY), str(ISIS), str(E2)]["date"] is None


def test_analyse_interactions_weights(graph):
    net = analyse.actor_interactions(graph)
    assert isinstance(net, nx.DiGraph)
    assert net.number_of_edges() == 2
    forward = net.edges[str(ARMY), str(ISIS)]
    assert forward["weight"] == 2
    assert forward["types"] == ["Airstrike", "ArmedClash"]
    assert forward["events"] == [str(E1), str(E2)]
    assert net.edges[str(ISIS), str(ARMY)]["weight"] == 1
    assert net.nodes[str(ISIS)]["label"] == "État islamique"


def test_analyse_actor_place_weights(graph):
    net = analyse.actor_place_network(graph)
    weights = {
        (net.nodes[u]["label"], net.nodes[v]["label"]): d["weight"] for u, v, d in net.edges(data=True)
    }
    weights = {tuple(sorted(k)): w for k, w in weights.items()}
    assert weights == {
        ("Alep", "Armée syrienne"): 1,
        ("Armée syrienne", "Palmyre"): 2,
        ("Alep", "État islamique"): 2,
        ("Palmyre", "État islamique"): 2,
    }
    assert net.nodes[str(OSDH)]["bipartite"] == 0
    assert net.nodes[str(SYRIA)]["bipartite"] == 1
    assert nx.is_bipartite(net)


def test_analyse_place_cooccurrence_counts_articles(graph):
    net = analyse.place_cooccurrence(graph)
    weights = {
        tuple(sorted((net.nodes[u]["label"], net.nodes[v]["label"]))): d["weight"]
        for u, v, d in net.edges(data=True)
    }
    assert weights == {("Alep", "Palmyre"): 1, ("Alep", "Syrie"): 1, ("Palmyre", "Syrie"): 2}
    assert net.edges[str(PALMYRA), str(SYRIA)]["articles"] == [str(A1), str(A2)]


def test_analyse_knowledge_network_nodes_and_edges(graph):
    net = analyse.knowledge_network(graph)
    kinds = sorted(d["kind"] for _, d in net.nodes(data=True))
    assert kinds == ["actor"] * 3 + ["event"] * 4 + ["place"] * 3
    assert str(A1) not in net and "CasualtyCount" not in {d["cls"] for _, d in net.nodes(data=True)}
    roles = sorted(k for _, _, k in net.edges(keys=True))
    assert roles.count("agent") == 4 and roles.count("target") == 3
    assert roles.count("reportedBy") == 4 and roles.count("place") == 4
    assert roles.count("locatedIn") == 2
    assert net.has_edge(str(ALEPPO), str(SYRIA), key="locatedIn")
    e1 = net.nodes[str(E1)]
    assert e1["cls"] == "Airstrike" and e1["family"] == "RemoteViolence"
    assert e1["date"] == "2016-02-03" and e1["place"] == "Alep"
    assert e1["agents"] == ["Armée syrienne"] and e1["sources"] == ["OSDH"]
    assert e1["evidence"] == EVIL
    assert e1["confidence"] == pytest.approx(0.8)
    assert e1["fatalities"] == "au moins 12 civils"


def test_analyse_knowledge_network_affiliation(graph):
    person = CKGR["actor/abou-bakr-al-baghdadi"]
    graph.add((person, RDF.type, CKG.Person))
    graph.add((person, SKOS.prefLabel, Literal("Abou Bakr al-Baghdadi", lang="fr")))
    graph.add((person, CKG.affiliatedWith, ISIS))
    net = analyse.knowledge_network(graph)
    assert net.has_edge(str(person), str(ISIS), key="affiliatedWith")
    assert net.nodes[str(person)]["cls"] == "Person"


def test_analyse_summary_counts(graph):
    s = analyse.summary(graph)
    assert (s["actors"], s["places"], s["events"], s["articles"]) == (3, 3, 4, 2)
    assert s["actor_classes"] == {"JihadistGroup": 1, "Organization": 1, "StateForce": 1}
    assert s["place_classes"] == {"City": 2, "Country": 1}
    assert s["event_families"] == {"Battle": 2, "RemoteViolence": 2}
    assert s["event_types"] == {
        "Airstrike": 1,
        "ArmedClash": 1,
        "Shelling": 1,
        "TerritoryCapture": 1,
    }
    assert (s["nodes"], s["edges"]) == (10, 17)
    assert s["connected_components"] == 1 and s["largest_component"] == 10
    assert s["interactions"] == 2
    assert 0 < s["density"] < 1
    assert s["triples"] == len(graph)


def test_analyse_summary_empty_graph():
    s = analyse.summary(Graph())
    assert (s["nodes"], s["edges"], s["connected_components"], s["density"]) == (0, 0, 0, 0)


@pytest.mark.parametrize(
    ("by", "expected"),
    [
        ("degree", [("Armée syrienne", 3.0), ("État islamique", 3.0), ("OSDH", 0.0)]),
        ("betweenness", [("Armée syrienne", 0.0), ("OSDH", 0.0), ("État islamique", 0.0)]),
    ],
)
def test_analyse_top_actors_order(graph, by, expected):
    assert analyse.top_actors(graph, by=by) == expected


def test_analyse_top_actors_pagerank_and_limit(graph):
    # a fourth actor only ever targeted by the army ranks below the two fighters
    hama = CKGR["event/00000000000000ff"]
    rebels = CKGR["actor/rebels"]
    graph.add((rebels, RDF.type, CKG.RebelGroup))
    graph.add((rebels, SKOS.prefLabel, Literal("rebelles", lang="fr")))
    graph.add((hama, RDF.type, CKG.Shelling))
    graph.add((hama, CKG.agent, ARMY))
    graph.add((hama, CKG.target, rebels))
    ranked = analyse.top_actors(graph, by="pagerank", n=2)
    assert len(ranked) == 2
    assert {label for label, _ in ranked} <= {"Armée syrienne", "État islamique", "rebelles"}
    scores = dict(analyse.top_actors(graph, by="pagerank"))
    assert sum(scores.values()) == pytest.approx(1.0)
    assert scores["OSDH"] == min(scores.values())
    assert analyse.top_actors(graph, by="degree", n=1) == [("Armée syrienne", 4.0)]
    assert analyse.top_actors(graph, by="betweenness", n=1) == [("Armée syrienne", pytest.approx(1 / 3))]


def test_analyse_top_actors_rejects_unknown_measure(graph):
    with pytest.raises(ValueError, match="closeness"):
        analyse.top_actors(graph, by="closeness")


def test_analyse_projections_are_deterministic(graph):
    first = analyse.actor_network(graph)
    again = analyse.actor_network(make_graph())
    assert list(first.edges(keys=True, data=True)) == list(again.edges(keys=True, data=True))
