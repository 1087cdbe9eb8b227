"""Deflection insights as a support manager reads them, from events the bot records."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.clock import ManualClock
from api.insights.models import ConversationEvent
from tests.support.api_app import keys_of_each_kind, running_api
from tests.support.tickets import ticket_body

START = datetime(2026, 11, 16, 12, 0, tzinfo=UTC)  # a Monday


@pytest.fixture(scope="module")
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture(scope="module")
def app(index_dir: Path, clock: ManualClock, tmp_path_factory: pytest.TempPathFactory) -> Iterator[FastAPI]:
    database = tmp_path_factory.mktemp("insights") / "insights.db"
    with running_api(f"sqlite:///{database}", index_dir, clock, deflection_window_hours=24) as application:
        yield application


@pytest.fixture(scope="module")
def client(app: FastAPI) -> TestClient:
    return TestClient(app)


@pytest.fixture(scope="module")
def keys(app: FastAPI) -> dict[str, str]:
    return keys_of_each_kind(app)


def event(client: TestClient, key: str, **body: Any) -> Any:
    return client.post("/api/v1/events", json=body, headers={"X-API-Key": key})


def ask(client: TestClient, keys: dict[str, str], conversation: str, question: str, **extra: Any) -> None:
    body = {"kind": "question", "conversation": conversation, "question": question, "confident": True,
            "articles": [{"article_id": "pt-suporte-prazos-chamado", "score": 5.2}], **extra}  # fmt: skip
    assert event(client, keys["bot"], **body).status_code == 201


@pytest.fixture(scope="module")
def history(client: TestClient, keys: dict[str, str], clock: ManualClock) -> None:
    """Six conversations over two days, as the bot would report them."""
    clock.set(START)
    # 1: answered and confirmed solved (pt-BR, web)
    ask(client, keys, "web-1", "qual o prazo de um chamado pendente?", lang="pt-BR", product="Suporte")
    event(client, keys["bot"], kind="feedback", conversation="web-1", article_id="pt-suporte-prazos-chamado",
          solved=True, lang="pt-BR")  # fmt: skip
    # 2: answered, not solved, then a ticket (es, whatsapp)
    ask(client, keys, "5215550001111", "plazo del ticket pendiente", lang="es", channel="whatsapp")
    event(client, keys["bot"], kind="feedback", conversation="5215550001111",
          article_id="pt-suporte-prazos-chamado", solved=False, lang="es", channel="whatsapp")  # fmt: skip
    ticket = client.post(
        "/api/v1/tickets", json=ticket_body(channel="whatsapp"), headers={"X-API-Key": keys["bot"]}
    )
    number = ticket.json()["number"]
    event(client, keys["bot"], kind="ticket_opened", conversation="5215550001111", ticket_number=number,
          lang="es", channel="whatsapp")  # fmt: skip
    # 3: answered, no feedback, no ticket: deflected once the window is over
    ask(client, keys, "web-3", "horário de atendimento", lang="pt-BR")
    # 4 and 5: no confident answer, the same missing topic in two languages, and a handoff
    event(
        client,
        keys["bot"],
        kind="question",
        conversation="web-4",
        confident=False,
        lang="pt-BR",
        question="como emitir a nota fiscal de serviço eletrônica em Curitiba? meu e-mail é ana@acme.com",
    )
    event(client, keys["bot"], kind="question", conversation="web-5", confident=False, lang="es",
          question="¿cómo emito la nota fiscal de servicio electrónica de Curitiba?")  # fmt: skip
    event(client, keys["bot"], kind="handoff", conversation="web-5", lang="es")
    # 6: the next day, answered just now: still inside the window
    clock.set(START + timedelta(days=1, hours=1))
    ask(client, keys, "web-6", "telefone do suporte na Argentina", lang="pt-BR")
    # The ticket is resolved and rated 4 by the customer.
    for action in ("start", "resolve"):
        client.post(f"/api/v1/tickets/{number}/transitions", json={"action": action},
                    headers={"X-API-Key": keys["admin"]})  # fmt: skip
    client.post(f"/api/v1/tickets/{number}/csat", json={"score": 4}, headers={"X-API-Key": keys["acme"]})
    clock.set(START + timedelta(days=1, hours=2))


def summary(client: TestClient, keys: dict[str, str], **params: str) -> Any:
    params = {"start": "2026-11-16", "end": "2026-11-17", **params}
    response = client.get("/api/v1/insights/summary", params=params, headers={"X-API-Key": keys["admin"]})
    assert response.status_code == 200, response.text
    return response.json()


@pytest.mark.usefixtures("history")
def test_deflection_counts_confirmed_answers_and_quiet_windows_but_not_pending_ones(
    client: TestClient, keys: dict[str, str]
) -> None:
    overall = summary(client, keys)["overall"]
    assert overall["conversations"] == 6
    assert overall["answered"] == 4
    assert overall["deflected"] == 2  # confirmed solved (1) and no ticket within 24 h (3)
    assert overall["pending"] == 1  # answered an hour ago (6)
    assert overall["deflection_rate"] == pytest.approx(2 / 5)
    assert overall["tickets"] == 1 and overall["tickets_after_answer"] == 1
    assert 0.8 < overall["ticket_completeness"] <= 1.0
    assert overall["handoffs"] == 1 and overall["unanswered_questions"] == 2


@pytest.mark.usefixtures("history")
def test_metrics_by_day_language_and_channel(client: TestClient, keys: dict[str, str]) -> None:
    days = {g["key"]: g for g in summary(client, keys, group_by="day")["groups"]}
    assert days["2026-11-16"]["conversations"] == 5 and days["2026-11-17"]["pending"] == 1
    languages = {g["key"]: g for g in summary(client, keys, group_by="lang")["groups"]}
    assert languages["es"]["tickets"] == 1 and languages["pt-BR"]["deflected"] == 2
    channels = {g["key"]: g["conversations"] for g in summary(client, keys, group_by="channel")["groups"]}
    assert channels == {"web": 5, "whatsapp": 1}


@pytest.mark.usefixtures("history")
def test_csat_of_the_bots_tickets(client: TestClient, keys: dict[str, str]) -> None:
    overall = summary(client, keys)["overall"]
    assert (overall["csat_average"], overall["csat_responses"]) == (4.0, 1)


@pytest.mark.usefixtures("history")
def test_per_article_helpfulness(client: TestClient, keys: dict[str, str]) -> None:
    response = client.get("/api/v1/insights/articles", params={"start": "2026-11-16"},
                          headers={"X-API-Key": keys["admin"]})  # fmt: skip
    row = next(a for a in response.json()["articles"] if a["article_id"] == "pt-suporte-prazos-chamado")
    assert (row["shown"], row["solved"], row["not_solved"], row["helpfulness"]) == (4, 1, 1, 0.5)
    assert row["title"] != row["article_id"]  # the title comes from the knowledge base


@pytest.mark.usefixtures("history")
def test_unanswered_questions_cluster_by_meaning_across_languages(
    client: TestClient, keys: dict[str, str]
) -> None:
    response = client.get("/api/v1/insights/gaps", params={"start": "2026-11-16"},
                          headers={"X-API-Key": keys["admin"]})  # fmt: skip
    clusters = response.json()["clusters"]
    assert clusters[0]["count"] == 2 and clusters[0]["languages"] == {"pt-BR": 1, "es": 1}
    assert all("ana@acme.com" not in example for example in clusters[0]["examples"])  # masked


@pytest.mark.usefixtures("history")
def test_events_keep_no_personal_data(app: FastAPI) -> None:
    with app.state.session_factory() as session:
        stored = session.query(ConversationEvent).all()
    assert all(e.conversation != "5215550001111" and len(e.conversation) == 32 for e in stored)
    assert not any("ana@acme.com" in (e.question or "") for e in stored)


@pytest.mark.usefixtures("history")
def test_csv_export_of_each_report(client: TestClient, keys: dict[str, str]) -> None:
    for report, column in (("summary", "deflection_rate"), ("articles", "helpfulness"), ("gaps", "examples")):
        response = client.get("/api/v1/insights/export.csv", params={"report": report, "start": "2026-11-16"},
                              headers={"X-API-Key": keys["admin"]})  # fmt: skip
        assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
        assert "attachment" in response.headers["content-disposition"]
        rows = list(csv.DictReader(io.StringIO(response.text)))
        assert rows and column in rows[0]


def test_only_admins_read_insights_and_only_the_bot_or_admins_record(
    client: TestClient, keys: dict[str, str]
) -> None:
    forbidden = client.get("/api/v1/insights/summary", headers={"X-API-Key": keys["bot"]})
    assert forbidden.status_code == 403 and "admin" in forbidden.json()["detail"]
    assert client.get("/api/v1/insights/summary").status_code == 401
    customer = event(client, keys["acme"], kind="handoff", conversation="x")
    assert customer.status_code == 403


def test_an_event_missing_what_its_kind_needs_is_a_422_naming_it(
    client: TestClient, keys: dict[str, str]
) -> None:
    response = event(client, keys["bot"], kind="feedback", conversation="web-9")
    assert response.status_code == 422 and "solved" in response.text
    response = event(client, keys["bot"], kind="question", conversation="web-9", question="x", confident=True,
                     lang="fr")  # fmt: skip
    assert response.status_code == 422 and "lang" in response.text


def test_a_start_after_the_end_is_a_422(client: TestClient, keys: dict[str, str]) -> None:
    response = client.get("/api/v1/insights/summary", params={"start": "2026-11-20", "end": "2026-11-01"},
                          headers={"X-API-Key": keys["admin"]})  # fmt: skip
    assert response.status_code == 422 and "start" in response.text
