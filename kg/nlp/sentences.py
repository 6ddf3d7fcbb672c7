"""The ``kg_sentences`` component: rule-based sentence boundaries, set before the parser."""

from __future__ import annotations

import numpy
from spacy.attrs import SENT_START
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
    toks = [(t.text, t.whitespace_, t.is_space) for t in doc]  # read once: a Token costs to make
    starts = [1] * len(toks)  # SENT_START: 1 a start (the first token stays one), -1 not one
    for i in range(1, len(toks)):
        text, _ws, space = toks[i]
        prev_text, prev_ws, prev_space = toks[i - 1]
        if prev_space and "\n" in prev_text or "\n" in prev_ws:
            starts[i] = -1 if space else 1
            continue
        if space:
            starts[i] = -1
            continue
        j = i - 1
        while j > 0 and (toks[j][0] in _CLOSERS or toks[j][2]):
            j -= 1
        last = toks[j][0]
        end = last in _FINAL or last.endswith(("...", "…"))
        if end and last == "." and j > 0:
            before = toks[j - 1][0].lower().rstrip(".")
            if before in abbreviations or (len(before) == 1 and before.isalpha()):
                end = False
        first = text[:1]
        opens = first.isupper() or first.isdigit() or first in "«“\"-–—("
        starts[i] = 1 if end and opens else -1
    if toks:
        doc.from_array([SENT_START], numpy.asarray(starts, dtype="int64").astype("uint64"))  # -1 wraps, as spaCy reads it
    return doc
