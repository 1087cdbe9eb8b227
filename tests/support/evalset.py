"""The hand-written questions of ``tests/evalset`` with the article each one is about."""

from __future__ import annotations

import csv
import json

from core.settings import ROOT

EVALSET = ROOT / "tests" / "evalset"


def evalset_questions() -> list[tuple[str, str]]:
    """(question, relevant article id) for every question of the set."""
    texts = {
        record["_id"]: record["text"]
        for record in map(json.loads, (EVALSET / "queries.jsonl").read_text(encoding="utf-8").splitlines())
    }
    with (EVALSET / "qrels.tsv").open(encoding="utf-8") as qrels:
        return [(texts[row["query-id"]], row["corpus-id"]) for row in csv.DictReader(qrels, delimiter="\t")]
