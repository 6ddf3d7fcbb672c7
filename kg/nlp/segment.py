"""What spaCy is given: the text of an article, and long texts in sentence-aligned pieces.

spaCy refuses a text over ``nlp.max_length`` (1,000,000 characters), and parsing one text costs
more than linear time in its length (the sentence-boundary component ``kg_sentences`` of
:mod:`kg.nlp` sets each token's boundary through spaCy's ``Token.is_sent_start``, which scans the
whole document each time). So a text longer than :data:`PIECE_CHARS` is cut into pieces of at most
that many characters — after a line break when the window has one, else after a sentence end, else
after a space — each piece is parsed and extracted on its own, and :func:`offset_extraction`
moves every character offset and sentence number of a piece's extraction back into the whole
text. Texts up to :data:`PIECE_CHARS` (every ordinary dispatch) are parsed whole, unchanged.

What is lost at a cut: an event, pronoun or "la même source" is not linked across it, and two
pieces can tell the same event twice (resolution merges such events when they corefer).

>>> split_text("Un deux. Trois quatre. Cinq six sept.", 16)
[(0, 9), (9, 23), (23, 37)]
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator

from kg.schema.records import Affiliation, Article, EventRecord, Extraction, Mention, Toll

__all__ = ["nlp_text", "split_text", "pieces", "offset_extraction", "join_extractions", "PIECE_CHARS"]

#: longest text parsed in one piece (ordinary dispatches are 1-10,000 characters)
PIECE_CHARS = 20_000
_SENTENCE_END = re.compile(r"[.!?…][»”\"')\]]*\s+")


def nlp_text(article: Article) -> str:
    """The text given to spaCy: the article text with the date header blanked (same offsets).

    The blank ends with a line break so that the body's first word starts a sentence.
    """
    text = article.text
    if article.body_start:
        text = " " * (article.body_start - 1) + "\n" + text[article.body_start:]
    if article.dateline:
        # the dateline ("BEYROUTH, 5 juin 2013 (AFP) -") is its own sentence: a line break replaces its dash
        end = article.dateline[1]
        dash = max(text.rfind(d, article.dateline[0], end) for d in "-–—")
        if dash >= 0:
            text = text[:dash] + "\n" + text[dash + 1:]
    return text


def split_text(text: str, limit: int = PIECE_CHARS) -> list[tuple[int, int]]:
    """Consecutive ``(start, end)`` spans covering ``text``, each at most ``limit`` characters,
    cut after the last line break of the window (past its first quarter), else after its last
    sentence end, else after its last space, else at ``limit``."""
    if limit < 2:
        raise ValueError("limit must be at least 2")
    spans = []
    start, n = 0, len(text)
    while n - start > limit:
        lo, hi = start + limit // 4, start + limit
        cut = text.rfind("\n", lo, hi) + 1
        if not cut:
            ends = [m.end() for m in _SENTENCE_END.finditer(text, lo, hi)]
            cut = ends[-1] if ends else text.rfind(" ", lo, hi) + 1 or hi
        spans.append((start, cut))
        start = cut
    spans.append((start, n))
    return spans


def pieces(article: Article, limit: int | None = None) -> Iterator[tuple[int, Article, str]]:
    """``(offset, article of the piece, text to parse)`` for each piece of ``article`` (one for an
    ordinary article: itself and :func:`nlp_text`); ``limit`` defaults to :data:`PIECE_CHARS`."""
    limit = limit or PIECE_CHARS
    text = nlp_text(article)
    if len(text) <= limit:
        yield 0, article, text
        return
    for start, end in split_text(text, limit):
        dl = article.dateline
        inside = dl is not None and start <= dl[0] and dl[1] <= end
        sub = dataclasses.replace(article, text=article.text[start:end], body_start=max(0, article.body_start - start),
                                  dateline=(dl[0] - start, dl[1] - start) if inside else None)
        yield start, sub, text[start:end]


def _m(m: Mention | None, d: int, s: int) -> Mention | None:
    return None if m is None else dataclasses.replace(m, start=m.start + d, end=m.end + d, sentence=m.sentence + s)


def _ms(ms: tuple[Mention, ...], d: int, s: int) -> tuple[Mention, ...]:
    return tuple(_m(m, d, s) for m in ms)  # type: ignore[misc]


def _toll(t: Toll, d: int, s: int) -> Toll:
    return dataclasses.replace(t, group=_m(t.group, d, s), start=t.start + d, end=t.end + d)


def _event(e: EventRecord, d: int, s: int) -> EventRecord:
    return dataclasses.replace(
        e, triggers=tuple((b + d, x + d) for b, x in e.triggers), place=_m(e.place, d, s), agents=_ms(e.agents, d, s),
        targets=_ms(e.targets, d, s), sources=_ms(e.sources, d, s), disputed_by=_ms(e.disputed_by, d, s),
        tolls=tuple(_toll(t, d, s) for t in e.tolls), sentence=e.sentence + s)


#: the fields :func:`offset_extraction` moves (offsets, sentence numbers, records holding them) and
#: those it keeps; a test checks that this covers every field of the extraction records
OFFSET_FIELDS = {
    Mention: ({"start", "end", "sentence"}, {"text", "kind", "cls", "gaz_id"}),
    Toll: ({"group", "start", "end"}, {"count", "qualifier", "civilians"}),
    EventRecord: ({"triggers", "place", "agents", "targets", "sources", "disputed_by", "tolls", "sentence"},
                  {"type", "date", "start_date", "end_date", "confidence", "evidence"}),
    Affiliation: ({"person", "group"}, set()),
    Extraction: ({"mentions", "events", "affiliations", "published_by", "containment"}, {"article"}),
}


def offset_extraction(ex: Extraction, delta: int, sentences: int) -> Extraction:
    """``ex`` (of a piece) with every character offset moved by ``delta`` and every sentence
    number by ``sentences``: the piece's extraction in the coordinates of the whole text."""
    if not delta and not sentences:
        return ex
    d, s = delta, sentences
    return dataclasses.replace(
        ex, mentions=_ms(ex.mentions, d, s), events=tuple(_event(e, d, s) for e in ex.events),
        affiliations=tuple(Affiliation(_m(a.person, d, s), _m(a.group, d, s)) for a in ex.affiliations),  # type: ignore[arg-type]
        published_by=_ms(ex.published_by, d, s),
        containment=tuple((_m(a, d, s), _m(b, d, s)) for a, b in ex.containment))  # type: ignore[misc]


def join_extractions(article: Article, parts: list[Extraction]) -> Extraction:
    """One extraction of ``article`` from its pieces' (already offset) extractions, in text order."""
    if len(parts) == 1 and parts[0].article is article:
        return parts[0]
    return Extraction(
        article,
        tuple(m for p in parts for m in p.mentions),
        tuple(e for p in parts for e in p.events),
        tuple(dict.fromkeys(a for p in parts for a in p.affiliations)),
        tuple(dict.fromkeys(m for p in parts for m in p.published_by)),
        tuple(dict.fromkeys(c for p in parts for c in p.containment)))
