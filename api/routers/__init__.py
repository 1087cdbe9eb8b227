"""The JSON API's routers, mounted once under ``/api/v1`` (health stays at ``/health`` for probes)."""

from __future__ import annotations

from fastapi import APIRouter

from api.routers import admin, articles, dialog, insights, priority, search, tickets

API_PREFIX = "/api/v1"

api_v1 = APIRouter(prefix=API_PREFIX)
for _module in (search, articles, tickets, priority, dialog, admin, insights):
    api_v1.include_router(_module.router)
