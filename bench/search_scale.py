"""Search at scale: ``python -m bench.search_scale [--sections 100000] [--queries 300]``.

Generates a synthetic knowledge base (articles of 5 sections, words drawn from the vocabulary and
word frequencies of the real articles under knowledge/articles, with ERP codes such as MATA410 or
MV_ESTADO here and there), then measures, in one run:

- build: seconds to index it with the configured embedder and to save it, passages, dense index
  kind (flat or HNSW) and size on disk;
- memory: RSS of this process after the build and its peak, and RSS of the API serving the index;
- search in process: ``SearchEngine.search`` latency for the real support questions of
  tests/evalset/queries.jsonl, next to the cost of encoding the query alone;
- search over HTTP: the real API (uvicorn) on the saved index, ``GET /api/v1/search`` latency next
  to ``GET /health`` as the baseline, and how long the API took to load the index;
- incremental updates: ``engine.upsert`` of a new article, of a changed one, and ``engine.remove``,
  with checks that search reflects each (reported, not asserted);
- dense side alone: exact ``faiss.IndexFlatIP`` against HNSW, latency and recall@10.

It prints numbers (one JSON object on stdout) and the targets next to them; it asserts nothing.
Progress and a short summary go to stderr. ``--keep`` leaves the index and the API log in place.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import faiss
import httpx
import numpy as np
from tqdm import tqdm

from core.articles import Article, Section
from core.settings import get_settings
from knowledge.markdown import load_folder
from search.dense import DenseIndex, hnsw_for
from search.embeddings import Embedder, load_embedder
from search.engine import SearchEngine
from tests.support.live_stack import free_port

ROOT = Path(__file__).resolve().parent.parent
ARTICLES_DIR = ROOT / "knowledge" / "articles"
QUERIES_FILE = ROOT / "tests" / "evalset" / "queries.jsonl"
SECTIONS_PER_ARTICLE = 5
WORDS_PER_SECTION = (40, 90)  # inclusive range
MAX_SECTION_CHARS = 1400  # below search.chunking.MAX_PASSAGE_CHARS: one passage per section
CODE_SHARE = 0.3  # sections that mention an ERP code
ERP_CODES = (
    "MATA410", "MATA010", "MATA103", "FINA050", "CTBA102", "MV_ESTADO", "MV_PAR01", "MV_SPEDURL",
    "SX3", "SX2", "SX6", "SF2", "SD1", "NF-e", "CT-e", "NFS-e", "SIGAFAT", "SIGACOM", "SIGAFIN",
    "TSS", "DBAccess", "RPO", "AppServer", "FT0300", "CD0704",
)  # fmt: skip
LANGS = ("pt-BR", "es", "en")
PRODUCTS = ("Protheus", "RM", "Datasul", "PMS")
MODULES = ("Faturamento", "Financeiro", "Estoque", "Compras", "Fiscal", "Contabilidade", "Framework")
UPDATE_ROUNDS = 10
DENSE_QUERIES = 200
DENSE_K = 100
RECALL_AT = 10
EF_SEARCH_SWEEP = (64, 128, 256, 512, 1024)
SERVER_LOAD_TIMEOUT = 300.0
TARGETS = {"http_p50_ms": 15, "http_p95_ms": 40, "rss_mb": 2048, "update_ms": 1000}

_STARTED = time.perf_counter()
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


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


# --- synthetic corpus ---------------------------------------------------------------------------


@dataclass(frozen=True)
class WordPool:
    """Words of one language with their cumulative sampling distribution."""

    words: list[str]
    cdf: np.ndarray

    @classmethod
    def of(cls, counts: Counter[str]) -> WordPool:
        words = sorted(counts)
        weights = np.array([counts[w] for w in words], dtype=np.float64)
        return cls(words, np.cumsum(weights / weights.sum()))

    def sample(self, rng: np.random.Generator, n: int) -> list[str]:
        picks = np.minimum(np.searchsorted(self.cdf, rng.random(n), side="right"), len(self.words) - 1)
        return [self.words[i] for i in picks]


def word_pools(articles: list[Article]) -> dict[str, WordPool]:
    """Vocabulary and word frequencies of the real articles, by language (all languages pooled
    for a language that has no article)."""
    counts: dict[str, Counter[str]] = {lang: Counter() for lang in LANGS}
    everything: Counter[str] = Counter()
    for article in articles:
        texts = [article.title, *(f"{s.heading} {s.text}" for s in article.sections)]
        found = [w for text in texts for w in _WORD.findall(text)]
        counts.setdefault(article.lang, Counter()).update(found)
        everything.update(found)
    return {lang: WordPool.of(counts[lang] or everything) for lang in LANGS}


def sentences(rng: np.random.Generator, words: list[str]) -> str:
    """Words cut into sentences of 6 to 16 words, capitalised and ended with a full stop."""
    out: list[str] = []
    start = 0
    while start < len(words):
        end = start + int(rng.integers(6, 17))
        chunk = words[start:end]
        out.append(chunk[0][:1].upper() + chunk[0][1:] + "".join(f" {w}" for w in chunk[1:]) + ".")
        start = end
    return " ".join(out)


def section_text(rng: np.random.Generator, pool: WordPool, extra: str | None = None) -> str:
    words = pool.sample(rng, int(rng.integers(WORDS_PER_SECTION[0], WORDS_PER_SECTION[1] + 1)))
    if rng.random() < CODE_SHARE:
        for _ in range(int(rng.integers(1, 3))):
            words.insert(int(rng.integers(0, len(words) + 1)), ERP_CODES[int(rng.integers(len(ERP_CODES)))])
    if extra is not None:
        words.insert(int(rng.integers(0, len(words) + 1)), extra)
    text = sentences(rng, words)
    while len(text) > MAX_SECTION_CHARS:  # very long words: drop some until it is one passage
        words = words[: len(words) - 5]
        text = sentences(rng, words)
    return text


def title_of(rng: np.random.Generator, pool: WordPool, low: int, high: int) -> str:
    words = pool.sample(rng, int(rng.integers(low, high + 1)))
    return words[0][:1].upper() + words[0][1:] + "".join(f" {w}" for w in words[1:])


def synthetic_article(
    rng: np.random.Generator, pools: dict[str, WordPool], number: int, unique_word: str | None = None
) -> Article:
    """Article ``number``: random language, product and module, 5 sections of sampled words;
    ``unique_word`` (if given) goes into its first section."""
    lang = LANGS[int(rng.integers(len(LANGS)))]
    product = PRODUCTS[int(rng.integers(len(PRODUCTS)))]
    module = MODULES[int(rng.integers(len(MODULES)))]
    pool = pools[lang]
    sections = tuple(
        Section(
            id=f"section-{j + 1}",
            heading=title_of(rng, pool, 2, 5),
            text=section_text(rng, pool, unique_word if j == 0 else None),
        )
        for j in range(SECTIONS_PER_ARTICLE)
    )
    article_id = f"synthetic-{number:06d}"
    return Article(
        id=article_id,
        title=title_of(rng, pool, 4, 9),
        lang=lang,
        product=product,
        module=module,
        url=f"https://kb.example.com/synthetic/{article_id}",
        tags=(product.casefold(), module.casefold()),
        sections=sections,
    )


def changed(
    rng: np.random.Generator, pools: dict[str, WordPool], article: Article, unique_word: str
) -> Article:
    """Same article id and metadata, new section texts, ``unique_word`` in the first one."""
    pool = pools[article.lang]
    sections = tuple(
        replace(section, text=section_text(rng, pool, unique_word if j == 0 else None))
        for j, section in enumerate(article.sections)
    )
    return replace(article, sections=sections)


def build_corpus(
    rng: np.random.Generator, pools: dict[str, WordPool], sections: int
) -> tuple[list[Article], dict[str, Any]]:
    count = max(1, -(-sections // SECTIONS_PER_ARTICLE))
    articles = [
        synthetic_article(rng, pools, i)
        for i in tqdm(range(count), desc="corpus", unit="article", file=sys.stderr)
    ]
    texts = [s.text for a in articles for s in a.sections]
    words = [len(_WORD.findall(t)) for t in texts]
    stats: dict[str, Any] = {
        "articles": len(articles),
        "sections": len(texts),
        "sections_per_article": SECTIONS_PER_ARTICLE,
        "words_per_section_mean": round(float(np.mean(words)), 1),
        "chars_per_section_mean": round(float(np.mean([len(t) for t in texts])), 1),
        "chars_per_section_max": max(len(t) for t in texts),
        "sections_mentioning_erp_code": sum(any(code in t for code in ERP_CODES) for t in texts),
        "langs": dict(Counter(a.lang for a in articles)),
        "products": dict(Counter(a.product for a in articles)),
        "vocabulary_by_lang": {lang: len(pool.words) for lang, pool in pools.items()},
    }
    return articles, stats


def load_queries(count: int) -> list[str]:
    texts = [
        json.loads(line)["text"] for line in QUERIES_FILE.read_text(encoding="utf-8").splitlines() if line
    ]
    return [texts[i % len(texts)] for i in range(count)]


# --- measurements -------------------------------------------------------------------------------


def measure_in_process(engine: SearchEngine, queries: list[str]) -> dict[str, Any]:
    engine.search(queries[0], k=5)  # warm-up
    search_ms: list[float] = []
    for query in tqdm(queries, desc="search", unit="query", file=sys.stderr):
        started = time.perf_counter()
        engine.search(query, k=5)
        search_ms.append(timed_ms(started))
    encode_ms: list[float] = []
    for query in queries:
        started = time.perf_counter()
        engine.embedder.encode([query])
        encode_ms.append(timed_ms(started))
    search, encode = latency(search_ms), latency(encode_ms)
    return {
        "search": search,
        "query_encoding_only": encode,
        "search_minus_encoding_p50_ms": round(search["p50_ms"] - encode["p50_ms"], 2),
    }


def measure_dense(engine: SearchEngine, embedder: Embedder, queries: list[str]) -> dict[str, Any]:
    """Exact flat inner-product search against the HNSW graph, on the engine's vectors."""
    vectors = np.ascontiguousarray(engine.dense.vectors, dtype=np.float32)
    flat = faiss.IndexFlatIP(vectors.shape[1])
    flat.add(vectors)
    if engine.dense.kind == "hnsw":
        hnsw, source = engine.dense, "engine"
    else:  # small corpora are indexed flat: build the graph the engine would use at scale
        log(f"engine index is {engine.dense.kind}; building an HNSW graph over the same vectors")
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


def finds(engine: SearchEngine, word: str, article_id: str) -> bool:
    return any(hit.passage.article_id == article_id for hit in engine.search(word, k=5).hits)


def measure_updates(
    engine: SearchEngine, rng: np.random.Generator, pools: dict[str, WordPool], corpus: list[Article]
) -> dict[str, Any]:
    """Add 10 new articles, change 10 existing ones, remove the 10 added: time each call."""
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
        engine.upsert(article)
        add_ms.append(timed_ms(started))
        found_after_add.append(finds(engine, word, article.id))
        added.append((article.id, word))
    step = max(1, len(corpus) // UPDATE_ROUNDS)
    for i in range(UPDATE_ROUNDS):
        original = corpus[(i * step) % len(corpus)]
        word = f"xqzbenchmudado{i:02d}"
        before = engine.live_passages
        started = time.perf_counter()
        engine.upsert(changed(rng, pools, original, word))
        change_ms.append(timed_ms(started))
        found_after_change.append(finds(engine, word, original.id))
        passages_stable_after_change.append(engine.live_passages == before)
    for article_id, word in added:
        started = time.perf_counter()
        engine.remove(article_id)
        remove_ms.append(timed_ms(started))
        gone_after_remove.append(not finds(engine, word, article_id) and article_id not in engine.articles)

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
        "dead_share_after": round(engine.dead_share, 5),
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
        engine = SearchEngine.build(articles, embedder, progress=True)
        build_seconds = time.perf_counter() - started
        bench_rss = rss_mb()
        started = time.perf_counter()
        engine.save(index_dir)
        save_seconds = time.perf_counter() - started
        build = {
            "embedding_model": embedder.name,
            "build_seconds": round(build_seconds, 1),
            "save_seconds": round(save_seconds, 1),
            "passages": len(engine.passages),
            "passages_per_second": round(len(engine.passages) / build_seconds, 1),
            "dense_kind": engine.dense.kind,
            "index_size_mb": folder_mb(index_dir),
        }
        log(f"built in {build_seconds:.1f} s, saved in {save_seconds:.1f} s")

        queries = load_queries(args.queries)
        log(f"timing {len(queries)} in-process searches")
        in_process = measure_in_process(engine, queries)
        log("comparing flat and HNSW dense search")
        dense = measure_dense(engine, embedder, load_queries(DENSE_QUERIES * 2))
        http, api_rss = run_api(index_dir, workdir, model, queries, args.keep)
        log("timing incremental updates")
        update = measure_updates(engine, rng, pools, articles)

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
