"""Which passage of a found article answers the question, and which of its lines to lead with.

Ranking compares a question with whole passages, title and heading included, so the section whose
heading names the topic ("¿Para qué sirve llamar a Soporte?") can beat the one that holds the fact
(the Mexico phone line). Once the article is found, each of its passages is scored again on what
its *body* holds of the question: the question's words weighted by how rare they are in the corpus
(a country, a status name, a report name, a number are rare), the passage's meaning (dense cosine)
and its BM25 score, both standardised within the article; the article's opening section counts a
little less, so an introduction wins only when nothing more specific answers. The weights are
fitted on the answer evaluation set (``python -m pipelines answers --fit``), not per question.

Then the passage's sentences and list items are scored the same way and the best one leads the
answer, with the list it introduces when it ends with ":"; the rest of the passage follows, short.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import yaml

from search.index import KnowledgeIndex
from search.normalise import fold, word_spans
from search.text import STOP_STEMS, document_terms

WEIGHTS_FILE = Path(__file__).parent / "data" / "answer_weights.json"
ANSWER_TYPES_FILE = Path(__file__).parent / "data" / "answer_types.yaml"
ANSWER_SECTIONS_FILE = Path(__file__).parent / "data" / "answer_sections.yaml"
LEAD_CHARS = 600  # the answer's leading lines, at most
CONTEXT_CHARS = 400  # the rest of the passage, in short (lead and rest fit the bot's 1 000 characters)
LIST_ITEM = re.compile(r"^\s*(?:[-*•]|\d+[.)]|\|)\s*")
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"'(¿¡]?[A-ZÀ-Ý0-9])")

TermGroups = list[set[str]]


@dataclass(frozen=True)
class AnswerWeights:
    """How much each kind of evidence counts when choosing an article's answering passage."""

    words: float = 1.0  # rarity-weighted share of the question's words in the passage (heading and body)
    meaning: float = 0.5  # dense cosine, standardised within the article
    match: float = 0.5  # BM25 (title and heading included), standardised within the article
    opening: float = 0.2  # held against the article's first section when it has others
    entity: float = 2.0  # how much more a name or number of the question counts ("México", "539")
    shape: float = 0.5  # for holding the kind of fact asked ("qué número": a phone; "até quando": a deadline)
    restated: float = 1.0  # held against sections that state the question or its setting ("Dúvida")

    @classmethod
    def packaged(cls) -> AnswerWeights:
        """The weights fitted on the answer evaluation set (defaults when none were fitted)."""
        if not WEIGHTS_FILE.exists():
            return cls()
        return cls(**json.loads(WEIGHTS_FILE.read_text(encoding="utf-8")))

    def save(self, path: Path = WEIGHTS_FILE) -> None:
        path.write_text(json.dumps(asdict(self), indent=2) + "\n", encoding="utf-8")


@dataclass(frozen=True)
class Answer:
    row: int  # the passage chosen
    lead: str  # its lines that answer the question
    context: str  # the rest of the passage, in short

    @property
    def text(self) -> str:
        """What a customer is shown: the answering lines first, then the rest in short."""
        return f"{self.lead}\n{self.context}".strip() if self.context else self.lead


@dataclass(frozen=True)
class Question:
    """What the answer selection reads of a question: its words' weights and the fact shapes asked."""

    groups: TermGroups
    weights: list[float]
    shapes: tuple[re.Pattern[str], ...]

    def score(self, text: str, lang: str, shape_weight: float) -> float:
        shaped = any(shape.search(text) for shape in self.shapes)
        return coverage(text, lang, self.groups, self.weights) + (shape_weight if shaped else 0.0)


@lru_cache(maxsize=1)
def question_sections() -> frozenset[str]:
    """Headings of the sections that state a problem rather than answer it."""
    data = yaml.safe_load(ANSWER_SECTIONS_FILE.read_text(encoding="utf-8"))
    return frozenset(data["question_sections"])


@lru_cache(maxsize=1)
def answer_types() -> tuple[tuple[frozenset[str], re.Pattern[str]], ...]:
    """(cue words, fact shape) of each kind of fact a question may ask for."""
    data = yaml.safe_load(ANSWER_TYPES_FILE.read_text(encoding="utf-8"))
    return tuple(
        (frozenset(kind["cues"]), re.compile(kind["shape"], re.IGNORECASE)) for kind in data.values()
    )


def asked_shapes(query: str) -> tuple[re.Pattern[str], ...]:
    folded = fold(query)
    tokens = {fold(word) for word, _, _ in word_spans(query)}
    return tuple(
        shape
        for cues, shape in answer_types()
        if any(cue in tokens or (" " in cue and cue in folded) for cue in cues)
    )


def is_entity(query: str, position: int, start: int, end: int) -> bool:
    """A name or a number: capitalised after the first word ("México", "PMS"), or with a digit."""
    word = query[start:end]
    return any(char.isdigit() for char in word) or (position > 0 and word[:1].isupper())


class AnswerSelector:
    """Picks the answering passage of an article and its answering lines for a question."""

    def __init__(self, index: KnowledgeIndex, weights: AnswerWeights | None = None) -> None:
        self.index = index
        self.weights = weights or AnswerWeights.packaged()

    def question(self, query: str, groups: TermGroups) -> Question:
        spans = word_spans(query)
        weights = [
            self._weight(group) * (self.weights.entity if is_entity(query, i, start, end) else 1.0)
            for i, (group, (_, start, end)) in enumerate(zip(groups, spans, strict=True))
        ]
        # A shape that counts for nothing (the fitted weight can be 0) is not looked for in every line.
        return Question(groups, weights, asked_shapes(query) if self.weights.shape else ())

    def answer(
        self, article_id: str, question: Question, query_vector: np.ndarray, lexical: np.ndarray
    ) -> Answer | None:
        """The answer in ``article_id``; ``lexical`` holds the question's BM25 score of every row."""
        rows = self.index.rows_of(article_id)
        if not rows:
            return None
        passages = [self.index.passages[row] for row in rows]
        opening = np.array([p.section_id == passages[0].section_id and len(rows) > 1 for p in passages])
        restated = np.array([fold(p.section).strip() in question_sections() for p in passages])
        scores = (
            self.weights.words
            * np.array(
                [question.score(f"{p.section}\n{p.text}", p.lang, self.weights.shape) for p in passages]
            )
            + self.weights.meaning * _standardised(self.index.dense.scores(np.array(rows), query_vector))
            + self.weights.match * _standardised(lexical[rows])
            - self.weights.opening * opening
            - self.weights.restated * restated
        )
        best = int(np.argmax(scores))
        passage = passages[best]
        lead, context = answering_lines(passage.text, passage.lang, question, self.weights.shape)
        return Answer(rows[best], lead, context)

    def _weight(self, group: set[str]) -> float:
        # Function words say nothing about where the answer is.
        return 0.0 if group <= STOP_STEMS else self.index.lexical.weight(group)


def coverage(text: str, lang: str, groups: TermGroups, weights: list[float]) -> float:
    """Rarity-weighted share of the question's words that ``text`` contains."""
    total = sum(weights)
    if not total:
        return 0.0
    terms = set(document_terms(text, lang))
    return sum(weight for group, weight in zip(groups, weights, strict=True) if group & terms) / total


def answering_lines(text: str, lang: str, question: Question, shape_weight: float) -> tuple[str, str]:
    """The sentence or list item of ``text`` that holds most of the question (with the items of a
    list it introduces), and the rest of the text, short. The first line leads when none matches."""
    units = _units(text)
    if not units:
        return "", ""
    scores = [question.score(unit, lang, shape_weight) for unit in units]
    best = int(np.argmax(scores)) if max(scores) > 0 else 0
    end = best + 1
    if units[best].rstrip().endswith(":"):  # "Imprima antes:" leads the list it introduces
        while end < len(units) and LIST_ITEM.match(units[end]) and len("".join(units[best:end])) < LEAD_CHARS:
            end += 1
    lead = "\n".join(units[best:end])
    rest = " ".join(unit for i, unit in enumerate(units) if not best <= i < end)
    return _cut(lead, LEAD_CHARS), _cut(rest, CONTEXT_CHARS)


def _units(text: str) -> list[str]:
    """Sentences and list items, in reading order (a list item or table row is one unit)."""
    units: list[str] = []
    for line in (line.strip() for line in text.splitlines()):
        if not line:
            continue
        if LIST_ITEM.match(line):
            units.append(line)
        else:
            units.extend(piece for piece in SENTENCE_END.split(line) if piece)
    return units


def _cut(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[:limit]
    boundary = max(cut.rfind(" "), limit // 2)
    return cut[:boundary].rstrip() + " …"


def _standardised(values: np.ndarray) -> np.ndarray:
    values = values.astype(np.float64)
    spread = values.std()
    return (values - values.mean()) / spread if spread > 0 else np.zeros_like(values)
