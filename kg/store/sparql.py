"""A SPARQL 1.1 lexer, and what kg needs to know of a query before it runs it.

:func:`tokens` cuts a query into the terminals of the SPARQL 1.1 grammar (IRIs, the four kinds of
string literal, comments, variables, prefixed names, keywords, punctuation), so that a word inside
a comment, a string or an IRI is never taken for a keyword.

- :func:`federated` says whether a query or update would reach out to other servers (``SERVICE``;
  and ``LOAD`` in an update). ``kg query`` and ``kg serve`` refuse such requests unless asked
  (:func:`check_federation`). SPARQL lets ``\\uXXXX`` escapes stand for any character *before*
  parsing (some engines, rdflib among them, apply them), so both the text and its unescaped form
  are checked.
- :func:`with_values` binds parameters on the Oxigraph store: a ``VALUES`` block placed first in
  the query's outer group (the token after which it goes is found by the lexer, never by a text
  search), its terms written by Oxigraph's own term serializer. Oxigraph's ``substitutions=`` would
  not do: it accepts only projected variables and binds them *after* the ``WHERE`` clause, so
  ``FILTER (!BOUND(?place) || …)`` — how the named queries make a parameter optional — would not see
  the value (rdflib's ``initBindings``, the other path, binds before).
- :func:`with_values` also turns on the query's *bound-parameter patterns*: a comment line
  ``#+ ?place: ?event ckg:place/ckg:within ?place .`` becomes the pattern after the colon when
  ``?place`` is bound, so the store joins from the parameter's value instead of testing every row
  against a ``FILTER``. Such a pattern must say no more than the query's own filter on that
  parameter already says, and match at most once per solution: every other SPARQL engine (and
  rdflib, kg's other path) reads it as a comment and gives the same answer, only slower.

>>> [t.kind for t in tokens('SELECT ?s # SERVICE\\nWHERE { ?s <p> "SERVICE" }')]
['word', 'var', 'comment', 'word', 'punct', 'var', 'iri', 'string', 'punct']
>>> federated('SELECT * { SERVICE <http://x/> { ?s ?p ?o } }'), federated('SELECT ("SERVICE" AS ?x) {}')
(True, False)
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from kg.errors import QueryError

__all__ = ["Token", "tokens", "federated", "check_federation", "outer_group_end", "with_values", "bound_patterns",
           "syntax_error_at"]

_TOKEN = re.compile(r"""
  (?P<space>\s+)
| (?P<comment>\#[^\n\r]*)
| (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
| (?P<string>'''(?:[^'\\]|\\.|'(?!''))*(?:'''|\Z)|\"\"\"(?:[^"\\]|\\.|"(?!""))*(?:\"\"\"|\Z)
            |'(?:[^'\\\n\r]|\\.)*(?:'|$)|"(?:[^"\\\n\r]|\\.)*(?:"|$))
| (?P<var>[?$][\w\u00b7\u0300-\u036f\u203f\u2040]+)
| (?P<bnode>_:[\w.\-\u00b7\u0300-\u036f\u203f\u2040]+)
| (?P<pname>(?:[^\W\d_][\w.\-]*)?:(?:[\w\-:%]|\\[_~.\-!$&'()*+,;=/?\#@%]|\.(?=[\w\-:%]))*)
| (?P<langtag>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
| (?P<number>[+-]?(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?))
| (?P<word>[^\W\d][\w]*)
| (?P<punct>\^\^|\|\||&&|!=|<=|>=|[{}()\[\];,.*/+\-=<>!|^])
| (?P<other>.)
""", re.VERBOSE | re.DOTALL | re.MULTILINE)
_HINT = re.compile(r"#\+\s*[?$]([A-Za-z_][A-Za-z0-9_]*)\s*:(.*)\Z", re.DOTALL)
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


@dataclass(frozen=True, slots=True)
class Token:
    """One terminal of a query: its kind, its text and where it is (``start``, ``end``)."""

    kind: str
    text: str
    start: int
    end: int


def tokens(text: str) -> list[Token]:
    """The tokens of ``text`` (white space left out, comments kept as ``comment`` tokens)."""
    out = []
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup or "other"
        if kind != "space":
            out.append(Token(kind, m.group(0), m.start(), m.end()))
    return out


def _unescape(text: str) -> str:
    def char(m: re.Match) -> str:
        code = int(m.group(1) or m.group(2), 16)
        return chr(code) if code <= 0x10FFFF else m.group(0)

    return _ESCAPE.sub(char, text)


def _keywords(text: str) -> set[str]:
    return {t.text.upper() for t in tokens(text) if t.kind == "word"}


def federated(text: str, *, update: bool = False) -> bool:
    """Whether a query (or, with ``update``, an update) would call other servers: ``SERVICE``,
    and ``LOAD`` in an update — in the text or in its ``\\u``-unescaped form."""
    words = {"SERVICE", "LOAD"} if update else {"SERVICE"}
    forms = {text, _unescape(text)}
    return any(_keywords(f) & words for f in forms)


def check_federation(text: str, *, allow: bool = False, update: bool = False) -> None:
    """Raise :class:`QueryError` when ``text`` would reach out to other servers and ``allow`` is false."""
    if not allow and federated(text, update=update):
        what = "SERVICE or LOAD" if update else "SERVICE"
        raise QueryError(f"the query uses {what}, which would send requests to other servers; kg refuses "
                         "federated queries unless asked (kg query --allow-service)")


def _significant(text: str) -> list[Token]:
    return [t for t in tokens(text) if t.kind != "comment"]


def outer_group_end(text: str) -> int:
    """The offset just after the ``{`` that opens the query's outer ``WHERE`` group."""
    toks = _significant(text)
    form = next((i for i, t in enumerate(toks) if t.kind == "word"
                 and t.text.upper() in ("SELECT", "CONSTRUCT", "ASK", "DESCRIBE")), None)
    if form is None:
        raise QueryError("not a SPARQL query (no SELECT, CONSTRUCT, ASK or DESCRIBE); parameters need one")
    i = form + 1
    if toks[form].text.upper() == "CONSTRUCT":
        if i < len(toks) and toks[i].kind == "word" and toks[i].text.upper() == "WHERE":
            raise QueryError("parameters cannot be bound in the short form CONSTRUCT WHERE { … }; "
                             "write CONSTRUCT { … } WHERE { … }")
        if i < len(toks) and toks[i].text == "{":  # skip the template
            depth = 0
            while i < len(toks):
                depth += {"{": 1, "}": -1}.get(toks[i].text, 0) if toks[i].kind == "punct" else 0
                i += 1
                if depth == 0:
                    break
    parens = 0
    for t in toks[i:]:
        if t.kind != "punct":
            continue
        if t.text in "([":
            parens += 1
        elif t.text in ")]":
            parens -= 1
        elif t.text == "{" and parens == 0:
            return t.end
    raise QueryError("the query has no WHERE { … } group to bind parameters in")


def with_values(text: str, names: Sequence[str], terms: Sequence[str]) -> str:
    """``text`` with ``VALUES (?n1 ?n2) { (t1 t2) }`` first in its outer group.

    ``names`` must be SPARQL variable names and ``terms`` terms in N-Triples syntax as a store's
    serializer writes them (``<iri>``, ``"literal"^^<type>``, ``"x"@fr``); each is checked to be one
    token of that kind, so no value can add anything else to the query.
    """
    for name in names:
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            raise QueryError(f"parameter {name!r}: not a SPARQL variable name")
    for term in terms:
        toks = tokens(term)
        kinds = [t.kind for t in toks]
        if not (kinds == ["iri"] or kinds == ["string"] or kinds == ["string", "langtag"]
                or kinds == ["string", "punct", "iri"] and toks[1].text == "^^"):
            raise QueryError(f"cannot bind {term!r}: not one RDF term")
    at = outer_group_end(text)
    block = f" VALUES ({' '.join('?' + n for n in names)}) {{ ({' '.join(terms)}) }} "
    return bound_patterns(text[:at] + block + text[at:], names)


def bound_patterns(text: str, names: Sequence[str]) -> str:
    """``text`` with its ``#+ ?name: pattern`` comments turned into their patterns, for the ``names``
    that are bound (the others stay comments).

    A pattern turned on makes the query's own ``FILTER (!BOUND(?name) || EXISTS { pattern })`` in
    the same group always true (every solution of the group now matches the pattern), so that
    filter, when written with the very same pattern, is left out: the store would otherwise test
    again, row by row, what it has just joined (2-3x the time of some named queries).

    >>> bound_patterns("SELECT * { ?e ?p ?o #+ ?place: ?e <urn:in> ?place .\\n}", ["place"])
    'SELECT * { ?e ?p ?o  ?e <urn:in> ?place .\\n}'
    >>> q = "SELECT * { ?e ?p ?o #+ ?x: ?e <urn:in> ?x .\\n FILTER (!BOUND(?x) || EXISTS { ?e <urn:in> ?x }) }"
    >>> bound_patterns(q, ["x"])
    'SELECT * { ?e ?p ?o  ?e <urn:in> ?x .\\n  }'
    >>> bound_patterns(q, []) == q
    True
    """
    bound = set(names)
    toks = tokens(text)
    groups = _groups(toks)
    cuts: list[tuple[int, int, str]] = []
    turned_on: set[tuple[int, str, tuple[str, ...]]] = set()
    for i, t in enumerate(toks):
        m = _HINT.match(t.text) if t.kind == "comment" else None
        if m and m.group(1) in bound:
            cuts.append((t.start, t.end, m.group(2)))
            turned_on.add((groups[i], m.group(1), _pattern_key(tokens(m.group(2)))))
    if turned_on:
        for i, t in enumerate(toks):
            if t.kind == "word" and t.text.upper() == "FILTER":
                found = _exists_filter(toks, i)
                if found and (groups[i], found[1], found[2]) in turned_on:
                    cuts.append((t.start, toks[found[0]].end, ""))
    out, last = [], 0
    for start, end, replacement in sorted(cuts):
        out += [text[last:start], replacement]
        last = end
    return "".join(out) + text[last:]


def _groups(toks: list[Token]) -> list[int]:
    """For each token, the group (``{ … }``) it lies in: 0 outside any, then a number per group."""
    stack, n, out = [0], 0, []
    for t in toks:
        out.append(stack[-1])
        if t.kind == "punct" and t.text == "{":
            n += 1
            stack.append(n)
        elif t.kind == "punct" and t.text == "}" and len(stack) > 1:
            stack.pop()
    return out


def _pattern_key(toks: list[Token]) -> tuple[str, ...]:
    """A pattern's tokens (no comments, no final ``.``), words in capitals: what two patterns
    compare by."""
    key = [t.text.upper() if t.kind == "word" else t.text for t in toks if t.kind != "comment"]
    return tuple(key[:-1] if key and key[-1] == "." else key)


def _exists_filter(toks: list[Token], i: int) -> tuple[int, str, tuple[str, ...]] | None:
    """At ``toks[i]`` = ``FILTER``: when it reads ``FILTER (!BOUND(?x) || EXISTS { pattern })``,
    the index of its last token, ``x`` and the pattern's key; else None."""
    head = ["(", "!", "BOUND", "(", None, ")", "||", "EXISTS", "{"]
    if i + len(head) > len(toks):
        return None
    for want, t in zip(head, toks[i + 1:i + 1 + len(head)], strict=True):
        if want is None:
            if t.kind != "var":
                return None
        elif (t.text.upper() if t.kind == "word" else t.text) != want:
            return None
    j, depth = i + 1 + len(head), 1
    body_start = j
    while j < len(toks) and depth:
        if toks[j].kind == "punct" and toks[j].text in "{}":
            depth += 1 if toks[j].text == "{" else -1
        j += 1
    if depth or j >= len(toks) or toks[j].text != ")":
        return None
    return j, toks[i + 5].text[1:], _pattern_key(toks[body_start:j - 1])


def syntax_error_at(text: str, known: Sequence[str] = ()) -> str | None:
    """Where a query that does not parse goes wrong, as a reader needs it: ``"line 4, column 19, at ','
    in '?e ckg:place ?p ,, .'"`` — found by rdflib's SPARQL parser, which stops at the first token it
    cannot read, where Oxigraph's often reports the end of the query; or the first prefixed name
    whose prefix neither the query nor ``known`` (the prefixes kg declares for it) declares. None when
    neither finds anything (the two grammars differ at the edges: Oxigraph's own message then
    stands alone)."""
    from pyparsing import ParseBaseException
    from rdflib.plugins.sparql.parser import parseQuery

    try:
        parseQuery(text)
    except ParseBaseException as exc:
        line = exc.line
        near = line[exc.col - 1:].split()
        at = f", at {near[0][:30]!r}" if near else ""
        return f"line {exc.lineno}, column {exc.col}{at} in {line.strip()[:120]!r}"
    except Exception:  # noqa: BLE001 - any other failure of the second parser: nothing to add
        return None
    toks = tokens(text)
    declared = set(known) | {toks[i + 1].text[:-1] for i, t in enumerate(toks[:-1])
                             if t.kind == "word" and t.text.upper() == "PREFIX" and toks[i + 1].kind == "pname"}
    for t in toks:
        prefix = t.text.partition(":")[0]
        if t.kind == "pname" and prefix not in declared:
            lineno = text.count("\n", 0, t.start) + 1
            col = t.start - (text.rfind("\n", 0, t.start) + 1) + 1
            return (f"line {lineno}, column {col}: prefix {prefix + ':'!r} is not declared "
                    f"(PREFIX {prefix}: <…>; kg declares {', '.join(p + ':' for p in sorted(known))})")
    return None
