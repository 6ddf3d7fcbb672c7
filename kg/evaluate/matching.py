"""Matching produced nodes to gold keys, as the reference scorer ``shared/tools/score.py`` does.

:class:`Matcher` caches the labels, kinds and gold keys of the graph's nodes;
:func:`produced_events` reads an article's produced events as gold keys; :func:`accepted`,
:func:`agreement` and :func:`role_checks` compare a gold event record with a produced one.

Reads an rdflib graph; imports nothing of the pipeline or of spaCy.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from rdflib import Graph
from rdflib.term import Node

from kg.evaluate.gold import ACTOR_CLASSES, ACTOR_ROLES, FAMILIES, PLACE_CLASSES, TWINS
from kg.gazetteer import norm
from kg.namespace import CKG, DCTERMS, NIF, RDF, RDFS, SKOS

__all__ = ["Matcher", "SysEvent", "accepted", "agreement", "produced_events", "role_checks"]

_CKG_IRI = str(CKG)


def _local(term: Node) -> str:
    return re.split(r"[#/]", str(term))[-1]


class Matcher:
    """Labels, kinds and gold keys of the graph's nodes, cached."""

    def __init__(self, graph: Graph, catalog: Mapping[str, dict]):
        self.g = graph
        self.alias_index: dict[str, set[str]] = defaultdict(set)
        self.key_kind = {
            k: ("place" if rec.get("class") in PLACE_CLASSES else "actor") for k, rec in catalog.items()
        }
        self.key_class = {k: rec.get("class") for k, rec in catalog.items()}
        for key, rec in catalog.items():
            for alias in [rec.get("label", "")] + list(rec.get("aliases", [])):
                if alias:
                    self.alias_index[norm(str(alias))].add(key)
        self.articles = {
            str(o): s
            for s, o in graph.subject_objects(DCTERMS.identifier)
            if (s, RDF.type, CKG.Article) in graph
        }
        self._kinds: dict[Node, tuple[str | None, str | None]] = {}

    def kind(self, node: Node) -> tuple[str | None, str | None]:
        """``("actor" | "place" | "event" | None, most specific ckg class name or None)``."""
        if node not in self._kinds:
            types = {_local(t) for t in self.g.objects(node, RDF.type) if str(t).startswith(_CKG_IRI)}
            res: tuple[str | None, str | None] = (None, None)
            if ev := sorted(t for t in types if t in FAMILIES):
                res = ("event", ev[0])
            elif types & ACTOR_CLASSES:
                res = ("actor", (sorted(types & ACTOR_CLASSES - {"Actor"}) or ["Actor"])[0])
            elif types & PLACE_CLASSES:
                res = ("place", (sorted(types & PLACE_CLASSES - {"Place"}) or ["Place"])[0])
            self._kinds[node] = res
        return self._kinds[node]

    def labels(self, node: Node, article: Node | None = None) -> set[str]:
        """Normalised labels of ``node``, with its mention anchors in ``article`` (all if None)."""
        out = {
            norm(str(o)) for p in (SKOS.prefLabel, SKOS.altLabel, RDFS.label) for o in self.g.objects(node, p)
        }
        for m in self.g.objects(node, CKG.denotedBy):
            if article is None or (m, NIF.referenceContext, article) in self.g:
                out |= {norm(str(o)) for o in self.g.objects(m, NIF.anchorOf)}
        return {x for x in out if x}

    def keys_of(self, node: Node, article: Node | None = None, allowed: set[str] | None = None) -> set[str]:
        """Gold keys matching ``node``'s labels and kind; only the ``allowed`` ones if any is."""
        keys: set[str] = set()
        for label in self.labels(node, article):
            keys |= self.alias_index.get(label, set())
        kind, cls = self.kind(node)
        if kind in ("actor", "place"):
            keys = {k for k in keys if self.key_kind.get(k) == kind or {cls, self.key_class.get(k)} == TWINS}
        if allowed is not None and keys & allowed:
            return keys & allowed
        return keys


@dataclass
class SysEvent:
    type: str
    places: set[str]
    roles: dict[str, set[str]]
    dates: set[str]
    counts: set[int]


def accepted(gold_event: Mapping, family: bool = False) -> set[tuple[str, str]]:
    t = gold_event["type"]
    t = FAMILIES.get(t, t) if family else t
    return {(t, p) for p in [gold_event["place"]] + list(gold_event.get("place_alt", []))}


def agreement(ge: Mapping, e: SysEvent) -> int:
    """How well a produced event fits a gold record: date (2), each actor role, a toll (1 each)."""
    gd = ge.get("date") or ge.get("start")
    return (
        2 * bool(gd and gd in e.dates)
        + sum(bool(set(ge.get(r) or []) & e.roles[r]) for r in ("agents", "targets", "reported_by"))
        + bool({f["count"] for f in ge.get("fatalities", [])} & e.counts)
    )


def produced_events(
    m: Matcher, art: Node, nodes: set[Node], allowed: set[str], node_keys: Callable[[Node], set[str]]
) -> list[SysEvent]:
    """The article's produced events, in IRI order, with their places and roles as gold keys."""
    out = []
    for ev in sorted((n for n in nodes if m.kind(n)[0] == "event"), key=str):
        places: set[str] = set()
        for p in m.g.objects(ev, CKG.place):
            places |= node_keys(p) or {f"?{sorted(m.labels(p))[:1]}"}
        roles = {}
        for role, prop in ACTOR_ROLES.items():
            # disputed_by keys bypass the mapping (score.py does not look at them)
            keys_fn = node_keys if role != "disputed_by" else (lambda a: m.keys_of(a, art, allowed))
            roles[role] = set().union(*[keys_fn(a) for a in m.g.objects(ev, prop)])
        out.append(
            SysEvent(
                type=m.kind(ev)[1] or "",
                places=places or {"?none"},
                roles=roles,
                dates={str(d) for p in (CKG.date, CKG.startDate) for d in m.g.objects(ev, p)},
                counts={
                    int(c)
                    for f in m.g.objects(ev, CKG.fatalities)
                    for c in m.g.objects(f, CKG["count"])
                    if str(c).lstrip("-").isdigit()
                },
            )
        )
    return out


def role_checks(ge: Mapping, e: SysEvent) -> list[tuple[str, bool]]:
    """(role, right?) for each role the gold event gives, against its matched produced event."""
    checks = [(role, bool(set(ge[role]) & e.roles[role])) for role in ACTOR_ROLES if ge.get(role)]
    if gd := ge.get("date") or ge.get("start"):
        checks.append(("date", gd in e.dates))
    checks += [("fatalities", f["count"] in e.counts) for f in ge.get("fatalities", [])]
    return checks
