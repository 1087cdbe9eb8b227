"""Command line: ``python -m search build`` builds the index when the knowledge changed.

Usage::

    python -m search build            # no-op when the index matches the articles
    python -m search build --force
    python -m search query "telefone do suporte na Argentina"
"""

from __future__ import annotations

import argparse
import json
import logging
import sys

from api.logs import configure_logging
from api.settings import get_settings
from knowledge.markdown import load_folder
from knowledge.models import ArticleError
from search.embeddings import SentenceTransformerEmbedder
from search.loader import load_or_build

log = logging.getLogger("search")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m search", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    build = commands.add_parser("build", help="build the index if the articles changed")
    build.add_argument("--force", action="store_true", help="rebuild even when up to date")
    query = commands.add_parser("query", help="print the results for one question as JSON")
    query.add_argument("text")
    query.add_argument("-k", type=int, default=3)
    args = parser.parse_args(argv)

    settings = get_settings()
    configure_logging(settings.log_level)
    try:
        articles = load_folder(settings.knowledge_dir)
    except ArticleError as exc:
        log.error("cannot load articles: %s (fix the file and run again)", exc)
        return 2
    embedder = SentenceTransformerEmbedder(settings.embedding_model)
    engine = load_or_build(
        articles, embedder, settings.index_dir, force=args.command == "build" and args.force
    )
    if args.command == "query":
        outcome = engine.search(args.text, k=args.k)
        print(
            json.dumps(
                {
                    "confident": outcome.confident,
                    "query_lang": outcome.query_lang,
                    "hits": [
                        {
                            "article_id": h.passage.article_id,
                            "section": h.passage.section,
                            "score": round(h.score, 3),
                            "lexical": round(h.lexical, 2),
                            "dense": round(h.dense, 3),
                        }
                        for h in outcome.hits
                    ],
                },
                ensure_ascii=False,
                indent=1,
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
