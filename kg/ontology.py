"""The conflict ontology, its SHACL shapes and the generated ``CKG`` namespace class.

``ontology/ckg.ttl`` defines the terms, ``ontology/shapes.ttl`` says what a built graph
must contain, and ``kg/namespace/_CKG.py`` is generated from the ontology so that code
names terms as ``CKG.Airstrike`` (a misspelt term fails at import time).

Regenerate the namespace class after editing the ontology::

    python -m kg.ontology          # rewrite kg/namespace/_CKG.py
    python -m kg.ontology --check  # exit 1 if it is out of date
"""

from __future__ import annotations

import argparse
import keyword
import sys
from pathlib import Path

import pyshacl
from rdflib import Graph, Literal, URIRef
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
    "validate",
]

CKG_NS = "https://w3id.org/conflict-kg/ontology#"
ONTOLOGY_DIR = Path(__file__).resolve().parent.parent / "ontology"
ONTOLOGY_PATH = ONTOLOGY_DIR / "ckg.ttl"
SHAPES_PATH = ONTOLOGY_DIR / "shapes.ttl"
NAMESPACE_PATH = Path(__file__).resolve().parent / "namespace" / "_CKG.py"

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
        graph,
        shacl_graph=load_shapes(),
        ont_graph=None,
        inference="none",
        abort_on_first=False,
        allow_infos=True,
        allow_warnings=False,
        advanced=False,
        meta_shacl=False,
    )
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
        "Generated from ontology/ckg.ttl by kg.ontology: do not edit by hand.",
        "Regenerate with `python -m kg.ontology` after changing the ontology.",
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


def main(argv: list[str] | None = None) -> int:
    """Regenerate ``kg/namespace/_CKG.py``, or only check it with ``--check``."""
    parser = argparse.ArgumentParser(
        prog="python -m kg.ontology",
        description="Regenerate kg/namespace/_CKG.py from ontology/ckg.ttl.",
        epilog="Example: python -m kg.ontology --check",
    )
    parser.add_argument("--check", action="store_true", help="exit 1 if _CKG.py is out of date")
    args = parser.parse_args(argv)
    if args.check:
        expected = render_namespace(load_ontology())
        current = NAMESPACE_PATH.read_text(encoding="utf-8") if NAMESPACE_PATH.exists() else ""
        if current != expected:
            print(f"{NAMESPACE_PATH} is out of date: run python -m kg.ontology", file=sys.stderr)
            return 1
        return 0
    generate_namespace(ONTOLOGY_PATH, NAMESPACE_PATH)
    print(f"wrote {NAMESPACE_PATH}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
