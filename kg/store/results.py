"""SPARQL on an rdflib graph (:func:`run_query`) and its answers printed as a table, CSV or JSON
(:func:`format_result`, which prints the store's answers too: :func:`kg.store.query_store` gives
rdflib results). No pyoxigraph, no spaCy.
"""

from __future__ import annotations

import csv
import io
import json
import re
from decimal import Decimal

from rdflib import Graph, Literal
from rdflib.query import Result

from kg.errors import QueryError, printable
from kg.store.csv_export import csv_cell
from kg.store.sparql import check_federation

__all__ = ["run_query", "format_result", "solutions"]

def run_query(g: Graph, query: str, bindings: dict | None = None, *, allow_service: bool = False) -> Result:
    """Run SPARQL with values bound safely (``initBindings``), never formatted into the text.

    A query with ``SERVICE`` is refused unless ``allow_service`` (rdflib would fetch the URL). The
    answer is computed here, so an error while evaluating it is a :class:`QueryError` too.

    A solution that binds nothing is dropped: rdflib answers a ``GROUP BY`` over no solution with one
    empty group (SPARQL, and Oxigraph, with none), and cannot tell it from a true empty solution
    (``SELECT * {}``), which this path therefore loses too — the store keeps it (:func:`solutions`).
    """
    check_federation(query, allow=allow_service)
    try:
        result = g.query(query, initBindings=bindings or {})
        if result.type == "SELECT":
            result.bindings = [b for b in result.bindings if b]  # evaluated now, inside this try
        return result
    except Exception as exc:  # noqa: BLE001
        raise QueryError(f"SPARQL error: {exc}") from None


# control characters but tab and line breaks: Turtle holds them as \u escapes (UCHAR) as well as raw,
# and escaped they neither run on the terminal that shows the answer nor get stripped on the way
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _uchar(m: re.Match) -> str:
    return f"\\u{ord(m.group(0)):04X}"


def _cell(v) -> str:
    if v is None:
        return ""
    return str(v)


def _csv_cell(v) -> str:
    """A CSV cell of an answer: a number (a numeric literal, ``-3``) as it is, any other value made
    safe for a spreadsheet by :func:`kg.store.csv_cell` (``=HYPERLINK(…)`` becomes ``'=HYPERLINK(…)``)."""
    if isinstance(v, Literal) and isinstance(v.value, int | float | Decimal) and not isinstance(v.value, bool):
        return str(v)
    return csv_cell(_cell(v))


def solutions(result: Result) -> list[list]:
    """Every solution of a SELECT answer, as its values in ``result.vars`` order (None where unbound).

    Iterating an rdflib ``Result`` drops each solution that binds no variable (``SELECT * WHERE {}``
    has one; an ``OPTIONAL`` that matched nothing gives others): SPARQL counts them, so this reads
    ``result.bindings`` (an answer of the store keeps them; :func:`run_query`'s cannot).

    >>> from pyoxigraph import Store
    >>> from kg.store import query_store
    >>> solutions(query_store(Store(), "SELECT ?x WHERE { OPTIONAL { ?s ?p ?x } }"))
    [[None]]
    """
    names = list(result.vars or ())
    return [[b.get(v) for v in names] for b in result.bindings]


def format_result(result: Result, fmt: str = "table", g: Graph | None = None) -> str:
    """Render a SELECT/ASK/CONSTRUCT result as ``table``, ``csv`` or ``json``."""
    if result.type == "ASK":
        return json.dumps({"boolean": bool(result.askAnswer)}) if fmt == "json" else str(bool(result.askAnswer)).lower()
    if result.type in ("CONSTRUCT", "DESCRIBE"):
        text = result.serialize(format="turtle")
        return _CONTROL.sub(_uchar, text.decode("utf-8") if isinstance(text, bytes) else text)
    names = [str(v) for v in result.vars]
    answer = solutions(result)
    rows = [[_cell(v) for v in r] for r in answer]
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(names)
        w.writerows([_csv_cell(v) for v in r] for r in answer)
        return buf.getvalue()
    if fmt == "json":
        return json.dumps([dict(zip(names, r, strict=True)) for r in rows], ensure_ascii=False, indent=1)
    short = []
    for r in rows:  # on a terminal: a control character (ESC…) or bidi override shown, never run
        short.append([printable(_shorten(c, g)) for c in r])
    widths = [max([len(n)] + [len(r[i]) for r in short]) for i, n in enumerate(names)]
    widths = [min(w, 60) for w in widths]
    line = "  ".join(n.ljust(widths[i]) for i, n in enumerate(names))
    out = [line, "  ".join("-" * w for w in widths)]
    for r in short:
        out.append("  ".join((c if len(c) <= widths[i] else c[: widths[i] - 1] + "…").ljust(widths[i])
                             for i, c in enumerate(r)))
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(out)


def _shorten(value: str, g: Graph | None) -> str:
    if g is not None and value.startswith("http"):
        try:
            return g.namespace_manager.normalizeUri(value) if "#" in value or "/" in value else value
        except Exception:  # noqa: BLE001
            return value
    return value
