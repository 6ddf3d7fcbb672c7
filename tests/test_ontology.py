"""Tests of the conflict ontology, its SHACL shapes and the generated CKG namespace."""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pyshacl
import pytest
import rdflib.namespace as rns
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, PROV, RDF, RDFS, SH, SKOS

from kg.namespace import CKG, CKGR, DCTERMS, GEO, NIF, SCHEMA, SEM
from kg.rdf import ontology

CONTRACT = Path(__file__).resolve().parents[2] / "shared" / "spec" / "CONTRACT.md"

FAMILIES = {
    CKG.Battle: (CKG.Offensive, CKG.ArmedClash, CKG.TerritoryCapture),
    CKG.RemoteViolence: (CKG.Airstrike, CKG.Shelling, CKG.Bombing, CKG.ChemicalAttack),
    CKG.ViolenceAgainstCivilians: (CKG.AttackOnCivilians, CKG.Abduction),
    CKG.StrategicDevelopment: (
        CKG.Siege,
        CKG.Withdrawal,
        CKG.Reinforcement,
        CKG.PrisonerRelease,
        CKG.Ceasefire,
        CKG.Evacuation,
    ),
}
EVENT_TYPES = [t for types in FAMILIES.values() for t in types]
ACTOR_CLASSES = [
    CKG.StateForce,
    CKG.RebelGroup,
    CKG.JihadistGroup,
    CKG.Militia,
    CKG.ForeignState,
    CKG.Civilians,
    CKG.GovernmentBody,
    CKG.Organization,
    CKG.MediaOutlet,
    CKG.Person,
]
PLACE_CLASSES = [CKG.Country, CKG.Region, CKG.City, CKG.Neighbourhood, CKG.Site]
QUALIFIERS = [CKG.Exactly, CKG.AtLeast, CKG.MoreThan, CKG.Approximately]
PROPERTIES = [
    CKG.publishedBy,
    CKG.affiliatedWith,
    CKG.locatedIn,
    CKG.geonamesId,
    CKG.agent,
    CKG.target,
    CKG.place,
    CKG.date,
    CKG.startDate,
    CKG.endDate,
    CKG.reportedBy,
    CKG.disputedBy,
    CKG.fatalities,
    CKG.count,
    CKG.countQualifier,
    CKG.casualtyGroup,
    CKG.confidence,
    CKG.evidence,
    CKG.mentionedIn,
    CKG.denotedBy,
    CKG.acledSubEventType,
    CKG.ploverCode,
    CKG.pageRank,
]
# Every term CONTRACT.md names, plus the ones the ontology adds for it.
CONTRACT_TERMS = [
    CKG.Article,
    CKG.Actor,
    *ACTOR_CLASSES,
    CKG.Place,
    *PLACE_CLASSES,
    CKG.Event,
    *FAMILIES,
    *EVENT_TYPES,
    CKG.CasualtyReport,
    CKG.CasualtyCount,
    CKG.CountQualifier,
    *QUALIFIERS,
    *PROPERTIES,
]

# ACLED sub-event types of the four event types the ontology follows (ACLED codebook).
ACLED_SUB_EVENT_TYPES = {
    "Armed clash",
    "Government regains territory",
    "Non-state actor overtakes territory",
    "Air/drone strike",
    "Shelling/artillery/missile attack",
    "Remote explosive/landmine/IED",
    "Suicide bomb",
    "Chemical weapon",
    "Grenade",
    "Attack",
    "Abduction/forced disappearance",
    "Sexual violence",
    "Agreement",
    "Arrests",
    "Change to group/activity",
    "Disrupted weapons use",
    "Headquarters or base established",
    "Looting/property destruction",
    "Non-violent transfer of territory",
    "Other",
}
# PLOVER event categories (manual draft 0.8 and later revisions).
PLOVER_CATEGORIES = {
    "AGREE",
    "CONSULT",
    "SUPPORT",
    "CONCEDE",
    "COOPERATE",
    "AID",
    "RETREAT",
    "REQUEST",
    "DEMAND",
    "ACCUSE",
    "REJECT",
    "THREATEN",
    "PROTEST",
    "SANCTION",
    "MOBILIZE",
    "COERCE",
    "ASSAULT",
    "FIGHT",
}
PLOVER_CODE = re.compile(r"^(?P<category>[A-Z]+)(: (?P<mode>[a-zA-Z-]+))?$")


@pytest.fixture(scope="module")
def onto() -> Graph:
    return ontology.load_ontology()


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return ontology.load_shapes()


def _texts(graph: Graph, subject: URIRef, predicate: URIRef, lang: str) -> list[str]:
    return [
        str(o)
        for o in graph.objects(subject, predicate)
        if isinstance(o, Literal) and o.language == lang and str(o).strip()
    ]


# --------------------------------------------------------------------------- ontology


def test_ontology_parses(onto: Graph) -> None:
    assert (URIRef("https://w3id.org/conflict-kg/ontology"), RDF.type, OWL.Ontology) in onto
    assert len(onto) > 300


def test_ontology_files_load_from_repo() -> None:
    assert ontology.ONTOLOGY_PATH.is_file()
    assert ontology.SHAPES_PATH.is_file()
    assert len(ontology.load_shapes()) > 0


@pytest.mark.parametrize("term", CONTRACT_TERMS, ids=lambda t: t.split("#")[-1])
def test_ontology_defines_contract_term_with_fr_en_label_and_comment(onto: Graph, term: URIRef) -> None:
    assert set(onto.objects(term, RDF.type)), f"{term} is not declared"
    for lang in ("fr", "en"):
        assert len(_texts(onto, term, RDFS.label, lang)) == 1, f"{term}: one rdfs:label@{lang}"
        assert len(_texts(onto, term, RDFS.comment, lang)) == 1, f"{term}: one rdfs:comment@{lang}"


def test_ontology_every_ckg_term_has_fr_en_label_and_comment(onto: Graph) -> None:
    terms = {s for s in onto.subjects() if isinstance(s, URIRef) and s.startswith(str(CKG))}
    assert set(CONTRACT_TERMS) <= terms
    for term in terms:
        for lang in ("fr", "en"):
            assert _texts(onto, term, RDFS.label, lang), f"{term}: no rdfs:label@{lang}"
            assert _texts(onto, term, RDFS.comment, lang), f"{term}: no rdfs:comment@{lang}"


@pytest.mark.skipif(not CONTRACT.is_file(), reason="../shared/spec/CONTRACT.md not beside the repo")
def test_ontology_covers_every_term_named_in_contract() -> None:
    named = set(re.findall(r"`ckg:([A-Za-z]+)`", CONTRACT.read_text(encoding="utf-8")))
    assert named
    assert named <= {t.split("#")[-1] for t in CONTRACT_TERMS}


@pytest.mark.parametrize(
    ("sub", "sup"),
    [
        (CKG.Article, SCHEMA.NewsArticle),
        (CKG.Article, PROV.Entity),
        (CKG.Actor, SEM.Actor),
        (CKG.Actor, PROV.Agent),
        *((c, CKG.Actor) for c in ACTOR_CLASSES),
        (CKG.Place, SEM.Place),
        *((c, CKG.Place) for c in PLACE_CLASSES),
        (CKG.Event, SEM.Event),
        *((f, CKG.Event) for f in FAMILIES),
        (CKG.CasualtyReport, CKG.Event),
    ],
    ids=lambda t: t.split("#")[-1].split("/")[-1],
)
def test_ontology_class_hierarchy_follows_contract(onto: Graph, sub: URIRef, sup: URIRef) -> None:
    assert (sub, RDFS.subClassOf, sup) in onto
    assert (sub, RDF.type, OWL.Class) in onto


@pytest.mark.parametrize("event_type", EVENT_TYPES, ids=lambda t: t.split("#")[-1])
def test_ontology_event_type_has_one_family_acled_and_plover(onto: Graph, event_type: URIRef) -> None:
    families = set(onto.objects(event_type, RDFS.subClassOf)) & set(FAMILIES)
    assert families == {f for f, types in FAMILIES.items() if event_type in types}
    assert len(families) == 1

    acled = list(onto.objects(event_type, CKG.acledSubEventType))
    assert len(acled) == 1 and isinstance(acled[0], Literal)
    assert str(acled[0]) in ACLED_SUB_EVENT_TYPES

    plover = list(onto.objects(event_type, CKG.ploverCode))
    assert len(plover) == 1 and isinstance(plover[0], Literal)
    match = PLOVER_CODE.match(str(plover[0]))
    assert match and match["category"] in PLOVER_CATEGORIES

    notes = _texts(onto, event_type, SKOS.scopeNote, "en")
    assert notes and str(acled[0]) in notes[0]


def test_ontology_casualty_report_is_directly_under_event(onto: Graph) -> None:
    supers = set(onto.objects(CKG.CasualtyReport, RDFS.subClassOf))
    assert supers == {CKG.Event}


@pytest.mark.parametrize(
    ("subject", "predicate", "obj"),
    [
        (CKG.locatedIn, RDF.type, OWL.TransitiveProperty),
        (CKG.acledSubEventType, RDF.type, OWL.AnnotationProperty),
        (CKG.ploverCode, RDF.type, OWL.AnnotationProperty),
        (CKG.agent, RDFS.subPropertyOf, SEM.hasActor),
        (CKG.target, RDFS.subPropertyOf, SEM.hasActor),
        (CKG.place, RDFS.subPropertyOf, SEM.hasPlace),
        (CKG.date, RDFS.subPropertyOf, SEM.hasTimeStamp),
        (CKG.startDate, RDFS.subPropertyOf, SEM.hasBeginTimeStamp),
        (CKG.endDate, RDFS.subPropertyOf, SEM.hasEndTimeStamp),
        (CKG.pageRank, RDFS.range, rns.XSD.decimal),
        (CKG.confidence, RDFS.range, rns.XSD.decimal),
        (CKG.count, RDFS.range, rns.XSD.integer),
        (CKG.fatalities, RDFS.range, CKG.CasualtyCount),
        *((q, RDF.type, CKG.CountQualifier) for q in QUALIFIERS),
    ],
    ids=lambda t: t.split("#")[-1],
)
def test_ontology_declares_axiom(onto: Graph, subject: URIRef, predicate: URIRef, obj: URIRef) -> None:
    assert (subject, predicate, obj) in onto


# --------------------------------------------------------------------------- namespace


def test_ontology_generated_namespace_is_up_to_date(tmp_path: Path) -> None:
    out = tmp_path / "_CKG.py"
    source = ontology.generate_namespace(ontology.ONTOLOGY_PATH, out)
    assert out.read_text(encoding="utf-8") == source
    assert ontology.NAMESPACE_PATH.read_text(encoding="utf-8") == source, (
        "kg/namespace/_CKG.py is stale: run `python -m kg.rdf.ontology`"
    )


def test_ontology_generated_taxonomy_is_up_to_date(onto: Graph) -> None:
    assert ontology.TAXONOMY_PATH.read_text(encoding="utf-8") == ontology.render_taxonomy(onto), (
        "kg/schema/_taxonomy.py is stale: run `python -m kg.rdf.ontology`"
    )


def test_ontology_taxonomy_follows_the_ontology(onto: Graph) -> None:
    from kg.schema import taxonomy

    for t, family in taxonomy.FAMILY.items():
        assert (CKG[t], RDFS.subClassOf, CKG[family]) in onto or t == family
        assert taxonomy.ACLED_SUB_EVENT_TYPE[t] == str(onto.value(CKG[t], CKG.acledSubEventType) or "")
    assert taxonomy.FAMILY["CasualtyReport"] == "CasualtyReport"
    assert taxonomy.PLACE_RANK["Country"] < taxonomy.PLACE_RANK["City"] < taxonomy.PLACE_RANK["Site"]


def test_ontology_taxonomy_without_an_order_is_refused(onto: Graph) -> None:
    from rdflib.namespace import OWL

    broken = Graph()
    for triple in onto:
        if triple[1] != OWL.members:
            broken.add(triple)
    with pytest.raises(ValueError, match="AllDisjointClasses"):
        ontology.render_taxonomy(broken)


def test_ontology_check_mode_reports_a_stale_module(tmp_path: Path, monkeypatch, capsys) -> None:
    stale = tmp_path / "_taxonomy.py"
    stale.write_text("# old\n", encoding="utf-8")
    monkeypatch.setattr(ontology, "_GENERATED", ((stale, ontology.render_taxonomy),))
    assert ontology.main(["--check"]) == 1
    assert "out of date" in capsys.readouterr().err
    assert ontology.main([]) == 0 and ontology.main(["--check"]) == 0


def test_ontology_generated_namespace_is_deterministic(onto: Graph) -> None:
    shuffled = Graph()
    for triple in sorted(onto, reverse=True):
        shuffled.add(triple)
    assert ontology.render_namespace(shuffled) == ontology.render_namespace(onto)


@pytest.mark.parametrize("term", CONTRACT_TERMS, ids=lambda t: t.split("#")[-1])
def test_ontology_namespace_has_term(term: URIRef) -> None:
    assert getattr(CKG, term.split("#")[-1]) == term


def test_ontology_namespace_rejects_unknown_term() -> None:
    with pytest.raises(AttributeError):
        CKG.NotATerm  # noqa: B018


# --------------------------------------------------------------------------- SHACL

TEXT = "L'armée syrienne a bombardé Homs mardi, tuant au moins 12 civils."
ARTICLE = CKGR["article/000_test"]
ARMY = CKGR["actor/syrian-army"]
HOMS = CKGR["place/homs"]
EVENT = CKGR["event/0123456789abcdef"]
TOLL = CKGR["event/0123456789abcdef/fatalities"]


def _mention(graph: Graph, begin: int, end: int) -> URIRef:
    node = URIRef(f"{ARTICLE}#char={begin},{end}")
    graph.add((node, RDF.type, NIF.Phrase))
    graph.add((node, NIF.beginIndex, Literal(begin, datatype=rns.XSD.nonNegativeInteger)))
    graph.add((node, NIF.endIndex, Literal(end, datatype=rns.XSD.nonNegativeInteger)))
    graph.add((node, NIF.anchorOf, Literal(TEXT[begin:end])))
    graph.add((node, NIF.referenceContext, ARTICLE))
    return node


def make_graph() -> Graph:
    """One article, one actor, one place, one Shelling event with a CasualtyCount."""
    g = Graph()
    g.add((ARTICLE, RDF.type, CKG.Article))
    g.add((ARTICLE, DCTERMS.identifier, Literal("000_test")))
    g.add((ARTICLE, DCTERMS.date, Literal("2016-02-03", datatype=rns.XSD.date)))

    g.add((ARMY, RDF.type, CKG.StateForce))
    g.add((ARMY, SKOS.prefLabel, Literal("armée syrienne", lang="fr")))
    g.add((ARMY, CKG.mentionedIn, ARTICLE))
    g.add((ARMY, CKG.denotedBy, _mention(g, 2, 16)))

    g.add((HOMS, RDF.type, CKG.City))
    g.add((HOMS, SKOS.prefLabel, Literal("Homs", lang="fr")))
    g.add((HOMS, CKG.mentionedIn, ARTICLE))
    g.add((HOMS, CKG.denotedBy, _mention(g, 28, 32)))
    g.add((HOMS, GEO.lat, Literal("34.72682", datatype=rns.XSD.decimal)))
    g.add((HOMS, GEO.long, Literal("36.72339", datatype=rns.XSD.decimal)))
    g.add((HOMS, CKG.geonamesId, Literal("169577")))

    g.add((EVENT, RDF.type, CKG.Shelling))
    g.add((EVENT, CKG.mentionedIn, ARTICLE))
    g.add((EVENT, CKG.denotedBy, _mention(g, 19, 27)))
    g.add((EVENT, CKG.confidence, Literal(Decimal("0.8"))))
    g.add((EVENT, CKG.evidence, Literal(TEXT)))
    g.add((EVENT, CKG.date, Literal("2016-02-02", datatype=rns.XSD.date)))
    g.add((EVENT, CKG.agent, ARMY))
    g.add((EVENT, CKG.place, HOMS))
    g.add((EVENT, CKG.fatalities, TOLL))
    g.add((TOLL, RDF.type, CKG.CasualtyCount))
    g.add((TOLL, CKG.count, Literal(12)))
    g.add((TOLL, CKG.countQualifier, CKG.AtLeast))
    g.add((TOLL, CKG.casualtyGroup, CKG.Civilians))
    return g


def _validate_fast(graph: Graph, shapes: Graph, onto: Graph) -> tuple[bool, Graph]:
    conforms, results, _text = pyshacl.validate(graph, shacl_graph=shapes, inference="none")
    return conforms, results


def _validate_rdfs(graph: Graph, shapes: Graph, onto: Graph) -> tuple[bool, Graph]:
    conforms, results, _text = pyshacl.validate(graph, shacl_graph=shapes, ont_graph=onto, inference="rdfs")
    return conforms, results


VALIDATORS = [pytest.param(_validate_fast, id="none"), pytest.param(_validate_rdfs, id="rdfs+ontology")]


def _violations(results: Graph) -> set[tuple[URIRef, URIRef | None, URIRef]]:
    found = set()
    for result in results.subjects(RDF.type, SH.ValidationResult):
        path = results.value(result, SH.resultPath)
        found.add(
            (
                results.value(result, SH.focusNode),
                None if isinstance(path, BNode) else path,
                results.value(result, SH.sourceConstraintComponent),
            )
        )
    return found


def test_ontology_validate_accepts_conforming_graph() -> None:
    graph = make_graph()
    before = len(graph)
    conforms, report = ontology.validate(graph)
    assert conforms, report
    assert len(graph) == before


@pytest.mark.parametrize("run", VALIDATORS)
def test_ontology_shapes_accept_conforming_graph(run, shapes: Graph, onto: Graph) -> None:
    conforms, results = run(make_graph(), shapes, onto)
    assert conforms, results.serialize(format="turtle")


def _set(subject: URIRef, predicate: URIRef, value) -> Callable[[Graph], None]:
    def mutate(g: Graph) -> None:
        g.set((subject, predicate, value))

    return mutate


def _drop(subject: URIRef, predicate: URIRef) -> Callable[[Graph], None]:
    def mutate(g: Graph) -> None:
        g.remove((subject, predicate, None))

    return mutate


def _add(subject: URIRef, predicate: URIRef, value) -> Callable[[Graph], None]:
    def mutate(g: Graph) -> None:
        g.add((subject, predicate, value))

    return mutate


BROKEN = [
    pytest.param(
        _drop(EVENT, CKG.confidence),
        (EVENT, CKG.confidence, SH.MinCountConstraintComponent),
        id="no-confidence",
    ),
    pytest.param(
        _set(EVENT, CKG.confidence, Literal(Decimal("1.5"))),
        (EVENT, CKG.confidence, SH.MaxInclusiveConstraintComponent),
        id="confidence-1.5",
    ),
    pytest.param(
        _set(EVENT, CKG.confidence, Literal(0.8)),
        (EVENT, CKG.confidence, SH.DatatypeConstraintComponent),
        id="confidence-double",
    ),
    pytest.param(
        _add(EVENT, CKG.confidence, Literal(Decimal("0.5"))),
        (EVENT, CKG.confidence, SH.MaxCountConstraintComponent),
        id="two-confidences",
    ),
    pytest.param(
        _set(TOLL, CKG.countQualifier, CKGR["qualifier/roughly"]),
        (TOLL, CKG.countQualifier, SH.InConstraintComponent),
        id="qualifier-not-in-list",
    ),
    pytest.param(
        _set(TOLL, CKG.count, Literal(-3)),
        (TOLL, CKG.count, SH.MinInclusiveConstraintComponent),
        id="count-negative",
    ),
    pytest.param(
        _set(TOLL, CKG.count, Literal("12")),
        (TOLL, CKG.count, SH.DatatypeConstraintComponent),
        id="count-string",
    ),
    pytest.param(
        _drop(ARMY, SKOS.prefLabel),
        (ARMY, SKOS.prefLabel, SH.MinCountConstraintComponent),
        id="actor-no-preflabel",
    ),
    pytest.param(
        _add(ARMY, SKOS.prefLabel, Literal("armée", lang="fr")),
        (ARMY, SKOS.prefLabel, SH.MaxCountConstraintComponent),
        id="actor-two-preflabels",
    ),
    pytest.param(
        _drop(HOMS, CKG.denotedBy),
        (HOMS, None, SH.OrConstraintComponent),
        id="place-no-mention",
    ),
    pytest.param(
        lambda g: [g.remove((HOMS, p, None)) for p in (CKG.mentionedIn, CKG.denotedBy)],
        (HOMS, None, SH.OrConstraintComponent),
        id="place-neither-mentioned-nor-containing",
    ),
    pytest.param(
        _set(HOMS, GEO.lat, Literal(34.7)), (HOMS, GEO.lat, SH.DatatypeConstraintComponent), id="lat-double"
    ),
    pytest.param(
        _set(EVENT, CKG.agent, HOMS), (EVENT, CKG.agent, SH.NodeConstraintComponent), id="agent-is-place"
    ),
    pytest.param(
        _set(EVENT, CKG.place, ARMY), (EVENT, CKG.place, SH.NodeConstraintComponent), id="place-is-actor"
    ),
    pytest.param(
        _set(EVENT, CKG.date, Literal("mardi")),
        (EVENT, CKG.date, SH.NodeConstraintComponent),
        id="date-untyped",
    ),
    pytest.param(
        _drop(EVENT, CKG.evidence), (EVENT, CKG.evidence, SH.MinCountConstraintComponent), id="no-evidence"
    ),
    pytest.param(
        _drop(EVENT, CKG.mentionedIn),
        (EVENT, CKG.mentionedIn, SH.MinCountConstraintComponent),
        id="event-unsourced",
    ),
    pytest.param(
        _set(URIRef(f"{ARTICLE}#char=28,32"), NIF.beginIndex, Literal(28)),
        (URIRef(f"{ARTICLE}#char=28,32"), NIF.beginIndex, SH.DatatypeConstraintComponent),
        id="mention-index-integer",
    ),
    pytest.param(
        _set(TOLL, CKG.casualtyGroup, HOMS),
        (TOLL, CKG.casualtyGroup, SH.NodeConstraintComponent),
        id="casualty-group-is-place",
    ),
    pytest.param(
        _drop(ARTICLE, DCTERMS.identifier),
        (ARTICLE, DCTERMS.identifier, SH.MinCountConstraintComponent),
        id="article-no-identifier",
    ),
]


@pytest.mark.parametrize("run", VALIDATORS)
@pytest.mark.parametrize(("mutate", "expected"), BROKEN)
def test_ontology_shapes_reject_broken_graph(run, mutate, expected, shapes: Graph, onto: Graph) -> None:
    graph = make_graph()
    mutate(graph)
    conforms, results = run(graph, shapes, onto)
    assert not conforms
    assert expected in _violations(results), results.serialize(format="turtle")


ALSO_VALID = [
    pytest.param(_set(TOLL, CKG.casualtyGroup, ARMY), id="casualty-group-actor"),
    pytest.param(_add(ARMY, RDF.type, OWL.NamedIndividual), id="actor-extra-type"),
    pytest.param(_set(EVENT, CKG.date, Literal("2016-02", datatype=rns.XSD.gYearMonth)), id="date-month"),
    pytest.param(_drop(EVENT, CKG.date), id="no-date"),
    pytest.param(_set(ARMY, SKOS.prefLabel, Literal("armée syrienne")), id="plain-preflabel"),
]


@pytest.mark.parametrize("run", VALIDATORS)
@pytest.mark.parametrize("mutate", ALSO_VALID)
def test_ontology_shapes_accept_valid_variant(run, mutate, shapes: Graph, onto: Graph) -> None:
    graph = make_graph()
    mutate(graph)
    conforms, results = run(graph, shapes, onto)
    assert conforms, results.serialize(format="turtle")


def test_ontology_validate_reports_violation_text() -> None:
    graph = make_graph()
    graph.remove((EVENT, CKG.confidence, None))
    conforms, report = ontology.validate(graph)
    assert not conforms
    assert "confidence" in report
