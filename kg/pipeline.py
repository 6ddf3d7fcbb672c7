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
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from kg.batch import extract_batch, fingerprint, nlp_text, warm_up
from kg.derive import DERIVED_GRAPH, derived_triples
from kg.emit import ENTITIES_GRAPH, emit_graphs, event_id_terms, event_terms, triples_graph
from kg.errors import BuildError
from kg.extract import Extraction
from kg.incremental import CACHE_DIR_NAME, ExtractionCache
from kg.ingest import DEFAULT_MAX_BYTES, Article, NoInputError, Notice, Rejected, ingest
from kg.namespace import CKG
from kg.resolve import Resolution, resolve
from kg.runner import batches, run_batches
from kg.spool import ExtractionTable, SpoolWriter
from kg.store import (
    EXPORTERS,
    STORE_DIR_NAME,
    GraphWriter,
    atomic_write,
    load_store,
    save_digests,
    store_digests,
    update_store,
)

__all__ = ["BuildReport", "build", "remove", "extract_articles", "iter_extractions", "nlp_text"]


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
        if not self.files:
            return (f"nothing built: all {len(self.rejected)} input(s) rejected; "
                    f"previous exports in {self.out_dir}/ kept")
        lines = [
            f"built {self.articles} article(s) into {self.out_dir}/ in {self.seconds:.1f} s",
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


def extract_articles(articles: Sequence[Article], *, progress: Callable[[int, int, str], None] | None = None,
                     batch_size: int = 8, jobs: int | str = 1, cache: ExtractionCache | None = None,
                     dask: str | object | None = None) -> list[Extraction]:
    """Run the NLP pipeline and the extractor over articles; return the extractions in input order.

    The batches of ``batch_size`` articles go through :func:`kg.runner.run_batches`: in this
    process, in ``jobs`` worker processes (``"auto"``: one per core), or on the Dask cluster
    ``dask`` (a scheduler address, ``"local[:N]"`` or a ``distributed.Client``); the results are
    the same either way. With a ``cache`` (:class:`~kg.incremental.ExtractionCache`), articles
    whose extraction is cached are not parsed again, and new extractions are added to it.
    """
    return list(iter_extractions(articles, progress=progress, batch_size=batch_size, jobs=jobs, cache=cache,
                                 dask=dask))


def iter_extractions(articles: Sequence[Article], *, progress: Callable[[int, int, str], None] | None = None,
                     batch_size: int = 8, jobs: int | str = 1, cache: ExtractionCache | None = None,
                     dask: str | object | None = None) -> Iterator[Extraction]:
    """:func:`extract_articles` as a stream: each extraction as soon as it (and every one before
    it) is ready, in input order; nothing is kept (cached extractions are read when their turn comes)."""
    cached = [cache is not None and cache.has(art) for art in articles]
    todo = [art for art, hit in zip(articles, cached, strict=True) if not hit]
    work = list(batches(todo, batch_size))
    fresh = (ex for batch in run_batches(extract_batch, work, jobs=jobs, dask=dask, setup=warm_up,
                                         fingerprint=fingerprint) for ex in batch)
    done = len(articles) - len(todo)
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
                done += 1
                if progress:
                    progress(done, len(articles), ex.article.id)
            if cache is not None:
                cache.put(ex)
        yield ex


def _stderr_progress(i: int, n: int, name: str) -> None:
    if sys.stderr.isatty() or n >= 20:
        print(f"\r  [{i}/{n}] {name[:50]:<50}", end="" if i < n else "\n", file=sys.stderr, flush=True)


#: articles per batch of extraction (a worker's unit of work)
BATCH_SIZE = 8
_STAGE_PREFIX = ".build-"
_REPORT_NAME = "report.json"


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


def _clean_stale(out: Path, names: Iterable[str]) -> None:
    """Remove what a killed build left in ``out``: its staging folders and temporary files."""
    for child in out.glob(_STAGE_PREFIX + "*"):
        pid = child.name[len(_STAGE_PREFIX):].split("-", 1)[0]
        if child.is_dir() and not (pid.isdigit() and int(pid) != os.getpid() and _pid_alive(int(pid))):
            shutil.rmtree(child, ignore_errors=True)
    for name in names:  # left by atomic_write / view's writer when a process died before its rename
        for tmp in out.glob(f".{name}.*.tmp"):
            tmp.unlink(missing_ok=True)
    from kg.store import STORE_PREFIX, stale_stores

    for old in stale_stores(out):  # stores a killed build moved beside the live one
        pid = old.name[len(STORE_PREFIX):].split("-", 1)[0]
        if pid.isdigit() and int(pid) != os.getpid() and _pid_alive(int(pid)):
            continue
        if old.is_symlink() or old.is_file():
            old.unlink(missing_ok=True)
        else:
            shutil.rmtree(old, ignore_errors=True)


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _publish(stage: Path, out: Path, names: list[str]) -> None:
    """Move the staged exports into ``out``, ``report.json`` last, then sync the folder."""
    umask = os.umask(0)
    os.umask(umask)
    for name in names:
        os.chmod(stage / name, 0o666 & ~umask)
        os.replace(stage / name, out / name)
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


def _report_json(report: BuildReport, digests: dict[str, str]) -> dict:
    return {
        "articles": report.articles, "triples": report.triples, "actors": report.actors,
        "places": report.places, "events": report.events,
        "rejected": [r.as_dict() for r in report.rejected],
        "warnings": [w.as_dict() if isinstance(w, Notice) else {"path": "", "code": "other", "message": str(w)}
                     for w in report.warnings],
        "ignored": report.ignored,
        "conforms": report.conforms, "shacl_checked_articles": report.validated_articles,
        "files": digests,
    }


def _open_cache(cache: bool | str | Path | None, out: Path) -> ExtractionCache | None:
    if cache is None or cache is False:
        return None
    return ExtractionCache(out / CACHE_DIR_NAME if cache is True else Path(cache))


def build(paths: Iterable[str | Path], out_dir: str | Path = "exports", *, html: bool = True,
          validate: bool = True, overrides: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES,
          progress: Callable[[int, int, str], None] | None = _stderr_progress, jobs: int | str = "auto",
          cache: bool | str | Path | None = None, store: bool = True,
          dask: str | object | None = None, spill: bool | None = None) -> BuildReport:
    """Build the graph of ``paths`` into ``out_dir``; bad inputs are reported, not raised.

    All exports are written into a staging folder ``out_dir/.build-PID-XXXX`` and moved into
    ``out_dir`` at the end (``report.json`` last, with the SHA-256 of every other export), so a
    build stopped at any moment leaves the previous exports whole. When every input is rejected
    nothing is written and the report has ``files == []``.

    ``jobs`` worker processes (``"auto"``, the default: one per core) or the Dask cluster
    ``dask`` (a scheduler address, ``"local[:N]"`` or a ``distributed.Client``) run the
    extraction (:mod:`kg.runner`); the exports are the same bytes either way. ``cache``
    (``True`` for ``out_dir/.kg-cache``, or a folder) makes the build incremental: only new or
    changed articles are parsed; resolution and emission always run over all articles, so the
    exports equal a full build's. The graph is built in an Oxigraph store and every RDF export
    streams from it; ``store`` (the default) keeps it as ``out_dir/store``, where ``kg query``
    finds it. ``spill`` writes the extraction records to a spool file as they arrive and
    streams them through resolution and emission (by default beyond :data:`SPILL_ARTICLES`
    articles): the parent then holds per article only its entity ids, not its records.

    Raises :class:`~kg.ingest.NoInputError` when a path does not exist or no ``.txt`` file is
    found, :class:`BuildError` when ``out_dir`` cannot be created.
    """
    t0 = time.perf_counter()
    out = Path(out_dir)
    report = BuildReport(str(out))
    ing = ingest(paths, max_bytes=max_bytes)
    report.rejected = ing.rejected
    report.warnings = list(ing.warnings)
    report.ignored = list(ing.ignored)
    if not ing.articles:
        if ing.rejected:
            report.seconds = time.perf_counter() - t0
            return report
        raise NoInputError("no .txt article file found in " + ", ".join(str(p) for p in paths))
    _make_out(out)
    names = _export_names(html)
    _clean_stale(out, names + [_REPORT_NAME])
    xcache = _open_cache(cache, out)
    stream = iter_extractions(ing.articles, progress=progress, jobs=jobs, cache=xcache, dask=dask,
                              batch_size=BATCH_SIZE)
    with _extraction_table(stream, len(ing.articles), out, spill) as extractions:
        _finish(report, extractions, out, names, html=html, validate=validate, overrides=overrides, store=store)
    if xcache is not None:
        xcache.save_manifest(ing.articles)
        xcache.prune(ing.articles)
    report.seconds = time.perf_counter() - t0
    return report


def remove(ids: Iterable[str], out_dir: str | Path = "exports", *, cache: str | Path | None = None,
           html: bool = True, validate: bool = True, overrides: str | None = None,
           store: bool | None = None) -> BuildReport:
    """Rebuild ``out_dir`` without the articles ``ids``, from the cache of its last incremental build.

    No article is parsed again. Raises :class:`BuildError` when ``out_dir`` has no cache
    (build it with ``cache=True`` / ``kg build --incremental`` first) or an id is not in it.
    ``store`` defaults to whether ``out_dir/store`` exists.
    """
    t0 = time.perf_counter()
    out = Path(out_dir)
    xcache = ExtractionCache(Path(cache) if cache else out / CACHE_DIR_NAME)
    articles = xcache.load_manifest()
    if not articles:
        raise BuildError(f"{out}: no incremental build found ({xcache.root} is missing or empty); "
                         "run 'kg build --incremental -o DIR' first")
    gone = set(ids)
    known = {a.id for a in articles} | {alias for a in articles for alias in a.also_as}
    unknown = sorted(gone - known)
    if unknown:
        raise BuildError(f"{out}: no article {', '.join(map(repr, unknown))} in the last build "
                         f"({len(articles)} article(s); see report.json)")
    keep = [a for a in articles if a.id not in gone]
    keep = [dataclasses.replace(a, also_as=tuple(x for x in a.also_as if x not in gone)) for a in keep]
    report = BuildReport(str(out))
    if not keep:
        raise BuildError(f"{out}: removing {', '.join(sorted(gone))} would leave no article; "
                         "delete the folder instead")
    extractions = [xcache.get(a) for a in keep]
    missing = [a.id for a, ex in zip(keep, extractions, strict=True) if ex is None]
    if missing:
        raise BuildError(f"{out}: the cache lacks {len(missing)} article(s) (e.g. {missing[0]!r}), or the "
                         "code changed since the last build; rebuild with 'kg build --incremental'")
    report.warnings = [w for a in keep for w in a.warnings]
    names = _export_names(html)
    _clean_stale(out, names + [_REPORT_NAME])
    if store is None:
        store = (out / STORE_DIR_NAME).is_dir()
    with _extraction_table(iter(extractions), len(extractions), out, None) as table:
        del extractions
        _finish(report, table, out, names, html=html, validate=validate, overrides=overrides, store=store)
    xcache.save_manifest(keep)
    xcache.prune(keep)
    report.seconds = time.perf_counter() - t0
    return report


#: builds of more articles than this spill their extraction records to disk (see :mod:`kg.spool`)
SPILL_ARTICLES = 5000


@contextmanager
def _extraction_table(stream: Iterator[Extraction], n: int, out: Path, spill: bool | None
                      ) -> Iterator[ExtractionTable]:
    """The extractions of ``stream`` as a table: in memory, or — with ``spill``, or beyond
    :data:`SPILL_ARTICLES` articles when ``spill`` is None — in a spool file written as they
    arrive, in a hidden ``.build-PID-spool-XXXX`` folder of ``out`` that is removed afterwards."""
    if not (spill if spill is not None else n > SPILL_ARTICLES):
        table = ExtractionTable.of(stream)
        yield table
        return
    try:
        folder = Path(tempfile.mkdtemp(prefix=f"{_STAGE_PREFIX}{os.getpid()}-spool-", dir=out))
    except OSError as exc:
        raise BuildError(f"{out}: cannot write in the output folder ({exc.strerror})") from None
    table = None
    try:
        writer = SpoolWriter(folder / "extractions.jsonl")
        for ex in stream:
            writer.add(ex)
        table = writer.table()
        yield table
    finally:
        if table is not None:
            table.close()
        shutil.rmtree(folder, ignore_errors=True)


def _make_out(out: Path) -> None:
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BuildError(f"{out}: cannot create the output folder ({exc.strerror})") from None


def _export_names(html: bool) -> list[str]:
    return [filename for filename, _writer in EXPORTERS.values()] + (["graph.html"] if html else [])


#: SHACL checks every article graph up to this many articles, an even sample of this many beyond
#: (pyshacl costs ~0.1 s per article graph: a build's check is a sample; `kg validate` checks all)
VALIDATE_ARTICLES = 50
#: graph.html shows at most this many events (the best attested) and this many nodes (the best connected)
VIEW_EVENTS = 1500
VIEW_NODES = 3000


_DENOTED_BY = f"<{CKG.denotedBy}>"


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
    for ev in heapq.nsmallest(limit, res.iter_events(), key=weight):  # sorted(...)[:limit], streamed
        keep.update(event_terms(ev))
    return keep


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
    """graph.html of ``graph`` (the view's part of the build), cut to :data:`VIEW_NODES` nodes."""
    from kg.analyse import knowledge_network
    from kg.view import filter_network, write_html

    net = knowledge_network(graph)
    capped = len(net) > VIEW_NODES
    if capped:
        net = filter_network(net, top=VIEW_NODES)
    if sampled or capped:
        shown = f"the {len(net)} best-connected node(s)" if capped else f"{len(net)} node(s)"
        report.warnings.append(f"graph.html shows {shown} of the {min(res.event_count, VIEW_EVENTS)} "
                               f"best-attested event(s) of {res.event_count}; 'kg view' with filters shows any part")
    write_html(net, path, title="kg — conflict graph")


def _finish(report: BuildReport, extractions: ExtractionTable, out: Path, names: list[str], *, html: bool,
            validate: bool, overrides: str | None, store: bool) -> None:
    """Resolve; stream the emitted graph into graph.ttl and graph.trig in a staging folder, one
    article at a time; bulk-load them into the Oxigraph store; write the tables; validate (SHACL)
    and draw the view from parts of the graph; publish."""
    res: Resolution = resolve(extractions, overrides=overrides)
    report.articles = len(res.extractions)
    used = res.used_entities()
    report.actors = sum(1 for e in used if res.entities[e].kind == "actor")
    report.places = sum(1 for e in used if res.entities[e].kind == "place")
    report.events = res.event_count
    try:
        stage = Path(tempfile.mkdtemp(prefix=f"{_STAGE_PREFIX}{os.getpid()}-", dir=out))
    except OSError as exc:
        raise BuildError(f"{out}: cannot write in the output folder ({exc.strerror})") from None
    try:
        checked = set(_spread(len(res.extractions), VALIDATE_ARTICLES)) if validate else set()
        view_subjects = _view_subjects(res, VIEW_EVENTS) if html else None
        shacl_part: list = []
        view_part: list = []
        entity_triples: list = []
        # a store from the previous build is updated graph by graph when few graphs changed
        previous = store_digests(out / STORE_DIR_NAME) if store else {}
        digests: dict[str, str] = {}
        changed: dict[str, list] | None = {} if previous else None
        most = max(50, len(res.extractions) // 4)
        with atomic_write(stage / "graph.ttl") as ttl, atomic_write(stage / "graph.trig") as trig:
            writer = GraphWriter(ttl, trig, shared=_shared_subjects(res))
            for i, (giri, triples) in enumerate(emit_graphs(res)):
                digests[giri] = writer.write(giri, triples)
                if store:
                    if changed is not None and previous.get(giri) != digests[giri]:
                        changed[giri] = triples
                        if len(changed) > most:
                            changed = None  # as good as a new graph: bulk-load it
                if giri == str(ENTITIES_GRAPH):
                    entity_triples = triples
                    continue
                if i in checked:
                    shacl_part.extend(triples)
                if html:  # the view draws no mention (NIF phrase): they are most of the triples
                    view_part.extend(t for t in triples if t[1] != _DENOTED_BY and "#char=" not in t[0]
                                     and (view_subjects is None or t[0] in view_subjects))
        report.triples = writer.triples
        for _name, (filename, table_writer) in EXPORTERS.items():
            if table_writer is not None:
                table_writer(None, res, stage / filename)
        if store:
            removed = sorted(set(previous) - set(digests))
            if changed is not None:  # the derived facts are one more graph (redone every build)
                changed[str(DERIVED_GRAPH)] = list(derived_triples(res))
            if changed is None:
                load_store(stage / STORE_DIR_NAME, named=stage / "graph.trig", default=stage / "graph.ttl",
                           derived=stage / "derived.ttl")
            else:
                update_store(out / STORE_DIR_NAME, stage / STORE_DIR_NAME, changed, removed)
            save_digests(stage / STORE_DIR_NAME, digests)
            del changed
        if validate:
            from kg.ontology import validate as shacl_validate

            report.conforms, report.validation = shacl_validate(_closure_graph(shacl_part, entity_triples))
            report.validated_articles = len(checked)
            if not report.conforms:
                report.warnings.append("the graph does not conform to ontology/shapes.ttl (run 'kg validate')")
        del shacl_part
        if html:
            _write_view(report, res, _closure_graph(view_part, entity_triples), view_subjects is not None,
                        stage / "graph.html")
        del view_part
        hashes = {name: _sha256(stage / name) for name in names}
        with atomic_write(stage / _REPORT_NAME) as fh:
            json.dump(_report_json(report, hashes), fh, ensure_ascii=False, indent=1)
            fh.write("\n")
        _publish(stage, out, names + [_REPORT_NAME])
        from kg.store import discard_store, swap_store

        if store:
            swap_store(stage / STORE_DIR_NAME, out / STORE_DIR_NAME)
        else:  # a store left by an earlier build would no longer match the exports
            discard_store(out / STORE_DIR_NAME)
    except OSError as exc:
        raise BuildError(f"{out}: cannot write the exports ({exc.strerror or exc}); "
                         "previous exports kept") from None
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    report.files = [str(out / name) for name in names + [_REPORT_NAME]]
