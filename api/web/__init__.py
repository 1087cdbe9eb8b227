"""The web pages: chat page, embeddable widget with its demo portal, insights dashboard, their files."""

from __future__ import annotations

from fastapi import APIRouter

from api.web import chat_page, dashboard, widget

web_pages = APIRouter()
for _module in (chat_page, widget, dashboard):
    web_pages.include_router(_module.router)
