"""The one settings object: every knob is an environment variable with a sane default."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    api_port: int = Field(8000, description="Port of the HTTP API.")
    rasa_port: int = Field(5005, description="Port of the Rasa server (the chat page talks to it).")
    public_rasa_url: str = Field(
        "", description="Rasa URL as the browser sees it; default http://localhost:RASA_PORT."
    )
    knowledge_dir: Path = Field(ROOT / "knowledge" / "articles", description="Article folder.")
    index_dir: Path = Field(ROOT / "var" / "index", description="Where the built index lives.")
    # Syncing Confluence and Zendesk (`python -m pipelines sync`).
    synced_dir: Path = Field(
        ROOT / "var" / "synced", description="Where synced articles are kept, one folder per source."
    )
    sync_timeout_seconds: float = Field(30.0, gt=0, description="Timeout of each request a sync makes.")
    confluence_user: str = Field(
        "", description="Confluence Cloud: the account e-mail (with CONFLUENCE_API_TOKEN)."
    )
    confluence_api_token: str = Field("", description="Confluence Cloud: an API token of CONFLUENCE_USER.")
    confluence_token: str = Field(
        "", description="Confluence Data Center: a personal access token (sent as Bearer; empty: anonymous)."
    )
    zendesk_email: str = Field("", description="Zendesk: an agent's e-mail (with ZENDESK_API_TOKEN).")
    zendesk_api_token: str = Field("", description="Zendesk: an API token (basic auth EMAIL/token:TOKEN).")
    zendesk_base_url: str = Field(
        "", description="Zendesk API address instead of https://SUBDOMAIN.zendesk.com (e.g. a proxy)."
    )
    zendesk_full_sync_days: int = Field(
        7,
        ge=0,
        description="Zendesk syncs list every article again (so archived ones leave) when the last full "
        "listing is this many days old; in between they read the incremental export (0 = always list).",
    )
    embedding_model: str = Field(
        "use-multilingual-v3",
        description="use-multilingual-v3 (packaged USE), all-MiniLM-L6-v2 (packaged) or a local "
        "sentence-transformers folder.",
    )
    log_level: str = Field("INFO", description="Python logging level.")
    deflection_window_hours: int = Field(
        24,
        ge=1,
        description="Insights: an answered conversation with no ticket this long after counts as deflected.",
    )
    database_url: str = Field(
        f"sqlite:///{ROOT / 'var' / 'support.db'}",
        description="SQLAlchemy URL: SQLite file by default, e.g. postgresql+psycopg://user@host/db.",
    )
    rate_limit_per_minute: int = Field(600, description="Requests per minute per API key (0 = no limit).")
    index_watch_seconds: int = Field(
        30, description="How often the API checks for a new index from `pipelines ingest` (0 = never)."
    )
    jobs_interval_seconds: int = Field(
        300, description="How often the API closes tickets whose customer deadline passed (0 = never)."
    )
    cors_origin_regex: str = Field(
        r"^https?://(localhost|127\.0\.0\.1)(:\d+)?$",
        description="Origins allowed to call the API from a browser (matched as a whole).",
    )
    end_user_rate_limit_per_minute: int = Field(
        # One chat turn makes several calls (masking, reading the answer, search, events).
        300,
        description="Requests per minute per end user a service key names in X-End-User (0 = no limit).",
    )
    client_rate_limit_per_minute: int = Field(
        120, description="Requests per minute per client address on endpoints open without a key (0 = off)."
    )
    max_body_bytes: int = Field(256 * 1024, description="Largest request body the API reads (413 above).")
    portal_token_secret: str = Field(
        "", description="Shared secret of the customer portal's HS256 identity tokens (empty: HS256 off)."
    )
    portal_token_public_key: str = Field(
        "", description="The portal's RSA public key (PEM text or a file path) for RS256 tokens (empty: off)."
    )
    portal_token_audience: str = Field(
        "", description="Required `aud` claim of portal tokens (empty: tokens must carry no audience)."
    )
    identity_secret: str = Field(
        "",
        description="Secret the API signs end users' short-lived identities with; `make run` keeps one in "
        "var/identity-secret. Empty: a new one per start (identities end at a restart).",
    )
    identity_minutes: int = Field(60, ge=1, description="How long a verified end-user identity lasts.")
    files_dir: Path = Field(ROOT / "var" / "files", description="Where files sent in chats are kept.")
    files_store: Literal["local", "s3"] = Field(
        "local", description="Where chat files go: `local` (FILES_DIR) or `s3` (the bucket S3_BUCKET)."
    )
    s3_endpoint_url: str = Field(
        "", description="URL of an S3-compatible store, e.g. http://127.0.0.1:9000 (empty: AWS S3)."
    )
    s3_bucket: str = Field("", description="Bucket chat files go to with FILES_STORE=s3; it must exist.")
    s3_region: str = Field("", description="Region of S3_BUCKET, e.g. sa-east-1 (required with s3).")
    s3_access_key_id: str = Field(
        "", description="S3 access key; empty with S3_SECRET_ACCESS_KEY: boto3's own (e.g. an instance role)."
    )
    s3_secret_access_key: str = Field("", description="The secret of S3_ACCESS_KEY_ID.")
    s3_key_prefix: str = Field("", description="Prefix of the chat files' object names, e.g. chat-files/.")
    max_attachment_bytes: int = Field(
        16 * 1024 * 1024, ge=1, description="Largest chat file, in bytes (the WhatsApp channel reads it too)."
    )
    attachment_types: str = Field(
        "image/jpeg,image/png,image/webp,image/gif,application/pdf,text/plain,text/csv,application/json,"
        "application/xml,text/xml,application/zip,application/x-zip-compressed,application/msword,"
        "application/vnd.ms-excel,application/vnd.openxmlformats-officedocument.wordprocessingml.document,"
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,audio/ogg,audio/mpeg,audio/mp4,"
        "audio/aac,audio/amr,video/mp4,video/3gpp",
        description="MIME types a chat file may have, comma-separated (screenshots, logs, documents, "
        "voice notes, short videos).",
    )

    @property
    def accepted_attachment_types(self) -> frozenset[str]:
        return frozenset(kind.strip().lower() for kind in self.attachment_types.split(",") if kind.strip())

    @property
    def rasa_url(self) -> str:
        return self.public_rasa_url or f"http://localhost:{self.rasa_port}"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
