"""Chat files in an S3-compatible store (FILES_STORE=s3): the local folder's promises, kept over real HTTP
S3 against a local server, and errors that tell the operator what to fix."""

from __future__ import annotations

import hashlib
import socket
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.clock import ManualClock
from api.files.s3_store import S3FileStore, S3StoreError
from api.main import create_app
from core.settings import Settings
from tests.api.files.test_chat_files import SCREENSHOT, conversation, upload
from tests.support.api_app import running_api
from tests.support.s3_server import (
    ACCESS_KEY_ID,
    REGION,
    SECRET_ACCESS_KEY,
    S3ServerError,
    s3_client,
    s3_server,
)

PREFIX = "chat-files/"


def s3_settings(endpoint: str, bucket: str) -> dict[str, Any]:
    return {
        "files_store": "s3", "s3_endpoint_url": endpoint, "s3_bucket": bucket, "s3_region": REGION,
        "s3_access_key_id": ACCESS_KEY_ID, "s3_secret_access_key": SECRET_ACCESS_KEY, "s3_key_prefix": PREFIX,
    }  # fmt: skip


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    try:
        with s3_server() as url:
            yield url
    except S3ServerError as error:
        pytest.skip(f"no local S3 server to test against (moto[server], a dev dependency): {error}")


@pytest.fixture(scope="module")
def bucket(endpoint: str) -> str:
    name = f"chat-files-{uuid.uuid4().hex[:12]}"
    s3_client(endpoint).create_bucket(Bucket=name)
    return name


@pytest.fixture(scope="module")
def store(endpoint: str, bucket: str) -> S3FileStore:
    return S3FileStore.from_settings(Settings(**s3_settings(endpoint, bucket)))


def test_a_file_put_is_read_back_byte_identical_as_an_opaque_object_under_the_prefix(
    store: S3FileStore, endpoint: str, bucket: str
) -> None:
    key, content = uuid.uuid4().hex, bytes(range(256)) * 64
    store.put(key, content)
    assert store.get(key) == content
    kept = s3_client(endpoint).head_object(Bucket=bucket, Key=PREFIX + key)
    assert kept["ContentType"] == "application/octet-stream"


def test_a_missing_key_reads_as_none(store: S3FileStore) -> None:
    assert store.get(uuid.uuid4().hex) is None


def test_a_deleted_file_is_gone_and_deleting_it_again_is_no_error(store: S3FileStore) -> None:
    key = uuid.uuid4().hex
    store.put(key, b"log do erro")
    store.delete(key)
    assert store.get(key) is None
    store.delete(key)


def test_a_key_that_is_not_an_api_id_is_refused_before_any_request(endpoint: str, bucket: str) -> None:
    client, sent = s3_client(endpoint), []

    def record(request: Any, **_: Any) -> None:
        sent.append(request.url)

    client.meta.events.register("before-send.s3", record)
    store = S3FileStore(client, bucket, PREFIX)
    for key in ("../other/secret", uuid.uuid4().hex + "\n", uuid.uuid4().hex.upper(), ""):
        with pytest.raises(ValueError, match="not a file key"):
            store.put(key, b"x")
        with pytest.raises(ValueError, match="not a file key"):
            store.get(key)
    assert sent == []
    store.get(uuid.uuid4().hex)
    assert len(sent) == 1  # the hook does see the requests that are sent


def test_a_missing_bucket_is_named_with_what_to_do(endpoint: str) -> None:
    store = S3FileStore.from_settings(Settings(**s3_settings(endpoint, "no-such-bucket")))
    said = f"no bucket 'no-such-bucket' at {endpoint}: create it, or set S3_BUCKET to an existing bucket"
    with pytest.raises(S3StoreError, match=said):
        store.put(uuid.uuid4().hex, b"x")
    with pytest.raises(S3StoreError, match=said):
        store.get(uuid.uuid4().hex)


def test_a_store_that_never_answers_fails_within_seconds_naming_it() -> None:
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()  # connections wait in the queue; no answer ever comes
        url = f"http://127.0.0.1:{silent.getsockname()[1]}"
        store = S3FileStore.from_settings(Settings(**s3_settings(url, "chat-files")))
        started = time.monotonic()
        with pytest.raises(S3StoreError, match=f"bucket 'chat-files' at {url} failed: Read timeout"):
            store.get(uuid.uuid4().hex)
        assert time.monotonic() - started < 15  # two tries of 5 s


@pytest.mark.parametrize("missing", ["S3_BUCKET", "S3_REGION", "S3_SECRET_ACCESS_KEY"])
def test_the_api_does_not_start_on_incomplete_s3_settings_and_names_the_missing_one(missing: str) -> None:
    settings = Settings(**{**s3_settings("", "chat-files"), missing.lower(): ""})
    with pytest.raises(S3StoreError, match=f"FILES_STORE=s3 needs {missing}"):
        create_app(settings)


@pytest.fixture(scope="module")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """SQLite only: the store is under test here; the ticket suite covers PostgreSQL."""
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 's3-files.db'}"


@pytest.fixture(scope="module")
def app(
    database_url: str, index_dir: Path, clock: ManualClock, endpoint: str, bucket: str
) -> Iterator[FastAPI]:
    """The API of this folder's conftest (its `client` and `keys` follow), its files in the S3 server."""
    with running_api(database_url, index_dir, clock, **s3_settings(endpoint, bucket)) as application:
        yield application


def test_with_files_store_s3_an_upload_lands_in_the_bucket_and_support_downloads_it(
    app: FastAPI, client: TestClient, keys: dict[str, str], endpoint: str, bucket: str
) -> None:
    stored = upload(client, keys["bot"], conversation())
    assert stored.status_code == 201, stored.text
    file = stored.json()
    kept = s3_client(endpoint).get_object(Bucket=bucket, Key=PREFIX + file["id"])["Body"].read()
    assert hashlib.sha256(kept).hexdigest() == file["sha256"] == hashlib.sha256(SCREENSHOT).hexdigest()
    assert list(app.state.settings.files_dir.iterdir()) == []  # nothing went to the local folder
    downloaded = client.get(file["url"], headers={"X-API-Key": keys["admin"]})
    assert downloaded.status_code == 200 and downloaded.content == SCREENSHOT
