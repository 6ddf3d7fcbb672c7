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
:mod:`kg.extract.casualties`.
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Span, Token

from kg.extract.civilians import is_civilians, population_figure
from kg.extract.clauses import Trigger
from kg.extract.context import ArticleContext, Discourse, View, roles_config
from kg.extract.types import type_rules
from kg.lang.fr.numbers import Quantity
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
_CLAUSE_DEPS = ("acl:relcl", "advcl", "ccomp", "parataxis", "csubj")
_CLAUSE_BREAKS = (";",)
_APPOSITION = (",",)
_IMPLICIT_SUBJECT_DEPS = ("advcl", "xcomp", "acl", "conj")  # "…, tuant 8 personnes", "a bombardé X et tué 12 civils"
_OUTSIDE_DEPS = ("acl", "acl:relcl", "nsubj", "nsubj:pass", "obj", "csubj", "ccomp", "advcl", "parataxis")


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


@dataclass(frozen=True)
class _Found:
    toll: Toll
    word: int  # the token the toll's fate is read from (its noun, else its number)
    predicate: int | None  # the verb of its clause
    figure: bool  # dead by its noun alone, under a verb that reports or causes
    own_place: Mention | None = None
    civ: Mention | None = None
    partitive: bool = False


# -- fate: dead, or not ----------------------------------------------------------------------
def _verdict(ctx: ArticleContext, t: Token) -> bool | None:
    """What a predicate says of those it is about: died (True), survived (False), nothing (None)."""
    lex = ctx.lex
    keys = set(ctx.keys(t))
    if keys & lex.set("death_verbs"):
        return True
    wanted = lex.map("death_verb_objects").get(ctx.lemma(t))
    if wanted and any(ctx.lemma(c) == wanted for c in t.children if c.dep_ in ("obj", "obl", "obl:arg")):
        return True  # "ont trouvé la mort", "ont perdu la vie"
    if keys & lex.set("non_fatal_lemmas"):
        return any(key(c.text) in lex.set("fatal_adverbs") for c in t.children)  # "mortellement blessé"
    if t.pos_ == "VERB" and not keys & (lex.set("toll_neutral_verbs") | lex.set("report_verbs")):
        return False  # "ont déployé 300 soldats"
    return None


def _participles(word: Token) -> list[Token]:
    """Participles and adjectives on the toll's noun phrase, nearest first: "10.000 personnes arrêtées",
    "120 membres des forces de sécurité, tués le 6 juin"."""
    out, frontier = [], [word]
    for depth in range(3):
        nxt = []
        for t in frontier:
            for c in t.children:
                if c.dep_ in (("acl", "amod", "acl:relcl") if depth == 0 else ("acl", "amod")) and c.pos_ in ("VERB", "ADJ"):
                    out.append(c)
                elif c.dep_ in ("nmod", "appos", "flat:name") and c.pos_ in ("NOUN", "PROPN"):
                    nxt.append(c)
        frontier = nxt
    return out


def _names_the_dead(ctx: ArticleContext, verb: Token, came: Token) -> bool:
    """The verb's subject, object or "parmi" phrase (not the toll's own) names the dead: "parmi les
    morts figurent 12 soldats", "les victimes sont 12 civils"."""
    lex = ctx.lex
    said = lex.set("dead_nouns") | lex.set("toll_summary_nouns")
    for c in verb.children:
        if c.i == came.i or not set(ctx.keys(c)) & said:
            continue
        cases = {key(x.text) for x in c.children if x.dep_ == "case"}
        if c.dep_ in ("nsubj", "nsubj:pass", "obj") or cases & lex.set("among_words"):
            return True
    return False


def fate(ctx: ArticleContext, word: Token, tail: int | None = None) -> tuple[bool | None, int | None, bool]:
    """(dead?, the verb of its clause, dead by its noun alone) for the people a toll's word names.

    The noun itself first ("86 blessés", "25 morts"), then a participle on it ("10.000 personnes
    arrêtées", "56 civils tués"), then the nouns above it up to the verb of its clause, and that
    verb ("ont péri", "ont été tués", "ont trouvé la mort"); a verb that reports or causes ("fait
    état de", "a fait", "figurent") says nothing.
    """
    lex = ctx.lex
    keys = set(ctx.keys(word))
    if keys & lex.set("wounded_nouns"):
        return False, None, True
    dead_noun = bool(keys & lex.set("dead_nouns"))
    after = []
    if tail is not None:
        j = tail + (tail < len(ctx.doc) and ctx.doc[tail].is_punct and ctx.doc[tail].text in _APPOSITION)
        if j < len(ctx.doc) and ctx.doc[j].dep_ == "acl" and ctx.doc[j].pos_ in ("VERB", "ADJ"):
            after.append(ctx.doc[j])  # "120 membres des forces de sécurité, tués le 6 juin…" (the parser may hang it elsewhere)
    for c in after + _participles(word):
        v = _verdict(ctx, c)
        if v is not None and not (dead_noun and v is False):
            return v, c.i, False
    came = word
    for _ in range(10):
        t = came.head
        if t.i == came.i:
            break
        if t.pos_ in ("VERB", "AUX", "ADJ"):
            v = _verdict(ctx, t)
            if v is not None and not (dead_noun and v is False):
                return v, t.i, False
            if t.pos_ == "VERB":
                if dead_noun:
                    return True, t.i, True
                # "parmi les morts figurent 12 soldats", not "12 soldats ont été faits prisonniers"
                return _names_the_dead(ctx, t, came), t.i, False
        elif t.pos_ in ("NOUN", "PROPN") and came.dep_ != "conj":  # "320.000 morts et 2 millions de déplacés"
            up = set(ctx.keys(t))
            if up & lex.set("dead_nouns"):
                return True, None, True  # "320 victimes, dont une trentaine d'enfants"
            if up & lex.set("wounded_nouns"):
                return False, None, True
        came = t
    return (True if dead_noun else None), None, dead_noun


# -- one toll ------------------------------------------------------------------------------------
def _k(ctx: ArticleContext, i: int) -> str:
    return key(ctx.doc[i].text) if 0 <= i < len(ctx.doc) else ""


def _place_after(ctx: ArticleContext, j: int, end: int) -> Mention | None:
    """ "à Douma", "dans la ville de Homs": the place a preposition at ``j`` introduces."""
    if _k(ctx, j) not in ctx.lex.set("toll_place_prepositions"):
        return None
    for i in range(j + 1, min(j + 5, end)):
        m = ctx.mention_at.get(i)
        if m is not None:
            return m if m.kind == "place" else None
    return None


def _elliptic(ctx: ArticleContext, span: Span, sent: Span, prev: _Found | None) -> Mention | None:
    """ "…, et 12 à Douma", "dont 5 à Alep": a number after a toll, its noun understood; its place."""
    if prev is None or _k(ctx, span.start - 1) not in ctx.lex.set("elliptic_toll_openers"):
        return None
    return _place_after(ctx, span.end, sent.end)


def _clitic(ctx: ArticleContext, span: Span, sent: Span) -> bool:
    """ "des roquettes en avaient tué au moins 57": "en" stands for the noun of a killing verb."""
    doc, lex = ctx.doc, ctx.lex
    for i in range(span.start - 1, max(sent.start, span.start - 5) - 1, -1):
        t = doc[i]
        if key(t.text) in lex.set("partitive_clitics") and (
            t.pos_ == "PRON" or (i + 1 < len(doc) and doc[i + 1].pos_ in ("VERB", "AUX"))
        ):
            return any(set(ctx.keys(x)) & lex.set("death_verbs") for x in doc[i + 1 : span.start])
    return False


def _group_after(ctx: ArticleContext, j: int, end: int) -> tuple[Mention | None, Mention | None, bool]:
    """(actor group, civilians mention, civilians?) named after a toll's noun: "membres des forces de
    sécurité", "combattants des FDS", "morts parmi les civils"."""
    lex = ctx.lex
    while j < end and ctx.doc[j].pos_ == "ADJ" and ctx.doc[j].text.islower() and j < end:
        j += 1
    w = _k(ctx, j)
    if w in lex.set("of_prepositions") or w in lex.set("among_words"):
        for i in range(j + 1, min(j + 4, end)):
            m = ctx.mention_at.get(i)
            if m is not None:
                if is_civilians(m):
                    return None, m, True
                return (m if m.kind == "actor" else None), None, False
            if w in lex.set("among_words") and ctx.lemma(ctx.doc[i]) in lex.set("civilian_nouns"):
                return None, None, True
    return None, None, False


def _toll(ctx: ArticleContext, q: Quantity, sent: Span, prev: _Found | None) -> _Found | None:
    doc, lex = ctx.doc, ctx.lex
    span = doc.char_span(q.start, q.end, alignment_mode="expand")
    if span is None or not (sent.start <= span.start and span.end <= sent.end):
        return None
    j, word, m, end_char = span.end, None, None, span.end_char
    group, civ_m, civ = None, None, False
    own_place, partitive = None, False
    if _k(ctx, j) in lex.set("toll_of"):
        nxt = j + 1 + (_k(ctx, j + 1) in lex.set("partitive_words"))
        if _k(ctx, nxt) in lex.set("partitive_pronouns"):
            word, partitive = span[-1], True  # "trois d'entre eux", "deux d'elles"
        elif _k(ctx, j + 1) in lex.set("possessive_determiners") and j + 2 < sent.end and doc[j + 2].is_alpha:
            word, partitive = doc[j + 2], True  # "deux de leurs camarades"
        else:
            j += 1
    if word is None:
        modified = False
        while _k(ctx, j) in lex.set("toll_noun_modifiers"):
            j, modified = j + 1, True  # "35 autres personnes"
        if j < sent.end:
            nxt_tok = doc[j]
            m = ctx.mention_at.get(j)
            k = ctx.keys(nxt_tok)
            if m is not None and m.kind != "actor":
                return None
            if m is not None or k[0] in lex.set("casualty_nouns") or k[1] in lex.set("casualty_nouns"):
                if k[0] in lex.set("inhabitant_nouns") and not any(ctx.lemma(t) in lex.set("killing_lemmas") for t in sent):
                    return None  # "200 habitants" are dead only where someone was killed
                if m is not None and population_figure(ctx, m):
                    return None
                toks = ctx.tokens_of(m) if m is not None else (nxt_tok,)
                word = next((t for t in toks if not (toks[0].i <= t.head.i <= toks[-1].i) or t.head.i == t.i), toks[0])
                civ = k[0] in lex.set("civilian_nouns") or is_civilians(m)
                civ_m = m if is_civilians(m) else None
                group = m if (m is not None and not is_civilians(m)) else None
                end_char = span.end_char if m is None else max(span.end_char, m.end)
                if group is None and not civ:
                    group, civ_m, civ = _group_after(ctx, toks[-1].i + 1, sent.end)
        if word is None:
            own_place = _elliptic(ctx, span, sent, prev)
            subset = prev is not None and _subset(ctx, span, sent)  # "26 civils, dont dix par décapitation"
            word = doc[j - 1] if modified else span[-1]
            others = modified and _by_a_death_verb(ctx, word)  # "ont arrêté 40 manifestants et tué quatre autres"
            if own_place is None and not subset and not others and not _clitic(ctx, span, sent):
                return None
            if prev is not None and (own_place is not None or subset):
                group, civ = prev.toll.group, prev.toll.civilians
    if prev is not None and _subset(ctx, span, sent):
        dead, predicate, by_noun = True, prev.predicate, prev.figure  # "…, dont 32 enfants": one of the toll before
    else:
        dead, predicate, by_noun = fate(ctx, word, _phrase_end(ctx, word, group or civ_m, sent))
    if dead is False:
        return None
    figure = by_noun and _reports(ctx, predicate)
    toll = Toll(q.value, q.qualifier, group, civ, q.start, end_char)
    return _Found(toll, word.i, predicate, figure, own_place, civ_m, partitive)


def _by_a_death_verb(ctx: ArticleContext, word: Token) -> bool:
    v = word.head
    return v.i != word.i and bool(set(ctx.keys(v)) & ctx.lex.set("death_verbs"))


def _phrase_end(ctx: ArticleContext, word: Token, group: Mention | None, sent: Span) -> int:
    """The token after a toll's noun phrase (its group included)."""
    end = word.i + 1
    if group is not None and (toks := ctx.tokens_of(group)):
        end = max(end, toks[-1].i + 1)
    return min(end, sent.end)


def _subset(ctx: ArticleContext, span: Span, sent: Span) -> bool:
    """ "…, dont 32 enfants", "parmi lesquels 16 soldats": a part of the toll just told."""
    return any(_k(ctx, i) in ctx.lex.set("subset_markers") for i in range(max(sent.start, span.start - 2), span.start))


def _reports(ctx: ArticleContext, predicate: int | None) -> bool:
    """The verb gives a count rather than telling deaths or their cause: "fait état de 26 morts",
    "avance le chiffre de", "recense" — not "a fait 26 morts", "ont tué"."""
    if predicate is None:
        return True
    verb = ctx.doc[predicate]
    lex = ctx.lex
    if set(ctx.keys(verb)) & lex.set("death_verbs"):
        return False
    if ctx.lemma(verb) in lex.set("toll_cause_verbs"):
        return any(c.dep_ == "obj" and ctx.lemma(c) in lex.set("statement_objects") for c in verb.children)
    return True


def _singular(ctx: ArticleContext, sent: Span, taken: set[int]) -> list[_Found]:
    """ "une femme a été tuée", "un soldat a péri": an indefinite article before a casualty noun killed is one."""
    lex = ctx.lex
    out = []
    for t in sent:
        if key(t.text) not in lex.set("singular_articles") or t.dep_ != "det" or t.i in taken:
            continue
        noun = t.head
        if noun.i <= t.i or noun.i - t.i > 3 or not set(ctx.keys(noun)) & lex.set("casualty_nouns"):
            continue
        m = ctx.mention_at.get(noun.i)
        if m is not None and m.kind != "actor":
            continue
        dead, predicate, by_noun = fate(ctx, noun)
        if dead is not True or (by_noun and not set(ctx.keys(noun)) & lex.set("dead_nouns")):
            continue
        civ = ctx.lemma(noun) in lex.set("civilian_nouns") or is_civilians(m)
        group = m if (m is not None and not is_civilians(m)) else None
        toll = Toll(1, "Exactly", group, civ, t.idx, noun.idx + len(noun.text))
        out.append(_Found(toll, noun.i, predicate, False, None, m if is_civilians(m) else None))
    return out


# -- the clause of a group -------------------------------------------------------------------------
def _group(ctx: ArticleContext, found: list[_Found], sent: Span) -> list[tuple[list[_Found], set[int]]]:
    """The tolls by clause, with each clause's tokens: "35 personnes ont péri samedi …, selon l'OSDH, qui
    recense 13.000 morts depuis mars 2011" tells two. The tolls of a clause with no time of its own
    join the clause before; the first clause has the rest of the sentence."""
    whole = set(range(sent.start, sent.end))
    segments = _segments(sent)
    if len({segments[f.word] for f in found}) > 1:  # "… avaient tué 100 personnes ; le 30 octobre, … 57."
        out = []
        for seg in sorted({segments[f.word] for f in found}):
            fs = [f for f in found if segments[f.word] == seg]
            out += [(g, ids & {i for i, s_ in segments.items() if s_ == seg}) for g, ids in _group(ctx, fs, sent)]
        return out
    groups: list[tuple[int | None, list[_Found]]] = []
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
    out: list[tuple[list[_Found], set[int]]] = []
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


def _has_time(ctx: ArticleContext, ids: set[int], fs: list[_Found]) -> bool:
    return any(True for _ in _times_in(ctx, ids)) or _for_a_period(ctx, ids, fs)


def _for_a_period(ctx: ArticleContext, ids: set[int], fs: list[_Found]) -> bool:
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
        if _k(ctx, span.end) not in lex.set("duration_units"):
            continue
        before = {_k(ctx, i) for i in range(span.start - 3, span.start)}
        if before & lex.set("duration_prepositions") or _k(ctx, span.end + 1) in lex.set("toll_of"):
            return True  # "en cinq jours", "durant les deux mois de bataille" — not "deux jours plus tard"
    return False


def _dates(ctx: ArticleContext, ids: set[int]) -> tuple[TimeValue | None, TimeValue | None]:
    """(date, start) of a clause's toll: its first dated time expression."""
    for tm in _times_in(ctx, ids):
        if tm.value is not None and tm.kind == "point":
            return tm.value, None
        if tm.value is not None and tm.kind == "since":
            return None, tm.value
    return None, None


def _nationwide(ctx: ArticleContext, ids: set[int]) -> bool:
    text = " " + " ".join(key(ctx.doc[i].text) for i in sorted(ids)).replace("' ", "'") + " "
    return any(f" {p} " in text for p in ctx.lex.phrases("nationwide_phrases"))


# -- whose toll ------------------------------------------------------------------------------------
def lethal_type(etype: str) -> bool:
    return FAMILY.get(etype) in LETHAL_FAMILIES and etype not in _NOT_LETHAL


def _lethal(tr: Trigger) -> bool:
    return lethal_type(tr.type)


def _owner(ctx: ArticleContext, fs: list[_Found], triggers: list[Trigger]) -> Trigger | None:
    """The cue that is the subject or agent of a toll's verb ("les obus y ont fait 7 morts", "tués par
    des frappes"; for "…, tuant 8 personnes" the subject of the verb it hangs on), else the innermost cue
    whose phrase holds the toll ("une offensive qui a fait des centaines de morts")."""
    lethal = [tr for tr in triggers if not tr.irrealis and _lethal(tr)]
    for f in fs:
        if f.predicate is None:
            continue
        verb = ctx.doc[f.predicate]
        for v in (verb, verb.head) if verb.dep_ in _IMPLICIT_SUBJECT_DEPS else (verb,):
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


def _killing(view: View, fs: list[_Found], triggers: list[Trigger]) -> Killing | None:
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
        for v in (verb, verb.head) if verb.dep_ in _IMPLICIT_SUBJECT_DEPS else (verb,):
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
    found: list[_Found] = []
    for q in ctx.quantities:
        if sent.start_char <= q.start < sent.end_char and (f := _toll(ctx, q, sent, found[-1] if found else None)):
            found.append(f)
    taken = {i for f in found for i in range(*_span_ids(ctx, f.toll))}
    found = sorted(found + _singular(ctx, sent, taken), key=lambda f: f.toll.start)
    if not found:
        return []
    figures = figure_cues(ctx, triggers)
    cues = [tr for tr in triggers if tr.head_i not in figures and not tr.irrealis]
    summary_words = lex.set("toll_summary_nouns")
    summary = any(ctx.lemma(t) in summary_words for s in (si - 1, si) if s >= 0 for t in ctx.sents[s])
    in_sentence = [m for m in ctx.sentence_places(si) if not ctx.token_ids(m) & zone]
    groups = _group(ctx, found, sent)
    countrywide = [_nationwide(ctx, ids) or (_about_the_conflict(ctx, ids) and _for_a_period(ctx, ids, fs))
                   for fs, ids in groups]
    out = []
    for n, (fs, ids) in enumerate(groups):
        clause = _clause(ctx, fs, ids)
        places = tuple(m for m in in_sentence if ctx.token_ids(m) & clause)
        around = tuple(m for m in in_sentence if ctx.token_ids(m) & ids and m not in places)
        only_country = bool(places) and all(p.cls == "Country" for p in places)
        period = _for_a_period(ctx, ids, fs)
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
        date, start = _dates(ctx, ids)
        out.append(TollFinding(
            si, tuple(f.toll for f in fs), report, owner, places, around,
            tuple(f.own_place for f in fs), country, battle, killing, all(f.figure for f in fs), summary,
            next((f.civ for f in fs if f.civ is not None), None), all(f.partitive for f in fs), date, start,
            _timed(ctx, fs, ids, len(groups) > 1),
        ))
    return out


def _clause(ctx: ArticleContext, fs: list[_Found], ids: set[int]) -> set[int]:
    """The tokens of the clause that tells the tolls: their verb's subtree, else their own."""
    out: set[int] = set()
    for f in fs:
        head = ctx.doc[f.predicate if f.predicate is not None else f.word]
        out |= subtree_ids(head)
        for c in head.children:
            if c.dep_ in ("conj", "parataxis") and c.pos_ in ("VERB", "AUX"):
                out -= subtree_ids(c)  # "… ont été tués et 15 blessés ont été évacués vers X"
    return out & ids


def _timed(ctx: ArticleContext, fs: list[_Found], ids: set[int], several: bool) -> bool:
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


def _about_the_conflict(ctx: ArticleContext, ids: set[int]) -> bool:
    """ "depuis le début de la révolte", "le conflit a fait 350.000 morts": the war's toll, the country's."""
    return any(ctx.lemma(ctx.doc[i]) in ctx.lex.set("conflict_nouns") for i in ids)


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
