"""The ``kg_entities`` component: ``doc.ents`` are the actors and places of the conflict,
typed with the contract's classes.

The component (registered with :func:`spacy.Language.factory`) runs after the model's NER.
``match`` finds candidates — gazetteer names and group nouns first, then the model's
PER/ORG/LOC entities that pass the rules in ``kg/lang/fr/entities.json`` — and
``set_annotations`` writes them to ``doc.ents`` with ``label_`` = contract class and
``kb_id_`` = gazetteer id (empty for entities the gazetteers do not know). This fixes the
model's usual mistakes on this text: weekdays tagged as places, "Bachar al-Assad" as a place,
"Sana" as a person (the gazetteer wins over the model).

>>> import spacy, kg.nlp
>>> nlp = spacy.blank("fr")
>>> _ = nlp.add_pipe("kg_entities")
>>> [(e.text, e.label_, e.kb_id_) for e in nlp("Les rebelles ont pris Alep.").ents][:1]
[('rebelles', 'RebelGroup', 'rebels')]
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from kg.gazetteer import Gazetteer, load_gazetteer
from kg.geo import find_place
from kg.lang.fr import entity_rules, lexicon
from kg.schema.text import key as token_key

__all__ = ["KgEntities"]


@dataclass(frozen=True)
class _Candidate:
    start: int
    end: int
    label: str
    kb_id: str
    priority: int  # 2 gazetteer, 1 pattern, 0 model


class KgEntities:
    """Find conflict actors and places; write them as ``doc.ents``."""

    def __init__(self, nlp: Language, name: str = "kg_entities", data_dir: str | None = None):
        self.name = name
        self.gaz: Gazetteer = load_gazetteer(data_dir)
        self.rules = entity_rules()
        self.lex = lexicon()
        self.articles = {token_key(w) for w in self.rules["leading_articles"]}
        prefixes = "|".join(re.escape(p) for p in self.rules["hyphenated_name_prefixes"])
        self.name_token = re.compile(rf"^(?:[A-ZÀ-Ý][\w'’-]+|(?:{prefixes})-[A-ZÀ-Ý][\w'’-]*)$")
        self.tokenizer = spacy.blank("fr").tokenizer
        self.index: dict[tuple[str, ...], list[tuple[str, str]]] = {}
        lengths: dict[str, set[int]] = {}
        for e in self.gaz.entries.values():
            for form in {e.label, *e.aliases}:
                toks = [t.text for t in self.tokenizer(form)]
                while toks and token_key(toks[0]) in self.articles and len(toks) > 1:
                    toks = toks[1:]
                if not toks:
                    continue
                key = tuple(token_key(t) for t in toks)
                mode = self._case_mode(" ".join(toks))
                if (e.id, mode) not in self.index.setdefault(key, []):
                    self.index[key].append((e.id, mode))
                lengths.setdefault(key[0], set()).add(len(key))
        #: the lengths (longest first) of the index's keys that begin with a token key
        self.lengths: dict[str, list[int]] = {first: sorted(ls, reverse=True) for first, ls in lengths.items()}
        self.cue_classes = {token_key(k): v for k, v in self.rules["place_cues"].items()}
        self.org_heads = {token_key(k): v for k, v in self.rules["organisation_heads"].items()}
        self.not_entities = {token_key(w) for w in self.rules["not_entities"]}
        self.particles = {token_key(w) for w in self.rules["name_particles"]}
        self.locative_preps = {token_key(w) for w in self.rules["locative_prepositions"]}
        self.foreign_adjectives = {token_key(w) for w in self.rules["foreign_adjectives"]}
        self.actor_object_verbs = {token_key(w) for w in self.rules["actor_object_verbs"]}
        self.adjective_homographs = {token_key(w) for w in self.rules.get("adjective_homographs", [])}
        self.party_preps = {token_key(w) for w in self.rules.get("party_prepositions", [])}
        self.party_heads = {token_key(w) for w in self.rules.get("party_heads", [])}

    @staticmethod
    def _case_mode(form: str) -> str:
        letters = [c for c in form if c.isalpha()]
        if letters and all(c.isupper() for c in letters) and len(letters) <= 6:
            return "exact"  # acronyms: EI, ASL, OSDH
        if form[:1].isupper():
            return "capital"
        return "any"

    def __call__(self, doc: Doc) -> Doc:
        self.set_annotations(doc, self.match(doc))
        return doc

    # -- finding -------------------------------------------------------------------------
    def match(self, doc: Doc) -> list[_Candidate]:
        model = self._model_entities(doc)
        patterns = self._pattern_places(doc)
        # a known place inside a longer personal name is part of the name ("Abu-Rami Al-Qosour"), and one
        # inside a named street or site is part of its name ("la rue de Damas")
        wider = [c for c in model if c.label == "Person"] + [c for c in patterns if self._keeps_cue(doc[c.start])]
        cands = [c for c in self._gazetteer_matches(doc)
                 if not (self.gaz[c.kb_id].kind == "place" and any(
                     p.start <= c.start and c.end <= p.end and (p.end - p.start) > (c.end - c.start) for p in wider))]
        taken = set()
        for c in cands:
            taken.update(range(c.start, c.end))
        for c in patterns + model:
            if not taken.intersection(range(c.start, c.end)):
                cands.append(c)
                taken.update(range(c.start, c.end))
        return cands

    def _gazetteer_matches(self, doc: Doc) -> list[_Candidate]:
        keys = [token_key(t.text) for t in doc]
        out: list[_Candidate] = []
        i, n = 0, len(doc)
        while i < n:
            found = None
            for length in self.lengths.get(keys[i], ()):
                hits = self.index.get(tuple(keys[i:i + length])) if i + length <= n else None
                if not hits:
                    continue
                text = doc[i:i + length].text
                ok = [eid for eid, mode in hits if self._case_ok(mode, text, doc, i, length)]
                if ok:
                    found = (length, self._choose(ok, doc, i))
                    break
            if found and self._foreign_generic(doc, i, found[0], self.gaz[found[1]]):
                found = None  # "la présidence turque", "l'armée russe": not the Syrian body of that name
            if found and self._adjective_homograph(doc, i, found[0]):
                found = None  # "la branche armée du PYD": "armed", not the army
            if found and self._cue_conflict(doc, i, self.gaz[found[1]]):
                found = None  # "le village de Khalidiya": the text says it is not the district of that name
            if found:
                length, eid = found
                e = self.gaz[eid]
                out.append(_Candidate(i, i + length, e.cls, e.id, 2))
                i += length
            else:
                i += 1
        return out

    def _adjective_homograph(self, doc: Doc, i: int, length: int) -> bool:
        """A one-word name that is also an adjective ("armée": army / armed) used as one: tagged an
        adjective, or right after a noun ("une branche armée", "des groupes armés")."""
        if length != 1 or token_key(doc[i].text) not in self.adjective_homographs:
            return False
        prev = doc[i - 1] if i > 0 else None
        return doc[i].pos_ == "ADJ" or (prev is not None and prev.pos_ == "NOUN" and prev.text.islower())

    def _foreign_generic(self, doc: Doc, i: int, length: int, entry) -> bool:
        span = doc[i:i + length]
        if entry.kind != "actor" or any(c.isupper() for c in span.text):
            return False
        nxt = doc[i + length] if i + length < len(doc) else None
        return nxt is not None and token_key(nxt.text) in self.foreign_adjectives

    def _cue_conflict(self, doc: Doc, i: int, entry) -> bool:
        """A cue noun just before a place name gives it a class other than the gazetteer entry's."""
        if entry.kind != "place" or entry.cls == "Country":
            return False
        j = i - 1
        if j >= 0 and token_key(doc[j].text) in self.lex.set("preposition_of"):
            j -= 1  # only "le village de X", not "la ville kurde de Syrie" (there X contains the town)
        cue = self.cue_classes.get(token_key(doc[j].text)) if j >= 0 else None
        plural = j >= 0 and (doc[j].morph.get("Number") == ["Plur"] or doc[j].text.endswith(("s", "x")))
        # "les quartiers rebelles de Homs": a plural cue names the container, not the place itself
        return bool(cue) and not plural and not cue.get("keep_cue") and cue["class"] != entry.cls

    def _choose(self, ids: list[str], doc: Doc, i: int) -> str:
        """One entry for a name shared by a place and an actor ("Liban" the country or the Lebanese state):
        the actor when the name is a subject, an agent or a source ("la Turquie a bombardé", "par la Russie",
        "selon Ankara"), and a capital without a preposition (its government); else the place."""
        if len(ids) == 1:
            return ids[0]
        tok = doc[i]
        while tok.dep_ == "conj" and tok.head.i != tok.i:
            tok = tok.head  # "par Moscou et Washington": the second is what the first is
        case = {token_key(c.text) for c in tok.children if c.dep_ == "case"}
        acted_on = tok.dep_ == "obj" and token_key(tok.head.lemma_) in self.actor_object_verbs
        agentive = case & (self.lex.set("agent_preposition") | self.lex.set("source_prepositions"))
        party = bool(case & self.party_preps) and (
            tok.head.pos_ in ("VERB", "AUX") or token_key(tok.head.lemma_) in self.party_heads
            or token_key(tok.head.text) in self.party_heads)  # "une trêve négociée entre la Russie et la Turquie"
        subject = tok.dep_ in ("nsubj", "nsubj:pass", "obl:agent")
        want = "actor" if subject or agentive or acted_on or party else "place"
        capital = any(self.gaz[x].kind == "place" and self.gaz[x].cls == "City" for x in ids)
        if capital and want == "place" and not case & self.lex.set("locative_prepositions"):
            want = "actor"  # "Ankara, qui s'inquiète …", "un accord avec Moscou": a capital not as a place is its government
        preferred = [x for x in ids if self.gaz[x].kind == want]
        return sorted(preferred or ids)[0]

    @staticmethod
    def _case_ok(mode: str, text: str, doc: Doc, i: int, length: int) -> bool:
        if mode == "any":
            return True
        if mode == "exact":
            letters = [c for c in text if c.isalpha()]
            return bool(letters) and all(c.isupper() for c in letters)
        return any(c.isupper() for c in text)  # "le vieux Homs" for the alias "Vieux Homs"

    def _is_name_token(self, tok) -> bool:
        key = token_key(tok.text)
        if key in self.particles:
            return True
        if tok.text in ("-", "‐", "‑") and not tok.whitespace_ and tok.i > 0 and not tok.nbor(-1).whitespace_:
            return True  # "al-Atifiyeh" is tokenised "al", "-", "Atifiyeh"
        return tok.text[:1].isupper() and tok.is_alpha or bool(self.name_token.match(tok.text))

    def _name_after(self, doc: Doc, j: int) -> int:
        """End of a run of capitalised name tokens (with particles) starting at ``j``."""
        k = j
        while k < len(doc) and k - j < 6 and self._is_name_token(doc[k]) and token_key(doc[k].text) not in self.not_entities:
            k += 1
        while k > j and (token_key(doc[k - 1].text) in self.particles or doc[k - 1].text == "-"):
            k -= 1
        return k

    def _keeps_cue(self, tok) -> bool:
        """The token is a cue noun that is part of the place's name ("rue", "mosquée", "prison")."""
        cue = self.cue_classes.get(token_key(tok.text))
        return bool(cue and cue.get("keep_cue"))

    def _after_cue(self, doc: Doc, j: int) -> int:
        """Where the name starts after a cue noun: past adjectives ("prison centrale de"), one lower-case
        complement ("école de police de", "base aérienne de") and the preposition."""
        of = self.lex.set("preposition_of")

        def adjectives(j: int) -> int:
            while j < len(doc) and doc[j].pos_ == "ADJ" and doc[j].text.islower():
                j += 1  # "prison centrale de", "camp palestinien de"
            return j

        j = adjectives(j)
        if (
            j + 2 < len(doc)
            and token_key(doc[j].text) in of
            and doc[j + 1].text.islower()
            and doc[j + 1].is_alpha
            and token_key(doc[j + 1].text) not in self.articles
        ):
            k = adjectives(j + 2)
            if k < len(doc) and token_key(doc[k].text) in of:
                j = k  # "l'hôpital militaire de Tell Ahmar"
        if j < len(doc) and token_key(doc[j].text) in of:
            j += 1
        return j

    def _appositive_class(self, doc: Doc, end: int) -> str | None:
        """The place class an apposition gives a name: "Tell Ahmar, un village de …" (City)."""
        if end + 2 >= len(doc) or doc[end].text != ",":
            return None
        j = end + 1
        if token_key(doc[j].text) not in self.articles:
            return None
        j += 1
        while j < len(doc) and doc[j].pos_ == "ADJ" and doc[j].text.islower():
            j += 1  # "une petite localité"
        cue = self.cue_classes.get(token_key(doc[j].text)) if j < len(doc) else None
        return cue["class"] if cue and not doc[j].text.endswith(("s", "x")) else None

    def _pattern_places(self, doc: Doc) -> list[_Candidate]:
        """``quartier de X``, ``village d'X``, ``rue X``, ``camp de X`` … typed by their cue noun."""
        out = []
        for tok in doc:
            cue = self.cue_classes.get(token_key(tok.text))
            if not cue:
                continue
            cls, keep_cue = cue["class"], cue.get("keep_cue", False)
            j = self._after_cue(doc, tok.i + 1)
            k = self._name_after(doc, j)
            if k > j and any(t.text[:1].isupper() for t in doc[j:k]):
                start = tok.i if keep_cue else j
                out.append(_Candidate(start, k, cls, "", 1))
        return out

    def _model_entities(self, doc: Doc) -> list[_Candidate]:
        out = []
        for ent in doc.ents:
            toks = [t for t in ent if token_key(t.text) not in self.articles or t.i > ent.start]
            if not toks:
                continue
            start, end = toks[0].i, ent.end
            span = doc[start:end]
            first = token_key(span[0].text)
            if any(token_key(t.text) in self.not_entities for t in span):
                continue
            appositive = self._appositive_class(doc, end)
            if appositive is not None and all(self._is_name_token(t) for t in span if not t.is_punct):
                out.append(_Candidate(start, end, appositive, "", 0))  # "Tell Ahmar, un village de …"
            elif ent.label_ == "PER":
                words = [t for t in span if t.is_alpha or "-" in t.text]
                if len(words) >= 2 and all(self._is_name_token(t) for t in span if not t.is_punct):
                    out.append(_Candidate(start, end, "Person", "", 0))
            elif ent.label_ == "ORG" or ent.label_ == "MISC":
                cls = self.org_heads.get(first)
                if cls and len(span) >= 2:
                    out.append(_Candidate(start, end, cls, "", 0))
            elif ent.label_ == "LOC":
                prev = doc[start - 1] if start > 0 else None
                prev2 = doc[start - 2] if start > 1 else None
                cue = None
                for p in (prev, prev2):
                    if p is not None and token_key(p.text) in self.cue_classes:
                        cue = self.cue_classes[token_key(p.text)]["class"]
                        break
                if not span[0].text[:1].isupper():
                    continue
                if cue:
                    out.append(_Candidate(start, end, cue, "", 0))
                elif find_place(span.text) is not None or (
                        prev is not None and token_key(prev.text) in self.locative_preps):
                    out.append(_Candidate(start, end, "City", "", 0))  # "à Tell Rifaat", a GeoNames town
        return out

    # -- writing -------------------------------------------------------------------------
    def set_annotations(self, doc: Doc, cands: list[_Candidate]) -> None:
        spans = [Span(doc, c.start, c.end, label=c.label, kb_id=c.kb_id) for c in
                 sorted(cands, key=lambda c: (-c.priority, c.start))]
        doc.ents = sorted(filter_spans(spans), key=lambda s: s.start)


@Language.factory("kg_entities", default_config={"data_dir": None})
def make_kg_entities(nlp: Language, name: str, data_dir: str | None) -> KgEntities:
    return KgEntities(nlp, name, data_dir)
