"""The ``kg_triggers`` component: event cues found by spaCy's ``Matcher`` from data patterns.

Each record of ``kg/lang/fr/patterns/events.jsonl`` is a ``Matcher`` pattern labelled with an
ontology event type, optionally with a condition (``"needs"``, a function of
:mod:`kg.nlp.conditions`). Words in patterns are written as French is written and compared by
their key (the one compile step: ``kg_forms`` values go through :func:`kg.schema.text.key`).

The patterns of the usual shapes — one word, or a sequence of words with optional tags — are
matched by looking the token's forms up in an index (what spaCy's ``Matcher`` finds, without one
predicate call per pattern and token: it made the component three quarters of a build's parse);
any other shape goes to the ``Matcher``.

Per sentence, ``match`` finds the cues and ``set_annotations`` writes them:

- ``doc.spans["kg_triggers"]`` — the cues whose condition holds, each a span labelled with its
  event type, ``span.id_`` = the pattern's id;
- ``doc.spans["kg_trigger_candidates"]`` — the same search with every condition ignored (what a
  denial may deny: "a démenti l'entrée des rebelles").

How cues are chosen in a sentence: multi-word patterns first (the longest whose condition holds
at its first word, at each position, then file order); then each content word not yet used takes the first one-word pattern (in file
order) matched by its lemma, else by its own form, else by its gerund's infinitive or the
infinitive of a present the lemmatizer left unreduced ("tombe"), whose condition holds. A later
noun of a type already found, under a definite or demonstrative determiner, names the same
event and is dropped ("lors de l'avancée"); bombardments in a sentence about aircraft are
airstrikes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, partial
from typing import Any

from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc, Span, SpanGroup

from kg.lang.fr import PATTERNS_DIR, LanguageDataError, Lexicon, event_patterns, lexicon
from kg.lang.patterns import check_event_records, needs_of
from kg.nlp.conditions import CONDITION_PREFIX, CueContext, condition
from kg.nlp.lookup import sentences
from kg.nlp.tokens import forms_of, keys_of, register_extensions
from kg.schema.taxonomy import EVENT_TYPES
from kg.schema.text import key

__all__ = ["KgTriggers", "TRIGGERS", "CANDIDATES", "compile_pattern", "CLOSED_POS", "registered_conditions"]

TRIGGERS = "kg_triggers"
CANDIDATES = "kg_trigger_candidates"
#: Universal POS tags that are never a one-word cue.
CLOSED_POS = ("DET", "ADP", "PRON", "PUNCT", "CCONJ", "SCONJ")


def compile_pattern(pattern: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A data pattern as the ``Matcher`` takes it: ``kg_forms`` words keyed; one-word cues content words.

    >>> compile_pattern([{"_": {"kg_forms": {"INTERSECTS": ["Trêve"]}}}])
    [{'_': {'kg_forms': {'INTERSECTS': ['treve']}}, 'POS': {'NOT_IN': ['DET', 'ADP', 'PRON', 'PUNCT', 'CCONJ', 'SCONJ']}}]
    """
    out = []
    for spec in pattern:
        spec = dict(spec)
        ext = spec.get("_")
        if ext and "kg_forms" in ext:
            forms = ext["kg_forms"]
            spec["_"] = {**ext, "kg_forms": {op: [key(w) for w in words] for op, words in forms.items()}}
        out.append(spec)
    if len(out) == 1 and "POS" not in out[0]:
        out[0]["POS"] = {"NOT_IN": list(CLOSED_POS)}
    return out


#: one step of a word sequence: ("forms", keyed words, optional) or ("pos", tags, optional)
_Step = tuple[str, frozenset[str], bool]


def _plan(compiled: list[dict[str, Any]]) -> tuple[str, tuple[_Step, ...]]:
    """How a pattern as :func:`compile_pattern` makes it is matched: ``("word", (step,))`` for one
    content word (looked up by the token's forms), ``("sequence", steps)`` for words and optional
    tags kg walks itself (the first step a required word), ``("matcher", ())`` for any other shape,
    left to spaCy's ``Matcher``."""
    steps: list[_Step] = []
    for spec in compiled:
        optional = spec.get("OP") == "?"
        rest = {k: v for k, v in spec.items() if k != "OP"}
        if set(spec.get("OP", "?")) != {"?"}:
            return "matcher", ()
        words = rest.get("_", {}).get("kg_forms", {}) if set(rest.get("_", {})) == {"kg_forms"} else {}
        if set(rest) == {"_"} and set(words) == {"INTERSECTS"}:
            steps.append(("forms", frozenset(words["INTERSECTS"]), optional))
        elif set(rest) == {"POS"} and isinstance(rest["POS"], dict) and set(rest["POS"]) == {"IN"}:
            steps.append(("pos", frozenset(rest["POS"]["IN"]), optional))
        elif (len(compiled) == 1 and set(rest) == {"_", "POS"} and set(words) == {"INTERSECTS"}
              and rest["POS"] == {"NOT_IN": list(CLOSED_POS)} and not optional):
            return "word", (("forms", frozenset(words["INTERSECTS"]), False),)
        else:
            return "matcher", ()
    if len(steps) < 2 or steps[0][0] != "forms" or steps[0][2]:
        return "matcher", ()
    return "sequence", tuple(steps)


def _ends(doc: Doc, i: int, steps: tuple[_Step, ...]) -> set[int]:
    """Where ``steps`` can end when they start at token ``i`` (every way through the optional ones)."""
    if not steps:
        return {i}
    kind, values, optional = steps[0]
    out = _ends(doc, i, steps[1:]) if optional else set()
    if i < len(doc):
        tok = doc[i]
        if (kind == "forms" and not values.isdisjoint(forms_of(tok))) or (kind == "pos" and tok.pos_ in values):
            out |= _ends(doc, i + 1, steps[1:])
    return out


@dataclass(frozen=True)
class _Pattern:
    index: int
    id: str
    label: str
    length: int
    words: frozenset[str]  # the keyed words of a one-word pattern
    needs: tuple[str, ...]  # condition names, all of which must hold


class KgTriggers:
    """Find event cues with a ``Matcher`` over the data patterns; write them to ``doc.spans``."""

    def __init__(self, nlp: Language, name: str = "kg_triggers"):
        register_extensions()
        self.name = name
        self.lex: Lexicon = lexicon()
        self.matcher = Matcher(nlp.vocab)
        self.patterns: list[_Pattern] = []
        self.by_word: dict[str, list[_Pattern]] = {}  # the one-word patterns, by keyed word
        self.by_first: dict[str, list[tuple[_Pattern, tuple[_Step, ...]]]] = {}  # word sequences, by first word
        problems = check_event_records(event_patterns(), event_types=EVENT_TYPES, conditions=registered_conditions())
        if problems:
            raise LanguageDataError(f"{PATTERNS_DIR / 'events.jsonl'}: " + "; ".join(problems[:5]))
        for rec in event_patterns():
            if "pattern" not in rec:
                continue  # type records (kg.extract.types) share the file
            compiled = compile_pattern(rec["pattern"])
            words = frozenset(compiled[0]["_"]["kg_forms"]["INTERSECTS"]) if len(compiled) == 1 else frozenset()
            p = _Pattern(len(self.patterns), rec["id"], rec["label"], len(compiled), words, needs_of(rec))
            self.patterns.append(p)
            how, steps = _plan(compiled)
            if how == "word":
                for w in words:  # looked up by the token's forms: one dict look-up instead of a predicate each
                    self.by_word.setdefault(w, []).append(p)
            elif how == "sequence":
                for w in steps[0][1]:  # a word sequence, tried where its first word is
                    self.by_first.setdefault(w, []).append((p, steps))
            else:
                self.matcher.add(str(p.index), [compiled])
        one_word = frozenset(w for p in self.patterns if p.length == 1 for w in p.words)
        self.context = CueContext(self.lex, one_word)
        self.conditions = {name: condition(name) for p in self.patterns for name in p.needs}
        # "aerial_type" of the type records: cues that become another type in a sentence about aircraft
        self.aerial = {
            rec["type"]: (rec["aerial_type"], frozenset(key(w) for w in rec.get("aerial_lemmas", ())))
            for rec in event_patterns()
            if "type" in rec and rec.get("aerial_type")
        }
        self.chemical = {rec["type"]: rec["chemical_type"] for rec in event_patterns() if rec.get("chemical_type")}

    def __call__(self, doc: Doc) -> Doc:
        found, candidates = self.match(doc)
        self.set_annotations(doc, found, candidates)
        return doc

    # -- finding -------------------------------------------------------------------------
    def match(self, doc: Doc) -> tuple[list[Span], list[Span]]:
        """(cues whose condition holds, cues with conditions ignored), sentence by sentence."""
        sent_of = _sentence_starts(doc)
        by_start, singles = self.matches(doc)
        by_start = {i: [(p, e) for p, e in ms if sent_of[i] == sent_of[e - 1]] for i, ms in by_start.items()}
        by_start = {i: ms for i, ms in by_start.items() if ms}
        found: list[Span] = []
        candidates: list[Span] = []
        for sent in sentences(doc):
            aircraft = cache(partial(self._about_aircraft, sent))  # asked at most once for both searches
            found += self._sentence(doc, sent, by_start, singles, aircraft, ignore_needs=False)
            candidates += self._sentence(doc, sent, by_start, singles, aircraft, ignore_needs=True)
        return found, candidates

    def matches(self, doc: Doc) -> tuple[dict[int, list[tuple[_Pattern, int]]], dict[int, list[_Pattern]]]:
        """Every pattern match, as spaCy's ``Matcher`` gives them: (multi-word matches by start, as
        (pattern, end); one-word matches by token)."""
        by_start: dict[int, list[tuple[_Pattern, int]]] = {}
        singles: dict[int, list[_Pattern]] = {}
        for match_id, start, end in self.matcher(doc) if len(self.matcher) else ():
            p = self.patterns[int(doc.vocab.strings[match_id])]
            if p.length == 1:
                singles.setdefault(start, []).append(p)
            else:
                by_start.setdefault(start, []).append((p, end))
        for tok in doc:  # what the Matcher would find for the one-word patterns and the word sequences
            forms = forms_of(tok)
            seqs = {p.index: (p, seq) for form in forms for p, seq in self.by_first.get(form, ())}
            for p, seq in seqs.values():
                by_start.setdefault(tok.i, []).extend((p, end) for end in sorted(_ends(doc, tok.i + 1, seq[1:])))
            if tok.pos_ in CLOSED_POS:
                continue
            hits = {p.index: p for form in forms for p in self.by_word.get(form, ())}
            if hits:
                singles.setdefault(tok.i, []).extend(hits.values())
        return {i: ms for i, ms in by_start.items() if ms}, singles

    def _sentence(self, doc, sent, by_start, singles, aircraft, *, ignore_needs: bool) -> list[Span]:
        out: list[Span] = []
        used: set[int] = set()
        for i in range(sent.start, sent.end):
            if i in used or i not in by_start:
                continue
            held = [m for m in by_start[i] if ignore_needs or self._holds(m[0], doc[i])]
            if not held:  # "un avion de combat abattu": a thing named, and its words are no cues either
                used.update(range(i, max(end for _p, end in by_start[i])))
                continue
            p, end = min(held, key=lambda m: (-(m[1] - i), m[0].index))  # the longest, then file order
            out.append(Span(doc, i, end, label=p.label, span_id=p.id))
            used.update(range(i, end))
        for i in range(sent.start, sent.end):
            if i in used or i not in singles:
                continue
            for p in self._by_precedence(doc[i], singles[i]):
                if ignore_needs or self._holds(p, doc[i]):
                    out.append(Span(doc, i, i + 1, label=p.label, span_id=p.id))
                    used.add(i)
                    break
        return self._chemical(self._aerial(self._same_event_nouns(sorted(out, key=lambda s: s.start)), aircraft))

    def _holds(self, p: _Pattern, tok) -> bool:
        """The pattern's conditions hold at its first token."""
        return all(self.conditions[n](tok, self.context) for n in p.needs)

    @staticmethod
    def _by_precedence(tok, patterns: list[_Pattern]) -> list[_Pattern]:
        """The one-word patterns matched by the token's lemma, else by its form, else by its gerund's
        or its unreduced present's infinitive."""
        for form in forms_of(tok):  # in that order
            chosen = [p for p in patterns if form in p.words]
            if chosen:
                return sorted(chosen, key=lambda p: p.index)
        return []

    def _same_event_nouns(self, spans: list[Span]) -> list[Span]:
        """Drop a later noun of a type already found under a definite determiner ("lors de l'avancée")."""
        definite = self.lex.set("definite_determiners")
        kept: list[Span] = []
        for s in spans:
            head = s[0]
            if any(k.label_ == s.label_ for k in kept) and head.pos_ != "VERB" and any(
                key(c.text) in definite for c in head.children
            ):
                continue
            kept.append(s)
        return kept

    def _about_aircraft(self, sent: Span) -> bool:
        """The sentence names aircraft (a word of the lexicon's ``aerial_words``)."""
        aerial = self.lex.set("aerial_words")
        return any(k in aerial for t in sent for k in keys_of(t.text, t.lemma_))

    def _aerial(self, spans: list[Span], aircraft: Callable[[], bool]) -> list[Span]:
        """Bombardments in a sentence about aircraft (``aircraft()``) are airstrikes."""
        if not any(s.label_ in self.aerial for s in spans) or not aircraft():  # nothing to retype: no need to ask
            return spans
        out = []
        for s in spans:
            to, lemmas = self.aerial.get(s.label_, (None, frozenset()))
            if to is not None and keys_of(s[0].text, s[0].lemma_)[0] in lemmas:
                s = Span(s.doc, s.start, s.end, label=to, span_id=s.id_)
            out.append(s)
        return out

    def _chemical(self, spans: list[Span]) -> list[Span]:
        """A projectile or bombing whose phrase names a chemical is a chemical attack ("des roquettes
        chargées de sarin", "un bombardement au gaz")."""
        if not self.chemical:
            return spans
        words = self.lex.set("chemical_words")
        out = []
        for s in spans:
            to = self.chemical.get(s.label_)
            if to is not None and any(k in words for t in s[0].subtree for k in keys_of(t.text, t.lemma_)):
                s = Span(s.doc, s.start, s.end, label=to, span_id=s.id_)
            out.append(s)
        return out

    # -- writing -------------------------------------------------------------------------
    def set_annotations(self, doc: Doc, found: list[Span], candidates: list[Span]) -> None:
        doc.spans[TRIGGERS] = SpanGroup(doc, name=TRIGGERS, spans=found)
        doc.spans[CANDIDATES] = SpanGroup(doc, name=CANDIDATES, spans=candidates)


def registered_conditions() -> set[str]:
    """Names of the conditions registered in spaCy's ``registry.misc`` (``kg.needs.*``)."""
    from spacy.util import registry

    return {name for name in registry.misc.get_all() if name.startswith(CONDITION_PREFIX)}


def _sentence_starts(doc: Doc) -> list[int]:
    """Token index -> index of its sentence."""
    out = [0] * len(doc)
    for si, sent in enumerate(sentences(doc)):
        for i in range(sent.start, sent.end):
            out[i] = si
    return out


@Language.factory("kg_triggers")
def make_kg_triggers(nlp: Language, name: str) -> KgTriggers:
    return KgTriggers(nlp, name)
