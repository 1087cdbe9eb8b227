"""Search at scale: ``python -m bench.search_scale [--sections 100000] [--queries 300]``.

Generates a synthetic knowledge base (articles of 5 sections, words drawn from the vocabulary and
word frequencies of the real articles under knowledge/articles, with ERP codes such as MATA410 or
MV_ESTADO here and there), then measures, in one run:

- build: seconds to index it with the configured embedder and to save it, passages, dense index
  kind (flat or HNSW) and size on disk;
- memory: RSS of this process after the build and its peak, and RSS of the API serving the index;
- search in process: ``Searcher.search`` latency for the real support questions of
  tests/evalset/queries.jsonl, next to the cost of encoding the query alone;
- search over HTTP: the real API (uvicorn) on the saved index, ``GET /api/v1/search`` latency next
  to ``GET /health`` as the baseline, and how long the API took to load the index;
- incremental updates: ``KnowledgeIndex.upsert`` of a new article, of a changed one, and
  ``KnowledgeIndex.remove``, with checks that search reflects each (reported, not asserted);
- dense side alone: exact ``faiss.IndexFlatIP`` against HNSW, latency and recall@10.

It prints numbers (one JSON object on stdout) and the targets next to them; it asserts nothing.
Progress and a short summary go to stderr. ``--keep`` leaves the index and the API log in place.

The corpus is made by bench/synthetic_corpus.py, the measurements by bench/search_measures.py;
this module runs them in order and prints the results.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from bench.search_measures import (
    ARTICLES_DIR,
    DENSE_QUERIES,
    RECALL_AT,
    folder_mb,
    log,
    measure_dense,
    measure_in_process,
    measure_updates,
    peak_rss_mb,
    rss_mb,
    run_api,
)
from bench.synthetic_corpus import build_corpus, word_pools
from core.settings import get_settings
from knowledge.markdown import load_folder
from search.embeddings import load_embedder
from search.index import KnowledgeIndex
from search.searcher import Searcher

ROOT = Path(__file__).resolve().parent.parent
QUERIES_FILE = ROOT / "tests" / "evalset" / "queries.jsonl"
TARGETS = {"http_p50_ms": 15, "http_p95_ms": 40, "rss_mb": 2048, "update_ms": 1000}


def load_queries(count: int) -> list[str]:
    texts = [
        json.loads(line)["text"] for line in QUERIES_FILE.read_text(encoding="utf-8").splitlines() if line
    ]
    return [texts[i % len(texts)] for i in range(count)]


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sections", type=int, default=100_000, help="synthetic sections (5 per article)")
    parser.add_argument("--queries", type=int, default=300, help="timed searches (in process and HTTP)")
    parser.add_argument("--seed", type=int, default=20240601, help="seed of the synthetic corpus")
    parser.add_argument("--model", default=None, help="embedding model (default: EMBEDDING_MODEL setting)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary index and API log")
    return parser.parse_args(argv)


def summarise(result: dict[str, Any]) -> None:
    build, memory = result["build"], result["memory"]
    local, http = result["search_in_process"], result["search_http"]
    update, dense = result["update"], result["dense_flat_vs_hnsw"]
    lines = [
        f"corpus: {result['corpus']['articles']} articles, {result['corpus']['sections']} sections",
        f"build: {build['build_seconds']} s, {build['passages']} passages, {build['dense_kind']}, "
        f"{build['index_size_mb']} MB on disk; bench RSS {memory['bench_rss_after_build_mb']} MB "
        f"(peak {memory['bench_peak_rss_mb']} MB), API RSS {memory['api_server_rss_mb']} MB",
        f"in process: search p50 {local['search']['p50_ms']} ms / p95 {local['search']['p95_ms']} ms, "
        f"query encoding p50 {local['query_encoding_only']['p50_ms']} ms",
    ]
    if "error" in http:
        lines.append(f"http: {http['error']}")
    else:
        lines.append(
            f"http: search p50 {http['search']['p50_ms']} ms / p95 {http['search']['p95_ms']} ms "
            f"(target {TARGETS['http_p50_ms']} / {TARGETS['http_p95_ms']}), health p50 "
            f"{http['health']['p50_ms']} ms, API loaded in {http['server_load_seconds']} s"
        )
    lines += [
        f"updates: new p50 {update['upsert_new']['p50_ms']} ms, changed p50 "
        f"{update['upsert_changed']['p50_ms']} ms, remove p50 {update['remove']['p50_ms']} ms "
        f"(target {TARGETS['update_ms']} ms)",
        f"dense: flat p50 {dense['flat_p50_ms']} ms vs HNSW p50 {dense['hnsw_p50_ms']} ms, "
        f"recall@{RECALL_AT} {dense[f'hnsw_recall_at_{RECALL_AT}']}",
    ]
    print("\n".join(lines), file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    model = args.model or get_settings().embedding_model
    rng = np.random.default_rng(args.seed)
    workdir = Path(tempfile.mkdtemp(prefix="bench-search-scale-"))
    index_dir = workdir / "index"
    try:
        log(f"loading the real articles from {ARTICLES_DIR} for the word pool")
        pools = word_pools(load_folder(ARTICLES_DIR))
        articles, corpus = build_corpus(rng, pools, args.sections)
        corpus["seed"] = args.seed

        log(f"loading embedder {model}")
        embedder = load_embedder(model)
        log(f"building the index of {len(articles)} articles")
        started = time.perf_counter()
        searcher = Searcher(KnowledgeIndex.build(articles, embedder, progress=True))
        index = searcher.index
        build_seconds = time.perf_counter() - started
        bench_rss = rss_mb()
        started = time.perf_counter()
        index.save(index_dir)
        save_seconds = time.perf_counter() - started
        build = {
            "embedding_model": embedder.name,
            "build_seconds": round(build_seconds, 1),
            "save_seconds": round(save_seconds, 1),
            "passages": len(index.passages),
            "passages_per_second": round(len(index.passages) / build_seconds, 1),
            "dense_kind": index.dense.kind,
            "index_size_mb": folder_mb(index_dir),
        }
        log(f"built in {build_seconds:.1f} s, saved in {save_seconds:.1f} s")

        queries = load_queries(args.queries)
        log(f"timing {len(queries)} in-process searches")
        in_process = measure_in_process(searcher, queries)
        log("comparing flat and HNSW dense search")
        dense = measure_dense(index, embedder, load_queries(DENSE_QUERIES * 2))
        http, api_rss = run_api(index_dir, workdir, model, queries, args.keep)
        log("timing incremental updates")
        update = measure_updates(searcher, rng, pools, articles)

        memory = {
            "bench_rss_after_build_mb": bench_rss,
            "bench_peak_rss_mb": peak_rss_mb(),
            "api_server_rss_mb": api_rss,
        }
        update_max = max(update[name]["max_ms"] for name in ("upsert_new", "upsert_changed", "remove"))
        http_ok = "error" not in http
        result: dict[str, Any] = {
            "corpus": corpus,
            "build": build,
            "memory": memory,
            "search_in_process": in_process,
            "search_http": http,
            "update": update,
            "dense_flat_vs_hnsw": dense,
            "targets": {
                "http_p50_ms": {
                    "target": TARGETS["http_p50_ms"],
                    "measured": http["search"]["p50_ms"] if http_ok else None,
                },
                "http_p95_ms": {
                    "target": TARGETS["http_p95_ms"],
                    "measured": http["search"]["p95_ms"] if http_ok else None,
                },
                "rss_mb": {"target": TARGETS["rss_mb"], "measured": api_rss, "measured_on": "API process"},
                "update_ms": {
                    "target": TARGETS["update_ms"],
                    "measured": update_max,
                    "measured_on": "slowest upsert/remove call",
                },
            },
        }
        print(json.dumps(result, indent=2, ensure_ascii=False))
        summarise(result)
        return 0 if http_ok else 1
    finally:
        if args.keep:
            log(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
