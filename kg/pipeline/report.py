"""What a build reports: :class:`BuildReport` (plain data, its summary and exit code) and the
``report.json`` it leaves beside the exports (counts, notices and the SHA-256 of every export).

Plain data and hashing only: imports nothing of kg's stages (no extraction, RDF or store).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from kg.errors import printable
from kg.ingest import Notice, Rejected

__all__ = ["BuildReport", "REPORT_NAME", "sha256", "report_json"]

#: the build's report beside its exports, published last (it names the digests of all the others)
REPORT_NAME = "report.json"


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
    #: the overrides the build resolved with (checked, normalised), kept in report.json for kg remove
    overrides: dict | None = None

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


def sha256(path: Path) -> str:
    """The SHA-256 of a file's bytes, as report.json names them."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def report_json(report: BuildReport, digests: dict[str, str], store: str | None, manifest: str) -> dict:
    """The content of report.json: ``report``'s counts and notices, the ``digests`` of the exports,
    the ``store`` digest (None without a store) and the article ``manifest``'s digest."""
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
        **({"overrides": report.overrides} if report.overrides else {}),
    }
