"""The whole flow in one call: ingest → nlp → extract → resolve → emit → store (→ view).

:func:`build` is what ``kg build`` runs; it returns a :class:`BuildReport` (plain data) and
writes the exports. Library users can run the stages themselves (see README).
"""

from __future__ import annotations

import dataclasses
import hashlib
import heapq
import json
import os
import shutil
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from kg.errors import BuildError, CacheError, UsageError, printable
from kg.extract import Extraction
from kg.extract.batch import extract_batch, warm_up
from kg.ingest import DEFAULT_MAX_BYTES, Article, NoInputError, Notice, Rejected, ingest
from kg.namespace import CKG
from kg.nlp.segment import nlp_text
from kg.pipeline.incremental import (
    CACHE_DIR_NAME,
    MANIFEST_NAME,
    ExtractionCache,
    fingerprint,
    read_manifest,
    write_manifest,
)
from kg.pipeline.outdir import OutputFolder, check_output_folder
from kg.pipeline.progress import Progress, as_progress
from kg.pipeline.runner import batches, resolve_jobs, run_batches
from kg.rdf.counts import NodeCounter
from kg.rdf.derive import DERIVED_GRAPH, derived_triples
from kg.rdf.emit import (
    ENTITIES_GRAPH,
    article_iri,
    emit_graphs,
    entity_iri,
    event_id_terms,
    event_terms,
    triples_graph,
)
from kg.resolve import Resolution, load_overrides, resolve
from kg.schema.spool import ExtractionTable, SpoolWriter
from kg.store import (
    EXPORTERS,
    STORE_DIR_NAME,
    STORE_MARKER,
    STORE_PREFIX,
    GraphWriter,
    atomic_write,
    load_store,
    save_digests,
    store_digest,
    store_digests,
    update_store,
)

__all__ = ["BuildReport", "build", "remove", "extract_articles", "iter_extractions", "nlp_text",
           "PUBLICATION_STEPS"]


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
    ignored: list[str] = field(default_factory=list)
    conforms: bool | None = None
    validation: str = ""
    validated_articles: int = 0
    seconds: float = 0.0

    @property
    def exit_code(self) -> int:
        return 3 if self.rejected else 0

    def summary(self) -> str:
        out = printable(self.out_dir)
        if not self.files:
            return (f"nothing built: all {len(self.rejected)} input(s) rejected; "
                    f"previous exports in {out}/ kept")
        lines = [
            f"built {self.articles} article(s) into {out}/ in {self.seconds:.1f} s",
            f"  triples {self.triples} · actors {self.actors} · places {self.places} · events {self.events}",
            f"  files: {', '.join(Path(f).name for f in self.files)}",
        ]
        if self.conforms is not None:
            part = "" if self.validated_articles >= self.articles else \
                f" ({self.validated_articles} of {self.articles} article graphs checked; 'kg validate' checks all)"
            lines.append(("  SHACL: conforms" if self.conforms else "  SHACL: VIOLATIONS (see kg validate)") + part)
        lines.append(f"  warnings {len(self.warnings)} · rejected {len(self.rejected)}"
                     + (f" · ignored {len(self.ignored)} non-.txt file(s)" if self.ignored else ""))
        return "\n".join(lines)


def extract_articles(articles: Sequence[Article], *,
                     progress: Progress | Callable[[int, int, str], None] | None = None,
                     batch_size: int = 8, jobs: int | str = 1, cache: ExtractionCache | None = None,
                     dask: str | object | None = None) -> list[Extraction]:
    """Run the NLP pipeline and the extractor over articles; return the extractions in input order.

    The batches of ``batch_size`` articles go through :func:`kg.pipeline.runner.run_batches`: in this
    process, in ``jobs`` worker processes (``"auto"``: one per core), or on the Dask cluster
    ``dask`` (a scheduler address, ``"local[:N]"`` or a ``distributed.Client``); the results are
    the same either way. With a ``cache`` (:class:`~kg.pipeline.incremental.ExtractionCache`), articles
    whose extraction is cached are not parsed again, and new extractions are added to it.
    ``progress`` (a :class:`kg.pipeline.progress.Progress`, or a callable ``(done, total, article id)``)
    is told of the ``model load`` (in this process) and ``parse`` stages.
    """
    return list(iter_extractions(articles, progress=progress, batch_size=batch_size, jobs=jobs, cache=cache,
                                 dask=dask))


def iter_extractions(articles: Sequence[Article], *,
                     progress: Progress | Callable[[int, int, str], None] | None = None,
                     batch_size: int = 8, jobs: int | str = 1, cache: ExtractionCache | None = None,
                     dask: str | object | None = None) -> Iterator[Extraction]:
    """:func:`extract_articles` as a stream: each extraction as soon as it (and every one before
    it) is ready, in input order; nothing is kept (cached extractions are read when their turn comes)."""
    rep = as_progress(progress)
    cached = [cache is not None and cache.has(art) for art in articles]
    todo = [art for art, hit in zip(articles, cached, strict=True) if not hit]
    work = list(batches(todo, batch_size))
    if work and dask is None and min(resolve_jobs(jobs), len(work)) <= 1:
        with rep.stage("model load"):  # in this process (workers load their own)
            warm_up()
    fresh = (ex for batch in run_batches(extract_batch, work, jobs=jobs, dask=dask, setup=warm_up,
                                         fingerprint=fingerprint) for ex in batch)
    with rep.stage("parse", total=len(articles), unit="article", done=len(articles) - len(todo)) as st:
        for art, hit in zip(articles, cached, strict=True):
            ex = cache.get(art) if hit else None
            if ex is None:
                if hit:  # unreadable since it was listed: parse it here
                    ex = extract_batch([art])[0]
                else:
                    ex = next(fresh)
                    if ex.article is not art:  # a worker's copy: keep one copy of the text (this one)
                        if ex.article.id != art.id:
                            raise BuildError(f"extraction of {ex.article.id!r} came back for article {art.id!r}")
                        ex = dataclasses.replace(ex, article=art)
                    st.advance(1, ex.article.id)
                if cache is not None:
                    cache.put(ex)
            yield ex


#: articles per batch of extraction (a worker's unit of work)
BATCH_SIZE = 8
_STAGE_PREFIX = ".build-"
_REPORT_NAME = "report.json"


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _report_json(report: BuildReport, digests: dict[str, str], store: str | None, manifest: str) -> dict:
    return {
        "articles": report.articles, "triples": report.triples, "actors": report.actors,
        "places": report.places, "events": report.events,
        "rejected": [r.as_dict() for r in report.rejected],
        "warnings": [w.as_dict() if isinstance(w, Notice) else {"path": "", "code": "other", "message": str(w)}
                     for w in report.warnings],
        "ignored": report.ignored,
        "conforms": report.conforms, "shacl_checked_articles": report.validated_articles,
        "files": digests,
        "store": store,
        "manifest": manifest,
    }


def _open_cache(cache: bool | str | Path | None, out: Path) -> ExtractionCache | None:
    if cache is None or cache is False:
        return None
    return ExtractionCache(out / CACHE_DIR_NAME if cache is True else Path(cache))


def _check_store_target(folder: OutputFolder) -> None:
    """Refuse, before anything is parsed, an ``OUT/store`` that kg did not make: a build replaces
    ``OUT/store`` and deletes the store it pointed to, so it must be kg's (see :mod:`kg.pipeline.outdir`)."""
    link = folder.path / STORE_DIR_NAME
    if not os.path.lexists(link):
        return
    if link.is_symlink():
        if folder.store_home is not None and os.readlink(link) == folder.store_home.name:
            return
        what = f"a link to {os.readlink(link)}, not to a store this kg made in {folder.path}"
    elif link.is_dir() and (link / STORE_MARKER).is_file():
        return  # the store folder of an earlier kg (before the link): moved aside and deleted
    else:
        what = "not a store written by kg"
    raise UsageError(f"{link}: {what}; kg would replace it. Move it away, or build with --no-store")


def build(paths: Iterable[str | Path], out_dir: str | Path = "exports", *, html: bool = True,
          validate: bool = True, overrides: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES,
          progress: Progress | Callable[[int, int, str], None] | str | None = "auto", jobs: int | str = "auto",
          cache: bool | str | Path | None = None, store: bool = True,
          dask: str | object | None = None, force: bool = False,
          on_wait: Callable[[str], None] | None = None, spill: bool | None = None) -> BuildReport:
    """Build the graph of ``paths`` into ``out_dir``; bad inputs are reported, not raised.

    Before anything is parsed, the output folder is checked and locked (:class:`kg.pipeline.outdir.OutputFolder`:
    a folder that is neither new, empty nor kg's is refused unless ``force``; a second build into it
    waits, ``on_wait`` is told), and so are ``overrides`` and ``OUT/store``. All exports are written
    into a staging folder ``out_dir/.build-PID-XXXX`` and published in the order of
    :data:`PUBLICATION_STEPS` (``report.json`` last, naming the SHA-256 of every export and of the
    store), so a build stopped at any moment leaves the previous exports whole and readers can tell
    when the store and the files disagree. When every input is rejected nothing is written and the
    report has ``files == []``.

    ``jobs`` worker processes (``"auto"``, the default: one per core) or the Dask cluster
    ``dask`` (a scheduler address, ``"local[:N]"`` or a ``distributed.Client``) run the
    extraction (:mod:`kg.pipeline.runner`); the exports are the same bytes either way. ``cache``
    (``True`` for ``out_dir/.kg-cache``, or a folder) makes the build incremental: only new or
    changed articles are parsed; resolution and emission always run over all articles, so the
    exports equal a full build's. ``store`` (the default) keeps the Oxigraph store as
    ``out_dir/store``, where ``kg query`` finds it. ``spill`` writes the extraction records to a
    spool file as they arrive and streams them through resolution and emission (by default
    beyond :data:`SPILL_ARTICLES` articles): the parent then holds per article only its entity
    ids, not its records.

    ``progress`` reports each stage (read, model load, parse, resolve, write, store, SHACL,
    view): ``"auto"`` (the default) draws bars on a terminal and writes plain lines elsewhere
    (:func:`kg.pipeline.progress.auto_progress`); None is silent; a :class:`kg.pipeline.progress.Progress` or a
    callable ``(done, total, article id)`` (told of each article parsed) may be given.

    Raises :class:`~kg.ingest.NoInputError` when a path does not exist or no ``.txt`` file is
    found, :class:`~kg.errors.UsageError` for a folder or option kg must refuse, :class:`BuildError`
    when ``out_dir`` cannot be written.
    """
    rep = as_progress(progress)
    try:
        return _build(paths, out_dir, rep, html=html, validate=validate, overrides=overrides,
                      max_bytes=max_bytes, jobs=jobs, cache=cache, store=store, dask=dask, force=force,
                      on_wait=on_wait, spill=spill)
    finally:
        rep.close()


def _build(paths: Iterable[str | Path], out_dir: str | Path, rep: Progress, *, html: bool, validate: bool,
           overrides: str | None, max_bytes: int, jobs: int | str, cache: bool | str | Path | None, store: bool,
           dask: str | object | None, force: bool, on_wait: Callable[[str], None] | None,
           spill: bool | None) -> BuildReport:
    t0 = time.perf_counter()
    out = Path(out_dir)
    report = BuildReport(str(out))
    paths = list(paths)
    with rep.stage("read"):
        ing = ingest(paths, max_bytes=max_bytes)
    report.rejected = ing.rejected
    report.warnings = list(ing.warnings)
    report.ignored = list(ing.ignored)
    if not ing.articles:
        if ing.rejected:
            report.seconds = time.perf_counter() - t0
            return report
        raise NoInputError("no .txt article file found in " + ", ".join(str(p) for p in paths))
    load_overrides(overrides)  # a bad file is reported now, not after the extraction
    with OutputFolder(out, force=force, on_wait=on_wait).open(_check_store_target if store else None) as folder:
        xcache = _open_cache(cache, out)
        stream = iter_extractions(ing.articles, progress=rep, jobs=jobs, cache=xcache, dask=dask,
                                  batch_size=BATCH_SIZE)
        with _extraction_table(stream, len(ing.articles), folder, spill) as extractions:
            if xcache is not None:
                report.warnings.extend(xcache.problems)
            _finish(report, extractions, folder, html=html, validate=validate, overrides=overrides, store=store,
                    progress=rep)
        if xcache is not None:
            xcache.prune(ing.articles)
    report.seconds = time.perf_counter() - t0
    return report


def remove(ids: Iterable[str], out_dir: str | Path = "exports", *, cache: str | Path | None = None,
           html: bool = True, validate: bool = True, overrides: str | None = None,
           store: bool | None = None, progress: Progress | Callable[[int, int, str], None] | str | None = None,
           on_wait: Callable[[str], None] | None = None) -> BuildReport:
    """Rebuild ``out_dir`` without the articles ``ids``, from the articles of its current build.

    Every build leaves its articles beside its exports (``.kg-articles.jsonl``, whose digest
    ``report.json`` names), so this works after any build, incremental or not. Articles whose
    extraction is in the cache (``out_dir/.kg-cache``, or ``cache``) are not parsed again; the
    others are. Raises :class:`BuildError` when ``out_dir`` holds no build of this kg, or an id is
    not in it. ``store`` defaults to whether the build kept a store. ``progress`` as for :func:`build`.
    """
    rep = as_progress(progress)
    try:
        return _remove(ids, out_dir, rep, cache=cache, html=html, validate=validate, overrides=overrides,
                       store=store, on_wait=on_wait)
    finally:
        rep.close()


def _remove(ids: Iterable[str], out_dir: str | Path, rep: Progress, *, cache: str | Path | None, html: bool,
            validate: bool, overrides: str | None, store: bool | None,
            on_wait: Callable[[str], None] | None) -> BuildReport:
    t0 = time.perf_counter()
    out = Path(out_dir)
    if check_output_folder(out) == "new":
        raise BuildError(f"{out}: no kg build here to remove articles from; run 'kg build -o {out}' first")
    load_overrides(overrides)

    def precheck(folder: OutputFolder) -> None:
        if store:
            _check_store_target(folder)

    with OutputFolder(out, on_wait=on_wait).open(precheck) as folder:
        articles = _current_articles(out)
        gone = set(ids)
        known = {a.id for a in articles} | {alias for a in articles for alias in a.also_as}
        unknown = sorted(gone - known)
        if unknown:
            raise BuildError(f"{out}: no article {', '.join(map(repr, unknown))} in the last build "
                             f"({len(articles)} article(s); see report.json)")
        keep = [a for a in articles if a.id not in gone]
        keep = [dataclasses.replace(a, also_as=tuple(x for x in a.also_as if x not in gone)) for a in keep]
        if not keep:
            raise BuildError(f"{out}: removing {', '.join(sorted(gone))} would leave no article; "
                             "delete the folder instead")
        cache_dir = Path(cache) if cache else out / CACHE_DIR_NAME
        xcache = ExtractionCache(cache_dir) if cache_dir.is_dir() else None
        report = BuildReport(str(out))
        if store is None:  # as the build kept it: a store of kg's is there
            link = out / STORE_DIR_NAME
            store = folder.store_home is not None or (link.is_dir() and not link.is_symlink()
                                                      and (link / STORE_MARKER).is_file())
        stream = iter_extractions(keep, progress=rep, cache=xcache, batch_size=BATCH_SIZE)
        with _extraction_table(stream, len(keep), folder, None) as extractions:
            report.warnings = [w for a in keep for w in a.warnings] + (xcache.problems if xcache else [])
            _finish(report, extractions, folder, html=html, validate=validate, overrides=overrides, store=store,
                    progress=rep)
        if xcache is not None:
            xcache.prune(keep)
    report.seconds = time.perf_counter() - t0
    return report


def _current_articles(out: Path) -> list[Article]:
    """The articles of the build ``out/report.json`` describes (its manifest, checked against it)."""
    path = out / MANIFEST_NAME
    try:
        report = json.loads((out / _REPORT_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        report = None
    if not isinstance(report, dict) or not path.is_file():
        raise BuildError(f"{out}: no article list of the last build ({MANIFEST_NAME} or report.json is missing: "
                         f"built by an older kg, or not built); run 'kg build -o {out}' again first")
    if report.get("manifest") != _sha256(path):
        raise BuildError(f"{out}: {MANIFEST_NAME} does not belong to the build report.json describes (a build "
                         f"was stopped while it published); run 'kg build -o {out}' again first")
    try:
        return read_manifest(path)
    except CacheError as exc:
        raise BuildError(str(exc)) from None


#: builds of more articles than this spill their extraction records to disk (see :mod:`kg.schema.spool`)
SPILL_ARTICLES = 5000


@contextmanager
def _extraction_table(stream: Iterator[Extraction], n: int, folder: OutputFolder, spill: bool | None
                      ) -> Iterator[ExtractionTable]:
    """The extractions of ``stream`` as a table: in memory, or — with ``spill``, or beyond
    :data:`SPILL_ARTICLES` articles when ``spill`` is None — in a spool file written as they
    arrive, in a hidden ``.build-…`` folder of the output folder that is removed afterwards."""
    if not (spill if spill is not None else n > SPILL_ARTICLES):
        yield ExtractionTable.of(stream)
        return
    try:
        spool = folder.reserve(_STAGE_PREFIX)
        spool.mkdir()
    except OSError as exc:
        raise BuildError(f"{folder.path}: cannot write in the output folder ({exc.strerror})") from None
    table = None
    try:
        writer = SpoolWriter(spool / "extractions.jsonl")
        for ex in stream:
            writer.add(ex)
        table = writer.table()
        yield table
    finally:
        if table is not None:
            table.close()
        shutil.rmtree(spool, ignore_errors=True)
        if not os.path.lexists(spool):
            folder.forget([spool.name])


def _export_names(html: bool) -> list[str]:
    return [filename for filename, _writer in EXPORTERS.values()] + (["graph.html"] if html else [])


#: SHACL checks every article graph up to this many articles, an even sample of this many beyond
#: (pyshacl costs ~0.1 s per article graph: a build's check is a sample; `kg validate` checks all)
VALIDATE_ARTICLES = 50
#: graph.html holds at most this many events, the best attested (the page draws a summary of them)
VIEW_EVENTS = 5000


def _spread(n: int, k: int) -> list[int]:
    """``k`` indices spread evenly over ``range(n)`` (all of them when ``n <= k``).

    >>> _spread(5, 10), _spread(10, 3)
    ([0, 1, 2, 3, 4], [0, 3, 6])
    """
    if n <= k:
        return list(range(n))
    return sorted({i * n // k for i in range(k)})


def _view_subjects(res: Resolution, limit: int) -> set[str] | None:
    """The N-Triples subjects (events and their tolls) the build's view shows; None for all.

    Beyond ``limit`` events, the view keeps the best attested: most sources, participants,
    a place and tolls first, ties by id (``kg view`` filters show any other part).
    """
    if res.event_count <= limit:
        return None

    def weight(ev):
        return (-(len(ev.sources) + len(ev.agents) + len(ev.targets) + len(ev.tolls) + bool(ev.place)), ev.id)

    keep: set[str] = set()
    # the best-attested events (streamed: sorted(...)[:limit]); an event told by several articles
    # has one record each, all kept
    chosen = {ev.id for ev in heapq.nsmallest(limit, res.iter_events(), key=weight)}
    for ev in res.iter_events():
        if ev.id in chosen:
            keep.update(event_terms(ev))
            keep.update(f"<{article_iri(ev.article)}#char={b},{e}>" for b, e in ev.triggers)  # evidence offsets
    return keep


def _view_entities(res: Resolution, subjects: set[str]) -> set[str]:
    """N-Triples terms of the entities the events kept for the view name (their aliases are kept too)."""
    named = set()
    for ev in res.iter_events():
        if event_terms(ev)[0] in subjects:
            named.update(e for e in (ev.place, *ev.agents, *ev.targets, *ev.sources, *ev.disputed_by) if e)
    return {f"<{entity_iri(res.entities[e].kind, e)}>" for e in named if e in res.entities}


_ALT_LABEL = "<http://www.w3.org/2004/02/skos/core#altLabel>"
_ANCHOR = "<http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#anchorOf>"
_DENOTED_BY = f"<{CKG.denotedBy}>"
_EVENT_TERM = event_id_terms("", 0)[0][:-1]  # "<…/event/": the start of an event's term


def _view_triples(triples: list, subjects: set[str] | None) -> Iterator:
    """What the page needs of an article graph (of the ``subjects`` it shows; None: all): every
    triple but the mentions (NIF phrases: most of the triples), except an event's, whose words and
    offsets are its evidence."""
    evidence = {o for s, p, o in triples if p == _DENOTED_BY and s.startswith(_EVENT_TERM)
                and (subjects is None or s in subjects)}
    for t in triples:
        s, p, o = t
        if "#char=" in s:
            if p == _ANCHOR and s in evidence:
                yield t
        elif p == _DENOTED_BY:
            if o in evidence:
                yield t
        elif subjects is None or s in subjects:
            yield t


def _closure_graph(article_triples: list, entity_triples: list):
    """An rdflib graph of ``article_triples`` and the entity descriptions they reach (with
    their ``locatedIn`` / ``affiliatedWith`` chains): what SHACL and the view need of a part."""
    by_subject: dict[str, list] = {}
    for t in entity_triples:
        by_subject.setdefault(t[0], []).append(t)
    need = {x for s, _p, o in article_triples for x in (s, o) if x in by_subject}
    frontier = list(need)
    while frontier:
        for _s, _p, o in by_subject[frontier.pop()]:
            if o in by_subject and o not in need:
                need.add(o)
                frontier.append(o)
    return triples_graph(article_triples + [t for n in sorted(need) for t in by_subject[n]])


def _shared_subjects(res: Resolution) -> set[str]:
    """N-Triples subjects (events, their tolls) that more than one article's graph describes."""
    return {t for eid, tolls in res.coreference.shared.items() for t in event_id_terms(eid, tolls)}


def _write_view(report: BuildReport, res: Resolution, graph, sampled: bool, path: Path) -> None:
    """graph.html, the explorer, of ``graph`` (the view's part of the build)."""
    from kg.view import view_network, write_html

    note = None
    if sampled:
        total = report.events  # the build's count (kg.rdf.counts), as report.json says
        note = (f"This page holds the {VIEW_EVENTS:,} best-attested events of {total:,}; "
                "'kg view' with filters writes a page of any part.")
        report.warnings.append(f"graph.html holds the {VIEW_EVENTS} best-attested event(s) of {total}; "
                               "'kg view' with filters shows any part")
    write_html(view_network(graph), path, title="kg — conflict graph", note=note)


@dataclass
class _Staged:
    """What emitting the graph into the staging folder leaves for the later steps."""

    digests: dict[str, str] = field(default_factory=dict)  # named graph -> digest of its TriG block
    changed: dict[str, list] | None = None  # graphs that differ from the previous store's (None: load all)
    previous: dict[str, str] = field(default_factory=dict)
    shacl_part: list = field(default_factory=list)
    view_part: list = field(default_factory=list)
    view_aliases: set = field(default_factory=set)  # when the view holds a part: the aliases of its entities
    entity_triples: list = field(default_factory=list)


def _resolve(report: BuildReport, extractions: ExtractionTable, overrides: str | None) -> Resolution:
    """Step 1: one node per real thing (:func:`kg.resolve.resolve`); the report's counts."""
    res: Resolution = resolve(extractions, overrides=overrides)
    report.articles = len(res.extractions)
    return res


def _stage_graph(report: BuildReport, res: Resolution, stage: Path, out: Path, *, store: bool,
                 checked: set[int], view_subjects: set[str] | None, html: bool, writing) -> _Staged:
    """Step 2: stream the emitted graph into graph.ttl and graph.trig, one article at a time,
    keeping the parts SHACL and the view need and, when a previous store is there, the graphs
    that changed since (it is then updated graph by graph instead of loaded again)."""
    st = _Staged(previous=store_digests(out / STORE_DIR_NAME) if store else {})
    st.changed = {} if st.previous else None
    view_entities = _view_entities(res, view_subjects) if view_subjects is not None else set()
    most = max(50, len(res.extractions) // 4)
    nodes = NodeCounter()  # the counts of the graph written, as kg network and kg.open count them (#13)
    with atomic_write(stage / "graph.ttl") as ttl, atomic_write(stage / "graph.trig") as trig:
        writer = GraphWriter(ttl, trig, shared=_shared_subjects(res))
        for i, (giri, triples) in enumerate(emit_graphs(res)):
            st.digests[giri] = writer.write(giri, triples)
            nodes.feed(triples)
            writing.advance(1, giri.rsplit("/", 1)[-1])
            if store and st.changed is not None and st.previous.get(giri) != st.digests[giri]:
                st.changed[giri] = triples
                if len(st.changed) > most:
                    st.changed = None  # as good as a new graph: bulk-load it
            if giri == str(ENTITIES_GRAPH):
                st.entity_triples = triples
                continue
            if i in checked:
                st.shacl_part.extend(triples)
            if html:
                st.view_part.extend(_view_triples(triples, view_subjects))
                if view_subjects is not None:
                    st.view_aliases.update(t for t in triples if t[1] == _ALT_LABEL and t[0] in view_entities)
    counted = nodes.counts(writer.triples)
    report.triples, report.actors, report.places, report.events = (
        counted.triples, counted.actors, counted.places, counted.events)
    return st


def _stage_tables(res: Resolution, stage: Path) -> None:
    """Step 3: events.csv and entities.csv."""
    for _name, (filename, table_writer) in EXPORTERS.items():
        if table_writer is not None:
            table_writer(None, res, stage / filename)


def _stage_store(st: _Staged, res: Resolution, stage: Path, out: Path) -> None:
    """Step 4: the Oxigraph store in ``stage/store``: bulk-loaded from the exports, or a checkpoint
    of the previous store with the changed graphs replaced; with its graph digests. The derived
    facts (:mod:`kg.rdf.derive`) are one more graph, redone every build."""
    removed = sorted(set(st.previous) - set(st.digests))
    if st.changed is not None:
        st.changed[str(DERIVED_GRAPH)] = list(derived_triples(res))
    if st.changed is None:
        load_store(stage / STORE_DIR_NAME, named=stage / "graph.trig", default=stage / "graph.ttl",
                   derived=stage / "derived.ttl")
    else:
        update_store(out / STORE_DIR_NAME, stage / STORE_DIR_NAME, st.changed, removed)
    save_digests(stage / STORE_DIR_NAME, st.digests)
    st.changed = None


def _validate(report: BuildReport, st: _Staged, checked: set[int]) -> None:
    """Step 5: SHACL over the checked articles' graphs and the entities they reach."""
    from kg.rdf.ontology import validate as shacl_validate

    report.conforms, report.validation = shacl_validate(_closure_graph(st.shacl_part, st.entity_triples))
    report.validated_articles = len(checked)
    if not report.conforms:
        report.warnings.append("the graph does not conform to ontology/shapes.ttl (run 'kg validate')")


def _stage_report(report: BuildReport, stage: Path, names: list[str], articles: list[Article],
                  store: bool) -> None:
    """Step 7: the article manifest (for ``kg remove``) and report.json, which names the SHA-256
    of every export, of the manifest and of the store (its graph digests)."""
    write_manifest(stage / MANIFEST_NAME, articles)
    hashes = {name: _sha256(stage / name) for name in names}
    with atomic_write(stage / _REPORT_NAME) as fh:
        json.dump(_report_json(report, hashes, store_digest(stage / STORE_DIR_NAME) if store else None,
                               _sha256(stage / MANIFEST_NAME)), fh, ensure_ascii=False, indent=1)
        fh.write("\n")


#: The order in which a build makes its staged result current (:func:`_publish`). Between two
#: steps the folder holds whole files only; until "report" the store differs from what
#: report.json names, which readers check (kg.store.graph_source); "tidy" deletes what the
#: build replaced. tests/test_reliability.py kills a build after each file operation of these.
PUBLICATION_STEPS = ("store", "exports", "report", "tidy")


def _publish(folder: OutputFolder, stage: Path, names: list[str], store: bool) -> None:
    """Make the staged build current in the order of :data:`PUBLICATION_STEPS`."""
    out = folder.path
    umask = os.umask(0)
    os.umask(umask)
    # 1. store: the new one moved beside the link, then the link swapped to it (or an old one unlinked)
    if store:
        _publish_store(folder, stage)
    else:
        _unlink_store(folder)
    # 2. exports: each data file, then the article manifest, replaced in one os.replace
    for name in names + [MANIFEST_NAME]:
        os.chmod(stage / name, 0o666 & ~umask)
        os.replace(stage / name, out / name)
    # 3. report: report.json, which names them all
    os.chmod(stage / _REPORT_NAME, 0o666 & ~umask)
    os.replace(stage / _REPORT_NAME, out / _REPORT_NAME)
    _sync_folder(out)
    # 4. tidy: the store this build replaced, and the staging folder (in the caller)
    folder.tidy()


def _publish_store(folder: OutputFolder, stage: Path) -> None:
    out = folder.path
    link = out / STORE_DIR_NAME
    if link.is_dir() and not link.is_symlink():  # an earlier kg's store folder (checked: it has the marker)
        aside = folder.reserve(STORE_PREFIX)
        os.replace(link, aside)
    home = folder.reserve(STORE_PREFIX)
    os.replace(stage / STORE_DIR_NAME, home)
    os.symlink(home.name, stage / "store.link")
    os.replace(stage / "store.link", link)
    folder.set_store_home(home)


def _unlink_store(folder: OutputFolder) -> None:
    """--no-store: a store this kg made would no longer match the exports; unlink it (its home is
    deleted when the build tidies). A store that is not kg's is left alone."""
    link = folder.path / STORE_DIR_NAME
    if link.is_symlink() and folder.store_home is not None and os.readlink(link) == folder.store_home.name:
        link.unlink()
        folder.set_store_home(None)
    elif link.is_dir() and not link.is_symlink() and (link / STORE_MARKER).is_file():
        os.replace(link, folder.reserve(STORE_PREFIX))


def _sync_folder(out: Path) -> None:
    try:
        fd = os.open(out, os.O_RDONLY)
    except OSError:  # pragma: no cover - e.g. Windows
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(fd)


def _finish(report: BuildReport, extractions: ExtractionTable, folder: OutputFolder, *, html: bool,
            validate: bool, overrides: str | None, store: bool, progress: Progress | None = None) -> None:
    """Resolve; stage the exports (graph, tables, store, SHACL, view, report) in a fresh staging
    folder; publish them (:func:`_publish`). Each step is a stage of ``progress``."""
    out = folder.path
    rep = progress or Progress()
    with rep.stage("resolve"):
        res = _resolve(report, extractions, overrides)
    names = _export_names(html)
    try:
        stage = folder.reserve(_STAGE_PREFIX)
        stage.mkdir()
    except OSError as exc:
        raise BuildError(f"{out}: cannot write in the output folder ({exc.strerror})") from None
    try:
        checked = set(_spread(len(res.extractions), VALIDATE_ARTICLES)) if validate else set()
        view_subjects = _view_subjects(res, VIEW_EVENTS) if html else None
        with rep.stage("write", total=len(res.extractions) + 1, unit="graph") as writing:
            st = _stage_graph(report, res, stage, out, store=store, checked=checked, view_subjects=view_subjects,
                              html=html, writing=writing)
            _stage_tables(res, stage)
        if store:
            with rep.stage("store"):
                _stage_store(st, res, stage, out)
        if validate:
            with rep.stage("SHACL"):
                _validate(report, st, checked)
        st.shacl_part = []
        if html:  # step 6: the view
            with rep.stage("view"):
                st.view_part.extend(sorted(st.view_aliases))
                _write_view(report, res, _closure_graph(st.view_part, st.entity_triples),
                            view_subjects is not None, stage / "graph.html")
        st.view_part, st.view_aliases = [], set()
        _stage_report(report, stage, names, [ex.article for ex in res.extractions], store)
        _publish(folder, stage, names, store)
    except OSError as exc:
        raise BuildError(f"{out}: cannot write the exports ({exc.strerror or exc}); "
                         "previous exports kept") from None
    finally:
        shutil.rmtree(stage, ignore_errors=True)
        if not os.path.lexists(stage):
            folder.forget([stage.name])
    report.files = [str(out / name) for name in names + [_REPORT_NAME]]
