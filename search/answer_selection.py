"""Which passage of the best few articles answers the question, and which of its lines lead.

Ranking compares a question with whole passages, title and heading included, so the section whose
heading names the topic ("¿Para qué sirve llamar a Soporte?") can beat the one that holds the fact
(the Mexico phone line), and a neighbouring article can beat the one whose remarks answer. After
ranking, every passage of the first ``ANSWER_ARTICLES`` articles is described (``answer_features``)
and the fitted answer model (``answer_model``) picks, per article, the passage most likely to
answer; the articles are then ordered by that likelihood. The chosen passage's best sentence or
list item leads (with the list it introduces when it ends with ":"), and the rest follows.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from search.answer_features import (
    LIST_ITEM,
    Candidate,
    CandidateEvidence,
    LineVectors,
    QuestionReading,
    TermGroups,
    describe,
)
from search.answer_model import AnswerModel
from search.index import KnowledgeIndex

ANSWER_ARTICLES = 5  # articles whose passages compete to answer
ANSWER_CHARS = 1000  # what a customer is shown of the answer, at most (the bot's limit)
LEAD_CHARS = 600  # the answer's leading lines, at most


@dataclass(frozen=True)
class Answer:
    row: int  # the passage chosen
    lead: str  # its lines that answer the question
    context: str  # the rest of the passage
    share: float  # the model's probability that this passage is the one answering

    @property
    def text(self) -> str:
        """What a customer is shown: the answering lines first, then the rest."""
        return f"{self.lead}\n{self.context}".strip() if self.context else self.lead


class AnswerSelector:
    """Picks, among the passages of the articles found, the ones that answer and their lines."""

    def __init__(
        self, index: KnowledgeIndex, model: AnswerModel | None = None, line_vectors: LineVectors | None = None
    ) -> None:
        self.index = index
        self.model = model or AnswerModel.packaged()
        self.line_vectors = line_vectors or LineVectors(index.embedder)

    def for_index(self, index: KnowledgeIndex) -> AnswerSelector:
        """The same selector over a reloaded index, keeping the line vectors already made."""
        return AnswerSelector(index, self.model, self.line_vectors)

    def read(self, text: str, lang: str | None, groups: TermGroups, vector: np.ndarray) -> QuestionReading:
        return QuestionReading.of(self.index, text, lang, groups, vector)

    def candidates(
        self, question: QuestionReading, articles: list[tuple[str, float]], lexical: np.ndarray
    ) -> tuple[list[Candidate], CandidateEvidence]:
        """Every passage of ``articles`` (id and fused score, ranked), described."""
        candidates = [
            Candidate(row, rank, score)
            for rank, (article_id, score) in enumerate(articles[:ANSWER_ARTICLES])
            for row in self.index.rows_of(article_id)
        ]
        return candidates, describe(self.index, self.line_vectors, question, candidates, lexical)

    def answers(
        self, question: QuestionReading, articles: list[tuple[str, float]], lexical: np.ndarray
    ) -> list[Answer]:
        """One answer per article of the first ``ANSWER_ARTICLES``, the likeliest first.

        ``lexical`` holds the question's BM25 score of every row.
        """
        candidates, evidence = self.candidates(question, articles, lexical)
        if not candidates:
            return []
        shares = self.model.shares(evidence.features)
        best: dict[int, int] = {}  # article rank → its likeliest candidate
        for i, candidate in enumerate(candidates):
            if candidate.article_rank not in best or shares[i] > shares[best[candidate.article_rank]]:
                best[candidate.article_rank] = i
        order = sorted(best.values(), key=lambda i: (-shares[i], candidates[i].article_rank))
        return [self.answer_of(candidates, evidence, i, float(shares[i])) for i in order]

    def answer_of(
        self, candidates: list[Candidate], evidence: CandidateEvidence, i: int, share: float = 0.0
    ) -> Answer:
        lead, context = answering_lines(evidence.lines[i], self.model.line_scores(evidence.line_features[i]))
        return Answer(candidates[i].row, lead, context, share)


def answering_lines(lines: list[str], scores: np.ndarray) -> tuple[str, str]:
    """The best-scored line (with the items of a list it introduces) and the rest, in reading order."""
    if not lines:
        return "", ""
    best = int(np.argmax(scores))
    end = best + 1
    if lines[best].rstrip().endswith(":"):  # "Imprima antes:" leads the list it introduces
        while (
            end < len(lines) and LIST_ITEM.match(lines[end]) and len("\n".join(lines[best:end])) < LEAD_CHARS
        ):
            end += 1
    lead = _cut("\n".join(lines[best:end]), LEAD_CHARS)
    rest = _joined([line for i, line in enumerate(lines) if not best <= i < end])
    return lead, _cut(rest, max(ANSWER_CHARS - len(lead) - 1, 0))


def _joined(lines: list[str]) -> str:
    """Sentences run on; a list item starts its own line."""
    text = ""
    for line in lines:
        text += ("\n" if text and LIST_ITEM.match(line) else " " if text else "") + line
    return text


def _cut(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    if limit < 40:
        return ""
    cut = text[:limit]
    boundary = max(cut.rfind(" "), limit // 2)
    return cut[:boundary].rstrip() + " …"
