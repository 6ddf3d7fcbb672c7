"""Issue #14: derived facts (kg/rdf/derive.py) materialised at build time; the named queries that
read them answer what the queries that recomputed everything answered (tests/data/queries-before/)."""

from __future__ import annotations

import shlex
from collections import Counter
from pathlib import Path

import pytest
from helpers import seed_build

BEFORE = Path(__file__).resolve().parent / "data" / "queries-before"


def _rows(result) -> Counter:
    """Rows as a multiset; list cells ("a; b") as sets, so the order GROUP_CONCAT picks does not matter."""
    out = Counter()
    for row in result:
        cells = []
        for v in row:
            text = "" if v is None else str(v)
            cells.append(" ; ".join(sorted(text.split("; "))) if "; " in text else text)
        out[tuple(cells)] += 1
    return out


def _example(q) -> dict[str, str]:
    from kg.queries import parse_param_args

    toks = shlex.split(q.example)
    return parse_param_args([toks[i + 1] for i, t in enumerate(toks) if t == "-p"])


@pytest.mark.model
@pytest.mark.parametrize("params", ["none", "example"])
def test_derived_named_queries_answer_as_before(params):
    from kg.queries import bind_params, list_queries
    from kg.store import open_store, query_store, store_label_graph

    store = open_store(seed_build() / "store")
    labels = store_label_graph(store)
    checked = 0
    for q in list_queries():
        values = _example(q) if params == "example" else {}
        bindings = bind_params(values, labels)
        new = query_store(store, q.path.read_text(encoding="utf-8"), bindings)
        old = query_store(store, (BEFORE / q.path.name).read_text(encoding="utf-8"), bindings)
        assert [str(v) for v in new.vars] == [str(v) for v in old.vars], q.name
        if q.name == "event-evidence":  # the sentence is now the span's own (tested below), not a text search
            new, old = ([row[:-1] for row in r] for r in (new, old))
        assert _rows(new) == _rows(old), q.name
        checked += bool(len(new))
    assert checked >= 10  # most queries have rows on the seeds


@pytest.mark.model
def test_derived_event_evidence_gives_the_sentence_each_span_lies_in():
    """event-evidence shows, for each span of an event, the sentence of its article it lies in: a piece
    of the text covering the span's offsets (the query before this fact showed the least evidence
    sentence containing the span's words, often another sentence)."""
    from helpers import seed_resolution

    from kg.queries import list_queries
    from kg.store import open_store, query_store

    texts = {ex.article.id: ex.article.text for ex in seed_resolution().extractions}
    q = next(q for q in list_queries() if q.name == "event-evidence")
    rows = list(query_store(open_store(seed_build() / "store"), q.path.read_text(encoding="utf-8")))
    assert len(rows) > 50
    for _event, _type, article, begin, end, anchor, sentence in rows:
        text, b, e = texts[str(article)], int(begin), int(end)
        assert sentence is not None and text[b:e] == str(anchor)
        s = str(sentence)
        assert any(text.startswith(s, at) for at in range(max(0, e - len(s)), b + 1)), (anchor, s)


@pytest.mark.model
def test_derived_facts_are_beside_the_graph_not_in_it(tmp_path):
    from rdflib import Graph

    from kg.namespace import CKG
    from kg.store import count_triples, load_graph, load_query_graph, open_store, query_store

    out = seed_build()
    derived = Graph().parse(out / "derived.ttl")
    assert not set(derived) & set(load_graph(out / "graph.ttl"))  # graph.ttl keeps its bytes (#14)
    homs, syria = (f"https://w3id.org/conflict-kg/id/place/{p}" for p in ("homs", "syria"))
    from rdflib import URIRef

    assert (URIRef(homs), CKG.within, URIRef(homs)) in derived
    assert (URIRef(homs), CKG.within, URIRef(syria)) in derived
    report_triples = len(load_graph(out / "graph.ttl"))
    assert count_triples(out / "store") == report_triples  # the graph's count: what report.json says
    st = open_store(out / "store")
    everything = query_store(st, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")  # default graph: both
    assert int(list(everything)[0][0]) == report_triples + len(derived)
    n = query_store(st, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH <https://w3id.org/conflict-kg/id/graph/derived> "
                        "{ ?s ?p ?o } }")
    assert int(list(n)[0][0]) == len(derived)
    # kg query on the file finds them too
    assert len(load_query_graph(out / "graph.ttl")) == report_triples + len(derived)


@pytest.mark.model
def test_derived_event_counts_are_the_graphs_sources_and_articles():
    """ckg:sourceCount / ckg:articleCount of each event = its distinct ckg:reportedBy / ckg:mentionedIn in
    graph.ttl (events several articles tell included: their sources are the union)."""
    from rdflib import Graph

    from kg.namespace import CKG
    from kg.store import load_graph

    out = seed_build()
    graph, derived = load_graph(out / "graph.ttl"), Graph().parse(out / "derived.ttl")
    events = {e for e in graph.subjects(object=CKG.Event)}
    assert len(events) > 20
    with_sources = 0
    for ev in events:
        sources = set(graph.objects(ev, CKG.reportedBy))
        articles = set(graph.objects(ev, CKG.mentionedIn))
        assert [int(n) for n in derived.objects(ev, CKG.articleCount)] == [len(articles)], ev
        assert [int(n) for n in derived.objects(ev, CKG.sourceCount)] == ([len(sources)] if sources else []), ev
        with_sources += bool(sources)
    assert with_sources > 10  # events told twice: the next test


@pytest.mark.model
def test_derived_dyads_count_the_graphs_events_per_agent_target_place_and_type():
    """Each ckg:DyadTally counts the distinct events of graph.ttl with that agent, that other target,
    that place (none: no ckg:tallyPlace) and that most specific type; every such event is counted."""
    from collections import Counter

    from rdflib import Graph

    from kg.namespace import CKG
    from kg.store import load_graph

    out = seed_build()
    graph, derived = load_graph(out / "graph.ttl"), Graph().parse(out / "derived.ttl")
    want = Counter()
    for ev in set(graph.subjects(object=CKG.Event)):
        etype = derived.value(ev, CKG.eventType)
        for agent in set(graph.objects(ev, CKG.agent)):
            for target in set(graph.objects(ev, CKG.target)) - {agent}:
                want[(agent, target, graph.value(ev, CKG.place), etype)] += 1
    got = Counter()
    for dyad in derived.subjects(object=CKG.DyadTally):
        key = tuple(derived.value(dyad, p) for p in (CKG.tallyAgent, CKG.tallyTarget, CKG.tallyPlace,
                                                      CKG.tallyType))
        got[key] += int(derived.value(dyad, CKG.eventCount))
    assert len(want) > 10 and sum(want.values()) > 20
    assert got == want


def _graph_and_derived(res) -> tuple[set, set]:
    """The triples emitted for a resolution (all its graphs) and its derived facts, as rdflib terms."""
    from kg.rdf.derive import derived_triples
    from kg.rdf.emit import emit_graphs, rdf_term

    def terms(triples):
        return {(rdf_term(s), rdf_term(p), rdf_term(o)) for s, p, o in triples}

    return terms(t for _name, ts in emit_graphs(res) for t in ts), terms(derived_triples(res))


def test_derived_counts_of_an_event_several_articles_tell():
    """Three articles tell one capture, each citing its own sources: the event's ckg:sourceCount is the
    union's size and its ckg:articleCount 3; as the emitted graph says."""
    from kg.extract import EventRecord, Extraction, Mention
    from kg.ingest import article_from_text
    from kg.namespace import CKG
    from kg.resolve import resolve
    from kg.schema.time import TimeValue

    text = " date 2018-04-14 Les forces du régime ont pris Douma, selon l'OSDH et l'agence Sana"
    exs = []
    for aid, cited in (("a", ("OSDH",)), ("b", ("OSDH", "Sana")), ("c", ()), ("d", ("Sana",))):
        art = article_from_text(aid, text)
        found = [(s, k, c, g) for s, k, c, g in (("forces du régime", "actor", "StateForce", "syrian-army"),
                                                 ("Douma", "place", "City", "douma"),
                                                 ("OSDH", "actor", "Organization", "osdh"),
                                                 ("Sana", "actor", "MediaOutlet", "sana"))]
        ms = tuple(Mention(text.index(s), text.index(s) + len(s), s, k, c, g) for s, k, c, g in found)
        army, douma, osdh, sana = ms
        sources = tuple({"OSDH": osdh, "Sana": sana}[s] for s in cited)
        day = 15 if aid == "d" else 14  # d: another day, another event
        ev = EventRecord("TerritoryCapture", ((0, 5),), douma, agents=(army,), sources=sources,
                         date=TimeValue(2018, 4, day))
        exs.append(Extraction(art, ms, (ev,)))
    res = resolve(exs)
    assert res.coreference.shared  # a, b and c tell one event
    graph, derived = _graph_and_derived(res)

    def values(triples, ev, prop):
        return sorted(o for s, p, o in triples if s == ev and p == prop)

    events = sorted({s for s, p, o in graph if o == CKG.Event})
    assert len(events) == 2
    counts = []
    for ev in events:
        sources, articles = values(graph, ev, CKG.reportedBy), values(graph, ev, CKG.mentionedIn)
        counts.append((len(sources), len(articles)))
        assert [int(n) for n in values(derived, ev, CKG.sourceCount)] == [len(sources)]
        assert [int(n) for n in values(derived, ev, CKG.articleCount)] == [len(articles)]
    assert sorted(counts) == [(1, 1), (2, 3)]


def test_derived_dyads_of_an_event_several_articles_tell_take_every_articles_roles():
    """Two articles tell one attack on Douma: the first names the army against the rebels, the second the
    army against civilians. The graph's event has both targets, so it counts once in each of the two
    dyads (army → rebels, army → civilians), not only in the first article's."""
    from kg.extract import EventRecord, Extraction, Mention
    from kg.ingest import article_from_text
    from kg.namespace import CKG
    from kg.resolve import resolve
    from kg.schema.time import TimeValue

    text = " date 2018-04-14 L'armée a bombardé les rebelles et des civils à Douma"
    found = (("armée", "actor", "StateForce", "syrian-army"), ("rebelles", "actor", "ArmedGroup", "rebels"),
             ("civils", "actor", "Civilians", "civilians"), ("Douma", "place", "City", "douma"))
    exs = []
    for aid, target in (("a", "rebelles"), ("b", "civils")):
        art = article_from_text(aid, text)
        ms = {s: Mention(text.index(s), text.index(s) + len(s), s, k, c, g) for s, k, c, g in found}
        ev = EventRecord("Airstrike", ((18, 26),), ms["Douma"], agents=(ms["armée"],), targets=(ms[target],),
                         date=TimeValue(2018, 4, 14))
        exs.append(Extraction(art, tuple(ms.values()), (ev,)))
    res = resolve(exs)
    assert res.coreference.shared  # one event
    graph, derived = _graph_and_derived(res)
    (event,) = {s for s, p, o in graph if o == CKG.Event}
    targets = {o for s, p, o in graph if s == event and p == CKG.target}
    assert len(targets) == 2  # the graph's event: both articles' targets
    dyads = {s for s, p, o in derived if o == CKG.DyadTally}
    pairs = {tuple(next(o for s, p, o in derived if s == d and p == prop) for prop in (CKG.tallyTarget, CKG.eventCount))
             for d in dyads}
    assert {(t, int(n)) for t, n in pairs} == {(t, 1) for t in targets}
