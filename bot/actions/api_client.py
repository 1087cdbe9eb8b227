"""HTTP client of the support API used by the actions.

SUPPORT_API_URL is the API's base URL; SUPPORT_API_KEY the bot's service key (`make run` makes one).
"""

from __future__ import annotations

import os
from typing import Any, Dict, Optional

import aiohttp

TIMEOUT = aiohttp.ClientTimeout(total=10)


class SupportApiError(RuntimeError):
    """The API could not be reached or answered with an error."""


class SupportApi:
    def __init__(self, base_url: Optional[str] = None, api_key: Optional[str] = None) -> None:
        self.base_url = (base_url or os.environ.get("SUPPORT_API_URL", "http://localhost:8000")).rstrip("/")
        key = api_key or os.environ.get("SUPPORT_API_KEY")
        self.headers = {"X-API-Key": key} if key else {}

    async def _get(self, path: str, params: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
        query = {key: value for key, value in (params or {}).items() if value is not None}
        try:
            async with (
                aiohttp.ClientSession(timeout=TIMEOUT, headers=self.headers) as session,
                session.get(f"{self.base_url}{path}", params=query) as response,
            ):
                if response.status >= 400:
                    raise SupportApiError(f"GET {path} answered {response.status}: {await response.text()}")
                body: Dict[str, Any] = await response.json()
                return body
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise SupportApiError(f"GET {path} failed: {exc}") from exc

    async def search(self, question: str, k: int = 3, lang: Optional[str] = None) -> Dict[str, Any]:
        return await self._get("/api/v1/search", {"q": question, "k": k, "lang": lang})

    async def article(self, article_id: str) -> Dict[str, Any]:
        return await self._get(f"/api/v1/articles/{article_id}")
