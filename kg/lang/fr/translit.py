"""Transliteration variants of Arabic place names: from the romanised form GeoNames gives (BGN/PCGN)
to the forms the French-language press writes, by general rules (``kg/lang/fr/transliteration.json``).

GeoNames writes "Khān Shaykhūn", "Saraqib", "Az Zabadānī", "Jisr ash Shughūr"; AFP writes "Khan
Cheikhoun", "Saraqeb", "Zabadani", "Jisr al-Choughour". :func:`french_variants` derives such forms
with rules that hold for any name — sh → ch, u → ou, ay → ei, s → ss between vowels, a final -ah as
-a/-é/-eh, an unstressed final i as e, -in/-an as -ine/-ane, doubled letters single, the article as
al-/el-/its assimilated form or dropped when it leads, the ayn as a doubled a, the generic words
(Tall → Tal/Tell, Dayr → Deir, Ayn → Aïn) — so that the gazetteer matches them as aliases. The
matcher (``kg/nlp.py``) compares tokens exactly, so the variants are listed, not folded at match time;
:func:`kg.geo.translit_key` folds them for the looser GeoNames look-up.

>>> "Khan Cheikhoun" in french_variants("Khān Shaykhūn")
True
>>> "Saraqeb" in french_variants("Saraqib")
True
>>> "Zabadani" in french_variants("Az Zabadānī")
True
"""

from __future__ import annotations

import itertools
import json
import re
import unicodedata
from functools import lru_cache

from kg.lang.fr import LANG_DIR
from kg.schema.text import norm

__all__ = ["ascii_name", "french_variants", "is_generic", "MAX_VARIANTS"]

#: at most this many variants per name (the ones that need the fewest optional rules come first)
MAX_VARIANTS = 48
_MARKS = "\u2018\u2019\u02bf\u02be\u02bc`'\u00b4"
_MARK = f"[{_MARKS}]"
_VOWELS = "aeiouy"
_CONS = "bcdfghjklmnpqrstvwxz"


@lru_cache(maxsize=1)
def _rules() -> dict:
    return json.loads((LANG_DIR / "transliteration.json").read_text(encoding="utf-8"))


def _strip_accents(s: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))


def ascii_name(name: str) -> str:
    """The romanised name without diacritics and without the ayn/hamza marks.

    >>> ascii_name("Ma‘arrat an Nu‘mān")
    'Maarrat an Numan'
    """
    s = _strip_accents(name)
    s = re.sub(_MARK, "", s)
    return re.sub(r"\s+", " ", s).strip()


def is_generic(word: str) -> bool:
    """Whether a word is a generic toponymic term that never names a place alone ("Tall", "Kafr", "Souk")."""
    return norm(word).replace(" ", "") in set(_rules()["not_alone"]["words"])


def _ayn(word: str, double: bool) -> str:
    w = _strip_accents(word)
    if double:  # "Rif‘at" → "Rifaat", "Sa‘sa‘" → "Saasaa": the ayn heard as a long a
        w = re.sub(f"([aA]){_MARK}a", r"\1a", w)
        w = re.sub(f"([aA]){_MARK}", r"\1a", w)
        w = re.sub(f"(?<=[{_CONS}]){_MARK}a", "aa", w)
    return re.sub(_MARK, "", w)


def _syllables(w: str) -> int:
    return len(re.findall(f"[{_VOWELS}]+", w))


def _body(word: str, *, french: bool, degem: bool, ss: bool, final: str, e_for_i: bool, ine: bool,
          ayn: bool, alt_generic: bool) -> str:
    w = _ayn(word, ayn and french).lower()
    generic = _rules()["generic_words"]
    if french and w in generic:
        forms = generic[w]
        return forms[1] if alt_generic and len(forms) > 1 else forms[0]
    if degem:
        w = re.sub(f"([{_CONS}])\\1", r"\1", w)
    if final == "a":
        w = re.sub(r"(?<=.)ah$", "a", w)
    if french:
        w = w.replace("sh", "ch")
        w = re.sub(r"(?<!o)u", "ou", w)
        w = re.sub(f"ay(?=[{_CONS.replace('y', '')}])", "ei", w)
        if ss:
            w = re.sub(f"(?<=[{_VOWELS}])s(?=[{_VOWELS}])", "ss", w)
        if final in ("e", "eh"):
            w = re.sub(r"(?<=.)ah$", "é" if final == "e" else "eh", w)
        if e_for_i and _syllables(w) >= 2:
            w = re.sub(f"(?<![{_VOWELS}])i([bdfjklmqrtz])$", r"e\1", w)
        if ine and _syllables(w) >= 2:
            w = re.sub(r"(?<=[aio])n$", "ne", w)
    return w[:1].upper() + w[1:]


def _split(name: str) -> list[str]:
    return [w for w in re.split(r"[\s\-]+", name.strip()) if w]


def _parts(name: str) -> list[tuple[bool, str]]:
    """(is article, word) pairs: an article is a particle followed by another word."""
    articles = set(_rules()["articles"])
    words = _split(name)
    return [(ascii_name(w).lower() in articles and i + 1 < len(words), w) for i, w in enumerate(words)]


def _form(parts: list[tuple[bool, str]], *, art: str, **body) -> str:
    out: list[str] = []
    pending = ""
    for k, (is_art, w) in enumerate(parts):
        if is_art:
            if art == "drop" and k == 0:
                continue
            pending = {"al": "al", "el": "el", "drop": "al"}.get(art, _ayn(w, False).lower()) + "-"
            continue
        out.append(pending + _body(w, **body))
        pending = ""
    return " ".join(out)


def french_label(name: str) -> str:
    """The one French form used as a generated place's label: ch, ou, ei, ss, a final -a, the article
    as al- (dropped when it leads).

    >>> french_label("Jisr ash Shughūr"), french_label("Al Qusayr"), french_label("Az Zabadānī")
    ('Jisr al-Choughour', 'Qousseir', 'Zabadani')
    """
    return _form(_parts(name), art="drop", french=True, degem=False, ss=True, final="a", e_for_i=False,
                 ine=False, ayn=False, alt_generic=False)


@lru_cache(maxsize=8192)
def french_variants(name: str) -> tuple[str, ...]:
    """Forms of a romanised Arabic place name as the press may write it, the name itself first.

    Deterministic: the variants needing fewer optional rules come first; at most
    :data:`MAX_VARIANTS`; none is a generic word alone ("Tall", "Kafr") or shorter than 3 letters.

    >>> french_variants("Jisr ash Shughūr")[:3]
    ('Jisr ash Shughur', 'Jisr al-Shughur', 'Jisr ash-Shughur')
    >>> "Jisr al-Choughour" in french_variants("Jisr ash Shughūr")
    True
    >>> "Tal Abyad" in french_variants("Tall Abyaḑ")
    True
    """
    parts = _parts(name)
    if not parts:
        return ()
    scored: dict[str, int] = {}
    # vary only the rules that can change this name (the others would give the same form again)
    plain = ascii_name(name).lower()
    both = (False, True)
    has_art = any(a for a, _ in parts)
    flags = itertools.product(
        both,
        both if re.search(f"([{_CONS}])\\1", plain) else (False,),
        both if re.search(f"[{_VOWELS}]s[{_VOWELS}]", plain.replace("u", "ou")) else (False,),
        ("keep", "a", "e", "eh") if re.search(r".ah\b", plain) else ("keep", "a"),
        both if re.search(r"i[bdfjklmqrtz]\b", plain) else (False,),
        both if re.search(r"[aeiouy]n\b", plain) else (False,),
        both if re.search(_MARK, _strip_accents(name)) else (False,),
        both if any(_ayn(w, False).lower() in _rules()["generic_words"] for _, w in parts) else (False,),
        ("al", "same", "el", "drop") if has_art else ("al",))
    for french, degem, ss, final, e_for_i, ine, ayn, alt, art in flags:
        if not french and (ss or e_for_i or ine or ayn or alt or final in ("e", "eh")):
            continue  # the English-style forms take only the light rules
        if french and final == "keep":
            continue
        form = _form(parts, art=art, french=french, degem=degem, ss=ss, final=final, e_for_i=e_for_i,
                     ine=ine, ayn=ayn, alt_generic=alt)
        words = form.split(" ")
        letters = re.sub(r"[^a-z]", "", norm(form))
        if len(letters) < 3 or (len(words) == 1 and is_generic(words[0].split("-")[-1])):
            continue
        cost = sum((french, degem, ss, final not in ("keep", "a"), e_for_i, ine, ayn, alt,
                    art not in ("al", "same")))
        if form not in scored or cost < scored[form]:
            scored[form] = cost
    first = ascii_name(name)
    ordered = sorted(scored, key=lambda f: (scored[f], f))
    return tuple(dict.fromkeys([first, *ordered]))[:MAX_VARIANTS]
