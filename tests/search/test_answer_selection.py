"""Answer selection: within the article found, the passage and the lines that answer the question."""

from __future__ import annotations

from core.articles import Article
from search.answer_selection import AnswerSelector, answering_lines, asked_shapes
from search.searcher import Searcher
from search.text import query_term_groups
from tests.support.evalset import evalset_questions

REPORTS = """Antes da manutenção, emita estes relatórios de contingência:
- Hóspedes na Casa
- Situação dos Apartamentos
- Chegadas Previstas

Guarde-os impressos até o fim da janela."""


def lines_for(question: str, text: str, searcher: Searcher) -> tuple[str, str]:
    selector = AnswerSelector(searcher.index)
    return answering_lines(text, "pt-BR", selector.question(question, query_term_groups(question)), 0.5)


def test_a_line_that_introduces_a_list_leads_with_the_whole_list(searcher: Searcher) -> None:
    lead, rest = lines_for("quais relatórios de contingência devo emitir?", REPORTS, searcher)
    assert lead.splitlines() == [
        "Antes da manutenção, emita estes relatórios de contingência:",
        "- Hóspedes na Casa",
        "- Situação dos Apartamentos",
        "- Chegadas Previstas",
    ]
    assert rest == "Guarde-os impressos até o fim da janela."


def test_the_sentence_holding_the_question_leads_and_the_first_line_when_none_does(
    searcher: Searcher,
) -> None:
    text = "O Suporte atende de segunda a sexta. Para licenças, escreva para cstmi@totvs.com.br."
    assert lines_for("qual o email para licenças?", text, searcher)[0].startswith("Para licenças")
    assert lines_for("zzz qwerty", text, searcher)[0] == "O Suporte atende de segunda a sexta."


def test_question_words_tell_the_kind_of_fact_asked() -> None:
    assert any(shape.search("+54 11 5295 9300") for shape in asked_shapes("a qué número llamo en México?"))
    assert any(shape.search("em até 5 dias úteis") for shape in asked_shapes("até quando preciso responder?"))
    assert asked_shapes("como configuro o servidor de licenças") == ()


def test_the_status_meaning_is_shown_not_the_introduction_that_names_it(searcher: Searcher) -> None:
    hit = searcher.search("qué significa que mi ticket esté en espera de terceros?", k=1).hits[0]
    assert hit.passage.section == "¿Qué significa el estado En espera de terceros?"
    assert "generó un ISSUE" in hit.answer


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


def test_answer_selection_never_changes_which_article_comes_first(searcher: Searcher) -> None:
    previous = Searcher(searcher.index, select_answers=False)
    for question, _ in evalset_questions():
        assert (
            searcher.search(question, k=3).hits[0].passage.article_id
            == previous.search(question, k=3).hits[0].passage.article_id
        ), question
