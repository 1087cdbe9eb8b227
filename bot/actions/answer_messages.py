"""Helpers that shape search results into chat messages (no I/O, easy to test)."""

from __future__ import annotations

import json
import re
from typing import Any, Dict, List

from rasa_sdk.executor import CollectingDispatcher

SNIPPET_CHARS = 600
# The search's answer: the lines that answer the question, then the rest of the section in short.
ANSWER_CHARS = 1000
BUTTON_TITLE_CHARS = 60
# The loaders escape text that would otherwise read as Markdown ("\# 1 do ranking", "\<div>"); chat
# shows text as typed, so the backslash goes.
MARKDOWN_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|<>~])")


def snippet(text: str, limit: int = SNIPPET_CHARS) -> str:
    """The start of a section, cut at a line or word boundary, with "…" when shortened.

    Blank lines are dropped: chat channels would split the message there.
    """
    text = MARKDOWN_ESCAPE.sub(r"\1", text)
    text = "\n".join(line for line in text.strip().splitlines() if line.strip())
    if len(text) <= limit:
        return text
    cut = text[:limit]
    boundary = cut.rfind("\n")
    if boundary < limit // 2:
        boundary = cut.rfind(" ")
    return cut[: boundary if boundary > 0 else limit].rstrip() + " …"


def button_title(title: str, limit: int = BUTTON_TITLE_CHARS) -> str:
    """A title cut to ``limit`` characters, marked with "…" when cut."""
    return title if len(title) <= limit else title[: limit - 1].rstrip() + "…"


def open_article_button(result: Dict[str, Any]) -> Dict[str, str]:
    """A quick reply that opens one result's section (intent ``open_article``)."""
    entities = json.dumps(
        {"article_id": result["article_id"], "section_id": result["section_id"]}, ensure_ascii=False
    )
    return {
        "title": button_title(result["section"] or result["title"]),
        "payload": f"/open_article{entities}",
    }


def answer_kwargs(title: str, section: str, text: str, url: str) -> Dict[str, str]:
    """Template variables of ``utter_kb_answer``."""
    return {"title": title, "section": section, "snippet": snippet(text), "url": url}


def remembered(results: List[Dict[str, Any]]) -> List[Dict[str, str]]:
    """What the ``kb_results`` slot keeps of results: enough to offer them again as buttons."""
    keys = ("article_id", "section_id", "title", "section")
    return [{key: str(result[key]) for key in keys} for result in results]


def show_best_answer(
    dispatcher: CollectingDispatcher, found: Dict[str, Any], response: str = "utter_kb_answer"
) -> Dict[str, Any]:
    """Utter the first search result with ``response`` (the answer, or a suggestion that it may help);
    returns what the ``kb_shown`` slot records of it."""
    best = found["results"][0]
    kwargs = answer_kwargs(best["title"], best["section"], best["text"], best["url"])
    if best.get("answer"):  # lead with the lines that answer, not with the section's first lines
        kwargs["snippet"] = snippet(best["answer"], ANSWER_CHARS)
    dispatcher.utter_message(response=response, **kwargs)
    return {
        "article_id": best["article_id"],
        "title": best["title"],
        "url": best["url"],
        "outcome": "not_solved",
    }
