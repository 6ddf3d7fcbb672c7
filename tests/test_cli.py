"""The command line: every command documented with an example; query output formats."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from kg.cli import app

runner = CliRunner()
COMMANDS = sorted(c.name or c.callback.__name__ for c in app.registered_commands)


def test_cli_has_the_contract_commands():
    assert {"build", "query"} <= set(COMMANDS)


@pytest.mark.parametrize("name", COMMANDS)
def test_cli_every_command_has_help_with_an_example(name):
    result = runner.invoke(app, [name, "--help"])
    assert result.exit_code == 0, result.output
    assert "Example" in result.output, f"kg {name} --help shows no example"


def test_cli_top_level_help_lists_commands():
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for name in COMMANDS:
        assert name in result.output


def test_cli_build_missing_path_is_a_usage_error(tmp_path):
    result = runner.invoke(app, ["build", str(tmp_path / "nope"), "-o", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "nope" in result.output


@pytest.mark.model
@pytest.mark.parametrize("fmt", ["table", "csv", "json"])
def test_cli_query_formats(fmt):
    from helpers import seed_build

    q = "PREFIX ckg: <https://w3id.org/conflict-kg/ontology#> SELECT (COUNT(?e) AS ?n) WHERE { ?e a ckg:Event }"
    result = runner.invoke(app, ["query", q, "--graph", str(seed_build() / "graph.ttl"), "-f", fmt])
    assert result.exit_code == 0, result.output
    if fmt == "json":  # SPARQL 1.1 Query Results JSON: the count keeps its type (#13)
        answer = json.loads(result.output)
        assert answer["head"]["vars"] == ["n"]
        (n,) = answer["results"]["bindings"]
        assert n["n"]["type"] == "literal" and n["n"]["datatype"].endswith("#integer") and int(n["n"]["value"]) > 10
    elif fmt == "csv":
        assert result.output.splitlines()[0] == "n"
    else:
        assert "(1 row)" in result.output


def test_cli_query_without_graph_says_what_to_do(tmp_path):
    result = runner.invoke(app, ["query", "SELECT * WHERE { ?s ?p ?o }", "--graph", str(tmp_path / "none.ttl")])
    assert result.exit_code != 0
    assert "kg build" in result.output


@pytest.mark.parametrize("args", [
    ["network", "--top", "0"], ["network", "--top", "-3"], ["network", "--ego", "Daech", "--depth", "-1"],
    ["view", "--top", "0"], ["view", "--top", "-2"], ["view", "--ego", "Daech", "--depth", "-1"],
    ["push", "http://127.0.0.1:9/store", "--timeout", "-1"], ["serve", "--port", "-1"], ["serve", "--port", "70000"],
], ids=" ".join)
def test_cli_negative_or_zero_sizes_are_usage_errors(tmp_path, args):
    """--top 0 would list every node (Python slicing), --top -3 all but the last 3, --depth -1 the
    centre alone: each is a usage error (exit 2) naming the option, and nothing is written."""
    from conftest import make_graph

    graph = tmp_path / "graph.ttl"
    make_graph().serialize(destination=str(graph), format="turtle")
    out = ["-o", str(tmp_path / "v.html")] if args[0] == "view" else []
    result = runner.invoke(app, [*args, "-g", str(graph), *out])
    assert result.exit_code == 2, result.output
    assert f"Invalid value for '{args[-2]}'" in result.output
    assert not (tmp_path / "v.html").exists()


def _refused_url(url: str) -> None:
    raise AssertionError(f"kg push sent a request to {url}")


@pytest.mark.parametrize("url", ["http://[::1", "http://127.0.0.1:port/store", "http:///store", "ftp://h/store"])
def test_cli_push_a_malformed_url_is_a_usage_error_naming_it(tmp_path, url):
    trig = tmp_path / "graph.trig"
    trig.write_text("<urn:g> { <urn:s> <urn:p> <urn:o> . }\n", encoding="utf-8")
    result = runner.invoke(app, ["push", url, "-g", str(trig)])
    assert result.exit_code == 2, result.output
    assert result.output.startswith(f"kg: error: {url}: ") and len(result.output.splitlines()) == 1


@pytest.mark.parametrize("name", ["graph.ttl", "turtle.trig"])
def test_cli_push_a_file_with_no_named_graph_is_a_usage_error_not_a_push_of_nothing(tmp_path, monkeypatch, name):
    import kg.push

    monkeypatch.setattr(kg.push, "_send", lambda url, *a, **k: _refused_url(url))
    path = tmp_path / name
    path.write_text("<urn:s> <urn:p> <urn:o> .\n", encoding="utf-8")
    result = runner.invoke(app, ["push", "http://127.0.0.1:1/store", "-g", str(path)])
    assert result.exit_code == 2, result.output
    assert result.output.startswith(f"kg: error: {path}: no named graph")
    assert "graph.trig" in result.output and "pushed" not in result.output


def test_cli_push_takes_a_build_folder_for_its_graph_trig(tmp_path, monkeypatch):
    import kg.push

    sent = []
    monkeypatch.setattr(kg.push, "_send", lambda url, method, body, *a: sent.append((method, url, body)))
    (tmp_path / "graph.trig").write_text("<urn:g> { <urn:s> <urn:p> <urn:o> . }\n", encoding="utf-8")
    result = runner.invoke(app, ["push", "http://127.0.0.1:1/store", "-g", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "pushed 1 graph(s), 1 triple(s)" in result.output
    assert sent == [("PUT", "http://127.0.0.1:1/store?graph=urn%3Ag", b"<urn:s> <urn:p> <urn:o> .\n")]


@pytest.mark.parametrize("command", [["query", "articles"], ["view"], ["network"], ["plot", "timeline"],
                                     ["export", "-f", "acled"], ["validate"], ["push", "http://localhost:9/x"],
                                     ["serve"]])
def test_cli_a_graph_that_does_not_exist_is_a_usage_error(tmp_path, command):
    """``-g`` naming nothing is the user's to fix, as a missing input path is for kg build: exit 2
    from every reader (query, view, network and plot exited 1, export 2)."""
    missing = tmp_path / "nowhere"
    args = [*command, str(missing)] if command == ["validate"] else [*command, "-g", str(missing)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2, result.output
    assert f"{missing}" in result.output and "no such graph" in result.output


def test_cli_query_csv_of_a_graph_answer_says_it_is_turtle(tmp_path):
    """-f csv of a CONSTRUCT printed Turtle without a word (a script expecting CSV got Turtle)."""
    from conftest import make_graph

    graph = tmp_path / "g.ttl"
    make_graph().serialize(destination=str(graph), format="turtle")
    q = "CONSTRUCT { ?s a ?o } WHERE { ?s a ?o }"
    result = CliRunner().invoke(app, ["query", q, "-g", str(graph), "-f", "csv"])
    assert result.exit_code == 0, result.output
    assert "a CONSTRUCT answer is a graph, printed as Turtle" in result.stderr
    assert "/actor/isis> a <" in result.stdout  # the Turtle
    quiet = CliRunner().invoke(app, ["query", "SELECT ?s WHERE { ?s a ?o }", "-g", str(graph), "-f", "csv"])
    assert quiet.exit_code == 0 and quiet.stderr == ""
