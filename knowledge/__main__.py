"""Command line: ``python -m knowledge ingest SOURCE… [--force]`` (see knowledge/ingest.py)."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from api.logs import configure_logging
from api.settings import get_settings
from knowledge.ingest import IngestRefused, SourceDefaults, ingest
from search.embeddings import load_embedder

log = logging.getLogger("knowledge")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m knowledge", description="Knowledge-base sources.")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("ingest", help="bring the search index in line with the sources")
    run.add_argument("sources", nargs="+", type=Path, help="folders or files (.md, .json, .html, .xhtml)")
    run.add_argument("--force", action="store_true", help="allow deleting more than 20%% of the index")
    run.add_argument("--product", default="General", help="product for sources that do not say it")
    run.add_argument("--module", default="General", help="module for sources that do not say it")
    run.add_argument(
        "--lang", choices=["pt-BR", "es", "en"], help="language of such sources (default: detect)"
    )
    run.add_argument("--no-progress", action="store_true", help="no progress bar")
    args = parser.parse_args(argv)

    settings = get_settings()
    configure_logging(settings.log_level)
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
    print(
        json.dumps(
            {**report.summary(), "index_written": report.written, "index_dir": str(settings.index_dir)}
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
