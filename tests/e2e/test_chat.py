"""End to end: the real API, Rasa action server and Rasa server, talked to over Rasa's REST channel."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from tests.support.live_stack import LiveStack

pytestmark = pytest.mark.e2e


def text_of(replies: list[dict[str, Any]]) -> str:
    return "\n".join(reply.get("text", "") for reply in replies)


def test_a_spanish_question_gets_the_phone_number_in_spanish_with_link_and_buttons(chat: LiveStack) -> None:
    replies = chat.say("cliente-ar", "¿Cuál es el teléfono de soporte en Argentina?")
    text = text_of(replies)
    assert "+54 11 5295 9300" in text
    assert "Encontré esto" in text
    assert "https://kb.example.com/es/" in text
    payloads = [button["payload"] for reply in replies for button in reply.get("buttons", [])]
    assert "/affirm" in payloads and "/deny" in payloads
    assert any(payload.startswith("/open_article") for payload in payloads)


def test_a_suggested_article_opens_when_its_button_is_clicked(chat: LiveStack) -> None:
    replies = chat.say("cliente-clica", "¿En qué países atiende el soporte Protheus?")
    article_button = next(
        button
        for reply in replies
        for button in reply.get("buttons", [])
        if button["payload"].startswith("/open_article")
    )
    opened = text_of(chat.say("cliente-clica", article_button["payload"]))
    assert article_button["title"].rstrip("…") in opened
    assert "Encontré esto" in opened


def test_a_portuguese_question_gets_the_five_business_day_deadline(chat: LiveStack) -> None:
    text = text_of(chat.say("cliente-br", "Quanto tempo tenho para responder um chamado pendente?"))
    assert "5 dias úteis" in text
    assert "Encontrei isto" in text


def test_when_the_answer_did_not_help_the_bot_says_a_ticket_can_be_opened(chat: LiveStack) -> None:
    chat.say("cliente-nao", "Qual é o horário de atendimento do suporte?")
    text = text_of(chat.say("cliente-nao", "não resolveu"))
    assert "abrir um chamado" in text


def test_an_english_question_gets_the_support_email_in_english(chat: LiveStack) -> None:
    text = text_of(chat.say("customer-en", "What is the official e-mail address of Protheus support?"))
    assert "soporteprotheusmi@totvs.com.br" in text
    assert "I found this" in text


def test_a_question_outside_support_is_not_answered_from_the_knowledge_base(chat: LiveStack) -> None:
    text = text_of(chat.say("curioso", "quem ganhou a copa do mundo de futebol?"))
    assert "Encontrei isto" not in text
    assert text  # the bot still says something: out of scope or nothing reliable found


# What the bot asks (pt-BR) → what the customer answers. The first e-mail is invalid on purpose.
ANSWERS = [
    ("seu nome", ["Ana Souza"]),
    ("seu e-mail", ["ana-arroba-acme", "ana@acme.com.br"]),
    ("código de cliente", ["na verdade a urgência é alta", "T12345"]),
    ("Qual produto", ["Protheus"]),
    ("qual módulo", ["Faturamento"]),
    ("Qual versão", ["12.1.2410"]),
    ("produção ou em teste", ["produção"]),
    ("Resuma o problema", ["Faturamento parado em produção"]),
    (
        "Descreva o problema",
        ["Ao gerar o documento de saída (MATA460) aparece 'erro de chave duplicada SF2' e nada fatura."],
    ),
    ("Desde quando", ["desde ontem, sempre"]),
    ("impacto na sua operação", ["1"]),
    ("E a urgência", ["alta"]),
    ("prints, logs ou arquivos", ["não"]),
]


def test_a_portuguese_ticket_dialog_ends_with_a_complete_ticket_in_the_api(chat: LiveStack) -> None:
    sender = "cliente-chamado"
    replies = chat.say(sender, "o faturamento parou em produção desde ontem, quero abrir um chamado")
    if "Isso resolve?" in text_of(replies):  # deflection first: the article did not help
        replies = chat.say(sender, "/open_ticket")
    transcript = text_of(replies)
    assert "módulo: Faturamento" in transcript and "desde ontem" in transcript  # pre-filled from the message
    pending = {question: list(answers) for question, answers in ANSWERS}
    re_asked = corrected = False
    for _ in range(30):
        text = text_of(replies)
        if "Confira o chamado" in text:
            break
        question = next(q for q in pending if q in text.splitlines()[-1] or q in text)
        answer = pending[question].pop(0) if len(pending[question]) > 1 else pending[question][0]
        replies = chat.say(sender, answer)
        re_asked |= "não parece um e-mail" in text_of(replies)
        corrected |= "atualizei urgência: alto" in text_of(replies)
    summary = text_of(replies)
    assert re_asked and corrected
    assert "prioridade crítica" in summary
    assert "Nome" not in summary or "Ana Souza" in summary
    created = text_of(chat.say(sender, "/affirm"))
    number = int(re.search(r"#(\d+)", created).group(1))  # type: ignore[union-attr]
    assert "5 dias úteis" in created and "7 dias úteis" in created
    support = {"X-API-Key": chat.create_key("chat-test-agent", "--admin")}
    ticket = httpx.get(f"{chat.api_url}/api/v1/tickets/{number}", headers=support).json()
    assert ticket["verified"] is False  # an anonymous visitor's ticket: support checks who it is
    assert ticket["priority"] == "critical" and ticket["impact"] == "high" and ticket["urgency"] == "high"
    assert ticket["module"] == "Faturamento" and ticket["environment"] == "production"
    assert ticket["since_when"] == "desde ontem, sempre" or ticket["since_when"] == "desde ontem"
    assert ticket["contact_email"] == "ana@acme.com.br" and ticket["company_code"] == "T12345"
    assert ticket["channel"] == "web" and ticket["language"] == "pt-BR"
    assert any("quero abrir um chamado" in line["text"] for line in ticket["transcript"])
    # Even the visitor who just opened it is anonymous: the status is on the portal, after signing in.
    again = text_of(chat.say(sender, f"qual o status do chamado {number}?"))
    assert "Por segurança" in again and "Novo" not in again


def test_a_typed_password_is_masked_and_the_user_reminded(chat: LiveStack) -> None:
    text = text_of(
        chat.say("cliente-senha", "a senha do banco é Segredo123 e o sistema não abre o faturamento")
    )
    assert "nunca pede senhas" in text
    assert "Segredo123" not in text


def test_asking_for_a_person_gives_phones_email_and_hours(chat: LiveStack) -> None:
    replies = chat.say("cliente-humano", "quiero hablar con una persona de soporte")
    text = text_of(replies)
    assert "+54 11 5295 9300" in text and "soporteprotheusmi@totvs.com.br" in text
    assert "horario hábil de México" in text
    assert any(
        button["payload"] == "/open_ticket" for reply in replies for button in reply.get("buttons", [])
    )


def test_a_conversation_survives_a_restart_of_the_rasa_server(chat: LiveStack) -> None:
    sender = "cliente-reinicio"
    chat.say(sender, "/open_ticket")
    chat.say(sender, "Rosa Lima")
    chat.stop("rasa")
    chat.start("rasa")
    chat.wait_for_rasa()
    asked = text_of(chat.say(sender, "rosa@hotel.com.br"))
    assert "código de cliente" in asked  # name and e-mail kept: the form goes on to the next question


def test_the_bot_reports_answers_feedback_tickets_and_handoffs_to_the_insights(chat: LiveStack) -> None:
    chat.say("cliente-satisfeito", "Qual é o telefone do suporte no México?")
    assert "Que bom" in text_of(chat.say("cliente-satisfeito", "sim, resolveu"))
    admin = {"X-API-Key": chat.create_key("gestor", "--admin")}
    overall = httpx.get(f"{chat.api_url}/api/v1/insights/summary", headers=admin).json()["overall"]
    # Earlier conversations of this module: a ticket dialog, a handoff, an unanswered question.
    assert overall["deflected"] >= 1 and overall["tickets"] >= 1 and overall["handoffs"] >= 1
    assert overall["unanswered_questions"] >= 1 and 0 < overall["ticket_completeness"] <= 1
    rows = httpx.get(f"{chat.api_url}/api/v1/insights/articles", headers=admin).json()["articles"]
    assert any(row["solved"] >= 1 for row in rows)
