"""What the answer model knows about each candidate passage: the features it weighs.

A question is read once (its words weighted by rarity, a name or number counting more, and the
kinds of question its words tell); each passage of the best few articles is then described by how
much of the question its heading and body hold, its meaning (dense cosine) as a whole and at its
closest line, its BM25 score, its article's place in the ranking and what kind of section it is.
Scores are made relative to the other candidates (and to the other passages of the same article),
so one set of weights serves questions of any length or vocabulary.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import yaml

from search.chunking import Passage
from search.embeddings import Embedder
from search.index import KnowledgeIndex
from search.normalise import fold, word_spans
from search.text import STOP_STEMS, document_terms

QUESTION_KINDS_FILE = Path(__file__).parent / "data" / "question_kinds.yaml"
SECTION_KINDS_FILE = Path(__file__).parent / "data" / "answer_sections.yaml"
LIST_ITEM = re.compile(r"^\s*(?:[-*•]|\d+[.)]|\|)\s*")
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"'(¿¡]?[A-ZÀ-Ý0-9])")
ENTITY_WEIGHT = 2.0  # a name or number of the question ("México", "539") counts twice as much as a word
LINE_CACHE_PASSAGES = 4096  # passages whose line vectors are kept (about 12 KB each)
TERM_CACHE_TEXTS = 65_536  # passages and lines whose terms are kept (a few hundred bytes each)

TermGroups = list[set[str]]


@dataclass(frozen=True)
class QuestionKind:
    name: str
    cues: frozenset[str]
    shape: re.Pattern[str] | None  # what the fact asked looks like, when it has a shape


@lru_cache(maxsize=1)
def question_kinds() -> tuple[QuestionKind, ...]:
    data = yaml.safe_load(QUESTION_KINDS_FILE.read_text(encoding="utf-8"))
    return tuple(
        QuestionKind(
            name,
            frozenset(kind["cues"]),
            re.compile(kind["shape"], re.IGNORECASE) if "shape" in kind else None,
        )
        for name, kind in data.items()
    )


@lru_cache(maxsize=1)
def section_kinds() -> dict[str, str]:
    """Folded heading → kind of section (question, setting, solution, remarks)."""
    data = yaml.safe_load(SECTION_KINDS_FILE.read_text(encoding="utf-8"))
    return {heading: kind for kind, headings in data.items() for heading in headings}


def section_kind_names() -> tuple[str, ...]:
    """Every kind a passage can be: the template's kinds, the opening section, or another heading."""
    return ("opening", *dict.fromkeys(section_kinds().values()), "other")


# Evidence on a passage, each the passage's value minus the best among the candidates ("across"),
# and minus the best among its article's passages ("_in_article": 0 for an article's best passage).
# BM25 is compared only within an article: across articles (and languages) the ranking's fused
# score already weighs it, and raw BM25 from words shared by two languages would undo that.
ACROSS = ("words", "names", "meaning", "fact_shape")
IN_ARTICLE = (
    "words",
    "names",
    "meaning",
    "match",
    "line_words",
    "line_meaning",
    "fact_shape",
    "fact_line_words",
)


# What is known of each line of a passage, to choose the one that leads the answer.
LINE_FEATURES = ("words", "names", "meaning", "fact_shape", "first", "introduces_list")


def feature_names() -> tuple[str, ...]:
    """The answer model's features, in order (the kind pairs come from the data files)."""
    sections = section_kind_names()
    return (
        "article_score",
        "first_article",
        *ACROSS,
        *(f"{name}_in_article" for name in IN_ARTICLE),
        *(f"section:{section}" for section in sections[:-1]),
        *(
            f"{kind.name}:{where}"
            for kind in question_kinds()
            if kind.shape
            for where in ("shape", "shape_in_article")
        ),
        *(f"{kind.name}:{section}" for kind in question_kinds() for section in sections),
    )


def kinds_asked(query: str) -> tuple[QuestionKind, ...]:
    folded = fold(query)
    tokens = {fold(word) for word, _, _ in word_spans(query)}
    return tuple(
        kind
        for kind in question_kinds()
        if any(
            cue in tokens or (" " in cue and re.search(rf"\b{re.escape(cue)}\b", folded)) for cue in kind.cues
        )
    )


def is_entity(query: str, position: int, start: int, end: int) -> bool:
    """A name or a number: capitalised after the first word ("México", "PMS"), or with a digit."""
    word = query[start:end]
    return any(char.isdigit() for char in word) or (position > 0 and word[:1].isupper())


@dataclass(frozen=True)
class QuestionReading:
    """What answer selection reads of a question, once per search."""

    text: str
    lang: str | None
    groups: TermGroups  # the question's words, as stem groups
    weights: list[float]  # how much each word says about where the answer is
    names: list[bool]  # which words are names or numbers ("México", "539")
    kinds: tuple[QuestionKind, ...]
    vector: np.ndarray  # the question's embedding

    @classmethod
    def of(
        cls, index: KnowledgeIndex, text: str, lang: str | None, groups: TermGroups, vector: np.ndarray
    ) -> QuestionReading:
        spans = word_spans(text)
        names = [is_entity(text, i, start, end) for i, (_, start, end) in enumerate(spans)]
        weights = [
            # Function words say nothing about where the answer is.
            (0.0 if group <= STOP_STEMS else index.lexical.weight(group)) * (ENTITY_WEIGHT if name else 1.0)
            for group, name in zip(groups, names, strict=True)
        ]
        return cls(text, lang, groups, weights, names, kinds_asked(text), vector)

    def coverage(self, text: str, lang: str, names_only: bool = False) -> float:
        """Rarity-weighted share of the question's words (or of its names) that ``text`` contains."""
        chosen = [
            (g, w)
            for g, w, n in zip(self.groups, self.weights, self.names, strict=True)
            if n or not names_only
        ]
        total = sum(w for _, w in chosen)
        if not total:
            return 0.0
        terms = terms_of(text, lang)
        return sum(w for group, w in chosen if group & terms) / total

    def holds_fact_shape(self, text: str) -> bool:
        return any(kind.shape.search(text) for kind in self.kinds if kind.shape is not None)


@lru_cache(maxsize=TERM_CACHE_TEXTS)
def terms_of(text: str, lang: str) -> frozenset[str]:
    """The terms of a passage or line. The same candidates' lines come back query after query, and
    stemming them again was most of a search's time (bench.suggest_latency)."""
    return frozenset(document_terms(text, lang))


def passage_lines(text: str) -> list[str]:
    """Sentences and list items, in reading order (a list item or table row is one line)."""
    lines: list[str] = []
    for line in (line.strip() for line in text.splitlines()):
        if not line:
            continue
        if LIST_ITEM.match(line):
            lines.append(line)
        else:
            lines.extend(piece for piece in SENTENCE_END.split(line) if piece)
    return lines


class LineVectors:
    """Embeddings of each passage's lines, made when a passage is first a candidate and then kept.

    Keyed by the passage's text, so an edited article never reuses its old lines' vectors and a
    reloaded index keeps the vectors of every passage it did not change.
    """

    def __init__(self, embedder: Embedder, capacity: int = LINE_CACHE_PASSAGES) -> None:
        self.embedder = embedder
        self.capacity = capacity
        self._cache: OrderedDict[str, tuple[list[str], np.ndarray]] = OrderedDict()
        self._lock = threading.Lock()  # the API searches from several threads

    def of(self, texts: list[str]) -> list[tuple[list[str], np.ndarray]]:
        """Each passage text's lines and their vectors."""
        with self._lock:
            known = {text: self._cache[text] for text in texts if text in self._cache}
            for text in known:
                self._cache.move_to_end(text)
        missing = [text for text in dict.fromkeys(texts) if text not in known]
        if missing:  # encoded outside the lock: other searches go on meanwhile
            made = self._encoded(missing)
            known.update(made)
            with self._lock:
                self._cache.update(made)
                while len(self._cache) > self.capacity:
                    self._cache.popitem(last=False)
        return [known[text] for text in texts]

    def _encoded(self, texts: list[str]) -> dict[str, tuple[list[str], np.ndarray]]:
        lines = [passage_lines(text) for text in texts]
        vectors = self.embedder.encode([line for group in lines for line in group])
        made, taken = {}, 0
        for text, group in zip(texts, lines, strict=True):
            made[text] = (group, vectors[taken : taken + len(group)])
            taken += len(group)
        return made


@dataclass(frozen=True)
class Candidate:
    """A passage that may answer: one of the passages of an article the ranking found."""

    row: int
    article_rank: int  # 0: the ranking's first article
    article_score: float  # the fused score of the article's ranked passage


@dataclass(frozen=True)
class CandidateEvidence:
    """The feature matrix of a question's candidates, with each candidate's lines and theirs."""

    features: np.ndarray  # one row per candidate, columns as in ``feature_names()``
    lines: list[list[str]]
    line_features: list[np.ndarray]  # per candidate, one row per line, columns as in ``LINE_FEATURES``


def describe(
    index: KnowledgeIndex, line_vectors: LineVectors, question: QuestionReading, candidates: list[Candidate],
    lexical: np.ndarray,
) -> CandidateEvidence:  # fmt: skip
    """Every candidate's features; ``lexical`` holds the question's BM25 score of every row."""
    rows = [c.row for c in candidates]
    passages = [index.passages[row] for row in rows]
    lines = line_vectors.of([p.text for p in passages])
    line_words = [
        np.array([question.coverage(line, p.lang) for line in group])
        for p, (group, _) in zip(passages, lines, strict=True)
    ]
    line_meanings = [vectors @ question.vector if len(group) else np.zeros(0) for group, vectors in lines]
    shaped = [np.array([question.holds_fact_shape(line) for line in group], dtype=bool) for group, _ in lines]
    absolute = {
        "words": [question.coverage(f"{p.section}\n{p.text}", p.lang) for p in passages],
        "names": [question.coverage(f"{p.section}\n{p.text}", p.lang, names_only=True) for p in passages],
        "meaning": index.dense.scores(np.array(rows), question.vector),
        "match": lexical[rows],
        "line_words": [scores.max(initial=0.0) for scores in line_words],
        "line_meaning": [scores.max(initial=-1.0) for scores in line_meanings],
        "fact_shape": [float(flags.any()) for flags in shaped],
        # A line with the kind of fact asked and the question's words: "- México: 442 1-03-06-00".
        "fact_line_words": [
            scores[flags].max(initial=0.0) for scores, flags in zip(line_words, shaped, strict=True)
        ],
    }
    articles = np.array([p.article_id for p in passages])
    columns = {name: i for i, name in enumerate(feature_names())}
    features = np.zeros((len(candidates), len(columns)))
    top_score = max(c.article_score for c in candidates)
    features[:, columns["article_score"]] = [c.article_score - top_score for c in candidates]
    features[:, columns["first_article"]] = [c.article_rank == 0 for c in candidates]
    for name, values in absolute.items():
        values = np.asarray(values, dtype=np.float64)
        best_in_article = np.array([values[articles == a].max() for a in articles])
        if name in ACROSS:
            features[:, columns[name]] = values - values.max()
        if name == "match":  # BM25 has no fixed scale: a share of the article's best (all 0 without a match)
            values = np.divide(values, best_in_article, out=np.zeros_like(values), where=best_in_article > 0)
            best_in_article = (best_in_article > 0).astype(np.float64)
        features[:, columns[f"{name}_in_article"]] = values - best_in_article
    for kind in question.kinds:
        if kind.shape is not None:
            held = np.array([bool(kind.shape.search(p.text)) for p in passages], dtype=np.float64)
            features[:, columns[f"{kind.name}:shape"]] = held - held.max()
            features[:, columns[f"{kind.name}:shape_in_article"]] = held - np.array(
                [held[articles == a].max() for a in articles]
            )
    for i, section in enumerate(_section_kinds(index, passages, rows)):
        if f"section:{section}" in columns:
            features[i, columns[f"section:{section}"]] = 1.0
        for kind in question.kinds:
            features[i, columns[f"{kind.name}:{section}"]] = 1.0
    line_features = [
        _line_features(question, passage, group, held, meanings, flags)
        for passage, (group, _), held, meanings, flags in zip(
            passages, lines, line_words, line_meanings, shaped, strict=True
        )
    ]
    return CandidateEvidence(features, [group for group, _ in lines], line_features)


def _line_features(
    question: QuestionReading, passage: Passage, lines: list[str], words: np.ndarray, meanings: np.ndarray,
    shaped: np.ndarray,
) -> np.ndarray:  # fmt: skip
    matrix = np.zeros((len(lines), len(LINE_FEATURES)))
    if not lines:
        return matrix
    matrix[:, 0] = words
    matrix[:, 1] = [question.coverage(line, passage.lang, names_only=True) for line in lines]
    matrix[:, 2] = meanings - meanings.max()
    matrix[:, 3] = shaped
    matrix[0, 4] = 1.0
    matrix[:, 5] = [
        line.rstrip().endswith(":") and i + 1 < len(lines) and bool(LIST_ITEM.match(lines[i + 1]))
        for i, line in enumerate(lines)
    ]
    return matrix


def _section_kinds(index: KnowledgeIndex, passages: list[Passage], rows: list[int]) -> list[str]:
    """Each passage's kind of section: "opening" for the first of several, else by its heading."""
    kind_of = section_kinds()
    kinds = []
    for row, passage in zip(rows, passages, strict=True):
        article_rows = index.rows_of(passage.article_id)
        opening = row == article_rows[0] and len(article_rows) > 1
        kinds.append("opening" if opening else kind_of.get(fold(passage.section).strip(), "other"))
    return kinds
