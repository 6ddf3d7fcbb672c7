"""Tests of kg.view: the explorer page is offline, escaped, deterministic and carries the data
its panels need; the filters of ``kg view``. The page's behaviour in a browser is tested in
tests/test_browser.py."""

import itertools
import json
import math
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import (
    ALEPPO,
    ARMY,
    E1,
    E2,
    E3,
    E4,
    EVIL,
    ISIS,
    OSDH,
    PALMYRA,
    SYRIA,
    make_big_graph,
    make_graph,
)
from explorer_graphs import make_graph_with_mentions
from rdflib import Graph, Literal

from kg import view
from kg.analyse import knowledge_network
from kg.exports import plot
from kg.namespace import CKG, NIF, RDF, SKOS
from kg.view import layout

EXTERNAL = re.compile(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", re.IGNORECASE)


class _Scripts(HTMLParser):
    """Collects every ``<script>`` element (attributes and text), as a browser splits them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.scripts: list[tuple[dict, str]] = []
        self._inside = False

    def handle_starttag(self, tag, attrs):
        if tag == "script":
            self._inside = True
            self.scripts.append((dict(attrs), ""))

    def handle_endtag(self, tag):
        if tag == "script":
            self._inside = False

    def handle_data(self, data):
        if self._inside:
            attrs, text = self.scripts[-1]
            self.scripts[-1] = (attrs, text + data)


def _scripts(page: str) -> list[tuple[dict, str]]:
    parser = _Scripts()
    parser.feed(page)
    parser.close()
    return parser.scripts


def page_data(page: str) -> dict:
    """The explorer's data, as the page's script reads it (JSON.parse of #kg-data)."""
    found = [text for attrs, text in _scripts(page) if attrs.get("id") == "kg-data"]
    assert len(found) == 1, "one #kg-data script"
    return json.loads(found[0])


def _event(data: dict, iri) -> dict:
    return next(e for e in data["events"] if e["id"] == str(iri))


def _entity(data: dict, iri) -> dict:
    return next(e for e in data["entities"] if e["id"] == str(iri))


@pytest.fixture
def page_path(tmp_path: Path) -> Path:
    return view.write_html(make_graph_with_mentions(), tmp_path / "out" / "graph.html", title="Syrie <test>")


# ---------------------------------------------------------------------------- the page


def test_view_writes_file(page_path):
    assert page_path.is_file()
    assert page_path.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_view_has_no_external_references(page_path):
    page = page_path.read_text(encoding="utf-8")
    assert not EXTERNAL.findall(page)
    assert view.external_references(page) == []
    assert "bootstrap" not in page and "cdnjs" not in page and "jsdelivr" not in page


def test_view_inlines_vis_network_and_the_assets(page_path):
    page = page_path.read_text(encoding="utf-8")
    assert "<script src=" not in page and "<link" not in page
    scripts = [text for attrs, text in _scripts(page)]
    assert sum("@version 9.1.2" in js for js in scripts) == 1  # vis-network, from the pyvis package
    main = [js for js in scripts if "new vis.Network(container, data, options)" in js]
    assert len(main) == 1
    assert sum((view.ASSETS / "explorer.js").read_text(encoding="utf-8") in js for js in scripts) == 1
    assert (view.ASSETS / "explorer.css").read_text(encoding="utf-8") in page
    assert "sourceMappingURL" not in page


@pytest.mark.parametrize("name", ["explorer.js", "explorer.css"])
def test_view_assets_cannot_close_their_element(name):
    text = (view.ASSETS / name).read_text(encoding="utf-8").lower()
    assert "</script" not in text and "</style" not in text and "<!--" not in text


@pytest.mark.skipif(shutil.which("node") is None, reason="node not installed")
def test_view_scripts_parse_as_javascript(page_path, tmp_path):
    for index, (attrs, js) in enumerate(_scripts(page_path.read_text(encoding="utf-8"))):
        if attrs.get("type") == "application/json":
            continue
        source = tmp_path / f"script{index}.js"
        source.write_text(js, encoding="utf-8")
        done = subprocess.run(["node", "--check", str(source)], capture_output=True, text=True)
        assert done.returncode == 0, done.stderr


def test_view_writes_nothing_else(page_path, tmp_path, monkeypatch):
    assert sorted(p.name for p in page_path.parent.iterdir()) == ["graph.html"]
    monkeypatch.chdir(tmp_path)
    view.write_html(Graph(), tmp_path / "empty.html")
    assert not (tmp_path / "lib").exists()


def test_view_data_entities_and_events(page_path):
    data = page_data(page_path.read_text(encoding="utf-8"))
    assert data["title"] == "Syrie <test>"
    assert [e["kind"] for e in data["entities"]] == ["actor"] * 3 + ["place"] * 3  # actors first
    assert [e["id"] for e in data["events"]] == sorted(map(str, (E1, E2, E3, E4)))
    entities = data["entities"]
    e1 = _event(data, E1)
    assert e1["cls"] == "Airstrike" and e1["fam"] == "RemoteViolence" and e1["date"] == "2016-02-03"
    assert entities[e1["place"]]["label"] == "Alep"
    assert [entities[i]["label"] for i in e1["agents"]] == ["Armée syrienne"]
    assert [entities[i]["label"] for i in e1["targets"]] == ["État islamique"]
    assert [entities[i]["label"] for i in e1["sources"]] == ["OSDH"]
    assert e1["tolls"] == "au moins 12 civils" and e1["conf"] == 0.8
    aleppo = _entity(data, ALEPPO)
    assert [entities[i]["id"] for i in aleppo["in"]] == [str(SYRIA)]
    assert _entity(data, ISIS)["aliases"] == ["Daech"]
    assert "x" in aleppo and "y" in e1  # a precomputed layout for every node


def test_view_data_evidence_mentions_and_articles(page_path):
    data = page_data(page_path.read_text(encoding="utf-8"))
    e1, e2, e3 = (_event(data, e) for e in (E1, E2, E3))
    assert e1["sentences"] == [EVIL]
    assert e1["mentions"] == [["a1", 120, 124, "Raid"]]
    assert e1["articles"] == ["a1"]
    assert e3["mentions"] == [["a2", 37, 41, "pris"]] and e3["sentences"] == ["L'EI a pris Palmyre dimanche."]
    assert e2["articles"] == ["a1", "a2"] and "mentions" not in e2  # empty lists are left out


def test_view_network_reads_aliases_coordinates_and_denials():
    from decimal import Decimal

    from rdflib.namespace import XSD

    from kg.namespace import GEO

    g = make_graph()
    g.add((ALEPPO, GEO.lat, Literal(Decimal("36.20124"), datatype=XSD.decimal)))
    g.add((ALEPPO, GEO.long, Literal(Decimal("37.16117"), datatype=XSD.decimal)))
    g.add((ISIS, SKOS.altLabel, Literal("État islamique", lang="fr")))  # the label itself is no alias
    g.add((E2, CKG.disputedBy, ARMY))
    net = view.view_network(g)
    assert (net.nodes[str(ALEPPO)]["lat"], net.nodes[str(ALEPPO)]["long"]) == (36.20124, 37.16117)
    assert net.nodes[str(PALMYRA)]["lat"] is None
    assert net.nodes[str(ISIS)]["aliases"] == ["Daech"]
    assert net.nodes[str(E2)]["disputed"] == ["Armée syrienne"]
    assert net.nodes[str(E1)]["mentions"] == [] and net.nodes[str(E1)]["articles"] == ["a1"]


def test_view_escapes_text(tmp_path):
    g = make_graph_with_mentions()
    g.add((ISIS, SKOS.altLabel, Literal("</script><script>alert(2)</script>", lang="fr")))
    page = view.write_html(g, tmp_path / "x.html", title="Syrie <test> </script>").read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in page and "<script>alert(2)" not in page
    assert len(_scripts(page)) == 4  # vis-network, data, network, explorer: none closed early
    assert "<test>" not in page and "Syrie &lt;test&gt;" in page
    data = page_data(page)
    assert _event(data, E1)["sentences"] == [EVIL]  # intact once parsed
    assert "</script><script>alert(2)</script>" in _entity(data, ISIS)["aliases"]
    assert data["title"] == "Syrie <test> </script>"


def test_view_script_writes_text_not_html():
    js = (view.ASSETS / "explorer.js").read_text(encoding="utf-8")
    assert "innerHTML" not in js and "insertAdjacentHTML" not in js and "document.write" not in js


def test_view_styles_are_one_table(page_path):
    data = page_data(page_path.read_text(encoding="utf-8"))
    assert data["styles"] == {k: {"kind": s.kind, "colour": s.colour, "shape": s.shape} for k, s in view.STYLES.items()}
    assert view.PALETTE == {k: s.colour for k, s in view.STYLES.items()}
    for e in data["entities"]:
        assert view.STYLES[e["style"]].kind == e["kind"]
    assert {e["style"] for e in data["entities"]} == {"StateForce", "JihadistGroup", "Organization", "City", "Country"}
    assert {e["fam"] for e in data["events"]} == {"RemoteViolence", "Battle"}


def test_view_shapes_tell_kinds_and_extent():
    by_kind = {kind: {s.shape for s in view.STYLES.values() if s.kind == kind} for kind in ("actor", "place", "event")}
    assert by_kind["actor"] == {"dot"} and by_kind["event"] == {"diamond"}
    assert by_kind["place"].isdisjoint(by_kind["actor"] | by_kind["event"])
    assert view.SHAPES["Country"] == view.SHAPES["Region"] == "square"
    assert view.SHAPES["City"] == "triangle" and view.GROUP_SHAPE not in by_kind["actor"] | by_kind["event"]


def _lab(colour: str) -> tuple[float, float, float]:
    """sRGB hex → CIELAB (D65)."""

    def linear(c: float) -> float:
        return ((c + 0.055) / 1.055) ** 2.4 if c > 0.04045 else c / 12.92

    r, g, b = (linear(int(colour[i : i + 2], 16) / 255) for i in (1, 3, 5))
    x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116

    return 116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))


def test_view_colours_are_distinct():
    """Any two classes of one kind differ by ΔE*76 ≥ 20, any two at all by ≥ 14 (the old palette
    had StrategicDevelopment/RebelGroup at ~3 and CasualtyReport/MediaOutlet at ~10)."""
    styles = view.STYLES.items()
    for (a, sa), (b, sb) in itertools.combinations(styles, 2):
        distance = math.dist(_lab(sa.colour), _lab(sb.colour))
        assert distance >= (20 if sa.kind == sb.kind else 14), (a, b, round(distance, 1))


def test_view_is_byte_identical_when_written_twice(tmp_path):
    first = view.write_html(make_graph_with_mentions(), tmp_path / "a.html").read_bytes()
    second = view.write_html(make_graph_with_mentions(), tmp_path / "b.html").read_bytes()
    assert first == second


def test_view_overwrites_atomically(tmp_path):
    target = tmp_path / "graph.html"
    target.write_text("old", encoding="utf-8")
    view.write_html(make_graph(), target)
    assert target.read_text(encoding="utf-8") != "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["graph.html"]


def test_view_empty_graph(tmp_path):
    page = view.write_html(Graph(), tmp_path / "empty.html").read_text(encoding="utf-8")
    data = page_data(page)
    assert data["entities"] == [] and data["events"] == []
    assert not EXTERNAL.findall(page)


def test_view_note_is_shown_escaped(tmp_path):
    page = view.render_html(make_graph(), note="holds <5> of 9 events")
    assert "holds &lt;5&gt; of 9 events" in page and page_data(page)["note"] == "holds <5> of 9 events"


def test_view_outline_ships_syria_and_neighbours():
    outline = view.explorer_data(knowledge_network(Graph()))["outline"]
    west, south, east, north = outline["bbox"]
    names = {c["name"] for c in outline["countries"]}
    assert {"Syrie", "Turquie", "Irak", "Jordanie", "Liban", "Israël"} <= names
    for country in outline["countries"]:
        for ring in country["rings"]:
            assert len(ring) >= 3
            assert all(west <= lon <= east and south <= lat <= north for lon, lat in ring)
    syria = next(c for c in outline["countries"] if c["iso"] == "760")
    lons = [p[0] for r in syria["rings"] for p in r]
    lats = [p[1] for r in syria["rings"] for p in r]
    # Syria spans about 35.7-42.4 E, 32.3-37.3 N
    assert 35.5 < min(lons) < 36.0 and 42.2 < max(lons) < 42.6 and 32.2 < min(lats) < 32.5 and 37.2 < max(lats) < 37.5
    assert "Natural Earth" in outline["source"]


# --------------------------------------------------------------------------- filters


def _kept(net) -> set[str]:
    return set(net)


def _events(net) -> list[str]:
    return sorted(u for u, d in net.nodes(data=True) if d["kind"] == "event")


@pytest.fixture
def knet():
    return knowledge_network(make_graph())


def test_view_filter_without_options_keeps_everything(knet):
    out = view.filter_network(knet)
    assert sorted(out.edges(keys=True)) == sorted(knet.edges(keys=True)) and out is not knet


@pytest.mark.parametrize(
    ("since", "until", "expected"),
    [
        ("2016-03", None, [E2, E3]),  # E4 "2016" is coarser: compares as "2016" < "2016-03"
        ("2016-03-01", None, [E3]),  # E2 "2016-03" < "2016-03-01" at that precision
        (None, "2016-02", [E1, E4]),
        ("2016", "2016", [E1, E2, E3, E4]),
        ("2016-02-03", "2016-02-03", [E1]),
        ("2017", None, []),
    ],
)
def test_view_filter_dates(knet, since, until, expected):
    out = view.filter_network(knet, since=since, until=until)
    assert _events(out) == sorted(map(str, expected))


def test_view_filter_bounds_at_different_precisions_are_a_period(knet):
    """``--since 2016-03 --until 2016`` is March to December 2016, not a period that ends before it starts."""
    assert _events(view.filter_network(knet, since="2016-03", until="2016")) == sorted(map(str, [E2, E3]))


def test_view_filter_start_date(knet):
    from rdflib import Literal
    from rdflib.namespace import XSD

    from kg.namespace import CKG

    g = make_graph()
    g.remove((E4, CKG.date, None))
    g.add((E4, CKG.startDate, Literal("2017-04-19", datatype=XSD.date)))
    out = view.filter_network(knowledge_network(g), since="2017-04")
    assert _events(out) == [str(E4)]


def test_view_filter_keeps_linked_nodes_and_place_ancestors(knet):
    out = view.filter_network(knet, since="2016-02-03", until="2016-02-03")
    assert _kept(out) == set(map(str, (E1, ARMY, ISIS, OSDH, ALEPPO, SYRIA)))
    assert out.has_edge(str(ALEPPO), str(SYRIA), key="locatedIn")
    assert out.nodes[str(E1)] == knet.nodes[str(E1)]


@pytest.mark.parametrize(
    ("types", "expected"),
    [(["Battle"], [E2, E3]), (["airstrike"], [E1]), (["Airstrike", "Shelling"], [E1, E4]), (["Siege"], [])],
)
def test_view_filter_types(knet, types, expected):
    assert _events(view.filter_network(knet, types=types)) == sorted(map(str, expected))


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"actor": "etat islamique"}, [E1, E2, E3, E4]),
        ({"actor": "armée syrienne"}, [E1, E2, E3]),
        ({"actor": str(OSDH)}, [E1, E2, E3, E4]),
        ({"place": "Alep"}, [E1, E4]),
        ({"place": "syrie"}, [E1, E2, E3, E4]),  # through locatedIn
        ({"place": "Palmyre", "types": ["Battle"], "since": "2016-03-02"}, [E3]),
        ({"actor": "Armée syrienne", "place": "Alep"}, [E1]),
    ],
)
def test_view_filter_actor_place(knet, kwargs, expected):
    assert _events(view.filter_network(knet, **kwargs)) == sorted(map(str, expected))


def test_view_filter_ego(knet):
    out = view.filter_network(knet, ego="Armée syrienne")  # depth 2: actor -> event -> actor/place
    assert _kept(out) == set(map(str, (ARMY, E1, E2, E3, ISIS, OSDH, ALEPPO, PALMYRA)))
    assert _kept(view.filter_network(knet, ego=str(ARMY), depth=1)) == set(map(str, (ARMY, E1, E2, E3)))


def test_view_filter_top_keeps_the_best_connected_events(knet):
    out = view.filter_network(knet, top=2)
    # 4 links each (agent, target, source, place): E1, E2, E3; ties by date, latest first (E3, then E2)
    assert _events(out) == sorted(map(str, (E2, E3)))
    assert _kept(out) == set(map(str, (E2, E3, ARMY, ISIS, OSDH, PALMYRA, SYRIA)))
    assert out.has_edge(str(PALMYRA), str(SYRIA), key="locatedIn")
    assert _events(view.filter_network(knet, top=60)) == sorted(map(str, (E1, E2, E3, E4)))
    assert view.filter_network(knet, top=0).number_of_nodes() == 0


def test_view_filter_top_without_events_keeps_the_best_connected_nodes(knet):
    places = knet.subgraph(u for u, d in knet.nodes(data=True) if d["kind"] == "place").copy()
    assert _kept(view.filter_network(places, top=1)) == {str(SYRIA)}


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"since": "2016-3"}, "YYYY"),
        ({"until": "mars 2016"}, "YYYY"),
        ({"actor": "Hezbollah"}, "Hezbollah"),
        ({"place": "Armée syrienne"}, "place"),  # an actor is no place
        ({"ego": "nowhere"}, "nowhere"),
        ({"since": "2016-03", "until": "2016-02"}, "after --until"),  # swapped bounds: no date can pass
        ({"since": "2016-02-04", "until": "2016-02-03"}, "after --until"),
    ],
)
def test_view_filter_errors(knet, kwargs, message):
    with pytest.raises(view.FilterError, match=message):
        view.filter_network(knet, **kwargs)


def test_view_write_html_of_filtered_network(knet, tmp_path):
    page = view.write_html(view.filter_network(knet, types=["Battle"]), tmp_path / "f.html").read_text(
        "utf-8"
    )
    data = page_data(page)
    assert sorted(n["id"] for n in data["entities"] + data["events"]) == sorted(
        map(str, (E2, E3, ARMY, ISIS, OSDH, PALMYRA, SYRIA))
    )


def test_view_cli_filters(tmp_path):
    from typer.testing import CliRunner

    from kg.cli import app

    source = tmp_path / "graph.ttl"
    make_graph().serialize(destination=str(source), format="turtle")
    out = tmp_path / "v.html"
    done = CliRunner().invoke(
        app,
        [
            "view",
            "-g",
            str(source),
            "-o",
            str(out),
            "--type",
            "Battle",
            "--type",
            "Airstrike",
            "--since",
            "2016-03",
        ],
    )
    assert done.exit_code == 0, done.output
    assert "(7 nodes, " in done.output
    data = page_data(out.read_text("utf-8"))
    assert len(data["entities"]) + len(data["events"]) == 7
    done = CliRunner().invoke(app, ["view", "-g", str(source), "-o", str(out), "--since", "03/2016"])
    assert done.exit_code == 2 and "YYYY" in done.output  # a bad option value is a usage error (#13)


def test_view_cli_caps_a_large_part_as_the_build_page_does(tmp_path, monkeypatch):
    """kg view of a 3,400-article build wrote all 25,104 events (16.5 MB) where the build's graph.html
    keeps 5,000: a part over the cap keeps the best-connected (a warning and the page say so); --top
    and --all choose; the two together are a usage error."""
    from typer.testing import CliRunner

    import kg.pipeline.parts
    from kg.cli import app

    monkeypatch.setattr(kg.pipeline.parts, "VIEW_EVENTS", 2)  # the make_graph fixture has 4 events
    source = tmp_path / "graph.ttl"
    make_graph().serialize(destination=str(source), format="turtle")
    out = tmp_path / "v.html"
    capped = CliRunner().invoke(app, ["view", "-g", str(source), "-o", str(out), "-q"])
    assert capped.exit_code == 0, capped.output
    assert "holds the 2 best-connected event(s) of 4" in capped.output
    page = out.read_text("utf-8")
    assert len(page_data(page)["events"]) == 2 and "best-connected events of 4" in page
    everything = CliRunner().invoke(app, ["view", "-g", str(source), "-o", str(out), "-q", "--all"])
    assert everything.exit_code == 0 and "holds the" not in everything.output
    assert len(page_data(out.read_text("utf-8"))["events"]) == 4
    three = CliRunner().invoke(app, ["view", "-g", str(source), "-o", str(out), "-q", "--top", "3"])
    assert three.exit_code == 0 and len(page_data(out.read_text("utf-8"))["events"]) == 3
    both = CliRunner().invoke(app, ["view", "-g", str(source), "-o", str(out), "--top", "3", "--all"])
    assert both.exit_code == 2 and "contradict" in both.output


def test_view_cap_events_keeps_the_best_connected():
    net = knowledge_network(make_graph())
    same, total = view.cap_events(net, 10)
    assert same is net and total == 4
    cut, total = view.cap_events(net, 1)
    assert total == 4 and sum(1 for _u, d in cut.nodes(data=True) if d["kind"] == "event") == 1
    assert cut.nodes == view.filter_network(net, top=1).nodes


# ------------------------------------------------------------------- large graphs


def test_view_large_network_gets_a_precomputed_layout():
    net = knowledge_network(make_big_graph(3000))
    data = view.explorer_data(net)
    nodes = data["entities"] + data["events"]
    assert len(nodes) == 3000
    assert all(isinstance(n["x"], float) and isinstance(n["y"], float) for n in nodes)
    assert len({(n["x"], n["y"]) for n in nodes}) > 0.95 * len(nodes)  # events do not pile up
    assert data == view.explorer_data(net)  # seeded: the same positions


def test_view_spring_positions_dense_fallback():
    import networkx as nx

    net = nx.path_graph(6)
    pos = layout._dense_spring(net, seed=1, iterations=50, scale=1.0)
    assert set(pos) == set(net)
    assert max(abs(c) for xy in pos.values() for c in xy) == pytest.approx(1.0)
    # neighbours end closer than the two ends of the path
    dist = lambda a, b: ((pos[a][0] - pos[b][0]) ** 2 + (pos[a][1] - pos[b][1]) ** 2) ** 0.5  # noqa: E731
    assert dist(0, 1) < dist(0, 5)


@pytest.mark.model
def test_view_reads_the_store_with_event_mentions_only(tmp_path):
    """kg view reads the store's part the page needs: event mentions (offsets, anchors), no entity mentions."""
    from helpers import seed_build

    from kg.store import load_graph

    out = seed_build()
    part, full = view.load_view_graph(out / "graph.ttl"), load_graph(out / "graph.ttl")
    assert len(part) < len(full) / 2
    # exactly graph.ttl without the mentions, but for the events' ones (their anchors, for the page)
    mentions = set(full.subjects(RDF.type, NIF.Phrase))
    evented = {(e, m) for e, m in full.subject_objects(CKG.denotedBy) if (e, RDF.type, CKG.Event) in full}
    assert evented and set(part) == (
        {(s, p, o) for s, p, o in full if p != CKG.denotedBy and s not in mentions}
        | {(e, CKG.denotedBy, m) for e, m in evented} | {(m, NIF.anchorOf, full.value(m, NIF.anchorOf)) for _, m in evented})
    a, b = view.view_network(part), view.view_network(full)
    assert dict(a.nodes(data=True)) == dict(b.nodes(data=True))
    mentions = [m for _, d in a.nodes(data=True) if d["kind"] == "event" for m in d["mentions"]]
    assert len(mentions) >= 54 and all(anchor for _, _, _, anchor in mentions)


# --------------------------------------------------------------------------- plots


def test_plot_period_of():
    assert plot.period_of("2016-02-03", "week") == "2016-W05"
    assert plot.period_of("2016-01-01", "week") == "2015-W53"
    assert plot.period_of("2016-03", "week") is None
    assert plot.period_of("2016-03", "month") == "2016-03"
    assert plot.period_of(None) is None
    with pytest.raises(ValueError):
        plot.period_of("2016", "day")


def test_plot_timeline_counts():
    periods, counts, undated = plot.timeline_counts(make_graph(), "month")
    assert periods == ["2016-02", "2016-03"]
    assert counts == {"Battle": [0, 2], "RemoteViolence": [1, 0]}
    assert undated == 1  # E4, dated to the year only
    periods, counts, undated = plot.timeline_counts(make_graph(), "week")
    assert periods[0] == "2016-W05" and periods[-1] == "2016-W12" and len(periods) == 8
    assert counts["Battle"][-1] == 1 and undated == 2


@pytest.mark.parametrize("kind", ["timeline", "network"])
def test_plot_writes_png(tmp_path, kind):
    path = tmp_path / "sub" / f"{kind}.png"
    if kind == "timeline":
        plot.timeline(make_graph(), path, by="week")
    else:
        plot.network(make_graph(), path)
    data = path.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 5000
    again = tmp_path / f"again-{kind}.png"
    (
        plot.timeline(make_graph(), again, by="week")
        if kind == "timeline"
        else plot.network(make_graph(), again)
    )
    assert again.read_bytes() == data  # seeded layout, no version metadata


def test_plot_empty_graph(tmp_path):
    assert plot.timeline(Graph(), tmp_path / "t.png").is_file()
    assert plot.network(Graph(), tmp_path / "n.png").is_file()


def test_plot_cli(tmp_path):
    from typer.testing import CliRunner

    from kg.cli import app

    source = tmp_path / "graph.ttl"
    make_graph().serialize(destination=str(source), format="turtle")
    for kind in ("timeline", "network"):
        done = CliRunner().invoke(app, ["plot", kind, "-g", str(source), "-o", str(tmp_path / f"{kind}.png")])
        assert done.exit_code == 0, done.output
        assert (tmp_path / f"{kind}.png").is_file()


def test_view_large_layouts_do_not_depend_on_scipy(monkeypatch):
    """From 500 nodes networkx would switch to a scipy solver: kg's positions are the same without scipy."""
    import sys

    import networkx as nx

    net = nx.random_geometric_graph(600, 0.08, seed=3)
    with_scipy = layout.spring_positions(net, iterations=20)
    monkeypatch.setitem(sys.modules, "scipy", None)  # import scipy now raises ImportError
    monkeypatch.setitem(sys.modules, "scipy.sparse", None)
    assert layout.spring_positions(net, iterations=20) == with_scipy
    # and it is a layout: linked nodes end nearer each other than nodes taken at random
    dist = lambda a, b: ((with_scipy[a][0] - with_scipy[b][0]) ** 2 + (with_scipy[a][1] - with_scipy[b][1]) ** 2) ** 0.5  # noqa: E731
    linked = sum(dist(u, v) for u, v in net.edges()) / net.number_of_edges()
    spread = sum(dist(u, (u * 7 + 13) % 600) for u in net) / 600
    assert linked < spread / 2
