"""The language data is checked: pattern files against their schema, lexicon names against the code
that reads them, and no French word written in the Python code outside ``kg/lang``."""

from __future__ import annotations

import ast
import json
import re
from dataclasses import fields
from pathlib import Path

import pytest

from kg.lang.fr import LANG_DIR, event_patterns, lexicon
from kg.lang.patterns import PATTERN_FIELDS, TYPE_FIELDS, TypeRules, check_event_records
from kg.nlp.triggers import compile_pattern, registered_conditions
from kg.schema.taxonomy import EVENT_TYPES
from kg.schema.text import key

KG = Path(__file__).resolve().parents[1] / "kg"


def _check(records):
    return check_event_records(records, event_types=EVENT_TYPES, conditions=registered_conditions())


def _python_sources(exclude: tuple[str, ...] = ()) -> dict[Path, str]:
    return {
        p: p.read_text(encoding="utf-8")
        for p in sorted(KG.rglob("*.py"))
        if not any(part in exclude for part in p.relative_to(KG).parts)
    }


# ---------------------------------------------------------------------------------------------- patterns

def test_lang_data_event_patterns_pass_their_schema():
    assert _check(event_patterns()) == []


def test_lang_data_every_pattern_compiles_for_the_matcher():
    import spacy
    from spacy.matcher import Matcher

    matcher = Matcher(spacy.blank("fr").vocab)
    for rec in event_patterns():
        if "pattern" in rec:
            matcher.add(rec["id"], [compile_pattern(rec["pattern"])])  # raises on a malformed spec
    assert len(matcher) == sum("pattern" in r for r in event_patterns())


def test_lang_data_every_event_type_has_cues_and_a_type_record():
    labels = {r["label"] for r in event_patterns() if "pattern" in r}
    typed = {r["type"] for r in event_patterns() if "type" in r}
    assert set(EVENT_TYPES) - {"CasualtyReport"} <= labels  # CasualtyReport comes from tolls, not cues
    assert set(EVENT_TYPES) - {"CasualtyReport"} <= typed


GOOD = {"id": "Siege/blocus-x", "label": "Siege", "pattern": [{"_": {"kg_forms": {"INTERSECTS": ["blocus"]}}}]}


@pytest.mark.parametrize(
    ("record", "problem"),
    [
        ({**GOOD, "lable": "Siege"}, "unknown field 'lable'"),
        ({**GOOD, "label": "Sieeg"}, "unknown event type 'Sieeg'"),
        ({**GOOD, "needs": "kg.needs.place_args.v1"}, "unregistered condition 'kg.needs.place_args.v1'"),
        ({k: v for k, v in GOOD.items() if k != "pattern"}, "missing field 'pattern'"),
        ({**GOOD, "pattern": []}, "non-empty list"),
        ({"type": "Siege", "toll_cuase": True}, "unknown field 'toll_cuase'"),
        ({"type": "Siege", "toll_cause": "yes"}, "field 'toll_cause' must be bool"),
        ({"type": "Siege", "on_civilians": "Massacre"}, "unknown event type 'Massacre'"),
    ],
)
def test_lang_data_schema_rejects(record, problem):
    problems = _check([record])
    assert len(problems) == 1 and problem in problems[0], problems


def test_lang_data_schema_rejects_duplicate_ids():
    assert any("duplicate id" in p for p in _check([GOOD, GOOD]))


def test_lang_data_the_trigger_component_refuses_a_bad_file(monkeypatch):
    import spacy

    from kg.lang.fr import LanguageDataError
    from kg.nlp import triggers

    monkeypatch.setattr(triggers, "event_patterns", lambda: ({**GOOD, "label": "Sieeg"},))
    with pytest.raises(LanguageDataError, match="unknown event type 'Sieeg'"):
        triggers.KgTriggers(spacy.blank("fr"))


@pytest.mark.parametrize("field", [f.name for f in fields(TypeRules) if f.name != "type"] + ["needs", "pattern", "label"])
def test_lang_data_every_schema_field_is_read_by_the_code(field):
    """An unused field is as wrong as an unknown one: something reads each field of the schema."""
    assert field in TYPE_FIELDS or field in PATTERN_FIELDS
    readers = [p for p, src in _python_sources(exclude=("patterns.py",)).items()
               if re.search(rf"(\.{field}\b|\[\"{field}\"\]|get\(\"{field}\")", src)]
    assert readers, f"no code reads the pattern-file field {field!r}: drop it from the schema"


# ---------------------------------------------------------------------------------------------- lexicon

_READERS = re.compile(r"\.(?:set|phrases|word|map|table)\(\s*\"([a-z_]+)\"\s*\)|raw\[\"([a-z_]+)\"\]")


def _lexicon_names_read() -> set[str]:
    return {a or b for src in _python_sources().values() for a, b in _READERS.findall(src)}


def test_lang_data_every_lexicon_list_is_read_by_the_code():
    unused = set(lexicon().raw) - {"_about"} - _lexicon_names_read()
    assert not unused, f"lexicon.json lists nobody reads: {sorted(unused)}"


def test_lang_data_every_lexicon_name_the_code_reads_exists():
    missing = _lexicon_names_read() - set(lexicon().raw)
    assert not missing, f"the code reads lexicon lists that lexicon.json lacks: {sorted(missing)}"


# ---------------------------------------------------------------------------------------------- no French in code

#: Identifiers of the code that happen to be French words too (spaCy labels, span labels, JSON fields).
_TECHNICAL = {"aux", "source", "zone", "population", "en", "fr", "a", "type", "date", "place", "label", "port", "agent", "camp", "qualifier"}
#: Modules whose French strings are user-interface text, not rules (the page and plots speak French).
_UI_MODULES = ("view", "plot.py")
_ACCENTED = re.compile(r"[àâçéèêëîïôûùüÿœæ]", re.IGNORECASE)


def _french_words() -> set[str]:
    words: set[str] = set()
    for path in (LANG_DIR / "lexicon.json", LANG_DIR / "entities.json"):
        data = json.loads(path.read_text(encoding="utf-8"))
        for name, value in data.items():
            if name.startswith(("english", "_", "arabic", "transliteration", "hyphenated", "name_particles")):
                continue  # English words, and the romanisation of Arabic names, are not French rule words
            items = value if isinstance(value, list) else list(value) if isinstance(value, dict) else []
            words |= {key(w) for w in items if isinstance(w, str)}
    return {w for w in words if len(w) > 1 and re.fullmatch(r"[a-z' -]+", w)}


def _string_literals(src: str):
    tree = ast.parse(src)
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            yield node.lineno, node.value


def test_lang_data_no_french_word_literal_outside_the_language_folder():
    words = _french_words() - _TECHNICAL
    offenders = []
    for path, src in _python_sources(exclude=("lang", "namespace", *_UI_MODULES)).items():
        if path.name in ("text.py", "_taxonomy.py"):  # the normaliser's own accent tables; generated names
            continue
        for line, value in _string_literals(src):
            bare = re.sub(r"[A-Z]-[A-Z]|À-Ý|à-ÿ", "", value)  # regex character ranges are not words
            lower_word = value == value.lower() and key(value).strip() in words  # "Region" is a class name
            if lower_word or _ACCENTED.search(bare):
                offenders.append(f"{path.relative_to(KG.parent)}:{line}: {value!r}")
    assert not offenders, "French words belong in kg/lang/fr:\n" + "\n".join(offenders)


def test_lang_data_the_literal_check_catches_a_french_word(tmp_path):
    src = 'WORDS = ("selon", "x")\n'
    assert any(key(v) in _french_words() for _, v in _string_literals(src))


def test_lang_data_the_extraction_cache_key_covers_every_module_extraction_imports():
    """A change to any module extraction runs must start a new cache version (kg.pipeline.incremental)."""
    import subprocess
    import sys

    from kg.pipeline.incremental import _source_files

    code = ("import sys, kg.extract, kg.nlp, kg.nlp.segment, kg.ingest; "
            "print('\\n'.join(sorted(m.__file__ for n, m in sys.modules.items() "
            "if n.startswith('kg.') and getattr(m, '__file__', None))))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    covered = {str(p) for p in _source_files()}
    missing = [m for m in loaded if m not in covered]
    assert not missing, f"extraction imports modules the cache key ignores: {missing}"
