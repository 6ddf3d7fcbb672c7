"""Generate a SYNTHETIC scale corpus from the seeds' sentence patterns and the gazetteers.

    python benchmarks/make_corpus.py 1000 --seed 1 -o /tmp/corpus-1k

Each article is a date header (`` date YYYY-MM-DD``, 2011–2024) and 6–14 sentences drawn from
the seed articles (``seeds/``), in which every capitalised gazetteer name (``kg/data/actors.jsonl``,
``kg/data/places.jsonl``) is swapped for a random entry of the same kind and class (a city for
a city, a jihadist group for a jihadist group). The texts are *synthetic*: they are not news,
their facts are random, and they exist only to measure speed and memory. They are labelled so
without touching the text: every file is named ``SYNTH_<seed>_<n>.txt`` (the word SYNTHETIC
is in the folder's ``MANIFEST.SYNTHETIC.json``, which lists every file, the generator, the seed
and the sources). The same ``N`` and ``--seed`` give the same files, byte for byte.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "seeds"
DATA = REPO / "kg" / "data"
_SENT = re.compile(r"(?<=[.!?»])\s+(?=[A-ZÀ-Ý«\"])")


def _entries() -> list[dict]:
    out = []
    for name, kind in (("actors.jsonl", "actor"), ("places.jsonl", "place")):
        for line in (DATA / name).read_text(encoding="utf-8").splitlines():
            if line.strip():
                e = json.loads(line)
                e["kind"] = kind
                out.append(e)
    return out


def _sentences() -> list[str]:
    out = []
    for f in sorted(SEEDS.glob("*.txt")):
        text = f.read_text(encoding="utf-8")
        if text.startswith(" date"):
            text = text.split("\n", 1)[1] if "\n" in text else ""
        for para in text.split("\n"):
            for s in _SENT.split(para.strip()):
                if len(s) > 40:
                    out.append(s.strip())
    return out


def _patterns(sentences: list[str], entries: list[dict]) -> tuple[list[tuple[str, list[tuple[str, str]]]], dict]:
    """Sentences with slots ``{0}``, ``{1}``… for the capitalised gazetteer names they contain."""
    forms = []
    for e in entries:
        for form in {e["label"], *e.get("aliases", [])}:
            if len(form) >= 3 and form[:1].isupper():
                forms.append((form, e["kind"], e["class"]))
    forms.sort(key=lambda f: -len(f[0]))
    pools: dict[tuple[str, str], list[str]] = {}
    for e in entries:
        if e["label"][:1].isupper():
            pools.setdefault((e["kind"], e["class"]), []).append(e["label"])
    for v in pools.values():
        v.sort()
    out = []
    for s in sentences:
        slots: list[tuple[str, str]] = []
        pattern = s.replace("{", "(").replace("}", ")")
        for form, kind, cls in forms:
            rx = re.compile(rf"(?<![\w-]){re.escape(form)}(?![\w-])")
            if rx.search(pattern):
                def sub(_m, kind=kind, cls=cls, slots=slots):
                    slots.append((kind, cls))
                    return "{" + str(len(slots) - 1) + "}"
                pattern = rx.sub(sub, pattern)
        out.append((pattern, slots))
    return out, pools


def make_corpus(n: int, seed: int, out_dir: str | Path) -> list[Path]:
    """Write ``n`` synthetic articles into ``out_dir`` (see the module docstring); return their paths."""
    rng = random.Random(seed)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    patterns, pools = _patterns(_sentences(), _entries())
    files = []
    for i in range(n):
        year, month, day = rng.randint(2011, 2024), rng.randint(1, 12), rng.randint(1, 28)
        lines = [f" date {year:04d}-{month:02d}-{day:02d}"]
        para: list[str] = []
        for _ in range(rng.randint(6, 14)):
            pattern, slots = rng.choice(patterns)
            fill = [rng.choice(pools.get(slot, ["Syrie"])) for slot in slots]
            para.append(pattern.format(*fill))
            if rng.random() < 0.35:
                lines.append(" ".join(para))
                para = []
        if para:
            lines.append(" ".join(para))
        path = out / f"SYNTH_{seed}_{i:06d}.txt"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        files.append(path)
    manifest = {
        "SYNTHETIC": True,
        "what": "synthetic articles for benchmarks only: seed sentence patterns with random gazetteer "
                "names and dates; not news, facts are random",
        "generator": "benchmarks/make_corpus.py", "n": n, "seed": seed,
        "sources": ["seeds/*.txt (sentence patterns)", "kg/data/actors.jsonl", "kg/data/places.jsonl"],
        "files": [p.name for p in files],
    }
    (out / "MANIFEST.SYNTHETIC.json").write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    return files


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("n", type=int, help="number of articles")
    ap.add_argument("--seed", type=int, default=1, help="random seed (same seed, same files)")
    ap.add_argument("-o", "--out", required=True, help="output folder")
    args = ap.parse_args(argv)
    files = make_corpus(args.n, args.seed, args.out)
    print(f"wrote {len(files)} SYNTHETIC articles to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
