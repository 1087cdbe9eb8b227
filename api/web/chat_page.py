from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from api.deps import SettingsDep

router = APIRouter(tags=["chat"])
PAGE = Path(__file__).resolve().parent / "static" / "chat.html"


@lru_cache(maxsize=1)
def _page(rasa_url: str) -> str:
    return PAGE.read_text(encoding="utf-8").replace("__RASA_URL__", rasa_url)


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def chat_page(settings: SettingsDep) -> str:
    """A minimal page to chat with the bot through Rasa's REST channel."""
    return _page(settings.rasa_url)
