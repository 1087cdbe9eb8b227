"""Command line of the pipelines.

Usage::

    python -m pipelines ingest SOURCE… [--force]        # bring the index in line with the sources
    python -m pipelines query "telefone do suporte na Argentina" [-k 3]
    python -m pipelines eval DIR [--json-only]          # BEIR-layout folder; see pipelines/evaluation.py
    python -m pipelines calibrate [--dry-run]           # fit `confident` on tests/confidence_dev.yaml
    python -m pipelines answers [--fit]                 # does the shown answer hold the fact asked?
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from core.languages import SUPPORTED_LANGUAGES
from core.logs import configure_logging
from core.settings import get_settings
from pipelines.ingestion import IngestRefused, SourceDefaults, ingest, open_index
from search.embeddings import load_embedder
from search.searcher import Searcher


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    # eval and calibrate own their options; hand them the rest of the command line.
    if argv[:1] == ["eval"]:
        from pipelines.evaluation import main as evaluate

        return evaluate(argv[1:])
    if argv[:1] == ["answers"]:
        from pipelines.answer_evaluation import main as answers

        return answers(argv[1:])
    if argv[:1] == ["calibrate"]:
        from pipelines.calibration import main as calibrate

        return calibrate(argv[1:])
    parser = argparse.ArgumentParser(prog="python -m pipelines", description="Knowledge-base pipelines.")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("ingest", help="bring the search index in line with the sources")
    run.add_argument("sources", nargs="+", type=Path, help="folders or files (.md, .json, .html, .xhtml)")
    run.add_argument("--force", action="store_true", help="allow deleting more than 20%% of the index")
    run.add_argument("--product", default="General", help="product for sources that do not say it")
    run.add_argument("--module", default="General", help="module for sources that do not say it")
    run.add_argument("--lang", choices=SUPPORTED_LANGUAGES, help="language of such sources (default: detect)")
    run.add_argument("--no-progress", action="store_true", help="no progress bar")
    query = commands.add_parser("query", help="print the results for one question as JSON")
    query.add_argument("text")
    query.add_argument("-k", type=int, default=3)
    commands.add_parser("eval", help="evaluate on a BEIR-layout folder: eval DIR [--json-only]")
    commands.add_parser("calibrate", help="fit the confidence model on the dev set [--dry-run]")
    commands.add_parser("answers", help="article and answer hit@1 on tests/evalset/answers.jsonl [--fit]")
    args = parser.parse_args(argv)
    settings = get_settings()
    configure_logging(settings.log_level)
    if args.command == "ingest":
        return _ingest(args)
    return _query(args.text, args.k)


def _ingest(args: argparse.Namespace) -> int:
    settings = get_settings()
    defaults = SourceDefaults(product=args.product, module=args.module, lang=args.lang)
    embedder = load_embedder(settings.embedding_model)
    try:
        report = ingest(
            args.sources, settings.index_dir, embedder, defaults, args.force, not args.no_progress
        )
    except IngestRefused as exc:
        print(f"refused: {exc}", file=sys.stderr)
        return 2
    for problem in report.problems:
        print(f"skipped: {problem}", file=sys.stderr)
    summary = {**report.summary(), "index_written": report.written, "index_dir": str(settings.index_dir)}
    print(json.dumps(summary))
    return 0


def _query(text: str, k: int) -> int:
    settings = get_settings()
    embedder = load_embedder(settings.embedding_model)
    searcher = Searcher(open_index(settings.index_dir, embedder, settings.knowledge_dir))
    outcome = searcher.search(text, k=k)
    hits = [
        {"article_id": h.passage.article_id, "section": h.passage.section, "score": round(h.score, 3),
         "lexical": round(h.lexical, 2), "dense": round(h.dense, 3)}
        for h in outcome.hits
    ]  # fmt: skip
    result = {
        "confident": outcome.confident,
        "confidence": round(outcome.confidence, 3),
        "query_lang": outcome.query_lang,
        "hits": hits,
    }
    print(json.dumps(result, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
