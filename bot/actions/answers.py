"""Pure helpers that shape search results into chat messages (no I/O, easy to test)."""

from __future__ import annotations

import json
from typing import Any, Dict, List, Optional

SNIPPET_CHARS = 600
BUTTON_TITLE_CHARS = 60
# The bot's language slot uses short codes; the API uses the articles' codes.
API_LANGUAGE = {"pt": "pt-BR", "es": "es", "en": "en"}


def api_language(slot_value: Optional[str]) -> Optional[str]:
    return API_LANGUAGE.get(slot_value or "")


def snippet(text: str, limit: int = SNIPPET_CHARS) -> str:
    """The start of a section, cut at a line or word boundary, with "…" when shortened.

    Blank lines are dropped: chat channels would split the message there.
    """
    text = "\n".join(line for line in text.strip().splitlines() if line.strip())
    if len(text) <= limit:
        return text
    cut = text[:limit]
    boundary = cut.rfind("\n")
    if boundary < limit // 2:
        boundary = cut.rfind(" ")
    return cut[: boundary if boundary > 0 else limit].rstrip() + " …"


def shorten(title: str, limit: int = BUTTON_TITLE_CHARS) -> str:
    return title if len(title) <= limit else title[: limit - 1].rstrip() + "…"


def open_article_button(result: Dict[str, Any]) -> Dict[str, str]:
    """A quick reply that opens one result's section (intent ``open_article``)."""
    entities = json.dumps(
        {"article_id": result["article_id"], "section_id": result["section_id"]}, ensure_ascii=False
    )
    return {"title": shorten(result["section"] or result["title"]), "payload": f"/open_article{entities}"}


def answer_kwargs(title: str, section: str, text: str, url: str) -> Dict[str, str]:
    """Template variables of ``utter_kb_answer``."""
    return {"title": title, "section": section, "snippet": snippet(text), "url": url}


def remembered(results: List[Dict[str, Any]]) -> List[Dict[str, str]]:
    """What the ``kb_results`` slot keeps of results: enough to offer them again as buttons."""
    keys = ("article_id", "section_id", "title", "section")
    return [{key: str(result[key]) for key in keys} for result in results]
