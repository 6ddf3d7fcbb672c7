"""Stage 5 — RDF: the conflict graph written from a :class:`~kg.resolve.Resolution`.

- :mod:`kg.rdf.emit` — the triples of each article (N-Triples terms, streamed) and rdflib graphs;
- :mod:`kg.rdf.derive` — derived facts (``ckg:within``, tallies, counts) the named queries read;
- :mod:`kg.rdf.counts` — one way to count articles, actors, places, events and triples;
- :mod:`kg.rdf.ontology` — reads ``ontology/ckg.ttl`` and generates the ``CKG`` namespace and the
  event taxonomy (``python -m kg.rdf.ontology``);
- :mod:`kg.rdf.shacl` — SHACL reports as records, and a whole graph checked a chunk at a time
  (``kg validate``: the whole graph's report in bounded memory).

Nothing here imports spaCy; extraction and resolution never import this package.
"""
