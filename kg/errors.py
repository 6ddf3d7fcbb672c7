"""One error hierarchy for kg: every error the library raises derives from :class:`KgError`.

Messages name the file (and line or offset when known), the problem, and what to do.
The CLI turns them into one-line messages and exit codes at the edge.
"""

from __future__ import annotations

__all__ = ["KgError", "InputError", "OntologyError", "QueryError", "BuildError"]


class KgError(Exception):
    """Base class of every error raised by kg."""


class InputError(KgError):
    """An input article cannot be used (empty, binary, undecodable, too large, unreadable)."""

    def __init__(self, path: str, problem: str):
        self.path = path
        self.problem = problem
        super().__init__(f"{path}: {problem}")


class OntologyError(KgError):
    """The ontology or the SHACL shapes cannot be read."""


class QueryError(KgError):
    """A SPARQL query cannot be parsed or run, or its graph cannot be read."""


class BuildError(KgError):
    """A build cannot go on (no input, unwritable output folder)."""
