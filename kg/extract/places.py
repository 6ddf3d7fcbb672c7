"""Where an event happened: the places of a cue's clause, its sentence, or the discourse.

In order, the first rule that gives a place wins (:func:`places_for`):

1. a participle qualifying a place ("Khaldiyé, un quartier assiégé") happens there;
2. the places named in the cue's clause (not mere references: "près de", "au nord de");
   with an anaphoric locative ("dans la ville", "sur cette zone") only those named before it;
3. the places of the sentence outside the attribution zone, then inside it;
4. a place the event is only said to be near ("une mine a explosé près de Deir Ezzor");
5. the places the text was just about (:func:`context_places`).

Several places give one event each, but a place containing another is dropped (the most
specific wins, by the gazetteer or by what the text says contains what).
"""

from __future__ import annotations

from dataclasses import replace

from spacy.tokens import Token

from kg.extract.anaphora import (
    anaphoric_noun,
    is_demonstrative,
    noun_classes,
    place_clitic,
    resolve,
    resolve_clitic,
    sentence_anaphor,
)
from kg.extract.clauses import Trigger
from kg.extract.context import ArticleContext, View
from kg.extract.sources import Frame
from kg.extract.types import type_rules
from kg.schema.records import EventRecord, Mention
from kg.schema.taxonomy import PLACE_RANK

__all__ = ["most_specific", "places_for", "context_places", "per_place", "is_anaphoric"]

_APPOSITION = (",", "(")


def most_specific(ctx: ArticleContext, places: list[Mention]) -> list[Mention]:
    """Drop places that contain another of the list; a region gives way to an unknown village."""
    keys = {p.key for p in places}
    contained_by: dict[str, set[str]] = {}
    for p in places:
        anc = set(ctx.gaz.ancestors(p.gaz_id)) if p.gaz_id else set()
        anc |= {c.key for (a, c) in ctx.containment if a.key == p.key}
        contained_by[p.key] = anc
    out = []
    for p in places:
        if any(p.key in contained_by[q.key] and not _coordinated(ctx, p, q) for q in places if q.key != p.key):
            continue
        if p.cls == "Region" and any(
            PLACE_RANK.get(q.cls, 0) > PLACE_RANK["Region"] and not q.gaz_id and not contained_by[q.key] for q in places
        ):
            continue  # "dans la province d'Idleb … dans le village de Maar Chourine": the village
        if p.cls == "Country" and len(keys) > 1 and any(q.cls != "Country" for q in places):
            continue
        out.append(p)
    return list(dict.fromkeys(out))


def _phrase_head(ctx: ArticleContext, m: Mention):
    """The noun a place's phrase hangs by: the name, or the place nouns it belongs to ("le camp
    voisin de Yarmouk": "camp")."""
    toks = ctx.tokens_of(m)
    own = {t.i for t in toks}
    t = next((x for x in toks if x.head.i not in own), None)
    for _ in range(2):
        if t is None or t.dep_ not in ("nmod", "appos") or t.head.pos_ != "NOUN" or t.head.i in ctx.mention_at:
            break
        t = t.head
    return t, own


def _coordinated(ctx: ArticleContext, p: Mention, q: Mention) -> bool:
    """Two places named side by side ("Homs et la prison centrale de Homs"): both are places of
    the event, though one contains the other."""
    (a, own_p), (b, own_q) = _phrase_head(ctx, p), _phrase_head(ctx, q)
    if a is None or b is None:
        return False
    return (a.dep_ == "conj" and (a.head.i in own_q or a.head.i == b.i)) or (
        b.dep_ == "conj" and (b.head.i in own_p or b.head.i == a.i))


def _head_and_anchor(ctx: ArticleContext, tr: Trigger):
    head = tr.head(ctx)
    return [head] if tr.anchor == tr.head_i else [head, tr.anchor_tok(ctx)]


def _anaphor(view: View, tr: Trigger) -> Token | None:
    """The cue's own locative or subject is an anaphoric place noun phrase: "sur cette zone",
    "dans la ville", "la base était encerclée"."""
    ctx = view.ctx
    for t in _head_and_anchor(ctx, tr):
        for c in t.children:
            if c.dep_.startswith(("obl", "obj", "nmod", "nsubj")) and anaphoric_noun(view, c):
                return c
    return None


def is_anaphoric(view: View, tr: Trigger) -> bool:
    """The cue's own locative is a common noun with no name in it: "sur cette zone", "dans la ville"."""
    return _anaphor(view, tr) is not None


def _descriptive(view: View, m: Mention, tr: Trigger) -> bool:
    """The place only describes another: it hangs on a location verb or a relative clause between it
    and the cue ("Saraqeb, située sur l'autoroute qui relie Alep à Damas, a été reprise")."""
    ctx = view.ctx
    toks = ctx.tokens_of(m)
    if not toks:
        return False
    stops = {tr.head_i, tr.anchor}
    located = ctx.lex.set("location_verbs")
    own = {t.i for t in toks}
    t = toks[0]
    for _ in range(12):
        if t.i in stops or t.head.i == t.i:
            return False
        came_by = t.dep_
        t = t.head
        if t.i in stops:
            return False
        if came_by == "conj":  # "Alep et Hama": a coordinated place is a sibling, not a container
            own |= {x.i for x in view.tokens_of(m2)} if (m2 := view.mention_of(t)) is not None else {t.i}
            continue
        if came_by in ("nmod", "appos", "flat:name") and view.mention_of(t) is None and noun_classes(ctx, t) is not None:
            own.add(t.i)  # "le quartier de Salaheddine": the noun the name belongs to
            continue
        if t.dep_ == "acl:relcl" or ctx.lemma(t) in located:
            return True
        if t.i not in own and _names_a_place(view, t, own):
            return True  # "Saraqeb, sur l'autoroute M5": the road says where the town is
    return False


def _names_a_place(view: View, t: Token, own: set[int]) -> bool:
    """The token is (part of) another town-sized or smaller place, or a place noun heading one ("la ville de
    Saraqeb"): what hangs on it says where that place is. Under a region or a country ("dans la Ghouta,
    notamment Kafr Batna") a place is a part, not a description."""
    town = PLACE_RANK["City"]
    m = view.mention_of(t)
    if m is not None:
        return m.kind == "place" and PLACE_RANK.get(m.cls, 0) >= town
    if noun_classes(view.ctx, t) is None:
        return False
    return any(c.dep_ in ("nmod", "appos", "flat:name") and c.i not in own and (mc := view.mention_of(c)) is not None
               and mc.kind == "place" and PLACE_RANK.get(mc.cls, 0) >= town for c in t.children)


def _qualified_place(view: View, tr: Trigger) -> Mention | None:
    """Rule 1: "Khaldiyé, un quartier rebelle assiégé depuis …": the participle describes the place."""
    ctx = view.ctx
    head = tr.head(ctx)
    if not (head.dep_ in ("acl", "amod") and head.pos_ in ("VERB", "ADJ")):
        return None
    noun = head.head
    for t in (noun, noun.head if noun.dep_ in ("appos", "nmod") else None):
        m = view.mention_of(t) if t is not None else None
        if m is not None and m.kind == "place":
            return m
    # "bombarder Khaldiyé, un quartier assiégé": an apposition the parser left as a sibling
    left = noun.left_edge.i
    for j in range(left - 1, max(left - 4, -1), -1):
        m = view.mention_of(ctx.doc[j])
        if m is not None and m.kind == "place":
            return m
        if ctx.doc[j].text not in _APPOSITION and ctx.doc[j].pos_ != "DET":
            break
    return None


def _referent_within(view: View, m: Mention) -> Mention | None:
    """A region or country that only says where a demonstrative place noun lies ("les villages
    entourant cette localité de la province d'Idleb"): the place the noun stands for, told before."""
    ctx = view.ctx
    if m.kind != "place" or PLACE_RANK.get(m.cls, 0) >= PLACE_RANK["City"]:
        return None
    toks = ctx.tokens_of(m)
    own = {t.i for t in toks}
    top = next((t for t in toks if t.head.i not in own), None)
    if top is None or top.dep_ != "nmod":
        return None
    noun = top.head
    classes = noun_classes(ctx, noun)
    if classes is None or view.mention_of(noun) is not None or not is_demonstrative(view, noun):
        return None
    finer = frozenset(c for c in classes if PLACE_RANK.get(c, 0) > PLACE_RANK[m.cls])
    ref = resolve(view, noun, finer) if finer else None
    return ref if ref is not None and ref.key != m.key else None


def _near_places(view: View, si: int, zone: frozenset[int]) -> list[Mention]:
    """Rule 4: places given as references with a word of proximity ("près de Deir Ezzor")."""
    ctx = view.ctx
    sent = ctx.sents[si]
    near = ctx.lex.phrases("proximity_words")
    return [
        m
        for m in view.mentions_in(range(sent.start, sent.end), "place")
        if ctx.is_reference_place(m)
        and not ctx.in_dateline(m.start)
        and not ctx.token_ids(m) & zone
        and any(w in ctx.prev_text(ctx.tokens_of(m)[0].i, 3) for w in near)
    ]


def places_for(view: View, tr: Trigger, si: int, frames: tuple[Frame, ...]) -> tuple[list[Mention], bool]:
    """(places of a cue, whether they come from its own clause)."""
    ctx = view.ctx
    anaphor = _anaphor(view, tr)
    qualified = _qualified_place(view, tr)
    if qualified is not None:
        return [qualified], True
    head_idx = tr.head(ctx).idx
    toward = type_rules()[tr.type].toward_place
    cands = [m for m in view.mentions_in(tr.scope, "place")
             if not ctx.is_reference_place(m) and not _descriptive(view, m, tr)
             and (toward or not ctx.is_destination(m))]
    cands = list(dict.fromkeys(_referent_within(view, m) or m for m in cands))
    if anaphor is not None:
        cands = [m for m in cands if m.start < head_idx]  # "sur cette zone": named before, not in a nested clause
    if cands:
        return most_specific(ctx, cands), True
    if anaphor is not None and (m := resolve(view, anaphor, noun_classes(ctx, anaphor))) is not None:
        return [m], True  # "dans la ville": the city the text is about
    clitic = place_clitic(view, tr.anchor_tok(ctx)) or place_clitic(view, tr.head(ctx))
    if clitic is not None and (m := resolve_clitic(view, clitic)) is not None:
        return [m], True  # "y mènent une offensive", "en ont repris le contrôle"
    zone = frames[si].zone
    sentence = list(dict.fromkeys(_referent_within(view, m) or m for m in frames[si].places
                                  if not _descriptive(view, m, tr) and (toward or not ctx.is_destination(m))))
    before = [m for m in sentence if not ctx.token_ids(m) & zone and (anaphor is None or m.start < head_idx)]
    if before:
        return most_specific(ctx, before), False
    in_zone = [m for m in sentence if ctx.token_ids(m) & zone]
    if in_zone and anaphor is None:
        return most_specific(ctx, in_zone), False  # "des militants à Homs ont estimé qu'il s'agissait d'un assaut"
    subject = sentence_anaphor(view, si)
    if subject is not None and (m := resolve(view, subject, noun_classes(ctx, subject))) is not None:
        return [m], False  # "Cette localité, située près de X, est tombée …"
    near = _near_places(view, si, zone)
    if near and anaphor is None:
        return most_specific(ctx, near), False
    return context_places(view, si, frames), False


def context_places(view: View, si: int, frames: tuple[Frame, ...]) -> list[Mention]:
    """The places the text was just about: those of the latest events if recent, else those of the
    nearest preceding sentence that names one, else those of the latest events anywhere before."""
    ctx = view.ctx
    recent = [(s, p) for s, p in view.st.event_places if s <= si]
    if recent and si - recent[-1][0] <= 5:
        # the places of all the events of the latest sentence with events, the most specific of them
        # ("les rebelles ont pris Jarablus après le lancement d'une opération en Syrie": Jarablus)
        latest = [p for s, places in recent if s == recent[-1][0] for p in places]
        return most_specific(ctx, list(dict.fromkeys(latest)))
    for back in range(1, 4):
        if si - back >= 0 and frames[si - back].places:
            return most_specific(ctx, list(frames[si - back].places))
    return most_specific(ctx, list(recent[-1][1])) if recent else []


def per_place(rec: EventRecord, places: list[Mention] | None = None) -> list[EventRecord]:
    """One record per place (the record itself when there is none)."""
    if places is None:
        places = [rec.place] if rec.place is not None else []
    if not places:
        return [rec]
    return [replace(rec, place=p) for p in places]
