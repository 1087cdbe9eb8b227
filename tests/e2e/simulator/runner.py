"""Runs conversations against a LiveStack, one at a time, and judges each in the API."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from uuid import uuid4

import httpx

from tests.e2e.simulator.checks import check_languages, check_no_ticket, check_ticket
from tests.e2e.simulator.driver import Say, run_conversation
from tests.e2e.simulator.metrics import detours
from tests.e2e.simulator.personas import Conversation, Persona
from tests.e2e.simulator.results import ConversationResult
from tests.support.live_stack import LiveStack


class StackClient:
    """The REST channel (with message metadata) and the ticket API with an admin key."""

    def __init__(self, stack: LiveStack) -> None:
        self.stack = stack
        self.admin = {"X-API-Key": stack.create_key(f"simulator-{uuid4().hex[:8]}", "--admin")}

    def say(self, sender: str, text: str, metadata: dict[str, Any] | None) -> list[dict[str, Any]]:
        body: dict[str, Any] = {"sender": sender, "message": text}
        if metadata:
            body["metadata"] = metadata
        response = httpx.post(self.stack.chat_url, json=body, timeout=90)
        response.raise_for_status()
        replies: list[dict[str, Any]] = response.json()
        return replies

    def signed_in(self, persona: Persona) -> Say:
        """The persona chatting from the portal, logged in: every message carries its portal token."""
        token = self.stack.portal_token(persona.company, persona.email, persona.name)

        def say(sender: str, text: str, metadata: dict[str, Any] | None) -> list[dict[str, Any]]:
            return self.say(sender, text, {**(metadata or {}), "portal_token": token})

        return say

    def ticket_count(self) -> int:
        response = httpx.get(
            f"{self.stack.api_url}/api/v1/tickets", params={"page_size": 1}, headers=self.admin
        )
        response.raise_for_status()
        return int(response.json()["total"])

    def ticket(self, number: int) -> dict[str, Any] | None:
        response = httpx.get(f"{self.stack.api_url}/api/v1/tickets/{number}", headers=self.admin)
        if response.status_code == 404:
            return None
        response.raise_for_status()
        ticket: dict[str, Any] = response.json()
        return ticket


def judge(client: StackClient, conversation: Conversation, signed_in: bool = False) -> ConversationResult:
    before = client.ticket_count()
    result = run_conversation(
        client.signed_in(conversation.persona) if signed_in else client.say, conversation
    )
    result.new_tickets = client.ticket_count() - before
    result.detours = detours(result)
    if conversation.expect == "ticket":
        if result.ticket_number is None:
            result.problems.append(f"no ticket created (outcome {result.outcome})")
        else:
            result.ticket = client.ticket(result.ticket_number)
            if result.ticket is None:
                result.problems.append(f"ticket #{result.ticket_number} is not in the API")
            else:
                result.problems += check_ticket(result, result.ticket)
            if result.new_tickets != 1:
                result.problems.append(f"{result.new_tickets} tickets created, expected exactly 1")
    else:
        if not result.reached_expected:
            result.problems.append(
                f"expected the conversation to end as {conversation.expect}, got {result.outcome}"
            )
        result.problems += check_no_ticket(result)
    result.problems += check_languages(result)
    return result


def run_all(
    stack: LiveStack, conversations: Iterable[Conversation], signed_in: bool = False
) -> list[ConversationResult]:
    """Every conversation, by anonymous visitors or (``signed_in``) by customers logged in to the portal."""
    client = StackClient(stack)
    return [judge(client, conversation, signed_in) for conversation in conversations]
