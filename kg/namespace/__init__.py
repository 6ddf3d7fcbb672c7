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

__all__ = ["CKG", "CKGR", "SEM", "NIF", "GEO", "SCHEMA", "GEONAMES", "DCTERMS", "OWL", "PROV", "RDF", "RDFS", "SKOS", "XSD"]
