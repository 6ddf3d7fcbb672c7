"""The issue #6 benchmarks, in one command; each prints a ratio measured in the same run.

    .venv/bin/python benchmarks/run.py            # full sizes (1,000 and 10,000 articles; ~1 h on 2 cores)
    .venv/bin/python benchmarks/run.py --quick    # small sizes (a few minutes)
    .venv/bin/python benchmarks/run.py --only 1,2 # some of them

1. build throughput, one process, vs a bare ``nlp.pipe`` of the same model on the same texts (≥ 0.80)
2. ``--jobs 2`` vs ``--jobs 1`` (≥ 1.6×)
3. peak resident memory of ``kg build`` on 10,000 articles (≤ 2 GB), and its growth from 1,000
4. incremental rebuild after adding 10 articles to 1,000, vs the full build (≤ 5 %)
5. 8 analyst queries of ``queries/`` on a graph of 3,400 articles (≥ 1M triples): median latency,
   Oxigraph store vs rdflib in memory (≥ 20×, median ≤ 50 ms); rdflib queries stop at 120 s
6. Turtle export of that graph: Oxigraph store dump vs rdflib's serializer (≥ 10×); rdflib stops at 900 s

The corpora are SYNTHETIC (``benchmarks/make_corpus.py``). Results go to stdout and, as JSON,
to ``--json`` (default ``WORK/results.json``); benchmarks/RESULTS.md records them by hand.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "benchmarks"))

from make_corpus import make_corpus  # noqa: E402

QUERIES = ["events-by-type-month", "who-fought-whom", "adversaries", "territory-captures", "casualty-tolls",
           "events-in-place", "actor-timeline", "multi-source-events"]
RESULTS: dict = {}


def say(msg: str) -> None:
    print(msg, flush=True)


def machine() -> dict:
    import psutil

    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"cpu": cpu, "cores": os.cpu_count(), "ram_gb": round(psutil.virtual_memory().total / 2**30, 1),
            "python": platform.python_version(), "platform": platform.platform(),
            "date": time.strftime("%Y-%m-%d %H:%M")}


def corpus(work: Path, n: int, seed: int = 1) -> Path:
    d = work / f"corpus-{n}-s{seed}"
    if not (d / "MANIFEST.SYNTHETIC.json").exists():
        shutil.rmtree(d, ignore_errors=True)
        make_corpus(n, seed, d)
    return d


def _build(src, out: Path, **kw):
    from kg.pipeline import build

    shutil.rmtree(out, ignore_errors=True)
    t = time.perf_counter()
    report = build(src if isinstance(src, list) else [src], out, html=False, validate=False, progress=None, **kw)
    return time.perf_counter() - t, report


def bench_throughput(work: Path, n: int) -> None:
    """1 and 2: build(jobs=1), build(jobs=2), bare nlp.pipe; the model is loaded before timing."""
    import spacy

    from kg.batch import nlp_text
    from kg.ingest import ingest
    from kg.nlp import MODEL, load_nlp

    src = corpus(work, n)
    load_nlp()  # loaded once, before the clocks (workers inherit it)
    texts = [nlp_text(a) for a in ingest([src]).articles]
    bare = spacy.load(MODEL)
    t = time.perf_counter()
    tokens = sum(len(doc) for doc in bare.pipe(texts, batch_size=8))
    t_bare = time.perf_counter() - t
    del bare
    t1, rep = _build(src, work / "out-jobs1", jobs=1)
    t2, _ = _build(src, work / "out-jobs2", jobs=2)
    same = all((work / "out-jobs1" / f).read_bytes() == (work / "out-jobs2" / f).read_bytes()
               for f in ("graph.ttl", "graph.trig", "events.csv"))
    RESULTS["1_throughput"] = {"articles": n, "tokens": tokens, "bare_pipe_s": round(t_bare, 2),
                               "build_jobs1_s": round(t1, 2), "ratio": round(t_bare / t1, 3), "target": ">= 0.80",
                               "bare_tokens_per_s": round(tokens / t_bare), "triples": rep.triples}
    RESULTS["2_jobs"] = {"articles": n, "jobs1_s": round(t1, 2), "jobs2_s": round(t2, 2),
                         "speedup": round(t1 / t2, 3), "target": ">= 1.6", "identical_exports": same}
    say(f"[1] build, 1 process: {n} articles ({tokens} tokens) in {t1:.1f} s; bare nlp.pipe {t_bare:.1f} s "
        f"({tokens / t_bare:.0f} tok/s) -> ratio {t_bare / t1:.2f} (target >= 0.80)")
    say(f"[2] --jobs 2: {t2:.1f} s vs --jobs 1 {t1:.1f} s -> {t1 / t2:.2f}x (target >= 1.6x); "
        f"identical exports: {same}")


def _peak_rss(cmd: list[str]) -> tuple[float, float, float]:
    """Run ``cmd``; return (seconds, peak of the summed RSS of it and its children, peak of their
    summed PSS), in MB. RSS counts the pages forked workers share with their parent once per
    process; PSS (Linux) splits them between the processes that share them."""
    import psutil

    t = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = peak_pss = 0
    ps = psutil.Process(proc.pid)
    err: list[bytes] = []
    reader = threading.Thread(target=lambda: err.append(proc.stderr.read()), daemon=True)
    reader.start()
    while proc.poll() is None:
        try:
            procs = [ps] + ps.children(recursive=True)
            peak = max(peak, sum(p.memory_info().rss for p in procs))
            peak_pss = max(peak_pss, sum(getattr(p.memory_full_info(), "pss", 0) for p in procs))
        except psutil.Error:
            pass
        time.sleep(0.2)
    reader.join(5)
    if proc.returncode not in (0, 3):
        raise RuntimeError(f"{cmd}: exit {proc.returncode}: {b''.join(err).decode()[-2000:]}")
    return time.perf_counter() - t, peak / 2**20, peak_pss / 2**20


def bench_memory(work: Path, small: int, large: int, jobs: int) -> None:
    """3: peak RSS of ``kg build`` (a subprocess, with the store) on two corpus sizes."""
    out = {}
    for n in (small, large):
        src = corpus(work, n)
        dest = work / f"out-mem-{n}"
        shutil.rmtree(dest, ignore_errors=True)
        secs, mb, pss = _peak_rss([sys.executable, "-m", "kg.cli", "build", str(src), "-o", str(dest),
                                   "--no-html", "--no-validate", "-q", "--jobs", str(jobs)])
        report = json.loads((dest / "report.json").read_text())
        out[n] = {"seconds": round(secs, 1), "peak_rss_mb": round(mb), "peak_pss_mb": round(pss),
                  "triples": report["triples"]}
        say(f"[3] kg build --jobs {jobs} (store included), {n} articles: {secs:.0f} s, peak RSS {mb:.0f} MB, "
            f"peak PSS {pss:.0f} MB ({report['triples']} triples)")
    growth = out[large]["peak_rss_mb"] / out[small]["peak_rss_mb"]
    RESULTS["3_memory"] = {"jobs": jobs, "runs": out, "growth": round(growth, 2), "target": "<= 2048 MB"}
    say(f"[3] peak RSS {out[large]['peak_rss_mb']} MB at {large} articles (target <= 2048 MB); "
        f"x{growth:.2f} from {small} to {large} articles")


def bench_incremental(work: Path, n: int) -> None:
    """4: full build with the cache, then 10 new articles, then the incremental rebuild."""
    from kg.nlp import load_nlp

    load_nlp()
    base = corpus(work, n)
    extra = corpus(work, 10, seed=99)
    src = work / f"incr-{n}"
    shutil.rmtree(src, ignore_errors=True)
    shutil.copytree(base, src)
    out = work / f"out-incr-{n}"
    t_full, _ = _build(src, out, cache=True)
    for f in extra.glob("SYNTH_*.txt"):
        shutil.copy(f, src / f.name)
    from kg.pipeline import build

    t = time.perf_counter()
    build([src], out, html=False, validate=False, progress=None, cache=True)
    t_inc = time.perf_counter() - t
    RESULTS["4_incremental"] = {"articles": n, "added": 10, "full_s": round(t_full, 2),
                                "incremental_s": round(t_inc, 2), "ratio": round(t_inc / t_full, 4),
                                "target": "<= 0.05"}
    say(f"[4] incremental: +10 articles to {n} in {t_inc:.1f} s vs full {t_full:.1f} s -> "
        f"{100 * t_inc / t_full:.1f} % (target <= 5 %)")


def _graph_build(work: Path, n: int) -> Path:
    """The build of ``n`` synthetic articles that benchmarks 5 and 6 query (made once, --jobs 2)."""
    out = work / f"out-graph-{n}"
    if not ((out / "store").is_dir() and (out / "report.json").exists()):
        from kg.pipeline import build

        shutil.rmtree(out, ignore_errors=True)
        build([corpus(work, n)], out, html=False, validate=False, progress=None, jobs=2)
    return out


RDFLIB_TIMEOUT = 120.0  # s: rdflib's evaluator can take very long on nested OPTIONAL sub-selects
RDFLIB_EXPORT_TIMEOUT = 900.0  # s: rdflib's Turtle serializer on >= 1M triples


def _in_child(fn, timeout: float):
    """Run ``fn()`` in a forked child (sharing the parsed graph); its result, or None when it times out."""
    import multiprocessing as mp

    ctx = mp.get_context("fork")
    out = ctx.Queue()
    proc = ctx.Process(target=lambda: out.put(fn()))
    proc.start()
    proc.join(timeout)
    if proc.is_alive():
        proc.kill()
        proc.join()
        return None
    return out.get()


def _rdflib_rows(g, q, run_query, timeout: float):
    rows = _in_child(lambda: len(list(run_query(g, q))), timeout)
    return f">{timeout:.0f}s" if rows is None else rows


def bench_queries(work: Path, n: int, repeat: int, queries: bool = True, export: bool = True) -> None:
    """5 and 6: the same graph in rdflib (parsed from graph.ttl) and in the Oxigraph store."""
    from kg.queries import load_query
    from kg.store import load_graph, open_store, query_store, run_query

    out = _graph_build(work, n)
    triples = json.loads((out / "report.json").read_text())["triples"]
    t = time.perf_counter()
    g = load_graph(out / "graph.ttl")
    t_parse = time.perf_counter() - t
    store = open_store(out / "store")
    if not queries:
        _export(work, out, g, store, triples)
        return
    per_query = {}
    ox_all, rdf_all = [], []
    for name in QUERIES:
        q = load_query(name)
        ox, rl = [], []
        rows_ox = rows_rl = 0
        for _ in range(repeat):
            t = time.perf_counter()
            rows_ox = len(list(query_store(store, q)))
            ox.append(time.perf_counter() - t)
        for _ in range(max(1, repeat // 3)):
            t = time.perf_counter()
            rows_rl = _rdflib_rows(g, q, run_query, RDFLIB_TIMEOUT)
            rl.append(time.perf_counter() - t)
        per_query[name] = {"oxigraph_ms": round(1000 * statistics.median(ox), 1),
                           "rdflib_ms": round(1000 * statistics.median(rl), 1), "rows": [rows_ox, rows_rl]}
        ox_all.append(statistics.median(ox))
        rdf_all.append(statistics.median(rl))
        say(f"    {name:<22} oxigraph {1000 * statistics.median(ox):9.1f} ms   rdflib "
            f"{1000 * statistics.median(rl):9.1f} ms   rows {rows_ox}/{rows_rl}")
    m_ox, m_rl = statistics.median(ox_all), statistics.median(rdf_all)
    RESULTS["5_queries"] = {"triples": triples, "graph": out.name, "rdflib_parse_s": round(t_parse, 1),
                            "median_oxigraph_ms": round(1000 * m_ox, 1), "median_rdflib_ms": round(1000 * m_rl, 1),
                            "speedup": round(m_rl / m_ox, 1), "target": ">= 20x, median <= 50 ms",
                            "queries": per_query}
    say(f"[5] {len(QUERIES)} queries on {triples} triples: median oxigraph {1000 * m_ox:.1f} ms vs rdflib "
        f"{1000 * m_rl:.1f} ms -> {m_rl / m_ox:.1f}x (target >= 20x, <= 50 ms)")
    if export:
        _export(work, out, g, store, triples)


def _export(work: Path, out: Path, g, store, triples: int) -> None:
    from kg.store import dump_store

    t = time.perf_counter()
    dump_store(store, work / "export-oxigraph.ttl")
    t_ox = time.perf_counter() - t
    t = time.perf_counter()
    done = _in_child(lambda: g.serialize(destination=str(work / "export-rdflib.ttl"), format="turtle") and True,
                     RDFLIB_EXPORT_TIMEOUT)
    t_rl = time.perf_counter() - t
    bound = "" if done else ">="
    RESULTS["6_export"] = {"triples": triples, "oxigraph_s": round(t_ox, 2), "rdflib_s": round(t_rl, 2),
                           "rdflib_finished": bool(done), "speedup": f"{bound}{t_rl / t_ox:.1f}",
                           "target": ">= 10x"}
    say(f"[6] Turtle export of {triples} triples: oxigraph {t_ox:.1f} s vs rdflib "
        f"{'stopped after ' if not done else ''}{t_rl:.1f} s -> {bound}{t_rl / t_ox:.1f}x (target >= 10x)")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="kg benchmarks (issue #6)")
    ap.add_argument("--quick", action="store_true", help="small sizes: 100 / 1,000 articles")
    ap.add_argument("--only", default="1,2,3,4,5,6", help="comma-separated benchmark numbers")
    ap.add_argument("--work", default="/tmp/kg-bench", help="folder for corpora and builds")
    ap.add_argument("--graph-articles", type=int, default=None,
                    help="articles of the graph benchmarks 5-6 query (default 3,400: >= 1M triples; quick 1,000)")
    ap.add_argument("--json", default=None, help="write the results here (default WORK/results[-quick].json)")
    args = ap.parse_args(argv)
    only = {int(x) for x in args.only.split(",")}
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    n1, small, large = (100, 100, 1000) if args.quick else (1000, 1000, 10000)
    RESULTS["machine"] = machine()
    RESULTS["mode"] = "quick" if args.quick else "full"
    say(f"machine: {RESULTS['machine']}")
    if only & {1, 2}:
        bench_throughput(work, n1)
    if 3 in only:
        bench_memory(work, small, large, jobs=2)
    if 4 in only:
        bench_incremental(work, n1)
    if only & {5, 6}:
        n_graph = args.graph_articles or (1000 if args.quick else 3400)
        bench_queries(work, n_graph, repeat=3 if args.quick else 5, queries=5 in only, export=6 in only)
    dest = Path(args.json) if args.json else work / f"results{'-quick' if args.quick else ''}.json"
    dest.write_text(json.dumps(RESULTS, indent=1) + "\n", encoding="utf-8")
    say(f"results: {dest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
