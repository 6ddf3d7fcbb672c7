"""Tests of kg.view: an offline, escaped, deterministic pyvis page."""

import json
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
from rdflib import Graph

from kg import plot, view
from kg.analyse import knowledge_network

EXTERNAL = re.compile(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", re.IGNORECASE)


def _dataset(page: str, name: str) -> list[dict]:
    """The JSON array given to ``<name> = new vis.DataSet(...)`` in the page."""
    match = re.search(rf"{name} = new vis\.DataSet\((\[.*?\])\);\n", page)
    assert match, f"no {name} DataSet in the page"
    return json.loads(match.group(1))


class _Scripts(HTMLParser):
    """Collects the text of every ``<script>`` element, as a browser splits them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.scripts: list[str] = []
        self._inside = False

    def handle_starttag(self, tag, attrs):
        if tag == "script":
            self._inside = True
            self.scripts.append("")

    def handle_endtag(self, tag):
        if tag == "script":
            self._inside = False

    def handle_data(self, data):
        if self._inside:
            self.scripts[-1] += data


def _scripts(page: str) -> list[str]:
    parser = _Scripts()
    parser.feed(page)
    parser.close()
    return parser.scripts


@pytest.fixture
def page_path(tmp_path: Path) -> Path:
    return view.write_html(make_graph(), tmp_path / "out" / "graph.html", title="Syrie <test>")


def test_view_writes_file(page_path):
    assert page_path.is_file()
    assert page_path.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_view_has_no_external_references(page_path):
    page = page_path.read_text(encoding="utf-8")
    assert not EXTERNAL.findall(page)
    assert view.external_references(page) == []
    assert "bootstrap" not in page and "cdnjs" not in page and "jsdelivr" not in page


def test_view_inlines_vis_network(page_path):
    page = page_path.read_text(encoding="utf-8")
    assert "vis-network" in page and "vis.Network" in page
    assert "<script src=" not in page and "<link" not in page


def test_view_script_elements_are_well_formed(page_path):
    scripts = _scripts(page_path.read_text(encoding="utf-8"))
    library = [js for js in scripts if "@version 9.1.2" in js]
    main = [js for js in scripts if "new vis.Network(" in js]
    assert len(library) == 1 and len(main) == 1
    assert "drawGraph" not in library[0]
    assert "sourceMappingURL" not in "".join(scripts)


@pytest.mark.skipif(shutil.which("node") is None, reason="node not installed")
def test_view_scripts_parse_as_javascript(page_path, tmp_path):
    for index, js in enumerate(_scripts(page_path.read_text(encoding="utf-8"))):
        source = tmp_path / f"script{index}.js"
        source.write_text(js, encoding="utf-8")
        done = subprocess.run(["node", "--check", str(source)], capture_output=True, text=True)
        assert done.returncode == 0, done.stderr


def test_view_writes_nothing_else(page_path, tmp_path, monkeypatch):
    assert sorted(p.name for p in page_path.parent.iterdir()) == ["graph.html"]
    monkeypatch.chdir(tmp_path)
    view.write_html(Graph(), tmp_path / "empty.html")
    assert not (tmp_path / "lib").exists()


def test_view_node_and_edge_data(page_path):
    page = page_path.read_text(encoding="utf-8")
    nodes = _dataset(page, "nodes")
    edges = _dataset(page, "edges")
    assert len(nodes) == 10
    assert len(edges) == 17
    assert [n["id"] for n in nodes] == sorted(n["id"] for n in nodes)
    shapes = {n["kind"]: n["shape"] for n in nodes if n["cls"] != "Country"}
    assert shapes == {"actor": "dot", "place": "triangle", "event": "diamond"}
    by_label = {n["label"]: n for n in nodes}
    assert by_label["Syrie"]["shape"] == "square"
    assert by_label["Armée syrienne"]["color"] == view.PALETTE["StateForce"]
    assert {e["label"] for e in edges} == {"agent", "target", "reportedBy", "place", "locatedIn"}


def test_view_escapes_text(page_path):
    page = page_path.read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in page
    assert "<test>" not in page and "Syrie &lt;test&gt;" in page
    tips = [n["title"] for n in _dataset(page, "nodes") if EVIL.split()[0] in n["title"]]
    assert len(tips) == 1
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in tips[0]
    assert "&quot;quotes&quot;" in tips[0]
    assert "<script" not in tips[0]


def test_view_tooltip_content(page_path):
    nodes = _dataset(page_path.read_text(encoding="utf-8"), "nodes")
    tip = next(n["title"] for n in nodes if n["cls"] == "Airstrike")
    for text in ("Airstrike", "2016-02-03", "Alep", "OSDH", "au moins 12 civils", "0.80"):
        assert text in tip


def test_view_legend_lists_classes(page_path):
    page = page_path.read_text(encoding="utf-8")
    legend = page[page.index('class="kg-legend"') :]
    legend = legend[: legend.index("</header>")]
    for key in ("StateForce", "JihadistGroup", "Organization", "City", "Country", "Battle"):
        assert key in legend
        assert view.PALETTE[key] in legend


def test_view_physics_stops_after_stabilization(page_path):
    page = page_path.read_text(encoding="utf-8")
    assert 'network.once("stabilizationIterationsDone", () => network.setOptions({physics: false}))' in page
    assert "window.kgReady = true" in page
    assert '"solver": "barnesHut"' in page
    assert '"randomSeed": 42' in page


def test_view_is_byte_identical_when_written_twice(tmp_path):
    first = view.write_html(make_graph(), tmp_path / "a.html").read_bytes()
    second = view.write_html(make_graph(), tmp_path / "b.html").read_bytes()
    assert first == second


def test_view_overwrites_atomically(tmp_path):
    target = tmp_path / "graph.html"
    target.write_text("old", encoding="utf-8")
    view.write_html(make_graph(), target)
    assert target.read_text(encoding="utf-8") != "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["graph.html"]


def test_view_empty_graph(tmp_path):
    page = view.write_html(Graph(), tmp_path / "empty.html").read_text(encoding="utf-8")
    assert _dataset(page, "nodes") == []
    assert _dataset(page, "edges") == []
    assert "(graphe vide)" in page
    assert not EXTERNAL.findall(page)


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


def test_view_filter_top(knet):
    out = view.filter_network(knet, top=3)
    # degree 4: E1, E2, E3, OSDH, État islamique; ties by label ("Airstrike…" < "ArmedClash…" < "OSDH")
    assert _kept(out) == set(map(str, (E1, E2, OSDH)))
    assert sorted(out.edges(keys=True)) == [
        (str(E1), str(OSDH), "reportedBy"),
        (str(E2), str(OSDH), "reportedBy"),
    ]
    assert view.filter_network(knet, top=0).number_of_nodes() == 0


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"since": "2016-3"}, "YYYY"),
        ({"until": "mars 2016"}, "YYYY"),
        ({"actor": "Hezbollah"}, "Hezbollah"),
        ({"place": "Armée syrienne"}, "place"),  # an actor is no place
        ({"ego": "nowhere"}, "nowhere"),
    ],
)
def test_view_filter_errors(knet, kwargs, message):
    with pytest.raises(view.FilterError, match=message):
        view.filter_network(knet, **kwargs)


def test_view_write_html_of_filtered_network(knet, tmp_path):
    page = view.write_html(view.filter_network(knet, types=["Battle"]), tmp_path / "f.html").read_text(
        "utf-8"
    )
    nodes = _dataset(page, "nodes")
    assert sorted(n["id"] for n in nodes) == sorted(map(str, (E2, E3, ARMY, ISIS, OSDH, PALMYRA, SYRIA)))


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
    assert len(_dataset(out.read_text("utf-8"), "nodes")) == 7
    done = CliRunner().invoke(app, ["view", "-g", str(source), "-o", str(out), "--since", "03/2016"])
    assert done.exit_code == 2 and "YYYY" in done.output  # a bad option value is a usage error (#13)


# ------------------------------------------------------------------- large graphs


def test_view_large_network_gets_fixed_positions_without_physics():
    net = knowledge_network(make_big_graph(view.STATIC_LAYOUT_NODES + 100))
    assert net.number_of_nodes() == view.STATIC_LAYOUT_NODES + 100
    page = view.render_html(net)
    nodes = _dataset(page, "nodes")
    assert all(isinstance(n["x"], float) and isinstance(n["y"], float) for n in nodes)
    assert len({(n["x"], n["y"]) for n in nodes}) > 0.95 * len(nodes)  # events do not pile up
    assert '"physics": {"enabled": false}' in page
    assert page == view.render_html(net)  # seeded: same bytes


def test_view_small_network_keeps_physics(knet):
    page = view.render_html(knet)
    assert '"x":' not in page and '"enabled": true' in page


def test_view_spring_positions_dense_fallback():
    import networkx as nx

    net = nx.path_graph(6)
    pos = view._dense_spring(net, seed=1, iterations=50, scale=1.0)
    assert set(pos) == set(net)
    assert max(abs(c) for xy in pos.values() for c in xy) == pytest.approx(1.0)
    # neighbours end closer than the two ends of the path
    dist = lambda a, b: ((pos[a][0] - pos[b][0]) ** 2 + (pos[a][1] - pos[b][1]) ** 2) ** 0.5  # noqa: E731
    assert dist(0, 1) < dist(0, 5)


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
