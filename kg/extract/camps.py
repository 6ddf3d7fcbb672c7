"""The camps of the conflict: which side an actor fights on, and whom each camp fights.

From ``roles.json``: ``camp_of_actor`` (gazetteer id -> camp, a group without an entry taking the
camp of the group it is affiliated with), ``camp_of_class`` (the default), ``adversaries``
(camp -> the camps it fights, the likeliest first) and ``camp_principals`` (the main force of
each camp).
"""

from __future__ import annotations

from collections.abc import Iterable

from kg.extract.context import View, roles_config
from kg.schema.records import Mention

__all__ = ["camp", "adversary_camps", "adversary_order", "principals"]


def camp(view: View, m: Mention) -> str | None:
    """The camp of an actor: its gazetteer entry's, else that of the group it is affiliated with,
    else its class's (None: in no camp, e.g. civilians, organisations, neutral states)."""
    cfg = roles_config()
    by_actor, gaz = cfg["camp_of_actor"], view.ctx.gaz
    gid, seen = m.gaz_id, set()
    while gid and gid not in seen:
        if gid in by_actor:
            return by_actor[gid]
        seen.add(gid)
        gid = gaz[gid].affiliated_with if gid in gaz else None
    return cfg["camp_of_class"].get(m.cls)


def adversary_order(view: View, agents: Iterable[Mention]) -> list[str]:
    """The camps the agents fight, the likeliest first, without their own."""
    agents = list(agents)
    own = {camp(view, a) for a in agents} - {None}
    adv = roles_config()["adversaries"]
    order = [c for a in agents for c in adv.get(camp(view, a) or "", [])]
    return [c for c in dict.fromkeys(order) if c not in own]


def adversary_camps(view: View, agents: Iterable[Mention]) -> set[str]:
    return set(adversary_order(view, agents))


def principals(name: str) -> frozenset[str]:
    """Gazetteer ids of the main force of a camp."""
    return frozenset(roles_config()["camp_principals"].get(name, ()))
