"""One toll: a stated number of dead, read at its place in a sentence, and its fate.

:func:`read_toll` reads a quantity as a :class:`~kg.schema.records.Toll` when a casualty noun or an
actor follows it, when it is a partitive or when its noun is understood (see :mod:`kg.extract.tolls`);
:func:`singular_tolls` finds "une femme a été tuée"; :func:`fate` says whether the people a toll's
word names died, and which verb says so. Each toll found is a :class:`FoundToll`, with the tokens
the clause rules of :mod:`kg.extract.toll_clauses` need.

Imports neither :mod:`kg.extract.tolls` nor :mod:`kg.extract.toll_clauses` (nor rdflib).
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Span, Token

from kg.extract.civilians import is_civilians, population_figure
from kg.extract.context import ArticleContext
from kg.lang.fr.numbers import Quantity
from kg.schema.records import Mention, Toll
from kg.schema.text import key

__all__ = ["FoundToll", "fate", "read_toll", "singular_tolls", "word_key"]

_APPOSITION = (",",)


@dataclass(frozen=True)
class FoundToll:
    """A toll found in a sentence, with the tokens its clause is read from."""

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
def word_key(ctx: ArticleContext, i: int) -> str:
    return key(ctx.doc[i].text) if 0 <= i < len(ctx.doc) else ""


def _place_after(ctx: ArticleContext, j: int, end: int) -> Mention | None:
    """ "à Douma", "dans la ville de Homs": the place a preposition at ``j`` introduces."""
    if word_key(ctx, j) not in ctx.lex.set("toll_place_prepositions"):
        return None
    for i in range(j + 1, min(j + 5, end)):
        m = ctx.mention_at.get(i)
        if m is not None:
            return m if m.kind == "place" else None
    return None


def _elliptic(ctx: ArticleContext, span: Span, sent: Span, prev: FoundToll | None) -> Mention | None:
    """ "…, et 12 à Douma", "dont 5 à Alep": a number after a toll, its noun understood; its place."""
    if prev is None or word_key(ctx, span.start - 1) not in ctx.lex.set("elliptic_toll_openers"):
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
    w = word_key(ctx, j)
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


def read_toll(ctx: ArticleContext, q: Quantity, sent: Span, prev: FoundToll | None) -> FoundToll | None:
    doc, lex = ctx.doc, ctx.lex
    span = doc.char_span(q.start, q.end, alignment_mode="expand")
    if span is None or not (sent.start <= span.start and span.end <= sent.end):
        return None
    j, word, m, end_char = span.end, None, None, span.end_char
    group, civ_m, civ = None, None, False
    own_place, partitive = None, False
    if word_key(ctx, j) in lex.set("toll_of"):
        nxt = j + 1 + (word_key(ctx, j + 1) in lex.set("partitive_words"))
        if word_key(ctx, nxt) in lex.set("partitive_pronouns"):
            word, partitive = span[-1], True  # "trois d'entre eux", "deux d'elles"
        elif word_key(ctx, j + 1) in lex.set("possessive_determiners") and j + 2 < sent.end and doc[j + 2].is_alpha:
            word, partitive = doc[j + 2], True  # "deux de leurs camarades"
        else:
            j += 1
    if word is None:
        modified = False
        while word_key(ctx, j) in lex.set("toll_noun_modifiers"):
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
    return FoundToll(toll, word.i, predicate, figure, own_place, civ_m, partitive)


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
    return any(word_key(ctx, i) in ctx.lex.set("subset_markers") for i in range(max(sent.start, span.start - 2), span.start))


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


def singular_tolls(ctx: ArticleContext, sent: Span, taken: set[int]) -> list[FoundToll]:
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
        out.append(FoundToll(toll, noun.i, predicate, False, None, m if is_civilians(m) else None))
    return out
