"""HTTP client of the support API used by the actions.

SUPPORT_API_URL is the API's base URL; SUPPORT_API_KEY the bot's service key (`make run` makes one).
Every call carries an X-Request-ID that the API echoes and writes in its log lines, and that failures
here quote, so an error in the action server's log can be found in the API's log.
"""

from __future__ import annotations

import logging
import os
from typing import Any, Dict, List, Optional
from uuid import uuid4

import aiohttp

log = logging.getLogger(__name__)

TIMEOUT = aiohttp.ClientTimeout(total=15)
REQUEST_ID_HEADER = "X-Request-ID"
REQUEST_ID_PREFIX = "bot"


class SupportApiError(RuntimeError):
    """The API could not be reached or answered with an error."""

    def __init__(self, message: str, status: Optional[int] = None, request_id: Optional[str] = None) -> None:
        super().__init__(f"{message} (request id {request_id})" if request_id else message)
        self.status = status
        self.request_id = request_id


class SupportApi:
    def __init__(
        self, base_url: Optional[str] = None, api_key: Optional[str] = None, request_id: Optional[str] = None
    ) -> None:
        self.base_url = (base_url or os.environ.get("SUPPORT_API_URL", "http://localhost:8000")).rstrip("/")
        key = api_key or os.environ.get("SUPPORT_API_KEY")
        self.headers = {"X-API-Key": key} if key else {}
        # One id for every call of this client when given (e.g. per conversation turn), else one per call.
        self.request_id = request_id

    async def _call(
        self,
        method: str,
        path: str,
        params: Optional[Dict[str, Any]] = None,
        body: Optional[Dict[str, Any]] = None,
        headers: Optional[Dict[str, str]] = None,
    ) -> Any:
        query = {key: value for key, value in (params or {}).items() if value is not None}
        request_id = self.request_id or f"{REQUEST_ID_PREFIX}-{uuid4().hex[:12]}"
        sent = {**(headers or {}), REQUEST_ID_HEADER: request_id}
        try:
            async with (
                aiohttp.ClientSession(timeout=TIMEOUT, headers=self.headers) as session,
                session.request(
                    method, f"{self.base_url}{path}", params=query, json=body, headers=sent
                ) as response,
            ):
                if response.status >= 400:
                    raise SupportApiError(
                        f"{method} {path} answered {response.status}: {await response.text()}",
                        response.status,
                        request_id,
                    )
                return await response.json()
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise SupportApiError(f"{method} {path} failed: {exc}", request_id=request_id) from exc

    async def search(self, question: str, k: int = 3, lang: Optional[str] = None) -> Dict[str, Any]:
        return await self._call("GET", "/api/v1/search", {"q": question, "k": k, "lang": lang})

    async def article(self, article_id: str) -> Dict[str, Any]:
        return await self._call("GET", f"/api/v1/articles/{article_id}")

    async def check_field(self, field: str, value: str, language: str) -> Dict[str, Any]:
        return await self._call(
            "POST", "/api/v1/dialog/check", body={"field": field, "value": value, "language": language}
        )

    async def extract(self, text: str) -> Dict[str, Any]:
        return await self._call("POST", "/api/v1/dialog/extract", body={"text": text})

    async def priority(self, impact: str, urgency: str, language: str) -> Dict[str, Any]:
        params = {"impact": impact, "urgency": urgency, "language": language}
        return await self._call("GET", "/api/v1/priority", params)

    async def similar(self, company_code: str, product: str, text: str) -> List[Dict[str, Any]]:
        params = {"company_code": company_code, "product": product, "text": text}
        return await self._call("GET", "/api/v1/tickets/similar", params)

    async def create_ticket(self, body: Dict[str, Any], idempotency_key: str) -> Dict[str, Any]:
        return await self._call(
            "POST", "/api/v1/tickets", body=body, headers={"Idempotency-Key": idempotency_key}
        )

    async def add_comment(self, number: int, text: str) -> Dict[str, Any]:
        return await self._call("POST", f"/api/v1/tickets/{number}/comments", body={"body": text})

    async def ticket(self, number: int) -> Dict[str, Any]:
        return await self._call("GET", f"/api/v1/tickets/{number}")

    async def notices(self, product: Optional[str], language: str) -> List[Dict[str, Any]]:
        return await self._call("GET", "/api/v1/notices", {"product": product, "language": language})

    async def contacts(self, language: str, country: Optional[str] = None) -> Dict[str, Any]:
        return await self._call("GET", "/api/v1/contacts", {"language": language, "country": country})

    async def mask(self, text: str) -> Dict[str, Any]:
        return await self._call("POST", "/api/v1/privacy/mask", body={"text": text})

    async def record_event(self, event: Dict[str, Any]) -> None:
        """Report what happened in the conversation (insights); never lets a failure reach the user."""
        try:
            await self._call("POST", "/api/v1/events", body=event)
        except SupportApiError as exc:
            log.warning("event not recorded: %s", exc)
