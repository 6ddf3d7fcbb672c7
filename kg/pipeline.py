"""The whole flow in one call: ingest → nlp → extract → resolve → emit → store (→ view).

:func:`build` is what ``kg build`` runs; it returns a :class:`BuildReport` (plain data) and
writes the exports. Library users can run the stages themselves (see README).
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Dataset

from kg.emit import emit, union_graph
from kg.errors import BuildError
from kg.extract import Extraction, extract
from kg.gazetteer import load_gazetteer
from kg.ingest import DEFAULT_MAX_BYTES, Article, Rejected, ingest
from kg.nlp import load_nlp
from kg.resolve import Resolution, resolve
from kg.store import EXPORTERS, atomic_write

__all__ = ["BuildReport", "build", "extract_articles", "nlp_text"]


@dataclass
class BuildReport:
    out_dir: str
    articles: int = 0
    triples: int = 0
    actors: int = 0
    places: int = 0
    events: int = 0
    rejected: list[Rejected] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    conforms: bool | None = None
    validation: str = ""
    seconds: float = 0.0

    @property
    def exit_code(self) -> int:
        return 3 if self.rejected else 0

    def summary(self) -> str:
        lines = [
            f"built {self.articles} article(s) into {self.out_dir}/ in {self.seconds:.1f} s",
            f"  triples {self.triples} · actors {self.actors} · places {self.places} · events {self.events}",
            f"  files: {', '.join(Path(f).name for f in self.files)}",
        ]
        if self.conforms is not None:
            lines.append("  SHACL: conforms" if self.conforms else "  SHACL: VIOLATIONS (see kg validate)")
        lines.append(f"  warnings {len(self.warnings)} · rejected {len(self.rejected)}")
        return "\n".join(lines)


def nlp_text(article: Article) -> str:
    """The text given to spaCy: the article text with the date header blanked (same offsets)."""
    return " " * article.body_start + article.text[article.body_start:]


def extract_articles(articles: Sequence[Article], *, progress: Callable[[int, int, str], None] | None = None,
                     batch_size: int = 8) -> list[Extraction]:
    """Run the NLP pipeline and the extractor over articles, in order."""
    nlp = load_nlp()
    gaz = load_gazetteer()
    out = []
    docs = nlp.pipe((nlp_text(a) for a in articles), batch_size=batch_size)
    for i, (art, doc) in enumerate(zip(articles, docs, strict=True), 1):
        out.append(extract(doc, art, gaz))
        if progress:
            progress(i, len(articles), art.id)
    return out


def _stderr_progress(i: int, n: int, name: str) -> None:
    if sys.stderr.isatty() or n >= 20:
        print(f"\r  [{i}/{n}] {name[:50]:<50}", end="" if i < n else "\n", file=sys.stderr, flush=True)


def build(paths: Iterable[str | Path], out_dir: str | Path = "exports", *, html: bool = True,
          validate: bool = True, overrides: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES,
          progress: Callable[[int, int, str], None] | None = _stderr_progress) -> BuildReport:
    """Build the graph of ``paths`` into ``out_dir``; bad inputs are reported, not raised."""
    t0 = time.perf_counter()
    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BuildError(f"{out}: cannot create the output folder ({exc.strerror})") from None
    report = BuildReport(str(out))
    ing = ingest(paths, max_bytes=max_bytes)
    report.rejected = ing.rejected
    report.warnings = list(ing.warnings)
    if not ing.articles:
        raise BuildError("no article could be read" + (
            ": " + "; ".join(f"{r.path}: {r.problem}" for r in ing.rejected) if ing.rejected else
            " (no .txt file found)"))
    extractions = extract_articles(ing.articles, progress=progress)
    res: Resolution = resolve(extractions, overrides=overrides)
    ds: Dataset = emit(res)
    for _name, (filename, writer) in EXPORTERS.items():
        target = out / filename
        writer(ds, res, target)
        report.files.append(str(target))
    g = union_graph(ds)
    if html:
        from kg.view import write_html

        target = out / "graph.html"
        write_html(g, target, title="kg — conflict graph")
        report.files.append(str(target))
    if validate:
        from kg.ontology import validate as shacl_validate

        report.conforms, report.validation = shacl_validate(g)
        if not report.conforms:
            report.warnings.append("the graph does not conform to ontology/shapes.ttl (run 'kg validate')")
    report.articles = len(ing.articles)
    report.triples = len(g)
    used = {e for e in res.mention_entity.values()}
    report.actors = sum(1 for e in used if res.entities[e].kind == "actor")
    report.places = sum(1 for e in used if res.entities[e].kind == "place")
    report.events = len(res.events)
    with atomic_write(out / "report.json") as fh:
        json.dump({"articles": report.articles, "triples": report.triples, "actors": report.actors,
                   "places": report.places, "events": report.events,
                   "rejected": [{"path": r.path, "problem": r.problem} for r in report.rejected],
                   "warnings": report.warnings, "conforms": report.conforms}, fh, ensure_ascii=False, indent=1)
    report.files.append(str(out / "report.json"))
    report.seconds = time.perf_counter() - t0
    return report
