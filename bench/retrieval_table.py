"""Search quality on every public evaluation set: ``python -m bench.retrieval_table [EVALDATA_DIR]``.

Runs ``python -m pipelines eval`` logic on each BEIR folder of ``../shared/evaldata`` (the project's
engine and the bm25s baseline in the same run) and prints a Markdown table next to the reference
numbers of that folder's README (BM25, all-MiniLM-L6-v2 and multilingual USE, dense alone).
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from core.logs import configure_logging
from core.settings import ROOT, get_settings
from pipelines.evaluation import evaluate
from search.embeddings import load_embedder

EVALDATA = ROOT.parent / "shared" / "evaldata"
_TRIPLE = r"\s*([\d.]+) / ([\d.]+) / ([\d.]+)\s*\|"
_ROW = re.compile(r"^\|\s*(\w+)\s*\|" + _TRIPLE * 3)


def reference_recall_at_1(readme: Path) -> dict[str, dict[str, float]]:
    """R@1 of BM25, MiniLM and USE per set, from the evaldata README's reference table."""
    table: dict[str, dict[str, float]] = {}
    for line in readme.read_text(encoding="utf-8").splitlines():
        if match := _ROW.match(line):
            values = [float(v) for v in match.groups()[1:]]
            table[match.group(1)] = {"bm25": values[0], "minilm": values[3], "use": values[6]}
    return table


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    evaldata = Path(args[0]) if args else EVALDATA
    settings = get_settings()
    configure_logging("WARNING")
    embedder = load_embedder(settings.embedding_model)
    reference = reference_recall_at_1(evaldata / "README.md")
    rows = []
    results = {}
    for name in sorted(reference):
        result = evaluate(evaldata / name, embedder, progress=True)
        results[name] = result
        best = max(reference[name].values())
        system = result["system"]
        rows.append(
            f"| {name} | {system['recall@1']:.3f} / {system['recall@5']:.3f} / {system['mrr@10']:.3f} "
            f"| {result['bm25']['recall@1']:.3f} | {best:.3f} | {system['recall@1'] - best:+.3f} "
            f"| {system['p50_ms']:.1f} / {system['p95_ms']:.1f} |"
        )
    ours = [results[name]["system"]["recall@1"] for name in results]
    bests = [max(reference[name].values()) for name in results]
    mean_ours, mean_best = sum(ours) / len(ours), sum(bests) / len(bests)
    print(f"embedder: {embedder.name}\n")
    print(
        "| set | ours R@1 / R@5 / MRR@10 | bm25s R@1 (this run) | best reference R@1 "
        "| ours minus best | p50 / p95 ms |"
    )
    print("|---|---|---|---|---|---|")
    print("\n".join(rows))
    print(f"| **average** | {mean_ours:.3f} | | {mean_best:.3f} | {mean_ours - mean_best:+.3f} | |")
    print(json.dumps(results), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
