"""Long texts: parse time per 10,000 characters, whole and in pieces (issue #14, defect 5).

    python benchmarks/long_texts.py [--sizes 25000 100000 200000]

Each text is the SYNTHETIC corpus of ``benchmarks/make_corpus.py`` (seed 3) joined into one
article and cut to the size (at a line break). For each size it prints the seconds of
``kg.extract.batch.extract_batch`` (spaCy + extraction) with the text parsed whole and in pieces of
``kg.nlp.segment.PIECE_CHARS``, per 10,000 characters, and their ratio — in the same run, the model
loaded before timing. A cost per 10,000 characters that grows with the size is superlinear.
The whole-text run is skipped above 1,000,000 characters (spaCy refuses it).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "benchmarks"))


def _text(size: int) -> str:
    from make_corpus import make_corpus

    files = make_corpus(400, 3, Path(tempfile.mkdtemp(prefix="kg-long-")))
    body = ""
    for f in files:
        t = f.read_text(encoding="utf-8")
        body += (t.split("\n", 1)[1] if t.startswith(" date") else t).strip() + "\n\n"
    while len(body) < size:
        body += body
    cut = body[:size]
    return " date 2016-05-01\n" + cut[:cut.rfind("\n") + 1]


def _seconds(article, limit: int) -> float:
    import kg.nlp.segment
    from kg.extract.batch import extract_batch

    kg.nlp.segment.PIECE_CHARS = limit
    t = time.perf_counter()
    extract_batch([article])
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[25_000, 100_000, 200_000])
    args = ap.parse_args()
    import kg.nlp.segment
    from kg.gazetteer import load_gazetteer
    from kg.ingest import article_from_text
    from kg.nlp import load_nlp

    load_nlp()
    load_gazetteer()
    pieces = kg.nlp.segment.PIECE_CHARS
    print(f"{'chars':>9} {'whole s/10k':>12} {'pieces s/10k':>13} {'whole/pieces':>13}  (pieces of {pieces:,})")
    for size in args.sizes:
        art = article_from_text(f"long{size}", _text(size))
        n = len(art.text) / 10_000
        split = _seconds(art, pieces) / n
        whole = _seconds(art, 10**9) / n if len(art.text) < 1_000_000 else float("nan")
        print(f"{len(art.text):>9,} {whole:>12.2f} {split:>13.2f} {whole / split:>13.2f}", flush=True)


if __name__ == "__main__":
    main()
