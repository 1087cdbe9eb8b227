"""One small HTTP client for the connectors that pull from REST APIs (Confluence, Zendesk).

Why not bare httpx: these APIs rate-limit (429 with ``Retry-After``) and have bad minutes (5xx, dropped
connections), and a sync must either get every page or fail with a message that says what to fix.
So: timeouts; up to ``max_attempts`` tries on 429, 5xx and connection errors, waiting what
``Retry-After`` says (seconds or an HTTP date) or else an exponential backoff with jitter, never more
than ``max_wait`` seconds at a time; other errors at once, with a hint (401/403: the credential
settings; 404: the base URL and the space or subdomain). The sleep is injectable so tests never wait.

Usage::

    with RestClient("https://acme.atlassian.net/wiki", auth=httpx.BasicAuth(user, token),
                    credentials_hint="check CONFLUENCE_USER and CONFLUENCE_API_TOKEN",
                    not_found_hint="check --base-url and --space") as client:
        page = client.get_json("/rest/api/content", params={"spaceKey": "TDN"})
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from types import TracebackType
from typing import Any

import httpx

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
MAX_WAIT_SECONDS = 60.0
BACKOFF_SECONDS = 1.0


class RestError(Exception):
    """A request that failed for good; the message names the URL, what happened and what to check."""


class RestClient:
    def __init__(
        self,
        base_url: str,
        *,
        auth: httpx.Auth | None = None,
        headers: Mapping[str, str] | None = None,
        credentials_hint: str,
        not_found_hint: str,
        timeout: float = 30.0,
        max_attempts: int = MAX_ATTEMPTS,
        max_wait: float = MAX_WAIT_SECONDS,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if not base_url.startswith(("http://", "https://")):
            raise RestError(f"base URL {base_url!r} must start with http:// or https://")
        self.base_url = base_url.rstrip("/")
        self._http = httpx.Client(
            base_url=self.base_url,
            auth=auth,
            headers={"Accept": "application/json", **(headers or {})},
            timeout=timeout,
            follow_redirects=True,
        )
        self._credentials_hint = credentials_hint
        self._not_found_hint = not_found_hint
        self._max_attempts = max_attempts
        self._max_wait = max_wait
        self._sleep = sleep
        self.requests = 0  # answers received, for progress and the sync summary

    def __enter__(self) -> RestClient:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self._http.close()

    def get_json(self, url: str, params: Mapping[str, str | int] | None = None) -> dict[str, Any]:
        """The JSON object at ``url`` (absolute, or relative to the base URL), retrying what may pass."""
        attempt = 0
        while True:
            attempt += 1
            try:
                response = self._http.get(url, params=params)
            except httpx.TransportError as exc:
                failure, wait = f"cannot reach {url} ({type(exc).__name__}: {exc})", None
            else:
                self.requests += 1
                if response.status_code != 429 and response.status_code < 500:
                    return self._json(response)
                failure = f"{response.request.url} answered {response.status_code}"
                wait = retry_after(response.headers.get("Retry-After"))
            if attempt == self._max_attempts:
                raise RestError(f"{failure}, {attempt} times; nothing was changed, try again later")
            if wait is None:
                wait = BACKOFF_SECONDS * 2 ** (attempt - 1) + random.uniform(0, BACKOFF_SECONDS)
            wait = min(wait, self._max_wait)
            logger.warning(
                "request failed, retrying",
                extra={"failure": failure, "attempt": attempt, "wait_seconds": round(wait, 2)},
            )
            self._sleep(wait)

    def _json(self, response: httpx.Response) -> dict[str, Any]:
        url = response.request.url
        if response.status_code in (401, 403):
            raise RestError(f"{url} answered {response.status_code}: {self._credentials_hint}")
        if response.status_code == 404:
            raise RestError(f"{url} answered 404: {self._not_found_hint}")
        if response.status_code >= 400:
            raise RestError(f"{url} answered {response.status_code}: {response.text[:200]}")
        try:
            data = response.json()
        except ValueError as exc:
            raise RestError(f"{url} did not answer JSON ({exc}): {self._not_found_hint}") from exc
        if not isinstance(data, dict):
            raise RestError(f"{url} answered JSON that is not an object")
        return data


def json_object(value: object) -> dict[str, Any]:
    """``value`` when the API gave an object there, else an empty one (for optional nested fields)."""
    return value if isinstance(value, dict) else {}


def retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delay in seconds or an HTTP date); None if absent."""
    if value is None or not value.strip():
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())
