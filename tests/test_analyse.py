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


# --------------------------------------------------------------- network analyses


def test_analyse_projection_names(graph):
    assert isinstance(analyse.projection(graph, "interactions"), nx.DiGraph)
    assert nx.is_bipartite(analyse.projection(graph, "actor-place"))
    assert analyse.projection(graph, "cooccurrence").number_of_edges() == 3
    with pytest.raises(ValueError, match="interactions"):
        analyse.projection(graph, "bogus")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("etat islamique", ISIS),
        ("ÉTAT-ISLAMIQUE", ISIS),
        ("Daech", ISIS),  # skos:altLabel, with the rdflib graph given
        ("syrian-army", ARMY),
        (str(OSDH), OSDH),
    ],
)
def test_analyse_find_node_by_label_slug_alias_or_iri(graph, name, expected):
    net = analyse.actor_interactions(graph)
    assert analyse.find_node(net, name, graph) == str(expected)


def test_analyse_find_node_unknown(graph):
    with pytest.raises(analyse.NodeNotFound, match="nowhere"):
        analyse.find_node(analyse.actor_interactions(graph), "nowhere")


def test_analyse_network_stats(graph):
    stats = analyse.network_stats(analyse.actor_interactions(graph))
    assert stats == {
        "nodes": 3,
        "edges": 2,
        "weight": 3,
        "density": pytest.approx(2 / 6),
        "components": 2,
        "largest_component": 2,
        "isolates": 1,
        "mean_degree": pytest.approx(2 / 3),
    }


def test_analyse_top_nodes_on_any_projection(graph):
    ranked = analyse.top_nodes(analyse.projection(graph, "actor-place"), by="degree", n=2)
    assert ranked == [(str(PALMYRA), 4.0), (str(ISIS), 4.0)]  # ties by label: "Palmyre" < "État"
    ranked = analyse.top_nodes(analyse.projection(graph, "cooccurrence"), by="pagerank", n=3)
    assert [u for u, _ in ranked] == [str(PALMYRA), str(SYRIA), str(ALEPPO)]
    assert ranked[0][1] == pytest.approx(ranked[1][1])


def test_analyse_communities_sorted_by_size_then_label(graph):
    assert analyse.communities(graph) == [[str(ARMY), str(ISIS)], [str(OSDH)]]
    rebels = CKGR["actor/rebels"]
    graph.add((rebels, RDF.type, CKG.RebelGroup))
    graph.add((rebels, SKOS.prefLabel, Literal("Aaa rebelles", lang="fr")))
    found = analyse.communities(graph)
    assert found[0] == [str(ARMY), str(ISIS)]
    assert found[1:] == [[str(rebels)], [str(OSDH)]]  # singletons by label
    assert analyse.communities(graph) == found  # seeded: the same every run


def test_analyse_communities_two_clusters():
    net = nx.Graph()
    for u, v in [("a", "b"), ("b", "c"), ("a", "c"), ("x", "y"), ("y", "z"), ("x", "z"), ("c", "x")]:
        net.add_edge(u, v, weight=1)
    nx.set_node_attributes(net, {u: u.upper() for u in net}, "label")
    assert analyse.communities(net) == [["a", "b", "c"], ["x", "y", "z"]]
    assert analyse.communities(nx.Graph()) == []


def test_analyse_shortest_path_lists_events_per_hop(graph):
    result = analyse.shortest_path(graph, "armée syrienne", "Daech")
    assert result.nodes == (str(ARMY), str(ISIS))
    assert result.labels == ("Armée syrienne", "État islamique")
    (hop,) = result.hops
    assert [(e.event, e.type, e.date, e.place) for e in hop.events] == [
        (str(E1), "Airstrike", "2016-02-03", "Alep"),
        (str(E2), "ArmedClash", "2016-03", "Palmyre"),
        (str(E3), "TerritoryCapture", "2016-03-27", "Palmyre"),
    ]
    assert (hop.events[2].agent, hop.events[2].target) == (str(ISIS), str(ARMY))


def test_analyse_shortest_path_two_hops(graph):
    rebels, hama = CKGR["actor/rebels"], CKGR["event/00000000000000aa"]
    graph.add((rebels, RDF.type, CKG.RebelGroup))
    graph.add((rebels, SKOS.prefLabel, Literal("Rebelles", lang="fr")))
    graph.add((hama, RDF.type, CKG.Siege))
    graph.add((hama, CKG.agent, rebels))
    graph.add((hama, CKG.target, ARMY))
    result = analyse.shortest_path(graph, "rebelles", str(ISIS))
    assert result.labels == ("Rebelles", "Armée syrienne", "État islamique")
    assert [len(h.events) for h in result.hops] == [1, 3]
    assert result.hops[0].events[0].type == "Siege" and result.hops[0].events[0].date is None


def test_analyse_shortest_path_errors(graph):
    with pytest.raises(analyse.NoPath, match="OSDH"):
        analyse.shortest_path(graph, "OSDH", "Armée syrienne")
    with pytest.raises(analyse.NodeNotFound):
        analyse.shortest_path(graph, "Hezbollah", "Armée syrienne")


def test_analyse_ego(graph):
    assert sorted(analyse.ego(graph, "OSDH")) == [str(OSDH)]
    sub = analyse.ego(graph, "Alep", depth=1, projection_name="actor-place")
    assert sorted(sub) == sorted(map(str, (ALEPPO, ARMY, ISIS)))
    wide = analyse.ego(graph, "Alep", depth=2, projection_name="actor-place")
    assert str(PALMYRA) in wide and str(SYRIA) not in wide


@pytest.mark.parametrize("suffix", ["graphml", "gexf"])
@pytest.mark.parametrize("name", ["interactions", "actor-place", "cooccurrence"])
def test_analyse_export_rereads(graph, tmp_path, suffix, name):
    net = analyse.projection(graph, name)
    path = analyse.export_network(net, tmp_path / f"net.{suffix}")
    back = nx.read_graphml(path) if suffix == "graphml" else nx.read_gexf(path)
    assert sorted(back) == sorted(net)
    assert back.number_of_edges() == net.number_of_edges()
    assert back.nodes[str(ALEPPO) if name != "interactions" else str(ARMY)]["label"] in (
        "Alep",
        "Armée syrienne",
    )
    if name == "interactions":
        assert back.edges[str(ARMY), str(ISIS)]["types"] == "Airstrike; ArmedClash"
        assert back.edges[str(ARMY), str(ISIS)]["weight"] == 2


def test_analyse_export_knowledge_network_with_none_values(graph, tmp_path):
    net = analyse.knowledge_network(graph)  # None dates, list attributes, multi-edges
    back = nx.read_graphml(analyse.export_network(net, tmp_path / "k.graphml"))
    assert back.number_of_nodes() == 10 and back.number_of_edges() == 17
    assert back.nodes[str(E1)]["evidence"] == EVIL
    assert nx.read_gexf(analyse.export_network(net, tmp_path / "k.gexf")).number_of_nodes() == 10


def test_analyse_export_rejects_other_suffix(graph, tmp_path):
    with pytest.raises(ValueError, match="graphml"):
        analyse.export_network(nx.Graph(), tmp_path / "x.csv")


def test_analyse_add_measures_writes_pagerank_per_actor(graph):
    from rdflib.namespace import XSD

    before = len(graph)
    out = analyse.add_measures(graph)
    assert len(graph) == before  # the input is left alone
    ranks = {s: o for s, o in out.subject_objects(CKG.pageRank)}
    assert set(ranks) == {ARMY, ISIS, OSDH}
    assert all(o.datatype == XSD.decimal for o in ranks.values())
    assert sum(float(o) for o in ranks.values()) == pytest.approx(1.0, abs=1e-5)
    assert float(ranks[OSDH]) < float(ranks[ARMY])
    assert len(out) == before + 3
    again = analyse.add_measures(out)  # replaces, never duplicates
    assert len(again) == len(out)
    assert again.serialize(format="nt") == out.serialize(format="nt") or set(again) == set(out)


def test_analyse_cli_network(graph, tmp_path):
    from typer.testing import CliRunner

    from kg.cli import app

    source = tmp_path / "graph.ttl"
    graph.serialize(destination=str(source), format="turtle")
    runner = CliRunner()
    done = runner.invoke(app, ["network", "-g", str(source), "--communities", "--path", "OSDH", "Daech"])
    assert done.exit_code == 1 and "no chain" in done.output
    done = runner.invoke(
        app,
        [
            "network",
            "-g",
            str(source),
            "--communities",
            "--path",
            "armee syrienne",
            "Daech",
            "--top",
            "2",
            "--by",
            "pagerank",
            "--ego",
            "Alep",
            "--projection",
            "actor-place",
            "--export",
            str(tmp_path / "e.gexf"),
        ],
    )
    assert done.exit_code == 0, done.output
    assert "path (1 hops): Armée syrienne -> État islamique" in done.output
    assert "Airstrike 2016-02-03 at Alep" in done.output
    assert "4 communities (actor-place, louvain, seed 42)" in done.output
    assert "1 (2): Alep, État islamique" in done.output and "2 (2): Armée syrienne, Palmyre" in done.output
    assert "ego network of 'Alep', depth 1: 3 nodes, 2 edges" in done.output
    assert (tmp_path / "e.gexf").is_file()
    done = runner.invoke(app, ["network", "stats", "-g", str(source), "--write-back"])
    assert done.exit_code == 0, done.output
    assert "events: 4" in done.output and "isolates: 1" in done.output
    measured = Graph().parse(tmp_path / "graph.measures.ttl")
    assert len(set(measured.subjects(CKG.pageRank, None))) == 3
