"""One error hierarchy for kg: every error the library raises derives from :class:`KgError`.

Messages name the file (and line or offset when known), the problem, and what to do.
The CLI turns them into one-line messages and exit codes at the edge.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = ["KgError", "InputError", "OutputError", "OntologyError", "QueryError", "BuildError", "UsageError",
           "CacheError", "printable", "closest"]


class KgError(Exception):
    """Base class of every error raised by kg."""


class InputError(KgError):
    """An input article cannot be used (empty, binary, undecodable, too large, unreadable)."""

    def __init__(self, path: str, problem: str):
        self.path = path
        self.problem = problem
        super().__init__(f"{path}: {problem}")


class OutputError(KgError, OSError):
    """An output file cannot be written: a part of its path is a file, not a folder; no permission;
    no space left. An :class:`OSError` too (with the ``errno`` and ``strerror`` of the cause), so
    code that handles the operating system's errors still does.

    >>> str(OutputError("out/x.png", "cannot be written (out is a file, not a folder)"))
    'out/x.png: cannot be written (out is a file, not a folder)'
    """

    def __init__(self, path: str, problem: str, cause: OSError | None = None):
        self.path = path
        self.problem = problem
        super().__init__(f"{path}: {problem}")
        if cause is not None:
            self.errno, self.strerror = cause.errno, cause.strerror

    def __str__(self) -> str:  # the message, never OSError's "[Errno N] ..."
        return self.args[0]


class OntologyError(KgError):
    """The ontology or the SHACL shapes cannot be read."""


class QueryError(KgError):
    """A SPARQL query cannot be parsed or run, or its graph (or another export of a build) cannot be read."""


class BuildError(KgError):
    """A build cannot go on (no input, unwritable output folder)."""


class UsageError(BuildError):
    """A bad option value or a target kg must not write into (the CLI exits with 2)."""


class NoGraphError(QueryError, UsageError):
    """The graph a command was given to read does not exist: a usage error (exit 2) as a missing
    input path is, and a :class:`QueryError` for readers that catch those."""


class CacheError(KgError):
    """A cache or build-manifest file is not one kg wrote (bad format, version or checksum)."""


# C0/C1 controls (a line break in a file name) and the bidirectional overrides that reorder what
# a terminal shows (U+202A-U+202E, U+2066-U+2069)
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


_LINES = "\t\n\r"


def printable(text: str, *, keep_lines: bool = False) -> str:
    r"""``text`` safe to print on one terminal line: control and bidi characters escaped (``\u001b``).
    ``keep_lines`` keeps tabs and line breaks as they are (a CSV cell, which may hold them).

    >>> printable("a\nb.txt: empty"), printable("x\u202etxt.exe"), printable("a\tb\x1b", keep_lines=True)
    ('a\\nb.txt: empty', 'x\\u202etxt.exe', 'a\tb\\u001b')
    """
    def esc(m: re.Match) -> str:
        c = m.group(0)
        if keep_lines and c in _LINES:
            return c
        return {"\n": "\\n", "\r": "\\r", "\t": "\\t"}.get(c) or f"\\u{ord(c):04x}"

    return _UNPRINTABLE.sub(esc, text)


def closest(value: str, known: Iterable[str], n: int = 3) -> list[str]:
    """The values of ``known`` closest to ``value``, for a message's "did you mean …?": first those
    ``value`` begins (case aside), then those alike (rapidfuzz's ``ratio``, 60 or more, case aside),
    closest first; at most ``n``, and none when nothing is close. Every "did you mean" of kg (a
    type, a parameter, a merge rule, an article id) is found here.

    >>> closest("Airstrikes", ["Airstrike", "Battle", "Shelling"]), closest("004", ["003_a1", "004_b2", "005_c3"])
    (['Airstrike'], ['004_b2'])
    >>> closest("zzz", ["Airstrike", "Battle"])
    []
    """
    from rapidfuzz import fuzz, process

    choices = list(dict.fromkeys(known))
    key = value.casefold()
    found = [k for k in choices if key and k.casefold().startswith(key)][:n]
    alike = process.extract(value, choices, scorer=fuzz.ratio, processor=str.casefold, score_cutoff=60,
                            limit=None)
    found += [k for k, _score, _i in alike if k not in found]
    return found[:n]
