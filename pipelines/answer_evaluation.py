"""Does the shown answer hold the fact asked? ``python -m pipelines answers [--fit]``.

Runs the questions of ``tests/evalset/answers.jsonl`` (each with its article and the exact fact that
answers it) against the knowledge base and reports, for the system and for the previous ranking in
the same run:
- article hit@1: the first result is the expected article;
- answer hit@1: the text a customer is shown for the first result contains the fact (from whichever
  article: translated and sibling articles share phone lines and addresses).
The previous ranking shows the start of the best-matching section, as the bot did before answer
selection. ``--fit`` chooses the answer selection's weights on the questions of half the articles
(a grid, never per question), reports the other half apart, then saves the weights.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from core.settings import get_settings
from pipelines.ingestion import open_index
from search.answer_selection import AnswerSelector, AnswerWeights
from search.embeddings import load_embedder
from search.index import KnowledgeIndex
from search.normalise import fold
from search.searcher import Searcher, SearchHit
from search.text import query_term_groups

ANSWER_SET = Path(__file__).resolve().parent.parent / "tests" / "evalset" / "answers.jsonl"
PREVIOUS_SHOWN_CHARS = 600  # what the bot showed of the best section before answer selection
GRID = {
    "words": (0.5, 1.0, 2.0),
    "meaning": (0.0, 0.5, 1.0),
    "match": (0.0, 0.5),
    "opening": (0.0, 0.2, 0.5),
    "entity": (1.0, 2.0, 3.0),
    "shape": (0.0, 0.5, 1.0),
    "restated": (0.0, 1.0, 3.0),
}


@dataclass(frozen=True)
class AnswerQuestion:
    id: str
    text: str
    lang: str
    article_id: str
    fact: str


@dataclass(frozen=True)
class AnswerScores:
    questions: int
    article_hit_at_1: float
    answer_hit_at_1: float


def load_answer_set(path: Path = ANSWER_SET) -> list[AnswerQuestion]:
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [AnswerQuestion(r["_id"], r["text"], r["lang"], r["article_id"], r["fact"]) for r in records]


def previous_shown(text: str, limit: int = PREVIOUS_SHOWN_CHARS) -> str:
    """The start of the section, as the bot cut it before (blank lines dropped)."""
    return "\n".join(line for line in text.strip().splitlines() if line.strip())[:limit]


def shown(hit: SearchHit) -> str:
    return hit.answer or previous_shown(hit.passage.text)


def contains(text: str, fact: str) -> bool:
    """The fact is in the text, whatever the case, accents or spacing."""
    squeeze = " ".join
    return squeeze(fold(fact).split()) in squeeze(fold(text).split())


def score(searcher: Searcher, questions: Iterable[AnswerQuestion]) -> AnswerScores:
    articles = answers = total = 0
    for question in questions:
        total += 1
        hits = searcher.search(question.text, k=1).hits
        if not hits:
            continue
        articles += hits[0].passage.article_id == question.article_id
        # The fact counts wherever it is shown: a sibling article may hold the same phone line.
        answers += contains(shown(hits[0]), question.fact)
    return AnswerScores(total, articles / max(total, 1), answers / max(total, 1))


def fit(
    index: KnowledgeIndex, questions: list[AnswerQuestion], progress: Callable[[str], None]
) -> AnswerWeights:
    """The grid's weights with the best answer hit@1 on ``questions`` (the defaults win ties).

    Answer selection never changes which article comes first, so each question is searched once and
    only the selection inside its first article is redone for each point of the grid.
    """
    ranked = Searcher(index, select_answers=False)
    cases = []
    for question in questions:
        hits = ranked.search(question.text, k=1).hits
        if hits:
            groups = query_term_groups(question.text)
            vector = index.embedder.encode([question.text])[0]
            cases.append((question, hits[0].passage.article_id, groups, vector, index.lexical.scores(groups)))

    def hit_rate(weights: AnswerWeights) -> float:
        selector = AnswerSelector(index, weights)
        found = 0
        for question, article_id, groups, vector, lexical in cases:
            answer = selector.answer(article_id, selector.question(question.text, groups), vector, lexical)
            found += answer is not None and contains(answer.text, question.fact)
        return found / max(len(questions), 1)

    best, best_score = AnswerWeights(), hit_rate(AnswerWeights())
    progress(f"answer hit@1 {best_score:.3f} with the default weights")
    names = list(GRID)
    for values in itertools.product(*(GRID[name] for name in names)):
        weights = AnswerWeights(**dict(zip(names, values, strict=True)))
        result = hit_rate(weights)
        if result > best_score:
            best, best_score = weights, result
            progress(f"answer hit@1 {result:.3f} with {weights}")
    return best


def report(
    index: KnowledgeIndex, questions: list[AnswerQuestion], weights: AnswerWeights | None = None
) -> str:
    system = Searcher(index, answers=AnswerSelector(index, weights)) if weights else Searcher(index)
    rows = [
        ("system (answer selection)", score(system, questions)),
        ("previous ranking", score(Searcher(index, select_answers=False), questions)),
    ]
    lines = ["| ranking | questions | article hit@1 | answer hit@1 |", "|---|---|---|---|"]
    lines += [
        f"| {name} | {s.questions} | {s.article_hit_at_1:.3f} | {s.answer_hit_at_1:.3f} |" for name, s in rows
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipelines answers", description=__doc__.split("\n")[0])
    parser.add_argument("--fit", action="store_true", help="fit the answer selection's weights and save them")
    args = parser.parse_args(argv)
    settings = get_settings()
    index = open_index(settings.index_dir, load_embedder(settings.embedding_model), settings.knowledge_dir)
    questions = load_answer_set()
    if args.fit:
        # Split by article, so no article's questions are on both sides.
        articles = sorted({q.article_id for q in questions})
        fitting = set(articles[::2])
        dev = [q for q in questions if q.article_id in fitting]
        held_out = [q for q in questions if q.article_id not in fitting]
        weights = fit(index, dev, lambda line: print(line, file=sys.stderr))
        weights.save()
        print(f"fitted on {len(dev)} questions: {weights}\n\nheld out ({len(held_out)} questions):")
        print(report(index, held_out, weights))
        print(f"\nall {len(questions)} questions:")
        print(report(index, questions, weights))
        return 0
    print(report(index, questions))
    return 0
