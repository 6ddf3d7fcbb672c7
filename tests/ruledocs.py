"""Hand-built parsed sentences for model-free rule tests (no statistical model involved).

Each line of a table is one token: ``word lemma POS head dep [entity] [morph]`` — ``head`` is
the 1-based index of the head (0 for the root), ``entity`` is ``Class:gazetteer-id`` (``:`` alone
for no id) with an optional ``*N`` for an entity of N tokens starting here, ``morph`` is a
Universal Dependencies feature string. Lines are separated by newlines; a blank line ends a
sentence. No space is put before ``, . ; : ) »`` or after ``' ( «``.

>>> doc = parse('''
... L'  le DET 2 det
... armée armée NOUN 3 nsubj StateForce:syrian-army
... a avoir AUX 4 aux:tense
... pris prendre VERB 0 ROOT - VerbForm=Part
... Alep Alep PROPN 4 obj City:aleppo
... . . PUNCT 4 punct
... ''')
>>> doc.text, [(e.text, e.label_, e.kb_id_) for e in doc.ents]
("L'armée a pris Alep.", [('armée', 'StateForce', 'syrian-army'), ('Alep', 'City', 'aleppo')])
"""

from __future__ import annotations

import spacy
from spacy.tokens import Doc, Span

from kg.extract import extract
from kg.ingest import article_from_text
from kg.schema.time import TimeValue

_NO_SPACE_BEFORE = {",", ".", ";", ":", ")", "»", "”", "!", "?"}
_NO_SPACE_AFTER = ("'", "’", "(", "«", "“")
_VOCAB = spacy.blank("fr").vocab


def parse(table: str) -> Doc:
    """A ``Doc`` with words, lemmas, POS, dependencies, sentences, entities and morphology as given."""
    rows, sent_starts = [], []
    new_sentence = True
    for line in table.strip("\n").split("\n"):
        if not line.strip():
            new_sentence = True
            continue
        rows.append(line.split())
        sent_starts.append(new_sentence)
        new_sentence = False
    words = [r[0] for r in rows]
    spaces = [
        i + 1 < len(words) and words[i + 1] not in _NO_SPACE_BEFORE and not words[i].endswith(_NO_SPACE_AFTER)
        for i in range(len(words))
    ]
    offset = 0
    heads, deps = [], []
    for i, r in enumerate(rows):
        if sent_starts[i]:
            offset = i
        head = int(r[3])
        heads.append(i if head == 0 else offset + head - 1)
        deps.append(r[4])
    doc = Doc(
        _VOCAB,
        words=words,
        spaces=spaces,
        lemmas=[r[1] for r in rows],
        pos=[r[2] for r in rows],
        heads=heads,
        deps=deps,
        sent_starts=sent_starts,
        morphs=[r[6] if len(r) > 6 else "" for r in rows],
    )
    ents = []
    for i, r in enumerate(rows):
        if len(r) > 5 and r[5] not in ("-", ""):
            tag, _, n = r[5].partition("*")
            label, _, kb = tag.partition(":")
            ents.append(Span(doc, i, i + int(n or 1), label=label, kb_id=kb))
    doc.ents = ents
    check_tree(doc)
    return doc


def extract_doc(doc: Doc, published: str | None = None):
    """Run extraction on a hand-built ``Doc`` (its rule components run first)."""
    pub = None
    if published:
        parts = [int(x) for x in published.split("-")]
        pub = TimeValue(*parts)
    article = article_from_text("t", doc.text, published=pub)
    return extract(doc, article)


def check_tree(doc: Doc) -> None:
    """Fail on a table whose heads make a sentence with other than one root (a numbering slip)."""
    for sent in doc.sents:
        roots = [t for t in sent if t.head.i == t.i]
        assert len(roots) == 1, f"{sent.text!r}: {len(roots)} roots ({[t.text for t in roots]}): check the head column"
