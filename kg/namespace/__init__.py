"""RDF namespaces used by kg.

``CKG`` (the conflict ontology) is generated from ``ontology/ckg.ttl``; the others are
well-known vocabularies or the base of minted resources.
"""

from rdflib import Namespace
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD

from kg.namespace._CKG import CKG

CKGR = Namespace("https://w3id.org/conflict-kg/id/")
SEM = Namespace("http://semanticweb.cs.vu.nl/2009/11/sem/")
NIF = Namespace("http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#")
GEO = Namespace("http://www.w3.org/2003/01/geo/wgs84_pos#")
SCHEMA = Namespace("https://schema.org/")
GEONAMES = Namespace("https://sws.geonames.org/")

#: The one prefix table (CONTRACT.md's prefixes, then the RDF core). Turtle exports, JSON-LD's
#: ``@context``, CURIE values (``-p place=ckgr:place/homs``), the query page and SPARQL run on the
#: store all read it; each takes the part it writes (see their ``PREFIXES`` users).
PREFIXES: dict[str, str] = {
    "ckg": str(CKG._NS),
    "ckgr": str(CKGR),
    "sem": str(SEM),
    "nif": str(NIF),
    "prov": str(PROV),
    "dcterms": str(DCTERMS),
    "skos": str(SKOS),
    "geo": str(GEO),
    "schema": str(SCHEMA),
    "owl": str(OWL),
    "xsd": str(XSD),
    "rdfs": str(RDFS),
    "rdf": str(RDF),
}
#: the prefixes written in Turtle and JSON-LD documents (rdf: and rdfs: are implied by the formats)
DOCUMENT_PREFIXES: dict[str, str] = {p: ns for p, ns in PREFIXES.items() if p not in ("rdf", "rdfs")}

__all__ = ["CKG", "CKGR", "SEM", "NIF", "GEO", "SCHEMA", "GEONAMES", "PREFIXES", "DOCUMENT_PREFIXES", "DCTERMS", "OWL", "PROV", "RDF", "RDFS", "SKOS", "XSD"]
