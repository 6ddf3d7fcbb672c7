"""Pass 1 — :func:`assign_mentions`: every mention gets a canonical entity id by the first merge
rule (:data:`MERGE_RULES`) that applies; how each entity's forms were merged is kept in
:class:`~kg.resolve.records.MergeStats`.

Must not import rdflib, pyoxigraph or spaCy (resolve sits below rdf; ``lint-imports`` checks).
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import replace

from rapidfuzz import fuzz, process

from kg.gazetteer import Gazetteer, norm
from kg.resolve.entities import add_gaz_chain, gaz_or_new
from kg.resolve.records import Entity, MergeStats, Tables, freeze
from kg.schema.records import Mention

__all__ = ["FUZZY_THRESHOLD", "MERGE_RULES", "slug", "assign_mentions"]

FUZZY_THRESHOLD = 90
#: the merge rules, in the order they are tried (the ``rules`` column of entities.csv)
MERGE_RULES = ("override", "gazetteer", "alias", "normalised", "person-part", "fuzzy", "new")


def slug(text: str) -> str:
    """ASCII slug for IRIs.

    >>> slug("Khaldiyé (Homs)")
    'khaldiye-homs'
    """
    s = norm(text).replace("'", " ")
    s = re.sub(r"[^a-z0-9]+", "-", s).strip("-")
    return s[:80] or "x"


class _Assigner:
    """The working state of :func:`assign_mentions` (local to the pass)."""

    def __init__(self, gaz: Gazetteer, overrides: Mapping):
        self.gaz = gaz
        self.overrides = overrides
        self.entities: dict[str, Entity] = {}
        self.by_norm: dict[tuple[str, str], str] = {}
        self._names: dict[tuple[str, str], list[tuple[str, str]]] = {}
        self._forms: dict[tuple[str, str], tuple[list[str], list[str]]] = {}

    def _seen_names(self, kind: str, cls: str) -> tuple[list[str], list[str]]:
        """Normalised names already resolved to entities of this kind and class, sorted (for fuzzy matching)."""
        if (kind, cls) not in self._names:
            self._names[(kind, cls)] = sorted((name, eid) for (k, name), eid in self.by_norm.items()
                                              if k == kind and self.entities[eid].cls == cls)
        pairs = self._names[(kind, cls)]
        return [p[0] for p in pairs], [p[1] for p in pairs]

    def _remember(self, m: Mention, name: str, eid: str) -> None:
        self.by_norm[(m.kind, name)] = eid
        if (m.kind, m.cls) in self._names:
            bisect.insort(self._names[(m.kind, m.cls)], (name, eid))

    def _gaz_forms(self, kind: str, cls: str) -> tuple[list[str], list[str]]:
        if (kind, cls) not in self._forms:
            forms = [(norm(f), e.id) for e in self.gaz.entries.values() if e.kind == kind and e.cls == cls
                     for f in (e.label, *e.aliases)]
            self._forms[(kind, cls)] = ([f for f, _ in forms], [i for _, i in forms])
        return self._forms[(kind, cls)]

    def new(self, eid: str, kind: str, cls: str, label: str) -> Entity:
        """The entity ``eid``, made if need be. A gazetteer id brings its ``located_in`` and the places
        that contain it (also when it is the slug of a name the gazetteer rules missed), so every
        ``located_in`` is an entity."""
        if eid in self.entities:
            return self.entities[eid]
        e = gaz_or_new(self.gaz, eid, kind, cls, label)
        self.entities[eid] = e
        add_gaz_chain(self.entities, self.gaz, eid)
        return e

    def _kind_of(self, eid: str, default: str) -> str:
        """The kind of the entity ``eid`` (a gazetteer entry's, or the one made first), else ``default``."""
        if eid in self.gaz:
            return self.gaz[eid].kind
        return self.entities[eid].kind if eid in self.entities else default

    def gaz_entity(self, gid: str) -> Entity:
        g = self.gaz[gid]
        return self.new(gid, g.kind, g.cls, g.label)

    def resolve_mention(self, m: Mention, same_article: tuple[Mention, ...]) -> tuple[str, str, float]:
        key = norm(m.text)
        target = self.overrides["merge"].get(key)
        if target is not None and self._kind_of(target, m.kind) == m.kind:
            # a merge joins names of one kind: a mention of another kind (the form a place here, the
            # target an actor) is resolved as if the rule were not there, never made into the target
            if target in self.gaz:
                self.gaz_entity(target)
            else:
                self.new(target, m.kind, m.cls, m.text)
            return target, "override", 1.0
        split = key in self.overrides["split"]
        if m.gaz_id and m.gaz_id in self.gaz and not split:
            self.gaz_entity(m.gaz_id)
            return m.gaz_id, "gazetteer", 1.0
        if not split:
            # same name and same class: "le village de Khalidiya" is not the Khaldiyé district
            hits = [h for h in self.gaz.lookup(m.text, m.kind) if h.cls == m.cls]
            if len(hits) == 1:
                self.gaz_entity(hits[0].id)
                return hits[0].id, "alias", 1.0
        nk = (m.kind, key)
        if nk in self.by_norm:
            return self.by_norm[nk], "normalised", 1.0
        if not split and m.cls == "Person":
            toks = set(key.split())
            for other in same_article:
                if other is m or other.cls != "Person":
                    continue
                ok = set(norm(other.text).split())
                if len(toks) < len(ok) and toks <= ok:
                    oid = self.by_norm.get((other.kind, norm(other.text)))
                    if oid:
                        return oid, "person-part", 1.0
        if not split:
            best, best_score = None, 0.0
            names, ids = self._seen_names(m.kind, m.cls)
            hit = process.extractOne(key, names, scorer=fuzz.token_sort_ratio) if names else None
            if hit is not None:
                best, best_score = ids[hit[2]], hit[1]
            if len(key) >= 5:
                forms, gids = self._gaz_forms(m.kind, m.cls)
                hit = process.extractOne(key, forms, scorer=fuzz.token_sort_ratio) if forms else None
                if hit is not None and hit[1] > best_score:
                    best, best_score = gids[hit[2]], hit[1]
            if best is not None and best_score >= FUZZY_THRESHOLD:
                if best in self.gaz:
                    self.gaz_entity(best)
                self._remember(m, key, best)
                return best, "fuzzy", round(best_score / 100, 3)
        eid = slug(m.text)
        # not the id of another kind of thing: an entity met before, or a gazetteer entry (a person
        # "Hama" is not the city of Hama, whose id the slug is)
        while (eid in self.entities and (self.entities[eid].kind != m.kind or self.entities[eid].cls != m.cls)) \
                or (eid not in self.entities and eid in self.gaz and self.gaz[eid].kind != m.kind):
            eid += "-" + m.cls.lower()
        self.new(eid, m.kind, m.cls, m.text)
        self._remember(m, key, eid)
        return eid, "new", 1.0


class _Tally:
    __slots__ = ("forms", "classes", "rules", "min_score", "articles")

    def __init__(self) -> None:
        self.forms: Counter = Counter()
        self.classes: Counter = Counter()
        self.rules: set[str] = set()
        self.min_score = 1.0
        self.articles: set[str] = set()

    def freeze(self) -> MergeStats:
        return MergeStats(tuple(sorted(self.forms.items())), tuple(sorted(self.classes.items())),
                          tuple(sorted(self.rules)), self.min_score, tuple(sorted(self.articles)))


def assign_mentions(t: Tables) -> Tables:
    """Pass 1: the entity of every mention (``mentions``), the entities so far (``entities``)
    and how each entity's forms were merged (``merges``)."""
    r = _Assigner(t.gazetteer, t.overrides)
    mentions: dict[str, list[str | None]] = {}
    tallies: dict[str, _Tally] = {}
    for pass_gaz in (True, False):
        for ex in t.extractions:
            aid = ex.article.id
            ms = ex.mentions
            ids = mentions.setdefault(aid, [None] * len(ms))
            order = sorted(range(len(ms)), key=lambda i, ms=ms: (-len(ms[i].text), ms[i].start))
            for i in order:
                m = ms[i]
                if bool(m.gaz_id) != pass_gaz:
                    continue
                eid, rule, score = r.resolve_mention(m, ms)
                ids[i] = eid
                tally = tallies.get(eid)
                if tally is None:
                    tally = tallies[eid] = _Tally()
                tally.forms[m.text] += 1
                tally.classes[m.cls] += 1
                tally.rules.add(rule)
                tally.min_score = min(tally.min_score, score)
                tally.articles.add(aid)
    return replace(t, entities=freeze(r.entities), mentions=freeze({a: tuple(v) for a, v in mentions.items()}),
                   merges=freeze({eid: tally.freeze() for eid, tally in tallies.items()}))
