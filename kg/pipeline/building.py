"""What ``kg build`` and ``kg remove`` run: :func:`build` (paths → exports in an output folder) and
:func:`remove` (the current build without some articles), each returning a :class:`BuildReport`.

The flow: read (:func:`kg.ingest.ingest`), lock the output folder (:mod:`kg.pipeline.outdir`),
extract (:mod:`kg.pipeline.extraction`), then resolve, stage and publish
(:func:`kg.pipeline.stages.finish`). Orchestration only: no extraction, RDF or store code here.
"""

from __future__ import annotations

import dataclasses
import json
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from kg.errors import BuildError, CacheError, UsageError, closest
from kg.ingest import DEFAULT_MAX_BYTES, Article, NoInputError, ingest
from kg.pipeline.extraction import build_extractions, extraction_table, open_cache
from kg.pipeline.incremental import CACHE_DIR_NAME, MANIFEST_NAME, ExtractionCache, read_manifest
from kg.pipeline.outdir import KG_EXPORTS, ForeignFolderError, OutputFolder, check_output_folder
from kg.pipeline.publish import check_store_target
from kg.pipeline.report import REPORT_NAME, BuildReport, sha256
from kg.pipeline.runner import check_dask
from kg.pipeline.stages import finish
from kg.progress import Progress, as_progress
from kg.resolve import load_overrides
from kg.store import STORE_DIR_NAME, STORE_MARKER

__all__ = ["build", "remove"]


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
    :data:`~kg.pipeline.publish.PUBLICATION_STEPS` (``report.json`` last, naming the SHA-256 of every
    export and of the store), so a build stopped at any moment leaves the previous exports whole and readers can tell
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
    beyond :data:`~kg.pipeline.extraction.SPILL_ARTICLES` articles): the parent then holds per article
    only its entity ids, not its records.

    ``progress`` reports each stage (read, model load, parse, resolve, write, store, SHACL,
    view): ``"auto"`` (the default) draws bars on a terminal and writes plain lines elsewhere
    (:func:`kg.progress.auto_progress`); None is silent; a :class:`kg.progress.Progress` or a
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
        # the output folder inside an input folder, or its exports when it is one, are no inputs
        ing = ingest(paths, max_bytes=max_bytes, skip=[out, *(out / n for n in (*KG_EXPORTS, STORE_DIR_NAME))])
    report.rejected = ing.rejected
    report.warnings = list(ing.warnings)
    report.ignored = list(ing.ignored)
    if not ing.articles:
        if ing.rejected:
            report.seconds = time.perf_counter() - t0
            return report
        raise NoInputError("no .txt article file found in " + ", ".join(str(p) for p in paths))
    rules = load_overrides(overrides)  # a bad file is reported now, not after the extraction
    check_dask(dask)  # so is a malformed --dask
    with OutputFolder(out, force=force, on_wait=on_wait).open(check_store_target if store else None) as folder:
        xcache = open_cache(cache, out)
        stream = build_extractions(ing.articles, rep, jobs=jobs, cache=xcache, dask=dask, on_wait=on_wait)
        with extraction_table(stream, len(ing.articles), folder, spill) as extractions:
            if xcache is not None:
                report.warnings.extend(xcache.problems)
            finish(report, extractions, folder, html=html, validate=validate, overrides=rules, store=store,
                    progress=rep)
        if xcache is not None:
            xcache.prune(ing.articles)
    report.seconds = time.perf_counter() - t0
    return report


def _build_overrides(out: Path) -> dict | None:
    """The overrides the build in ``out`` resolved with, as its report.json keeps them (None: none)."""
    try:
        data = json.loads((out / REPORT_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    rules = data.get("overrides") if isinstance(data, dict) else None
    return rules if isinstance(rules, dict) else None  # checked by load_overrides as a file would be


def remove(ids: Iterable[str], out_dir: str | Path = "exports", *, cache: str | Path | None = None,
           html: bool = True, validate: bool = True, overrides: str | None = None,
           store: bool | None = None, progress: Progress | Callable[[int, int, str], None] | str | None = None,
           on_wait: Callable[[str], None] | None = None) -> BuildReport:
    """Rebuild ``out_dir`` without the articles ``ids``, from the articles of its current build.

    Every build leaves its articles beside its exports (``.kg-articles.jsonl``, whose digest
    ``report.json`` names), so this works after any build, incremental or not. Articles whose
    extraction is in the cache (``out_dir/.kg-cache``, or ``cache``) are not parsed again; the
    others are, and their extractions are written to that cache (begun here after a build without
    ``--incremental``), so the next removal parses nothing. Raises :class:`BuildError` when
    ``out_dir`` holds no build of this kg, :class:`UsageError` (naming the close ids) when an id is not in it, or when ``out_dir`` is a folder kg did not make. ``store`` defaults to whether the build kept a store. ``progress`` as for :func:`build`.
    """
    rep = as_progress(progress)
    try:
        return _remove(ids, out_dir, rep, cache=cache, html=html, validate=validate, overrides=overrides,
                       store=store, on_wait=on_wait)
    finally:
        rep.close()


def _close_ids(unknown: list[str], known: list[str]) -> str:
    """``"; did you mean …?"``: the ids of the build that start with or are close to an unknown one
    (all of them when the build has a few and none is close), else where to find them."""
    close = list(dict.fromkeys(c for u in unknown for c in closest(u, known, n=5)))
    if close:
        return f"; did you mean {', '.join(map(repr, close))}?"
    if len(known) <= 10:
        return f"; its articles: {', '.join(known)}"
    return "; report.json and .kg-articles.jsonl list them"


def _without(article: Article, gone: set[str]) -> Article | None:
    """``article`` once the names in ``gone`` are removed, as a build without those files would read
    it: None when none of its names is left; under its first other name (a file with the same text,
    kept as an alias) when its own id goes, its other names kept as aliases."""
    names = [n for n in (article.id, *article.also_as) if n not in gone]
    if not names:
        return None
    if names[0] == article.id:
        return dataclasses.replace(article, also_as=tuple(names[1:]))
    return dataclasses.replace(article, id=names[0], also_as=tuple(names[1:]), path="")


def _remove(ids: Iterable[str], out_dir: str | Path, rep: Progress, *, cache: str | Path | None, html: bool,
            validate: bool, overrides: str | None, store: bool | None,
            on_wait: Callable[[str], None] | None) -> BuildReport:
    t0 = time.perf_counter()
    out = Path(out_dir)
    try:
        kind = check_output_folder(out)
    except ForeignFolderError as exc:  # kg remove has no --force: it rewrites only a build
        raise UsageError(f"{out}: {exc.what}; kg remove rewrites only the output folder of a kg build "
                         "(it has no --force): pass that folder with -o") from None
    if kind == "new":
        raise BuildError(f"{out}: no kg build here to remove articles from; run 'kg build -o {out}' first")
    # the build's own overrides (report.json keeps them) unless others are given: a removal resolves
    # the remaining articles as the build did
    rules = load_overrides(overrides if overrides is not None else _build_overrides(out))

    def precheck(folder: OutputFolder) -> None:
        if store:
            check_store_target(folder)

    with OutputFolder(out, on_wait=on_wait).open(precheck) as folder:
        articles = _current_articles(out)
        gone = set(ids)
        known = {a.id for a in articles} | {alias for a in articles for alias in a.also_as}
        unknown = sorted(gone - known)
        if unknown:
            raise UsageError(f"{out}: no article {', '.join(map(repr, unknown))} in the last build "
                             f"({len(articles)} article(s)){_close_ids(unknown, sorted(known))}")
        keep = sorted((k for a in articles if (k := _without(a, gone)) is not None), key=lambda a: a.id)
        if not keep:
            raise UsageError(f"{out}: removing {', '.join(sorted(gone))} would leave no article; "
                             "delete the folder instead")
        cache_dir = Path(cache) if cache else out / CACHE_DIR_NAME
        # the cache kg build --incremental keeps, begun here after a build without it: the articles
        # parsed now are not parsed again by the next removal (a file of that name is left alone)
        other = (cache_dir.exists() or cache_dir.is_symlink()) and not cache_dir.is_dir()
        xcache = None if other else ExtractionCache(cache_dir)
        report = BuildReport(str(out))
        if store is None:  # as the build kept it: a store of kg's is there
            link = out / STORE_DIR_NAME
            store = folder.store_home is not None or (link.is_dir() and not link.is_symlink()
                                                      and (link / STORE_MARKER).is_file())
        stream = build_extractions(keep, rep, cache=xcache)
        with extraction_table(stream, len(keep), folder, None) as extractions:
            report.warnings = [w for a in keep for w in a.warnings] + (xcache.problems if xcache else [])
            finish(report, extractions, folder, html=html, validate=validate, overrides=rules, store=store,
                    progress=rep)
        if xcache is not None:
            xcache.prune(keep)
    report.seconds = time.perf_counter() - t0
    return report


def _current_articles(out: Path) -> list[Article]:
    """The articles of the build ``out/report.json`` describes (its manifest, checked against it)."""
    path = out / MANIFEST_NAME
    try:
        report = json.loads((out / REPORT_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        report = None
    if not isinstance(report, dict) or not path.is_file():
        raise BuildError(f"{out}: no article list of the last build ({MANIFEST_NAME} or report.json is missing: "
                         f"built by an older kg, or not built); run 'kg build -o {out}' again first")
    if report.get("manifest") != sha256(path):
        raise BuildError(f"{out}: {MANIFEST_NAME} does not belong to the build report.json describes (a build "
                         f"was stopped while it published); run 'kg build -o {out}' again first")
    try:
        return read_manifest(path)
    except CacheError as exc:
        raise BuildError(str(exc)) from None
