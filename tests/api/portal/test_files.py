"""Files attached in the form (screenshots, logs) join the ticket the same form opens, with the chat's
limits."""

from __future__ import annotations

import hashlib
from urllib.parse import quote

import httpx2
from fastapi.testclient import TestClient

from tests.api.portal.form_client import filled_form, open_session, submit

SCREENSHOT = b"\x89PNG\r\n\x1a\n" + b"error 301 al timbrar" * 40
# Larger than the 256 KB the API accepts for any other body.
SERVER_LOG = b"2026-03-02 09:00:01 ERROR timbrado CFDI 301\n" * 8000


def attach(
    client: TestClient, session: str, content: bytes = SCREENSHOT, name: str = "pantalla del error.png",
    mime: str = "image/png",
) -> httpx2.Response:  # fmt: skip
    headers = {"X-Form-Session": session, "Content-Type": mime, "X-File-Name": quote(name)}
    return client.post("/api/v1/portal/files", content=content, headers=headers)


def test_files_attached_in_the_form_join_the_ticket_it_opens(client: TestClient) -> None:
    session = open_session(client)["session"]
    stored = attach(client, session)
    assert stored.status_code == 201, stored.text
    assert stored.json() == {
        "id": stored.json()["id"],
        "filename": "pantalla del error.png",
        "size": len(SCREENSHOT),
        "sha256": hashlib.sha256(SCREENSHOT).hexdigest(),
        "mime_type": "image/png",
    }
    assert len(SERVER_LOG) > 256 * 1024
    assert attach(client, session, SERVER_LOG, "appserver.log", "text/plain").status_code == 201
    ticket = submit(client, session, filled_form()).json()
    assert sorted(f["filename"] for f in ticket["files"]) == ["appserver.log", "pantalla del error.png"]


def test_files_of_another_form_stay_out_of_the_ticket(client: TestClient) -> None:
    attach(client, open_session(client)["session"])
    ticket = submit(client, open_session(client)["session"], filled_form()).json()
    assert ticket["files"] == []


def test_a_file_needs_the_forms_session(client: TestClient) -> None:
    refused = client.post("/api/v1/portal/files", content=SCREENSHOT, headers={"Content-Type": "image/png"})
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["loc"] == ["header", "x-form-session"]


def test_a_file_type_the_chat_refuses_is_refused_in_the_form_too(client: TestClient) -> None:
    refused = attach(
        client, open_session(client)["session"], b"MZ\x90\x00", "setup.exe", "application/x-msdownload"
    )
    assert refused.status_code == 415 and refused.json()["detail"][0]["type"] == "type"


def test_a_form_takes_at_most_ten_files(client: TestClient) -> None:
    session = open_session(client)["session"]
    for number in range(10):
        assert attach(client, session, name=f"tela {number}.png").status_code == 201
    refused = attach(client, session, name="one more.png")
    assert refused.status_code == 422 and refused.json()["detail"][0]["type"] == "too_many_files"


def remove(client: TestClient, session: str, file_id: str) -> httpx2.Response:
    return client.delete(f"/api/v1/portal/files/{file_id}", headers={"X-Form-Session": session})


def test_a_file_taken_back_before_submitting_stays_out_of_the_ticket_and_is_deleted(
    client: TestClient,
) -> None:
    session = open_session(client)["session"]
    wrong = attach(client, session, name="planilha errada.png").json()["id"]
    attach(client, session, name="pantalla del error.png")
    assert remove(client, session, wrong).status_code == 204
    assert client.app.state.file_store.get(wrong) is None  # type: ignore[attr-defined]
    ticket = submit(client, session, filled_form()).json()
    assert [f["filename"] for f in ticket["files"]] == ["pantalla del error.png"]


def test_a_file_taken_back_frees_its_place_among_the_ten(client: TestClient) -> None:
    session = open_session(client)["session"]
    ids = [attach(client, session, name=f"tela {number}.png").json()["id"] for number in range(10)]
    remove(client, session, ids[0])
    assert attach(client, session, name="the right one.png").status_code == 201


def test_only_the_form_that_sent_a_file_may_take_it_back_and_only_before_its_ticket(
    client: TestClient,
) -> None:
    session = open_session(client)["session"]
    file_id = attach(client, session).json()["id"]
    assert remove(client, open_session(client)["session"], file_id).status_code == 404
    submit(client, session, filled_form())
    assert remove(client, session, file_id).status_code == 404  # it belongs to the ticket now
    assert client.app.state.file_store.get(file_id) is not None  # type: ignore[attr-defined]
