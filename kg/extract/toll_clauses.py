"""The clauses of a sentence's tolls: which tolls one clause tells, and what that clause says.

:func:`group_clauses` groups the tolls of a sentence by the clause that tells them ("35 personnes
ont péri samedi, selon l'OSDH, qui recense 13.000 morts depuis mars 2011" is two); the other
functions read a clause: told for a period (:func:`for_a_period`), for the whole country
(:func:`nationwide`, :func:`about_the_conflict`), its dates (:func:`clause_dates`, :func:`says_when`).

Imports :mod:`kg.extract.toll_numbers`, never :mod:`kg.extract.tolls` (nor rdflib).
"""

from __future__ import annotations

from spacy.tokens import Span

from kg.extract.context import ArticleContext
from kg.extract.toll_numbers import FoundToll, word_key
from kg.nlp.lookup import subtree_ids
from kg.schema.text import key
from kg.schema.time import TimeValue

__all__ = ["about_the_conflict", "clause_dates", "clause_tokens", "for_a_period", "group_clauses", "nationwide",
           "says_when"]

_CLAUSE_BREAKS = (";",)
_OUTSIDE_DEPS = ("acl", "acl:relcl", "nsubj", "nsubj:pass", "obj", "csubj", "ccomp", "advcl", "parataxis")


def group_clauses(ctx: ArticleContext, found: list[FoundToll], sent: Span) -> list[tuple[list[FoundToll], set[int]]]:
    """The tolls by clause, with each clause's tokens: "35 personnes ont péri samedi …, selon l'OSDH, qui
    recense 13.000 morts depuis mars 2011" tells two. The tolls of a clause with no time of its own
    join the clause before; the first clause has the rest of the sentence."""
    whole = set(range(sent.start, sent.end))
    segments = _segments(sent)
    if len({segments[f.word] for f in found}) > 1:  # "… avaient tué 100 personnes ; le 30 octobre, … 57."
        out = []
        for seg in sorted({segments[f.word] for f in found}):
            fs = [f for f in found if segments[f.word] == seg]
            out += [(g, ids & {i for i, s_ in segments.items() if s_ == seg}) for g, ids in group_clauses(ctx, fs, sent)]
        return out
    groups: list[tuple[int | None, list[FoundToll]]] = []
    for f in found:
        if groups and (f.predicate is None or f.predicate == groups[-1][0]):
            groups[-1][1].append(f)
        else:
            groups.append((f.predicate, [f]))
    if len(groups) == 1:
        return [(groups[0][1], whole)]
    preds = [p for p, _ in groups]
    clauses = []
    for p in preds:
        own = set(subtree_ids(ctx.doc[p])) if p is not None else set(whole)
        for q in preds:
            if q is not None and q != p and q in own:
                own -= set(subtree_ids(ctx.doc[q]))
        clauses.append(own)
    out: list[tuple[list[FoundToll], set[int]]] = []
    for (_, fs), own in zip(groups, clauses, strict=True):
        if out and not _has_time(ctx, own, fs):
            out[-1] = (out[-1][0] + fs, out[-1][1] | own)
        else:
            out.append((fs, own))
    if len(out) > 1:
        taken = set().union(*(c for _, c in out[1:]))
        out[0] = (out[0][0], (out[0][1] | whole) - taken)
    else:
        out[0] = (out[0][0], whole)
    return out


def _segments(sent: Span) -> dict[int, int]:
    """Token index -> the number of its part of the sentence, parts being cut at semicolons."""
    out, n = {}, 0
    for t in sent:
        out[t.i] = n
        n += t.text in _CLAUSE_BREAKS
    return out


def _times_in(ctx: ArticleContext, ids: set[int]):
    for tm in ctx.times:
        span = ctx.doc.char_span(tm.start, tm.end, alignment_mode="expand")
        if span is not None and span.start in ids and not ctx.in_dateline(tm.start):
            yield tm


def _has_time(ctx: ArticleContext, ids: set[int], fs: list[FoundToll]) -> bool:
    return any(True for _ in _times_in(ctx, ids)) or for_a_period(ctx, ids, fs)


def for_a_period(ctx: ArticleContext, ids: set[int], fs: list[FoundToll]) -> bool:
    """ "depuis le début du conflit", "au total", "en deux mois de bataille": a toll for a period."""
    lex = ctx.lex
    doc = ctx.doc
    if any(key(doc[i].text) in lex.set("toll_span_words") | lex.set("since_words") for i in ids):
        return True
    if any(tm.kind in ("since", "duration", "span") for tm in _times_in(ctx, ids)):
        return True
    tolls = {f.toll.start for f in fs}
    for q in ctx.quantities:
        span = doc.char_span(q.start, q.end, alignment_mode="expand")
        if span is None or span.start not in ids or q.start in tolls:
            continue
        if word_key(ctx, span.end) not in lex.set("duration_units"):
            continue
        before = {word_key(ctx, i) for i in range(span.start - 3, span.start)}
        if before & lex.set("duration_prepositions") or word_key(ctx, span.end + 1) in lex.set("toll_of"):
            return True  # "en cinq jours", "durant les deux mois de bataille" — not "deux jours plus tard"
    return False


def clause_dates(ctx: ArticleContext, ids: set[int]) -> tuple[TimeValue | None, TimeValue | None]:
    """(date, start) of a clause's toll: its first dated time expression."""
    for tm in _times_in(ctx, ids):
        if tm.value is not None and tm.kind == "point":
            return tm.value, None
        if tm.value is not None and tm.kind == "since":
            return None, tm.value
    return None, None


def nationwide(ctx: ArticleContext, ids: set[int]) -> bool:
    text = " " + " ".join(key(ctx.doc[i].text) for i in sorted(ids)).replace("' ", "'") + " "
    return any(f" {p} " in text for p in ctx.lex.phrases("nationwide_phrases"))


def clause_tokens(ctx: ArticleContext, fs: list[FoundToll], ids: set[int]) -> set[int]:
    """The tokens of the clause that tells the tolls: their verb's subtree, else their own."""
    out: set[int] = set()
    for f in fs:
        head = ctx.doc[f.predicate if f.predicate is not None else f.word]
        out |= subtree_ids(head)
        for c in head.children:
            if c.dep_ in ("conj", "parataxis") and c.pos_ in ("VERB", "AUX"):
                out -= subtree_ids(c)  # "… ont été tués et 15 blessés ont été évacués vers X"
    return out & ids


def says_when(ctx: ArticleContext, fs: list[FoundToll], ids: set[int], several: bool) -> bool:
    """The toll's own clause says when ("tués le 6 juin"), not a clause inside it ("un rapport rendu
    public le 30 août avance le chiffre de …"); a part of a sentence cut off by a semicolon is its own."""
    preds = {f.predicate for f in fs if f.predicate is not None}
    for tm in _times_in(ctx, ids):
        if several:
            return True
        span = ctx.doc.char_span(tm.start, tm.end, alignment_mode="expand")
        t = span.root
        for _ in range(8):
            if t.i in preds:
                return True
            if t.dep_ in _OUTSIDE_DEPS or t.head.i == t.i:
                break
            t = t.head
    return False


def about_the_conflict(ctx: ArticleContext, ids: set[int]) -> bool:
    """ "depuis le début de la révolte", "le conflit a fait 350.000 morts": the war's toll, the country's."""
    return any(ctx.lemma(ctx.doc[i]) in ctx.lex.set("conflict_nouns") for i in ids)
