"""The support lifecycle: which action moves a ticket from which status to which.

new → open → pending_customer → (customer replies) → open …
open → waiting_third_party (a development issue) → open
new | open | waiting_third_party → resolved → accepted: closed | rejected: open
pending_customer for 60 business hours → closed;  resolved for 84 business hours → closed
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Status(StrEnum):
    NEW = "new"
    OPEN = "open"
    PENDING_CUSTOMER = "pending_customer"
    WAITING_THIRD_PARTY = "waiting_third_party"
    RESOLVED = "resolved"
    CLOSED = "closed"


class Action(StrEnum):
    OPEN = "open"
    REQUEST_INFO = "request_info"
    CUSTOMER_REPLY = "customer_reply"
    WAIT_THIRD_PARTY = "wait_third_party"
    THIRD_PARTY_DONE = "third_party_done"
    RESOLVE = "resolve"
    ACCEPT = "accept"
    REJECT = "reject"
    EXPIRE = "expire"


class ThirdPartyType(StrEnum):
    """Kinds of development issue a ticket can wait on."""

    BUG_FIX = "bug_fix"
    LEGISLATION = "legislation"
    SUPPORT_DOCUMENTATION = "support_documentation"


@dataclass(frozen=True)
class Move:
    sources: frozenset[Status]
    target: Status
    by_customer: bool  # customers (company and service keys) may do it; support (admin) may do all


MOVES: dict[Action, Move] = {
    Action.OPEN: Move(frozenset({Status.NEW}), Status.OPEN, False),
    Action.REQUEST_INFO: Move(frozenset({Status.NEW, Status.OPEN}), Status.PENDING_CUSTOMER, False),
    Action.CUSTOMER_REPLY: Move(frozenset({Status.PENDING_CUSTOMER}), Status.OPEN, True),
    Action.WAIT_THIRD_PARTY: Move(frozenset({Status.OPEN}), Status.WAITING_THIRD_PARTY, False),
    Action.THIRD_PARTY_DONE: Move(frozenset({Status.WAITING_THIRD_PARTY}), Status.OPEN, False),
    Action.RESOLVE: Move(
        frozenset({Status.NEW, Status.OPEN, Status.WAITING_THIRD_PARTY}), Status.RESOLVED, False
    ),
    Action.ACCEPT: Move(frozenset({Status.RESOLVED}), Status.CLOSED, True),
    Action.REJECT: Move(frozenset({Status.RESOLVED}), Status.OPEN, True),
    Action.EXPIRE: Move(frozenset({Status.PENDING_CUSTOMER, Status.RESOLVED}), Status.CLOSED, False),
}

# Business hours a status waits for the customer before the ticket closes by itself.
CUSTOMER_DEADLINE_HOURS = {Status.PENDING_CUSTOMER: 60.0, Status.RESOLVED: 84.0}
OPEN_STATUSES = frozenset(set(Status) - {Status.RESOLVED, Status.CLOSED})


class InvalidTransition(Exception):
    """The action is not allowed from the ticket's current status (HTTP 409)."""


def next_status(current: Status, action: Action) -> Status:
    move = MOVES[action]
    if current not in move.sources:
        allowed = ", ".join(sorted(status.value for status in move.sources))
        raise InvalidTransition(
            f"cannot {action.value} a ticket whose status is {current.value}; "
            f"{action.value} applies only to tickets in: {allowed}"
        )
    return move.target
