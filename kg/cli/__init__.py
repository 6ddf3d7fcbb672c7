"""The ``kg`` command line: a thin typer layer over the library.

Each command calls one library function and prints what it returns; :class:`KgError`
becomes a one-line message on stderr. Exit codes: 0 done, 2 usage error, 3 some inputs
rejected (the rest built), 1 any other error.

This package creates :data:`app` and registers the commands of its submodules, in the order
``kg --help`` lists them: :mod:`.build_cmds` (build, remove), :mod:`.query_cmds` (push, query,
serve, validate), :mod:`.explore_cmds` (view, network, export, plot), :mod:`.score_cmds`
(evaluate, entities); :mod:`.common` holds what they share (error printing, the default graph).
The CLI is the top layer: nothing in kg imports it.
"""

from __future__ import annotations

import sys

import typer

from kg.cli.build_cmds import build, remove
from kg.cli.explore_cmds import export_cmd, network, plot, view
from kg.cli.query_cmds import push, query, serve, validate
from kg.cli.score_cmds import entities, evaluate
from kg.errors import KgError

app = typer.Typer(
    name="kg",
    help="Build, query and explore a knowledge graph of French conflict news.\n\n"
         "Example:  kg build seeds -o exports && kg query 'SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }'",
    no_args_is_help=True,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

#: the commands, by name, in the order of ``kg --help``
COMMANDS = {"build": build, "remove": remove, "push": push, "query": query, "serve": serve, "validate": validate,
            "view": view, "network": network, "export": export_cmd, "plot": plot, "evaluate": evaluate,
            "entities": entities}
for _name, _command in COMMANDS.items():
    app.command(_name)(_command)


def main() -> None:
    """Entry point of the ``kg`` script."""
    from kg.cli import common

    common.IN_KG_PROCESS = True
    try:
        app()
    except KgError as exc:  # pragma: no cover - commands handle their own errors
        print(f"kg: error: {exc}", file=sys.stderr)
        sys.exit(1)
