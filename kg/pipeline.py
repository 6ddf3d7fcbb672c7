"""The whole flow in one call: ingest → nlp → extract → resolve → emit → store (→ view).

:func:`build` is what ``kg build`` runs; it returns a :class:`BuildReport` (plain data) and
writes the exports. Library users can run the stages themselves (see README).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Dataset

from kg.emit import emit, union_graph
from kg.errors import BuildError
from kg.extract import Extraction, extract
from kg.gazetteer import load_gazetteer
from kg.ingest import DEFAULT_MAX_BYTES, Article, NoInputError, Notice, Rejected, ingest
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
    ignored: list[str] = field(default_factory=list)
    conforms: bool | None = None
    validation: str = ""
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
            lines.append("  SHACL: conforms" if self.conforms else "  SHACL: VIOLATIONS (see kg validate)")
        lines.append(f"  warnings {len(self.warnings)} · rejected {len(self.rejected)}"
                     + (f" · ignored {len(self.ignored)} non-.txt file(s)" if self.ignored else ""))
        return "\n".join(lines)


def nlp_text(article: Article) -> str:
    """The text given to spaCy: the article text with the date header blanked (same offsets).

    The blank ends with a line break so that the body's first word starts a sentence.
    """
    if article.body_start == 0:
        return article.text
    return " " * (article.body_start - 1) + "\n" + article.text[article.body_start:]


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
        "conforms": report.conforms,
        "files": digests,
    }


def build(paths: Iterable[str | Path], out_dir: str | Path = "exports", *, html: bool = True,
          validate: bool = True, overrides: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES,
          progress: Callable[[int, int, str], None] | None = _stderr_progress) -> BuildReport:
    """Build the graph of ``paths`` into ``out_dir``; bad inputs are reported, not raised.

    All exports are written into a staging folder ``out_dir/.build-PID-XXXX`` and moved into
    ``out_dir`` at the end (``report.json`` last, with the SHA-256 of every other export), so a
    build stopped at any moment leaves the previous exports whole. When every input is rejected
    nothing is written and the report has ``files == []``.

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
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BuildError(f"{out}: cannot create the output folder ({exc.strerror})") from None
    names = [filename for filename, _writer in EXPORTERS.values()] + (["graph.html"] if html else [])
    _clean_stale(out, names + [_REPORT_NAME])
    extractions = extract_articles(ing.articles, progress=progress)
    res: Resolution = resolve(extractions, overrides=overrides)
    ds: Dataset = emit(res)
    g = union_graph(ds)
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
    try:
        stage = Path(tempfile.mkdtemp(prefix=f"{_STAGE_PREFIX}{os.getpid()}-", dir=out))
    except OSError as exc:
        raise BuildError(f"{out}: cannot write in the output folder ({exc.strerror})") from None
    try:
        for _name, (filename, writer) in EXPORTERS.items():
            writer(ds, res, stage / filename)
        if html:
            from kg.view import write_html

            write_html(g, stage / "graph.html", title="kg — conflict graph")
        digests = {name: _sha256(stage / name) for name in names}
        with atomic_write(stage / _REPORT_NAME) as fh:
            json.dump(_report_json(report, digests), fh, ensure_ascii=False, indent=1)
            fh.write("\n")
        _publish(stage, out, names + [_REPORT_NAME])
    except OSError as exc:
        raise BuildError(f"{out}: cannot write the exports ({exc.strerror or exc}); "
                         "previous exports kept") from None
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    report.files = [str(out / name) for name in names + [_REPORT_NAME]]
    report.seconds = time.perf_counter() - t0
    return report
