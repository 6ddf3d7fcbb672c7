"""The view's filters: :func:`filter_network` cuts a knowledge network to what ``kg view`` asks for.

Event filters (dates, types, actor, place), then the neighbourhood of one node (``ego``), then the
best-connected events (``top``). Works on networkx networks only: imports :mod:`kg.analyse` (to find
a node by name) and :mod:`kg.errors`, never rdflib, the store or spaCy.
"""

from __future__ import annotations

from collections.abc import Iterable

import networkx as nx

from kg.analyse import find_node
from kg.errors import KgError, closest
from kg.schema.taxonomy import EVENT_FAMILIES, FAMILY
from kg.schema.time import TimeValue, empty_period

__all__ = ["FilterError", "filter_network", "cap_events", "cap_note"]


class FilterError(KgError, ValueError):
    """A view filter cannot be applied (bad date, unknown node)."""


_EVENT_ROLES = frozenset({"agent", "target", "reportedBy", "disputedBy"})


def _check_bound(name: str, value: str | None) -> str | None:
    if value is not None:
        try:
            TimeValue.from_iso(value)  # a day, month or year of the calendar (not 2024-13, 2024-02-30)
        except ValueError:
            raise FilterError(f"--{name} {value!r}: give a date as YYYY, YYYY-MM or YYYY-MM-DD") from None
    return value


def _check_types(net: nx.MultiDiGraph, types: Iterable[str]) -> set[str]:
    """The ``types`` (casefolded) when each is an event type or family — the ontology's, or one the
    network's events have — else :class:`FilterError` naming the closest ones."""
    known = set(FAMILY) | set(EVENT_FAMILIES) | {d[k] for _, d in net.nodes(data=True) if d.get("kind") == "event"
                                                 for k in ("cls", "family") if d.get(k)}
    by_key = {k.casefold(): k for k in known}
    for t in types:
        if t.casefold() not in by_key:
            close = closest(t, sorted(known))
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            raise FilterError(f"--type {t!r}: not an event type or family (one of {', '.join(sorted(known))}){hint}")
    return {t.casefold() for t in types}


def _in_range(data: dict, since: str | None, until: str | None) -> bool:
    """True when the event's date or start date lies in [since, until] at their precision."""
    for value in (data.get("date"), data.get("start")):
        if not value:
            continue
        if since is not None and value[: len(since)] < since:
            continue
        if until is not None and value[: len(until)] > until:
            continue
        return True
    return False


def _find(net: nx.MultiDiGraph, name: str, kind: str) -> str:
    sub = net.subgraph(u for u, d in net.nodes(data=True) if d["kind"] == kind)
    try:
        return find_node(sub, name)
    except KgError as exc:
        raise FilterError(f"{kind}: {exc}") from None


def _within(net: nx.MultiDiGraph, place: str) -> set[str]:
    """``place`` and every place located in it, through ``locatedIn`` edges."""
    inside = {place}
    frontier = [place]
    while frontier:
        outer = frontier.pop()
        for inner, _, key in net.in_edges(outer, keys=True):
            if key == "locatedIn" and inner not in inside:
                inside.add(inner)
                frontier.append(inner)
    return inside


def _ancestors(net: nx.MultiDiGraph, places: set[str]) -> set[str]:
    found, frontier = set(places), list(places)
    while frontier:
        for _, outer, key in net.out_edges(frontier.pop(), keys=True):
            if key == "locatedIn" and outer not in found:
                found.add(outer)
                frontier.append(outer)
    return found


def _keep_events(net: nx.MultiDiGraph, selected: set[str]) -> set[str]:
    """``selected`` events, the actors and places they link to, and the places those lie in."""
    linked = {v for e in selected for v in net.successors(e)}
    places = {u for u in linked if net.nodes[u]["kind"] == "place"}
    return selected | linked | _ancestors(net, places)



def _select_events(
    net: nx.MultiDiGraph, since: str | None, until: str | None, wanted_types: set[str],
    actor: str | None, place: str | None,
) -> set[str]:
    """The events that pass every event filter given (dates, types, actor, place)."""
    selected = {u for u, d in net.nodes(data=True) if d["kind"] == "event"}
    if since or until:
        selected = {u for u in selected if _in_range(net.nodes[u], since, until)}
    if wanted_types:
        selected = {
            u
            for u in selected
            if {net.nodes[u]["cls"].casefold(), str(net.nodes[u].get("family")).casefold()} & wanted_types
        }
    if actor:
        who = _find(net, actor, "actor")
        selected &= {e for e, _, k in net.in_edges(who, keys=True) if k in _EVENT_ROLES}
    if place:
        where = _within(net, _find(net, place, "place"))
        selected &= {e for w in where for e, _, k in net.in_edges(w, keys=True) if k == "place"}
    return selected


def _by_events(
    net: nx.MultiDiGraph, since: str | None, until: str | None, wanted_types: set[str],
    actor: str | None, place: str | None,
) -> nx.MultiDiGraph:
    """The view of ``net`` the event filters keep (all of it when none is given)."""
    kept = set(net)
    if since or until or wanted_types or actor or place:
        kept = _keep_events(net, _select_events(net, since, until, wanted_types, actor, place))
    return net.subgraph(kept)


def _around(current: nx.MultiDiGraph, ego: str, depth: int) -> nx.MultiDiGraph:
    """The nodes of ``current`` within ``depth`` hops of ``ego``, edges taken either way."""
    try:
        center = find_node(current, ego)
    except KgError as exc:
        raise FilterError(f"ego: {exc}") from None
    return current.subgraph(nx.ego_graph(current, center, radius=depth, undirected=True))


def _best(current: nx.MultiDiGraph, top: int) -> nx.MultiDiGraph:
    """The ``top`` best-connected events of ``current`` with what they link to (else nodes by degree)."""
    events = [u for u, d in current.nodes(data=True) if d["kind"] == "event"]
    if events:
        ranked = sorted(events)
        ranked.sort(key=lambda u: current.nodes[u].get("date") or "", reverse=True)  # stable: latest first
        ranked.sort(key=lambda u: -current.out_degree(u))
        return current.subgraph(_keep_events(current, set(ranked[: max(top, 0)])))
    ranked = sorted(current, key=lambda u: (-current.degree(u), current.nodes[u]["label"], u))
    return current.subgraph(ranked[: max(top, 0)])


def filter_network(
    net: nx.MultiDiGraph, *, since: str | None = None, until: str | None = None, types: Iterable[str] = (),
    actor: str | None = None, place: str | None = None, ego: str | None = None, depth: int = 2,
    top: int | None = None,
) -> nx.MultiDiGraph:
    """A sub-network of :func:`kg.analyse.knowledge_network` for the view.

    Event filters (``since``, ``until``, ``types``, ``actor``, ``place``) combine with
    AND; when one is given, the result keeps the events that pass, the actors and
    places they link to, and the places those are located in. Then ``ego`` keeps
    the neighbourhood of one node, then ``top`` the best-connected events.

    Parameters
    ----------
    net : networkx.MultiDiGraph
        A knowledge network (left unchanged).
    since, until : str, optional
        ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``: an event passes when its ``date``
        or its ``start`` date, cut to the bound's length, is ``>= since`` and
        ``<= until`` (string comparison at the bound's precision). Undated events
        fail a date filter.
    types : iterable of str
        Event type or family local names (``Airstrike``, ``Battle``), compared
        without regard to case; an event passes when it matches any.
    actor : str, optional
        Label, alias, local name or IRI of an actor; events where it has any role pass.
    place : str, optional
        Label, alias, local name or IRI of a place; events in it or in a place located
        in it (``locatedIn``, transitively) pass.
    ego : str, optional
        Label, local name or IRI of any node: keep the nodes within ``depth`` hops
        of it, edges taken either way (actor → event → actor is 2 hops).
    depth : int
        Radius for ``ego``.
    top : int, optional
        Keep the ``top`` events with the most links (sources, participants, place;
        ties by date, latest first, then IRI), the actors and places they link to and
        the places those lie in. Without events, the ``top`` nodes of highest degree.

    Returns
    -------
    networkx.MultiDiGraph
        A new network with the same attributes.

    Raises
    ------
    FilterError
        For a malformed or impossible date, ``since`` after ``until``, a type that is no event type or family, or a name
        that designates no node.
    """
    since, until = _check_bound("since", since), _check_bound("until", until)
    if empty_period(since, until):  # every event would fail: a slip (the bounds swapped), not a question
        raise FilterError(f"--since {since} is after --until {until}: no date lies between them; swap them?")
    current = _by_events(net, since, until, _check_types(net, types), actor, place)
    current = _around(current, ego, depth) if ego else current
    current = _best(current, top) if top is not None else current
    return current.copy()


def cap_events(net: nx.MultiDiGraph, limit: int) -> tuple[nx.MultiDiGraph, int]:
    """``net`` cut to its ``limit`` best-connected events (as ``filter_network(top=limit)``) when it
    has more, with the number of events it had: what a page can show of a large build."""
    total = sum(1 for _u, d in net.nodes(data=True) if d["kind"] == "event")
    return (_best(net, limit).copy() if total > limit else net), total


def cap_note(limit: int, total: int, more: str) -> str | None:
    """The line under a page's title when :func:`cap_events` left events out (``more``: how to see
    them), else None."""
    return None if total <= limit else f"This page holds the {limit:,} best-connected events of {total:,}; {more}"
