"""Scoring a graph against the gold: per article (entities, events, families, roles), across
articles (consistency) and mention offsets against the article texts.

Reads an rdflib graph; imports nothing of the pipeline or of spaCy.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rdflib import Graph
from rdflib.term import Node

from kg.evaluate.gold import FAMILIES, ROLES, TWINS, GoldError, load_catalog, load_gold
from kg.evaluate.matching import Matcher, SysEvent, accepted, agreement, produced_events, role_checks
from kg.evaluate.results import ArticleScore, Counts, Evaluation, Share
from kg.namespace import CKG, DCTERMS, NIF

__all__ = ["check_offsets", "evaluate", "score_article"]


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


def _score_entities(m: Matcher, art: Node, nodes: set[Node], gold: Mapping, mapping: dict) -> dict[str, Any]:
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


@dataclass
class _EventTally:
    """The event side of one article's score, filled as each gold event takes a produced one."""

    events: list[SysEvent]
    pairs: set[tuple[str, str]]
    fam_pairs: set[tuple[str, str]]
    matched: set[tuple[str, str]] = field(default_factory=set)
    fam_matched: set[tuple[str, str]] = field(default_factory=set)
    used: set[int] = field(default_factory=set)
    tp: int = 0
    fn: int = 0
    fam_tp: int = 0
    by_type: dict[str, Counts] = field(default_factory=lambda: defaultdict(Counts))
    roles: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))
    missed: list[str] = field(default_factory=list)
    role_misses: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, events: list[SysEvent]) -> _EventTally:
        pairs = {(e.type, p) for e in events for p in e.places}
        return cls(events, pairs, {(FAMILIES.get(t, t), p) for t, p in pairs})

    def take(self, ge: Mapping) -> None:
        """Match one gold event: mark its accepted pairs, then (unless optional) give it the
        best agreeing unused produced event and check its roles."""
        acc = accepted(ge)
        self.matched |= acc & self.pairs
        fam_hit = accepted(ge, family=True) & self.fam_pairs
        self.fam_matched |= fam_hit
        if ge.get("optional"):
            return
        self.fam_tp += bool(fam_hit)
        name = f"{ge['type']}@{ge['place']}"
        cands = [
            i
            for i, e in enumerate(self.events)
            if i not in self.used and any((e.type, p) in acc for p in e.places)
        ]
        if not cands:
            self.fn += 1
            self.by_type[ge["type"]] += Counts(fn=1)
            self.missed.append(name)
            return
        best = max(cands, key=lambda i: (agreement(ge, self.events[i]), -i))
        self.used.add(best)
        self.tp += 1
        self.by_type[ge["type"]] += Counts(tp=1)
        for role, ok in role_checks(ge, self.events[best]):
            self.roles[role][0] += ok
            self.roles[role][1] += 1
            if not ok:
                self.role_misses.append(f"{role} {name}")

    def scores(self) -> dict[str, Any]:
        """The event fields of :class:`ArticleScore`; produced pairs matching no gold event
        count against precision."""
        extra_pairs = self.pairs - self.matched
        for t, _ in extra_pairs:
            self.by_type[t] += Counts(fp=1)
        return {
            "events": Counts(self.tp, len(extra_pairs), self.fn),
            "families": Counts(
                self.fam_tp, len(self.fam_pairs - self.fam_matched), self.tp + self.fn - self.fam_tp
            ),
            "roles": {r: Share(*self.roles[r]) for r in ROLES if r in self.roles},
            "event_types": dict(sorted(self.by_type.items())),
            "missed_events": tuple(self.missed),
            "extra_events": tuple(sorted(f"{t}@{p}" for t, p in extra_pairs)),
            "role_misses": tuple(self.role_misses),
        }


def _score_events(events: list[SysEvent], gold: Mapping) -> dict[str, Any]:
    """Event counts of one article: each non-optional gold event takes a produced event of
    its own, the best agreeing (optional ones only mark their pairs as not wrong)."""
    tally = _EventTally.of(events)
    for ge in sorted(gold.get("events", []), key=lambda ge: bool(ge.get("optional"))):
        tally.take(ge)
    return tally.scores()


def score_article(m: Matcher, gold: Mapping) -> ArticleScore:
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

    events = _score_events(produced_events(m, art, nodes, allowed, node_keys), gold)
    return ArticleScore(
        article=gold["article"],
        found=True,
        mapping={str(k): tuple(sorted(v)) for k, v in mapping.items()},
        node_kinds={str(k): m.kind(k)[0] for k in mapping},
        **events,
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
    if texts and not any(t is not None for t in texts.values()):  # "offsets valid 0/0" said nothing
        raise GoldError(f"{folder}: none of the graph's {len(texts)} articles has its text here "
                        "(<identifier>.txt); pass the folder the graph was built from")
    return Share(ok, total)


def evaluate(
    graph: Graph,
    gold_dir: str | Path,
    catalogs: Iterable[str | Path] | Mapping[str, dict],
    texts_dir: str | Path | None = None,
    warn: Callable[[str], None] | None = None,
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
    warn : callable, optional
        Told of each ``*.json`` of ``gold_dir`` that is not a gold file (skipped).

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
    matcher = Matcher(graph, catalog)
    articles = tuple(score_article(matcher, g) for g in load_gold(gold_dir, warn))
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
