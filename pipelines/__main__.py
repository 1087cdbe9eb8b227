"""Command line of the pipelines.

Usage::

    python -m pipelines ingest [SOURCE…] [--force]      # bring the index in line with the sources
    python -m pipelines sync confluence --base-url URL --space KEY [--lang L] [--force]
    python -m pipelines sync zendesk --subdomain S --locale pt-br,es [--base-url URL] [--full]
    python -m pipelines query "telefone do suporte na Argentina" [-k 3]
    python -m pipelines eval DIR [--json-only]          # BEIR-layout folder; see pipelines/evaluation.py
    python -m pipelines calibrate [--dry-run]           # fit `confident` on tests/confidence_dev.yaml
    python -m pipelines answers [--fit]                 # does the shown answer hold the fact asked?
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from core.languages import SUPPORTED_LANGUAGES
from core.logs import configure_logging
from core.settings import get_settings
from pipelines.ingestion import IngestRefused, SourceDefaults, ingest, knowledge_sources, open_index
from pipelines.sync import SyncFailed, SyncOptions, sync_confluence, sync_zendesk
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
    run.add_argument(
        "sources", nargs="*", type=Path,
        help="folders or files (.md, .json, .html, .xhtml, .article.json); none: the whole knowledge base",
    )  # fmt: skip
    _add_source_options(run)
    sync = commands.add_parser("sync", help="pull Confluence or Zendesk articles, then ingest")
    connectors = sync.add_subparsers(dest="connector", required=True)
    confluence = connectors.add_parser("confluence", help="every current page of a Confluence space")
    confluence.add_argument(
        "--base-url", required=True, help="site URL, e.g. https://acme.atlassian.net/wiki"
    )
    confluence.add_argument("--space", required=True, help="space key, e.g. PROT")
    _add_source_options(confluence)
    zendesk = connectors.add_parser("zendesk", help="the Help Center articles of some locales")
    zendesk.add_argument("--subdomain", required=True, help="NAME of NAME.zendesk.com")
    zendesk.add_argument("--locale", required=True, help="comma-separated Help Center locales, e.g. pt-br,es")
    zendesk.add_argument("--base-url", default="", help="API address instead of https://NAME.zendesk.com")
    zendesk.add_argument("--full", action="store_true", help="list every article again (archived ones leave)")
    _add_source_options(zendesk, lang=False)
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
    if args.command == "sync":
        return _sync(args)
    return _query(args.text, args.k)


def _add_source_options(parser: argparse.ArgumentParser, lang: bool = True) -> None:
    parser.add_argument("--force", action="store_true", help="allow deleting more than 20%% of the index")
    parser.add_argument("--product", default="General", help="product for sources that do not say it")
    parser.add_argument("--module", default="General", help="module for sources that do not say it")
    if lang:
        parser.add_argument(
            "--lang", choices=SUPPORTED_LANGUAGES, help="language of such sources (default: detect)"
        )
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")


def _ingest(args: argparse.Namespace) -> int:
    settings = get_settings()
    defaults = SourceDefaults(product=args.product, module=args.module, lang=args.lang)
    embedder = load_embedder(settings.embedding_model)
    sources = args.sources or knowledge_sources(settings)
    try:
        report = ingest(sources, settings.index_dir, embedder, defaults, args.force, not args.no_progress)
    except IngestRefused as exc:
        print(f"refused: {exc}", file=sys.stderr)
        return 2
    for problem in report.problems:
        print(f"skipped: {problem}", file=sys.stderr)
    for line in (line for source in report.quality for line in source.lines()):
        print(f"quality: {line}", file=sys.stderr)
    summary = {**report.summary(), "index_written": report.written, "index_dir": str(settings.index_dir)}
    print(json.dumps(summary))
    return 0


def _sync(args: argparse.Namespace) -> int:
    settings = get_settings()
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per request; the connectors log progress
    options = SyncOptions(
        product=args.product, module=args.module, lang=getattr(args, "lang", None), force=args.force,
        full=getattr(args, "full", False), progress=not args.no_progress,
    )  # fmt: skip
    embedder = load_embedder(settings.embedding_model)
    try:
        if args.connector == "confluence":
            report = sync_confluence(
                settings, embedder, base_url=args.base_url, space=args.space, options=options
            )
        else:
            locales = args.locale.split(",")
            report = sync_zendesk(
                settings, embedder, subdomain=args.subdomain, locales=locales, base_url=args.base_url,
                options=options,
            )  # fmt: skip
    except (SyncFailed, OSError) as exc:
        print(f"sync failed: {exc}", file=sys.stderr)
        return 2
    for problem in [*report.problems, *report.ingest.problems]:
        print(f"skipped: {problem}", file=sys.stderr)
    for line in (line for source in report.ingest.quality for line in source.lines()):
        print(f"quality: {line}", file=sys.stderr)
    print(json.dumps({**report.summary(), "index_dir": str(settings.index_dir)}))
    return 0


def _query(text: str, k: int) -> int:
    settings = get_settings()
    embedder = load_embedder(settings.embedding_model)
    searcher = Searcher(open_index(settings.index_dir, embedder, knowledge_sources(settings)))
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
