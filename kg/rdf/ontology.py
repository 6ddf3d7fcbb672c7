"""The conflict ontology, its SHACL shapes and the generated ``CKG`` namespace class.

``ontology/ckg.ttl`` defines the terms, ``ontology/shapes.ttl`` says what a built graph
must contain, and ``kg/namespace/_CKG.py`` is generated from the ontology so that code
names terms as ``CKG.Airstrike`` (a misspelt term fails at import time).

``kg/schema/_taxonomy.py`` is generated from it too: the event types, their families and
ACLED/PLOVER alignments, and the actor and place classes, as plain Python data that the
extraction, resolution and export code reads (none of which imports rdflib).

Regenerate both after editing the ontology::

    python -m kg.rdf.ontology          # rewrite kg/namespace/_CKG.py and kg/schema/_taxonomy.py
    python -m kg.rdf.ontology --check  # exit 1 if either is out of date
"""

from __future__ import annotations

import argparse
import keyword
import sys
from pathlib import Path

import pyshacl
from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS

__all__ = [
    "CKG_NS",
    "NAMESPACE_PATH",
    "ONTOLOGY_DIR",
    "ONTOLOGY_PATH",
    "SHAPES_PATH",
    "generate_namespace",
    "load_ontology",
    "load_shapes",
    "render_namespace",
    "render_taxonomy",
    "TAXONOMY_PATH",
    "validate",
]

CKG_NS = "https://w3id.org/conflict-kg/ontology#"
ONTOLOGY_DIR = Path(__file__).resolve().parents[2] / "ontology"
ONTOLOGY_PATH = ONTOLOGY_DIR / "ckg.ttl"
SHAPES_PATH = ONTOLOGY_DIR / "shapes.ttl"
NAMESPACE_PATH = Path(__file__).resolve().parents[1] / "namespace" / "_CKG.py"
TAXONOMY_PATH = Path(__file__).resolve().parents[1] / "schema" / "_taxonomy.py"

# Sections of the generated class, in order: the first matching rdf:type wins.
_SECTIONS: tuple[tuple[URIRef, str], ...] = (
    (OWL.Class, "Classes"),
    (OWL.ObjectProperty, "Object properties"),
    (OWL.DatatypeProperty, "Datatype properties"),
    (OWL.AnnotationProperty, "Annotation properties"),
    (OWL.NamedIndividual, "Individuals"),
)


def load_ontology() -> Graph:
    """Read the conflict ontology shipped in ``ontology/ckg.ttl``.

    Returns
    -------
    rdflib.Graph
        The ontology's triples.
    """
    return Graph().parse(ONTOLOGY_PATH, format="turtle")


def load_shapes() -> Graph:
    """Read the SHACL shapes shipped in ``ontology/shapes.ttl``.

    Returns
    -------
    rdflib.Graph
        The shapes graph.
    """
    return Graph().parse(SHAPES_PATH, format="turtle")


#: how pyshacl checks a built graph: no inference, every result, infos allowed, warnings not
#: (:func:`validate`; :mod:`kg.rdf.shacl` gives its ``Validator`` the same)
SHACL_OPTIONS = {"inference": "none", "abort_on_first": False, "allow_infos": True, "allow_warnings": False,
                 "advanced": False}


def validate(graph: Graph) -> tuple[bool, str]:
    """Check a built graph against the SHACL shapes.

    The shapes target the concrete classes, so neither the ontology nor inference is
    needed; this runs ``pyshacl.validate(graph, shacl_graph=load_shapes(),
    ont_graph=None, inference="none", abort_on_first=False, allow_infos=True,
    allow_warnings=False, advanced=False, meta_shacl=False)``, which leaves ``graph``
    untouched.

    Parameters
    ----------
    graph : rdflib.Graph
        The data graph (ontology excluded), e.g. the union of a build's named graphs.

    Returns
    -------
    tuple of (bool, str)
        Whether the graph conforms, and pyshacl's report text.
    """
    conforms, _results_graph, results_text = pyshacl.validate(
        graph, shacl_graph=load_shapes(), ont_graph=None, meta_shacl=False, **SHACL_OPTIONS)
    return bool(conforms), str(results_text)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _english_comment(ontology: Graph, term: URIRef) -> str:
    comments = sorted(
        str(c) for c in ontology.objects(term, RDFS.comment) if isinstance(c, Literal) and c.language == "en"
    )
    return _one_line(comments[0]) if comments else ""


def _section(ontology: Graph, term: URIRef) -> int:
    types = set(ontology.objects(term, RDF.type))
    for index, (rdf_type, _title) in enumerate(_SECTIONS):
        if rdf_type in types:
            return index
    return len(_SECTIONS)


def render_namespace(ontology: Graph) -> str:
    """Render the Python source of the ``CKG`` DefinedNamespace for an ontology.

    Every subject in the ``ckg:`` namespace becomes one annotated name, grouped by kind
    (classes, object, datatype and annotation properties, individuals) and sorted by
    name within each group, with its English ``rdfs:comment`` as a trailing comment.

    Parameters
    ----------
    ontology : rdflib.Graph
        The parsed ``ontology/ckg.ttl``.

    Returns
    -------
    str
        The module source; the same ontology always gives the same text.

    Raises
    ------
    ValueError
        If a term's local name is not a usable Python identifier.
    """
    names: dict[int, list[tuple[str, str]]] = {}
    for term in {s for s in ontology.subjects() if isinstance(s, URIRef)}:
        if not str(term).startswith(CKG_NS):
            continue
        name = str(term)[len(CKG_NS) :]
        if not name.isidentifier() or keyword.iskeyword(name) or name.startswith("_"):
            raise ValueError(f"{ONTOLOGY_PATH}: ckg term {name!r} is not a Python identifier; rename it")
        section = _section(ontology, term)
        names.setdefault(section, []).append((name, _english_comment(ontology, term)))

    lines = [
        '"""The conflict ontology (ckg) as an rdflib DefinedNamespace.',
        "",
        "Generated from ontology/ckg.ttl by kg.rdf.ontology: do not edit by hand.",
        "Regenerate with `python -m kg.rdf.ontology` after changing the ontology.",
        '"""',
        "",
        "from rdflib.namespace import DefinedNamespace, Namespace",
        "from rdflib.term import URIRef",
        "",
        "",
        "class CKG(DefinedNamespace):",
        '    """Terms of https://w3id.org/conflict-kg/ontology#."""',
        "",
        "    _fail = True",
        "",
        "    # One line per term with its English rdfs:comment; kept as generated.",
        "    # fmt: off",
    ]
    titles = [title for _type, title in _SECTIONS] + ["Other terms"]
    for section in sorted(names):
        lines += ["", f"    # {titles[section]}"]
        for name, comment in sorted(names[section]):
            line = f"    {name}: URIRef"
            lines.append(f"{line}  # {comment}" if comment else line)
    lines += ["    # fmt: on", "", f'    _NS = Namespace("{CKG_NS}")', ""]
    return "\n".join(lines)


def _disjoint_lists(ontology: Graph) -> list[list[str]]:
    """The ``owl:AllDisjointClasses`` member lists of the ontology, as local names in order."""
    out = []
    for node in ontology.subjects(RDF.type, OWL.AllDisjointClasses):
        head = ontology.value(node, OWL.members)
        if head is not None:
            out.append([str(t)[len(CKG_NS) :] for t in Collection(ontology, head)])
    return sorted(out)


def _ckg(name: str) -> URIRef:
    return URIRef(CKG_NS + name)


def _subclasses(ontology: Graph, parent: str) -> set[str]:
    return {str(s)[len(CKG_NS) :] for s in ontology.subjects(RDFS.subClassOf, _ckg(parent))}


def _ordered_list(lists: list[list[str]], members: set[str], what: str) -> list[str]:
    """The disjointness list that holds exactly ``members`` (its order is the taxonomy's order)."""
    for names in lists:
        if set(names) == members:
            return names
    raise ValueError(f"{ONTOLOGY_PATH}: no owl:AllDisjointClasses lists exactly the {what} {sorted(members)}")


def _literal(ontology: Graph, name: str, prop: str) -> str | None:
    value = ontology.value(_ckg(name), _ckg(prop))
    return str(value) if value is not None else None


def render_taxonomy(ontology: Graph) -> str:
    """Render the Python source of ``kg/schema/_taxonomy.py`` for an ontology.

    The order of every tuple is the order of the ontology's ``owl:AllDisjointClasses``
    lists (actor classes, place classes from the largest to the smallest, families, and the
    types of each family), so the same ontology always gives the same text.

    Raises
    ------
    ValueError
        If a group of classes has no disjointness list giving its order.
    """
    lists = _disjoint_lists(ontology)
    actors = _ordered_list(lists, _subclasses(ontology, "Actor"), "actor classes")
    places = _ordered_list(lists, _subclasses(ontology, "Place"), "place classes")
    families = _ordered_list(lists, _subclasses(ontology, "Event"), "event families")
    family_of: dict[str, str] = {}
    for family in families:
        members = _subclasses(ontology, family)
        for t in _ordered_list(lists, members, f"types of {family}") if members else [family]:
            family_of[t] = family
    acled_type = {f: _literal(ontology, f, "acledEventType") for f in families}
    rows = [
        '"""The event taxonomy and entity classes of the conflict ontology, as plain data.',
        "",
        "Generated from ontology/ckg.ttl by kg.rdf.ontology: do not edit by hand.",
        "Regenerate with `python -m kg.rdf.ontology` after changing the ontology.",
        '"""',
        "",
        "# fmt: off",
        "#: Actor classes (subclasses of ckg:Actor).",
        f"ACTOR_CLASSES: tuple[str, ...] = {tuple(actors)!r}",
        "#: Place classes (subclasses of ckg:Place), from the largest to the smallest.",
        f"PLACE_CLASSES: tuple[str, ...] = {tuple(places)!r}",
        "#: Event families (subclasses of ckg:Event); a family without subclasses is also a type.",
        f"EVENT_FAMILIES: tuple[str, ...] = {tuple(families)!r}",
        "#: Concrete event types, family by family.",
        f"EVENT_TYPES: tuple[str, ...] = {tuple(family_of)!r}",
        "#: Event type -> its family.",
        "FAMILY: dict[str, str] = {",
        *[f"    {t!r}: {f!r}," for t, f in family_of.items()],
        "}",
        "#: Event type -> ACLED event type (ckg:acledEventType of its family; '' if none).",
        "ACLED_EVENT_TYPE: dict[str, str] = {",
        *[f"    {t!r}: {acled_type[f] or ''!r}," for t, f in family_of.items()],
        "}",
        "#: Event type -> closest ACLED sub-event type (ckg:acledSubEventType; '' if none).",
        "ACLED_SUB_EVENT_TYPE: dict[str, str] = {",
        *[f"    {t!r}: {_literal(ontology, t, 'acledSubEventType') or ''!r}," for t in family_of],
        "}",
        "#: Event type -> closest PLOVER 'CATEGORY: mode' (ckg:ploverCode; '' if none).",
        "PLOVER_CODE: dict[str, str] = {",
        *[f"    {t!r}: {_literal(ontology, t, 'ploverCode') or ''!r}," for t in family_of],
        "}",
        "# fmt: on",
        "",
    ]
    return "\n".join(rows)


def generate_namespace(ttl_path: Path | str = ONTOLOGY_PATH, out_path: Path | str = NAMESPACE_PATH) -> str:
    """Write the ``CKG`` namespace module generated from an ontology file.

    Parameters
    ----------
    ttl_path : path, default ``ontology/ckg.ttl``
        The ontology in Turtle.
    out_path : path, default ``kg/namespace/_CKG.py``
        Where to write the module (UTF-8, ``\\n`` line endings).

    Returns
    -------
    str
        The module source that was written.
    """
    source = render_namespace(Graph().parse(ttl_path, format="turtle"))
    Path(out_path).write_text(source, encoding="utf-8", newline="\n")
    return source


_GENERATED = ((NAMESPACE_PATH, render_namespace), (TAXONOMY_PATH, render_taxonomy))


def main(argv: list[str] | None = None) -> int:
    """Regenerate ``kg/namespace/_CKG.py`` and ``kg/schema/_taxonomy.py``, or only check them."""
    parser = argparse.ArgumentParser(
        prog="python -m kg.rdf.ontology",
        description="Regenerate kg/namespace/_CKG.py and kg/schema/_taxonomy.py from ontology/ckg.ttl.",
        epilog="Example: python -m kg.rdf.ontology --check",
    )
    parser.add_argument("--check", action="store_true", help="exit 1 if a generated module is out of date")
    args = parser.parse_args(argv)
    ontology = load_ontology()
    stale = 0
    for path, render in _GENERATED:
        expected = render(ontology)
        current = path.read_text(encoding="utf-8") if path.exists() else ""
        if args.check:
            if current != expected:
                print(f"{path} is out of date: run python -m kg.rdf.ontology", file=sys.stderr)
                stale = 1
        elif current != expected:
            path.write_text(expected, encoding="utf-8", newline="\n")
            print(f"wrote {path}")
    return stale


if __name__ == "__main__":
    raise SystemExit(main())
