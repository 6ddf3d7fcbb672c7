"""The whole flow in one call: ingest → nlp → extract → resolve → emit → store (→ view).

:func:`build` is what ``kg build`` runs; it returns a :class:`BuildReport` (plain data) and
writes the exports. Library users can run the stages themselves (see README).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from kg.counts import NodeCounter
from kg.emit import ENTITIES_GRAPH, article_iri, emit_graphs, entity_iri, event_terms, triples_graph
from kg.errors import BuildError
from kg.extract import Extraction, extract
from kg.gazetteer import load_gazetteer
from kg.incremental import CACHE_DIR_NAME, ExtractionCache
from kg.ingest import DEFAULT_MAX_BYTES, Article, NoInputError, Notice, Rejected, ingest
from kg.nlp import load_nlp
from kg.progress import Progress, as_progress
from kg.resolve import Resolution, resolve
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

__all__ = ["BuildReport", "build", "remove", "extract_articles", "nlp_text"]


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


def nlp_text(article: Article) -> str:
    """The text given to spaCy: the article text with the date header blanked (same offsets).

    The blank ends with a line break so that the body's first word starts a sentence.
    """
    text = article.text
    if article.body_start:
        text = " " * (article.body_start - 1) + "\n" + text[article.body_start:]
    if article.dateline:
        # the dateline ("BEYROUTH, 5 juin 2013 (AFP) -") is its own sentence: a line break replaces its dash
        end = article.dateline[1]
        dash = max(text.rfind(d, article.dateline[0], end) for d in "-–—")
        if dash >= 0:
            text = text[:dash] + "\n" + text[dash + 1:]
    return text


def _chunks(items: Sequence, size: int) -> Iterator[list]:
    for i in range(0, len(items), size):
        yield list(items[i:i + size])


def _extract_chunk(articles: list[Article]) -> list[Extraction]:
    """Parse and extract a batch of articles in this process (the model is loaded once per process)."""
    nlp = load_nlp()
    gaz = load_gazetteer()
    docs = nlp.pipe((nlp_text(a) for a in articles), batch_size=max(1, len(articles)))
    return [extract(doc, art, gaz) for art, doc in zip(articles, docs, strict=True)]


def _worker_init() -> None:
    """Pool workers leave Ctrl-C to the parent, which stops them (no traceback per worker)."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _pool_context():
    import multiprocessing

    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods and sys.platform != "darwin" else "spawn")


def _run_local(articles: Sequence[Article], batch_size: int, jobs: int) -> Iterator[Extraction]:
    """Extractions of ``articles`` in order: in this process (``jobs == 1``) or in ``jobs`` workers.

    Both ways parse the same batches of ``batch_size`` consecutive articles, and no ``Doc``
    outlives its batch: only the small extractions come back.
    """
    if jobs <= 1 or len(articles) <= batch_size:
        for chunk in _chunks(articles, batch_size):
            yield from _extract_chunk(chunk)
        return
    pool = _pool_context().Pool(jobs, initializer=_worker_init)
    try:
        for batch in pool.imap(_extract_chunk, _chunks(articles, batch_size)):
            yield from batch
        pool.close()
    except BaseException:
        pool.terminate()
        raise
    finally:
        pool.join()


def extract_articles(articles: Sequence[Article], *,
                     progress: Progress | Callable[[int, int, str], None] | None = None,
                     batch_size: int = 8, jobs: int = 1, cache: ExtractionCache | None = None,
                     dask: str | object | None = None) -> list[Extraction]:
    """Run the NLP pipeline and the extractor over articles; return the extractions in input order.

    ``jobs`` > 1 runs extraction in that many worker processes; ``dask`` (a scheduler address
    or a ``distributed.Client``) runs it on a Dask cluster; the results are the same either way.
    With a ``cache`` (:class:`~kg.incremental.ExtractionCache`), articles whose extraction is
    cached are not parsed again, and new extractions are added to it. ``progress`` (a
    :class:`kg.progress.Progress`, or a callable ``(done, total, article id)``) is told of the
    ``model load`` (in this process) and ``parse`` stages.
    """
    rep = as_progress(progress)
    out: list[Extraction | None] = [None] * len(articles)
    todo: list[int] = []
    for i, art in enumerate(articles):
        hit = cache.get(art) if cache is not None else None
        if hit is None:
            todo.append(i)
        else:
            out[i] = hit
    pending = [articles[i] for i in todo]
    if pending and dask is None and (jobs <= 1 or len(pending) <= batch_size):
        with rep.stage("model load"):  # in this process (workers load their own)
            load_nlp()
    if dask is not None:
        from kg.distributed import extract_on_dask

        stream: Iterable[Extraction] = extract_on_dask(pending, dask, batch_size=batch_size)
    else:
        stream = _run_local(pending, batch_size, jobs)
    with rep.stage("parse", total=len(articles), unit="article", done=len(articles) - len(todo)) as st:
        for i, ex in zip(todo, stream, strict=True):
            out[i] = ex
            if cache is not None:
                cache.put(ex)
            st.advance(1, ex.article.id)
    return out  # type: ignore[return-value]


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
          progress: Progress | Callable[[int, int, str], None] | str | None = "auto", jobs: int = 1,
          cache: bool | str | Path | None = None, store: bool = True,
          dask: str | object | None = None) -> BuildReport:
    """Build the graph of ``paths`` into ``out_dir``; bad inputs are reported, not raised.

    All exports are written into a staging folder ``out_dir/.build-PID-XXXX`` and moved into
    ``out_dir`` at the end (``report.json`` last, with the SHA-256 of every other export), so a
    build stopped at any moment leaves the previous exports whole. When every input is rejected
    nothing is written and the report has ``files == []``.

    ``jobs`` worker processes (or the Dask cluster ``dask``) run the extraction. ``cache``
    (``True`` for ``out_dir/.kg-cache``, or a folder) makes the build incremental: only new or
    changed articles are parsed; resolution and emission always run over all articles, so the
    exports equal a full build's. The graph is built in an Oxigraph store and every RDF export
    streams from it; ``store`` (the default) keeps it as ``out_dir/store``, where ``kg query``
    finds it.

    ``progress`` reports each stage (read, model load, parse, resolve, write, store, SHACL,
    view): ``"auto"`` (the default) draws bars on a terminal and writes plain lines elsewhere
    (:func:`kg.progress.auto_progress`); None is silent; a :class:`kg.progress.Progress` or a
    callable ``(done, total, article id)`` (told of each article parsed) may be given.

    Raises :class:`~kg.ingest.NoInputError` when a path does not exist or no ``.txt`` file is
    found, :class:`BuildError` when ``out_dir`` cannot be created.
    """
    rep = as_progress(progress)
    try:
        return _build(paths, out_dir, rep, html=html, validate=validate, overrides=overrides,
                      max_bytes=max_bytes, jobs=jobs, cache=cache, store=store, dask=dask)
    finally:
        rep.close()


def _build(paths: Iterable[str | Path], out_dir: str | Path, rep: Progress, *, html: bool, validate: bool,
           overrides: str | None, max_bytes: int, jobs: int, cache: bool | str | Path | None, store: bool,
           dask: str | object | None) -> BuildReport:
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
    _make_out(out)
    names = _export_names(html)
    _clean_stale(out, names + [_REPORT_NAME])
    xcache = _open_cache(cache, out)
    extractions = extract_articles(ing.articles, progress=rep, jobs=jobs, cache=xcache, dask=dask)
    _finish(report, extractions, out, names, html=html, validate=validate, overrides=overrides, store=store,
            progress=rep)
    if xcache is not None:
        xcache.save_manifest(ing.articles)
        xcache.prune(ing.articles)
    report.seconds = time.perf_counter() - t0
    return report


def remove(ids: Iterable[str], out_dir: str | Path = "exports", *, cache: str | Path | None = None,
           html: bool = True, validate: bool = True, overrides: str | None = None,
           store: bool | None = None, progress: Progress | str | None = None) -> BuildReport:
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
    rep = as_progress(progress)
    try:
        _finish(report, extractions, out, names, html=html, validate=validate, overrides=overrides, store=store,
                progress=rep)
    finally:
        rep.close()
    xcache.save_manifest(keep)
    xcache.prune(keep)
    report.seconds = time.perf_counter() - t0
    return report


def _make_out(out: Path) -> None:
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BuildError(f"{out}: cannot create the output folder ({exc.strerror})") from None


def _export_names(html: bool) -> list[str]:
    return [filename for filename, _writer in EXPORTERS.values()] + (["graph.html"] if html else [])


#: SHACL checks every article graph up to this many articles, an even sample of this many beyond
VALIDATE_ARTICLES = 200
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
    if len({ev.id for ev in res.events}) <= limit:
        return None

    def weight(ev):
        return (-(len(ev.sources) + len(ev.agents) + len(ev.targets) + len(ev.tolls) + bool(ev.place)), ev.id)

    keep: set[str] = set()
    ranked = sorted(res.events, key=weight)
    chosen: set[str] = set()
    for ev in ranked:  # the best-attested events (an event told by several articles has one record each)
        if len(chosen) == limit:
            break
        chosen.add(ev.id)
    for ev in ranked:
        if ev.id in chosen:
            keep.update(event_terms(ev))
            keep.update(f"<{article_iri(ev.article)}#char={b},{e}>" for b, e in ev.triggers)  # evidence offsets
    return keep


def _view_entities(res: Resolution, subjects: set[str]) -> set[str]:
    """N-Triples terms of the entities the events kept for the view name (their aliases are kept too)."""
    named = set()
    for ev in res.events:
        if event_terms(ev)[0] in subjects:
            named.update(e for e in (ev.place, *ev.agents, *ev.targets, *ev.sources, *ev.disputed_by) if e)
    return {f"<{entity_iri(res.entities[e].kind, e)}>" for e in named if e in res.entities}


_ALT_LABEL = "<http://www.w3.org/2004/02/skos/core#altLabel>"
_ANCHOR = "<http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#anchorOf>"


def _for_view(triple) -> bool:
    """Whether the page needs this triple of a kept subject: all of an event's, only the words of
    a mention (its article and offsets are in its IRI)."""
    return "#char=" not in triple[0] or triple[1] == _ANCHOR


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
    seen: dict[str, int] = {}
    for ev in res.events:
        seen[ev.id] = seen.get(ev.id, 0) + 1
    return {t for ev in res.events if seen[ev.id] > 1 for t in event_terms(ev)}


def _write_view(report: BuildReport, res: Resolution, graph, sampled: bool, path: Path) -> None:
    """graph.html, the explorer, of ``graph`` (the view's part of the build)."""
    from kg.view import view_network, write_html

    note = None
    if sampled:
        total = report.events  # the build's count (kg.counts), as report.json says
        note = (f"This page holds the {VIEW_EVENTS:,} best-attested events of {total:,}; "
                "'kg view' with filters writes a page of any part.")
        report.warnings.append(f"graph.html holds the {VIEW_EVENTS} best-attested event(s) of {total}; "
                               "'kg view' with filters shows any part")
    write_html(view_network(graph), path, title="kg — conflict graph", note=note)


def _finish(report: BuildReport, extractions: list[Extraction], out: Path, names: list[str], *, html: bool,
            validate: bool, overrides: str | None, store: bool, progress: Progress | None = None) -> None:
    """Resolve; stream the emitted graph into graph.ttl and graph.trig in a staging folder, one
    article at a time; bulk-load them into the Oxigraph store; write the tables; validate (SHACL)
    and draw the view from parts of the graph; publish. Each step is a stage of ``progress``."""
    rep = progress or Progress()
    with rep.stage("resolve"):
        res: Resolution = resolve(extractions, overrides=overrides)
    report.articles = len(extractions)
    nodes = NodeCounter()  # the counts of the graph written, as kg network and kg.open count them (#13)
    try:
        stage = Path(tempfile.mkdtemp(prefix=f"{_STAGE_PREFIX}{os.getpid()}-", dir=out))
    except OSError as exc:
        raise BuildError(f"{out}: cannot write in the output folder ({exc.strerror})") from None
    try:
        checked = set(_spread(len(res.extractions), VALIDATE_ARTICLES)) if validate else set()
        view_subjects = _view_subjects(res, VIEW_EVENTS) if html else None
        view_entities = _view_entities(res, view_subjects) if view_subjects is not None else set()
        shacl_part: list = []
        view_part: list = []
        view_aliases: set = set()  # when the view holds a part: the aliases of the entities it names
        entity_triples: list = []
        # a store from the previous build is updated graph by graph when few graphs changed
        previous = store_digests(out / STORE_DIR_NAME) if store else {}
        digests: dict[str, str] = {}
        changed: dict[str, list] | None = {} if previous else None
        most = max(50, len(res.extractions) // 4)
        with rep.stage("write", total=len(res.extractions) + 1, unit="graph") as writing:
            with atomic_write(stage / "graph.ttl") as ttl, atomic_write(stage / "graph.trig") as trig:
                writer = GraphWriter(ttl, trig, shared=_shared_subjects(res))
                for i, (giri, triples) in enumerate(emit_graphs(res)):
                    digests[giri] = writer.write(giri, triples)
                    nodes.feed(triples)
                    writing.advance(1, giri.rsplit("/", 1)[-1])
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
                    if html:
                        if view_subjects is None:
                            view_part.extend(triples)
                        else:
                            view_part.extend(t for t in triples if t[0] in view_subjects and _for_view(t))
                            view_aliases.update(t for t in triples if t[1] == _ALT_LABEL and t[0] in view_entities)
            counted = nodes.counts(writer.triples)
            report.triples, report.actors, report.places, report.events = (
                counted.triples, counted.actors, counted.places, counted.events)
            for _name, (filename, table_writer) in EXPORTERS.items():
                if table_writer is not None:
                    table_writer(None, res, stage / filename)
        if store:
            removed = sorted(set(previous) - set(digests))
            with rep.stage("store"):
                if changed is None:
                    load_store(stage / STORE_DIR_NAME, named=stage / "graph.trig", default=stage / "graph.ttl")
                else:
                    update_store(out / STORE_DIR_NAME, stage / STORE_DIR_NAME, changed, removed)
                save_digests(stage / STORE_DIR_NAME, digests)
            del changed
        if validate:
            from kg.ontology import validate as shacl_validate

            with rep.stage("SHACL"):
                report.conforms, report.validation = shacl_validate(_closure_graph(shacl_part, entity_triples))
            report.validated_articles = len(checked)
            if not report.conforms:
                report.warnings.append("the graph does not conform to ontology/shapes.ttl (run 'kg validate')")
        del shacl_part
        if html:
            view_part.extend(sorted(view_aliases))
            with rep.stage("view"):
                _write_view(report, res, _closure_graph(view_part, entity_triples), view_subjects is not None,
                            stage / "graph.html")
        del view_part, view_aliases
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
