"""The ``kg_sentences`` component: rule-based sentence boundaries, set before the parser."""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from kg.lang.fr import lexicon

__all__ = ["sentence_boundaries"]

_FINAL = {".", "!", "?", "…"}
_CLOSERS = {"»", "”", '"', ")", "’"}


@Language.component("kg_sentences")
def sentence_boundaries(doc: Doc) -> Doc:
    """Rule-based sentence boundaries, set before the parser (which keeps them).

    A line break ends a sentence (headlines, datelines and paragraphs never run together); so does
    ``.``, ``!`` or ``?`` (with any closing quote) before a capital, a digit or an opening quote —
    but not after an abbreviation of the lexicon's ``abbreviations`` or a single initial. Anything
    else is not a start, so "…», a déclaré X" stays one sentence.
    """
    abbreviations = lexicon().set("abbreviations")
    for i, tok in enumerate(doc):
        if i == 0:
            tok.is_sent_start = True
            continue
        prev = doc[i - 1]
        if prev.is_space and "\n" in prev.text or "\n" in prev.whitespace_:
            tok.is_sent_start = not tok.is_space
            continue
        if tok.is_space:
            tok.is_sent_start = False
            continue
        j = i - 1
        while j > 0 and (doc[j].text in _CLOSERS or doc[j].is_space):
            j -= 1
        end = doc[j].text in _FINAL or doc[j].text.endswith(("...", "…"))
        if end and doc[j].text == "." and j > 0:
            before = doc[j - 1].text.lower().rstrip(".")
            if before in abbreviations or (len(before) == 1 and before.isalpha()):
                end = False
        starts = tok.text[:1].isupper() or tok.text[:1].isdigit() or tok.text[:1] in "«“\"-–—("
        tok.is_sent_start = bool(end and starts)
    return doc
