"""Chat files in an S3 bucket (AWS or any S3-compatible store), for APIs that keep no local disk."""

from __future__ import annotations

from typing import TYPE_CHECKING

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from api.files.storage import checked_key
from core.settings import Settings

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

# A hung store fails a request in about ten seconds (two tries of 5 s), not after minutes of the
# client's defaults (60 s reads, retried): the bot waiting on an upload has long given up by then.
BOUNDED = Config(connect_timeout=3, read_timeout=5, retries={"total_max_attempts": 2, "mode": "standard"})
MISSING_KEY = {"NoSuchKey", "404"}


class S3StoreError(RuntimeError):
    """The S3 store cannot be used as configured or did not answer; the message says what to check."""


class S3FileStore:
    """One object per key, named ``prefix + key``, kept as opaque bytes (the API serves the real type)."""

    def __init__(self, client: S3Client, bucket: str, prefix: str = "") -> None:
        self.client, self.bucket, self.prefix = client, bucket, prefix

    @classmethod
    def from_settings(cls, settings: Settings) -> S3FileStore:
        for name in ("s3_bucket", "s3_region"):
            if not getattr(settings, name):
                raise S3StoreError(f"FILES_STORE=s3 needs {name.upper()} to be set")
        key_id, secret = settings.s3_access_key_id, settings.s3_secret_access_key
        if bool(key_id) != bool(secret):  # both, or neither for boto3's own credentials (an instance role)
            missing = "S3_SECRET_ACCESS_KEY" if key_id else "S3_ACCESS_KEY_ID"
            raise S3StoreError(f"FILES_STORE=s3 needs {missing} to be set too, or neither of the S3 keys")
        client = boto3.client(
            "s3",
            endpoint_url=settings.s3_endpoint_url or None,
            region_name=settings.s3_region,
            aws_access_key_id=key_id or None,
            aws_secret_access_key=secret or None,
            config=BOUNDED,
        )
        return cls(client, settings.s3_bucket, settings.s3_key_prefix)

    def put(self, key: str, content: bytes) -> None:
        name = self.prefix + checked_key(key)
        try:
            self.client.put_object(
                Bucket=self.bucket, Key=name, Body=content, ContentType="application/octet-stream"
            )
        except (ClientError, BotoCoreError) as error:
            raise self._explained(error) from error

    def get(self, key: str) -> bytes | None:
        name = self.prefix + checked_key(key)
        try:
            return self.client.get_object(Bucket=self.bucket, Key=name)["Body"].read()
        except ClientError as error:
            if _code(error) in MISSING_KEY:
                return None
            raise self._explained(error) from error
        except BotoCoreError as error:
            raise self._explained(error) from error

    def delete(self, key: str) -> None:
        name = self.prefix + checked_key(key)
        try:
            self.client.delete_object(Bucket=self.bucket, Key=name)  # S3 answers 204 for a missing object too
        except (ClientError, BotoCoreError) as error:
            raise self._explained(error) from error

    def _explained(self, error: ClientError | BotoCoreError) -> S3StoreError:
        where = f"bucket {self.bucket!r} at {self.client.meta.endpoint_url}"
        if isinstance(error, ClientError) and _code(error) == "NoSuchBucket":
            return S3StoreError(f"chat files: no {where}: create it, or set S3_BUCKET to an existing bucket")
        return S3StoreError(f"chat files: S3 {where} failed: {error}")


def _code(error: ClientError) -> str:
    return error.response.get("Error", {}).get("Code", "")
