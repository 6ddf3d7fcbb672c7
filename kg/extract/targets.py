"""Against whom: the targets of an event, and whether it was aimed at civilians.

:func:`targets` tries, in order:

1. what the clause states: "contre/face à/avec X", "repris à X", the object of a strike or of
   "chasser", the object of "viser", the patient of a passive ("des civils ont été enlevés"),
   "les positions rebelles" (a side adjective), the loser of "perdre";
2. for a capture, siege or offensive (``roles.json`` ``holder_target_types``), the side that
   held the place, as the text says it anywhere ("Manbij, tenue par l'EI", "toujours aux mains
   des forces gouvernementales", "le dernier bastion rebelle", "son fief", "les rebelles ont
   perdu X") or as earlier events show (the agents of an earlier capture of the place);
3. the targets another cue of the same sentence states (one episode: "des tirs d'artillerie
   sur les positions jihadistes, suivis de frappes aériennes");
4. an adversary of the agents (``roles.json`` ``camp_of_*``, ``adversaries``) named in the
   clause, or — for a capture, siege or offensive — nearest in the article;
5. for an attack on civilians or an abduction, the civilians the sentence names.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache

from spacy.tokens import Token

from kg.extract.affiliations import affiliation_of
from kg.extract.agents import is_loss, members, passive_voice
from kg.extract.camps import adversary_order, camp, principals
from kg.extract.civilians import civilian_victims
from kg.extract.clauses import Trigger, sentence_triggers
from kg.extract.context import ArticleContext, View, roles_config
from kg.extract.types import type_rules
from kg.schema.records import Mention
from kg.schema.text import key

__all__ = ["targets", "aimed_at_civilians", "holders"]

_CIVILIANS = "Civilians"
_OBLIQUE = ("obl", "obl:mod", "obl:arg", "nmod", "iobj")
_CLAUSE_DEPS = frozenset({"acl", "acl:relcl", "advcl", "ccomp", "xcomp", "parataxis", "conj", "csubj"})


def _cases(t: Token) -> set[str]:
    return {key(x.text) for x in t.children if x.dep_ in ("case", "fixed")}


def _armed() -> frozenset[str]:
    return frozenset(roles_config()["armed_classes"])


def _victims() -> frozenset[str]:
    return _armed() | {_CIVILIANS}


# -- side adjectives ---------------------------------------------------------------------------
def _side_adjective(view: View, t: Token, holding: bool = False) -> tuple[Mention, int] | None:
    """ "les positions rebelles", "le quartier rebelle": the side an adjective of ``t`` names (with
    the adjective's token index); ``holding``: not an ethnic adjective ("un village kurde")."""
    ctx = view.ctx
    ethnic = ctx.lex.set("ethnic_adjectives")
    for c in t.children:
        if c.dep_ == "amod" and c.i in ctx.state_adjectives and not (holding and key(c.text) in ethnic):
            m = view.mention_of(c)
            if m is not None:
                return m, -1
            if c.i in ctx.nationality:
                return ctx.nationality[c.i], c.i
    return None


def _named(view: View, t: Token, classes) -> tuple[list[Mention], list[int]]:
    """The actors a complement names, the side its adjective names ("les positions jihadistes"), or
    who holds what it names ("des secteurs tenus par des rebelles")."""
    ms = members(view, t, classes)
    if ms:
        return ms, []
    for x in _phrase(t):
        side = _side_adjective(view, x)
        if side is not None and side[0].cls in classes:
            return [side[0]], ([side[1]] if side[1] >= 0 else [])
    return _stated_holders(view, t)


def _phrase(t: Token) -> Iterable[Token]:
    yield t
    for c in t.children:
        if c.dep_ not in _CLAUSE_DEPS:
            yield from _phrase(c)


def _group_of(view: View, t: Token) -> list[Mention]:
    """ "X est tué dans un raid": the armed group of the person hit, named in the article."""
    m = view.mention_of(t)
    if m is None or m.cls != "Person":
        return []
    group = affiliation_of(view, m)
    if group is None and m.gaz_id in view.ctx.gaz:
        gid = view.ctx.gaz[m.gaz_id].affiliated_with
        group = next((x for x in view.mentions if gid and x.gaz_id == gid), None)
    return [group] if group is not None and group.cls in _armed() else []


# -- 1. stated in the clause -------------------------------------------------------------------
def _stated(view: View, tr: Trigger) -> tuple[list[Mention], list[int]]:
    ctx, lex = view.ctx, view.ctx.lex
    rules = type_rules()[tr.type]
    victims = _victims()
    preps = lex.set("target_prepositions") | lex.set("among_prepositions")
    patient = tr.type in roles_config()["patient_target_types"]
    onto = lex.set("civilian_object_prepositions")  # "des frappes sur les positions rebelles"
    out: list[Mention] = []
    adopted: list[int] = []

    def add(found: tuple[list[Mention], list[int]]) -> None:
        out.extend(found[0])
        adopted.extend(found[1])

    cands = (tr.head(ctx),) if tr.anchor == tr.head_i else (tr.head(ctx), tr.anchor_tok(ctx))
    for t in cands:
        passive = passive_voice(view, t)
        for c in t.children:
            case = _cases(c)
            if case & preps or (c.dep_ == "obj" and rules.object_is_target) or (patient and case & onto):
                add(_named(view, c, victims))
            elif patient and c.dep_ == "obj" and (m := view.mention_of(c)) is not None and m.kind == "actor":
                add((members(view, c, victims), []))  # "chasser l'EI de Jarablus", "enlever des civils"
            elif patient and passive and c.dep_ in ("nsubj:pass", "nsubj") and t.dep_ != "acl":
                add((members(view, c, victims) or _group_of(view, c), []))  # "des civils ont été enlevés"
            elif c.dep_ == "nsubj" and is_loss(view, t):
                add((members(view, c, _armed()), []))  # "les rebelles ont perdu X"
            elif c.dep_ in _OBLIQUE and is_loss(view, t) and case & lex.set("agent_prepositions"):
                add((members(view, c, _armed()), []))  # "la perte de X par l'armée"
    against, aim = lex.word("against_word"), lex.set("aim_verbs")
    for tok_i in sorted(tr.scope):
        tok = ctx.doc[tok_i]
        if key(tok.text) == against:
            add(_named(view, tok.head, victims))
        if ctx.lemma(tok) in aim:
            for c in tok.children:
                if c.dep_ == "obj":
                    add(_named(view, c, victims))
    return list(dict.fromkeys(out)), adopted


# -- 2. who held the place ---------------------------------------------------------------------
def _place_nouns(view: View, p: Token) -> list[Token]:
    """The nouns a place is described by: itself, its appositions ("Manbij, une ville …"), the noun
    it names ("la ville de X", "le quartier rebelle de X")."""
    out = [p]
    out += [c for c in p.children if c.dep_ == "appos"]
    if p.dep_ in ("appos", "nmod") and p.head.i != p.i and p.head.pos_ in ("NOUN", "PROPN"):
        out.append(p.head)
    # "Douma, bastion rebelle de …": an apposition the parser hung elsewhere
    doc, end = p.doc, max(t.i for t in p.subtree if t.i - p.i < 6 and t.pos_ == "PROPN" or t.i == p.i)
    if end + 2 < len(doc) and doc[end + 1].text == ",":
        for t in doc[end + 2 : end + 5]:
            if t.pos_ == "NOUN":
                out.append(t)
                break
            if t.pos_ not in ("DET", "ADJ"):
                break
    return list(dict.fromkeys(out))


def _possessor(view: View, t: Token) -> list[Mention]:
    """ "son dernier bastion": the armed actor named last before the possessive."""
    ctx = view.ctx
    for c in t.children:
        if c.dep_ == "det" and key(c.text) in ctx.lex.set("possessive_determiners"):
            m = view.last_mention_before(c.i, _armed(), window_sents=1)
            return [m] if m is not None else []
    return []


def _stated_holders(view: View, p: Token) -> tuple[list[Mention], list[int]]:
    """Who holds the place whose head token is ``p``, as its phrase or clause says."""
    ctx, lex = view.ctx, view.ctx.lex
    armed = _armed()
    holding, control = lex.set("holding_verbs"), lex.set("control_nouns") | lex.set("hands_nouns")
    strongholds = lex.set("stronghold_nouns")
    for n in _place_nouns(view, p):
        for c in n.children:
            lemma = ctx.lemma(c)
            if c.dep_ in ("acl", "acl:relcl") and lemma in holding:
                for a in c.children:
                    if a.dep_ == "obl:agent" or _cases(a) & lex.set("agent_prepositions"):
                        return members(view, a, armed), []  # "une ville tenue par l'EI"
                    if a.dep_ == "nsubj" and "Rel" not in a.morph.get("PronType"):
                        return members(view, a, armed), []  # "X, que tiennent les rebelles"
            if lemma in control and _cases(c) & lex.set("control_prepositions"):
                for a in c.children:
                    if a.dep_ == "nmod":
                        ms = members(view, a, armed)
                        if ms:
                            return ms, []  # "toujours aux mains des forces gouvernementales"
        if ctx.lemma(n) in strongholds and n.i != p.i:
            for a in n.children:
                if a.dep_ == "nmod" and _cases(a) & lex.set("of_prepositions"):
                    ms = members(view, a, armed)
                    if ms:
                        return ms, []  # "fief de l'EI"
            ms = _possessor(view, n)
            if ms:
                return ms, []  # "son dernier bastion"
        side = _side_adjective(view, n, holding=True)
        if side is not None and side[0].cls in armed:
            return [side[0]], ([side[1]] if side[1] >= 0 else [])  # "le dernier bastion rebelle"
    h = p.head
    if h.i != p.i and p.dep_ == "obj" and ctx.lemma(h) in holding | lex.set("loss_verbs"):
        for c in h.children:
            if c.dep_ == "nsubj":
                from kg.extract.agents import subject_actor

                ms = subject_actor(view, c, armed)
                if ms:
                    return ms, []  # "l'EI, qui contrôle Raqa", "les rebelles ont perdu X"
    if h.i != p.i and p.dep_ == "nsubj:pass" and ctx.lemma(h) in holding:
        for c in h.children:
            if c.dep_ == "obl:agent" or _cases(c) & lex.set("agent_prepositions"):
                return members(view, c, armed), []  # "la ville est tenue par les rebelles"
    return [], []


@lru_cache(maxsize=8)
def _holder_statements(ctx: ArticleContext) -> tuple[tuple[str, int, tuple[Mention, ...], tuple[int, ...]], ...]:
    """(place key, token index, holders, adopted adjective indices) for every place the text says
    someone held, in reading order."""
    from kg.extract.context import Discourse

    view = View(ctx, Discourse())
    out = []
    for m in ctx.mentions:
        if m.kind != "place":
            continue
        toks = ctx.tokens_of(m)
        if not toks:
            continue
        ids = {t.i for t in toks}
        p = next((t for t in toks if t.head.i not in ids or t.head.i == t.i), toks[0])
        found, adopted = _stated_holders(view, p)
        if found:
            out.append((m.key, p.i, tuple(found), tuple(adopted)))
    return tuple(out)


def holders(view: View, places: Sequence[Mention], tr: Trigger) -> tuple[list[Mention], list[int]]:
    """Who held one of ``places``: the text's statements (nearest to the cue), else the agents of
    the latest earlier capture of the place."""
    keys = {p.key for p in places}
    captures = roles_config()["capture_types"]
    stated = [s for s in _holder_statements(view.ctx) if s[0] in keys]
    if stated:
        best = min(stated, key=lambda s: abs(s[1] - tr.head_i))
        return list(best[2]), list(best[3])
    for e in reversed(view.st.events):
        if e.type in captures and e.place is not None and e.place.key in keys and e.agents:
            return list(e.agents), []
    return [], []


# -- 3., 4. the episode and the adversary ------------------------------------------------------
def _sentence_targets(view: View, tr: Trigger, si: int, zone: frozenset[int]) -> tuple[list[Mention], list[int]]:
    """What another cue of the sentence states as its target (nearest first), or the armed target
    an event of the sentence already got."""
    others = [o for o in sentence_triggers(view.ctx, si, zone) if o.head_i != tr.head_i and not o.irrealis]
    armed = _armed()
    told = [m for e in view.st.events if e.sentence == si for m in e.targets if m.cls in armed]
    if told:
        return told[:1], []
    for o in sorted(others, key=lambda o: abs(o.head_i - tr.head_i)):
        found, adopted = _stated(view, o)
        found = [m for m in found if m.cls in armed]  # civilians are the victims of one action
        if found:
            return found, adopted
    return [], []


def _co_belligerents(view: View, tr: Trigger, places: Sequence[Mention], si: int) -> set[str]:
    """Keys of the actors that acted at these places in the last sentences, on one side (a capture,
    an assault: not a clash): allies of the moment, not the side attacked."""
    cfg = roles_config()
    keys = {p.key for p in places}
    return {a.key for e in view.st.events if e.place is not None and e.place.key in keys and 0 <= si - e.sentence <= 3
            and e.type not in cfg["two_sided_types"] for a in e.agents}


def _adversary(view: View, tr: Trigger, agents: Sequence[Mention], si: int, anywhere: bool,
               places: Sequence[Mention] = ()) -> list[Mention]:
    """An actor of a camp the agents fight: in the clause, else (``anywhere``) in the sentence, the
    three before, then the article — the likeliest camp first (``adversaries`` in order), its main
    force first (``camp_principals``), then the nearest."""
    order = adversary_order(view, agents)
    camps = set(order)
    if not camps:
        return []
    agent_keys = {a.key for a in agents}

    def fits(m: Mention) -> bool:
        return m.kind == "actor" and m.cls != "Person" and m.key not in agent_keys and camp(view, m) in camps

    for m in view.mentions_in(tr.scope, "actor"):
        if fits(m):
            return [m]
    if not anywhere:
        return []
    allies = _co_belligerents(view, tr, places, si)
    cands = [m for m in view.mentions if fits(m) and m.key not in allies and view.tokens_of(m)]
    if not cands:
        return []
    def rank(m: Mention) -> tuple[int, int, int, int]:
        d = view.tokens_of(m)[0].i - tr.head_i
        near = 0 if m.sentence == si else 1 if d < 0 and si - m.sentence <= 3 else 2
        c = camp(view, m)
        return near, order.index(c), 0 if m.gaz_id in principals(c or "") else 1, abs(d)

    return [min(cands, key=rank)]


def targets(view: View, tr: Trigger, agents: Sequence[Mention], places: Sequence[Mention] = (),
            si: int | None = None, zone: frozenset[int] = frozenset()) -> tuple[list[Mention], list[int]]:
    """(targets of a cue, token indices of side adjectives that became mentions for them)."""
    found, adopted = _targets(view, tr, agents, places, si, zone)
    nat = view.ctx.nationality
    return found, [i for i in dict.fromkeys(adopted) if nat.get(i) in found and i not in view.st.adopted]


def _targets(view: View, tr: Trigger, agents: Sequence[Mention], places: Sequence[Mention],
             si: int | None, zone: frozenset[int]) -> tuple[list[Mention], list[int]]:
    cfg = roles_config()
    rules = type_rules()[tr.type]
    si = view.ctx.sent_of[tr.head_i] if si is None else si
    own = {camp(view, a) for a in agents} - {None}
    keys = {a.key for a in agents}

    def other(ms: Iterable[Mention]) -> list[Mention]:
        """Not an agent, not of the agents' camp."""
        return [m for m in dict.fromkeys(ms) if m.key not in keys and (camp(view, m) is None or camp(view, m) not in own)]

    found, adopted = _stated(view, tr)
    if other(found):
        return other(found), adopted
    if tr.type in cfg["civilian_target_types"] or (rules.on_civilians and aimed_at_civilians(view, tr)):
        civ = civilian_victims(view, tr)  # the clause's civilians, else the sentence's, else the article's
        if civ:
            return civ, []
    if tr.type not in cfg["patient_target_types"]:
        return [], []
    held = tr.type in cfg["holder_target_types"]
    if held and places:
        found, adopted = holders(view, places, tr)
        if other(found):
            return other(found), adopted
    found, adopted = _sentence_targets(view, tr, si, zone)
    if other(found):
        return other(found), adopted
    if agents and (rules.opposing_side_target or held):
        found = _adversary(view, tr, agents, si, anywhere=held, places=places)
        if found:
            return found, []
    return [], []


def aimed_at_civilians(view: View, tr: Trigger) -> bool:
    """The action is aimed at civilians: its object, or "sur/contre X" after it, names civilians."""
    ctx, lex = view.ctx, view.ctx.lex
    civ, preps = lex.set("civilian_targets"), lex.set("civilian_object_prepositions")
    for t in (tr.head(ctx), tr.anchor_tok(ctx)):
        for c in t.children:
            if c.dep_ in ("obj", "obl", "obl:arg", "obl:mod", "nmod") and c.i > tr.head_i:
                case = {key(x.text) for x in c.children if x.dep_ == "case"}
                if c.dep_ != "obj" and not case & preps:
                    continue
                m = view.mention_of(c)
                if ctx.lemma(c) in civ or (m is not None and m.cls == "Civilians"):
                    return True
    return False
