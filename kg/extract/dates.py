"""When: the date, start or span of an event from the time expressions of its sentence.

:func:`dates` gives a cue the time its own words state, from the nearest evidence to the widest:

1. a time phrase the cue is the complement of ("au terme de trois jours de *bombardements*");
2. a time inside the cue's own phrase ("le *massacre* de Houla, où 92 personnes ont été tuées
   vendredi soir");
3. a time in the cue's clause, nearest first — a time that only dates the telling ("a démenti
   dimanche …") when there is no other;
4. a time of a clause that governs the cue's ("a annoncé samedi avoir pris …"), unless the cue sits
   in a relative or participial clause, which has its own time ("des Syriens fuyant l'assaut …,
   continuaient lundi d'affluer").

Times are those of :func:`article_times`: a deictic day in a quotation («Aujourd'hui, nous…», a
déclaré samedi X) counts from the day of speaking when the text gives it. An event its sentence
leaves undated is dated later, from its clause or its episode (:mod:`kg.extract.episodes`).
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

from spacy.tokens import Token

from kg.extract.clauses import Trigger
from kg.extract.context import ArticleContext
from kg.extract.types import type_rules
from kg.lang.fr.timex import TimeMention
from kg.nlp.triggers import TRIGGERS
from kg.schema.text import key
from kg.schema.time import TimeValue

__all__ = ["dates", "report_dates", "Dates", "article_times", "time_tokens", "attachment", "telling_time", "covering",
           "finer", "as_dates", "begins"]

Dates = tuple[TimeValue | None, TimeValue | None, TimeValue | None]  # (date, start, end)
_NONE: Dates = (None, None, None)
_NOUN_CLAUSES = ("acl", "acl:relcl")  # a clause modifying a noun has a time of its own


def covering(a: TimeValue, b: TimeValue) -> TimeValue | None:
    """The finest value holding both ``a`` and ``b`` (None across years).

    >>> covering(TimeValue(2014, 8, 19), TimeValue(2014, 8, 24)).iso(), covering(TimeValue(2014, 8), TimeValue(2014, 9, 2)).iso()
    ('2014-08', '2014')
    """
    if a.contains(b):
        return a
    if b.contains(a):
        return b
    if a.year != b.year:
        return None
    if a.month is not None and a.month == b.month:
        return TimeValue(a.year, a.month)
    return TimeValue(a.year)


def finer(a: TimeValue | None, b: TimeValue | None) -> TimeValue | None:
    """Of two values told of one event, the more precise when they agree (else the first).

    >>> finer(TimeValue(2015), TimeValue(2015, 6, 16)).iso(), finer(None, TimeValue(2015)).iso()
    ('2015-06-16', '2015')
    """
    if a is None or b is None:
        return a or b
    return b if a.contains(b) else a


def as_dates(tm: TimeMention) -> Dates:
    """(date, start, end) a time expression gives an event."""
    if tm.value is None:
        return _NONE
    if tm.kind == "since":
        return None, tm.value, None
    if tm.kind == "span":
        end = tm.end_value
        return (covering(tm.value, end) if end is not None else None), tm.value, end
    if tm.kind == "point":
        return tm.value, None, None
    return _NONE


# -- the article's times -----------------------------------------------------------------------
def time_tokens(ctx: ArticleContext, tm: TimeMention) -> set[int]:
    span = ctx.doc.char_span(tm.start, tm.end, alignment_mode="expand")
    return {t.i for t in span} if span is not None else set()


def attachment(ctx: ArticleContext, ids: set[int]) -> Token | None:
    """The token a time phrase depends on (outside the phrase)."""
    for i in sorted(ids):
        h = ctx.doc[i].head
        if h.i not in ids and h.i != i:
            return h
    return None


def telling_time(ctx: ArticleContext, tm: TimeMention) -> bool:
    """The time dates the telling ("a annoncé samedi", "a appris hier"), not what is told."""
    h = attachment(ctx, time_tokens(ctx, tm))
    lex = ctx.lex
    return h is not None and ctx.lemma(h) in (lex.set("report_verbs") | lex.set("denial_verbs") | lex.set("cognition_verbs"))


def _quotation_around(text: str, start: int, openers: str, closers: str) -> tuple[int, int] | None:
    """(opening, closing) offsets of the quotation holding ``start``, within its line."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", start)
    line_end = len(text) if line_end < 0 else line_end
    depth, opened = 0, -1
    for i in range(line_start, start):
        ch = text[i]
        if ch in openers or (ch == '"' and depth == 0):
            depth, opened = depth + 1, (i if depth == 0 else opened)
        elif ch in closers or ch == '"':
            depth = max(0, depth - 1)
    if depth == 0:
        return None
    for i in range(start, line_end):
        ch = text[i]
        if ch in closers or ch == '"':
            return opened, i
    return None


def _plus_days(v: TimeValue, days: int) -> TimeValue:
    if v.day is None or v.month is None:
        return v
    d = date(v.year, v.month, v.day) + timedelta(days=days)
    return TimeValue(d.year, d.month, d.day)


@lru_cache(maxsize=16)
def article_times(ctx: ArticleContext) -> tuple[TimeMention, ...]:
    """The article's time expressions; a deictic day quoted («… hier …», a dit samedi X) counts from
    the day of speaking when the reporting clause gives it."""
    text = ctx.text
    openers = "".join(ctx.lex.raw["quote_openers"])
    closers = "".join(ctx.lex.raw["quote_closers"])
    out = []
    for tm in ctx.times:
        if tm.speech_days is not None and (q := _quotation_around(text, tm.start, openers, closers)) is not None:
            si = ctx.sent_of[ctx.doc.char_span(q[1], q[1] + 1, alignment_mode="expand").start]
            sent = ctx.sents[si]
            spoken = [t for t in ctx.times if sent.start_char <= t.start < sent.end_char and t.start > q[1]
                      and t.kind == "point" and t.value is not None and telling_time(ctx, t)]
            if spoken:
                tm = TimeMention(tm.start, tm.end, tm.text, tm.kind, _plus_days(spoken[0].value, tm.speech_days),
                                 tm.end_value, tm.part_of_day, tm.speech_days)
        out.append(tm)
    return tuple(out)


def _sentence_times(ctx: ArticleContext, si: int) -> list[TimeMention]:
    sent = ctx.sents[si]
    return [tm for tm in article_times(ctx) if sent.start_char <= tm.start < sent.end_char]


# -- a cue's own time ----------------------------------------------------------------------------
def _governs(ids: set[int], tok: Token) -> bool:
    """The time phrase has the cue as its complement ("trois jours de bombardements")."""
    return tok.i not in ids and tok.head.i in ids


def _in_noun_phrase(tok: Token, cue: Token) -> bool:
    """``tok`` is the cue or a noun of its own phrase ("un bombardement au *gaz* sarin")."""
    t = tok
    for _ in range(6):
        if t.i == cue.i:
            return True
        if t.dep_ not in ("nmod", "amod", "appos", "flat:name", "compound") or t.head.i == t.i:
            return False
        t = t.head
    return False


def _under_without_noun_clause(low: Token, top: Token, cue: Token | None = None, landmarks: frozenset[str] = frozenset()) -> bool:
    """``top`` governs ``low`` and no clause modifying a noun lies between them (but one on the cue's
    own phrase: "l'offensive *lancée le 31 mai*", "un bombardement au gaz *survenu le 21 août*"; or,
    given ``landmarks`` (temporal prepositions), one on a noun the cue is situated by: "repris après
    une offensive *qui a fait des centaines de morts en mars 2012*")."""
    t = low
    for _ in range(40):
        if t.i == top.i:
            return True
        if t.head.i == t.i:
            return False
        if t.dep_ in _NOUN_CLAUSES and (cue is None or not _in_noun_phrase(t.head, cue)) and not any(
            c.dep_ == "case" and key(c.text) in landmarks for c in t.head.children
        ):
            return False
        t = t.head
    return False


def _landmark(ctx: ArticleContext, ids: set[int], head: Token) -> bool:
    """The time dates another noun, not the clause: "deux jours après le lancement, *jeudi*, de la
    bataille" (set off after the object of a temporal preposition)."""
    if not ids:
        return False
    lex = ctx.lex
    j = min(ids) - 1
    if j < 1 or ctx.doc[j].text != ",":
        return False
    before = ctx.doc[j - 1]
    return before.i != head.i and before.pos_ == "NOUN" and ctx.lemma(before) not in lex.set("time_nouns") and any(
        c.dep_ == "case" and key(c.text) in lex.set("temporal_prepositions") for c in before.children
    )


def _coarse(tm: TimeMention) -> bool:
    """Known only to the month or the year: a landmark's time that may date what followed it."""
    return tm.value is not None and tm.value.day is None


def _copular_predicate(head: Token) -> set[int]:
    """The predicate a cue is the subject of ("La bataille de X est un épisode qui oppose, du 19 au 24
    août, …"): its words describe the cue's event."""
    h = head.head
    if head.dep_.startswith("nsubj") and h.i != head.i and any(c.dep_ == "cop" for c in h.children):
        return {t.i for t in h.subtree} - {t.i for t in head.subtree}
    return set()


def dates(ctx: ArticleContext, tr: Trigger, si: int) -> Dates:
    """(date, start, end) of a cue from the time expressions of its sentence (see the module's order)."""
    in_sent = _sentence_times(ctx, si)
    if not in_sent:
        return _NONE
    head = tr.head(ctx)
    ids = {tm: time_tokens(ctx, tm) for tm in in_sent}
    sent = ctx.sents[si]
    other_cues = [ctx.doc[sp.start] for sp in ctx.doc.spans[TRIGGERS]
                  if sent.start <= sp.start < sent.end and not tr.start <= sp.start < tr.end]
    # a time phrase of another cue: "trois jours de bombardements", "l'attaque du 7 avril"
    owned = {tm for tm in in_sent if any(_governs(ids[tm], c) or ((h := attachment(ctx, ids[tm])) is not None
                                                                 and h.i == c.i) for c in other_cues)}
    free = [tm for tm in in_sent if tm not in owned]
    if type_rules()[tr.type].punctual:
        free = [tm for tm in free if tm.kind != "since"]  # "une ville tenue depuis 2014": a state after it
    own_phrase = ({t.i for t in head.subtree} & set(tr.scope)) | (_copular_predicate(head) - tr.others)
    anchor = tr.anchor_tok(ctx)
    # a time in a clause modifying another noun dates that clause ("une ville tenue depuis 2014")
    temporal = ctx.lex.set("temporal_prepositions")
    clause = [tm for tm in free if not _landmark(ctx, ids[tm], head)
              and ((h := attachment(ctx, ids[tm])) is None or not anchor.is_ancestor(h)
                   or _under_without_noun_clause(h, anchor, head, temporal if _coarse(tm) else frozenset()))]
    in_scope = [tm for tm in clause if ids[tm] & tr.scope]
    told = [tm for tm in in_scope if not telling_time(ctx, tm)]
    tiers = (
        [tm for tm in in_sent if _governs(ids[tm], head)],
        [tm for tm in clause if ids[tm] and ids[tm] <= own_phrase],
        told or in_scope,
        [tm for tm in clause if not ids[tm] & tr.others
         and (h := attachment(ctx, ids[tm])) is not None and _under_without_noun_clause(anchor, h)
         and ctx.lemma(h) not in ctx.lex.set("denial_verbs")],  # a denial comes after what it denies
    )
    chosen = next((tier for tier in tiers if tier), [])
    if not chosen:
        return _NONE
    tm = min(chosen, key=lambda x: abs(x.start - head.idx))
    d = as_dates(tm)
    if d[0] is not None and begins(ctx, head):
        return None, d[0], None  # "l'offensive a débuté le 4 juillet": when it started
    return d


def begins(ctx: ArticleContext, cue: Token | None) -> bool:
    """The cue is what a verb of beginning says began ("l'offensive a débuté", "les tueries ont
    commencé après …")."""
    return cue is not None and cue.dep_.startswith("nsubj") and ctx.lemma(cue.head) in ctx.lex.set("inception_verbs")


def report_dates(ctx: ArticleContext, si: int) -> Dates:
    """(date, start, None) of a casualty report: the first resolved time expression of its sentence."""
    in_sent = [tm for tm in _sentence_times(ctx, si) if tm.value is not None]
    if not in_sent:
        return _NONE
    tm = in_sent[0]
    if tm.kind == "point":
        return tm.value, None, None
    if tm.kind == "since":
        return None, tm.value, None
    return _NONE
