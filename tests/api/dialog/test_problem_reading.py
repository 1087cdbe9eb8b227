"""A problem report read like support would: the problem, not the greeting or the request for a ticket."""

from __future__ import annotations

import pytest

from api.dialog.problem import read_problem, severity_words

RICH_OPENING = (
    "Bom dia. Desde ontem o Faturamento do Protheus 12.1.2310 em produção não transmite NF-e, "
    "ninguém consegue faturar. Preciso abrir um chamado."
)


def test_a_rich_opening_asks_for_a_ticket_and_its_title_is_the_problem() -> None:
    problem = read_problem(RICH_OPENING)
    assert problem.wants_ticket
    assert problem.summary == (
        "O Faturamento do Protheus 12.1.2310 em produção não transmite NF-e, ninguém consegue faturar"
    )
    assert problem.description is not None and "Bom dia" not in problem.description
    assert "chamado" not in problem.description


@pytest.mark.parametrize(
    "request_only",
    ["I need to open a support ticket please", "quero abrir um chamado", "Necesito abrir un ticket, porfa"],
)
def test_a_bare_request_has_no_title_so_the_title_is_asked(request_only: str) -> None:
    problem = read_problem(request_only)
    assert problem.wants_ticket
    assert problem.summary is None and problem.description is None


def test_the_problem_after_the_request_becomes_the_title() -> None:
    problem = read_problem("preciso abrir chamado: o DbAccess caiu e ninguém entra no sistema")
    assert problem.summary == "O DbAccess caiu e ninguém entra no sistema"


def test_a_question_is_not_a_title_and_a_vague_complaint_is_not_a_problem() -> None:
    assert read_problem("se cerró mi ticket pero el problema sigue, ¿qué hago?").summary is None
    assert read_problem("¿Cuál es el teléfono de soporte en Argentina?").description is None
    with_question = read_problem("O faturamento parou. O que eu faço?")
    assert with_question.description == "O faturamento parou. O que eu faço?"
    assert with_question.summary == "O faturamento parou"
    assert read_problem("tenho um problema").description is None


def test_a_long_problem_gets_a_title_of_at_most_120_characters_cut_at_a_word() -> None:
    summary = read_problem("O relatório de vendas " + "demora muito para abrir " * 10).summary
    assert summary is not None and len(summary) <= 120 and summary.endswith("…")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ninguém consegue faturar", {"impact": "high"}),
        ("nadie puede timbrar facturas, es urgente", {"impact": "high", "urgency": "high"}),
        ("only me, no rush", {"impact": "low", "urgency": "low"}),
        ("não é urgente", {"urgency": "low"}),
        ("o relatório saiu com a data errada", {}),
    ],
)
def test_impact_and_urgency_come_from_the_customers_own_words(text: str, expected: dict[str, str]) -> None:
    assert severity_words(text) == expected


@pytest.mark.parametrize(
    "hurried", ["Open a supprot ticket pls", "Abrir um chamdao", "quiero abrir un tikcet"]
)
def test_a_request_with_a_typo_is_still_a_request_and_never_a_title(hurried: str) -> None:
    problem = read_problem(hurried)
    assert problem.wants_ticket and problem.summary is None


def test_no_to_the_article_is_feedback_not_the_problem() -> None:
    assert read_problem("No, no me sirvió").description is None
    assert read_problem("O sistema não abre, preciso abrir um chmado urgente").summary == "O sistema não abre"


def test_slang_greetings_and_the_moment_stay_out_of_the_title() -> None:
    opening = (
        "q onda, desde la actualizacion de la semana pasada la nomina del RM 12.1.2402 en produccion "
        "calcula mal las horas extra de todos. necesito abrir un ticket porfa"
    )
    assert read_problem(opening).summary == (
        "La nomina del RM 12.1.2402 en produccion calcula mal las horas extra de todos"
    )
