"""Alembic environment: runs migrations against the URL given by api.db.migrate."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

import api.auth
import api.files.models
import api.identity.models
import api.insights.models
import api.tickets.models  # noqa: F401
from api.db import Base

url = context.config.get_main_option("sqlalchemy.url")
assert url, "sqlalchemy.url must be set"
connectable = create_engine(url)
with connectable.connect() as connection:
    context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()
connectable.dispose()
