"""French: every word, pattern and grammar kg's rules look for, as data under this folder.

- ``patterns/events.jsonl`` — the event cues, as spaCy ``Matcher`` patterns (one per line,
  labelled with the ontology's event type), found by the ``kg_triggers`` component;
- ``lexicon.json`` — named word lists the rules consult (reporting verbs, casualty nouns,
  negations, pronouns…);
- ``entities.json`` — rules for names the gazetteers do not know (place cues, organisation
  heads, name particles…);
- :mod:`kg.lang.fr.timex`, :mod:`kg.lang.fr.numbers` — the grammars of dates and numbers.

The rest of kg holds no French word: a test rejects word literals elsewhere.

>>> lex = lexicon()
>>> "annoncer" in lex.set("report_verbs"), lex.set("report_verbs") is lex.set("report_verbs")
(True, True)
>>> lex.map("lemma_fixes")["tentent"]
'tenter'
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from kg.errors import KgError
from kg.schema.text import key

__all__ = [
    "LANG_DIR",
    "PATTERNS_DIR",
    "Lexicon",
    "lexicon",
    "entity_rules",
    "event_patterns",
    "dateline_pattern",
    "LanguageDataError",
]

LANG_DIR = Path(__file__).resolve().parent
PATTERNS_DIR = LANG_DIR / "patterns"


class LanguageDataError(KgError):
    """A language data file is missing, malformed, or names something that does not exist."""


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise LanguageDataError(f"{path}: cannot read this language data file ({exc})") from None


@dataclass(frozen=True, eq=False)
class Lexicon:
    """Named word lists of ``lexicon.json``, each as a frozenset of :func:`~kg.schema.text.key` s.

    A list whose entries hold a space is also available as a tuple of phrases
    (:meth:`phrases`), in file order.
    """

    raw: dict[str, Any]
    _sets: dict[str, frozenset[str]] = field(default_factory=dict, repr=False)

    def set(self, name: str) -> frozenset[str]:
        """The keys of word list ``name`` (raises :class:`LanguageDataError` if there is none)."""
        if name not in self._sets:
            self._sets[name] = frozenset(key(w) for w in self._list(name))
        return self._sets[name]

    def phrases(self, name: str) -> tuple[str, ...]:
        """The entries of list ``name`` as keys, in file order."""
        return tuple(key(w) for w in self._list(name))

    def map(self, name: str) -> dict[str, str]:
        """A word -> word table of the lexicon, keys and values as keys."""
        table = self.raw.get(name)
        if not isinstance(table, dict):
            raise LanguageDataError(f"{LANG_DIR / 'lexicon.json'}: no table {name!r}")
        return {key(k): key(v) for k, v in table.items()}

    def table(self, name: str) -> dict[str, str]:
        """A word -> value table of the lexicon, words as keys, values as written."""
        table = self.raw.get(name)
        if not isinstance(table, dict):
            raise LanguageDataError(f"{LANG_DIR / 'lexicon.json'}: no table {name!r}")
        return {key(k): v for k, v in table.items()}

    def word(self, name: str) -> str:
        """A single-word entry of the lexicon (a list of one word)."""
        words = self.phrases(name)
        if len(words) != 1:
            raise LanguageDataError(f"{LANG_DIR / 'lexicon.json'}: {name!r} must hold exactly one word")
        return words[0]

    def _list(self, name: str) -> list[str]:
        words = self.raw.get(name)
        if not isinstance(words, list):
            raise LanguageDataError(f"{LANG_DIR / 'lexicon.json'}: no word list {name!r}")
        return words


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """The French lexicon (read once per process)."""
    return Lexicon(_read_json(LANG_DIR / "lexicon.json"))


@lru_cache(maxsize=1)
def entity_rules() -> dict[str, Any]:
    """The rules of ``entities.json`` for names the gazetteers do not know (read once)."""
    return _read_json(LANG_DIR / "entities.json")


@lru_cache(maxsize=1)
def event_patterns() -> tuple[dict[str, Any], ...]:
    """The records of ``patterns/events.jsonl``, in file order (read once)."""
    path = PATTERNS_DIR / "events.jsonl"
    out = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise LanguageDataError(f"{path}: cannot read the event patterns ({exc})") from None
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            out.append(json.loads(line))
        except json.JSONDecodeError as exc:
            raise LanguageDataError(f"{path}:{n}: not a JSON object ({exc})") from None
    return tuple(out)


@lru_cache(maxsize=1)
def dateline_pattern() -> re.Pattern[str]:
    """The dateline of a dispatch at the start of a line: "BEYROUTH, 5 juin 2013 (AFP) - ",
    "DAMAS (AFP) - ", "ALEP (Syrie), 6 août 2013 (AFP) - ", "Alep, Syrie, 12 mars (ATS) –" (its
    place and date are the filing's, not the events')."""
    return re.compile(
        r"(?m)^[ \t]*(?P<place>[A-ZÀ-Ý][A-ZÀ-Ý' .-]{2,40}?(?:\s*\([A-ZÀ-Ý][\w' -]{2,30}\))?"
        r"(?:,\s*[A-ZÀ-Ý][a-zà-ÿ' -]{2,30})?)"
        r"(?:,\s*(?P<date>(?:le\s+)?\d{1,2}(?:er)?\s+[a-zéû]+\.?(?:\s+\d{4})?))?"
        r"\s*\((?P<agency>AFP|ATS|Reuters|AP|DPA|Belga|Anadolu)\)\s*[-–—]\s*"
    )
