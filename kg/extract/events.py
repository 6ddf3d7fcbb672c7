"""Pass 2 and 3 — events: the cues of each sentence become event records, in reading order.

:func:`collect` lists, sentence by sentence, what may make or change an event (:class:`Item`):
each asserted cue that is not the cause of a reported toll, the sentence's tolls, a denial with
no cue. :func:`read_events` then folds the items over a :class:`~kg.extract.context.Discourse`,
each step returning a new one: a cue referring to an event already told updates it; otherwise
its places, agents (from the clause, the sentence, or the latest events of its family), targets,
date and sources make one record per place. Tolls go to the cue that owns them or make a
``CasualtyReport``. Last, records of one type at one place with compatible dates are merged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache

from kg.extract.affiliations import with_affiliations
from kg.extract.agents import (
    agents,
    agents_by_context,
    civilian_subject,
    is_claim,
    plausible,
    sentence_agents,
    type_agents,
)
from kg.extract.casualties import toll_step
from kg.extract.clauses import Trigger, denied_candidates, sentence_triggers
from kg.extract.context import ArticleContext, Discourse, View
from kg.extract.dates import dates, finer
from kg.extract.places import context_places, per_place, places_for
from kg.extract.references import BACKGROUND, DEMONSTRATIVE, antecedent, denier, dispute, reference_kind
from kg.extract.sources import Frame
from kg.extract.targets import aimed_at_civilians, targets
from kg.extract.tolls import TollFinding, attachment, figure_cues, find_tolls, toll_causes
from kg.extract.types import CASUALTY_REPORT, type_rules
from kg.lang.fr import Lexicon
from kg.schema.records import EventRecord, Mention
from kg.schema.taxonomy import FAMILY
from kg.schema.text import key

__all__ = ["Item", "collect", "read_events", "merge_events"]


@dataclass(frozen=True)
class Item:
    """One thing of a sentence that makes or changes events."""

    si: int
    trigger: Trigger | None = None
    denial: tuple[Mention, ...] = ()
    tolls: TollFinding | None = None
    attach: int | None = None  # character offset of the cue the tolls go to


def collect(ctx: ArticleContext, frames: tuple[Frame, ...]) -> list[Item]:
    """Pass 2: the items of every sentence, in reading order."""
    items: list[Item] = []
    for si in range(len(ctx.sents)):
        zone = frames[si].zone
        triggers = sentence_triggers(ctx, si, zone)
        denial = tuple(denier(ctx, si) or ())
        found = triggers + (denied_candidates(ctx, si, zone, triggers) if denial else [])
        findings = find_tolls(ctx, si, triggers, zone)
        causes = set().union(*(toll_causes(ctx, f, found) for f in findings)) | figure_cues(ctx, found)
        items += [Item(si, tr, denial) for tr in found if not tr.irrealis and tr.head_i not in causes]
        items += [Item(si, tolls=f, attach=attachment(ctx, f, triggers)) for f in findings]
        if denial and not found:
            items.append(Item(si, denial=denial))  # "a démenti toute implication"
    return items


def read_events(ctx: ArticleContext, frames: tuple[Frame, ...], items: list[Item]) -> Discourse:
    """Pass 3: fold the items over the discourse state."""
    st = Discourse()
    for item in items:
        if item.trigger is not None:
            st = _cue_step(ctx, frames, st, item)
        elif item.tolls is not None:
            st = _toll_step(ctx, frames, st, item)
        else:
            st = replace(st, events=dispute(st.events, item.si, list(item.denial), None))
    return st


# -- tolls -----------------------------------------------------------------------------------
def _toll_step(ctx: ArticleContext, frames: tuple[Frame, ...], st: Discourse, item: Item) -> Discourse:
    return toll_step(View(ctx, st), frames, item.tolls, item.attach)


# -- cues --------------------------------------------------------------------------------------
def _refer(ctx: ArticleContext, frames, st: Discourse, item: Item, ref: str) -> Discourse | None:
    """A cue that refers to an event already told updates it (None when there is no antecedent)."""
    view = View(ctx, st)
    k = antecedent(view, st.events, item.trigger)
    if k is None:
        return None
    date, start, _ = dates(ctx, item.trigger, item.si)
    old = st.events[k]
    new = replace(
        old,
        sources=tuple(dict.fromkeys(old.sources + frames[item.si].sources)),
        disputed_by=tuple(dict.fromkeys(old.disputed_by + item.denial)),
        date=old.date or (date if ref == DEMONSTRATIVE else None),
        start_date=old.start_date or start or (date if ref == BACKGROUND else None),
    )
    return replace(st, events=st.events[:k] + (new,) + st.events[k + 1 :])


@lru_cache(maxsize=4)
def _topic_shift(lex: Lexicon) -> re.Pattern[str]:
    return re.compile(r"\W*(" + "|".join(re.escape(p) for p in lex.phrases("topic_shift_openers")) + ")")


def _inherited_agents(view: View, tr: Trigger, si: int, found: list[Mention], frame: Frame) -> tuple[list[Mention], Discourse]:
    """With no agent of its own, a cue takes those another cue of its sentence states (one episode:
    "l'entrée de l'armée …, au terme de trois jours de bombardements"), else the agents of the
    latest events of its family (within two sentences), else those every earlier event of its
    type had (one campaign told in several places) — unless the text turns to something else
    ("Par ailleurs, …") or the type is unclaimed. Agents from elsewhere must fit the action
    (:func:`~kg.extract.agents.plausible`)."""
    ctx, st = view.ctx, view.st
    fam = FAMILY[tr.type]
    shift = _topic_shift(ctx.lex).match(key(ctx.sentence_text(si)))
    if found:
        kept = tuple(x for x in st.last_agents if x[0] != fam)
        st = replace(st, last_agents=kept + ((fam, si, tuple(found)),))
    elif not type_rules()[tr.type].unclaimed:
        found, adopted = sentence_agents(view, tr, si, frame.zone, frame.sources)
        found = plausible(tr.type, found)
        if found and adopted:
            st = replace(st, adopted=st.adopted + tuple(i for i in adopted if i not in st.adopted))
        last = st.agents_of_family(fam)
        if not found and not shift and last and si - last[0] <= 2 and last[1]:
            found = plausible(tr.type, last[1])
        if not found and not shift:
            found = plausible(tr.type, type_agents(st.events, tr.type))
    if found:
        st = replace(st, recent_agents=(si, tuple(found)))
    return found, st


def _confidence(from_scope: bool, agents_: list, sources: tuple, conditional: bool) -> float:
    conf = 0.5 + (0.2 if from_scope else 0.05) + (0.15 if agents_ else 0.0) + (0.1 if sources else 0.0)
    if conditional:
        conf *= 0.6
    return round(min(conf, 0.95), 2)


def _cue_lemmas(ctx: ArticleContext, e: EventRecord) -> set[str]:
    return {ctx.lemma(t) for b, c in e.triggers for t in (ctx.doc.char_span(b, c, alignment_mode="expand") or ())}


def _claim(ctx: ArticleContext, frames: tuple[Frame, ...], st: Discourse, item: Item) -> Discourse | None:
    """ "L'attentat a été revendiqué par X", "X impute l'attaque à Y": the agents of the event told
    just before (within three sentences) when it had none (None: not a claim about such an event)."""
    view, tr, si = View(ctx, st), item.trigger, item.si
    if not is_claim(view, tr):
        return None
    lemma = ctx.lemma(tr.head(ctx))
    said = (j for j in range(len(st.events) - 1, -1, -1) if lemma in _cue_lemmas(ctx, st.events[j]))
    k = next(said, None)  # "l'attaque" repeats the noun of "l'attaque chimique de …"
    if k is None:
        k = antecedent(view, st.events, tr)
        k = k if k is not None and si - st.events[k].sentence <= 3 else None
    if k is None or st.events[k].agents:
        return None
    found, adopted = agents(view, tr, frames[si].zone, frames[si].sources)
    if not found:
        return None
    st = replace(st, adopted=st.adopted + adopted)
    told, etype = st.events[k].triggers, st.events[k].type

    def same(e: EventRecord) -> bool:  # the records of that event, and those the same noun named ("l'attaque chimique")
        return e.triggers == told or (e.type == etype and not e.agents and lemma in _cue_lemmas(ctx, e))

    return replace(st, events=tuple(replace(e, agents=tuple(found)) if same(e) else e for e in st.events))


def _cue_step(ctx: ArticleContext, frames: tuple[Frame, ...], st: Discourse, item: Item) -> Discourse:
    tr, si = item.trigger, item.si
    if (claimed := _claim(ctx, frames, st, item)) is not None:
        return claimed
    ref = reference_kind(View(ctx, st), tr)
    if ref and (updated := _refer(ctx, frames, st, item, ref)) is not None:
        return updated
    view = View(ctx, st)
    places, from_scope = (context_places(view, si, frames), False) if ref == BACKGROUND else places_for(view, tr, si, frames)
    found, adopted = agents(view, tr, frames[si].zone, frames[si].sources)
    if adopted:
        st = replace(st, adopted=st.adopted + adopted)
        view = View(ctx, st)
    if not found:
        found = agents_by_context(view, tr, frames[si].zone)
    if type_rules()[tr.type].not_by_civilians and civilian_subject(view, tr):
        return st  # "des milliers de civils ont fui": displacement, not a withdrawal of forces
    found, st = _inherited_agents(view, tr, si, found, frames[si])
    view = View(ctx, st)
    return _record(view, frames, item, places, from_scope, found)


def _record(view: View, frames, item: Item, places: list[Mention], from_scope: bool, found: list[Mention]) -> Discourse:
    """Make the cue's records (one per place), or add a denial to the event denied."""
    ctx, st, tr, si = view.ctx, view.st, item.trigger, item.si
    sent = ctx.sents[si]
    tgts, adopted = targets(view, tr, found, places, si, frames[si].zone)
    if adopted:
        st = replace(st, adopted=st.adopted + tuple(adopted))  # "les positions rebelles": the side named
        view = View(ctx, st)
    date, start, end = dates(ctx, tr, si)
    sources = with_affiliations(view, frames[si].sources)
    denial = item.denial
    place_ids = {i for p in places for i in ctx.token_ids(p)}
    if denial and not (set(tr.scope) | set(range(sent.start, sent.end))) & place_ids:
        return replace(st, events=dispute(st.events, si, list(denial), tr.type))  # the denied event was told earlier
    on_civilians = type_rules()[tr.type].on_civilians
    etype = on_civilians if on_civilians and aimed_at_civilians(view, tr) else tr.type
    rec = EventRecord(
        type=etype, triggers=tr.char_spans(ctx), place=None, agents=tuple(found), targets=tuple(tgts),
        sources=sources, disputed_by=denial, date=date, start_date=start, end_date=end,
        confidence=_confidence(from_scope, found, sources, tr.conditional), evidence=(ctx.sentence_text(si).strip(),), sentence=si,
    )
    if denial and places:
        keys = {p.key for p in places}
        for k in range(len(st.events) - 1, -1, -1):
            e = st.events[k]
            if e.type == tr.type and e.place is not None and e.place.key in keys:
                new = replace(e, disputed_by=tuple(dict.fromkeys(e.disputed_by + denial)))
                return replace(st, events=st.events[:k] + (new,) + st.events[k + 1 :])
        return replace(st, events=st.events + tuple(per_place(rec, places)))
    st = replace(st, events=st.events + tuple(per_place(rec, places)))
    if places:
        st = replace(st, event_places=st.event_places + ((si, tuple(places)),))
    return st


# -- merging -----------------------------------------------------------------------------------
def _compatible(a: EventRecord, b: EventRecord) -> bool:
    if a.type == CASUALTY_REPORT and (a.start_date is None) != (b.start_date is None):
        return False  # a toll since a date ("13.000 morts depuis mars 2011") is not the day's toll
    for x, y in ((a.date, b.date), (a.start_date, b.start_date)):
        if x is not None and y is not None and not x.overlaps(y):
            return False
    return True


def _merged(o: EventRecord, e: EventRecord) -> EventRecord:
    return replace(
        o,
        triggers=o.triggers + tuple(t for t in e.triggers if t not in o.triggers),
        agents=tuple(dict.fromkeys(o.agents + e.agents)),
        targets=tuple(dict.fromkeys(o.targets + e.targets)),
        sources=tuple(dict.fromkeys(o.sources + e.sources)),
        disputed_by=tuple(dict.fromkeys(o.disputed_by + e.disputed_by)),
        date=finer(o.date, e.date),
        start_date=finer(o.start_date, e.start_date),
        end_date=finer(o.end_date, e.end_date),
        tolls=tuple(dict.fromkeys(o.tolls + e.tolls)),
        confidence=max(o.confidence, e.confidence),
        evidence=tuple(dict.fromkeys(o.evidence + e.evidence)),
    )


def merge_events(events: tuple[EventRecord, ...]) -> list[EventRecord]:
    """One record per (type, place) and compatible dates within an article (without a place: per sentence)."""
    out: list[EventRecord] = []
    for e in events:
        key_ = (e.type, e.place.key if e.place is not None else None)
        for k, o in enumerate(out):
            if (o.type, o.place.key if o.place is not None else None) == key_ and _compatible(o, e) and (
                key_[1] is not None or o.sentence == e.sentence
            ):
                out[k] = _merged(o, e)
                break
        else:
            out.append(e)
    return out
