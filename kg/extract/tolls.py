"""Pass 2 for tolls: stated numbers of dead, whose they are, and where each clause's tolls go.

A quantity is a :class:`~kg.schema.records.Toll` when a casualty noun or an actor follows it ("13
soldats", "20 jihadistes", "35 autres personnes"), when it is a partitive ("trois d'entre eux",
"deux de leurs camarades") or when its noun is understood ("… en avaient tué 57", "… et 12 à
Douma"); an indefinite article before a casualty noun killed is one ("une femme a été tuée"). Its
own predicate must say they died: "86 blessés" or "10.000 personnes arrêtées" are not dead, "ont
succombé à leurs blessures" and "ont trouvé la mort" are (:func:`fate`); "…, dont 32 enfants" is
a part of the toll before it.

The tolls of a sentence are grouped by the clause that tells them (:class:`TollFinding`: "35
personnes ont péri samedi, selon l'OSDH, qui recense 13.000 morts depuis mars 2011" is two); a
group goes, the first rule that applies winning, to:

1. the cue whose phrase holds it ("une offensive qui a fait 40 morts") or that is the subject or
   agent of its verb ("les obus y ont fait 7 morts", "tués par des frappes");
2. a ``CasualtyReport`` when it is told for a period ("depuis vendredi", "en deux mois de
   bataille", "au total") or for the whole country ("à travers le pays", "depuis le début de la
   révolte");
3. a killing with a killer and no cue ("des commandos de l'EI y tuent 200 civils", "tués par des
   hommes armés"): an attack on civilians, or a clash when the dead are fighters;
4. the nearest asserted cue of a violent type in its clause ("tués dans des raids");
5. with no such cue, the event it gives a figure for: an event told with a toll before (another
   count: "l'OSDH a fait état de 26 morts"), after "le bilan" the first event of the kind just
   told, else the violent event of the previous two sentences — if their dates agree, and at the
   place the toll names;
6. else a ``CasualtyReport``.

Rules 1–4 are decided here; 5 and 6, which need the events told so far, in
:mod:`kg.extract.casualties`. Reading one toll and its fate is in :mod:`kg.extract.toll_numbers`,
grouping the tolls by clause and reading a clause in :mod:`kg.extract.toll_clauses`.
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Token

from kg.extract.clauses import Trigger
from kg.extract.context import ArticleContext, Discourse, View, roles_config
from kg.extract.toll_clauses import (
    about_the_conflict,
    clause_dates,
    clause_tokens,
    for_a_period,
    group_clauses,
    nationwide,
    says_when,
)
from kg.extract.toll_numbers import FoundToll, fate, read_toll, singular_tolls
from kg.extract.types import type_rules
from kg.nlp.lookup import subtree_ids
from kg.schema.records import Mention, Toll
from kg.schema.taxonomy import EVENT_TYPES, FAMILY
from kg.schema.text import key
from kg.schema.time import TimeValue

__all__ = ["TollFinding", "Killing", "find_tolls", "toll_causes", "figure_cues", "attachment", "fate", "lethal_type",
           "LETHAL_FAMILIES", "BATTLE_FAMILY"]

#: Event families whose actions kill: only their cues take a toll they do not hold.
LETHAL_FAMILIES = frozenset({"Battle", "RemoteViolence", "ViolenceAgainstCivilians"})
#: The type of a killing with no cue: of civilians (or people unnamed), of fighters.
KILLING_OF_CIVILIANS, KILLING_OF_FIGHTERS = "AttackOnCivilians", "ArmedClash"
assert {KILLING_OF_CIVILIANS, KILLING_OF_FIGHTERS} <= set(EVENT_TYPES)
_NOT_LETHAL = frozenset({"Abduction"})  # of those families, the one that does not kill
BATTLE_FAMILY = "Battle"
_IMPLICIT_SUBJECT_DEPS = ("advcl", "xcomp", "acl", "conj")  # "…, tuant 8 personnes", "a bombardé X et tué 12 civils"


@dataclass(frozen=True)
class Killing:
    """A killing told with its perpetrator and no cue ("tués par les insurgés", "l'EI y tue 200 civils")."""

    type: str
    verb: int  # token index of the killing verb
    agents: tuple[Mention, ...]
    victims: tuple[Mention, ...]


@dataclass(frozen=True)
class TollFinding:
    """The tolls one clause of a sentence tells, and where they go."""

    si: int
    tolls: tuple[Toll, ...]
    report: bool  # told for a period or the whole country, and no cue holds it: a CasualtyReport
    owner: Trigger | None  # the asserted cue the tolls go to
    places: tuple[Mention, ...] = ()  # the places named in the toll's clause (not mere references)
    around: tuple[Mention, ...] = ()  # the other places of its sentence
    own_places: tuple[Mention | None, ...] = ()  # per toll, the place it alone is told for ("et 12 à Douma")
    country: bool = False  # told for the whole country ("à travers le pays")
    battle: bool = False  # sums up a battle ("dans les combats", "durant la bataille")
    killing: Killing | None = None
    figure: bool = False  # a count reported ("l'OSDH fait état de 26 morts"), not deaths told
    summary: bool = False  # "le bilan" in this sentence or the previous one
    civilians: Mention | None = None  # the civilians named among the dead
    partial: bool = False  # only parts of a group ("deux de ses cousins"): a figure for an event, never a report
    date: TimeValue | None = None
    start_date: TimeValue | None = None
    timed: bool = False  # its clause has a time expression, resolved or not


# -- whose toll ------------------------------------------------------------------------------------
def lethal_type(etype: str) -> bool:
    return FAMILY.get(etype) in LETHAL_FAMILIES and etype not in _NOT_LETHAL


def _lethal(tr: Trigger) -> bool:
    return lethal_type(tr.type)


def _owner(ctx: ArticleContext, fs: list[FoundToll], triggers: list[Trigger]) -> Trigger | None:
    """The cue that is the subject or agent of a toll's verb ("les obus y ont fait 7 morts", "tués par
    des frappes"; for "…, tuant 8 personnes" the subject of the verb it hangs on), else the innermost cue
    whose phrase holds the toll ("une offensive qui a fait des centaines de morts")."""
    lethal = [tr for tr in triggers if not tr.irrealis and _lethal(tr)]
    for f in fs:
        if f.predicate is None:
            continue
        verb = ctx.doc[f.predicate]
        for v in _cause_holders(verb):
            for c in v.children:
                if not _is_cause(ctx, c):
                    continue
                if c.pos_ == "PRON" and v.dep_ == "acl:relcl":
                    ids = {v.head.i}  # "une attaque …, qui a fait 25 morts": the antecedent
                else:
                    ids = subtree_ids(c)
                if hits := [tr for tr in lethal if tr.head_i in ids]:
                    return hits[0]
    asserted = [tr for tr in triggers if not tr.irrealis]
    for f in fs:
        holding = [tr for tr in asserted if f.word in subtree_ids(tr.head(ctx)) and tr.head_i != f.word
                   and not _other_predicate_between(ctx, f.word, tr.head_i)]
        if holding:
            return min(holding, key=lambda tr: len(subtree_ids(tr.head(ctx))))
    return None


def _other_predicate_between(ctx: ArticleContext, word: int, head: int) -> bool:
    """A coordinated verb stands between the toll and the cue: "ont enlevé 30 villageois et tué deux
    autres" — the killing is not the abduction."""
    t = ctx.doc[word]
    while t.i != head and t.head.i != t.i:
        if t.pos_ in ("VERB", "AUX") and t.dep_ == "conj":
            return True
        t = t.head
    return False


def _is_cause(ctx: ArticleContext, c: Token) -> bool:
    """The subject of an active verb, or its "par" agent: who or what killed. An active verb with no
    subject takes a bare noun phrase before it (the parser made the subject an oblique)."""
    verb = c.head
    passive = any(x.dep_ == "aux:pass" for x in verb.children)
    if c.dep_ == "obl:agent":
        return True
    cases = {key(x.text) for x in c.children if x.dep_ == "case"}
    if c.dep_.startswith("obl") and cases & ctx.lex.set("lethal_cause_prepositions"):
        return True
    if passive:
        return False
    if c.dep_ == "nsubj":
        return True
    return (c.dep_.startswith("obl") and c.i < verb.i and not cases and c.pos_ in ("NOUN", "PROPN")
            and not any(x.dep_.startswith("nsubj") for x in verb.children))


def _killing(view: View, fs: list[FoundToll], triggers: list[Trigger]) -> Killing | None:
    """A killing verb with no cue and a killer: an armed actor as its subject or agent, or any
    agent of its passive ("tués par des bandes armées", "tuée par des tirs")."""
    ctx = view.ctx
    armed = frozenset(roles_config()["armed_classes"])
    for f in fs:
        if f.predicate is None:
            continue
        verb = ctx.doc[f.predicate]
        if not set(ctx.keys(verb)) & ctx.lex.set("death_verbs"):
            continue
        agents: list[Mention] = []
        by = False
        for v in _cause_holders(verb):
            for c in v.children:
                if _is_cause(ctx, c):
                    agents += view.actor_in_subtree(c, armed)
                    by = by or c.dep_ != "nsubj" and c.pos_ in ("NOUN", "PROPN") and any(
                        x.dep_ == "case" for x in c.children)
            if agents or by:
                break
        if not agents and not by:
            continue
        fighters = all((x.toll.group is not None and x.toll.group.cls in armed)
                       or ctx.lemma(ctx.doc[x.word]) in ctx.lex.set("fighter_nouns") for x in fs)
        victims = tuple(dict.fromkeys(
            x.civ if x.civ is not None else x.toll.group for x in fs if (x.civ or x.toll.group) is not None))
        kind = KILLING_OF_FIGHTERS if fighters and not any(x.toll.civilians for x in fs) else KILLING_OF_CIVILIANS
        return Killing(kind, verb.i, tuple(dict.fromkeys(agents)), victims)
    return None


def _cause_holders(verb: Token) -> list[Token]:
    """The predicates whose subject or agent may be the killer: the verb (and its head, for an
    implicit subject: "…, tuant 8 personnes"), then the participles coordinated with it, whose agent
    the two share ("une femme a été tuée et un soldat blessé par des tirs")."""
    out = [verb, verb.head] if verb.dep_ in _IMPLICIT_SUBJECT_DEPS else [verb]
    for c in verb.children:
        if c.dep_ == "conj":
            out += [c] if c.pos_ == "VERB" else [x for x in c.children if x.dep_ == "acl" and x.pos_ == "VERB"]
    return out


def figure_cues(ctx: ArticleContext, triggers: list[Trigger]) -> set[int]:
    """Cues that put forward a figure ("avance le chiffre de 1 429 morts"): reports, not events (head indices)."""
    figures = ctx.lex.set("figure_nouns")
    out = set()
    for tr in triggers:
        for t in {tr.head(ctx), tr.anchor_tok(ctx)}:
            if t.pos_ in ("VERB", "AUX") and any(c.dep_ == "obj" and ctx.lemma(c) in figures for c in t.children):
                out.add(tr.head_i)
    return out


def find_tolls(ctx: ArticleContext, si: int, triggers: list[Trigger], zone: frozenset[int] = frozenset()) -> list[TollFinding]:
    """The tolls of sentence ``si`` by clause (none if it tells no death), given its cues and its
    attribution zone."""
    lex = ctx.lex
    view = View(ctx, Discourse())
    sent = ctx.sents[si]
    gate = lex.set("death_lemmas") | lex.set("death_verbs") | lex.set("dead_nouns") | set(lex.map("death_verb_objects").values())
    if not any(set(ctx.keys(t)) & gate for t in sent):
        return []
    found: list[FoundToll] = []
    for q in ctx.quantities:
        if sent.start_char <= q.start < sent.end_char and (f := read_toll(ctx, q, sent, found[-1] if found else None)):
            found.append(f)
    taken = {i for f in found for i in range(*_span_ids(ctx, f.toll))}
    found = sorted(found + singular_tolls(ctx, sent, taken), key=lambda f: f.toll.start)
    if not found:
        return []
    figures = figure_cues(ctx, triggers)
    cues = [tr for tr in triggers if tr.head_i not in figures and not tr.irrealis]
    summary_words = lex.set("toll_summary_nouns")
    summary = any(ctx.lemma(t) in summary_words for s in (si - 1, si) if s >= 0 for t in ctx.sents[s])
    in_sentence = [m for m in ctx.sentence_places(si) if not ctx.token_ids(m) & zone]
    groups = group_clauses(ctx, found, sent)
    countrywide = [nationwide(ctx, ids) or (about_the_conflict(ctx, ids) and for_a_period(ctx, ids, fs))
                   for fs, ids in groups]
    out = []
    for n, (fs, ids) in enumerate(groups):
        clause = clause_tokens(ctx, fs, ids)
        places = tuple(m for m in in_sentence if ctx.token_ids(m) & clause)
        around = tuple(m for m in in_sentence if ctx.token_ids(m) & ids and m not in places)
        only_country = bool(places) and all(p.cls == "Country" for p in places)
        period = for_a_period(ctx, ids, fs)
        country = only_country or (not places and (countrywide[n] or any(countrywide)))
        owner = _owner(ctx, fs, cues)
        report = owner is None and (period or country)
        killing = None
        if owner is None and not report:
            killing = _killing(view, fs, cues)
            if killing is not None:
                same = [tr for tr in cues if tr.type == killing.type]
                if same:
                    owner, killing = same[0], None
        if owner is None and not report and killing is None:
            lethal = [tr for tr in cues if _lethal(tr) and (len(groups) == 1 or tr.head_i in ids)]
            if lethal:
                owner = min(lethal, key=lambda tr: abs(tr.head(ctx).idx - fs[0].toll.start))
        battle = any(FAMILY.get(tr.type) == BATTLE_FAMILY and (tr.head_i in ids) for tr in triggers)
        date, start = clause_dates(ctx, ids)
        out.append(TollFinding(
            si, tuple(f.toll for f in fs), report, owner, places, around,
            tuple(f.own_place for f in fs), country, battle, killing, all(f.figure for f in fs), summary,
            next((f.civ for f in fs if f.civ is not None), None), all(f.partitive for f in fs), date, start,
            says_when(ctx, fs, ids, len(groups) > 1),
        ))
    return out


def _span_ids(ctx: ArticleContext, t: Toll) -> tuple[int, int]:
    span = ctx.doc.char_span(t.start, t.end, alignment_mode="expand")
    return (span.start, span.end) if span is not None else (0, 0)


def toll_causes(ctx: ArticleContext, finding: TollFinding | None, triggers: list[Trigger]) -> set[int]:
    """Cues that are the causes of a reported toll ("tués … dans les combats et bombardements"), by head index."""
    if finding is None or not finding.report:
        return set()
    rules = type_rules()
    openers = ctx.lex.phrases("toll_cause_openers")
    out = set()
    for tr in triggers:
        h = tr.head(ctx)
        while h.dep_ == "conj" and h.head.i != h.i:
            h = h.head
        if ctx.prev_text(h.i, 2).endswith(openers) and rules[tr.type].toll_cause:
            out.add(tr.head_i)
    return out


def attachment(ctx: ArticleContext, finding: TollFinding, triggers: list[Trigger]) -> int | None:
    """Character offset of the cue the tolls go to (None: a report, a killing, or a figure for an earlier event)."""
    return ctx.doc[finding.owner.start].idx if finding.owner is not None else None
