"""The view's layout: seeded, deterministic node positions computed without a browser.

:func:`spring_positions` (networkx's spring layout for small graphs, a numpy Fruchterman-Reingold
from 500 nodes) and :func:`static_positions` (the explorer's positions: a force layout of actors and
places, events placed at the centre of what they link to). networkx and numpy only: imports
nothing of kg, rdflib or spaCy.
"""

from __future__ import annotations

import math

import networkx as nx

__all__ = ["RANDOM_SEED", "spring_positions", "static_positions"]

#: The seed of every layout (here and in the page's vis-network options).
RANDOM_SEED = 42
_SKELETON_MAX = 2000  # dense Fruchterman-Reingold above this would be too slow
_DENSE_FROM = 500  # where networkx would switch to its scipy solver


def spring_positions(
    net: nx.Graph, *, seed: int = RANDOM_SEED, iterations: int = 50, scale: float = 1.0
) -> dict:
    """Force-directed positions with a fixed seed (Fruchterman-Reingold).

    Below :data:`_DENSE_FROM` nodes this is :func:`networkx.spring_layout`; from there on it is the
    same algorithm written here with numpy (:func:`_dense_spring`), because networkx switches to
    an energy minimisation with scipy at 500 nodes that is several times slower (1.6 s against
    0.24 s for the 795-node skeleton of a 200-article build) and whose result would depend on
    whether scipy is installed. Quadratic memory: keep it to a few thousand nodes.
    """
    if len(net) < _DENSE_FROM:
        return nx.spring_layout(net, seed=seed, iterations=iterations, scale=scale)
    return _dense_spring(net, seed=seed, iterations=iterations, scale=scale)


def _dense_spring(net: nx.Graph, *, seed: int, iterations: int, scale: float) -> dict:
    """Fruchterman-Reingold on a dense numpy adjacency (networkx's dense variant)."""
    import numpy as np

    nodes = list(net)
    n = len(nodes)
    if n == 0:
        return {}
    index = {u: i for i, u in enumerate(nodes)}
    adjacency = np.zeros((n, n), dtype=np.float32)
    for u, v, d in net.edges(data=True):
        w = float(d.get("weight", 1))
        adjacency[index[u], index[v]] = adjacency[index[v], index[u]] = w
    pos = np.random.RandomState(seed).rand(n, 2).astype(np.float32)
    k = math.sqrt(1.0 / n)
    t = 0.1
    dt = t / (iterations + 1)
    for _ in range(iterations):
        # move_i = sum_j (p_i - p_j) f_ij = p_i * sum_j f_ij - (F @ p)_i, without n x n x 2 temporaries
        dx = pos[:, 0, None] - pos[None, :, 0]
        dy = pos[:, 1, None] - pos[None, :, 1]
        distance = np.maximum(np.sqrt(dx * dx + dy * dy), 0.01)
        force = k * k / (distance * distance) - adjacency * distance / k
        move = pos * force.sum(axis=1)[:, None] - force @ pos
        length = np.maximum(np.sqrt((move**2).sum(axis=1)), 0.01)
        pos += move * (t / length)[:, None]
        t -= dt
    pos -= pos.mean(axis=0)
    span = float(np.abs(pos).max()) or 1.0
    pos *= scale / span
    return {u: (float(x), float(y)) for u, (x, y) in zip(nodes, pos, strict=True)}


def static_positions(net: nx.MultiDiGraph) -> dict[str, tuple[float, float]]:
    """Deterministic positions (pixels) for every node, computed without physics.

    Actors and places (the skeleton, a few hundred nodes in practice) get a seeded
    Fruchterman-Reingold layout of the graph that links them through shared events,
    ``locatedIn`` and ``affiliatedWith``; each event then sits at the centre of the
    nodes it links to, nudged by a seeded jitter so that events sharing all their
    links stay apart. The cost is linear in the number of events, where a force
    layout of the whole network would be quadratic (networkx) or take a minute in
    the browser (vis-network at 5,000 nodes on two cores).
    """
    import random

    rng = random.Random(RANDOM_SEED)
    skeleton = nx.Graph()
    skeleton.add_nodes_from(sorted(u for u, d in net.nodes(data=True) if d["kind"] != "event"))
    for u, v in sorted((u, v) for u, v in net.edges() if u in skeleton and v in skeleton):
        skeleton.add_edge(u, v, weight=skeleton.get_edge_data(u, v, {"weight": 0})["weight"] + 1)
    for event in sorted(u for u in net if u not in skeleton):
        linked = sorted(v for v in net.successors(event) if v in skeleton)
        for i, u in enumerate(linked):
            for v in linked[i + 1 :]:
                skeleton.add_edge(u, v, weight=skeleton.get_edge_data(u, v, {"weight": 0})["weight"] + 1)
    scale = 40.0 * math.sqrt(max(len(net), 1))
    if 0 < len(skeleton) <= _SKELETON_MAX:
        raw = spring_positions(skeleton, iterations=60, scale=scale)
        pos = {u: (float(x), float(y)) for u, (x, y) in raw.items()}
    else:
        pos = {u: (rng.uniform(-scale, scale), rng.uniform(-scale, scale)) for u in skeleton}
    spread = scale / max(4.0, math.sqrt(len(skeleton) or 1))
    for event in sorted(u for u in net if u not in skeleton):
        anchors = [
            pos[v] for v in sorted(set(net.predecessors(event)) | set(net.successors(event))) if v in pos
        ]
        if anchors:
            cx = sum(x for x, _ in anchors) / len(anchors)
            cy = sum(y for _, y in anchors) / len(anchors)
        else:
            cx, cy = rng.uniform(-scale, scale), rng.uniform(-scale, scale)
        angle, radius = rng.uniform(0, 2 * math.pi), spread * math.sqrt(rng.random())
        pos[event] = (cx + radius * math.cos(angle), cy + radius * math.sin(angle))
    return {u: (round(x, 1), round(y, 1)) for u, (x, y) in pos.items()}
