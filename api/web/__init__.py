"""The web pages: chat page, embeddable widget and ticket form with their demo portal, insights dashboard."""

from __future__ import annotations

from fastapi import APIRouter

from api.web import chat_page, dashboard, ticket_form, widget

web_pages = APIRouter()
for _module in (chat_page, widget, ticket_form, dashboard):
    web_pages.include_router(_module.router)
