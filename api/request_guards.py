"""Guards every request passes before a route sees it (installed by ``api.main``)."""

from __future__ import annotations

from fastapi import FastAPI


def install_request_guards(app: FastAPI, max_body_bytes: int) -> None:
    """Body size cap and hostile-JSON checks (filled in by the hardening work)."""
