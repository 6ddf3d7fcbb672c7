"""The ``kg_modality`` component: is a cue a fact the text asserts?

For each cue of ``doc.spans["kg_triggers"]`` it walks up from the cue to the clause that
decides, and writes the cues that are not plain facts to ``doc.spans["kg_modality"]``, each
labelled ``irrealis`` (an intent, fear, future, condition, purpose or negation: "veulent prendre",
"pour bombarder", "n'ont pas pu obtenir de renforts"), ``conditional`` (reported but unconfirmed:
"l'armée aurait pris") or ``attempt`` ("tentent de prendre la ville": not a capture, but an
attack under way — the type record's ``attempt_type`` says what it becomes).

The walk, one step per token from the cue up to the sentence root; the first verdict wins:

1. above the cue, a reporting verb closes the clause ("a affirmé que …");
2. above the cue, a verb of attempt makes it an attempt; a verb of intent or fear, "afin",
   "pouvoir" without "avoir" ("pourrait prendre", but "a pu prendre" happened), "aller" +
   infinitive make it irrealis — unless the cue is that verb's subject ("l'offensive visait à
   prendre la ville": the offensive happened);
3. a condition mark ("si") or a purpose mark ("pour", "afin de") on an infinitive makes it
   irrealis;
4. on a verb, adjective or copula: a negation (reaching the subject only for weapon cues),
   the future, the conditional (a conditional participle is *conditional*, not irrealis),
   "aller" + infinitive; a finite verb decides (stop);
5. a complement clause ends the walk; so does a participle qualifying a noun ("un quartier
   assiégé depuis quatre mois").
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc, Span, SpanGroup, Token

from kg.lang.fr import Lexicon, event_patterns, lexicon
from kg.lang.patterns import needs_of
from kg.nlp.tokens import lemma_key
from kg.nlp.triggers import TRIGGERS
from kg.schema.text import key

__all__ = ["KgModality", "MODALITY", "IRREALIS", "CONDITIONAL", "ATTEMPT", "modality", "ancestors"]

MODALITY = "kg_modality"
IRREALIS = "irrealis"
CONDITIONAL = "conditional"
ATTEMPT = "attempt"
_STOP = "stop"
#: Cues whose subject a negation reaches ("l'aviation n'a pas bombardé"): weapon nouns.
_SUBJECT_NEGATED_NEEDS = "kg.needs.in_action.v1"


def ancestors(tok: Token, limit: int = 30) -> list[Token]:
    """The token and its heads up to the sentence root."""
    out = [tok]
    while out[-1].head.i != out[-1].i and len(out) < limit:
        out.append(out[-1].head)
    return out


def _governing(t: Token, lex: Lexicon, from_subject: bool) -> str | None:
    """Rules 1-2: what a verb above the cue says of it (nothing, for its own subject)."""
    lemma = lemma_key(t)
    if lemma in lex.set("report_verbs"):
        return _STOP
    if not from_subject:  # the subject of "vise à prendre" acts; what it aims at is not done
        if lemma in lex.set("attempt_verbs"):
            return ATTEMPT
        if lemma in lex.set("irrealis_verbs") or lemma in lex.set("purpose_heads"):
            return IRREALIS
    if lemma in lex.set("modal_verbs") and not any(
        c.dep_.startswith("aux") and lemma_key(c) in lex.set("perfect_auxiliaries") for c in t.children
    ):
        return IRREALIS
    if lemma in lex.set("near_future_verbs") and any(c.dep_ == "xcomp" for c in t.children):
        return IRREALIS
    return None


def _marks(t: Token, depth: int, is_noun: bool, lex: Lexicon) -> str | None:
    """Rule 3: condition, purpose and "sans" marks."""
    for c in t.children:
        ck = key(c.text)
        if c.dep_ == "mark" and ck in lex.set("condition_marks"):
            return IRREALIS
        if c.dep_ in ("mark", "case") and ck in lex.set("without_marks") and t.morph.get("VerbForm") == ["Inf"]:
            return IRREALIS  # "ils se sont repliés sans combattre": no fight
        if c.dep_ in ("mark", "case") and ck in lex.set("purpose_marks") and (
            t.morph.get("VerbForm") == ["Inf"] or (depth == 0 and is_noun and t.head.pos_ == "ADJ")
        ):
            return IRREALIS  # "pour bombarder", "afin de reprendre", "prête pour la bataille"
    return None


def _negated(t: Token, lex: Lexicon) -> bool:
    children = list(t.children)
    if any(key(c.text) in lex.set("negation_words") and c.dep_ in ("advmod", "obj", "det", "nsubj") for c in children):
        return True
    # "ni l'aviation russe ni … n'ont mené"
    return any(key(c.text) in lex.set("negation_particles") for c in children) and any(
        key(x.text) in lex.set("negation_coordinators") for x in t.subtree
    )


def _predicate(t: Token, negatable: bool, lex: Lexicon) -> str | None:
    """Rule 4: negation, tense and mood of a verb, adjective or copula on the way up."""
    children = list(t.children)
    if not (t.pos_ in ("VERB", "AUX", "ADJ") or any(c.dep_ == "cop" for c in children)):
        return None
    if negatable and _negated(t, lex):
        return IRREALIS
    own = [t] + [c for c in children if c.dep_.startswith("aux") or c.dep_ == "cop"]
    if any("Fut" in x.morph.get("Tense") for x in own):
        return IRREALIS
    if any("Cnd" in x.morph.get("Mood") for x in own):
        return CONDITIONAL if t.morph.get("VerbForm") == ["Part"] else IRREALIS
    if t.morph.get("VerbForm") == ["Inf"] and any(
        lemma_key(c) in lex.set("near_future_verbs") and c.dep_.startswith("aux") for c in children
    ):
        return IRREALIS
    if t.morph.get("VerbForm") == ["Fin"] or any(c.morph.get("VerbForm") == ["Fin"] for c in own[1:]):
        return _STOP
    return None


def modality(head: Token, needs: tuple[str, ...] = (), lex: Lexicon | None = None) -> str | None:
    """``"irrealis"``, ``"conditional"``, ``"attempt"`` or None (a fact) for a cue whose first token is ``head``."""
    lex = lex or lexicon()
    is_noun = head.pos_ not in ("VERB", "AUX", "ADJ")
    negatable = True  # a governing verb's negation reaches its objects, not its subject
    chain = ancestors(head)
    attempt = None  # an attempt is what it is only if nothing above makes the attempt itself unreal
    for depth, t in enumerate(chain):
        from_subject = depth > 0 and chain[depth - 1].dep_ in ("nsubj", "nsubj:pass")
        verdict = _governing(t, lex, from_subject) if depth > 0 else None
        if verdict == ATTEMPT:
            attempt, verdict = ATTEMPT, None
        verdict = verdict or _marks(t, depth, is_noun, lex) or _predicate(t, negatable, lex)
        if verdict == _STOP:
            return attempt
        if verdict is not None:
            return verdict
        if t.dep_ in ("ccomp", "parataxis"):
            return attempt
        if depth == 0 and t.dep_ in ("acl", "acl:relcl", "amod") and t.pos_ in ("VERB", "ADJ") and (
            t.morph.get("VerbForm") != ["Inf"]
        ):
            # "un quartier assiégé depuis quatre mois": a participle is its own clause; an infinitive
            # hung on a noun ("a sommé les forces de se retirer") is read up to what governs it
            return attempt
        if t.dep_ in ("nsubj", "nsubj:pass") and _SUBJECT_NEGATED_NEEDS not in needs:
            negatable = False
    return attempt


class KgModality:
    """Label the cues of ``doc.spans["kg_triggers"]`` that are not asserted facts."""

    def __init__(self, nlp: Language, name: str = "kg_modality"):
        self.name = name
        self.lex = lexicon()
        self.needs = {rec["id"]: needs_of(rec) for rec in event_patterns() if "pattern" in rec}

    def __call__(self, doc: Doc) -> Doc:
        out = []
        for s in doc.spans.get(TRIGGERS, []):
            verdict = modality(s[0], self.needs.get(s.id_, ()), self.lex)
            if verdict is not None:
                out.append(Span(doc, s.start, s.end, label=verdict, span_id=s.id_))
        doc.spans[MODALITY] = SpanGroup(doc, name=MODALITY, spans=out)
        return doc


@Language.factory("kg_modality")
def make_kg_modality(nlp: Language, name: str) -> KgModality:
    return KgModality(nlp, name)
