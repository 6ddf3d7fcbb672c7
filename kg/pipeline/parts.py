"""The parts of a build's graph that its SHACL check and its page (graph.html) take.

A build checks an even sample of :data:`VALIDATE_ARTICLES` article graphs (``kg validate`` checks
all) and its page holds at most :data:`VIEW_EVENTS` events, the best attested; both get the
entity descriptions their triples reach (:func:`closure_graph`). Triples here are N-Triples term
tuples as :mod:`kg.rdf.emit` streams them.

Imports the resolution's records and :mod:`kg.rdf` (and :mod:`kg.view` when it writes the page);
no extraction, no store.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator
from pathlib import Path

from kg.namespace import CKG
from kg.pipeline.report import BuildReport
from kg.rdf.emit import article_iri, entity_iri, event_id_terms, event_terms, triples_graph
from kg.resolve import Resolution

__all__ = ["VALIDATE_ARTICLES", "VIEW_EVENTS", "ALT_LABEL", "shacl_sample", "view_sample", "spread",
           "view_subjects", "view_entities", "view_triples", "closure_graph", "shacl_graph", "record_mentions",
           "shared_subjects", "write_view"]

#: SHACL checks every article graph up to this many articles, an even sample of this many beyond
#: (pyshacl costs ~0.1 s per article graph: a build's check is a sample; `kg validate` checks all)
VALIDATE_ARTICLES = 50
#: graph.html holds at most this many events, the best attested (the page draws a summary of them)
VIEW_EVENTS = 5000

ALT_LABEL = "<http://www.w3.org/2004/02/skos/core#altLabel>"
_ANCHOR = "<http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#anchorOf>"
_DENOTED_BY = f"<{CKG.denotedBy}>"
_MENTIONED_IN = f"<{CKG.mentionedIn}>"
_EVENT_TERM = event_id_terms("", 0)[0][:-1]  # "<…/event/": the start of an event's term


def shacl_sample(n: int) -> set[int]:
    """The indices of the article graphs (of ``n``) a build's SHACL check takes (:data:`VALIDATE_ARTICLES`)."""
    return set(spread(n, VALIDATE_ARTICLES))


def view_sample(res: Resolution) -> set[str] | None:
    """The subjects a build's page shows (:data:`VIEW_EVENTS` events at most); None for all."""
    return view_subjects(res, VIEW_EVENTS)


def spread(n: int, k: int) -> list[int]:
    """``k`` indices spread evenly over ``range(n)`` (all of them when ``n <= k``).

    >>> spread(5, 10), spread(10, 3)
    ([0, 1, 2, 3, 4], [0, 3, 6])
    """
    if n <= k:
        return list(range(n))
    return sorted({i * n // k for i in range(k)})


def view_subjects(res: Resolution, limit: int) -> set[str] | None:
    """The N-Triples subjects (events and their tolls) the build's view shows; None for all.

    Beyond ``limit`` events, the view keeps the best attested: most sources, participants,
    a place and tolls first, ties by id (``kg view`` filters show any other part).
    """
    if res.event_count <= limit:
        return None

    def weight(ev):
        return (-(len(ev.sources) + len(ev.agents) + len(ev.targets) + len(ev.tolls) + bool(ev.place)), ev.id)

    keep: set[str] = set()
    # the best-attested events (streamed: sorted(...)[:limit]); an event told by several articles
    # has one record each, all kept
    chosen = {ev.id for ev in heapq.nsmallest(limit, res.iter_events(), key=weight)}
    for ev in res.iter_events():
        if ev.id in chosen:
            keep.update(event_terms(ev))
            keep.update(f"<{article_iri(ev.article)}#char={b},{e}>" for b, e in ev.triggers)  # evidence offsets
    return keep


def view_entities(res: Resolution, subjects: set[str]) -> set[str]:
    """N-Triples terms of the entities the events kept for the view name (their aliases are kept too)."""
    named = set()
    for ev in res.iter_events():
        if event_terms(ev)[0] in subjects:
            named.update(e for e in (ev.place, *ev.agents, *ev.targets, *ev.sources, *ev.disputed_by) if e)
    return {f"<{entity_iri(res.entities[e].kind, e)}>" for e in named if e in res.entities}


def view_triples(triples: list, subjects: set[str] | None) -> Iterator:
    """What the page needs of an article graph (of the ``subjects`` it shows; None: all): every
    triple but the mentions (NIF phrases: most of the triples), except an event's, whose words and
    offsets are its evidence."""
    evidence = {o for s, p, o in triples if p == _DENOTED_BY and s.startswith(_EVENT_TERM)
                and (subjects is None or s in subjects)}
    for t in triples:
        s, p, o = t
        if "#char=" in s:
            if p == _ANCHOR and s in evidence:
                yield t
        elif p == _DENOTED_BY:
            if o in evidence:
                yield t
        elif subjects is None or s in subjects:
            yield t


def _closure(article_triples: list, by_subject: dict[str, list]) -> list:
    """``article_triples`` and the entity descriptions (``by_subject``) they reach, with their chains."""
    need = {x for s, _p, o in article_triples for x in (s, o) if x in by_subject}
    frontier = list(need)
    while frontier:
        for _s, _p, o in by_subject[frontier.pop()]:
            if o in by_subject and o not in need:
                need.add(o)
                frontier.append(o)
    return article_triples + [t for n in sorted(need) for t in by_subject[n]]


def _by_subject(entity_triples: list) -> dict[str, list]:
    by_subject: dict[str, list] = {}
    for t in entity_triples:
        by_subject.setdefault(t[0], []).append(t)
    return by_subject


def closure_graph(article_triples: list, entity_triples: list, *, for_reading: bool = False):
    """An rdflib graph of ``article_triples`` and the entity descriptions they reach (with
    their ``locatedIn`` / ``affiliatedWith`` chains): what SHACL and the view need of a part
    (``for_reading``: the view's, see :func:`kg.rdf.emit.triples_graph`)."""
    return triples_graph(_closure(article_triples, _by_subject(entity_triples)), for_reading=for_reading)


def record_mentions(mentions: dict[str, list], article_triples: list) -> None:
    """Keep in ``mentions``, for each entity (actor, place) an article graph says it names and that
    ``mentions`` has not seen, that ``ckg:mentionedIn`` triple, the article's own description and
    one of the entity's mentions there (its ``ckg:denotedBy`` and the phrase): one article per
    entity, what :func:`shacl_graph` adds to a sample."""
    new = [t for t in article_triples if t[1] == _MENTIONED_IN and t[0] not in mentions
           and not t[0].startswith(_EVENT_TERM)]
    if not new:
        return
    by_subject = _by_subject(article_triples)
    for t in new:
        entity, article = t[0], t[2]
        phrase = next((d for d in by_subject.get(entity, ()) if d[1] == _DENOTED_BY), None)
        said = [phrase, *by_subject.get(phrase[2], ())] if phrase is not None else []
        mentions[entity] = [t, *by_subject.get(article, ()), *said]


def shacl_graph(article_triples: list, entity_triples: list, mentions: dict[str, list]):
    """:func:`closure_graph` of the article graphs a build's SHACL check takes, plus, for each entity
    it reaches that none of them names, one article that does (:func:`record_mentions`).

    An entity in a sample is often named only outside it: the place of an event that several
    articles tell (its triples are in one article's graph, the place's mention in another's), or a
    place reached by a site's ``locatedIn``. Without a ``ckg:mentionedIn`` the shapes report it,
    and the build said the graph does not conform where ``kg validate`` (every article) said it does.
    """
    by_subject = _by_subject(entity_triples)
    extra: dict = {}  # the triples added, in order, once each
    added: set[str] = set()
    while True:
        triples = _closure(article_triples + list(extra), by_subject)
        said = {s for s, p, _o in triples if p == _MENTIONED_IN}
        missing = sorted({s for s, _p, _o in triples if s in by_subject and s in mentions} - said - added)
        if not missing:
            return triples_graph(triples)
        for s in missing:
            added.add(s)
            extra.update(dict.fromkeys(mentions[s]))


def shared_subjects(res: Resolution) -> set[str]:
    """N-Triples subjects (events, their tolls) that more than one article's graph describes."""
    return {t for eid, tolls in res.coreference.shared.items() for t in event_id_terms(eid, tolls)}


def write_view(report: BuildReport, res: Resolution, graph, sampled: bool, path: Path) -> None:
    """graph.html, the explorer, of ``graph`` (the view's part of the build)."""
    from kg.view import view_network, write_html

    note = None
    if sampled:
        total = report.events  # the build's count (kg.rdf.counts), as report.json says
        note = (f"This page holds the {VIEW_EVENTS:,} best-attested events of {total:,}; "
                "'kg view' with filters writes a page of any part.")
        report.warnings.append(f"graph.html holds the {VIEW_EVENTS} best-attested event(s) of {total}; "
                               "'kg view' with filters shows any part")
    write_html(view_network(graph), path, title="kg — conflict graph", note=note)
