"""The whole flow in one call: ingest → nlp → extract → resolve → emit → store (→ view).

:func:`build` is what ``kg build`` runs; it returns a :class:`BuildReport` (plain data) and
writes the exports. Library users can run the stages themselves (see README).

The package, one module per concern (imports flow down this list):

- :mod:`kg.pipeline.building` — :func:`build` and :func:`remove`: the flow, the output folder locked;
- :mod:`kg.pipeline.stages` — resolve, stage every export, publish (``finish``);
- :mod:`kg.pipeline.parts` — what SHACL and graph.html take of the graph (samples, closures);
- :mod:`kg.pipeline.extraction` — :func:`extract_articles` / :func:`iter_extractions`, cache, spool;
- :mod:`kg.pipeline.publish` — :data:`PUBLICATION_STEPS`: making a staged build current;
- :mod:`kg.pipeline.report` — :class:`BuildReport` and report.json;
- :mod:`kg.pipeline.runner`, :mod:`kg.pipeline.incremental`, :mod:`kg.pipeline.outdir` — workers, the
  extraction cache, the output folder. Progress is :mod:`kg.progress` (the readers show it too).

A test that replaces a name replaces it in the module that looks it up (e.g.
``kg.pipeline.extraction.BATCH_SIZE``, ``kg.pipeline.parts.VIEW_EVENTS``, ``kg.pipeline.stages.load_store``).
"""

from kg.nlp.segment import nlp_text
from kg.pipeline.building import build, remove
from kg.pipeline.extraction import extract_articles, iter_extractions
from kg.pipeline.publish import PUBLICATION_STEPS
from kg.pipeline.report import BuildReport

__all__ = ["BuildReport", "build", "remove", "extract_articles", "iter_extractions", "nlp_text",
           "PUBLICATION_STEPS"]
