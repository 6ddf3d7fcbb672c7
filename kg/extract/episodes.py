"""Episodes: a time stated once holds for the events told with it, until the text moves.

News tells an episode in several clauses and sentences but dates it once ("Les rebelles ont lancé
jeudi un assaut … Dans la foulée, les insurgés ont investi la base"). Two passes give an event its
sentence left undated the time of its episode:

1. :func:`clause_dates` — within a sentence, an undated event takes
   the time of the event whose clause governs it, else of a sister clause; never of an event
   its own clause governs: "deux jours après le lancement, jeudi, de la bataille" dates the
   launch, not the fighting it situates (but a landmark known only to the month or year dates
   what followed it at that precision: "repris après une offensive … en mars 2012").
2. :func:`episode_dates` — across sentences, an event still undated takes the
   *reference time* of the narrative: the latest day it has reached. A date a few days back (a
   flashback: "L'assaut avait été lancé lundi soir" after Tuesday's capture) widens the
   reference to the stretch between them (what follows happened within it, so only the
   covering month is sure); a date further back is a background episode, which dates the rest
   of its paragraph but not the story after it. Times of denials and recollections, deadlines
   to come, landmarks ("depuis la prise de X en 2012") and titles and captions do not move the
   narrative. Events told before the story's first time take that time ("Le massacre … a fait
   270 morts. Les tueries ont commencé vendredi").
"""

from __future__ import annotations

import calendar
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date

from spacy.tokens import Token

from kg.extract.clauses import anchor_of
from kg.extract.context import ArticleContext
from kg.extract.dates import Dates, article_times, as_dates, attachment, begins, covering, time_tokens
from kg.extract.sources import furniture, paragraphs
from kg.lang.fr.timex import TimeMention
from kg.schema.records import EventRecord
from kg.schema.text import key
from kg.schema.time import TimeValue

__all__ = ["clause_dates", "episode_dates", "reference_track", "dated_and_merged", "Reference", "FLASHBACK_DAYS"]

#: How far back a date may go and still be the same episode told out of order.
FLASHBACK_DAYS = 7


def _dated(e: EventRecord) -> bool:
    return e.date is not None or e.start_date is not None or e.end_date is not None


def _anchor(ctx: ArticleContext, e: EventRecord) -> Token | None:
    cue = _cue(ctx, e)
    return anchor_of(ctx, cue) if cue is not None else None


def _cue(ctx: ArticleContext, e: EventRecord) -> Token | None:
    span = ctx.doc.char_span(e.triggers[0][0], e.triggers[0][1], alignment_mode="expand") if e.triggers else None
    cue = span[0] if span is not None and len(span) else None
    while cue is not None and cue.dep_ in ("nummod", "det", "advmod", "fixed") and cue.head.i != cue.i:
        cue = cue.head  # a toll's number stands for its noun ("35 personnes ont péri": the dead's clause)
    return cue


def _since_then(ctx: ArticleContext, anchor: Token | None) -> bool:
    """The clause holds a bare "depuis" ("la ville est depuis encerclée", "Depuis, l'aviation
    bombarde"): it started at the time it takes."""
    t = anchor
    for _ in range(4):  # a noun cue's clause is that of the verb above it ("les obus … ont fait … depuis")
        if t is None or t.pos_ in ("VERB", "AUX") or t.head.i == t.i:
            break
        t = t.head
    return t is not None and any(
        key(c.text) in ctx.lex.set("since_adverbs") and not any(True for _ in c.children) and c.dep_ in ("advmod", "obl:mod")
        for c in t.children
    )


def _with(ctx: ArticleContext, e: EventRecord, d: Dates, anchor: Token | None) -> EventRecord:
    """``e`` dated from its clause or episode (a start for a state begun then)."""
    if _since_then(ctx, anchor):
        return replace(e, date=None, start_date=d[0] or d[1], end_date=None)
    return replace(e, date=d[0], start_date=d[1], end_date=d[2])


# -- 1. within a sentence ----------------------------------------------------------------------
def _coarse_landmark(ctx: ArticleContext, o: EventRecord, b: Token) -> bool:
    """An event named as what another followed, known only to the month or year ("repris par
    l'armée après une offensive … en mars 2012"): the later event is dated at that precision too."""
    if o.date is None or o.date.day is not None:
        return False
    temporal = ctx.lex.set("temporal_prepositions")
    return any(c.dep_ == "case" and key(c.text) in temporal for c in b.children) and not any(
        c.dep_ == "nummod" or c.pos_ == "NUM" for c in b.subtree if c.i < b.i)



def clause_dates(ctx: ArticleContext, events: tuple[EventRecord, ...]) -> tuple[EventRecord, ...]:
    """Undated events take the time of a governing or sister clause of their sentence."""
    anchors = [_anchor(ctx, e) for e in events]
    out = list(events)
    dated: dict[int, list[int]] = {}  # sentence -> its dated, anchored events, in order (not all pairs)
    for j, o in enumerate(events):
        if _dated(o) and anchors[j] is not None:
            dated.setdefault(o.sentence, []).append(j)
    for i, e in enumerate(events):
        if _dated(e) or anchors[i] is None:
            continue
        a = anchors[i]
        best, best_key = None, None
        for j in dated.get(e.sentence, ()):
            o, b = events[j], anchors[j]
            landmark = o.date is not None and _coarse_landmark(ctx, o, b)  # "depuis 2011" is a span, no landmark
            if b.i != a.i and not b.is_ancestor(a) and a.is_ancestor(b) and not landmark:
                continue  # o is told inside e's clause: a landmark, not e's time
            governs = b.i == a.i or b.is_ancestor(a)
            k = (not governs, abs(o.triggers[0][0] - e.triggers[0][0]) if o.triggers else 0)
            if best_key is None or k < best_key:
                best, best_key = o, k
        if best is not None:
            out[i] = _with(ctx, e, (best.date, best.start_date, best.end_date), a)
    return tuple(out)


# -- 2. across sentences -----------------------------------------------------------------------
def _bounds(v: TimeValue) -> tuple[date, date]:
    if v.month is None:
        return date(v.year, 1, 1), date(v.year, 12, 31)
    if v.day is None:
        return date(v.year, v.month, 1), date(v.year, v.month, calendar.monthrange(v.year, v.month)[1])
    d = date(v.year, v.month, v.day)
    return d, d


def _value(lo: date, hi: date) -> TimeValue | None:
    return covering(TimeValue(lo.year, lo.month, lo.day), TimeValue(hi.year, hi.month, hi.day))


@dataclass(frozen=True)
class Reference:
    """The stretch of days the narrative has reached (``lo`` to ``hi``) and the time stated last."""

    lo: date
    hi: date
    last: TimeValue

    @classmethod
    def at(cls, v: TimeValue) -> Reference:
        return cls(*_bounds(v), v)

    @property
    def value(self) -> TimeValue | None:
        return _value(self.lo, self.hi)

    def since(self, v: TimeValue) -> Reference:
        """The reference after a sentence telling only how long something has lasted ("Depuis le 4
        juillet, …"): the stretch from then to where the narrative was."""
        lo, _ = _bounds(v)
        return Reference(lo, self.hi, v) if lo <= self.hi else self

    def moved_by(self, v: TimeValue) -> tuple[Reference, bool]:
        """The reference after a stated time, and whether that time is a background episode."""
        lo, hi = _bounds(v)
        if lo <= self.lo and self.hi <= hi:
            return self, False  # a coarser time holding the reference: nothing new
        if lo >= self.lo:
            return Reference(lo, hi, v), False
        if (self.lo - lo).days <= FLASHBACK_DAYS and (self.hi - self.lo).days <= FLASHBACK_DAYS:
            return Reference(lo, max(hi, self.hi), v), False
        return self, True  # further back, or before a reference only known to the month: background


def _narrative(ctx: ArticleContext, tm: TimeMention) -> bool:
    """The time moves the story: not the time a denial or a recollection is made ("a démenti
    dimanche", "a appris hier"), not a deadline still to come ("d'ici au 15 octobre"), not inside
    an event named as a landmark ("depuis la prise de Baba Amr, … en mars 2012", "après l'attaque
    du 7 avril")."""
    lex = ctx.lex
    ids = time_tokens(ctx, tm)
    h = attachment(ctx, ids)
    if h is not None and ctx.lemma(h) in (lex.set("denial_verbs") | lex.set("cognition_verbs")):
        return False
    pub = ctx.article.published
    if pub is not None and tm.value is not None and _bounds(tm.value)[0] > _bounds(pub)[1]:
        return False
    temporal = lex.set("temporal_prepositions")
    first = ctx.doc[min(ids)] if ids else None
    for a in (first.ancestors if first is not None else ()):
        if a.i not in ids and a.pos_ == "NOUN" and any(c.dep_ == "case" and key(c.text) in temporal for c in a.children):
            return False
    return True


def _moves(ctx: ArticleContext) -> tuple[dict[int, list[TimeValue]], dict[int, TimeValue]]:
    """Per sentence, in reading order and once each, the stated times that move the narrative
    (:func:`_narrative`), and the start a sentence states ("depuis …")."""
    moves: dict[int, list[TimeValue]] = {}
    since: dict[int, TimeValue] = {}
    for tm in article_times(ctx):
        if tm.value is None or ctx.in_dateline(tm.start) or not _narrative(ctx, tm):
            continue
        span = ctx.doc.char_span(tm.start, tm.end, alignment_mode="expand")
        if span is None:
            continue
        si = ctx.sent_of[span.start]
        if tm.kind == "since":
            since.setdefault(si, tm.value)
        elif tm.kind in ("point", "span"):
            v = as_dates(tm)[0] or tm.value
            if v not in moves.setdefault(si, []):
                moves[si].append(v)
    return moves, since


def reference_track(ctx: ArticleContext) -> list[Reference | None]:
    """The reference time at each sentence (before its own times), from the times the text states;
    a sentence before the story's first time gets that time."""
    moves, since = _moves(ctx)
    aside = furniture(ctx)
    para = paragraphs(ctx)
    ref: Reference | None = None
    background: tuple[int, Reference] | None = None  # (paragraph, reference) of a background episode
    at: list[Reference | None] = []
    for si in range(len(ctx.sents)):
        if background is not None and background[0] == para[si]:
            at.append(background[1])
        else:
            background = None
            at.append(ref)
        if si in aside:
            continue
        if si in moves or si in since:
            background = None  # the text states a time of its own: the background episode is over
        if si not in moves and si in since and ref is not None:
            ref = ref.since(since[si])
        for v in moves.get(si, []):
            if ref is None:
                ref = Reference.at(v)
                continue
            moved, is_background = ref.moved_by(v)
            if is_background:
                background = (para[si], Reference.at(v))
            else:
                ref, background = moved, None
    first = next((r for r in at if r is not None), ref)
    return [r or first for r in at]


def _presupposed(ctx: ArticleContext, e: EventRecord, anchor: Token | None) -> bool:
    """A mention in passing of an event told elsewhere: a determined noun ("tout massacre", "la
    chute de la ville", "ses raids") or a clause modifying a noun ("les otages enlevés à Adra")."""
    head = _cue(ctx, e)
    if head is None:
        return False
    if head.pos_ == "NOUN" and any(c.dep_ == "det" and key(c.text) in ctx.lex.set("presupposing_determiners")
                                   for c in head.children):
        return True
    # in a clause without a verb above it, a participle is a headline's predicate ("23 soldats tués dans des combats")
    return (anchor is not None and anchor.dep_ in ("acl", "acl:relcl")
            and any(a.pos_ in ("VERB", "AUX") for a in (anchor.head, *anchor.head.ancestors)))


def episode_dates(ctx: ArticleContext, events: tuple[EventRecord, ...], track: list[Reference | None],
                  narrated_only: bool = False) -> tuple[EventRecord, ...]:
    """Undated events take the reference time of the narrative where they are told (a state begun
    then, "la ville est depuis encerclée", starts at the time stated last). With ``narrated_only``,
    mentions in passing (:func:`_presupposed`) are left for their antecedent."""
    out = []
    for e in events:
        r = track[e.sentence] if e.sentence < len(track) else None
        if _dated(e) or r is None:
            out.append(e)
            continue
        anchor = _anchor(ctx, e)
        if narrated_only and _presupposed(ctx, e, anchor):
            out.append(e)
        elif _since_then(ctx, anchor) or begins(ctx, _cue(ctx, e)):
            out.append(replace(e, start_date=r.last))
        elif r.value is not None:
            out.append(replace(e, date=r.value))
        else:
            out.append(e)
    return tuple(out)


def dated_and_merged(ctx: ArticleContext, records: tuple[EventRecord, ...],
                     merge: Callable[[tuple[EventRecord, ...]], list[EventRecord]]) -> list[EventRecord]:
    """The article's records dated from their clause and episode, then merged with ``merge``.

    Records told as news of their episode take its time before merging (so a fight told today does
    not merge with one of a background paragraph); mentions in passing merge with what they
    mention first, and only what stays undated takes the time of its episode after.
    """
    told = clause_dates(ctx, records)
    track = reference_track(ctx)
    merged = merge(episode_dates(ctx, told, track, narrated_only=True))
    return list(episode_dates(ctx, tuple(merged), track))
