"""The one text normaliser of kg: ``fold`` keeps offsets, ``key`` compares words, ``norm`` names.

Three strengths, one table of equivalences (apostrophes, ligatures, accents):

- :func:`fold` lower-cases and drops French accents *character by character*, so the result
  has the length of the input and a match in it is a match at the same offsets in the text
  (the regular-expression grammars of dates and numbers run on it);
- :func:`key` is the accent- and case-insensitive key of one word or token ("Cœur" and
  "coeur" are one key; apostrophes are unified);
- :func:`norm` is the key of a *name*: :func:`key`, hyphens and underscores read as spaces,
  spaces collapsed and a leading French article dropped. Names are compared with it
  everywhere (gazetteer look-ups, resolution, evaluation), as ``score.py`` does.

>>> fold("Début Août, l’armée")
"debut aout, l'armee"
>>> key("Cœur"), key("l’Armée")
('coeur', "l'armee")
>>> norm("L'Armée syrienne"), norm("Qousseir") == norm("qousseïr")
('armee syrienne', True)
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = ["fold", "key", "norm", "ARTICLE_PREFIX"]

#: Apostrophes and ligatures, read the same everywhere.
_UNIFY = str.maketrans(
    {"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'", "\u0153": "oe", "\u0152": "oe", "\u00e6": "ae", "\u00c6": "ae"}
)
#: One character for one character: accents dropped, apostrophes, spaces and hyphens unified.
_FOLD_TABLE = str.maketrans(
    {
        **dict.fromkeys("àáâãäå", "a"),
        "ç": "c",
        **dict.fromkeys("èéêë", "e"),
        **dict.fromkeys("ìíîï", "i"),
        "ñ": "n",
        **dict.fromkeys("òóôõö", "o"),
        **dict.fromkeys("ùúûü", "u"),
        **dict.fromkeys("ýÿ", "y"),
        **dict.fromkeys("\u2019\u2018\u02bc\u00b4\u2032`", "'"),
        **dict.fromkeys("\u00a0\u202f\u2009\u2007\u200a", " "),
        **dict.fromkeys("\u2010\u2011", "-"),
    }
)
#: A leading French article of a name (the language's one grammatical fact kept here:
#: ``score.py``, the team's scorer, strips the same).
ARTICLE_PREFIX = re.compile(r"^(?:l'|le |la |les |du |des |de la |de l'|d')")
_SPACES = re.compile(r"[-_\s]+")


def _lower_same_length(text: str) -> str:
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    # A few characters (e.g. "İ") lower-case to two code points; keep those as they are.
    return "".join(c2 if len(c2 := c.lower()) == 1 else c for c in text)


def fold(text: str) -> str:
    """Lower-case ``text``, drop French accents, normalise apostrophes, spaces and hyphens.

    The result has exactly the length of ``text``, so match offsets carry over.

    >>> len(fold("İstanbul")) == len("İstanbul")
    True
    """
    return _lower_same_length(text).translate(_FOLD_TABLE)


@lru_cache(maxsize=1 << 17)
def key(text: str) -> str:
    """Accent- and case-insensitive key of a word or token (ligatures spelt out).

    >>> key("Épauler"), key("tué"), key("ŒUVRE")
    ('epauler', 'tue', 'oeuvre')
    """
    return unicodedata.normalize("NFKD", text.translate(_UNIFY)).encode("ascii", "ignore").decode().lower()


@lru_cache(maxsize=1 << 16)
def norm(name: str) -> str:
    """The key of a name: :func:`key`, hyphens as spaces, spaces collapsed, no leading article.

    >>> norm("  Deir   ez-Zor "), norm("les Casques blancs")
    ('deir ez zor', 'casques blancs')
    """
    return ARTICLE_PREFIX.sub("", _SPACES.sub(" ", key(name)).strip()).strip()
