"""Token attributes the rule components match on: ``token._.kg_lemma``, ``kg_word``, ``kg_forms``.

- ``kg_word`` is the token's key (:func:`kg.schema.text.key`: no case, no accents);
- ``kg_lemma`` is the key of its lemma, with the model's known lemma mistakes corrected
  (the lexicon's ``lemma_fixes``, keyed by word: "tentent" -> "tenter");
- ``kg_forms`` lists both, plus the infinitive of a gerund the tagger missed ("en
  bombardant" -> "bombarder", by the lexicon's ``gerund_to_infinitive`` suffixes) and of a
  first-group verb in the present the lemmatizer left as it is ("la base tombe" -> "tomber",
  by ``present_to_infinitive``): a pattern ``{"_": {"kg_forms": {"INTERSECTS": ["bombarder"]}}}``
  matches any of them.

The extensions are registered once, at import, behind ``has_extension`` guards.

>>> import spacy
>>> doc = spacy.blank("fr")("Épauler")
>>> doc[0]._.kg_word
'epauler'
"""

from __future__ import annotations

from functools import lru_cache

from spacy.tokens import Token

from kg.lang.fr import lexicon
from kg.schema.text import key

__all__ = ["keys_of", "lemma_key", "register_extensions", "GERUND_POS", "forms_of"]

#: Parts of speech a gerund may be tagged with when the lemmatizer missed it.
GERUND_POS = frozenset({"VERB", "AUX", "NOUN", "ADJ"})


@lru_cache(maxsize=131072)
def keys_of(text: str, lemma: str) -> tuple[str, str]:
    """(lemma key, word key) of a token's text and model lemma, lemma mistakes corrected: the lexicon's
    ``lemma_fixes``, and the verb of a past participle the lemmatizer did not reduce (a capitalised
    "Conquise" at the start of a sentence keeps its own form as lemma)."""
    word = key(text)
    fixed = _lemma_fixes().get(word)
    if fixed is not None:
        return fixed, word
    lemma_key_ = key(lemma or text)
    if lemma_key_ == word and word in _participles():
        return _participles()[word], word
    return lemma_key_, word


@lru_cache(maxsize=1)
def _participles() -> dict[str, str]:
    return lexicon().map("participles")


@lru_cache(maxsize=1)
def _lemma_fixes() -> dict[str, str]:
    return lexicon().map("lemma_fixes")


@lru_cache(maxsize=1)
def _present_suffixes() -> tuple[tuple[str, str], ...]:
    return tuple(lexicon().map("present_to_infinitive").items())


@lru_cache(maxsize=131072)
def _present_of(text: str, lemma_: str, pos: str) -> str | None:
    if pos != "VERB":
        return None
    lemma, word = keys_of(text, lemma_)
    if lemma != word:
        return None
    for suffix, infinitive in _present_suffixes():
        if word.endswith(suffix) and len(word) > len(suffix) + 2:
            return word[: -len(suffix)] + infinitive
    return None


@lru_cache(maxsize=1)
def _gerund_suffixes() -> tuple[tuple[str, str], ...]:
    return tuple(lexicon().map("gerund_to_infinitive").items())


def lemma_key(tok: Token) -> str:
    """The corrected lemma key of a token (``token._.kg_lemma``)."""
    return keys_of(tok.text, tok.lemma_)[0]


@lru_cache(maxsize=131072)
def _gerund_of(text: str, pos: str) -> str | None:
    if pos not in GERUND_POS:
        return None
    word = key(text)
    for suffix, infinitive in _gerund_suffixes():
        if word.endswith(suffix):
            return word[: -len(suffix)] + infinitive
    return None


def forms_of(tok: Token) -> tuple[str, ...]:
    """``token._.kg_forms``: the keys a pattern word may match, in precedence order — lemma, word,
    then the infinitive of a gerund or of a first-group present the lemmatizer left unreduced
    ("-e"/"-ent" -> "-er"); computed once per text, lemma and tag.

    >>> import spacy
    >>> doc = spacy.blank("fr")("La base tombe")
    >>> doc[2].pos_, doc[2].lemma_ = "VERB", "tombe"
    >>> forms_of(doc[2]), forms_of(doc[1])
    (('tombe', 'tomber'), ('base',))
    """
    return _forms_of(tok.text, tok.lemma_, tok.pos_)


@lru_cache(maxsize=131072)
def _forms_of(text: str, lemma_: str, pos: str) -> tuple[str, ...]:
    lemma, word = keys_of(text, lemma_)
    forms = [lemma] if lemma == word else [lemma, word]
    for extra in (_gerund_of(text, pos), _present_of(text, lemma_, pos)):
        if extra is not None and extra not in forms:
            forms.append(extra)
    return tuple(forms)


def register_extensions() -> None:
    """Register ``kg_lemma``, ``kg_word`` and ``kg_forms`` on ``Token`` (idempotent)."""
    if not Token.has_extension("kg_lemma"):
        Token.set_extension("kg_lemma", getter=lemma_key)
    if not Token.has_extension("kg_word"):
        Token.set_extension("kg_word", getter=lambda t: key(t.text))
    if not Token.has_extension("kg_forms"):
        Token.set_extension("kg_forms", getter=forms_of)


register_extensions()
