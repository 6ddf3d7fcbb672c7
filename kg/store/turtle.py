"""Turtle and TriG writing: the ``@prefix`` header, the N-Triples → Turtle term shortener, the
:class:`GraphWriter` that streams ``graph.ttl`` / ``graph.trig`` while the graph is emitted, and
:func:`write_turtle` (``derived.ttl``).

Imports rdflib-free helpers only (:mod:`kg.namespace`, :mod:`kg.store.atomic`); no spaCy, no
pyoxigraph.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from pathlib import Path
from typing import IO

from kg.namespace import PREFIXES
from kg.resolve import Resolution
from kg.store.atomic import atomic_write

__all__ = ["GraphWriter", "prefix_header", "write_turtle", "write_derived", "TURTLE_PREFIXES"]

#: the prefixes of graph.ttl's header and of the store's Turtle: every prefix but the instances'
TURTLE_PREFIXES = tuple(sorted((p, ns) for p, ns in PREFIXES.items() if p != "ckgr"))


_RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
_ALT_LABEL = "<http://www.w3.org/2004/02/skos/core#altLabel>"
_LOCAL = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")


def prefix_header() -> str:
    return "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in TURTLE_PREFIXES) + "\n"


_INSTANCES = "<https://w3id.org/conflict-kg/id/"


class _Shortener(dict):
    """N-Triples term → Turtle term: vocabulary IRIs and datatypes as CURIEs (cached; the
    instance IRIs and untyped literals, most of the terms, are left as they are)."""

    def __missing__(self, term: str) -> str:
        out = term
        if term.startswith("<"):
            iri = term[1:-1]
            for prefix, ns in TURTLE_PREFIXES:
                if iri.startswith(ns) and _LOCAL.match(iri[len(ns):]):
                    out = f"{prefix}:{iri[len(ns):]}"
                    break
        self[term] = out
        return out

    def term(self, t: str) -> str:
        if t[0] == "<":
            return t if t.startswith(_INSTANCES) else self[t]
        if t[-1] != ">":  # "..." or "..."@lang
            return t
        cut = t.rindex("^^<")
        return f"{t[:cut]}^^{self[t[cut + 2:]]}"


class GraphWriter:
    """Streams emitted graphs (:func:`kg.rdf.emit.emit_graphs`) into ``graph.ttl`` (every triple once)
    and ``graph.trig`` (one block per named graph), in the order they come, grouped by subject.

    Triples of an article are unique to it except ``skos:altLabel`` and those of events several
    articles tell (``shared`` subjects): only these go through a set, so memory stays small.
    Written from the emitter rather than dumped from the Oxigraph store, because the store
    keeps ``xsd:nonNegativeInteger`` (NIF offsets) as ``xsd:integer``.
    """

    def __init__(self, turtle: IO[str], trig: IO[str], shared: set[str] = frozenset(),
                 on_block: Callable[[str], None] | None = None):
        self.turtle, self.trig, self.shared = turtle, trig, shared
        self.on_block = on_block  # told each TriG block as it is written (a build's store loads them)
        self.triples = 0
        self._seen: set[tuple[str, str, str]] = set()
        self._short = _Shortener()
        turtle.write(prefix_header())
        trig.write(prefix_header())

    @staticmethod
    def _block(by_subject: dict[str, list[str]], indent: str) -> str:
        sep = f" ;\n{indent}    "
        return "".join(f"{indent}{s} {sep.join(pos)} .\n" for s, pos in by_subject.items() if pos)

    def write(self, graph: str, triples: list[tuple[str, str, str]]) -> str:
        """Write one named graph; return the digest of its text (the same for the same triples
        emitted in the same order: what :func:`kg.store.update_store` compares)."""
        term = self._short.term
        shared, seen = self.shared, self._seen
        every: dict[str, list[str]] = {}
        fresh: dict[str, list[str]] = {}
        n = 0
        for t in dict.fromkeys(triples):
            s, p, o = t
            po = f"{'a' if p == _RDF_TYPE else self._short[p]} {term(o)}"
            every.setdefault(s, []).append(po)
            keep = fresh.setdefault(s, [])
            if s in shared or p == _ALT_LABEL:
                if t in seen:
                    continue
                seen.add(t)
            keep.append(po)
            n += 1
        block = self._block(every, "    ")
        text = f"<{graph}> {{\n{block}}}\n\n"
        self.trig.write(text)
        if self.on_block is not None:
            self.on_block(text)
        self.turtle.write(self._block(fresh, "") + "\n")
        self.triples += n
        return hashlib.blake2b(block.encode("utf-8"), digest_size=16).hexdigest()


def write_turtle(triples, path: str | Path) -> int:
    """Write emitted triples (N-Triples terms) as Turtle, one block per run of triples of one
    subject (streamed), with the prefixes of ``graph.ttl``; return how many were written."""
    short = _Shortener()
    n = 0
    with atomic_write(path) as fh:
        fh.write(prefix_header())
        subject, pos = None, []
        for s, p, o in triples:  # a block per run of one subject: nothing else is kept
            if s != subject and pos:
                fh.write(GraphWriter._block({subject: pos}, ""))
                pos = []
            subject = s
            pos.append(f"{'a' if p == _RDF_TYPE else short[p]} {short.term(o)}")
            n += 1
        if pos:
            fh.write(GraphWriter._block({subject: pos}, ""))
    return n


def write_derived(store, res: Resolution, path: str | Path) -> None:
    """``derived.ttl``: the derived facts of :mod:`kg.rdf.derive` (loaded into the store beside the graph)."""
    from kg.rdf.derive import derived_triples

    write_turtle(derived_triples(res), path)
