"""The plain frozen records that flow between kg's stages.

ingest makes :class:`Article`; extraction turns one article into an :class:`Extraction`
(its :class:`Mention` s, :class:`EventRecord` s with their :class:`Toll` s, and
:class:`Affiliation` s); resolution and emission read them. No RDF, no spaCy here.

>>> m = Mention(0, 4, "Alep", "place", "City", "aleppo")
>>> m.key, Mention(0, 4, "Alep", "place", "City").key
('aleppo', 'place:alep')
>>> EventRecord("Airstrike", ((0, 6),), m).family
'RemoteViolence'
"""

from __future__ import annotations

from dataclasses import dataclass

from kg.schema._taxonomy import FAMILY
from kg.schema.text import norm
from kg.schema.time import TimeValue

__all__ = ["Article", "Mention", "Toll", "EventRecord", "Affiliation", "Extraction"]


@dataclass(frozen=True, slots=True)
class Article:
    """One input article, as read (offsets everywhere in kg refer to ``text``)."""

    id: str
    text: str
    body_start: int = 0
    published: TimeValue | None = None
    path: str = ""
    sha256: str = ""
    warnings: tuple[str, ...] = ()
    also_as: tuple[str, ...] = ()  # other file names with the same content
    dateline: tuple[int, int] | None = None  # "BEYROUTH, 5 juin 2013 (AFP) -": place and date of filing, not of events

    @property
    def body(self) -> str:
        return self.text[self.body_start :]


@dataclass(frozen=True, slots=True)
class Mention:
    """An actor or place named in the text (character offsets in ``Article.text``)."""

    start: int
    end: int
    text: str
    kind: str  # "actor" | "place"
    cls: str
    gaz_id: str = ""
    sentence: int = 0

    @property
    def key(self) -> str:
        """Identity within one article: the gazetteer id, else the normalised name and kind."""
        return self.gaz_id or f"{self.kind}:{norm(self.text)}"


@dataclass(frozen=True, slots=True)
class Toll:
    """A stated number of dead: ``count`` with its qualifier and the group it belongs to."""

    count: int
    qualifier: str
    group: Mention | None = None
    civilians: bool = False
    start: int = 0
    end: int = 0


@dataclass(frozen=True, slots=True)
class EventRecord:
    """One event: a type at one place, with roles, time, tolls, sources and evidence."""

    type: str
    triggers: tuple[tuple[int, int], ...]
    place: Mention | None
    agents: tuple[Mention, ...] = ()
    targets: tuple[Mention, ...] = ()
    sources: tuple[Mention, ...] = ()
    disputed_by: tuple[Mention, ...] = ()
    date: TimeValue | None = None
    start_date: TimeValue | None = None
    end_date: TimeValue | None = None
    tolls: tuple[Toll, ...] = ()
    confidence: float = 0.5
    evidence: tuple[str, ...] = ()
    sentence: int = 0

    @property
    def family(self) -> str:
        """The event family of :attr:`type` (from the ontology)."""
        return FAMILY[self.type]


@dataclass(frozen=True, slots=True)
class Affiliation:
    """A person's group, from an apposition ("X, le directeur de l'OSDH") or a verb ("appartient à")."""

    person: Mention
    group: Mention


@dataclass(frozen=True, slots=True)
class Extraction:
    """Everything one article says, as plain data."""

    article: Article
    mentions: tuple[Mention, ...]
    events: tuple[EventRecord, ...]
    affiliations: tuple[Affiliation, ...] = ()
    published_by: tuple[Mention, ...] = ()
    containment: tuple[tuple[Mention, Mention], ...] = ()  # (place, its container) stated in the text
