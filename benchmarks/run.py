"""The benchmarks of issues #6 and #14, in one command; each ratio is measured in the same run.

    .venv/bin/python benchmarks/run.py            # the three #14 measures at full size (hours on 2 cores)
    .venv/bin/python benchmarks/run.py --quick    # small sizes (tens of minutes)
    .venv/bin/python benchmarks/run.py --only 1,2 # some of them

Issue #14 (the default, ``--only t,q,n,m``):

t. throughput: ``kg build --jobs 1`` (default options: store, SHACL sample, view) vs a bare
   ``nlp.pipe`` of the same model over the same texts, both as whole processes (model load
   included), at 200 and 1,000 articles, taking turns twice, fastest of each (target >= 0.85)
q. every named query of ``queries/`` on the store of a graph of >= 1M triples (3,400 articles),
   with its documented parameters (the ``example:`` line; target median <= 50 ms) and with none
   (target <= 500 ms); median of 5 runs (1 when the first takes over 5 s), results converted to
   rdflib terms as ``kg query`` does
n. ``kg network`` and ``kg view`` on that store's build, as whole processes (seconds, peak RSS), and
   the time to read the networks' part of the store alone
m. peak memory (RSS summed over the process tree) of ``kg build --jobs auto`` at 5,000 and
   20,000 articles, projected linearly to 100,000 (target <= 2 GB), and of ``kg build --dask
   local:2`` (a Dask LocalCluster) at 5,000

Issue #6 (``--only 1,2,3,4,5,6``): 1 build vs ``nlp.pipe`` in one process (>= 0.80), 2 ``--jobs 2``
vs ``--jobs 1`` (>= 1.6x), 3 peak RSS at 10,000 (<= 2 GB), 4 incremental rebuild (<= 5 %), 5 eight
queries Oxigraph vs rdflib (>= 20x), 6 Turtle export vs rdflib (>= 10x).

The corpora are SYNTHETIC (``benchmarks/make_corpus.py``). Results go to stdout, as JSON to
``--json`` (default ``WORK/results.json``) and as a Markdown table to ``WORK/results.md``;
benchmarks/RESULTS.md records them with the machine's load.
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

    from kg.ingest import ingest
    from kg.nlp import MODEL, load_nlp
    from kg.nlp.segment import nlp_text

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


def _code_key() -> str:
    """SHA-256 (16 hex) of kg's code, data and ontology: a build made by other code is not reused."""
    import hashlib

    h = hashlib.sha256()
    for p in sorted([*(REPO / "kg").rglob("*"), *(REPO / "ontology").rglob("*")]):
        if p.is_file() and "__pycache__" not in p.parts:
            h.update(p.relative_to(REPO).as_posix().encode() + b"\0" + p.read_bytes())
    return h.hexdigest()[:16]


def _graph_build(work: Path, n: int) -> Path:
    """The build of ``n`` synthetic articles that benchmarks 5, 6 and q query (--jobs 2), made again
    when kg's code, data or ontology changed since it was made (``.bench-code`` in the folder)."""
    out = work / f"out-graph-{n}"
    key = out / ".bench-code"
    fresh = (out / "store").is_dir() and (out / "report.json").exists()
    if not (fresh and key.is_file() and key.read_text() == _code_key()):
        from kg.pipeline import build

        shutil.rmtree(out, ignore_errors=True)
        build([corpus(work, n)], out, html=False, validate=False, progress=None, jobs=2)
        key.write_text(_code_key())
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


# ---------------------------------------------------------------------------------------- issue #14
_BARE = """
import sys
import spacy
from kg.nlp.segment import nlp_text
from kg.ingest import ingest
from kg.nlp import MODEL
texts = [nlp_text(a) for a in ingest([sys.argv[1]]).articles]
nlp = spacy.load(MODEL)
print(sum(len(doc) for doc in nlp.pipe(texts, batch_size=8)))
"""


def _timed(cmd: list[str]) -> float:
    t = time.perf_counter()
    proc = subprocess.run(cmd, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
    if proc.returncode not in (0, 3):
        raise RuntimeError(f"{cmd}: exit {proc.returncode}: {proc.stderr.decode()[-2000:]}")
    return time.perf_counter() - t


def bench14_throughput(work: Path, sizes: list[int], repeat: int = 2) -> None:
    """t: whole processes on the same texts, bare nlp.pipe and kg build --jobs 1 taking turns ``repeat``
    times; the ratio is of the fastest of each (a 2-core machine's speed drifts by 10-20 % between
    minutes, which one run of each turned into ratios 0.1 apart)."""
    kg = str(Path(sys.executable).with_name("kg"))
    out = {}
    for n in sizes:
        src = corpus(work, n)
        dest = work / f"out-t-{n}"
        bare_runs, kg_runs = [], []
        for _ in range(repeat):
            bare_runs.append(_timed([sys.executable, "-c", _BARE, str(src)]))
            shutil.rmtree(dest, ignore_errors=True)
            kg_runs.append(_timed([kg, "build", str(src), "-o", str(dest), "--jobs", "1", "-q"]))
        t_bare, t_kg = min(bare_runs), min(kg_runs)
        out[n] = {"bare_pipe_s": round(t_bare, 1), "kg_build_s": round(t_kg, 1), "ratio": round(t_bare / t_kg, 3),
                  "bare_runs_s": [round(x, 1) for x in bare_runs], "kg_runs_s": [round(x, 1) for x in kg_runs]}
        say(f"[t] {n} articles: bare nlp.pipe {t_bare:.1f} s, kg build --jobs 1 {t_kg:.1f} s (fastest of "
            f"{repeat}: {out[n]['bare_runs_s']} / {out[n]['kg_runs_s']}) -> ratio {t_bare / t_kg:.2f} (target >= 0.85)")
    RESULTS["t_throughput"] = {"runs": out, "target": ">= 0.85",
                               "note": "whole processes, model load included; kg build with its defaults "
                                       "(store, SHACL sample, view)"}


def _example_params(info) -> dict[str, str]:
    import shlex

    from kg.queries import parse_param_args

    toks = shlex.split(info.example)
    return parse_param_args([toks[i + 1] for i, t in enumerate(toks) if t == "-p"])


SLOW_QUERY = 5.0  # s: a query this slow is run once, not five times


def bench14_queries(work: Path, n: int, repeat: int) -> None:
    """q: every named query, with its example parameters and with none, on the store of ``n`` articles."""
    from kg.queries import bind_params, list_queries
    from kg.store import open_store, query_store, store_label_graph

    out = _graph_build(work, n)
    triples = json.loads((out / "report.json").read_text())["triples"]
    store = open_store(out / "store")
    labels = store_label_graph(store)
    per = {}
    for info in list_queries():
        text = info.path.read_text(encoding="utf-8")
        row = {}
        for mode, target in (("param", 0.050), ("none", 0.500)):
            params = _example_params(info) if mode == "param" else {}
            bindings = bind_params(params, labels)
            times, rows = [], 0
            for _ in range(repeat):
                t = time.perf_counter()
                rows = len(list(query_store(store, text, bindings)))
                times.append(time.perf_counter() - t)
                if times[0] > SLOW_QUERY:  # ten times its target or more: once is enough to say it missed
                    break
            med = statistics.median(times)
            row[mode] = {"median_ms": round(1000 * med, 1), "runs": len(times), "rows": rows, "params": params,
                         "met": med <= target}
        per[info.name] = row
        say(f"    {info.name:<22} {row['param']['params']}: {row['param']['median_ms']:8.1f} ms "
            f"({row['param']['rows']} rows; <= 50 ms: {row['param']['met']})   none: {row['none']['median_ms']:8.1f} ms "
            f"({row['none']['rows']} rows; <= 500 ms: {row['none']['met']})")
    met_p = sum(r["param"]["met"] for r in per.values())
    met_n = sum(r["none"]["met"] for r in per.values())
    RESULTS["q_queries"] = {"triples": triples, "articles": n, "queries": per, "met_param": met_p,
                            "met_none": met_n, "target": "param <= 50 ms, none <= 500 ms (median)"}
    say(f"[q] {len(per)} named queries on {triples} triples: {met_p} meet 50 ms with their example parameters, "
        f"{met_n} meet 500 ms without")


def bench14_networks(work: Path, n: int) -> None:
    """n: what an analyst waits for on the build of ``n`` articles the queries use — ``kg network``
    (its summary; and the actor–place PageRank) and ``kg view`` as whole processes (seconds, peak
    RSS), beside the time to read the networks' part of the store alone, in this process (the
    share of the commands that is reading)."""
    from kg.store import load_network_graph

    out = _graph_build(work, n)
    kg, graph = str(Path(sys.executable).with_name("kg")), str(out / "graph.ttl")
    t = time.perf_counter()
    part = len(load_network_graph(graph))
    read_s = time.perf_counter() - t
    runs = {}
    for label, args in (("kg network", ["network", "-g", graph]),
                        ("kg network --projection actor-place --top 10 --by pagerank",
                         ["network", "-g", graph, "--projection", "actor-place", "--top", "10", "--by", "pagerank"]),
                        # every event (what `kg view` wrote before it kept 5,000 by default), then the default
                        ("kg view --all", ["view", "-g", graph, "-o", str(work / f"view-{n}.html"), "--all"]),
                        ("kg view", ["view", "-g", graph, "-o", str(work / f"view-{n}-5000.html")])):
        secs, mb, _pss = _peak_rss([kg, *args])
        runs[label] = {"seconds": round(secs, 1), "peak_rss_mb": round(mb)}
        say(f"[n] {label}, {n} articles: {secs:.1f} s, peak RSS {mb:.0f} MB")
    RESULTS["n_networks"] = {"articles": n, "part_triples": part, "read_part_s": round(read_s, 1), "runs": runs}
    say(f"[n] reading the networks' part ({part} triples) alone: {read_s:.1f} s")


def bench14_memory(work: Path, small: int, large: int, dask_size: int) -> None:
    """m: peak RSS of kg build (--jobs auto; extraction records spilled beyond 5,000 articles) at two
    sizes, projected linearly to 100,000; and of kg build --dask local:2 at ``dask_size``."""
    kg = str(Path(sys.executable).with_name("kg"))
    runs = {}
    for label, n, extra in (("jobs auto", small, []), ("jobs auto", large, []),
                            ("dask local:2", dask_size, ["--dask", "local:2"])):
        src = corpus(work, n)
        dest = work / f"out-m-{n}-{label.split()[0]}"
        shutil.rmtree(dest, ignore_errors=True)
        secs, mb, pss = _peak_rss([kg, "build", str(src), "-o", str(dest), "-q", *extra])
        runs[f"{label} {n}"] = {"articles": n, "seconds": round(secs), "peak_rss_mb": round(mb),
                                "peak_pss_mb": round(pss)}
        say(f"[m] kg build {' '.join(extra) or '--jobs auto'}, {n} articles: {secs:.0f} s, peak RSS {mb:.0f} MB "
            f"(PSS {pss:.0f} MB)")
    a, b = runs[f"jobs auto {small}"], runs[f"jobs auto {large}"]
    per_article = (b["peak_rss_mb"] - a["peak_rss_mb"]) / (large - small)
    projected = b["peak_rss_mb"] + per_article * (100_000 - large)
    RESULTS["m_memory"] = {"runs": runs, "mb_per_1000_articles": round(1000 * per_article, 1),
                           "projected_100k_mb": round(projected), "target": "<= 2048 MB at 100,000"}
    say(f"[m] {1000 * per_article:.1f} MB per 1,000 articles -> {projected:.0f} MB projected at 100,000 "
        f"(target <= 2048 MB)")


def markdown() -> str:
    """The #14 results as the table of benchmarks/RESULTS.md."""
    lines = ["| measure | result | target | verdict |", "|---|---|---|---|"]
    t = RESULTS.get("t_throughput")
    if t:
        for n, r in t["runs"].items():
            lines.append(f"| throughput, {n} articles, whole processes | kg build {r['kg_build_s']} s vs bare nlp.pipe "
                         f"{r['bare_pipe_s']} s -> **{r['ratio']}** | >= 0.85 | {'met' if r['ratio'] >= 0.85 else 'missed'} |")
    q = RESULTS.get("q_queries")
    if q:
        for name, r in q["queries"].items():
            p, no = r["param"], r["none"]
            lines.append(f"| `{name}` {p['params'] or ''} ({q['triples']} triples) | {p['median_ms']} ms ({p['rows']} rows); "
                         f"none: {no['median_ms']} ms ({no['rows']} rows) | 50 ms / 500 ms | "
                         f"{'met' if p['met'] else 'missed'} / {'met' if no['met'] else 'missed'} |")
    nw = RESULTS.get("n_networks")
    if nw:
        for label, r in nw["runs"].items():
            lines.append(f"| `{label}`, {nw['articles']} articles | {r['seconds']} s, peak RSS {r['peak_rss_mb']} MB | | |")
        lines.append(f"| of which reading the networks' part of the store ({nw['part_triples']:,} triples), alone | "
                     f"{nw['read_part_s']} s | | |")
    m = RESULTS.get("m_memory")
    if m:
        for label, r in m["runs"].items():
            lines.append(f"| peak RSS, kg build {label} articles | {r['peak_rss_mb']} MB (PSS {r['peak_pss_mb']} MB), "
                         f"{r['seconds']} s | | |")
        lines.append(f"| projected peak RSS at 100,000 articles | **{m['projected_100k_mb']} MB** "
                     f"({m['mb_per_1000_articles']} MB per 1,000) | <= 2048 MB | "
                     f"{'met' if m['projected_100k_mb'] <= 2048 else 'missed'} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="kg benchmarks (issues #6 and #14)")
    ap.add_argument("--quick", action="store_true", help="small sizes")
    ap.add_argument("--only", default="t,q,n,m", help="comma-separated: t, q, n, m (#14) and 1-6 (#6)")
    ap.add_argument("--work", default="/tmp/kg-bench", help="folder for corpora and builds")
    ap.add_argument("--graph-articles", type=int, default=None,
                    help="articles of the graph that q and 5-6 query (default 3,400: >= 1M triples; quick 1,000)")
    ap.add_argument("--memory-sizes", default=None, help="two sizes for m, e.g. 5000,20000 (quick 1000,3000)")
    ap.add_argument("--json", default=None, help="write the results here (default WORK/results[-quick].json)")
    args = ap.parse_args(argv)
    only = {x.strip() for x in args.only.split(",")}
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    n1, small, large = (100, 100, 1000) if args.quick else (1000, 1000, 10000)
    RESULTS["machine"] = machine()
    RESULTS["mode"] = "quick" if args.quick else "full"
    RESULTS["load_before"] = os.getloadavg()
    say(f"machine: {RESULTS['machine']}; load average {RESULTS['load_before']}")
    n_graph = args.graph_articles or (1000 if args.quick else 3400)
    if "t" in only:
        bench14_throughput(work, [100, 200] if args.quick else [200, 1000])
    if "q" in only:
        bench14_queries(work, n_graph, repeat=5)
    if "n" in only:
        bench14_networks(work, n_graph)
    if "m" in only:
        sizes = [int(x) for x in (args.memory_sizes or ("1000,3000" if args.quick else "5000,20000")).split(",")]
        bench14_memory(work, sizes[0], sizes[1], dask_size=sizes[0])
    if only & {"1", "2"}:
        bench_throughput(work, n1)
    if "3" in only:
        bench_memory(work, small, large, jobs=2)
    if "4" in only:
        bench_incremental(work, n1)
    if only & {"5", "6"}:
        bench_queries(work, n_graph, repeat=3 if args.quick else 5, queries="5" in only, export="6" in only)
    RESULTS["load_after"] = os.getloadavg()
    dest = Path(args.json) if args.json else work / f"results{'-quick' if args.quick else ''}.json"
    dest.write_text(json.dumps(RESULTS, indent=1) + "\n", encoding="utf-8")
    table = markdown()
    dest.with_suffix(".md").write_text(table, encoding="utf-8")
    say(table)
    say(f"results: {dest} and {dest.with_suffix('.md')}; load average at the end {RESULTS['load_after']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
