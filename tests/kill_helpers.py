"""Builds killed at a chosen file operation, for tests/test_reliability.py.

The builds run in processes forked from a multiprocessing *forkserver* (which imported
:mod:`kg.pipeline` once) rather than from pytest: a process forked from pytest, whose Oxigraph bulk
loader has started its thread pool, would wait forever for threads a fork does not copy. The
extraction is given (computed once by the test): what is tested is the publication.
"""

from __future__ import annotations

import dataclasses
import os
import signal
from pathlib import Path


def build_killed_at(step: int, paths: list[Path], out: Path, extractions: list) -> None:
    """Build ``paths`` into ``out`` (no HTML, no SHACL) from the given ``extractions``, SIGKILLing
    this process right after its ``step``-th file operation (rename or symbolic link) whose target
    is in ``out``; ``step`` 0 never kills."""
    import kg.pipeline as pipeline
    import kg.pipeline.extraction as extraction

    count = [0]
    real_replace, real_symlink = os.replace, os.symlink

    def tick(dst) -> None:
        if Path(dst).parent.resolve() == Path(out).resolve():
            count[0] += 1
            if count[0] == step:
                os.kill(os.getpid(), signal.SIGKILL)

    def replace(src, dst, **kw):
        real_replace(src, dst, **kw)
        tick(dst)

    def symlink(src, dst, *a, **kw):
        real_symlink(src, dst, *a, **kw)
        tick(dst)

    os.replace, os.symlink = replace, symlink
    given(extraction, extractions)
    pipeline.build(paths, out, html=False, validate=False, progress=None)


def given(extraction, extractions: list) -> None:
    """Make a build's extraction stage give ``extractions`` (by article id) instead of parsing: it replaces
    ``iter_extractions`` in ``extraction`` (:mod:`kg.pipeline.extraction`, where the build looks it up)."""
    by_id = {ex.article.id: ex for ex in extractions}

    def iter_extractions(articles, **_kw):
        return iter([dataclasses.replace(by_id[a.id], article=a) for a in articles])

    extraction.iter_extractions = iter_extractions
