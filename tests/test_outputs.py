"""Commands that write a file (kg view, plot, export, network --export/--write-back, evaluate --json)
never write over a build's own files: a build's files change only by kg build and kg remove, else
report.json no longer describes them (issue #14, found by a probe: `kg view -o OUT/graph.ttl` replaced
the graph by a page, exit 0). Their default outputs go beside the graph they read, not into ./exports.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import REPO, SEEDS
from helpers import tree as _tree
from typer.testing import CliRunner

from kg.cli import app

runner = CliRunner()


def test_build_file_folder_names_the_published_files_only(tmp_path):
    from kg.store.integrity import build_file_folder

    out = tmp_path / "out"
    out.mkdir()
    (out / "report.json").write_text(json.dumps({"files": {"graph.ttl": "0" * 64, "graph.html": "1" * 64}}))
    for name in ("graph.ttl", "graph.html", "report.json", "store"):
        assert build_file_folder(out / name) == out.resolve(), name
    (out / "sub").mkdir()
    assert build_file_folder(out / "sub" / ".." / "graph.ttl") == out.resolve()  # however the path is written
    (tmp_path / "link").symlink_to(out)
    assert build_file_folder(tmp_path / "link" / "graph.ttl") == out.resolve()
    assert build_file_folder(out / "daech.html") is None
    other = tmp_path / "other"
    other.mkdir()
    (other / "report.json").write_text('{"title": "a report of the user\'s, not a build\'s"}')
    assert build_file_folder(other / "report.json") is None
    assert build_file_folder(tmp_path / "nowhere" / "graph.ttl") is None


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    from kg.pipeline import build

    out = tmp_path_factory.mktemp("outputs") / "out"
    build([SEEDS], out, progress=None)
    return out


@pytest.mark.model
@pytest.mark.parametrize("args", [
    ["view", "-o", "{out}/graph.ttl"],
    ["view", "-o", "{out}/graph.html", "--actor", "Rebelles"],
    ["plot", "timeline", "-o", "{out}/graph.ttl"],
    ["export", "-f", "acled", "-o", "{out}/report.json"],
    ["export", "-f", "jsonld", "-o", "{out}/events.csv"],
    ["network", "--export", "{out}/graph.trig"],
    ["network", "--write-back", "--out", "{out}/graph.ttl"],
    ["evaluate", str(REPO.parent / "shared" / "gold" / "dev"), "-c",
     str(REPO.parent / "shared" / "gold" / "entities.json"), "--json", "{out}/report.json"],
], ids=lambda a: " ".join(a[:2]))
def test_outputs_never_write_over_a_builds_files(built, args):
    if args[0] == "evaluate" and not Path(args[1]).is_dir():
        pytest.skip("../shared/gold is not beside the repository")
    before = _tree(built)
    result = runner.invoke(app, [a.format(out=built) for a in args] + ["-g", str(built / "graph.ttl")])
    assert result.exit_code == 2, result.output
    assert "is a file of the kg build in" in result.output and "kg build and kg remove" in result.output
    assert _tree(built) == before


@pytest.mark.model
def test_view_and_plot_write_beside_the_graph_by_default(built, tmp_path, monkeypatch):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    result = runner.invoke(app, ["view", "-g", str(built / "graph.ttl"), "--actor", "Rebelles"])
    assert result.exit_code == 0, result.output
    assert (built / "view.html").is_file() and not (elsewhere / "exports").exists()
    result = runner.invoke(app, ["plot", "timeline", "-g", str(built / "graph.ttl")])
    assert result.exit_code == 0, result.output
    assert (built / "timeline.png").is_file() and not (elsewhere / "exports").exists()
    for name in ("view.html", "timeline.png"):
        (built / name).unlink()


# ------------------------------------------------------------------ graph files that are not graphs
def test_a_truncated_or_empty_graph_file_is_said_in_one_short_line(tmp_path):
    """A truncated graph.ttl made a 100 kB message quoting the file; an empty one was read as a graph
    of no triples (kg validate: "conforms", exit 0)."""
    from conftest import make_graph

    whole = tmp_path / "whole.ttl"
    make_graph().serialize(destination=str(whole), format="turtle")
    text = whole.read_text(encoding="utf-8")
    truncated = tmp_path / "truncated.ttl"
    truncated.write_text(text[: len(text) // 2].rsplit("<", 1)[0] + "<https://w3id.org/conflict-kg/id/pl", encoding="utf-8")
    empty = tmp_path / "empty.ttl"
    empty.write_bytes(b"")
    for args in (["query", "SELECT * WHERE { ?s ?p ?o } LIMIT 1", "-g", str(truncated)], ["validate", str(truncated)]):
        result = runner.invoke(app, args)
        assert result.exit_code == 1 and len(result.output) < 300, result.output
        assert f"{truncated}: cannot be parsed as turtle (line " in result.output
    for args in (["query", "SELECT * WHERE { ?s ?p ?o }", "-g", str(empty)], ["validate", str(empty)]):
        result = runner.invoke(app, args)
        assert result.exit_code == 1 and f"{empty}: empty file (0 bytes)" in result.output, result.output


def test_validate_says_when_a_graph_holds_nothing_of_kg(tmp_path):
    """kg validate of another graph (the wrong file) said "conforms" and nothing else: the shapes target
    kg's classes, so a graph without them conforms vacuously. It still conforms, with a warning saying so."""
    from conftest import make_graph

    other = tmp_path / "other.ttl"
    other.write_text("@prefix ex: <http://example.org/> .\nex:a ex:p ex:b .\n", encoding="utf-8")
    result = runner.invoke(app, ["validate", str(other)])
    assert result.exit_code == 0 and result.stdout == "conforms\n", result.output
    assert "no article, event, actor or place of kg" in result.stderr
    ours = tmp_path / "graph.ttl"
    make_graph().serialize(destination=str(ours), format="turtle")
    result = runner.invoke(app, ["validate", str(ours)])  # a kg graph (this small one breaks a few shapes)
    assert "no article, event, actor or place of kg" not in result.output


@pytest.mark.model
def test_readers_take_a_build_folder_and_csv_ends_with_one_line_break(built):
    """kg validate DIR failed (Is a directory) where kg query -g DIR answers; -f csv printed an
    empty line after the last row."""
    result = runner.invoke(app, ["validate", str(built)])
    assert result.exit_code == 0 and result.output == "conforms\n", result.output
    result = runner.invoke(app, ["query", "SELECT ?s WHERE { ?s a ckg:Country } ORDER BY ?s", "-g", str(built / "graph.ttl"),
                                 "-f", "csv"])
    assert result.exit_code == 0, result.output
    assert result.output.split("\n")[0].rstrip("\r") == "s" and len(result.output.splitlines()) == 5  # s, 4 countries
    assert not result.output.endswith("\n\n") and not result.output.endswith("\r\n\n"), repr(result.output[-20:])


@pytest.mark.model
def test_network_export_to_an_unknown_format_is_a_usage_error(built, tmp_path):
    result = runner.invoke(app, ["network", "-g", str(built / "graph.ttl"), "--export", str(tmp_path / "x.xyz")])
    assert result.exit_code == 2 and "give a .graphml or .gexf file" in result.output, result.output
    assert not (tmp_path / "x.xyz").exists()
