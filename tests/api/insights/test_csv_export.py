"""A support manager opens the CSV export in a spreadsheet: what customers typed stays text there.

A question (or a product name the bot reported) starting with =, +, -, @, a tab or a carriage return
would run as a formula, =HYPERLINK(...) becoming a live link. The export prefixes such text with a
single quote, which spreadsheets read as "this is text" and do not show; the numbers stay numbers.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.auth import create_key
from tests.support.api_app import running_api

FORMULA_QUESTIONS = (
    '=HYPERLINK("http://evil.example/login","Clique aqui para reativar a licença")',
    "+SUM(1;2) como somar as notas fiscais no relatório",
    "-2+3 erro na conciliação bancária",
    "@SUM(A1:A9) relatório de estoque não fecha",
    "\tcomo exportar o SPED contribuições",
    "\rcomo cancelar a nota de serviço",
)
HOSTILE_PRODUCT = "=cmd|' /C calc'!A0"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@pytest.fixture(scope="module")
def app(index_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[FastAPI]:
    database = tmp_path_factory.mktemp("csv-export") / "insights.db"
    with running_api(f"sqlite:///{database}", index_dir) as application:
        yield application


@pytest.fixture(scope="module")
def client(app: FastAPI) -> TestClient:
    return TestClient(app)


@pytest.fixture(scope="module")
def admin(app: FastAPI) -> dict[str, str]:
    with app.state.session_factory() as session:
        bot, admin = create_key(session, "bot"), create_key(session, "manager", admin=True)
    client = TestClient(app)
    for index, question in enumerate(FORMULA_QUESTIONS):
        body = {"kind": "question", "conversation": f"csv-{index}", "question": question, "confident": False,
                "lang": "pt-BR", "product": HOSTILE_PRODUCT}  # fmt: skip
        response = client.post("/api/v1/events", json=body, headers={"X-API-Key": bot})
        assert response.status_code == 201, response.text
    return {"X-API-Key": admin}


def export(client: TestClient, headers: dict[str, str], report: str, **params: str) -> list[dict[str, str]]:
    response = client.get("/api/v1/insights/export.csv", params={"report": report, **params}, headers=headers)
    assert response.status_code == 200, response.text
    return list(csv.DictReader(io.StringIO(response.text, newline="")))


def test_questions_that_look_like_formulas_are_exported_as_text(
    client: TestClient, admin: dict[str, str]
) -> None:
    rows = export(client, admin, "gaps")
    cells = [row["label"] for row in rows] + [row["examples"] for row in rows]
    # Every cell starts with one of the questions, so every cell must start with the quote.
    assert cells and all(cell.startswith("'") and cell[1:].startswith(FORMULA_STARTS) for cell in cells)
    exported = " | ".join(cells)
    for question in FORMULA_QUESTIONS:
        assert question in exported  # the customer's words, whole, after the quote


def test_a_product_name_that_looks_like_a_formula_is_exported_as_text(
    client: TestClient, admin: dict[str, str]
) -> None:
    [row] = export(client, admin, "summary", group_by="product")
    assert row["key"] == f"'{HOSTILE_PRODUCT}"


def test_the_numbers_stay_numbers(client: TestClient, admin: dict[str, str]) -> None:
    [row] = export(client, admin, "summary", group_by="product")
    assert int(row["conversations"]) == len(FORMULA_QUESTIONS)
    assert int(row["unanswered_questions"]) == len(FORMULA_QUESTIONS)
    [day] = export(client, admin, "summary", group_by="day")
    assert not day["key"].startswith("'") and int(day["tickets"]) == 0
