"""Fit the confidence model on whether the shown answer holds the fact: ``python -m pipelines calibrate``.

Every question is searched over the knowledge base the way the assistant does (no filters). The
questions of the answer set (``tests/evalset/answers.jsonl``) count as *answered* when the answer
shown for the first hit contains their fact; the out-of-domain questions of the dev set
(``article: null`` in ``tests/confidence_dev.yaml``) can never be answered, so any confidence on
them costs precision. The threshold is the lowest that keeps precision at the target; recall is over
the answer-set questions. Five-fold cross-validation reports what to expect on questions the fit has
not seen, and the dev set's in-domain questions are reported apart (right article or not).

Usage::

    python -m pipelines calibrate                      # writes search/data/confidence.json
    python -m pipelines calibrate --dry-run            # prints the report only
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

from core.logs import configure_logging
from core.settings import ROOT, get_settings
from pipelines.answer_evaluation import ANSWER_SET, AnswerQuestion, contains, load_answer_set, shown
from pipelines.ingestion import knowledge_sources, open_index
from search.confidence import CALIBRATION_FILE, ConfidenceModel, HitEvidence, threshold_for_precision
from search.embeddings import load_embedder
from search.searcher import Searcher

DEV_SET = ROOT / "tests" / "confidence_dev.yaml"
TARGET_PRECISION = 0.9
SUGGEST_PRECISION = 0.8  # a possible answer, offered as such ("this may help"), is right this often
FOLDS = 5
NO_HIT = HitEvidence(top=-10.0, margin=0.0, dense=0.0, coverage=0.0, answer=0.0)


@dataclass(frozen=True)
class DevQuestion:
    text: str
    lang: str
    article: str | None  # None: out of domain


@dataclass(frozen=True)
class Observation:
    question: DevQuestion
    evidence: HitEvidence
    correct: bool  # the answer shown holds the fact (answer set) or is the expected article (dev set)


def load_dev_set(path: Path = DEV_SET) -> list[DevQuestion]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [DevQuestion(q["text"], q["lang"], q.get("article")) for q in data["questions"]]


def observe(searcher: Searcher, questions: list[DevQuestion]) -> list[Observation]:
    """Search each question and record the first hit's evidence and whether it is right."""
    observations = []
    for question in questions:
        outcome = searcher.search(question.text, k=2)
        hits = outcome.hits
        evidence = outcome.evidence or NO_HIT
        correct = (
            bool(hits) and question.article is not None and hits[0].passage.article_id == question.article
        )
        observations.append(Observation(question, evidence, correct))
    return observations


def observe_answers(searcher: Searcher, questions: list[AnswerQuestion]) -> list[Observation]:
    """Search each answer-set question; right when the shown answer contains its fact."""
    observations = []
    for question in questions:
        outcome = searcher.search(question.text, k=2)
        correct = bool(outcome.hits) and contains(shown(outcome.hits[0]), question.fact)
        observations.append(
            Observation(
                DevQuestion(question.text, question.lang, question.article_id),
                outcome.evidence or NO_HIT,
                correct,
            )
        )
    return observations


def precision_recall(model: ConfidenceModel, observations: list[Observation]) -> tuple[float, float]:
    """Precision of confident answers and recall over in-domain questions."""
    confident = [o for o in observations if model.is_confident(model.probability(o.evidence))]
    answerable = sum(1 for o in observations if o.question.article is not None)
    right = sum(o.correct for o in confident)
    return (right / len(confident) if confident else 1.0), (right / answerable if answerable else 0.0)


def fit(
    observations: list[Observation], embedding_model: str, dev_in_domain: list[Observation]
) -> ConfidenceModel:
    """Logistic fit on all observations, threshold for the target precision, CV report attached.

    ``dev_in_domain`` (right article or not) is only reported: it has no facts to check.
    """
    model = _fit_with_threshold(observations)
    cv_precision, cv_recall = _cross_validate(observations)
    precision, recall = precision_recall(model, observations)
    dev_precision, dev_recall = precision_recall(model, dev_in_domain)
    answerable = sum(1 for o in observations if o.question.article is not None)
    suggest_threshold, suggest_precision, suggest_recall = threshold_for_precision(
        [model.probability(o.evidence) for o in observations], [o.correct for o in observations], answerable,
        SUGGEST_PRECISION,
    )  # fmt: skip
    return model.with_threshold(
        model.threshold,
        {
            "embedding_model": embedding_model,
            "answer_set": str(ANSWER_SET.relative_to(ROOT)),
            "dev_set": str(DEV_SET.relative_to(ROOT)),
            "questions": len(observations),
            "in_domain": sum(1 for o in observations if o.question.article is not None),
            "answer_shown_correct": sum(o.correct for o in observations),
            "target_precision": TARGET_PRECISION,
            "precision": round(precision, 3),
            "recall": round(recall, 3),
            "cv_precision": round(cv_precision, 3),
            "cv_recall": round(cv_recall, 3),
            "dev_in_domain_precision": round(dev_precision, 3),
            "dev_in_domain_recall": round(dev_recall, 3),
            "suggest_precision": round(suggest_precision, 3),
            "suggest_recall": round(suggest_recall, 3),
        },
        suggest_threshold,
    )


def _fit_with_threshold(observations: list[Observation]) -> ConfidenceModel:
    model = ConfidenceModel.fit([o.evidence for o in observations], [o.correct for o in observations])
    probabilities = [model.probability(o.evidence) for o in observations]
    answerable = sum(1 for o in observations if o.question.article is not None)
    threshold, _, _ = threshold_for_precision(
        probabilities, [o.correct for o in observations], answerable, TARGET_PRECISION
    )
    return model.with_threshold(threshold, {})


def _cross_validate(observations: list[Observation]) -> tuple[float, float]:
    """Pooled precision/recall of models fitted without the fold they are scored on."""
    confident_right = confident_all = 0
    for fold in range(FOLDS):
        train = [o for i, o in enumerate(observations) if i % FOLDS != fold]
        test = [o for i, o in enumerate(observations) if i % FOLDS == fold]
        model = _fit_with_threshold(train)
        chosen = [o for o in test if model.is_confident(model.probability(o.evidence))]
        confident_all += len(chosen)
        confident_right += sum(o.correct for o in chosen)
    answerable = sum(1 for o in observations if o.question.article is not None)
    precision = confident_right / confident_all if confident_all else 1.0
    return precision, confident_right / answerable if answerable else 0.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipelines calibrate", description=__doc__.split("\n")[0])
    parser.add_argument("--dry-run", action="store_true", help="print the report, do not write the model")
    args = parser.parse_args(argv)
    settings = get_settings()
    configure_logging(settings.log_level)
    with contextlib.redirect_stdout(sys.stderr):
        embedder = load_embedder(settings.embedding_model)
        searcher = Searcher(open_index(settings.index_dir, embedder, knowledge_sources(settings)))
        dev_set = load_dev_set()
        out_of_domain = observe(searcher, [q for q in dev_set if q.article is None])
        in_domain = observe(searcher, [q for q in dev_set if q.article is not None])
        model = fit(observe_answers(searcher, load_answer_set()) + out_of_domain, embedder.name, in_domain)
    if not args.dry_run:
        model.save(CALIBRATION_FILE)
    thresholds = {
        "threshold": round(model.threshold, 4),
        "suggest_threshold": round(model.suggest_threshold or model.threshold, 4),
    }
    print(json.dumps({**thresholds, **model.fitted_on}, indent=2))
    return 0
