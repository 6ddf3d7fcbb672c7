"""The explorer's data: :func:`explorer_data` turns a view network into the page's plain JSON.

Entities and events as compact records (indices instead of IRIs for links), their positions,
the styles, the page's thresholds and the map's outlines. Imports networkx and the view's own
modules (styles, layout); never rdflib, the store or spaCy.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import lru_cache, partial
from pathlib import Path

import networkx as nx

from kg.view.layout import static_positions
from kg.view.styles import GROUP_SHAPE, STYLES, style_of

__all__ = [
    "DETAIL_EVENTS",
    "DETAIL_MAX_EVENTS",
    "SUMMARY_ACTORS",
    "SUMMARY_GROUPS",
    "SUMMARY_LABELS",
    "STATIC_LAYOUT_NODES",
    "OUTLINE",
    "explorer_data",
]

#: The map's country outlines (Natural Earth); ``parents[1]`` of this file is ``kg/``.
OUTLINE = Path(__file__).resolve().parents[1] / "data" / "levant_outline.json"

#: The page draws every selected event up to this many; beyond, the summary.
DETAIL_EVENTS = 150
#: The "détail" view mode draws every selected event up to this many (never a hairball of thousands).
DETAIL_MAX_EVENTS = 1000
#: The summary's sizes: most active actors, largest place-month groups, groups labelled.
SUMMARY_ACTORS, SUMMARY_GROUPS, SUMMARY_LABELS = 15, 30, 12
#: Above this many drawn nodes the page uses the positions computed here and no physics.
STATIC_LAYOUT_NODES = 350


def _compact(record: dict) -> dict:
    """``record`` without None, empty lists and empty strings (a smaller page)."""
    return {k: v for k, v in record.items() if v is not None and v != [] and v != ""}


def _targets(net: nx.MultiDiGraph, index: dict[str, int], node: str, *roles: str) -> list[int]:
    """Sorted indices of the entities ``node`` links to through an edge of one of ``roles``."""
    return sorted(index[v] for _, v, k in net.out_edges(node, keys=True) if k in roles and v in index)


def _entity_record(u: str, d: dict, targets_of: Callable[..., list[int]], xy: tuple[float, float]) -> dict:
    """The page's record of actor or place ``u`` (attributes ``d``)."""
    x, y = xy
    return _compact(
        {
            "id": u,
            "label": d["label"],
            "kind": d["kind"],
            "cls": d["cls"],
            "style": style_of(d),
            "aliases": d.get("aliases", []),
            "in": targets_of(u, "locatedIn"),
            "aff": targets_of(u, "affiliatedWith"),
            "lat": d.get("lat"),
            "long": d.get("long"),
            "x": x,
            "y": y,
        }
    )


def _event_record(u: str, d: dict, targets_of: Callable[..., list[int]], xy: tuple[float, float]) -> dict:
    """The page's record of event ``u`` (attributes ``d``)."""
    places = targets_of(u, "place")
    x, y = xy
    return _compact(
        {
            "id": u,
            "label": d["label"],
            "cls": d["cls"],
            "fam": style_of(d),
            "date": d.get("date"),
            "start": d.get("start"),
            "end": d.get("end"),
            "place": places[0] if places else None,
            "agents": targets_of(u, "agent"),
            "targets": targets_of(u, "target"),
            "sources": targets_of(u, "reportedBy"),
            "disputed": targets_of(u, "disputedBy"),
            "tolls": d.get("fatalities"),
            "conf": d.get("confidence"),
            "sentences": d.get("sentences") or ([d["evidence"]] if d.get("evidence") else []),
            "mentions": [list(m) for m in d.get("mentions", [])],
            "articles": d.get("articles", []),
            "x": x,
            "y": y,
        }
    )


def _limits() -> dict[str, int]:
    """The page's thresholds, by the names its script reads."""
    return {
        "detail": DETAIL_EVENTS,
        "detailMax": DETAIL_MAX_EVENTS,
        "actors": SUMMARY_ACTORS,
        "groups": SUMMARY_GROUPS,
        "labels": SUMMARY_LABELS,
        "static": STATIC_LAYOUT_NODES,
    }


def explorer_data(net: nx.MultiDiGraph, *, title: str = "kg", note: str | None = None) -> dict:
    """The explorer's data: plain JSON-ready lists, deterministic.

    Parameters
    ----------
    net : networkx.MultiDiGraph
        A network from :func:`view_network` (attributes it lacks, such as those of
        a bare :func:`kg.analyse.knowledge_network`, are left out).
    title : str
        Page title.
    note : str, optional
        A line the page shows under the title (what the page leaves out).

    Returns
    -------
    dict
        ``title``, ``note``; ``entities`` (actors then places, sorted by IRI: ``id``,
        ``label``, ``kind``, ``cls``, ``style``, ``aliases``, ``in`` and ``aff``
        — indices of the places it lies in and the groups it belongs to —, ``lat``,
        ``long``, ``x``, ``y``); ``events`` (sorted by IRI: ``id``, ``label``,
        ``cls``, ``fam``, ``date``, ``start``, ``end``, ``place``, ``agents``,
        ``targets``, ``sources``, ``disputed`` — entity indices —, ``tolls``,
        ``conf``, ``sentences``, ``mentions``, ``articles``, ``x``, ``y``);
        ``styles`` (:data:`STYLES`); ``limits`` (the page's thresholds); ``outline``
        (the map's country outlines).
    """
    nodes = sorted(net)
    entities = [u for u in nodes if net.nodes[u]["kind"] != "event"]
    entities.sort(key=lambda u: (net.nodes[u]["kind"] != "actor", u))
    index = {u: i for i, u in enumerate(entities)}
    positions = static_positions(net) if len(net) else {}
    targets_of = partial(_targets, net, index)
    out_entities = [_entity_record(u, net.nodes[u], targets_of, positions.get(u, (0.0, 0.0))) for u in entities]
    out_events = [
        _event_record(u, net.nodes[u], targets_of, positions.get(u, (0.0, 0.0)))
        for u in nodes
        if net.nodes[u]["kind"] == "event"
    ]
    return {
        "title": title,
        "note": note,
        "entities": out_entities,
        "events": out_events,
        "styles": {k: {"kind": s.kind, "colour": s.colour, "shape": s.shape} for k, s in STYLES.items()},
        "group": {"shape": GROUP_SHAPE},
        "limits": _limits(),
        "outline": _outline(),
    }


@lru_cache(maxsize=1)
def _outline() -> dict:
    return json.loads(OUTLINE.read_text(encoding="utf-8"))
