"""The gold's vocabulary and its readers: event families, roles, entity classes, and the loaders
of the entity catalogue and the per-article gold files (the format of the team's ``shared/gold``).

Imports only the gazetteer, the namespaces and the error base; nothing of the graph's readers.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from rdflib.term import Node

from kg.errors import KgError, UsageError
from kg.gazetteer import ACTOR_CLASSES as GAZETTEER_ACTOR_CLASSES
from kg.gazetteer import PLACE_CLASSES as GAZETTEER_PLACE_CLASSES
from kg.namespace import CKG
from kg.schema.taxonomy import FAMILY
from kg.schema.time import TimeValue

__all__ = [
    "ACTOR_CLASSES",
    "ACTOR_ROLES",
    "CatalogueError",
    "FAMILIES",
    "GoldError",
    "PLACE_CLASSES",
    "ROLES",
    "TWINS",
    "load_catalog",
    "load_gold",
]

ACTOR_CLASSES = frozenset({"Actor", *GAZETTEER_ACTOR_CLASSES})
PLACE_CLASSES = frozenset({"Place", *GAZETTEER_PLACE_CLASSES})
#: Event type -> family, the table of the contract (``CasualtyReport`` is its own family), from the ontology.
FAMILIES: Mapping[str, str] = FAMILY
#: Gold roles naming actors, and the event property that carries each. ``score.py`` scores
#: the first three; ``disputed_by`` is scored here only.
ACTOR_ROLES: Mapping[str, Node] = {
    "agents": CKG.agent,
    "targets": CKG.target,
    "reported_by": CKG.reportedBy,
    "disputed_by": CKG.disputedBy,
}
#: A state and its country share a name; a node of one class matches the other's gold key.
TWINS = frozenset({"ForeignState", "Country"})
#: Every role scored, in print order.
ROLES = ("agents", "targets", "reported_by", "disputed_by", "date", "fatalities")


class GoldError(KgError):
    """The gold annotations, the entity catalogue or the texts folder cannot be read."""


class CatalogueError(GoldError, UsageError):
    """A file given as the entity catalogue is not one (not JSON, not key -> record): the CLI exits with 2."""


_CATALOGUE = ('expected a JSON object of key -> {"class", "label", "aliases"} record, as gold/entities.json '
              "(the per-article gold files go in GOLD_DIR)")


def read_json(path: Path, what: str, error: type[GoldError] = GoldError) -> Any:
    try:
        with path.open(encoding="utf-8") as fh:
            return json.load(fh)
    except OSError as exc:
        raise GoldError(f"{path}: cannot read the {what} ({exc.strerror})") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise error(f"{path}: the {what} is not valid UTF-8 JSON ({exc}); fix the file") from None


def _kind(value: Any) -> str:
    return {dict: "an object", list: "a list", str: "a string", bool: "a boolean", type(None): "null"}.get(
        type(value), "a number")


def _check_catalogue(path: Path, data: Any) -> None:
    """Raise :class:`CatalogueError` naming ``path`` when ``data`` is not an entity catalogue."""
    if not isinstance(data, dict):
        raise CatalogueError(f"{path}: not an entity catalogue (it is {_kind(data)}); {_CATALOGUE}")
    if "article" in data:
        raise CatalogueError(f"{path}: not an entity catalogue but a per-article gold file (it has an 'article' "
                             f"key); {_CATALOGUE}")
    for k, v in data.items():
        if k == "_extra_aliases":
            if not isinstance(v, dict) or not all(isinstance(a, list) for a in v.values()):
                raise CatalogueError(f"{path}: not an entity catalogue: '_extra_aliases' must be an object of "
                                     "key -> list of aliases")
        elif not k.startswith("_"):
            if not isinstance(v, dict):
                raise CatalogueError(f"{path}: not an entity catalogue: {k!r} is {_kind(v)}, not a record; {_CATALOGUE}")
            if not isinstance(v.get("aliases", []), list):
                raise CatalogueError(f"{path}: not an entity catalogue: the aliases of {k!r} are "
                                     f"{_kind(v['aliases'])}, not a list; {_CATALOGUE}")


def load_catalog(paths: Iterable[str | Path]) -> dict[str, dict]:
    """Read and merge entity catalogues, later files adding to earlier ones.

    Parameters
    ----------
    paths : iterable of str or Path
        JSON files mapping a key to ``{"class", "label", "aliases", ...}``. Keys starting
        with ``_`` are comments, except ``_extra_aliases`` (key -> list of more aliases).

    Returns
    -------
    dict
        Key -> record. A key defined again takes the later record, keeping the earlier
        aliases too.

    Raises
    ------
    GoldError
        A file cannot be read.
    CatalogueError
        A file is not an entity catalogue (not JSON, or not an object of key -> record).
    """
    cat: dict[str, dict] = {}
    for p in map(Path, paths):
        data = read_json(p, "entity catalogue", CatalogueError)
        _check_catalogue(p, data)
        for k, v in data.items():
            if k == "_extra_aliases":
                for key, al in v.items():
                    cat.setdefault(key, {"aliases": []})["aliases"] = cat.get(key, {}).get("aliases", []) + al
            elif not k.startswith("_"):
                if k in cat:
                    v = dict(v, aliases=list(v.get("aliases", [])) + cat[k].get("aliases", []))
                cat[k] = v
    return cat


_ID_LISTS = ("entities", "optional_entities")
_EVENT_LISTS = ("place_alt", *ACTOR_ROLES)
_EVENT_TEXTS = ("date", "start", "end", "note")


def _gold_problem(data: dict) -> str | None:
    """What makes ``data`` (a JSON object with an ``article`` key) not a per-article gold file, as
    ``gold/README.md`` describes it; None when nothing does."""

    def strings(value: Any) -> bool:
        return isinstance(value, list) and all(isinstance(v, str) for v in value)

    if not isinstance(data["article"], str) or not data["article"]:
        return f"'article' is {_kind(data['article'])}, not an article id"
    for k in _ID_LISTS:
        if not strings(data.get(k, [])):
            return f"{k!r} must be a list of catalogue keys (strings)"
    events = data.get("events", [])
    if not isinstance(events, list):
        return f"'events' is {_kind(events)}, not a list of events"
    for i, ev in enumerate(events, 1):
        if not isinstance(ev, dict):
            return f"event {i} is {_kind(ev)}, not an object"
        for k in ("type", "place"):
            if not isinstance(ev.get(k), str) or not ev[k]:
                return f"event {i} has no {k!r} (a string)"
        for k in _EVENT_LISTS:
            if not strings(ev.get(k, [])):
                return f"event {i} ({ev['type']}@{ev['place']}): {k!r} must be a list of catalogue keys (strings)"
        for k in _EVENT_TEXTS:
            if not isinstance(ev.get(k, ""), str):
                return f"event {i} ({ev['type']}@{ev['place']}): {k!r} must be a string"
            if k != "note" and k in ev:
                try:
                    TimeValue.from_iso(ev[k])
                except ValueError as exc:  # compared as text with the graph's dates: it would never match
                    return f"event {i} ({ev['type']}@{ev['place']}): {k!r} is not a date ({exc})"
        tolls = ev.get("fatalities", [])
        if not isinstance(tolls, list) or not all(
            isinstance(f, dict) and isinstance(f.get("count"), int) and not isinstance(f["count"], bool)
            for f in tolls
        ):
            return f"event {i} ({ev['type']}@{ev['place']}): 'fatalities' must be objects with an integer 'count'"
    return None


def load_gold(gold_dir: str | Path, warn: Callable[[str], None] | None = None) -> list[dict]:
    """Read the per-article gold files (``*.json`` with an ``article`` key) of a folder; ``warn`` is
    told of each other ``*.json`` (skipped, as ``score.py`` skips them).

    Raises
    ------
    GoldError
        The folder does not exist, holds no gold file, or a file is not valid JSON or not a gold
        file (an object with an ``article`` key whose lists, events and counts are not of their type).
    """
    folder = Path(gold_dir)
    if not folder.is_dir():
        raise GoldError(f"{folder}: no such gold folder; pass the folder of per-article gold JSON files")
    golds = []
    for p in sorted(folder.glob("*.json")):
        data = read_json(p, "gold file")
        if isinstance(data, dict) and "article" in data:
            problem = _gold_problem(data)
            if problem is not None:
                raise GoldError(
                    f"{p}: not a gold file as gold/README.md describes it: {problem}; fix the file"
                )
            golds.append(data)
        elif warn is not None:  # skipped as score.py skips it, but said: it changes the scores
            warn(f"{p}: not a gold file ({_kind(data)}, not an object with an 'article' key); skipped")
    if not golds:
        raise GoldError(f"{folder}: no gold file (*.json with an 'article' key) in this folder")
    return golds
