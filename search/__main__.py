"""Command line of the search package.

Usage::

    python -m search query "telefone do suporte na Argentina" [-k 3]
    python -m search eval DIR [--json-only]       # BEIR-layout folder; see search/evaluation.py
    python -m search calibrate [--dry-run]        # fit `confident` on tests/confidence_dev.yaml

The index itself is built by ``python -m knowledge ingest`` (``make index``).
"""

from __future__ import annotations

import argparse
import json
import sys

from api.logs import configure_logging
from api.settings import get_settings
from knowledge.ingest import open_index
from search.embeddings import load_embedder


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["eval"]:
        from search.evaluation import main as evaluate

        return evaluate(argv[1:])
    if argv[:1] == ["calibrate"]:
        from search.calibration import main as calibrate

        return calibrate(argv[1:])
    parser = argparse.ArgumentParser(prog="python -m search", description="Search the knowledge base.")
    commands = parser.add_subparsers(dest="command", required=True)
    query = commands.add_parser("query", help="print the results for one question as JSON")
    query.add_argument("text")
    query.add_argument("-k", type=int, default=3)
    commands.add_parser(
        "eval", help="evaluate on a BEIR-layout folder: python -m search eval DIR [--json-only]"
    )
    commands.add_parser("calibrate", help="fit the confidence model on the dev set")
    args = parser.parse_args(argv)

    settings = get_settings()
    configure_logging(settings.log_level)
    embedder = load_embedder(settings.embedding_model)
    engine = open_index(settings.index_dir, embedder, settings.knowledge_dir)
    outcome = engine.search(args.text, k=args.k)
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
