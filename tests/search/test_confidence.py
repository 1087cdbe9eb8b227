"""`confident` is calibrated on whether the shown answer holds the fact, and keeps its promise."""

from __future__ import annotations

from collections import Counter

import pytest

from core.articles import Article
from pipelines.answer_evaluation import load_answer_set
from pipelines.calibration import DevQuestion, load_dev_set, observe, observe_answers, precision_recall
from search.confidence import ConfidenceModel, HitEvidence, threshold_for_precision
from search.searcher import Searcher

RECALL_FLOOR = 0.5  # of the answer set's questions, confidently shown with their fact (see README)


@pytest.fixture(scope="module")
def dev_set() -> list[DevQuestion]:
    return load_dev_set()


def test_the_dev_set_has_answerable_and_out_of_domain_questions_in_three_languages(
    dev_set: list[DevQuestion], articles: list[Article]
) -> None:
    assert len(dev_set) >= 100
    kinds = Counter((q.lang, q.article is not None) for q in dev_set)
    assert all(kinds[(lang, kind)] >= 15 for lang in ("pt-BR", "es", "en") for kind in (True, False))
    known = {article.id for article in articles}
    assert {q.article for q in dev_set if q.article} <= known


def test_confident_answers_show_the_fact_nine_times_in_ten(
    searcher: Searcher, dev_set: list[DevQuestion]
) -> None:
    observations = observe_answers(searcher, load_answer_set()) + observe(
        searcher, [q for q in dev_set if q.article is None]
    )
    precision, recall = precision_recall(searcher.confidence, observations)
    assert precision >= 0.9, "rerun `python -m pipelines calibrate` after changing ranking or the answer set"
    assert recall >= RECALL_FLOOR


def test_confident_answers_to_the_dev_questions_name_the_right_article(
    searcher: Searcher, dev_set: list[DevQuestion]
) -> None:
    precision, _ = precision_recall(searcher.confidence, observe(searcher, dev_set))
    assert precision >= 0.9


def test_the_calibration_was_made_with_the_embedder_in_use(searcher: Searcher) -> None:
    assert searcher.confidence.fitted_on["embedding_model"] == searcher.index.embedder.name
    assert searcher.confidence.fitted_on["cv_precision"] >= 0.85  # held-out folds, reported in README


def test_out_of_domain_questions_are_not_confident(searcher: Searcher) -> None:
    for question in (
        "Qual a receita de bolo de cenoura?",
        "¿Quién ganó el mundial de 2014?",
        "What is love?",
    ):
        assert not searcher.search(question).confident, question


def test_logistic_fit_orders_evidence_and_threshold_meets_precision() -> None:
    good = [HitEvidence(top=5 + i / 10, margin=2, dense=0.6, coverage=0.9, answer=0.8) for i in range(20)]
    bad = [HitEvidence(top=1 + i / 10, margin=0.1, dense=0.2, coverage=0.2, answer=0.1) for i in range(20)]
    model = ConfidenceModel.fit(good + bad, [True] * 20 + [False] * 20)
    assert model.probability(good[0]) > 0.9 > 0.1 > model.probability(bad[-1])
    probabilities = [0.95, 0.9, 0.8, 0.7, 0.6]
    correct = [True, True, False, True, False]
    assert threshold_for_precision(probabilities, correct, answerable=4, precision=0.75) == (0.7, 0.75, 0.75)
    assert threshold_for_precision(probabilities, correct, answerable=4, precision=1.0) == (0.9, 1.0, 0.5)
