"""Does the shown answer hold the fact asked? ``python -m pipelines answers [--fit]``.

Runs the questions of ``tests/evalset/answers.jsonl`` (each with its article and the exact fact that
answers it) against the knowledge base and reports, for the system and for the previous ranking in
the same run:
- article hit@1: the first result is the expected article;
- answer hit@1: the text a customer is shown for the first result contains the fact (from whichever
  article: translated and sibling articles share phone lines and addresses);
- lead hit@1: the fact is in the answer's leading lines, the first thing the customer reads.
The previous ranking shows the start of the best-matching section, as the bot did before answer
selection. ``--fit`` fits the answer model on all questions and saves it, after a two-fold check
split by article: each half is answered by a model fitted on the other half only, and that
held-out answer hit@1 is what to expect on new questions.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from core.languages import detect_language
from core.settings import get_settings
from pipelines.ingestion import knowledge_sources, open_index
from search.answer_model import AnswerCase, AnswerModel
from search.answer_selection import ANSWER_ARTICLES, AnswerSelector, answering_lines
from search.embeddings import load_embedder
from search.index import KnowledgeIndex
from search.normalise import fold
from search.searcher import Searcher, SearchHit
from search.text import query_term_groups

ANSWER_SET = Path(__file__).resolve().parent.parent / "tests" / "evalset" / "answers.jsonl"
PREVIOUS_SHOWN_CHARS = 600  # what the bot showed of the best section before answer selection


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
    lead_hit_at_1: float


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
    articles = answers = leads = total = 0
    for question in questions:
        total += 1
        hits = searcher.search(question.text, k=1).hits
        if not hits:
            continue
        articles += hits[0].passage.article_id == question.article_id
        # The fact counts wherever it is shown: a sibling article may hold the same phone line.
        answers += contains(shown(hits[0]), question.fact)
        leads += contains(hits[0].answer_lead or shown(hits[0]).split("\n", 1)[0], question.fact)
    n = max(total, 1)
    return AnswerScores(total, articles / n, answers / n, leads / n)


@dataclass(frozen=True)
class ObservedQuestion:
    """A question's candidate passages, described, and which of them (and of their lines) show the fact."""

    passages: AnswerCase
    lines: list[AnswerCase]  # per candidate: its lines, and which of them would lead with the fact


def observe_questions(index: KnowledgeIndex, questions: list[AnswerQuestion]) -> list[ObservedQuestion]:
    ranked = Searcher(index, select_answers=False)
    selector = AnswerSelector(index, AnswerModel.untrained())
    observed = []
    for question in questions:
        hits = ranked.search(question.text, k=ANSWER_ARTICLES).hits
        groups = query_term_groups(question.text)
        vector = index.embedder.encode([question.text])[0]
        reading = selector.read(question.text, detect_language(question.text), groups, vector)
        candidates, evidence = selector.candidates(
            reading, [(h.passage.article_id, h.score) for h in hits], index.lexical.scores(groups)
        )
        held = [
            contains(selector.answer_of(candidates, evidence, i).text, question.fact)
            for i in range(len(candidates))
        ]
        lines = []
        for group, features in zip(evidence.lines, evidence.line_features, strict=True):
            leads = [answering_lines(group, np.eye(len(group))[j])[0] for j in range(len(group))]
            lines.append(
                AnswerCase(features, np.array([contains(lead, question.fact) for lead in leads], dtype=bool))
            )
        observed.append(ObservedQuestion(AnswerCase(evidence.features, np.array(held, dtype=bool)), lines))
    return observed


def fit_model(observed: list[ObservedQuestion]) -> AnswerModel:
    lines = [case for o in observed for case, held in zip(o.lines, o.passages.answers, strict=True) if held]
    return AnswerModel.fit([o.passages for o in observed], lines)


def chosen_hits(model: AnswerModel, observed: list[ObservedQuestion]) -> tuple[int, int]:
    """How many questions the model answers with the fact shown, and with the fact in the lead."""
    answers = leads = 0
    for o in observed:
        best = int(np.argmax(model.scores(o.passages.features)))
        if o.passages.answers[best]:
            answers += 1
            line = o.lines[best]
            leads += bool(line.answers[int(np.argmax(model.line_scores(line.features)))])
    return answers, leads


def fit(index: KnowledgeIndex, questions: list[AnswerQuestion]) -> AnswerModel:
    """The model fitted on every question, with its two-fold held-out answer and lead hit@1 attached."""
    observed = observe_questions(index, questions)
    articles = sorted({q.article_id for q in questions})
    halves = [set(articles[::2]), set(articles[1::2])]  # split by article: no article on both sides
    held_out = [0, 0]
    for half in halves:
        train = [o for o, q in zip(observed, questions, strict=True) if q.article_id not in half]
        test = [o for o, q in zip(observed, questions, strict=True) if q.article_id in half]
        for total, hits in enumerate(chosen_hits(fit_model(train), test)):
            held_out[total] += hits
    model = fit_model(observed)
    answers, leads = chosen_hits(model, observed)
    n = max(len(observed), 1)
    return model.with_report(
        {
            "answer_set": str(ANSWER_SET.relative_to(ANSWER_SET.parents[2])),
            "questions": len(questions),
            "candidate_articles": ANSWER_ARTICLES,
            "held_out_answer_hit_at_1": round(held_out[0] / n, 3),
            "held_out_lead_hit_at_1": round(held_out[1] / n, 3),
            "fitted_answer_hit_at_1": round(answers / n, 3),
            "fitted_lead_hit_at_1": round(leads / n, 3),
            "reachable": round(sum(bool(o.passages.answers.any()) for o in observed) / n, 3),
        }
    )


def report(index: KnowledgeIndex, questions: list[AnswerQuestion], model: AnswerModel | None = None) -> str:
    rows = [
        (
            "system (answer selection)",
            score(Searcher(index, answers=AnswerSelector(index, model)), questions),
        ),
        ("previous ranking", score(Searcher(index, select_answers=False), questions)),
    ]
    lines = ["| ranking | questions | article hit@1 | answer hit@1 | lead hit@1 |", "|---|---|---|---|---|"]
    for name, s in rows:
        lines.append(f"| {name} | {s.questions} | {s.article_hit_at_1:.3f} | {s.answer_hit_at_1:.3f} "
                     f"| {s.lead_hit_at_1:.3f} |")  # fmt: skip
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipelines answers", description=__doc__.split("\n")[0])
    parser.add_argument("--fit", action="store_true", help="fit the answer model and save it")
    args = parser.parse_args(argv)
    settings = get_settings()
    embedder = load_embedder(settings.embedding_model)
    index = open_index(settings.index_dir, embedder, knowledge_sources(settings))
    questions = load_answer_set()
    model = None
    if args.fit:
        model = fit(index, questions)
        model.save()
        print(json.dumps(model.fitted_on, indent=2), file=sys.stderr)
    print(report(index, questions, model))
    return 0
