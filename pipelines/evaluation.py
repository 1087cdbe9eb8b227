"""Retrieval evaluation: the project's search engine side by side with a plain BM25 baseline.

An evaluation folder is in the BEIR layout: ``queries.jsonl`` (``{"_id", "text", ...}``), ``qrels.tsv``
(header ``query-id  corpus-id  score``, then one relevant pair a line) and optionally ``corpus.jsonl``
(``{"_id", "title", "text"}``). Without ``corpus.jsonl`` the corpus is the knowledge base
(``knowledge/articles``) and the qrels' corpus ids are article ids, as in ``tests/evalset``.

Usage::

    python -m pipelines eval /work/shared/evaldata/faquad_pt            # indented JSON on stdout
    python -m pipelines eval tests/evalset --json-only                  # compact JSON only on stdout

    from pipelines.evaluation import evaluate
    result = evaluate(Path("tests/evalset"), load_embedder("use-multilingual-v3"), progress=False)
    result["system"]["recall@1"], result["bm25"]["recall@1"], result["system"]["p95_ms"]

Both systems rank the whole corpus for every query (k=10, no filters). ``recall@k`` is the share of
queries with a relevant document in the top k (a hit rate, as in the evaldata README's table),
``mrr@10`` the mean reciprocal rank of the first relevant document in the top 10, and
``p50_ms``/``p95_ms`` the per-query latency of the single search call (after one untimed warm-up call).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import re
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import bm25s
import numpy as np
from tqdm import tqdm

from core.articles import Article, ArticleError, Section
from core.languages import detect_language
from core.logs import configure_logging
from core.settings import ROOT, get_settings
from knowledge.markdown import load_folder
from search.embeddings import Embedder, load_embedder
from search.index import KnowledgeIndex
from search.searcher import Searcher

log = logging.getLogger(__name__)

K = 10  # depth of every ranking; enough for recall@5 and mrr@10
KNOWLEDGE_DIR = ROOT / "knowledge" / "articles"
QUERIES_FILE = "queries.jsonl"
QRELS_FILE = "qrels.tsv"
CORPUS_FILE = "corpus.jsonl"

# The BM25 baseline tokenises exactly as the reference numbers in /work/shared/evaldata/README.md were
# measured: lower-cased text cut with bm25s' default token pattern (words of two or more characters,
# punctuation dropped), no stop words, no stemming. Splitting on whitespace alone keeps punctuation glued
# to words ("informação?") and does not reproduce the table (faquad_pt R@1 0.662 instead of 0.797).
_BASELINE_TOKEN = re.compile(r"(?u)\b\w\w+\b")


class EvalDataError(ValueError):
    """An evaluation folder or file that cannot be read; the message names the file and the reason."""


@dataclass(frozen=True)
class EvalSet:
    queries: dict[str, str]  # query id → text
    qrels: dict[str, set[str]]  # query id → relevant doc ids (score > 0)
    corpus: list[Article] | None  # None when the folder has no corpus.jsonl (use the knowledge base)


@dataclass(frozen=True)
class _Doc:
    id: str
    title: str
    text: str


def load_beir(folder: Path) -> EvalSet:
    """Queries, positive qrels and (when ``corpus.jsonl`` exists) the corpus as articles."""
    missing = [name for name in (QUERIES_FILE, QRELS_FILE) if not (folder / name).is_file()]
    if missing:
        raise EvalDataError(f"{folder}: no {' or '.join(missing)} (expected a BEIR folder)")
    queries: dict[str, str] = {}
    for line_no, record in _jsonl(folder / QUERIES_FILE):
        query_id, text = _field(record, "_id", folder / QUERIES_FILE, line_no), record.get("text")
        if not isinstance(text, str):
            raise EvalDataError(f"{folder / QUERIES_FILE}:{line_no}: query {query_id!r} has no text")
        queries[query_id] = text
    corpus_path = folder / CORPUS_FILE
    corpus = corpus_articles(corpus_path) if corpus_path.is_file() else None
    return EvalSet(queries=queries, qrels=_read_qrels(folder / QRELS_FILE), corpus=corpus)


def corpus_articles(corpus_jsonl: Path) -> list[Article]:
    """Each BEIR document as a one-section article in product/module ``eval``, language detected."""
    return [_doc_article(doc) for doc in _read_corpus(corpus_jsonl)]


def metrics(rankings: dict[str, list[str]], qrels: dict[str, set[str]]) -> dict[str, float]:
    """recall@1, recall@5 (share of queries with a relevant doc in the top k) and mrr@10.

    Only queries present in both ``rankings`` and ``qrels`` count; a query whose relevant set is
    empty counts as a miss.
    """
    judged = [query_id for query_id in rankings if query_id in qrels]
    hits_1 = hits_5 = 0
    reciprocal = 0.0
    for query_id in judged:
        relevant = qrels[query_id]
        first = next((rank for rank, doc in enumerate(rankings[query_id][:K], 1) if doc in relevant), None)
        if first is not None:
            hits_1 += first == 1
            hits_5 += first <= 5
            reciprocal += 1.0 / first
    n = len(judged)
    return {
        "recall@1": hits_1 / n if n else 0.0,
        "recall@5": hits_5 / n if n else 0.0,
        "mrr@10": reciprocal / n if n else 0.0,
        "queries": n,
    }


def evaluate(folder: Path, embedder: Embedder, progress: bool = True) -> dict[str, dict[str, float]]:
    """Rank every judged query with the project's engine and with BM25; metrics and latency of each."""
    evalset = load_beir(folder)
    if evalset.corpus is None:
        articles = load_folder(KNOWLEDGE_DIR)
        baseline_docs = [
            (article.id, " ".join([article.title, *(section.text for section in article.sections)]))
            for article in articles
        ]
    else:
        articles = evalset.corpus
        baseline_docs = [(doc.id, f"{doc.title} {doc.text}") for doc in _read_corpus(folder / CORPUS_FILE)]
    if not articles:
        raise EvalDataError(f"{folder}: the corpus has no documents")
    doc_ids = {article.id for article in articles}
    queries = {query_id: text for query_id, text in evalset.queries.items() if query_id in evalset.qrels}
    qrels = {query_id: evalset.qrels[query_id] & doc_ids for query_id in queries}
    unknown = sum(len(evalset.qrels[query_id] - doc_ids) for query_id in queries)
    log.info(
        "evaluation set",
        extra={
            "folder": str(folder),
            "documents": len(articles),
            "queries": len(queries),
            "skipped_queries": len(evalset.queries) - len(queries),
            "qrels_not_in_corpus": unknown,
        },
    )

    started = time.perf_counter()
    searcher = Searcher(KnowledgeIndex.build(articles, embedder))
    log.info("index built", extra={"seconds": round(time.perf_counter() - started, 2)})

    def system(query: str) -> list[str]:
        return [hit.passage.article_id for hit in searcher.search(query, k=K).hits]

    result = {"system": _run("system", system, queries, qrels, progress)}
    result["bm25"] = _run("bm25", _bm25_ranker(baseline_docs), queries, qrels, progress)
    return result


def main(argv: list[str] | None = None) -> int:
    """``python -m pipelines eval DIR [--json-only]``: one JSON object on stdout, the rest on stderr."""
    parser = argparse.ArgumentParser(
        prog="python -m pipelines eval",
        description="Recall@1/5, MRR@10 and latency of the search engine and a BM25 baseline.",
    )
    parser.add_argument("folder", metavar="DIR", type=Path, help="BEIR folder: queries.jsonl, qrels.tsv")
    parser.add_argument("--json-only", action="store_true", help="compact JSON on stdout, no summary")
    parser.add_argument(
        "--embedder", default=None, help="embedding model (default: EMBEDDING_MODEL, use-multilingual-v3)"
    )
    args = parser.parse_args(argv)
    folder: Path = args.folder

    missing = [name for name in (QUERIES_FILE, QRELS_FILE) if not (folder / name).is_file()]
    if missing:
        print(
            f"pipelines eval: {folder} has no {' or '.join(missing)}; expected a BEIR folder with "
            f"{QUERIES_FILE} and {QRELS_FILE} (and {CORPUS_FILE}, or none to use the knowledge base)",
            file=sys.stderr,
        )
        return 2

    settings = get_settings()
    configure_logging(settings.log_level)
    # Libraries that print would corrupt the JSON on stdout: send their output to stderr meanwhile.
    with contextlib.redirect_stdout(sys.stderr):
        try:
            embedder = load_embedder(args.embedder or settings.embedding_model)
            result = evaluate(folder, embedder, progress=True)
        except (EvalDataError, ArticleError) as exc:
            print(f"pipelines eval: {exc}", file=sys.stderr)
            return 2
    if args.json_only:
        print(json.dumps(result, separators=(",", ":")))
    else:
        print(json.dumps(result, indent=2))
        print(_summary(result), file=sys.stderr)
    return 0


def _run(
    name: str,
    ranker: Callable[[str], list[str]],
    queries: dict[str, str],
    qrels: dict[str, set[str]],
    progress: bool,
) -> dict[str, float]:
    rankings: dict[str, list[str]] = {}
    latencies: list[float] = []
    if queries:  # one untimed warm-up call: the first query pays for lazy initialisation
        ranker(next(iter(queries.values())))
    for query_id, text in tqdm(
        queries.items(), desc=name, unit="q", file=sys.stderr, disable=not progress, leave=False
    ):
        started = time.perf_counter()
        rankings[query_id] = ranker(text)
        latencies.append((time.perf_counter() - started) * 1000)
    scores = {key: round(value, 3) for key, value in metrics(rankings, qrels).items() if key != "queries"}
    p50, p95 = np.percentile(latencies, [50, 95]) if latencies else (0.0, 0.0)
    return {
        **scores,
        "queries": len(rankings),
        "p50_ms": round(float(p50), 3),
        "p95_ms": round(float(p95), 3),
    }


def _bm25_ranker(docs: list[tuple[str, str]]) -> Callable[[str], list[str]]:
    """bm25s with default parameters over the documents' text, tokenised like the reference."""
    ids = [doc_id for doc_id, _ in docs]
    retriever = bm25s.BM25()
    retriever.index([_baseline_tokens(text) for _, text in docs], show_progress=False)
    k = min(K, len(ids))

    def rank(query: str) -> list[str]:
        if k == 0:
            return []
        found, _ = retriever.retrieve([_baseline_tokens(query)], k=k, show_progress=False)
        return [ids[int(index)] for index in found[0]]

    return rank


def _baseline_tokens(text: str) -> list[str]:
    return _BASELINE_TOKEN.findall(text.lower())


def _doc_article(doc: _Doc) -> Article:
    title = doc.title or doc.id
    return Article(
        id=doc.id,
        title=title,
        lang=detect_language(f"{doc.title} {doc.text}") or "pt-BR",
        product="eval",
        module="eval",
        url="",
        sections=(Section(id="doc", heading=title, text=doc.text),),
    )


def _read_corpus(corpus_jsonl: Path) -> list[_Doc]:
    """Documents in file order; a repeated id keeps its first document (public sets have a few)."""
    docs: dict[str, _Doc] = {}
    repeated = 0
    for line_no, record in _jsonl(corpus_jsonl):
        doc_id = _field(record, "_id", corpus_jsonl, line_no)
        if doc_id in docs:
            repeated += 1
            continue
        docs[doc_id] = _Doc(doc_id, str(record.get("title") or ""), str(record.get("text") or ""))
    if repeated:
        log.warning("repeated document ids", extra={"file": str(corpus_jsonl), "kept_first_of": repeated})
    return list(docs.values())


def _read_qrels(path: Path) -> dict[str, set[str]]:
    qrels: dict[str, set[str]] = {}
    for line_no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        fields = line.split("\t") if "\t" in line else line.split()
        if len(fields) != 3:
            raise EvalDataError(f"{path}:{line_no}: expected query-id, corpus-id and score, got {line!r}")
        query_id, doc_id, score = (field.strip() for field in fields)
        try:
            value = float(score)
        except ValueError:
            if line_no == 1:  # the header line
                continue
            raise EvalDataError(f"{path}:{line_no}: score {score!r} is not a number") from None
        if value > 0:
            qrels.setdefault(query_id, set()).add(doc_id)
    return qrels


def _jsonl(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    with path.open(encoding="utf-8") as lines:
        for line_no, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise EvalDataError(f"{path}:{line_no}: not valid JSON ({exc})") from exc
            if not isinstance(record, dict):
                raise EvalDataError(f"{path}:{line_no}: expected a JSON object")
            yield line_no, record


def _field(record: dict[str, Any], name: str, path: Path, line_no: int) -> str:
    value = record.get(name)
    if value is None or value == "":
        raise EvalDataError(f"{path}:{line_no}: missing {name!r}")
    return str(value)


def _summary(result: dict[str, dict[str, float]]) -> str:
    columns = ("recall@1", "recall@5", "mrr@10", "p50_ms", "p95_ms")
    lines = [f"{'':8}" + "".join(f"{column:>10}" for column in columns)]
    for name, values in result.items():
        lines.append(f"{name:8}" + "".join(f"{values[column]:>10.3f}" for column in columns))
    return "\n".join(lines)
