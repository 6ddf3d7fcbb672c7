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
