"""The measurements of ``bench.search_scale``: latency, memory, updates, dense search, HTTP.

Each ``measure_*`` function times one side of search on a built index and returns its numbers as
a JSON-ready dict; ``run_api`` starts the real API (uvicorn) on a saved index to time it over
HTTP. Progress goes to stderr through :func:`log`.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import faiss
import httpx
import numpy as np
from tqdm import tqdm

from bench.synthetic_corpus import WordPool, changed, synthetic_article
from core.articles import Article
from search.dense import DenseIndex, hnsw_for
from search.embeddings import Embedder
from search.index import KnowledgeIndex
from search.searcher import Searcher
from tests.support.live_stack import free_port

ROOT = Path(__file__).resolve().parent.parent
ARTICLES_DIR = ROOT / "knowledge" / "articles"
UPDATE_ROUNDS = 10
DENSE_QUERIES = 200
DENSE_K = 100
RECALL_AT = 10
EF_SEARCH_SWEEP = (64, 128, 256, 512, 1024)
SERVER_LOAD_TIMEOUT = 300.0

_STARTED = time.perf_counter()


def log(message: str) -> None:
    print(f"[{time.perf_counter() - _STARTED:7.1f}s] {message}", file=sys.stderr, flush=True)


def latency(samples_ms: list[float]) -> dict[str, float]:
    """p50, p95, mean and max of latencies in milliseconds."""
    values = np.asarray(samples_ms, dtype=np.float64)
    return {
        "count": int(values.size),
        "p50_ms": round(float(np.percentile(values, 50)), 2),
        "p95_ms": round(float(np.percentile(values, 95)), 2),
        "mean_ms": round(float(values.mean()), 2),
        "max_ms": round(float(values.max()), 2),
    }


def timed_ms(started: float) -> float:
    return (time.perf_counter() - started) * 1000


def rss_mb(pid: int | str = "self") -> float | None:
    """Resident set size of a process (VmRSS), or ``None`` when it cannot be read."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    return None


def peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)  # kB on Linux


def folder_mb(folder: Path) -> float:
    return round(sum(f.stat().st_size for f in folder.rglob("*") if f.is_file()) / 2**20, 1)


def measure_in_process(searcher: Searcher, queries: list[str]) -> dict[str, Any]:
    searcher.search(queries[0], k=5)  # warm-up
    search_ms: list[float] = []
    for query in tqdm(queries, desc="search", unit="query", file=sys.stderr):
        started = time.perf_counter()
        searcher.search(query, k=5)
        search_ms.append(timed_ms(started))
    encode_ms: list[float] = []
    for query in queries:
        started = time.perf_counter()
        searcher.index.embedder.encode([query])
        encode_ms.append(timed_ms(started))
    search, encode = latency(search_ms), latency(encode_ms)
    return {
        "search": search,
        "query_encoding_only": encode,
        "search_minus_encoding_p50_ms": round(search["p50_ms"] - encode["p50_ms"], 2),
    }


def measure_dense(index: KnowledgeIndex, embedder: Embedder, queries: list[str]) -> dict[str, Any]:
    """Exact flat inner-product search against the HNSW graph, on the index's vectors."""
    vectors = np.ascontiguousarray(index.dense.vectors, dtype=np.float32)
    flat = faiss.IndexFlatIP(vectors.shape[1])
    flat.add(vectors)
    if index.dense.kind == "hnsw":
        hnsw, source = index.dense, "index"
    else:  # small corpora are indexed flat: build the graph the index would use at scale
        log(f"the index's dense side is {index.dense.kind}; building an HNSW graph over the same vectors")
        hnsw, source = DenseIndex(vectors, np.ones(len(vectors), dtype=bool), hnsw_for(vectors)), "built here"
    distinct = list(dict.fromkeys(queries))[:DENSE_QUERIES]
    query_vectors = embedder.encode(distinct)
    k = min(DENSE_K, len(vectors))
    flat.search(query_vectors[:1], k)  # warm-up
    hnsw.search(query_vectors[0], k)
    flat_ms: list[float] = []
    hnsw_ms: list[float] = []
    recalls: list[float] = []
    for vector in query_vectors:
        started = time.perf_counter()
        _, exact = flat.search(vector.reshape(1, -1), k)
        flat_ms.append(timed_ms(started))
        started = time.perf_counter()
        rows, _ = hnsw.search(vector, k)
        hnsw_ms.append(timed_ms(started))
        top = min(RECALL_AT, k)
        recalls.append(len(set(exact[0][:top].tolist()) & set(rows[:top].tolist())) / top)
    flat_stats, hnsw_stats = latency(flat_ms), latency(hnsw_ms)
    sweep = ef_search_sweep(hnsw, flat, query_vectors, k) if hnsw.kind == "hnsw" else []
    return {
        "vectors": len(vectors),
        "dimension": int(vectors.shape[1]),
        "queries": len(query_vectors),
        "k": k,
        "hnsw_source": source,
        "flat_p50_ms": flat_stats["p50_ms"],
        "flat_p95_ms": flat_stats["p95_ms"],
        "hnsw_p50_ms": hnsw_stats["p50_ms"],
        "hnsw_p95_ms": hnsw_stats["p95_ms"],
        "flat_vs_hnsw_p50_ratio": round(flat_stats["p50_ms"] / max(hnsw_stats["p50_ms"], 1e-6), 2),
        f"hnsw_recall_at_{RECALL_AT}": round(float(np.mean(recalls)), 4),
        "ef_search_default": hnsw.ef_search,
        "ef_search_sweep": sweep,
    }


def ef_search_sweep(
    hnsw: DenseIndex, flat: faiss.Index, query_vectors: np.ndarray, k: int
) -> list[dict[str, float]]:
    """HNSW latency and recall@10 against the exact scan for several search depths."""
    default = hnsw.ef_search
    _, exact = flat.search(query_vectors, k)
    top = min(RECALL_AT, k)
    rows_out = []
    for ef in EF_SEARCH_SWEEP:
        hnsw.ef_search = ef
        times: list[float] = []
        recalls: list[float] = []
        for vector, truth in zip(query_vectors, exact, strict=True):
            started = time.perf_counter()
            rows, _ = hnsw.search(vector, k)
            times.append(timed_ms(started))
            recalls.append(len(set(truth[:top].tolist()) & set(rows[:top].tolist())) / top)
        rows_out.append(
            {
                "ef_search": ef,
                "p50_ms": latency(times)["p50_ms"],
                "recall_at_10": round(float(np.mean(recalls)), 4),
            }
        )
    hnsw.ef_search = default
    return rows_out


def finds(searcher: Searcher, word: str, article_id: str) -> bool:
    return any(hit.passage.article_id == article_id for hit in searcher.search(word, k=5).hits)


def measure_updates(
    searcher: Searcher, rng: np.random.Generator, pools: dict[str, WordPool], corpus: list[Article]
) -> dict[str, Any]:
    """Add 10 new articles, change 10 existing ones, remove the 10 added: time each call."""
    index = searcher.index
    add_ms: list[float] = []
    change_ms: list[float] = []
    remove_ms: list[float] = []
    found_after_add: list[bool] = []
    found_after_change: list[bool] = []
    passages_stable_after_change: list[bool] = []
    gone_after_remove: list[bool] = []
    added: list[tuple[str, str]] = []
    for i in range(UPDATE_ROUNDS):
        word = f"xqzbenchnovo{i:02d}"
        article = synthetic_article(rng, pools, 900_000 + i, word)
        started = time.perf_counter()
        index.upsert(article)
        add_ms.append(timed_ms(started))
        found_after_add.append(finds(searcher, word, article.id))
        added.append((article.id, word))
    step = max(1, len(corpus) // UPDATE_ROUNDS)
    for i in range(UPDATE_ROUNDS):
        original = corpus[(i * step) % len(corpus)]
        word = f"xqzbenchmudado{i:02d}"
        before = index.live_passages
        started = time.perf_counter()
        index.upsert(changed(rng, pools, original, word))
        change_ms.append(timed_ms(started))
        found_after_change.append(finds(searcher, word, original.id))
        passages_stable_after_change.append(index.live_passages == before)
    for article_id, word in added:
        started = time.perf_counter()
        index.remove(article_id)
        remove_ms.append(timed_ms(started))
        gone_after_remove.append(not finds(searcher, word, article_id) and article_id not in index.articles)

    def short(samples: list[float]) -> dict[str, float]:
        stats = latency(samples)
        return {"count": stats["count"], "p50_ms": stats["p50_ms"], "max_ms": stats["max_ms"]}

    return {
        "upsert_new": short(add_ms),
        "upsert_changed": short(change_ms),
        "remove": short(remove_ms),
        "found_after_add": all(found_after_add),
        "found_after_change": all(found_after_change),
        "passages_unchanged_after_change": all(passages_stable_after_change),
        "gone_after_remove": all(gone_after_remove),
        "dead_share_after": round(index.dead_share, 5),
    }


def wait_for_api(base: str, server: subprocess.Popen[bytes]) -> float | None:
    """Seconds until ``/health`` answered 200, or ``None`` if the API died or timed out."""
    started = time.perf_counter()
    deadline = time.monotonic() + SERVER_LOAD_TIMEOUT
    while time.monotonic() < deadline and server.poll() is None:
        try:
            if httpx.get(f"{base}/health", timeout=5).status_code == 200:
                return time.perf_counter() - started
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    return None


def measure_http(base: str, queries: list[str]) -> dict[str, Any]:
    health_ms: list[float] = []
    search_ms: list[float] = []
    errors = 0
    with httpx.Client(base_url=base, timeout=60) as client:
        client.get("/health")  # warm-up
        client.get("/api/v1/search", params={"q": queries[0], "k": 5})
        for _ in range(len(queries)):
            started = time.perf_counter()
            response = client.get("/health")
            health_ms.append(timed_ms(started))
            errors += response.status_code != 200
        for query in tqdm(queries, desc="http search", unit="query", file=sys.stderr):
            started = time.perf_counter()
            response = client.get("/api/v1/search", params={"q": query, "k": 5})
            search_ms.append(timed_ms(started))
            errors += response.status_code != 200
    health, search = latency(health_ms), latency(search_ms)
    return {
        "health": health,
        "search": search,
        "search_vs_health_p50_ratio": round(search["p50_ms"] / max(health["p50_ms"], 1e-6), 2),
        "non_200_responses": errors,
    }


def run_api(
    index_dir: Path, workdir: Path, model: str, queries: list[str], keep: bool
) -> tuple[dict[str, Any], float | None]:
    """Start the real API on ``index_dir``, time searches over HTTP; also return the API's RSS."""
    port = free_port()
    env = {
        **os.environ,
        "INDEX_DIR": str(index_dir),
        "KNOWLEDGE_DIR": str(ARTICLES_DIR),
        "DATABASE_URL": f"sqlite:///{workdir / 'bench.db'}",
        "EMBEDDING_MODEL": model,
        "API_PORT": str(port),
        "INDEX_WATCH_SECONDS": "0",
        "JOBS_INTERVAL_SECONDS": "0",
        "RATE_LIMIT_PER_MINUTE": "0",
        "LOG_LEVEL": "WARNING",
    }
    api_log = workdir / "api.log"
    base = f"http://127.0.0.1:{port}"
    log(f"starting the API on port {port} (index {index_dir})")
    with api_log.open("w") as stderr:
        server = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "api.main:app", "--port", str(port), "--log-level", "warning"],
            env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=stderr,
        )  # fmt: skip
    try:
        load_seconds = wait_for_api(base, server)
        if load_seconds is None:
            tail = api_log.read_text(errors="replace")[-2000:]
            log(f"the API did not answer /health within {SERVER_LOAD_TIMEOUT:.0f} s; log tail:\n{tail}")
            return {"error": "the API did not start", "log": str(api_log) if keep else None}, None
        log(f"API answered /health after {load_seconds:.1f} s")
        loaded_rss = rss_mb(server.pid)
        results = measure_http(base, queries)
        results["server_load_seconds"] = round(load_seconds, 1)
        results["server_rss_after_load_mb"] = loaded_rss
        served_rss = rss_mb(server.pid)
        results["server_rss_after_queries_mb"] = served_rss
        return results, served_rss
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
