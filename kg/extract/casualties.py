"""Pass 3 for tolls: the event a toll goes to, or the casualty report it makes.

Each :class:`~kg.extract.tolls.TollFinding` of pass 2 (see :mod:`kg.extract.tolls` for the order of
the rules) is folded into the discourse by :func:`toll_step`: its tolls go to the records of the cue
they belong to; a killing with no cue becomes an attack on civilians (or a clash); a toll with no
cue gives a figure for an event told before (at the place the toll names); anything else is a
``CasualtyReport`` at the toll's place, else the country ("à travers le pays"), the battle it sums
up, or the article's main place (that of its first event).
"""

from __future__ import annotations

from dataclasses import replace

from kg.extract.affiliations import with_affiliations
from kg.extract.context import Discourse, View
from kg.extract.places import context_places, most_specific, per_place
from kg.extract.references import antecedent
from kg.extract.sources import Frame
from kg.extract.tolls import BATTLE_FAMILY, TollFinding, lethal_type
from kg.extract.types import CASUALTY_REPORT
from kg.schema.records import EventRecord, Mention, Toll
from kg.schema.taxonomy import FAMILY

__all__ = ["toll_step"]


def _batch(events: tuple[EventRecord, ...], k: int | None) -> list[int]:
    """The records one cue made (one per place) that record ``k`` belongs to."""
    if k is None:
        return []
    e = events[k]
    first = e.triggers[0] if e.triggers else None
    return [n for n, o in enumerate(events) if o.sentence == e.sentence and (o.triggers[0] if o.triggers else None) == first
            and o.type == e.type]


def _tolls_for(finding: TollFinding, place: Mention | None, places: list[Mention | None]) -> tuple[Toll, ...]:
    """The tolls that go to a record at ``place`` among records at ``places``: those told for it, and
    those told for no place of their own when no other toll claims it ("29 civils … et 12 à Douma":
    the 29 are not Douma's); a toll whose place has no record goes to all."""
    keys = {p.key for p in places if p is not None}
    claimed = {p.key for p in finding.own_places if p is not None and p.key in keys}
    free = [p for p in places if p is None or p.key not in claimed]
    out = []
    for t, own in zip(finding.tolls, finding.own_places or (None,) * len(finding.tolls), strict=True):
        if own is not None and own.key in keys:
            if place is not None and own.key == place.key:
                out.append(t)
        elif place is None or place.key not in claimed or not free:
            out.append(t)
    return tuple(out)


def _with_tolls(e: EventRecord, finding: TollFinding, places: list[Mention | None]) -> EventRecord:
    tolls = _tolls_for(finding, e.place, places)
    targets = e.targets
    if finding.civilians is not None and not targets and lethal_type(e.type):
        targets = (finding.civilians,)  # "des raids … ont fait 30 morts parmi les civils": aimed at civilians
    return replace(e, tolls=tuple(dict.fromkeys(e.tolls + tolls)), targets=targets)


def _add(view: View, frames: tuple[Frame, ...], finding: TollFinding, ks: list[int], relocate: bool) -> Discourse:
    """Add the tolls to records ``ks``; a figure told for another place (``relocate``) makes the same
    event there ("les raids ont visé des secteurs rebelles. À Talbisseh, 17 civils ont été tués")."""
    st = view.st
    events = list(st.events)
    told = [p for p in finding.places if p.cls != "Country"]
    at = {events[k].place.key for k in ks if events[k].place is not None}
    if relocate and told and not any(p.key in at for p in told):
        base = events[ks[-1]]
        t0 = finding.tolls[0]
        rec = replace(base, triggers=((t0.start, t0.end),), place=None, tolls=(),
                      sources=tuple(dict.fromkeys(base.sources + with_affiliations(view, frames[finding.si].sources))),
                      date=finding.date or base.date, start_date=finding.start_date or base.start_date,
                      evidence=(view.ctx.sentence_text(finding.si).strip(),), sentence=finding.si)
        places = most_specific(view.ctx, told)
        new = [_with_tolls(r, finding, list(places)) for r in per_place(rec, places)]
        return replace(st, events=tuple(events) + tuple(new),
                       event_places=st.event_places + ((finding.si, tuple(r.place for r in new if r.place)),))
    if relocate and told:
        ks = [k for k in ks if events[k].place is None or events[k].place.key in {p.key for p in told}]
    places = [events[k].place for k in ks]
    for k in ks:
        events[k] = _with_tolls(events[k], finding, places)
    return replace(st, events=tuple(events))


def _elaborated(view: View, finding: TollFinding) -> list[int]:
    """The event a toll with no cue gives a figure for (see rule 5 of the module), as its records."""
    events, si = view.st.events, finding.si
    told = finding.date or finding.start_date  # a toll told with a time of its own is of an event of that time

    def fits(e: EventRecord) -> bool:
        when = e.date or e.start_date
        return not finding.timed or when is None or (told is not None and told.overlaps(when))

    lethal = [k for k, e in enumerate(events) if lethal_type(e.type) and e.sentence < si and fits(e)]
    if not lethal:
        return []
    if finding.figure:
        tolled = [k for k in lethal if events[k].tolls]
        if tolled:
            return _batch(events, tolled[-1])
    recent = [k for k in lethal if si - events[k].sentence <= 2]
    if finding.summary:  # "Le bilan reste discuté. …": the toll of the event told first of that kind
        kind = events[(recent or lethal)[-1]].type
        return _batch(events, next(k for k in lethal if events[k].type == kind))
    return _batch(events, recent[-1]) if recent else []


def _main_place(view: View) -> Mention | None:
    """The article's main place: that of its first event, else the first place it names."""
    for e in view.st.events:
        if e.place is not None and e.type != CASUALTY_REPORT:
            return e.place
    ctx = view.ctx
    return next((m for m in ctx.mentions if m.kind == "place" and not ctx.in_dateline(m.start)
                 and not ctx.is_reference_place(m)), None)


def _country(view: View, si: int, main: Mention | None) -> Mention | None:
    """The country a nationwide toll is told for: the one holding the main place, else the latest named."""
    ctx = view.ctx
    countries = [m for m in ctx.mentions if m.kind == "place" and m.cls == "Country" and not ctx.in_dateline(m.start)]
    if not countries:
        return None
    if main is not None and main.gaz_id:
        ancestors = set(ctx.gaz.ancestors(main.gaz_id))
        for m in countries:
            if m.gaz_id in ancestors or m.gaz_id == main.gaz_id:
                return m
    before = [m for m in countries if m.sentence <= si]
    return before[-1] if before else countries[0]


def _report_places(view: View, frames: tuple[Frame, ...], finding: TollFinding) -> list[Mention]:
    """Where a report with no place of its own goes: the country, the battle it sums up, the main place."""
    if finding.places:
        return most_specific(view.ctx, list(finding.places))
    if finding.around and not finding.country:
        return most_specific(view.ctx, list(finding.around))
    main = _main_place(view)
    if finding.country and (c := _country(view, finding.si, main)) is not None:
        return [c]
    if finding.battle:
        events = view.st.events
        battles = [k for k, e in enumerate(events)
                   if FAMILY.get(e.type) == BATTLE_FAMILY and e.place is not None and e.sentence < finding.si]
        if battles:
            return [events[k].place for k in _batch(events, battles[-1]) if events[k].place is not None]
    if main is not None:
        return [main]
    return context_places(view, finding.si, frames)


def _report(view: View, frames: tuple[Frame, ...], finding: TollFinding) -> Discourse:
    st = view.st
    frame = frames[finding.si]
    t0 = finding.tolls[0]
    rec = EventRecord(
        CASUALTY_REPORT, ((t0.start, t0.end),), None,
        sources=with_affiliations(view, frame.sources), date=finding.date, start_date=finding.start_date,
        confidence=0.8 if frame.sources else 0.65, evidence=(view.ctx.sentence_text(finding.si).strip(),), sentence=finding.si,
    )
    places = _report_places(view, frames, finding)
    records = [replace(r, tolls=_tolls_for(finding, r.place, list(places))) for r in per_place(rec, places)]
    return replace(st, events=st.events + tuple(r for r in records if r.tolls))


def _killing_event(view: View, frames: tuple[Frame, ...], finding: TollFinding) -> Discourse:
    ctx, st = view.ctx, view.st
    kill = finding.killing
    frame = frames[finding.si]
    verb = ctx.doc[kill.verb]
    places = most_specific(ctx, list(finding.places)) if finding.places else context_places(view, finding.si, frames)
    sources = with_affiliations(view, frame.sources)
    rec = EventRecord(
        kill.type, ((verb.idx, verb.idx + len(verb.text)),), None, agents=kill.agents,
        targets=tuple(v for v in kill.victims if v not in kill.agents), sources=sources,
        date=finding.date, start_date=finding.start_date, confidence=0.6 + (0.1 if sources else 0.0),
        evidence=(view.ctx.sentence_text(finding.si).strip(),), sentence=finding.si,
    )
    records = [_with_tolls(r, finding, list(places)) for r in per_place(rec, places)]
    st = replace(st, events=st.events + tuple(records))
    if places:
        st = replace(st, event_places=st.event_places + ((finding.si, tuple(places)),))
    return st


def toll_step(view: View, frames: tuple[Frame, ...], finding: TollFinding, attach: int | None) -> Discourse:
    """Pass 3 for a toll: to the cue it goes to, a killing, the event it gives a figure for, or a report."""
    st = view.st
    if attach is not None:
        ks = [k for k, e in enumerate(st.events) if e.sentence == finding.si and e.triggers and e.triggers[0][0] == attach]
        if not ks and finding.owner is not None:  # "cette attaque a fait 12 morts": the event told before
            ks = _batch(st.events, antecedent(view, st.events, finding.owner))
        if ks:
            return _add(view, frames, finding, ks, relocate=False)
    if finding.killing is not None:
        return _killing_event(view, frames, finding)
    if not finding.report and (ks := _elaborated(view, finding)):
        return _add(view, frames, finding, ks, relocate=True)
    if finding.partial:
        return st  # "deux de ses cousins figuraient parmi les victimes": no toll of its own
    return _report(view, frames, finding)
