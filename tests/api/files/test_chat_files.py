"""Files customers send in a chat: kept by the API with their hash, joined to the ticket opened in the
conversation, and served only to support staff and to that ticket's verified contact."""

from __future__ import annotations

import hashlib
import uuid
from urllib.parse import quote

import httpx2
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.support.tickets import customer_headers, ticket_body

SCREENSHOT = b"\x89PNG\r\n\x1a\n" + b"erro 539 na tela de faturamento" * 40


def conversation() -> str:
    return f"5511{uuid.uuid4().int % 10**9:09d}"


def upload(
    client: TestClient,
    key: str,
    chat: str,
    content: bytes = SCREENSHOT,
    name: str = "tela do erro.png",
    mime: str = "image/png",
    sha256: str | None = None,
    **headers: str,
) -> httpx2.Response:
    sent = {
        "X-API-Key": key, "X-End-User": chat, "Content-Type": mime, "X-File-Name": quote(name),
        "X-File-SHA256": sha256 or hashlib.sha256(content).hexdigest(), **headers,
    }  # fmt: skip
    return client.post("/api/v1/files", content=content, headers=sent)


def test_a_screenshot_sent_before_the_ticket_is_opened_ends_up_in_it_with_its_hash(
    app: FastAPI, client: TestClient, keys: dict[str, str]
) -> None:
    chat = conversation()
    stored = upload(client, keys["bot"], chat)
    assert stored.status_code == 201, stored.text
    assert stored.json()["sha256"] == hashlib.sha256(SCREENSHOT).hexdigest()
    ana = customer_headers(app, keys["bot"])
    created = client.post("/api/v1/tickets", json=ticket_body(), headers={**ana, "X-End-User": chat})
    assert created.status_code == 201, created.text
    ticket = client.get(f"/api/v1/tickets/{created.json()['number']}", headers=ana).json()
    [file] = ticket["files"]
    assert (file["filename"], file["mime_type"], file["size"]) == (
        "tela do erro.png",
        "image/png",
        len(SCREENSHOT),
    )
    assert file["sha256"] == hashlib.sha256(SCREENSHOT).hexdigest()
    downloaded = client.get(file["url"], headers=ana)
    assert downloaded.status_code == 200 and downloaded.content == SCREENSHOT
    assert downloaded.headers["content-disposition"].startswith("attachment;")
    assert downloaded.headers["x-content-type-options"] == "nosniff"


def test_files_of_another_conversation_stay_out_of_the_ticket(
    app: FastAPI, client: TestClient, keys: dict[str, str]
) -> None:
    upload(client, keys["bot"], conversation())
    ana = customer_headers(app, keys["bot"])
    created = client.post(
        "/api/v1/tickets", json=ticket_body(), headers={**ana, "X-End-User": conversation()}
    )
    assert created.json()["files"] == []


def test_only_support_staff_and_the_tickets_verified_contact_download_a_file(
    app: FastAPI, client: TestClient, keys: dict[str, str]
) -> None:
    chat = conversation()
    upload(client, keys["bot"], chat)
    ana = customer_headers(app, keys["bot"])
    number = client.post("/api/v1/tickets", json=ticket_body(), headers={**ana, "X-End-User": chat}).json()[
        "number"
    ]
    url = client.get(f"/api/v1/tickets/{number}", headers=ana).json()["files"][0]["url"]
    bruno = customer_headers(
        app, keys["bot"], company_code="OTHER", email="bruno@beta.com", name="Bruno Lima"
    )
    answers = {
        "support staff": client.get(url, headers={"X-API-Key": keys["admin"]}).status_code,
        "the verified contact": client.get(url, headers=ana).status_code,
        "the bot without an identity": client.get(url, headers={"X-API-Key": keys["bot"]}).status_code,
        "another company's customer": client.get(url, headers=bruno).status_code,
        "the company's portal key": client.get(url, headers={"X-API-Key": keys["acme"]}).status_code,
        "nobody": client.get(url).status_code,
    }
    assert answers == {
        "support staff": 200, "the verified contact": 200, "the bot without an identity": 403,
        "another company's customer": 404, "the company's portal key": 403, "nobody": 401,
    }  # fmt: skip


def test_a_file_not_yet_on_a_ticket_is_served_to_no_customer(
    app: FastAPI, client: TestClient, keys: dict[str, str]
) -> None:
    file_id = upload(client, keys["bot"], conversation()).json()["id"]
    ana = customer_headers(app, keys["bot"])
    assert client.get(f"/api/v1/files/{file_id}", headers=ana).status_code == 404
    assert client.get(f"/api/v1/files/{file_id}", headers={"X-API-Key": keys["admin"]}).status_code == 200


def test_a_file_is_refused_with_the_header_and_rule_it_breaks(
    client: TestClient, keys: dict[str, str]
) -> None:
    bot, chat = keys["bot"], conversation()
    damaged = upload(client, bot, chat, sha256="0" * 64)
    assert damaged.status_code == 422
    assert damaged.json()["detail"][0]["loc"] == ["header", "x-file-sha256"]
    script = upload(client, bot, chat, content=b"<svg onload=alert(1)>", name="x.svg", mime="image/svg+xml")
    assert script.status_code == 415 and script.json()["detail"][0]["loc"] == ["header", "content-type"]
    nameless = upload(client, bot, chat, name="../../")
    assert nameless.status_code == 422 and nameless.json()["detail"][0]["loc"] == ["header", "x-file-name"]
    no_chat = client.post(
        "/api/v1/files",
        content=SCREENSHOT,
        headers={"X-API-Key": bot, "Content-Type": "image/png", "X-File-Name": "a.png"},
    )
    assert no_chat.status_code == 422 and no_chat.json()["detail"][0]["loc"] == ["header", "x-end-user"]


def test_a_file_over_the_limit_is_refused_before_it_is_kept(
    app: FastAPI, client: TestClient, keys: dict[str, str]
) -> None:
    limit = app.state.settings.max_attachment_bytes
    too_big = upload(
        client, keys["bot"], conversation(), content=b"x" * (limit + 1), mime="text/plain", name="log.txt"
    )
    assert too_big.status_code == 413 and too_big.json()["detail"][0]["loc"] == ["body", "body"]


def test_a_folder_in_the_name_is_dropped_and_only_channels_store_files(
    client: TestClient, keys: dict[str, str]
) -> None:
    stored = upload(
        client, keys["bot"], conversation(), name="C:\\Users\\ana\\..\\erro.log", mime="text/plain"
    )
    assert stored.json()["filename"] == "erro.log"
    assert upload(client, keys["acme"], conversation()).status_code == 403


def test_a_file_whose_content_is_gone_says_so_for_its_id(
    app: FastAPI, client: TestClient, keys: dict[str, str]
) -> None:
    file_id = upload(client, keys["bot"], conversation()).json()["id"]
    (app.state.settings.files_dir / file_id).unlink()
    gone = client.get(f"/api/v1/files/{file_id}", headers={"X-API-Key": keys["admin"]})
    assert gone.status_code == 410 and gone.json()["detail"][0]["loc"] == ["path", "file_id"]
