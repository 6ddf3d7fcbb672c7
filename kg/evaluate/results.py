"""The figures of an evaluation: counts with P/R/F1, shares, per-article and overall scores.

Plain frozen dataclasses with their JSON-ready ``to_dict``; imports nothing of kg.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["ArticleScore", "Counts", "Evaluation", "Share"]


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
