"""The stages of a build after extraction: resolve, then write every export into a staging folder
(graph, tables, store, SHACL, view, report) and publish them (:func:`finish`). The store loads in
a thread while SHACL checks and the view is drawn (:class:`_Loading`).

Each step is a stage of the build's :class:`~kg.progress.Progress`. Imports resolution,
:mod:`kg.rdf`, :mod:`kg.store` and the pipeline's own modules; never spaCy or the extractors
(the extraction records come in as an :class:`~kg.schema.spool.ExtractionTable`).
"""

from __future__ import annotations

import json
import os
import queue
import shutil
import threading
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

from kg.errors import BuildError
from kg.ingest import Article
from kg.pipeline.incremental import MANIFEST_NAME, write_manifest
from kg.pipeline.outdir import OutputFolder
from kg.pipeline.parts import (
    ALT_LABEL,
    closure_graph,
    record_mentions,
    shacl_graph,
    shacl_sample,
    shared_subjects,
    view_entities,
    view_sample,
    view_triples,
    write_view,
)
from kg.pipeline.publish import STAGE_PREFIX, publish
from kg.pipeline.report import REPORT_NAME, BuildReport, report_json, sha256
from kg.progress import Progress
from kg.rdf.counts import NodeCounter
from kg.rdf.derive import DERIVED_GRAPH, derived_triples
from kg.rdf.emit import ENTITIES_GRAPH, emit_graphs
from kg.resolve import Resolution, resolve
from kg.schema.spool import ExtractionTable
from kg.store import (
    EXPORTERS,
    LOAD_CHUNK_LINES,
    STORE_DIR_NAME,
    GraphWriter,
    atomic_write,
    load_store,
    prefix_header,
    save_digests,
    store_digest,
    store_digests,
    update_store,
)

__all__ = ["finish", "export_names"]


def export_names(html: bool) -> list[str]:
    """The files a build publishes before report.json (graph.html with ``html``)."""
    return [filename for filename, _writer in EXPORTERS.values()] + (["graph.html"] if html else [])


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
    mentions: dict = field(default_factory=dict)  # entity -> one article naming it (kg.pipeline.parts.shacl_graph)


def _resolve(report: BuildReport, extractions: ExtractionTable, overrides: dict | None) -> Resolution:
    """Step 1: one node per real thing (:func:`kg.resolve.resolve`); the report's counts."""
    res: Resolution = resolve(extractions, overrides=overrides)
    report.articles = len(res.extractions)
    return res


def _stage_graph(report: BuildReport, res: Resolution, st: _Staged, stage: Path, *, store: bool,
                 checked: set[int], view_subjects: set[str] | None, html: bool, writing,
                 on_block: Callable[[str], None] | None = None) -> _Staged:
    """Step 2: stream the emitted graph into graph.ttl and graph.trig, one article at a time,
    keeping the parts SHACL and the view need and, when a previous store is there, the graphs
    that changed since (it is then updated graph by graph instead of loaded again). ``on_block``
    is told each TriG block as it is written (:class:`_Blocks`: a new store loads them meanwhile)."""
    st.changed = {} if st.previous else None
    view_ents = view_entities(res, view_subjects) if view_subjects is not None else set()
    most = max(50, len(res.extractions) // 4)
    nodes = NodeCounter()  # the counts of the graph written, as kg network and kg.open count them (#13)
    with atomic_write(stage / "graph.ttl") as ttl, atomic_write(stage / "graph.trig") as trig:
        writer = GraphWriter(ttl, trig, shared=shared_subjects(res), on_block=on_block)
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
            if checked:
                record_mentions(st.mentions, triples)
            if html:
                st.view_part.extend(view_triples(triples, view_subjects))
                if view_subjects is not None:
                    st.view_aliases.update(t for t in triples if t[1] == ALT_LABEL and t[0] in view_ents)
    counted = nodes.counts(writer.triples)
    report.triples, report.actors, report.places, report.events = (
        counted.triples, counted.actors, counted.places, counted.events)
    return st


def _stage_tables(res: Resolution, stage: Path) -> None:
    """Step 3: events.csv and entities.csv."""
    for _name, (filename, table_writer) in EXPORTERS.items():
        if table_writer is not None:
            table_writer(None, res, stage / filename)


def _stage_store(st: _Staged, res: Resolution, stage: Path, out: Path) -> _Loading:
    """Step 4: the Oxigraph store in ``stage/store``, begun in a thread (:class:`_Loading`): bulk-loaded
    from the exports, or a checkpoint of the previous store with the changed graphs replaced; with
    its graph digests. The derived facts (:mod:`kg.rdf.derive`) are one more graph, redone every
    build; they are computed here, before the thread starts, so it reads nothing of ``res``."""
    removed = sorted(set(st.previous) - set(st.digests))
    changed, digests, st.changed = st.changed, st.digests, None
    if changed is not None:
        changed[str(DERIVED_GRAPH)] = list(derived_triples(res))

    def work(stop: Callable[[], bool]) -> None:
        if changed is None:
            load_store(stage / STORE_DIR_NAME, named=stage / "graph.trig", default=stage / "graph.ttl",
                       derived=stage / "derived.ttl", stop=stop)
        else:
            update_store(out / STORE_DIR_NAME, stage / STORE_DIR_NAME, changed, removed)
        save_digests(stage / STORE_DIR_NAME, digests)

    return _Loading(work)


def _new_store(st: _Staged, stage: Path, blocks: _Blocks) -> _Loading:
    """Step 4 for a new store, begun before step 2: its named graphs are bulk-loaded from the TriG
    blocks as :class:`GraphWriter` writes them (``blocks``), then the default graph and the derived
    facts from graph.ttl and derived.ttl once ``blocks`` is closed (both are whole then); with its
    graph digests. The store's bytes are those of a load of the files."""

    def work(stop: Callable[[], bool]) -> None:
        load_store(stage / STORE_DIR_NAME, named=blocks.pieces(stop), default=stage / "graph.ttl",
                   derived=stage / "derived.ttl", stop=stop)
        save_digests(stage / STORE_DIR_NAME, st.digests)

    loading = _Loading(work)
    blocks.alive = loading.alive
    return loading


class _Blocks:
    """The TriG blocks of a build's graph, gathered into pieces of about ``lines`` lines (each with
    the ``@prefix`` header) and handed to the store's load in its thread through a queue of two
    pieces at most, so memory stays bounded whatever the graph's size. :meth:`close` (once
    graph.ttl and derived.ttl are written) ends the named graphs."""

    def __init__(self, lines: int = LOAD_CHUNK_LINES):
        self.lines = lines
        self.alive: Callable[[], bool] = lambda: True
        self._queue: queue.Queue[bytes | None] = queue.Queue(maxsize=2)
        self._buf: list[str] = []
        self._count = 0
        self._head = prefix_header()

    def add(self, block: str) -> None:
        self._buf.append(block)
        self._count += block.count("\n")
        if self._count >= self.lines:
            self._flush()

    def close(self) -> None:
        self._flush()
        self._send(None)

    def _flush(self) -> None:
        if self._buf:
            piece = (self._head + "".join(self._buf)).encode("utf-8")
            self._buf, self._count = [], 0
            self._send(piece)

    def _send(self, item: bytes | None) -> None:
        while self.alive():  # a load that ended (its error is raised by wait()) takes nothing more
            try:
                self._queue.put(item, timeout=0.1)
                return
            except queue.Full:
                continue

    def pieces(self, stop: Callable[[], bool]) -> Iterator[bytes]:
        """The pieces, as they come, until :meth:`close`; :class:`InterruptedError` when ``stop``."""
        while True:
            try:
                item = self._queue.get(timeout=0.1)
            except queue.Empty:
                if stop():
                    raise InterruptedError("store load stopped") from None
                continue
            if item is None:
                return
            yield item


class _Loading:
    """The store's load, in a thread of its own beside the SHACL check and the view. Oxigraph's
    bulk load and compaction run in Rust without Python's lock, so on a machine of two cores or
    more the build waits only for the longer of the two instead of their sum (benchmarks/RESULTS.md).

    :meth:`wait` joins it and raises its error, if any. :meth:`stop` (when the build fails or is
    interrupted) asks it to end before its next piece and waits for it, so that the staging folder
    is removed only once nothing writes in it any more."""

    def __init__(self, work: Callable[[Callable[[], bool]], None]):
        self._stopping = threading.Event()
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(work,), name="kg-store-load", daemon=True)
        self._thread.start()

    def _run(self, work: Callable[[Callable[[], bool]], None]) -> None:
        try:
            work(self._stopping.is_set)
        except BaseException as exc:  # noqa: BLE001 - handed to the main thread by wait()
            self._error = exc

    def alive(self) -> bool:
        return self._thread.is_alive()

    def wait(self) -> None:
        self._thread.join()
        if self._error is not None:
            error, self._error = self._error, None
            raise error

    def stop(self) -> None:
        self._stopping.set()
        while self._thread.is_alive():  # a second Ctrl-C does not leave it writing in a folder being removed
            try:
                self._thread.join()
            except KeyboardInterrupt:
                continue


def _validate(report: BuildReport, st: _Staged, checked: set[int]) -> None:
    """Step 5: SHACL over the checked articles' graphs and the entities they reach."""
    from kg.rdf.ontology import validate as shacl_validate

    report.conforms, report.validation = shacl_validate(shacl_graph(st.shacl_part, st.entity_triples, st.mentions))
    report.validated_articles = len(checked)
    if not report.conforms:
        report.warnings.append("the graph does not conform to ontology/shapes.ttl (run 'kg validate')")


def _stage_report(report: BuildReport, stage: Path, names: list[str], articles: list[Article],
                  store: bool) -> None:
    """Step 7: the article manifest (for ``kg remove``) and report.json, which names the SHA-256
    of every export, of the manifest and of the store (its graph digests)."""
    write_manifest(stage / MANIFEST_NAME, articles)
    hashes = {name: sha256(stage / name) for name in names}
    with atomic_write(stage / REPORT_NAME) as fh:
        json.dump(report_json(report, hashes, store_digest(stage / STORE_DIR_NAME) if store else None,
                              sha256(stage / MANIFEST_NAME)), fh, ensure_ascii=False, indent=1)
        fh.write("\n")


def finish(report: BuildReport, extractions: ExtractionTable, folder: OutputFolder, *, html: bool,
           validate: bool, overrides: dict | None, store: bool, progress: Progress | None = None) -> None:
    """Resolve (with ``overrides`` as :func:`kg.resolve.load_overrides` read them: report.json keeps
    them); stage the exports (graph, tables, store, SHACL, view, report) in a fresh staging folder;
    publish them (:func:`kg.pipeline.publish.publish`). Each step is a stage of ``progress``."""
    report.overrides = overrides if overrides and (overrides["merge"] or overrides["split"]) else None
    out = folder.path
    rep = progress or Progress()
    with rep.stage("resolve"):
        res = _resolve(report, extractions, overrides)
    names = export_names(html)
    try:
        stage = folder.reserve(STAGE_PREFIX)
        stage.mkdir()
    except OSError as exc:
        raise BuildError(f"{out}: cannot write in the output folder ({exc.strerror})") from None
    loading: _Loading | None = None
    st = _Staged(previous=store_digests(out / STORE_DIR_NAME) if store else {})
    # a new store loads its named graphs while they are written; an updated one once they are
    blocks = _Blocks() if store and not st.previous else None
    try:
        checked = shacl_sample(len(res.extractions)) if validate else set()
        view_subjects = view_sample(res) if html else None
        with ExitStack() as storing:  # the store loads while the graph is written, SHACL checks and the view is drawn
            if store:
                beside = [name for name, on in (("the writing", blocks is not None), ("SHACL", validate),
                                                ("the view", html)) if on]
                storing.enter_context(rep.stage("store")).note(
                    f"loading beside {', '.join(beside[:-1])}{' and ' if beside[:-1] else ''}{beside[-1]}"
                    if beside else "loading")
            if blocks is not None:
                loading = _new_store(st, stage, blocks)
            with rep.stage("write", total=len(res.extractions) + 1, unit="graph") as writing:
                _stage_graph(report, res, st, stage, store=store, checked=checked, view_subjects=view_subjects,
                             html=html, writing=writing, on_block=blocks.add if blocks is not None else None)
                _stage_tables(res, stage)
            if blocks is not None:
                blocks.close()  # graph.ttl and derived.ttl are whole: the load goes on with them
            elif store:
                loading = _stage_store(st, res, stage, out)
            if validate:
                with rep.stage("SHACL"):
                    _validate(report, st, checked)
            st.shacl_part, st.mentions = [], {}
            if html:  # step 6: the view
                with rep.stage("view"):
                    st.view_part.extend(sorted(st.view_aliases))
                    write_view(report, res, closure_graph(st.view_part, st.entity_triples, for_reading=True),
                               view_subjects is not None, stage / "graph.html")
            st.view_part, st.view_aliases = [], set()
            if loading is not None:
                loading.wait()
        _stage_report(report, stage, names, [ex.article for ex in res.extractions], store)
        publish(folder, stage, names, store)
    except OSError as exc:
        raise BuildError(f"{out}: cannot write the exports ({exc.strerror or exc}); "
                         "previous exports kept") from None
    finally:
        if loading is not None:
            loading.stop()  # done already, or stopped before its next piece: nothing writes in the stage now
        shutil.rmtree(stage, ignore_errors=True)
        if not os.path.lexists(stage):
            folder.forget([stage.name])
    report.files = [str(out / name) for name in names + [REPORT_NAME]]
