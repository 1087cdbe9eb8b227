"""The JSON API's routers, mounted once under ``/api/v1`` (health stays at ``/health`` for probes)."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import OpenCaller
from api.routers import admin, articles, dialog, files, identity, insights, portal, priority, search, tickets

API_PREFIX = "/api/v1"

api_v1 = APIRouter(prefix=API_PREFIX)
# Open without a key: limited per client address (per key and end user when a key is sent). The portal's
# ticket form is safe open: its sessions and suggestion tokens are signed by the API (api/portal).
for _module in (search, articles, priority, dialog, portal):
    api_v1.include_router(_module.router, dependencies=[OpenCaller])
for _module in (tickets, files, identity, admin, insights):
    api_v1.include_router(_module.router)
