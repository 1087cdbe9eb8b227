"""Answer selection: among the passages of the articles found, the one that answers, and its lines."""

from __future__ import annotations

import numpy as np
import pytest

from core.articles import Article
from pipelines.answer_evaluation import contains, load_answer_set
from search.answer_features import LineVectors, feature_names, kinds_asked, passage_lines
from search.answer_model import AnswerCase, AnswerModel, AnswerModelMismatch, conditional_logit
from search.answer_selection import answering_lines
from search.searcher import Searcher
from tests.support.evalset import evalset_questions

REPORTS = """Antes da manutenção, emita estes relatórios de contingência:
- Hóspedes na Casa
- Situação dos Apartamentos
- Chegadas Previstas

Guarde-os impressos até o fim da janela."""


def test_a_line_that_introduces_a_list_leads_with_the_whole_list() -> None:
    lines = passage_lines(REPORTS)
    lead, rest = answering_lines(lines, np.array([0.9, 0.2, 0.1, 0.1, 0.3]))
    assert lead.splitlines() == [
        "Antes da manutenção, emita estes relatórios de contingência:",
        "- Hóspedes na Casa",
        "- Situação dos Apartamentos",
        "- Chegadas Previstas",
    ]
    assert rest == "Guarde-os impressos até o fim da janela."


def test_the_best_line_leads_and_the_rest_follows_in_reading_order() -> None:
    lines = passage_lines(
        "O Suporte atende de segunda a sexta. Para licenças, escreva para cstmi@totvs.com.br. Obrigado."
    )
    assert answering_lines(lines, np.array([0.1, 0.8, 0.0])) == (
        "Para licenças, escreva para cstmi@totvs.com.br.",
        "O Suporte atende de segunda a sexta. Obrigado.",
    )


def test_question_words_tell_the_kind_of_question() -> None:
    assert "phone" in {kind.name for kind in kinds_asked("a qué número llamo en México?")}
    assert "deadline" in {kind.name for kind in kinds_asked("até quando preciso responder?")}
    assert {kind.name for kind in kinds_asked("como configuro o servidor de licenças")} == {"how"}


NOT_YET = "the neighbouring article comes first and its best section does not hold the fact (see README)"


@pytest.mark.parametrize(
    ("question", "fact"),
    [
        ("a qué número llamo en México para hablar con soporte de Protheus?", "442 1-03-06-00"),
        ("qué significa que mi ticket esté en espera de terceros?", "generó un ISSUE"),
        pytest.param(
            "¿qué informes de contingencia debo sacar antes del mantenimiento del PMS?",
            "Hóspedes na Casa",
            marks=pytest.mark.xfail(strict=True, reason=NOT_YET),
        ),
        pytest.param(
            "o suporte me pediu umas informações no chamado, até quando eu preciso responder?",
            "5 dias úteis",
            marks=pytest.mark.xfail(strict=True, reason=NOT_YET),
        ),
    ],
)
def test_the_answer_shows_the_fact_asked_not_the_section_that_names_the_topic(
    searcher: Searcher, question: str, fact: str
) -> None:
    hit = searcher.search(question, k=1).hits[0]
    assert fact in hit.answer, hit.answer


def test_the_mexico_phone_line_leads_the_answer(searcher: Searcher) -> None:
    hit = searcher.search("a qué número llamo en México para hablar con soporte de Protheus?", k=1).hits[0]
    assert "México: 442 1-03-06-00" in hit.answer_lead


def test_the_solution_is_shown_rather_than_the_section_restating_the_question(
    searcher: Searcher, articles: list[Article]
) -> None:
    problem_articles = {a.id for a in articles if any(s.heading in ("Dúvida", "Duda") for s in a.sections)}
    shown = [
        searcher.search(question, k=1).hits[0].passage.section
        for question, article_id in evalset_questions()
        if article_id in problem_articles
    ]
    assert shown and sum(section in ("Dúvida", "Duda", "Ambiente") for section in shown) / len(shown) < 0.1


def test_choosing_the_answer_keeps_the_rankings_first_articles_on_the_search_set(searcher: Searcher) -> None:
    ranking = Searcher(searcher.index, select_answers=False)
    questions = evalset_questions()

    def right_first(engine: Searcher) -> int:
        return sum(engine.search(q, k=3).hits[0].passage.article_id == article for q, article in questions)

    # Measured: 210 of 226 against 213 for the ranking (and 153 of 183 against 146 on the answer set,
    # whose questions are answered outside their article's first section).
    assert right_first(searcher) >= right_first(ranking) - 0.02 * len(questions)


def test_most_answers_of_the_answer_set_show_the_fact(searcher: Searcher) -> None:
    questions = load_answer_set()
    held = sum(contains(searcher.search(q.text, k=1).hits[0].answer, q.fact) for q in questions)
    # 0.781 with the model fitted on these questions, 0.754 on held-out halves (README): falling to
    # the held-out level means the selection got worse, not that the set is hard.
    assert held / len(questions) >= 0.76


def test_the_packaged_model_weighs_the_features_the_data_files_describe() -> None:
    assert AnswerModel.packaged().features == feature_names()


def test_a_model_fitted_on_other_features_says_how_to_refit(tmp_path) -> None:  # type: ignore[no-untyped-def]
    stale = tmp_path / "answer_model.json"
    stale.write_text('{"weights": {"words": 1.0}, "fitted_on": {}}', encoding="utf-8")
    with pytest.raises(AnswerModelMismatch, match="python -m pipelines answers --fit"):
        AnswerModel.packaged(stale)


def test_fitting_learns_to_prefer_the_candidates_that_answer() -> None:
    rng = np.random.default_rng(0)
    width = len(feature_names())
    cases = []
    for _ in range(40):
        features = rng.normal(size=(6, width))
        answering = int(np.argmax(features[:, 2]))  # the feature at column 2 tells which answers
        cases.append(AnswerCase(features, np.arange(6) == answering))
    weights = conditional_logit(cases, width, l2=0.01)
    assert int(np.argmax(weights)) == 2
    assert all(c.answers[int(np.argmax(c.features @ weights))] for c in cases)


def test_an_edited_passage_gets_its_new_lines_embedded(searcher: Searcher) -> None:
    cache = LineVectors(searcher.index.embedder)
    text = searcher.index.passages[0].text
    ((lines, vectors),) = cache.of([text])
    assert lines == passage_lines(text) and len(vectors) == len(lines)
    ((lines, vectors),) = cache.of(["Linha nova. Outra linha."])
    assert lines == ["Linha nova.", "Outra linha."] and len(vectors) == 2
