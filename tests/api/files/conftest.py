"""The chat-file API on the ticket suite's real databases, clock and keys."""

from tests.api.tickets.conftest import app, client, clock, database_url, keys, monday  # noqa: F401
