"""Stage 3 — extract: events, roles, dates, tolls and sources from a parsed article.

:func:`extract` reads a spaCy ``Doc`` made by :mod:`kg.nlp` and returns an
:class:`Extraction` of plain frozen dataclasses — no RDF here (that is :mod:`kg.emit`).

How an event is found (every cue list is data, in ``kg/data/triggers.json``):

1. *Triggers*: lemmas and lemma phrases of the contract's event types. Conditions in the
   data ("needs") check their arguments (``prendre`` needs a place, ``libérer`` a prisoner).
2. *Modality*: a trigger under a verb of attempt, intent or fear (``tenter de``, ``comptait``),
   in the future or conditional, in a purpose clause (``pour``, ``afin de``), a ``si`` clause, or
   negated (``n'ont pas pu obtenir de renforts``) is not an event.
3. *Scope*: the trigger's clause (its anchor verb's subtree, less nested clauses of other
   triggers and less the reporting clause "a déclaré X, directeur de …"). Places, agents,
   targets and dates are looked for in the scope first, then in the sentence, then (places
   only) in the preceding sentences.
4. *Places*: one event per place; places only given as references ("près de", "au nord de")
   are dropped, and so is a place that contains another candidate (the most specific wins).
5. *Sources*: "selon X", a reporting verb's subject, quotes attributed after they close,
   "la même source", "il/elle" → the last person named; a person's organisation is added.
6. *Tolls*: quantities followed by casualty nouns, in a sentence that says people died; they
   go to the action they follow, or make a ``CasualtyReport`` for an area and period.
7. *Denials*: "a démenti l'entrée …" adds ``disputed_by`` to the matching earlier event.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import lru_cache

from spacy.tokens import Doc, Span, Token

from kg.gazetteer import ACTOR_CLASSES, DATA_DIR, Gazetteer, load_gazetteer, norm
from kg.ingest import Article
from kg.nlp import ENTITY_RULES, token_key
from kg.numbers import find_quantities
from kg.timex import TimeMention, TimeValue, find_times

__all__ = ["Mention", "Toll", "EventRecord", "Affiliation", "Extraction", "extract", "FAMILY", "EVENT_TYPES"]

FAMILY = {
    "Offensive": "Battle", "ArmedClash": "Battle", "TerritoryCapture": "Battle",
    "Airstrike": "RemoteViolence", "Shelling": "RemoteViolence", "Bombing": "RemoteViolence",
    "ChemicalAttack": "RemoteViolence",
    "AttackOnCivilians": "ViolenceAgainstCivilians", "Abduction": "ViolenceAgainstCivilians",
    "Siege": "StrategicDevelopment", "Withdrawal": "StrategicDevelopment", "Reinforcement": "StrategicDevelopment",
    "PrisonerRelease": "StrategicDevelopment", "Ceasefire": "StrategicDevelopment",
    "Evacuation": "StrategicDevelopment", "CasualtyReport": "Event",
}
EVENT_TYPES = tuple(FAMILY)
_PLACE_RANK = {"Country": 0, "Region": 1, "City": 2, "Neighbourhood": 3, "Site": 4}
_PRONOUNS = {"il", "elle", "ils", "elles", "celui-ci", "celle-ci", "ceux-ci", "celles-ci"}
_NEG = {"pas", "jamais", "plus", "aucun", "aucune", "guere", "nullement"}
_QUOTES_OPEN = "«“"
_QUOTES_CLOSE = "»”"


# ---------------------------------------------------------------------------------- data
@dataclass(frozen=True, slots=True)
class Mention:
    """An actor or place named in the text (character offsets in ``Article.text``)."""

    start: int
    end: int
    text: str
    kind: str  # "actor" | "place"
    cls: str
    gaz_id: str = ""
    sentence: int = 0

    @property
    def key(self) -> str:
        """Identity within one article: the gazetteer id, else the normalised name and kind."""
        return self.gaz_id or f"{self.kind}:{norm(self.text)}"


@dataclass(frozen=True, slots=True)
class Toll:
    """A stated number of dead: ``count`` with its qualifier and the group it belongs to."""

    count: int
    qualifier: str
    group: Mention | None = None
    civilians: bool = False
    start: int = 0
    end: int = 0


@dataclass(frozen=True, slots=True)
class EventRecord:
    """One event: a type at one place, with roles, time, tolls, sources and evidence."""

    type: str
    triggers: tuple[tuple[int, int], ...]
    place: Mention | None
    agents: tuple[Mention, ...] = ()
    targets: tuple[Mention, ...] = ()
    sources: tuple[Mention, ...] = ()
    disputed_by: tuple[Mention, ...] = ()
    date: TimeValue | None = None
    start_date: TimeValue | None = None
    end_date: TimeValue | None = None
    tolls: tuple[Toll, ...] = ()
    confidence: float = 0.5
    evidence: tuple[str, ...] = ()
    sentence: int = 0

    @property
    def family(self) -> str:
        return FAMILY[self.type]


@dataclass(frozen=True, slots=True)
class Affiliation:
    """A person's group, from an apposition ("X, le directeur de l'OSDH") or a verb ("appartient à")."""

    person: Mention
    group: Mention


@dataclass(frozen=True, slots=True)
class Extraction:
    """Everything one article says, as plain data."""

    article: Article
    mentions: tuple[Mention, ...]
    events: tuple[EventRecord, ...]
    affiliations: tuple[Affiliation, ...] = ()
    published_by: tuple[Mention, ...] = ()
    containment: tuple[tuple[Mention, Mention], ...] = ()  # (place, its container) stated in the text


# ------------------------------------------------------------------------------- lexicon
@dataclass(frozen=True)
class _Lexicon:
    singles: dict
    phrases: tuple
    sets: dict
    reference_before: tuple
    sides: dict
    lemma_fixes: dict


@lru_cache(maxsize=1)
def _lexicon() -> _Lexicon:
    data = json.loads((DATA_DIR / "triggers.json").read_text(encoding="utf-8"))
    singles: dict[str, list[dict]] = {}
    phrases = []
    for t in data["triggers"]:
        if "phrase" in t:
            phrases.append((tuple(token_key(w) for w in t["phrase"]), t))
        else:
            singles.setdefault(token_key(t["lemma"]), []).append(t)
    phrases.sort(key=lambda p: -len(p[0]))
    sets = {k: frozenset(w if k.endswith("_classes") else token_key(w) for w in v) for k, v in data.items()
            if isinstance(v, list) and k not in ("triggers", "reference_before")}
    refs = tuple(token_key(r) for r in data["reference_before"])
    fixes = {token_key(k): token_key(v) for k, v in data.get("lemma_fixes", {}).items()}
    return _Lexicon(singles, tuple(phrases), sets, refs, data["sides"], fixes)


def _keys(tok: Token) -> tuple[str, str]:
    """(lemma key, text key) of a token, with the model's known lemma mistakes corrected."""
    return _keys_of(tok.text, tok.lemma_)


@lru_cache(maxsize=131072)
def _keys_of(text: str, lemma: str) -> tuple[str, str]:
    t = token_key(text)
    return _lexicon().lemma_fixes.get(t, token_key(lemma or text)), t


def _pronoun(tok: Token) -> bool:
    key = token_key(tok.text).lstrip("-")
    return key.removeprefix("t-") in _PRONOUNS


@lru_cache(maxsize=1)
def _nationalities() -> dict[str, str]:
    return {token_key(k): v for k, v in ENTITY_RULES().get("nationality_actors", {}).items()}


@dataclass
class _Trigger:
    type: str
    tokens: list[Token]
    head: Token
    needs: str | None = None
    anchor: Token | None = None
    scope: set[int] = field(default_factory=set)
    irrealis: bool = False
    conditional: bool = False
    others: set[int] = field(default_factory=set)  # tokens in the clauses of the sentence's other events


# ------------------------------------------------------------------------------ helpers
def _subtree_ids(tok: Token) -> set[int]:
    return {t.i for t in tok.subtree}


def _ancestors_to_clause(tok: Token) -> list[Token]:
    """The token and its heads up to the sentence root."""
    out = [tok]
    while out[-1].head.i != out[-1].i and len(out) < 30:
        out.append(out[-1].head)
    return out


class _ArticleExtractor:
    def __init__(self, doc: Doc, article: Article, gaz: Gazetteer):
        self.doc = doc
        self.article = article
        self.gaz = gaz
        self.lex = _lexicon()
        self.sents: list[Span] = list(doc.sents)
        self.sent_of = {}
        for si, s in enumerate(self.sents):
            for t in s:
                self.sent_of[t.i] = si
        self.mentions: list[Mention] = []
        self.mention_at: dict[int, Mention] = {}
        for ent in doc.ents:
            kind = "actor" if ent.label_ in ACTOR_CLASSES else "place"
            m = Mention(ent.start_char, ent.end_char, ent.text, kind, ent.label_, ent.kb_id_,
                        self.sent_of.get(ent.start, 0))
            self.mentions.append(m)
            for t in ent:
                self.mention_at[t.i] = m
        self.ent_tokens = {m: [t for t in doc.char_span(m.start, m.end) or []] for m in self.mentions}
        dl = article.dateline or (0, 0)
        self.in_dateline = lambda start: dl[0] <= start < dl[1]  # noqa: E731 - filing place and date, not events
        self.times = [t for t in find_times(doc.text, article.published) if not self.in_dateline(t.start)]
        self.quantities = find_quantities(doc.text)
        self.containment: list[tuple[Mention, Mention]] = []
        self.last_sources: tuple[Mention, ...] = ()
        self.event_places: list[tuple[int, list[Mention]]] = []
        self._trigger_cache: dict[tuple[int, bool], list[_Trigger]] = {}
        self.recent_agents: tuple[int, tuple[Mention, ...]] | None = None  # (sentence, agents) of the latest event  # (sentence, places) of the events built so far

    # -- token/mention utilities --------------------------------------------------------
    def mention_of(self, tok: Token) -> Mention | None:
        return self.mention_at.get(tok.i)

    def mentions_in(self, ids: Iterable[int], kind: str | None = None) -> list[Mention]:
        seen: dict[Mention, None] = {}
        for i in sorted(ids):
            m = self.mention_at.get(i)
            if m is not None and (kind is None or m.kind == kind):
                seen.setdefault(m, None)
        return list(seen)

    def actor_in_subtree(self, tok: Token, classes: frozenset | set | None = None) -> list[Mention]:
        """The actor the token names: its own mention, else the first in its subtree (with conjuncts)."""
        out: list[Mention] = []
        m = self.mention_of(tok)
        if m is not None and m.kind == "actor" and (classes is None or m.cls in classes):
            out.append(m)
        else:
            for t in tok.subtree:
                mm = self.mention_of(t)
                if mm is not None and mm.kind == "actor" and (classes is None or mm.cls in classes):
                    out.append(mm)
                    break
        for c in tok.children:
            if c.dep_ == "conj":
                out.extend(x for x in self.actor_in_subtree(c, classes) if x not in out)
        return out

    def prev_tokens_text(self, tok_i: int, n: int = 4) -> str:
        start = max(0, tok_i - n)
        return " ".join(token_key(t.text) for t in self.doc[start:tok_i])

    def is_reference_place(self, m: Mention) -> bool:
        toks = self.ent_tokens.get(m) or []
        if not toks:
            return False
        before = self.prev_tokens_text(toks[0].i, 4).replace("' ", "'")
        return any(before.endswith(r) or (r + " ") in (before + " ")[-len(r) - 6:] for r in self.lex.reference_before)

    # -- triggers ---------------------------------------------------------------------
    def find_triggers(self, sent: Span, ignore_needs: bool = False) -> list[_Trigger]:
        """The event cues of a sentence (computed once per sentence and mode)."""
        key = (sent.start, ignore_needs)
        if key not in self._trigger_cache:
            self._trigger_cache[key] = self._find_triggers(sent, ignore_needs)
        return self._trigger_cache[key]

    def _find_triggers(self, sent: Span, ignore_needs: bool) -> list[_Trigger]:
        lex = self.lex
        out: list[_Trigger] = []
        used: set[int] = set()
        toks = list(sent)
        for j, tok in enumerate(toks):
            if tok.i in used:
                continue
            firsts = set(_keys(tok))
            for words, spec in lex.phrases:
                if words[0] not in firsts:
                    continue
                n = len(words)
                window = toks[j:j + n]
                if len(window) == n and all(w in _keys(t) for w, t in zip(words, window, strict=True)):
                    out.append(_Trigger(spec["type"], window, window[0], spec.get("needs")))
                    used.update(t.i for t in window)
                    break
        for tok in toks:
            if tok.i in used or tok.pos_ in ("DET", "ADP", "PRON", "PUNCT", "CCONJ", "SCONJ"):
                continue
            lemma, text = _keys(tok)
            specs = lex.singles.get(lemma) or lex.singles.get(text) or []
            if not specs and text.endswith("ant") and tok.pos_ in ("VERB", "AUX", "NOUN", "ADJ"):
                specs = lex.singles.get(text[:-3].replace("c", "c") + "er", [])  # "en bombardant": model lemma slips
            for spec in specs:
                if ignore_needs or self._needs_ok(spec.get("needs"), tok):
                    out.append(_Trigger(spec["type"], [tok], tok, spec.get("needs")))
                    used.add(tok.i)
                    break
        # a later noun of a type already triggered in the sentence names the same event ("lors de l'avancée")
        kept: list[_Trigger] = []
        for tr in sorted(out, key=lambda t: t.head.i):
            if any(k.type == tr.type for k in kept) and tr.head.pos_ not in ("VERB",) and any(
                    token_key(c.text) in ("l'", "le", "la", "cette", "ce", "cet") for c in tr.head.children):
                continue
            kept.append(tr)
        out = kept
        # bombardments by aircraft are airstrikes
        if any(k in lex.sets["aerial_words"] for t in toks for k in _keys(t)):
            for tr in out:
                if tr.type == "Shelling" and _keys(tr.head)[0] in ("bombardement", "bombarder"):
                    tr.type = "Airstrike"
        return out

    def _arg_tokens(self, tok: Token) -> list[Token]:
        args = []
        for c in tok.children:
            if c.dep_ in ("obj", "obl", "obl:arg", "obl:mod", "nmod", "nsubj:pass", "iobj", "xcomp", "acl") or (
                    c.i > tok.i and c.dep_ in ("advmod", "dep", "appos", "flat:name")):  # parser slips on names
                args.extend(c.subtree)
        if tok.dep_ in ("amod", "acl") and tok.head.pos_ in ("NOUN", "PROPN"):
            args.append(tok.head)  # "prisonniers libérés"
        return args

    def _needs_ok(self, needs: str | None, tok: Token) -> bool:
        if not needs:
            return True
        lex = self.lex
        args = self._arg_tokens(tok)
        if needs == "place_arg":
            return any((m := self.mention_of(t)) is not None and m.kind == "place" or
                       _keys(t)[0] in lex.sets["place_nouns"] for t in args)
        if needs == "prisoners":
            return any(_keys(t)[0] in lex.sets["prisoner_nouns"] for t in args)
        if needs == "into_place":
            # "entrés dans la ville", "l'entrée des rebelles dans Homs" — not "les trois entrées de la ville"
            for c in tok.children:
                case = {token_key(x.text) for x in c.children if x.dep_ == "case"}
                if case & {"dans", "en", "a"} and any(
                        (m := self.mention_of(t)) is not None and m.kind == "place" or _keys(t)[0] in lex.sets["place_nouns"]
                        for t in c.subtree):
                    return True
            return False
        if needs == "in_action":
            if tok.dep_ in ("nsubj", "nsubj:pass", "obl:agent") or any(
                    token_key(c.text) in ("par", "au", "a", "avec") for c in tok.children if c.dep_ == "case"):
                return True  # "l'aviation a bombardé", "appuyées par l'aviation", "attaqué au mortier"
            h = tok.head
            return h.i != tok.i and bool(self.lex.singles.get(_keys(h)[0])) and h.pos_ != "VERB"  # "obus de mortier"
        if needs == "not_stative":
            # "nos forces sont déployées autour de la ville" describes a state, not a deployment
            return not any(c.dep_ == "aux:pass" and "Pres" in c.morph.get("Tense") for c in tok.children)
        if needs == "reflexive":
            return any(c.lower_ in ("se", "s'", "nous", "vous", "me", "m'") for c in tok.children)
        if needs == "not_org":
            nxt = self.doc[tok.i + 1:tok.i + 4]
            return not any((m := self.mention_of(t)) is not None and m.cls in
                           ("Organization", "GovernmentBody", "MediaOutlet") for t in nxt)
        return True

    # -- modality ---------------------------------------------------------------------
    def modality(self, tr: _Trigger) -> tuple[bool, bool]:
        """(irrealis, conditional): is the trigger a fact the text asserts, and is it reported in the conditional?"""
        lex = self.lex
        is_noun = tr.head.pos_ not in ("VERB", "AUX", "ADJ")
        chain = _ancestors_to_clause(tr.head)
        negatable = True  # a governing verb's negation reaches its objects, not its subject
        for depth, t in enumerate(chain):
            lemma = _keys(t)[0]
            children = list(t.children)
            if depth > 0:
                if lemma in lex.sets["report_verbs"]:
                    break  # "a affirmé que …": the reporting verb closes the clause
                if lemma in lex.sets["irrealis_verbs"] or lemma == "afin":
                    return True, False
                if lemma == "pouvoir" and not any(c.dep_.startswith("aux") and _keys(c)[0] == "avoir" for c in children):
                    return True, False  # "pourrait prendre", "peut prendre" — but "a pu prendre" happened
                if lemma == "aller" and any(c.dep_ == "xcomp" for c in children):
                    return True, False  # "va prendre"
            for c in children:
                ck = token_key(c.text)
                if c.dep_ == "mark" and ck in ("si", "s'"):
                    return True, False
                if c.dep_ in ("mark", "case") and ck in lex.sets["purpose_marks"] and (
                        t.morph.get("VerbForm") == ["Inf"] or (depth == 0 and is_noun and t.head.pos_ == "ADJ")):
                    return True, False  # "pour bombarder", "afin de reprendre", "prête pour la bataille"
            if t.pos_ in ("VERB", "AUX", "ADJ") or any(c.dep_ == "cop" for c in children):
                neg = any(token_key(c.text) in _NEG and c.dep_ in ("advmod", "obj", "det", "nsubj") for c in children) or (
                    any(token_key(c.text) in ("ne", "n'") for c in children)
                    and any(token_key(x.text) == "ni" for x in t.subtree))  # "ni l'aviation russe ni … n'ont mené"
                if neg and negatable:
                    return True, False
                own = [t] + [c for c in children if c.dep_.startswith("aux") or c.dep_ == "cop"]
                if any("Fut" in x.morph.get("Tense") for x in own):
                    return True, False
                if any("Cnd" in x.morph.get("Mood") for x in own):
                    if t.morph.get("VerbForm") == ["Part"]:
                        return False, True  # "l'armée aurait pris": reported, unconfirmed
                    return True, False
                if t.morph.get("VerbForm") == ["Inf"] and any(
                        _keys(c)[0] == "aller" and c.dep_.startswith("aux") for c in children):
                    return True, False
                if t.morph.get("VerbForm") == ["Fin"] or any(
                        c.morph.get("VerbForm") == ["Fin"] for c in own[1:]):
                    break  # the finite verb of the clause decides
            if t.dep_ in ("ccomp", "parataxis"):
                break
            if depth == 0 and t.dep_ in ("acl", "acl:relcl", "amod") and t.pos_ in ("VERB", "ADJ"):
                break  # "un quartier assiégé depuis quatre mois": a participle is its own clause
            if t.dep_ in ("nsubj", "nsubj:pass") and tr.needs != "in_action":
                negatable = False  # but "l'aviation n'a pas bombardé" negates what the weapon did
        return False, False

    # -- scope --------------------------------------------------------------------------
    def anchor(self, tr: _Trigger) -> Token:
        t = tr.head
        lex = self.lex
        for _ in range(3):
            if t.pos_ in ("VERB", "AUX") and t.dep_ not in ("acl", "amod"):
                return t
            h = t.head
            if h.i == t.i:
                return t
            if t.dep_ in ("nsubj", "nsubj:pass", "obj", "obl", "obl:arg", "obl:mod", "xcomp", "iobj") and \
                    h.pos_ in ("VERB", "ADJ", "AUX"):
                if _keys(h)[0] in lex.sets["report_verbs"]:
                    return t
                t = h
                continue
            if t.dep_ in ("acl", "amod") and t.pos_ in ("VERB", "ADJ"):
                return t
            return t
        return t

    def attribution_zone(self, sent: Span) -> tuple[set[int], list[Mention]]:
        """Tokens of reporting clauses and 'selon X' phrases, and the sources they name."""
        lex = self.lex
        zone: set[int] = set()
        sources: list[Mention] = []
        for tok in sent:
            k = _keys(tok)[0]
            if token_key(tok.text) == "selon":
                phrase = tok.head if tok.dep_ == "case" else tok
                ids = _subtree_ids(phrase) if phrase.i != tok.i else set()
                # "selon l'OSDH, ONG basée au Royaume-Uni …" up to the next comma-clause end
                end = tok.i + 1
                while end < sent.end and self.doc[end].text not in (".", ";") and end - tok.i < 40:
                    if self.doc[end].text == "," and (end + 1 < sent.end) and self.doc[end + 1].pos_ in ("DET", "PRON", "NOUN") \
                            and self.doc[end + 1].dep_ in ("nsubj", "det") and end - tok.i > 3:
                        break
                    end += 1
                ids |= set(range(tok.i, end)) if not ids or len(ids) < 3 else ids
                zone |= ids
                ms = [m for m in self.mentions_in(ids, "actor") if m.cls in lex.sets["source_classes"]]
                if ms:
                    sources.append(ms[0])
                else:
                    nxt = " ".join(token_key(t.text) for t in self.doc[tok.i + 1:tok.i + 5])
                    if "meme source" in nxt and self.last_sources:
                        sources.extend(self.last_sources)
                continue
            is_report = k in lex.sets["report_verbs"] or (k == "faire" and any(_keys(c)[0] == "etat" for c in tok.children))
            if not is_report:
                continue
            zone.add(tok.i)
            subj = None
            first = min([tok.i] + [c.i for c in tok.children if c.dep_.startswith("aux")])
            # "…, a annoncé la télévision d'Etat", "», a-t-il dit": the source follows the verb
            inverted = first > sent.start and self.doc[first - 1].text in (",", "»", "”", '"')
            for c in tok.children:
                case = {token_key(x.text) for x in c.children if x.dep_ == "case"}
                recipient = c.dep_.startswith("obl") and case & {"a", "au", "aux"} and any(
                    (m := self.mention_of(x)) is not None and m.cls == "MediaOutlet" for x in c.subtree)
                if c.dep_ in ("aux", "aux:tense", "expl:subj") or recipient or (c.dep_ == "punct" and c.i > tok.i):
                    zone |= _subtree_ids(c)
                if inverted:
                    if c.i > tok.i and not c.dep_.startswith(("ccomp", "parataxis", "conj")):
                        zone |= _subtree_ids(c)  # ", a indiqué une source de sécurité à Damas": all attribution
                    if c.i > first and c.dep_ in ("nsubj", "nsubj:pass", "obj", "obl:arg", "dep", "appos") and (
                            _pronoun(c) or self.actor_in_subtree(c, lex.sets["source_classes"])) and subj is None:
                        subj = c
                        zone |= _subtree_ids(c)
                elif c.dep_ in ("nsubj", "nsubj:pass") and (subj is None or _pronoun(c)):
                    subj = c
                    zone |= _subtree_ids(c)
            if subj is None or k in lex.sets["denial_verbs"]:
                continue  # a denier disputes the report; it is not its source
            ms = [m for m in self.actor_in_subtree(subj, lex.sets["source_classes"])]
            key = token_key(subj.text)
            if ms:
                sources.extend(ms[:1])
            elif _pronoun(subj):
                p = self.last_mention_before(subj.i, {"Person"}) or (self.last_sources[0] if self.last_sources else None)
                if p is not None:
                    sources.append(p)
            elif key == "source" and any(token_key(c.text) in ("cette", "meme") for c in subj.children):
                sources.extend(self.last_sources)
        return zone, sources

    def last_mention_before(self, tok_i: int, classes: set[str], window_sents: int = 4) -> Mention | None:
        si = self.sent_of.get(tok_i, 0)
        best = None
        for m in self.mentions:
            toks = self.ent_tokens.get(m) or []
            if not toks or toks[0].i >= tok_i or m.cls not in classes:
                continue
            if si - m.sentence > window_sents:
                continue
            best = m
        return best

    # -- main ---------------------------------------------------------------------------
    def run(self) -> Extraction:
        events: list[EventRecord] = []
        sent_sources: list[tuple[Mention, ...]] = []
        last_agents: dict[str, tuple[Mention, ...]] = {}
        last_agent_sent: dict[str, int] = {}
        sent_places: list[list[Mention]] = []
        raw: list[tuple[int, _Trigger, dict]] = []

        # pass 1: sources per sentence, places per sentence
        zones: list[set[int]] = []
        depth_after: list[int] = []
        depth = 0
        for sent in self.sents:
            zone, sources = self.attribution_zone(sent)
            zones.append(zone)
            text = sent.text
            for ch in text:
                if ch in _QUOTES_OPEN:
                    depth += 1
                elif ch in _QUOTES_CLOSE:
                    depth = max(0, depth - 1)
            if text.count('"') % 2 == 1:
                depth = 0 if depth else 1
            depth_after.append(depth)
            sent_sources.append(tuple(dict.fromkeys(sources)))
            if sources:
                self.last_sources = tuple(sources)
            places = [m for m in self.mentions_in(range(sent.start, sent.end), "place")
                      if not self.is_reference_place(m) and not self.in_dateline(m.start)]
            sent_places.append(places)
            self._containment(sent)
        # a quotation is attributed where it ends: «… . …», a-t-il dit
        for si in range(len(self.sents) - 2, -1, -1):
            if sent_sources[si] or not sent_sources[si + 1]:
                continue
            text = self.sents[si].text.rstrip()
            nxt = self.sents[si + 1].text.lstrip()
            continues = depth_after[si] > 0 or (text[-1:] in _QUOTES_CLOSE + '"' and (
                nxt[:1] in ",-" or nxt[:1].islower()))
            if continues:
                sent_sources[si] = sent_sources[si + 1]
        self.last_sources = ()

        # pass 2: triggers
        for si, sent in enumerate(self.sents):
            triggers = self.find_triggers(sent)
            for tr in triggers:
                tr.anchor = self.anchor(tr)
                tr.irrealis, tr.conditional = self.modality(tr)
            for tr in triggers:
                scope = _subtree_ids(tr.anchor)
                for other in triggers:
                    if other is tr or other.irrealis or other.anchor is None or other.anchor.i == tr.anchor.i:
                        continue  # an intended action's places are the purpose of this one ("pour s'emparer de X")
                    if other.anchor.i in scope and tr.head.i not in _subtree_ids(other.anchor):
                        scope -= _subtree_ids(other.anchor)
                tr.scope = scope - zones[si]
            for tr in triggers:
                tr.others = set().union(*[o.scope for o in triggers if o is not tr and not o.irrealis
                                          and o.anchor.i != tr.anchor.i] or [set()]) - tr.scope
            denial = self._denier(sent, zones[si])
            if denial:
                # "a démenti l'entrée dans la ville des rebelles": what is denied need not pass the cue conditions
                extra = [t for t in self.find_triggers(sent, ignore_needs=True)
                         if not any(t.head.i == x.head.i for x in triggers)]
                for t in extra:
                    t.anchor = self.anchor(t)
                    t.scope = _subtree_ids(t.anchor) - zones[si]
                triggers = triggers + extra
            casualty = self._tolls(sent)
            absorbed: set[int] = set()
            if casualty and casualty["report"]:
                # "tués depuis huit jours dans les combats et bombardements": the causes of a toll, not events
                for tr in triggers:
                    h = tr.head
                    while h.dep_ == "conj" and h.head.i != h.i:
                        h = h.head
                    before = self.prev_tokens_text(h.i, 2)
                    if before.endswith(("dans les", "dans des", "lors des", "lors de", "dans le", "par les")) \
                            and tr.type in ("ArmedClash", "Shelling", "Airstrike", "Offensive", "Bombing"):
                        absorbed.add(id(tr))
            for tr in triggers:
                if tr.irrealis or id(tr) in absorbed:
                    continue
                raw.append((si, tr, {"denial": denial}))
            if casualty:
                raw.append((si, None, {"casualty": casualty}))
            if denial and not triggers:
                raw.append((si, None, {"denial_only": denial}))  # "a démenti toute implication"

        # pass 3: build records
        for si, tr, info in raw:
            sent = self.sents[si]
            if tr is None and "denial_only" in info:
                self._dispute(events, si, info["denial_only"], None)
                continue
            if tr is None:
                rec, cplaces = self._casualty_event(si, info["casualty"], sent_places, sent_sources[si], zones[si])
                attach = info["casualty"].get("attach_to")
                if attach is not None:
                    for k in range(len(events) - 1, -1, -1):
                        if events[k].sentence == si and events[k].triggers[0][0] == attach:
                            events[k] = replace(events[k], tolls=events[k].tolls + rec.tolls)
                    continue
                events.extend(self._per_place(rec, cplaces))
                continue
            ref = self._reference_kind(tr)
            if ref:
                # "cette attaque", "depuis le début de l'offensive": an event already told, not a new one
                k = self._antecedent(events, tr)
                if k is not None:
                    date, start, end = self._dates(tr, sent)
                    old = events[k]
                    events[k] = replace(old, sources=tuple(dict.fromkeys(old.sources + tuple(sent_sources[si]))),
                                        disputed_by=tuple(dict.fromkeys(old.disputed_by + tuple(info.get("denial") or ()))),
                                        date=old.date or (date if ref == "demonstrative" else None),
                                        start_date=old.start_date or start or (date if ref == "background" else None))
                    continue
            if ref == "background":
                places, from_scope = self._context_places(si, sent_places), False
            else:
                places, from_scope = self._places_for(tr, si, sent_places, zones[si])
            agents = self._agents(tr, zones[si])
            if not agents:
                agents = self._agents_by_context(tr, sent, zones[si])
            if tr.type in ("Withdrawal",) and self._civilian_subject(tr):
                continue  # "des milliers de civils ont fui": displacement, not a withdrawal of forces
            fam = FAMILY[tr.type]
            shift = re.match(r"\W*(par ailleurs|d'autre part|ailleurs|en outre|dans le meme temps|de son cote)",
                             token_key(sent.text))
            if not agents and not shift and tr.type not in ("Bombing",) and \
                    si - last_agent_sent.get(fam, -99) <= 2 and last_agents.get(fam):
                # "les combats … se déroulent", "l'offensive": the actor of the latest events of the same family,
                # unless the text turns to something else ("Par ailleurs, …"); bombings are rarely claimed
                agents = list(last_agents[fam])
            elif agents:
                last_agents[fam], last_agent_sent[fam] = tuple(agents), si
            if agents:
                self.recent_agents = (si, tuple(agents))
            targets = [m for m in self._targets(tr, agents) if m not in agents]
            date, start, end = self._dates(tr, sent)
            sources = tuple(sent_sources[si])
            sources = self._with_affiliations(sources, sent)
            conf = 0.5 + (0.2 if from_scope else 0.05) + (0.15 if agents else 0.0) + (0.1 if sources else 0.0)
            if tr.conditional:
                conf *= 0.6
            denial = info.get("denial")
            if denial and not (set(tr.scope) | set(range(sent.start, sent.end))) & {
                    t.i for p in places for t in self.ent_tokens.get(p, [])}:
                # "a démenti l'entrée des rebelles": the denied event was told earlier
                self._dispute(events, si, denial, tr.type)
                continue
            etype = tr.type
            if etype in ("Offensive", "ArmedClash") and self._civilian_object(tr):
                etype = "AttackOnCivilians"  # "ont ouvert le feu sur des manifestants"
            rec = EventRecord(
                type=etype, triggers=tuple((t.idx, t.idx + len(t.text)) for t in tr.tokens), place=None,
                agents=tuple(agents), targets=tuple(targets), sources=sources,
                disputed_by=tuple(denial or ()), date=date, start_date=start, end_date=end,
                confidence=round(min(conf, 0.95), 2), evidence=(sent.text.strip(),), sentence=si)
            if denial and places:
                for k in range(len(events) - 1, -1, -1):
                    if events[k].type == tr.type and events[k].place is not None and \
                            events[k].place.key in {p.key for p in places}:
                        events[k] = replace(events[k], disputed_by=tuple(dict.fromkeys(events[k].disputed_by + tuple(denial))))
                        break
                else:
                    events.extend(self._per_place(rec, places))
                continue
            events.extend(self._per_place(rec, places))
            if places:
                self.event_places.append((si, places))

        events = _merge_events(events)
        affiliations = self._affiliations()
        published_by = self._published_by()
        return Extraction(self.article, tuple(self.mentions), tuple(events), tuple(affiliations),
                          tuple(published_by), tuple(dict.fromkeys(self.containment)))

    # -- places -------------------------------------------------------------------------
    def _containment(self, sent: Span) -> None:
        """'le quartier de X dans la ville d'Alep', 'X, un quartier de Homs': X is in the city."""
        places = [m for m in self.mentions_in(range(sent.start, sent.end), "place")]
        for a, b in zip(places, places[1:], strict=False):
            if _PLACE_RANK.get(a.cls, 0) <= _PLACE_RANK.get(b.cls, 0) or (a.gaz_id and a.gaz_id == b.gaz_id):
                continue  # only a smaller kind of place inside a larger one
            if a.gaz_id and b.gaz_id and a.gaz_id in self.gaz.ancestors(b.gaz_id):
                continue  # the gazetteer says it the other way round
            ta, tb = self.ent_tokens.get(a), self.ent_tokens.get(b)
            if not ta or not tb or tb[0].i - ta[-1].i > 8:
                continue
            between = " ".join(token_key(t.text) for t in self.doc[ta[-1].i + 1:tb[0].i])
            if re.search(r"\b(et|ou|ni|ainsi que)\b", between):
                continue  # "Alep et de Hama": a list, not a container
            if re.search(r"(^|\b)(dans|a|en|de|d'|du|au coeur de|au centre de)( la| le| l'| les)?"
                         r"( ville| province| region| localite| gouvernorat)?( de| d')?$",
                         between.replace("' ", "'")) or between in ("", ","):
                self.containment.append((a, b))

    def _most_specific(self, places: list[Mention]) -> list[Mention]:
        keys = {p.key for p in places}
        contained_by: dict[str, set[str]] = {}
        for p in places:
            anc = set(self.gaz.ancestors(p.gaz_id)) if p.gaz_id else set()
            anc |= {c.key for (a, c) in self.containment if a.key == p.key}
            contained_by[p.key] = anc
        out = []
        for p in places:
            if any(p.key in contained_by[q.key] for q in places if q.key != p.key):
                continue
            if p.cls == "Region" and any(_PLACE_RANK.get(q.cls, 0) > 1 and not q.gaz_id and not contained_by[q.key]
                                         for q in places):
                continue  # "dans la province d'Idleb … dans le village de Maar Chourine": the village
            if p.cls == "Country" and len(keys) > 1 and any(q.cls != "Country" for q in places):
                continue
            out.append(p)
        return list(dict.fromkeys(out))

    def _anaphoric_place(self, tr: _Trigger) -> bool:
        """The trigger's own locative is a common noun with no name in it: "sur cette zone", "dans la ville"."""
        for t in {tr.head, tr.anchor} - {None}:
            for c in t.children:
                if not c.dep_.startswith(("obl", "obj", "nmod")) or _keys(c)[0] not in self.lex.sets["anaphoric_place_nouns"]:
                    continue
                core = [c] + [x for k in c.children if not k.dep_.startswith(("acl", "conj")) for x in k.subtree]
                if any((m := self.mention_of(x)) is not None and m.kind == "place" for x in core):
                    continue
                if any(token_key(x.text) in ("cette", "ce", "cet", "la", "le", "l'") for x in c.children if x.dep_ == "det"):
                    return True
        return False

    def _places_for(self, tr: _Trigger, si: int, sent_places: list[list[Mention]], zone: set[int]):
        """Places of a trigger: its clause; else its sentence; else the places the text was just about."""
        anaphoric = self._anaphoric_place(tr)
        if tr.head.dep_ in ("acl", "amod") and tr.head.pos_ in ("VERB", "ADJ"):
            # "Khaldiyé, un quartier rebelle assiégé depuis …": the participle describes the noun it modifies
            noun = tr.head.head
            for t in (noun, noun.head if noun.dep_ in ("appos", "nmod") else None):
                m = self.mention_of(t) if t is not None else None
                if m is not None and m.kind == "place":
                    return [m], True
            # "bombarder Khaldiyé, un quartier assiégé": an apposition the parser left as a sibling
            left = noun.left_edge.i
            for j in range(left - 1, max(left - 4, -1), -1):
                m = self.mention_of(self.doc[j])
                if m is not None and m.kind == "place":
                    return [m], True
                if self.doc[j].text not in (",", "(") and self.doc[j].pos_ not in ("DET",):
                    break
        cands = [m for m in self.mentions_in(tr.scope, "place") if not self.is_reference_place(m)]
        if anaphoric:
            # "sur cette zone": the place named before the trigger, not those of a nested clause
            cands = [m for m in cands if m.start < tr.head.idx]
        if cands:
            return self._most_specific(cands), True
        sent_ids = lambda m: {t.i for t in self.ent_tokens.get(m, [])}  # noqa: E731
        before = [m for m in sent_places[si] if not sent_ids(m) & zone and (not anaphoric or m.start < tr.head.idx)]
        if before:
            return self._most_specific(before), False
        in_zone = [m for m in sent_places[si] if sent_ids(m) & zone]
        if in_zone and not anaphoric:
            return self._most_specific(in_zone), False  # "des militants à Homs ont estimé qu'il s'agissait d'un assaut"
        sent = self.sents[si]
        near = [m for m in self.mentions_in(range(sent.start, sent.end), "place")
                if self.is_reference_place(m) and not self.in_dateline(m.start) and not sent_ids(m) & zone
                and any(w in self.prev_tokens_text(self.ent_tokens[m][0].i, 3) for w in ("pres", "proximite", "loin", "abords"))]
        if near and not anaphoric:
            return self._most_specific(near), False  # "une mine a explosé près de Deir Ezzor": the nearest place named
        return self._context_places(si, sent_places), False

    def _context_places(self, si: int, sent_places: list[list[Mention]]) -> list[Mention]:
        """The places the text was just about: those of the latest events if they are recent, else the places
        of the nearest preceding sentence that names one, else those of the latest events anywhere before."""
        recent = [(s, p) for s, p in self.event_places if s <= si]
        if recent and si - recent[-1][0] <= 5:
            return self._most_specific(recent[-1][1])
        for back in range(1, 4):
            if si - back >= 0 and sent_places[si - back]:
                return self._most_specific(sent_places[si - back])
        return self._most_specific(recent[-1][1]) if recent else []

    def _per_place(self, rec: EventRecord, places: list[Mention] | None = None) -> list[EventRecord]:
        if places is None:
            places = [rec.place] if rec.place is not None else []
        if not places:
            return [rec]
        return [replace(rec, place=p) for p in places]

    # -- roles --------------------------------------------------------------------------
    def _agents(self, tr: _Trigger, zone: set[int]) -> list[Mention]:
        lex = self.lex
        classes = lex.sets["agent_classes"]
        head = tr.head
        # "tombé aux mains de X"
        for t in tr.tokens:
            if _keys(t)[0] == "main":
                for c in t.children:
                    if c.dep_ == "nmod":
                        ms = self.actor_in_subtree(c, classes)
                        if ms:
                            return ms
        cands: list[Token] = [head]
        a = tr.anchor
        if a is not None and a.i != head.i:
            cands.append(a)
        out: list[Mention] = []
        for t in cands:
            passive = any(c.dep_ in ("aux:pass", "nsubj:pass") for c in t.children) or "Pass" in t.morph.get("Voice")
            # "en bombardant": a gerund (whatever the tagger says) has its head verb's subject
            gerund = token_key(t.text).endswith("ant") and any(
                token_key(c.text) == "en" for c in t.children if c.dep_ in ("case", "mark"))
            for c in t.children:
                if c.i in zone:
                    continue
                if c.dep_ == "obl:agent" or (c.dep_ in ("obl", "obl:mod", "nmod", "obl:arg") and any(
                        token_key(x.text) == "par" for x in c.children if x.dep_ == "case")):
                    out.extend(self.actor_in_subtree(c, classes))
                elif c.dep_ == "nsubj" and not passive:
                    out.extend(self._subject_actor(c, classes))
                elif t.pos_ in ("NOUN", "PROPN", "ADV", "NUM") and not gerund and c.dep_ == "nmod" and any(
                        token_key(x.text) in ("de", "d'", "du", "des") for x in c.children if x.dep_ == "case") \
                        and tr.type not in ("TerritoryCapture", "Siege") and not (
                        self.mention_of(c) is not None and self.mention_of(c).kind == "place"):
                    out.extend(self.actor_in_subtree(c, classes))
            if out:
                break
            # participial/coordinated clauses share the subject of their head: "s'emparant", "et ont pris"
            if ((t.dep_ in ("conj", "advcl", "xcomp") and t.pos_ == "VERB") or gerund) and not out:
                h = t.head
                h_passive = any(c.dep_ == "aux:pass" for c in h.children)
                for c in h.children:
                    if c.i in zone:
                        continue
                    if c.dep_ == "nsubj" or (c.dep_ == "nsubj:pass" and t.dep_ == "xcomp") or (
                            c.dep_ == "nsubj:pass" and h_passive and t.dep_ == "conj" and not passive):
                        out.extend(self._subject_actor(c, classes))
                if out:
                    break
        # "appuyée par le Hezbollah": supporting forces are co-agents
        if out:
            for m in list(out):
                toks = self.ent_tokens.get(m) or []
                for tok in toks[:1]:
                    for c in tok.head.children if tok.head.i != tok.i else tok.children:
                        if _keys(c)[0] in ("appuyer", "soutenir", "épauler", "aider") and c.pos_ in ("VERB", "ADJ"):
                            for cc in c.children:
                                out.extend(x for x in self.actor_in_subtree(cc, classes) if x not in out)
        if not out:
            out = self._nationality_agent(tr)
        out = [m for m in dict.fromkeys(out) if not self._under_opposition(m)]
        if any(m.cls != "Person" for m in out):
            out = [m for m in out if m.cls != "Person"]  # "les forces … de Bachar al-Assad": the forces act
        return out

    @staticmethod
    def _dispute(events: list[EventRecord], si: int, deniers: list[Mention], etype: str | None) -> None:
        """Add ``deniers`` to the latest event of that type, else to the latest event of the last two sentences."""
        target = next((k for k in range(len(events) - 1, -1, -1) if events[k].type == etype), None)
        if target is None:
            target = next((k for k in range(len(events) - 1, -1, -1) if si - events[k].sentence <= 2), None)
        if target is not None:
            old = events[target]
            events[target] = replace(old, disputed_by=tuple(dict.fromkeys(old.disputed_by + tuple(deniers))))

    def _reference_kind(self, tr: _Trigger) -> str | None:
        """"demonstrative" for "cette attaque", "ces frappes"; "background" for a noun in a temporal phrase
        ("depuis le début de l'offensive", "après la chute de"); else None."""
        head = tr.head
        if head.pos_ in ("VERB", "AUX"):
            return None
        own_place = any((m := self.mention_of(x)) is not None and m.kind == "place" for x in head.subtree)
        if own_place:
            return None  # "après la chute des quartiers de Cheikh Saïd": a real event, told in passing
        if any(token_key(c.text) in ("cette", "ce", "cet", "ces") for c in head.children if c.dep_ == "det"):
            return "demonstrative"
        if head.dep_ == "obj" and _keys(head.head)[0] in self.lex.sets["commentary_verbs"]:
            return "demonstrative"  # "Ban Ki-moon a dénoncé une attaque écoeurante": the attack just told
        t = head
        for _ in range(3):
            cases = {token_key(c.text) for c in t.children if c.dep_ in ("case", "mark", "fixed")}
            if cases & {"depuis", "apres", "avant", "lors", "pendant", "durant"} or (
                    token_key(t.text) in ("debut", "fin") and t.head.i != t.i and any(
                        token_key(c.text) == "depuis" for c in t.children)):
                return "background"
            if t.head.i == t.i or t.head.pos_ in ("VERB", "AUX"):
                break
            t = t.head
        return None

    def _antecedent(self, events: list[EventRecord], tr: _Trigger) -> int | None:
        """The latest event this reference can point to: same type, or any type for a generic noun ("attaque")."""
        for k in range(len(events) - 1, -1, -1):
            if events[k].type == tr.type:
                return k
        lemma = _keys(tr.head)[0]
        for k in range(len(events) - 1, -1, -1):
            if lemma in ("attaque", "operation") and events[k].type != "CasualtyReport":
                return k  # "cette attaque" after a chemical attack
            if lemma in ("offensive", "assaut") and FAMILY[events[k].type] == "Battle":
                return k
        return None

    def _civilian_object(self, tr: _Trigger) -> bool:
        """The action is aimed at civilians: its object or "sur/contre X" names civilians and no armed group."""
        civ = self.lex.sets["civilian_targets"]
        for t in {tr.head, tr.anchor} - {None}:
            for c in t.children:
                if c.dep_ in ("obj", "obl", "obl:arg", "obl:mod", "nmod") and c.i > tr.head.i:
                    case = {token_key(x.text) for x in c.children if x.dep_ == "case"}
                    if c.dep_ != "obj" and not case & {"sur", "contre"}:
                        continue
                    m = self.mention_of(c)
                    if _keys(c)[0] in civ or (m is not None and m.cls == "Civilians"):
                        return True
        return False

    def _civilian_subject(self, tr: _Trigger) -> bool:
        civ = self.lex.sets["civilian_nouns"] | {"personne", "famille", "refugie", "deplace", "million", "millier"}
        for t in {tr.head, tr.anchor} - {None}:
            for c in t.children:
                if c.dep_ in ("nsubj", "nsubj:pass"):
                    keys = {_keys(x)[0] for x in c.subtree}
                    m = self.mention_of(c)
                    if keys & civ or (m is not None and m.cls == "Civilians"):
                        return True
        return False

    def _nationality_agent(self, tr: _Trigger) -> list[Mention]:
        """"des frappes russes", "l'artillerie turque": the state whose forces act (a mention of the adjective)."""
        nat = _nationalities()
        for tok in tr.tokens + [c for t in tr.tokens for c in t.children if c.dep_ in ("nmod",) and
                                _keys(c)[0] in ("aviation", "artillerie", "armee", "force", "avion", "troupe")]:
            for c in tok.children:
                gid = nat.get(token_key(c.text))
                if c.dep_ == "amod" and gid and gid in self.gaz:
                    m = self.mention_of(c)
                    if m is None:
                        e = self.gaz[gid]
                        m = Mention(c.idx, c.idx + len(c.text), c.text, "actor", e.cls, gid, self.sent_of.get(c.i, 0))
                        self.mentions.append(m)
                        self.mention_at[c.i] = m
                        self.ent_tokens[m] = [c]
                    return [m]
        return []

    def _under_opposition(self, m: Mention) -> bool:
        """The mention is the other side of an action: "contre la milice kurde", "face aux rebelles"."""
        toks = self.ent_tokens.get(m) or []
        if not toks:
            return False
        t = toks[0]
        for _ in range(4):
            if any(token_key(c.text) in ("contre", "face") and c.dep_ in ("case", "advmod", "fixed") for c in t.children):
                return True
            if t.head.i == t.i or t.head.pos_ in ("VERB", "AUX"):
                break
            t = t.head
        return False

    def _subject_actor(self, subj: Token, classes) -> list[Mention]:
        """The actor a subject names; a pronoun ("elle a lancé …") or a demonstrative ("ces forces") is the last
        armed actor named before it."""
        demonstrative = self.mention_of(subj) is None and any(
            token_key(c.text) in ("ces", "cette", "ce", "cet") for c in subj.children if c.dep_ == "det")
        if demonstrative and self.recent_agents and self.sent_of[subj.i] - self.recent_agents[0] <= 2:
            return list(self.recent_agents[1])  # "ces forces": the actors of the latest events
        if _pronoun(subj) or demonstrative:
            # "ces forces" points back past its own sentence ("repris aux rebelles …, ces forces se concentrent")
            before = self.sents[self.sent_of[subj.i]].start if demonstrative else subj.i
            m = self.last_mention_before(before, set(self.lex.sets["armed_classes"]), window_sents=2)
            return [m] if m is not None else []
        return self.actor_in_subtree(subj, classes)

    def _agents_by_context(self, tr: _Trigger, sent: Span, zone: set[int]) -> list[Mention]:
        """No agent in the trigger's clause: the subject of the sentence's main verb, if an armed actor
        ("L'armée a achevé l'envoi de renforts"), or a pronoun/demonstrative subject left to the caller."""
        classes = self.lex.sets["agent_classes"]
        for t in [tr.anchor, sent.root] if tr.anchor is not None else [sent.root]:
            for c in t.children:
                if c.dep_ == "nsubj" and c.i not in zone and not _pronoun(c) and \
                        _keys(t)[0] not in self.lex.sets["death_lemmas"]:
                    ms = self.actor_in_subtree(c, classes)
                    if ms:
                        return ms
        return []

    def _targets(self, tr: _Trigger, agents: list[Mention]) -> list[Mention]:
        lex = self.lex
        armed = lex.sets["armed_classes"]
        out: list[Mention] = []
        for t in {tr.head, tr.anchor} - {None}:
            for c in t.children:
                case = {token_key(x.text) for x in c.children if x.dep_ == "case"}
                if case & {"contre", "avec", "a", "aux", "au", "face", "chez"} or (
                        c.dep_ == "obj" and tr.type in ("Offensive", "ArmedClash", "Shelling", "Airstrike")):
                    out.extend(self.actor_in_subtree(c, armed))
        for tok_i in sorted(tr.scope):
            tok = self.doc[tok_i]
            if token_key(tok.text) == "contre":
                out.extend(self.actor_in_subtree(tok.head, armed))
            if _keys(tok)[0] == "viser":
                for c in tok.children:
                    if c.dep_ == "obj":
                        out.extend(self.actor_in_subtree(c, armed))
        if not out and agents and tr.type in ("Offensive", "TerritoryCapture", "ArmedClash"):
            sides = lex.sides
            agent_side = {sides.get(a.cls) for a in agents} - {None}
            if agent_side:
                for m in self.mentions_in(tr.scope, "actor"):
                    side = sides.get(m.cls)
                    if side and side not in agent_side:
                        out.append(m)
                        break
        return list(dict.fromkeys(out))

    def _dates(self, tr: _Trigger, sent: Span):
        in_sent = [tm for tm in self.times if sent.start_char <= tm.start < sent.end_char]
        if not in_sent:
            return None, None, None

        def tok_ids(tm: TimeMention) -> set[int]:
            span = self.doc.char_span(tm.start, tm.end, alignment_mode="expand")
            return {t.i for t in span} if span is not None else set()

        chosen = [tm for tm in in_sent if tok_ids(tm) & tr.scope]
        if not chosen:
            # a date elsewhere in the sentence ("a annoncé samedi que …"), unless it belongs to another event
            chosen = [tm for tm in in_sent if not tok_ids(tm) & tr.others]
        if not chosen:
            return None, None, None
        tm = min(chosen, key=lambda x: abs(x.start - tr.head.idx))
        if tm.value is None:
            return None, None, None
        if tm.kind == "since":
            return None, tm.value, None
        if tm.kind == "span":
            return None, tm.value, tm.end_value
        if tm.kind == "point":
            return tm.value, None, None
        return None, None, None

    def _with_affiliations(self, sources: tuple[Mention, ...], sent: Span) -> tuple[Mention, ...]:
        out = list(sources)
        for s in sources:
            if s.cls != "Person":
                continue
            group = self._affiliation_of(s)
            if group is not None and group not in out:
                out.append(group)
            elif s.gaz_id and s.gaz_id in self.gaz and self.gaz[s.gaz_id].affiliated_with:
                gid = self.gaz[s.gaz_id].affiliated_with
                g = next((m for m in self.mentions if m.gaz_id == gid), None)
                if g is not None and g not in out:
                    out.append(g)
        return tuple(out)

    # -- denial, tolls --------------------------------------------------------------------
    def _denier(self, sent: Span, zone: set[int]) -> list[Mention] | None:
        lex = self.lex
        for tok in sent:
            if _keys(tok)[0] in lex.sets["denial_verbs"] or _keys(tok)[1] in lex.sets["denial_verbs"]:
                subj = [c for c in tok.children if c.dep_ in ("nsubj",)]
                ms = []
                for s in subj:
                    ms.extend(self.actor_in_subtree(s))
                if not ms:
                    # "… sont infondées, a dit le ministère": the reporting subject
                    for t in sent:
                        if _keys(t)[0] in lex.sets["report_verbs"]:
                            for c in t.children:
                                if c.dep_ == "nsubj":
                                    ms.extend(self.actor_in_subtree(c))
                if ms:
                    return ms[:1]
        return None

    def _tolls(self, sent: Span) -> dict | None:
        lex = self.lex
        qs = [q for q in self.quantities if sent.start_char <= q.start < sent.end_char]
        if not qs:
            return None
        has_death = any(_keys(t)[0] in lex.sets["death_lemmas"] or _keys(t)[1] in lex.sets["death_lemmas"] for t in sent)
        if not has_death:
            return None
        tolls: list[Toll] = []
        for q in qs:
            span = self.doc.char_span(q.start, q.end, alignment_mode="expand")
            if span is None:
                continue
            j = span.end
            if j < len(self.doc) and token_key(self.doc[j].text) in ("de", "d'"):
                j += 1
            if j >= len(self.doc):
                continue
            nxt = self.doc[j]
            m = self.mention_of(nxt)
            k = _keys(nxt)
            if m is None and not (k[0] in lex.sets["casualty_nouns"] or k[1] in lex.sets["casualty_nouns"]):
                continue
            if k[0] in ("habitant",) and not any(_keys(t)[0] in ("tuer", "mourir", "mort", "tué") for t in sent):
                continue
            civ = k[0] in lex.sets["civilian_nouns"] or (m is not None and m.cls == "Civilians")
            group = m if (m is not None and m.kind == "actor" and m.cls != "Civilians") else None
            tolls.append(Toll(q.value, q.qualifier, group, civ, q.start, span.end_char if m is None else max(span.end_char, m.end)))
        if not tolls:
            return None
        first = self.doc.char_span(tolls[0].start, tolls[0].end, alignment_mode="expand")
        lo, hi = (first.start - 8, first.end + 12) if first is not None else (sent.start, sent.end)
        window = self.doc[max(sent.start, lo):min(sent.end, hi)]
        period = any(token_key(t.text) in lex.sets["toll_period_words"] for t in window) or any(
            tm.kind in ("since", "duration", "span") for tm in self.times if sent.start_char <= tm.start < sent.end_char) \
            or any(token_key(t.text) == "depuis" for t in sent)
        places = [m for m in self.mentions_in(range(sent.start, sent.end), "place")]
        broad = any(p.cls == "Country" for p in places) and not any(p.cls != "Country" for p in places)
        # "une offensive qui a fait des centaines de morts": the toll is told as the action's own
        owner = None
        if first is not None:
            for tr in self.find_triggers(sent):
                if first.start in _subtree_ids(tr.head) and not self.modality(tr)[0]:
                    owner = tr
        return {"tolls": tolls, "report": (period or broad) and owner is None, "owner": owner, "sentence": sent}

    def _casualty_event(self, si, cas, sent_places, sources, zone) -> tuple[EventRecord, list[Mention]]:
        sent = cas["sentence"]
        tolls = tuple(cas["tolls"])
        if cas.get("owner") is not None:
            cas["attach_to"] = cas["owner"].tokens[0].idx
            return EventRecord("CasualtyReport", (), None, tolls=tolls), []
        if not cas["report"]:
            # attach to the nearest action of the sentence
            triggers = [tr for tr in self.find_triggers(sent)]
            triggers = [tr for tr in triggers if not self.modality(tr)[0]]
            if triggers:
                first_toll = tolls[0].start
                tr = min(triggers, key=lambda t: abs(t.head.idx - first_toll))
                cas["attach_to"] = tr.tokens[0].idx
                return EventRecord("CasualtyReport", (), None, tolls=tolls), []
        places = [m for m in sent_places[si] if not (set(t.i for t in self.ent_tokens.get(m, [])) & zone)]
        places = self._most_specific(places) if places else self._context_places(si, sent_places)
        in_sent = [tm for tm in self.times if sent.start_char <= tm.start < sent.end_char and tm.value is not None]
        date = start = None
        if in_sent:
            tm = in_sent[0]
            if tm.kind == "point":
                date = tm.value
            elif tm.kind == "since":
                start = tm.value
        rec = EventRecord("CasualtyReport", ((tolls[0].start, tolls[0].end),), None, sources=self._with_affiliations(sources, sent),
                          date=date, start_date=start, tolls=tolls, confidence=0.8 if sources else 0.65,
                          evidence=(sent.text.strip(),), sentence=si)
        return rec, places

    # -- persons, agencies --------------------------------------------------------------
    def _affiliation_of(self, person: Mention) -> Mention | None:
        lex = self.lex
        toks = self.ent_tokens.get(person) or []
        if not toks:
            return None
        groups = ("Organization", "RebelGroup", "JihadistGroup", "MediaOutlet", "GovernmentBody", "StateForce", "Militia")
        # "X, le directeur de l'OSDH" / "le directeur de l'OSDH, X" / "X ... appartient à Y"
        after = self.doc[toks[-1].i + 1:toks[-1].i + 14]
        before = self.doc[max(0, toks[0].i - 12):toks[0].i]
        for window, forward in ((after, True), (before, False)):
            role_seen = False
            for t in window:
                k = _keys(t)
                if k[0] in lex.sets["role_nouns"] or k[0] in lex.sets["affiliation_verbs"]:
                    role_seen = True
                    continue
                if t.text in (".", ";", "«", "»") or (t.text == "," and role_seen and forward is False):
                    if forward:
                        break
                m = self.mention_of(t)
                if role_seen and m is not None and m.kind == "actor" and m.cls in groups:
                    return m
                if forward and m is not None and m.kind == "actor" and not role_seen:
                    break
        return None

    def _affiliations(self) -> list[Affiliation]:
        out = []
        for m in self.mentions:
            if m.cls == "Person":
                g = self._affiliation_of(m)
                if g is not None:
                    out.append(Affiliation(m, g))
        return out

    def _published_by(self) -> list[Mention]:
        agencies = set(ENTITY_RULES().get("news_agencies", []))
        out = []
        text = self.doc.text
        for m in self.mentions:
            if m.cls != "MediaOutlet" or m.gaz_id not in agencies:
                continue
            line_start = text.rfind("\n", 0, m.start) + 1
            line_end = text.find("\n", m.end)
            line = text[line_start:line_end if line_end >= 0 else len(text)].strip(" \t()-–—")
            before = text[max(0, m.start - 6):m.start]
            if line == m.text or "(" in before[-1:] or re.search(r"\b[àa]\s+l['’]\s*$|\b[àa]\s+$", before):
                out.append(m)
        return list({m.gaz_id: m for m in out}.values())


def _compatible(a: EventRecord, b: EventRecord) -> bool:
    for x, y in ((a.date, b.date), (a.start_date, b.start_date)):
        if x is not None and y is not None and not x.overlaps(y):
            return False
    return True


def _merge_events(events: list[EventRecord]) -> list[EventRecord]:
    """One record per (type, place) and compatible dates within an article."""
    out: list[EventRecord] = []
    for e in events:
        key = (e.type, e.place.key if e.place is not None else None)
        for k, o in enumerate(out):
            if (o.type, o.place.key if o.place is not None else None) == key and _compatible(o, e) and \
                    (key[1] is not None or o.sentence == e.sentence):
                out[k] = replace(
                    o, triggers=o.triggers + tuple(t for t in e.triggers if t not in o.triggers),
                    agents=tuple(dict.fromkeys(o.agents + e.agents)),
                    targets=tuple(dict.fromkeys(o.targets + e.targets)),
                    sources=tuple(dict.fromkeys(o.sources + e.sources)),
                    disputed_by=tuple(dict.fromkeys(o.disputed_by + e.disputed_by)),
                    date=o.date or e.date, start_date=o.start_date or e.start_date, end_date=o.end_date or e.end_date,
                    tolls=tuple(dict.fromkeys(o.tolls + e.tolls)), confidence=max(o.confidence, e.confidence),
                    evidence=tuple(dict.fromkeys(o.evidence + e.evidence)))
                break
        else:
            out.append(e)
    return out


def extract(doc: Doc, article: Article, gazetteer: Gazetteer | None = None) -> Extraction:
    """Extract mentions and events from ``doc`` (made by :func:`kg.nlp.load_nlp` from ``article``)."""
    return _ArticleExtractor(doc, article, gazetteer or load_gazetteer()).run()
