"""How the explorer draws each class: :class:`Style`, :data:`STYLES` and the tables derived from it.

Used by the page (:mod:`kg.view.data`) and by the plots (:mod:`kg.exports.plot`). Plain data: imports
nothing of kg, rdflib or spaCy.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Style", "STYLES", "PALETTE", "SHAPES", "GROUP_SHAPE", "FALLBACK", "style_of"]


@dataclass(frozen=True)
class Style:
    """How the page draws one class: its kind, fill colour and vis-network shape."""

    kind: str
    colour: str
    shape: str


#: Colour and shape of every class (actors and places by most specific class, events by
#: family). Colours come from Kelly's colours of maximum contrast, places in blues; any two
#: of one kind are at least 20 apart in CIELAB (ΔE*76), any two at least 14 (tests check).
#: Shapes: actors are dots, events diamonds; places show their extent.
STYLES: dict[str, Style] = {
    # actors
    "StateForce": Style("actor", "#be0032", "dot"),
    "ForeignState": Style("actor", "#8a5a2b", "dot"),
    "RebelGroup": Style("actor", "#008856", "dot"),
    "JihadistGroup": Style("actor", "#222222", "dot"),
    "Militia": Style("actor", "#8db600", "dot"),
    "Civilians": Style("actor", "#f99379", "dot"),
    "GovernmentBody": Style("actor", "#e68fac", "dot"),
    "Organization": Style("actor", "#875692", "dot"),
    "MediaOutlet": Style("actor", "#c2b280", "dot"),
    "Person": Style("actor", "#f3c300", "dot"),
    "Actor": Style("actor", "#848482", "dot"),
    # places
    "Country": Style("place", "#0067a5", "square"),
    "Region": Style("place", "#4fa3d9", "square"),
    "City": Style("place", "#1d3f8f", "triangle"),
    "Neighbourhood": Style("place", "#9fd3f5", "triangleDown"),
    "Site": Style("place", "#00a3a3", "star"),
    "Place": Style("place", "#7d8fa3", "triangle"),
    # event families
    "Battle": Style("event", "#e25822", "diamond"),
    "RemoteViolence": Style("event", "#f6a600", "diamond"),
    "ViolenceAgainstCivilians": Style("event", "#7a1020", "diamond"),
    "StrategicDevelopment": Style("event", "#4c7a34", "diamond"),
    "CasualtyReport": Style("event", "#5b5b5b", "diamond"),
    "Event": Style("event", "#c8c8c8", "diamond"),
}
#: Fill colour by class (events: by family), for the page and the plots.
PALETTE: dict[str, str] = {name: style.colour for name, style in STYLES.items()}
#: vis-network shape by class.
SHAPES: dict[str, str] = {name: style.shape for name, style in STYLES.items()}
#: Shape of a summary node that stands for the events of one place in one month.
GROUP_SHAPE = "hexagon"
#: The class a node falls back to, by kind, when its own class has no style of that kind.
FALLBACK = {"actor": "Actor", "place": "Place", "event": "Event"}


def style_of(data: dict) -> str:
    """The key of :data:`STYLES` a node is drawn with."""
    key = data.get("family") if data["kind"] == "event" else data["cls"]
    style = STYLES.get(key)
    return key if style is not None and style.kind == data["kind"] else FALLBACK[data["kind"]]
