"""Score a built graph against gold annotations: the product's own scorer.

The gold has the format of the team's ``shared/gold`` (see its ``README.md``): an entity
catalogue (JSON, keyed by slug) and one JSON file per article listing the catalogue keys of
the entities it names and its events as ``(type, place)`` records with their roles.

:func:`evaluate` computes exactly the figures of the team's reference scorer
``shared/tools/score.py`` on the same inputs (same label matching, allowed keys per
article, optional entities and events, ``place_alt``, role checks, cross-article
consistency and mention offsets), and adds what users need beyond them: precision, recall
and F1 per article for entities, events and event families, the ``disputed_by`` role, a
breakdown per event type, and misses and extras per article. :func:`format_table` prints
it; :meth:`Evaluation.to_dict` gives a JSON-ready superset of ``score.py --json``.

Matching, as the reference scorer does it:

- a produced actor or place matches the gold keys one of whose aliases, normalised with
  :func:`kg.gazetteer.norm`, equals one of its labels (``skos:prefLabel``,
  ``skos:altLabel``, ``rdfs:label`` or a mention's ``nif:anchorOf`` in that article), of the
  same kind (actor or place); keys the article's gold lists win over others;
- an entity counts right the first time it brings a new allowed key (listed or optional)
  and wrong otherwise, so a duplicate node of a found entity counts against precision;
- a state and its country share a name: a ``ForeignState`` node and a ``Country`` node
  match each other's key ("twins"), and the second of such a pair in one article is neither
  right nor wrong;
- each non-optional gold event needs a produced event of its own with an accepted
  ``(type, place)`` (``place_alt`` accepted): two gold events of one type at one place need
  two produced events; among the unused candidates, the one agreeing best on date and roles
  is taken (ties go to the first in IRI order). Optional gold events are neither counted as
  found nor missed, and produced pairs that match them are not counted wrong; produced pairs
  matching no gold event count against precision, extra events on a matched pair do not;
  families are the same pairs with the type replaced by its family;
- a role of a matched gold event is right when the produced event matched to it carries one
  of the listed values.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rdflib import Graph
from rdflib.term import Node

from kg.errors import KgError
from kg.gazetteer import ACTOR_CLASSES as _GAZ_ACTOR_CLASSES
from kg.gazetteer import PLACE_CLASSES as _GAZ_PLACE_CLASSES
from kg.gazetteer import norm
from kg.namespace import CKG, DCTERMS, NIF, RDF, RDFS, SKOS

__all__ = [
    "ACTOR_CLASSES",
    "ArticleScore",
    "Counts",
    "Evaluation",
    "FAMILIES",
    "GoldError",
    "PLACE_CLASSES",
    "ROLES",
    "Share",
    "check_offsets",
    "evaluate",
    "format_table",
    "load_catalog",
    "load_gold",
    "score_article",
]

ACTOR_CLASSES = frozenset({"Actor", *_GAZ_ACTOR_CLASSES})
PLACE_CLASSES = frozenset({"Place", *_GAZ_PLACE_CLASSES})
#: Event type -> family, the table of the contract (``CasualtyReport`` is its own family).
FAMILIES: Mapping[str, str] = {
    "Offensive": "Battle",
    "ArmedClash": "Battle",
    "TerritoryCapture": "Battle",
    "Airstrike": "RemoteViolence",
    "Shelling": "RemoteViolence",
    "Bombing": "RemoteViolence",
    "ChemicalAttack": "RemoteViolence",
    "AttackOnCivilians": "ViolenceAgainstCivilians",
    "Abduction": "ViolenceAgainstCivilians",
    "Siege": "StrategicDevelopment",
    "Withdrawal": "StrategicDevelopment",
    "Reinforcement": "StrategicDevelopment",
    "PrisonerRelease": "StrategicDevelopment",
    "Ceasefire": "StrategicDevelopment",
    "Evacuation": "StrategicDevelopment",
    "CasualtyReport": "CasualtyReport",
}
#: Gold roles naming actors, and the event property that carries each. ``score.py`` scores
#: the first three; ``disputed_by`` is scored here only.
ACTOR_ROLES: Mapping[str, Node] = {
    "agents": CKG.agent,
    "targets": CKG.target,
    "reported_by": CKG.reportedBy,
    "disputed_by": CKG.disputedBy,
}
#: A state and its country share a name; a node of one class matches the other's gold key.
TWINS = frozenset({"ForeignState", "Country"})
#: Every role scored, in print order.
ROLES = ("agents", "targets", "reported_by", "disputed_by", "date", "fatalities")
_CKG_IRI = str(CKG)


class GoldError(KgError):
    """The gold annotations, the entity catalogue or the texts folder cannot be read."""


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class Counts:
    """True positives, false positives and false negatives, with their P, R and F1.

    Examples
    --------
    >>> c = Counts(tp=3, fp=1, fn=2)
    >>> round(c.precision, 2), round(c.recall, 2), round(c.f1, 3)
    (0.75, 0.6, 0.667)
    >>> (c + Counts(1, 0, 0)).tp
    4
    """

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        """``tp / (tp + fp)``, 0.0 when nothing was produced."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        """``tp / (tp + fn)``, 0.0 when nothing was expected."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall, 0.0 when both are 0."""
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def __add__(self, other: Counts) -> Counts:
        return Counts(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn)

    def to_dict(self) -> dict[str, float | int]:
        """``{"p", "r", "f"}`` as ``score.py --json`` writes them, plus the counts."""
        return {
            "p": self.precision,
            "r": self.recall,
            "f": self.f1,
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
        }


@dataclass(frozen=True)
class Share:
    """How many of ``of`` checks came out right.

    Examples
    --------
    >>> Share(3, 4).share
    0.75
    >>> Share().share is None
    True
    """

    right: int = 0
    of: int = 0

    @property
    def share(self) -> float | None:
        """``right / of``, or None when nothing was checked."""
        return self.right / self.of if self.of else None

    def __add__(self, other: Share) -> Share:
        return Share(self.right + other.right, self.of + other.of)

    def to_dict(self) -> dict[str, float | int | None]:
        """``{"right", "of", "share"}``."""
        return {"right": self.right, "of": self.of, "share": self.share}


@dataclass(frozen=True)
class ArticleScore:
    """The scores of one gold article.

    Attributes
    ----------
    article : str
        The article's identifier (its file stem).
    found : bool
        Whether the graph has a ``ckg:Article`` with that ``dcterms:identifier``.
    entities, events, families : Counts
        Entity keys; ``(type, place)`` pairs; ``(family, place)`` pairs.
    roles : dict of str to Share
        Per role of :data:`ROLES`, over the matched gold events that give it; a role absent
        from every gold event of the article is absent here.
    event_types : dict of str to Counts
        The ``events`` counts split by (gold or produced) event type.
    entity_class : Share
        Right entities whose most specific class is the gold one.
    missed_entities, extra_entities, missed_events, extra_events, role_misses : tuple
        What to look at: gold keys not found, labels of produced entities counted wrong,
        ``Type@place`` of gold events not found and of produced pairs counted wrong, and
        ``role Type@place`` of matched events whose role is wrong.
    mapping : dict of str to tuple of str
        Produced node IRI -> the gold keys it matched in this article (for consistency).
    node_kinds : dict of str to str
        Produced node IRI -> its kind (``actor``, ``place``, ``event``) for the nodes of
        ``mapping``: a state and its country are two nodes of one key.
    """

    article: str
    found: bool
    entities: Counts
    events: Counts
    families: Counts
    roles: dict[str, Share] = field(default_factory=dict)
    event_types: dict[str, Counts] = field(default_factory=dict)
    entity_class: Share = Share()
    missed_entities: tuple[str, ...] = ()
    extra_entities: tuple[tuple[str, ...], ...] = ()
    missed_events: tuple[str, ...] = ()
    extra_events: tuple[str, ...] = ()
    role_misses: tuple[str, ...] = ()
    mapping: dict[str, tuple[str, ...]] = field(default_factory=dict)
    node_kinds: dict[str, str | None] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "article": self.article,
            "found": self.found,
            "entities": self.entities.to_dict(),
            "events": self.events.to_dict(),
            "event_families": self.families.to_dict(),
            "roles": {k: v.to_dict() for k, v in self.roles.items()},
            "event_types": {k: v.to_dict() for k, v in self.event_types.items()},
            "entity_class": self.entity_class.to_dict(),
            "missed_entities": list(self.missed_entities),
            "extra_entities": [list(x) for x in self.extra_entities],
            "missed_events": list(self.missed_events),
            "extra_events": list(self.extra_events),
            "role_misses": list(self.role_misses),
            "mapping": {k: list(v) for k, v in self.mapping.items()},
        }


@dataclass(frozen=True)
class Evaluation:
    """The scores of a graph over a gold folder: per article and overall.

    Attributes
    ----------
    articles : tuple of ArticleScore
        One per gold file, in file-name order.
    entities, events, families : Counts
        Summed over the articles.
    roles : dict of str to Share
        Summed over the articles, in :data:`ROLES` order.
    event_types : dict of str to Counts
        Summed over the articles, by event type name.
    consistency : Share
        Gold entities named in two or more articles that share one produced IRI in all.
    entity_class : Share
        Right entities with the gold's most specific class.
    mention_offsets : Share
        Mentions whose ``nif:anchorOf`` equals ``text[begin:end]`` (0/0 without texts).
    """

    articles: tuple[ArticleScore, ...]
    entities: Counts
    events: Counts
    families: Counts
    roles: dict[str, Share]
    event_types: dict[str, Counts]
    consistency: Share
    entity_class: Share
    mention_offsets: Share

    def summary(self) -> str:
        """One line: entity, event and event-family F1, as ``score.py``'s last line."""
        e, v = self.entities, self.events
        return (
            f"entity F1 {e.f1:.3f} (P {e.precision:.3f} R {e.recall:.3f}); "
            f"event F1 {v.f1:.3f} (P {v.precision:.3f} R {v.recall:.3f}); "
            f"event-family F1 {self.families.f1:.3f}"
        )

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict: the keys of ``score.py --json`` (same meaning) and more."""
        return {
            "entities": self.entities.to_dict(),
            "events": self.events.to_dict(),
            "event_families": self.families.to_dict(),
            "roles": {k: v.to_dict() for k, v in self.roles.items()},
            "event_types": {k: v.to_dict() for k, v in self.event_types.items()},
            "cross_article_consistency": {"consistent": self.consistency.right, "of": self.consistency.of},
            "entity_class": self.entity_class.to_dict(),
            "mention_offsets": {"valid": self.mention_offsets.right, "of": self.mention_offsets.of},
            "articles": [a.to_dict() for a in self.articles],
        }


# --------------------------------------------------------------------------- inputs


def _read_json(path: Path, what: str) -> Any:
    try:
        with path.open(encoding="utf-8") as fh:
            return json.load(fh)
    except OSError as exc:
        raise GoldError(f"{path}: cannot read the {what} ({exc.strerror})") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise GoldError(f"{path}: the {what} is not valid UTF-8 JSON ({exc}); fix the file") from None


def load_catalog(paths: Iterable[str | Path]) -> dict[str, dict]:
    """Read and merge entity catalogues, later files adding to earlier ones.

    Parameters
    ----------
    paths : iterable of str or Path
        JSON files mapping a key to ``{"class", "label", "aliases", ...}``. Keys starting
        with ``_`` are comments, except ``_extra_aliases`` (key -> list of more aliases).

    Returns
    -------
    dict
        Key -> record. A key defined again takes the later record, keeping the earlier
        aliases too.

    Raises
    ------
    GoldError
        A file cannot be read or is not a JSON object.
    """
    cat: dict[str, dict] = {}
    for p in map(Path, paths):
        data = _read_json(p, "entity catalogue")
        if not isinstance(data, dict):
            raise GoldError(f"{p}: an entity catalogue must be a JSON object of key -> record")
        for k, v in data.items():
            if k == "_extra_aliases":
                for key, al in v.items():
                    cat.setdefault(key, {"aliases": []})["aliases"] = cat.get(key, {}).get("aliases", []) + al
            elif not k.startswith("_"):
                if k in cat:
                    v = dict(v, aliases=list(v.get("aliases", [])) + cat[k].get("aliases", []))
                cat[k] = v
    return cat


def load_gold(gold_dir: str | Path) -> list[dict]:
    """Read the per-article gold files (``*.json`` with an ``article`` key) of a folder.

    Raises
    ------
    GoldError
        The folder does not exist, holds no gold file, or a file is not valid JSON.
    """
    folder = Path(gold_dir)
    if not folder.is_dir():
        raise GoldError(f"{folder}: no such gold folder; pass the folder of per-article gold JSON files")
    golds = [_read_json(p, "gold file") for p in sorted(folder.glob("*.json"))]
    golds = [g for g in golds if isinstance(g, dict) and "article" in g]
    if not golds:
        raise GoldError(f"{folder}: no gold file (*.json with an 'article' key) in this folder")
    return golds


# --------------------------------------------------------------------------- matching


def _local(term: Node) -> str:
    return re.split(r"[#/]", str(term))[-1]


class _Matcher:
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
class _SysEvent:
    type: str
    places: set[str]
    roles: dict[str, set[str]]
    dates: set[str]
    counts: set[int]


def _accepted(gold_event: Mapping, family: bool = False) -> set[tuple[str, str]]:
    t = gold_event["type"]
    t = FAMILIES.get(t, t) if family else t
    return {(t, p) for p in [gold_event["place"]] + list(gold_event.get("place_alt", []))}


def _missing_article(gold: Mapping) -> ArticleScore:
    ents = set(gold.get("entities", []))
    required = [e for e in gold.get("events", []) if not e.get("optional")]
    by_type: dict[str, Counts] = defaultdict(Counts)
    for ge in required:
        by_type[ge["type"]] += Counts(fn=1)
    return ArticleScore(
        article=gold["article"],
        found=False,
        entities=Counts(fn=len(ents)),
        events=Counts(fn=len(required)),
        families=Counts(fn=len(required)),
        event_types=dict(sorted(by_type.items())),
        missed_entities=tuple(sorted(ents)),
        missed_events=tuple(f"{e['type']}@{e['place']}" for e in required),
    )


def _agreement(ge: Mapping, e: _SysEvent) -> int:
    """How well a produced event fits a gold record: date (2), each actor role, a toll (1 each)."""
    gd = ge.get("date") or ge.get("start")
    return (
        2 * bool(gd and gd in e.dates)
        + sum(bool(set(ge.get(r) or []) & e.roles[r]) for r in ("agents", "targets", "reported_by"))
        + bool({f["count"] for f in ge.get("fatalities", [])} & e.counts)
    )


def _score_entities(m: _Matcher, art: Node, nodes: set[Node], gold: Mapping, mapping: dict) -> dict[str, Any]:
    """Entity counts of one article: the first node bringing a new allowed key is right; the
    twin (state/country) of a key already found is neutral; any other node is wrong."""
    gold_ents = set(gold.get("entities", []))
    allowed = gold_ents | set(gold.get("optional_entities", []))
    seen: set[str] = set()
    seen_kinds: set[tuple[str, str | None]] = set()
    tp = fp = cls_right = 0
    extra = []
    for n in sorted((n for n in nodes if m.kind(n)[0] in ("actor", "place")), key=str):
        keys = mapping[n] = m.keys_of(n, art, allowed)
        hit = keys & allowed
        kind, cls = m.kind(n)
        if hit and not hit <= seen:
            tp += 1
            seen |= hit
            seen_kinds |= {(k, kind) for k in hit}
            cls_right += any(cls == m.key_class.get(k) or {cls, m.key_class.get(k)} == TWINS for k in hit)
        elif hit and cls in TWINS and not {(k, kind) for k in hit} <= seen_kinds:
            seen_kinds |= {(k, kind) for k in hit}
        else:
            fp += 1
            extra.append(tuple(sorted(m.labels(n, art))[:3] or [str(n)]))
    found = seen & gold_ents
    return {
        "entities": Counts(tp, fp, len(gold_ents - found)),
        "entity_class": Share(cls_right, tp),
        "missed_entities": tuple(sorted(gold_ents - found)),
        "extra_entities": tuple(extra),
    }


def _sys_events(m: _Matcher, art: Node, nodes: set[Node], allowed: set[str], node_keys) -> list[_SysEvent]:
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
            _SysEvent(
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


def _role_checks(ge: Mapping, e: _SysEvent) -> list[tuple[str, bool]]:
    """(role, right?) for each role the gold event gives, against its matched produced event."""
    checks = [(role, bool(set(ge[role]) & e.roles[role])) for role in ACTOR_ROLES if ge.get(role)]
    if gd := ge.get("date") or ge.get("start"):
        checks.append(("date", gd in e.dates))
    checks += [("fatalities", f["count"] in e.counts) for f in ge.get("fatalities", [])]
    return checks


def score_article(m: _Matcher, gold: Mapping) -> ArticleScore:
    """Score one gold article (a dict as read by :func:`load_gold`) with a matcher."""
    art = m.articles.get(gold["article"])
    if art is None:
        return _missing_article(gold)
    allowed = set(gold.get("entities", [])) | set(gold.get("optional_entities", []))
    nodes = set(m.g.subjects(CKG.mentionedIn, art))
    mapping: dict[Node, set[str]] = {}
    ents = _score_entities(m, art, nodes, gold, mapping)

    def node_keys(n: Node) -> set[str]:
        if n not in mapping:
            mapping[n] = m.keys_of(n, art, allowed)
        return mapping[n]

    sys_events = _sys_events(m, art, nodes, allowed, node_keys)
    sys_pairs = {(e.type, p) for e in sys_events for p in e.places}
    fam_pairs = {(FAMILIES.get(t, t), p) for t, p in sys_pairs}

    # each non-optional gold event takes a produced event of its own, the best agreeing
    matched: set[tuple[str, str]] = set()
    fam_matched: set[tuple[str, str]] = set()
    used: set[int] = set()
    ev_tp = ev_fn = fam_tp = 0
    by_type: dict[str, Counts] = defaultdict(Counts)
    roles: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    missed_events, role_misses = [], []
    for ge in sorted(gold.get("events", []), key=lambda ge: bool(ge.get("optional"))):
        acc = _accepted(ge)
        matched |= acc & sys_pairs
        fam_hit = _accepted(ge, family=True) & fam_pairs
        fam_matched |= fam_hit
        if ge.get("optional"):
            continue
        fam_tp += bool(fam_hit)
        name = f"{ge['type']}@{ge['place']}"
        cands = [
            i for i, e in enumerate(sys_events) if i not in used and any((e.type, p) in acc for p in e.places)
        ]
        if not cands:
            ev_fn += 1
            by_type[ge["type"]] += Counts(fn=1)
            missed_events.append(name)
            continue
        best = max(cands, key=lambda i: (_agreement(ge, sys_events[i]), -i))
        used.add(best)
        ev_tp += 1
        by_type[ge["type"]] += Counts(tp=1)
        for role, ok in _role_checks(ge, sys_events[best]):
            roles[role][0] += ok
            roles[role][1] += 1
            if not ok:
                role_misses.append(f"{role} {name}")
    extra_pairs = sys_pairs - matched
    for t, _ in extra_pairs:
        by_type[t] += Counts(fp=1)

    return ArticleScore(
        article=gold["article"],
        found=True,
        events=Counts(ev_tp, len(extra_pairs), ev_fn),
        families=Counts(fam_tp, len(fam_pairs - fam_matched), ev_tp + ev_fn - fam_tp),
        roles={r: Share(*roles[r]) for r in ROLES if r in roles},
        event_types=dict(sorted(by_type.items())),
        missed_events=tuple(missed_events),
        extra_events=tuple(sorted(f"{t}@{p}" for t, p in extra_pairs)),
        role_misses=tuple(role_misses),
        mapping={str(k): tuple(sorted(v)) for k, v in mapping.items()},
        node_kinds={str(k): m.kind(k)[0] for k in mapping},
        **ents,
    )


def _consistency(articles: Sequence[ArticleScore]) -> Share:
    """Gold keys matched in two or more articles, and how many share one IRI in all of them
    (per kind: a state and its country are two nodes of one key)."""
    per_key: dict[tuple[str, str | None], list[set[str]]] = defaultdict(list)
    for a in articles:
        inv: dict[tuple[str, str | None], set[str]] = defaultdict(set)
        for node, keys in a.mapping.items():
            for k in keys:
                inv[(k, a.node_kinds.get(node))].add(node)  # a state and its country are two nodes
        for k, node_set in inv.items():
            per_key[k].append(node_set)
    multi = [sets for sets in per_key.values() if len(sets) >= 2]
    return Share(sum(1 for sets in multi if set.intersection(*sets)), len(multi))


def check_offsets(graph: Graph, texts_dir: str | Path | None) -> Share:
    """Mentions whose ``nif:anchorOf`` equals the article text's ``[begin:end]``.

    Parameters
    ----------
    graph : rdflib.Graph
        The built graph.
    texts_dir : str or Path or None
        Folder of the ``<identifier>.txt`` article files; None checks nothing (0/0).

    Returns
    -------
    Share
        Valid mentions of all checked. A mention lacking offsets or an article identifier
        counts as invalid; one whose article file is absent is not checked.
    """
    if not texts_dir:
        return Share()
    folder = Path(texts_dir)
    if not folder.is_dir():
        raise GoldError(f"{folder}: no such texts folder; pass the folder of the article .txt files")
    ok = total = 0
    texts: dict[str, str | None] = {}
    for mention, anchor in graph.subject_objects(NIF.anchorOf):
        art = graph.value(mention, NIF.referenceContext)
        b, e = graph.value(mention, NIF.beginIndex), graph.value(mention, NIF.endIndex)
        ident = graph.value(art, DCTERMS.identifier) if art is not None else None
        if ident is None or b is None or e is None:
            total += 1
            continue
        if str(ident) not in texts:
            path = folder / f"{ident}.txt"
            texts[str(ident)] = path.read_text(encoding="utf-8", errors="replace") if path.exists() else None
        text = texts[str(ident)]
        if text is None:
            continue
        total += 1
        ok += text[int(b) : int(e)] == str(anchor)
    return Share(ok, total)


def evaluate(
    graph: Graph,
    gold_dir: str | Path,
    catalogs: Iterable[str | Path] | Mapping[str, dict],
    texts_dir: str | Path | None = None,
) -> Evaluation:
    """Score ``graph`` against the gold of ``gold_dir``.

    Parameters
    ----------
    graph : rdflib.Graph
        A built graph (e.g. from :func:`kg.store.load_graph`).
    gold_dir : str or Path
        Folder of per-article gold JSON files.
    catalogs : iterable of str or Path, or mapping
        Entity catalogue files, merged by :func:`load_catalog`, or an already merged catalogue.
    texts_dir : str or Path, optional
        Folder of the article ``.txt`` files, to check mention offsets.

    Returns
    -------
    Evaluation
        Per-article and overall scores.

    Raises
    ------
    GoldError
        The gold, a catalogue or the texts folder cannot be read.
    """
    catalog = dict(catalogs) if isinstance(catalogs, Mapping) else load_catalog(catalogs)
    matcher = _Matcher(graph, catalog)
    articles = tuple(score_article(matcher, g) for g in load_gold(gold_dir))
    roles: dict[str, Share] = defaultdict(Share)
    types: dict[str, Counts] = defaultdict(Counts)
    for a in articles:
        for k, v in a.roles.items():
            roles[k] += v
        for k, c in a.event_types.items():
            types[k] += c
    return Evaluation(
        articles=articles,
        entities=sum((a.entities for a in articles), Counts()),
        events=sum((a.events for a in articles), Counts()),
        families=sum((a.families for a in articles), Counts()),
        roles={r: roles[r] for r in ROLES if r in roles},
        event_types=dict(sorted(types.items())),
        consistency=_consistency(articles),
        entity_class=sum((a.entity_class for a in articles), Share()),
        mention_offsets=check_offsets(graph, texts_dir),
    )


# --------------------------------------------------------------------------- printing


def _prf(c: Counts) -> str:
    return f"{c.precision:5.2f} {c.recall:5.2f} {c.f1:5.2f}"


def format_table(ev: Evaluation, verbose: bool = False) -> str:
    """The evaluation as a plain-text table; the last line is :meth:`Evaluation.summary`.

    Parameters
    ----------
    ev : Evaluation
        What :func:`evaluate` returned.
    verbose : bool
        Also list, per article, missed and extra entities and events and wrong roles.
    """
    width = max([len(a.article) for a in ev.articles] + [len("overall")])
    cols = f"{'P':>5} {'R':>5} {'F1':>5}"
    head = f"{'article':<{width}}  {cols}   {cols}   {cols}"
    lines = [
        f"{'':<{width}}  {'entities':<17}   {'events':<17}   {'event families':<17}",
        head,
        "-" * len(head),
    ]

    def row(name: str, ents: Counts, evs: Counts, fams: Counts, note: str = "") -> str:
        return f"{name:<{width}}  {_prf(ents)}   {_prf(evs)}   {_prf(fams)}{note}"

    for a in ev.articles:
        lines.append(
            row(a.article, a.entities, a.events, a.families, "" if a.found else "  (article not in graph)")
        )
        if verbose:
            lines += [
                f"    missed entities: {list(a.missed_entities)}",
                f"    extra entities:  {[list(x) for x in a.extra_entities]}",
                f"    missed events:   {list(a.missed_events)}",
                f"    extra events:    {list(a.extra_events)}",
                f"    wrong roles:     {list(a.role_misses)}",
            ]
    lines += ["-" * len(head), row("overall", ev.entities, ev.events, ev.families), ""]
    lines.append(
        "roles (share right): "
        + (
            ", ".join(
                f"{k} {v.right}/{v.of} ({v.share:.2f})" for k, v in ev.roles.items() if v.share is not None
            )
            or "none"
        )
    )
    if ev.event_types:
        tw = max(len(t) for t in ev.event_types)
        lines += ["", f"{'event type':<{tw}}   P     R    F1    tp  fp  fn"]
        lines += [f"{t:<{tw}}  {_prf(c)}  {c.tp:3d} {c.fp:3d} {c.fn:3d}" for t, c in ev.event_types.items()]
    lines += [
        "",
        f"cross-article entity consistency: {ev.consistency.right}/{ev.consistency.of}; "
        f"mention offsets valid: {ev.mention_offsets.right}/{ev.mention_offsets.of}; "
        f"entity class right: {ev.entity_class.right}/{ev.entity_class.of}",
        ev.summary(),
    ]
    return "\n".join(lines)
