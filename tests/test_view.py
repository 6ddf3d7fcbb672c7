"""Tests of kg.view: an offline, escaped, deterministic pyvis page."""

import json
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import EVIL, make_graph
from rdflib import Graph

from kg import view

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
