"""The support lifecycle as the onboarding page describes it (shared/seeds): statuses, moves, deadlines."""

from __future__ import annotations

import pytest

from api.tickets.lifecycle import (
    CUSTOMER_DEADLINE_HOURS,
    MOVES,
    OPEN_STATUSES,
    Action,
    InvalidTransition,
    Status,
    ThirdPartyType,
    next_status,
)


def walk(start: Status, *actions: Action) -> Status:
    status = start
    for action in actions:
        status = next_status(status, action)
    return status


def test_a_ticket_is_new_open_pending_customer_waiting_third_party_resolved_or_closed() -> None:
    assert {status.value for status in Status} == {
        "new",
        "open",
        "pending_customer",
        "waiting_third_party",
        "resolved",
        "closed",
    }


def test_support_opens_a_newly_registered_ticket() -> None:
    assert next_status(Status.NEW, Action.OPEN) is Status.OPEN


def test_support_answers_a_new_ticket_with_a_solution_or_a_request_for_information() -> None:
    """First analysis: SOLUCIÓN or COMPLEMENTO, straight from the customer's registration."""
    assert next_status(Status.NEW, Action.RESOLVE) is Status.RESOLVED
    assert next_status(Status.NEW, Action.REQUEST_INFO) is Status.PENDING_CUSTOMER


def test_asking_the_customer_for_information_makes_an_open_ticket_pending_customer() -> None:
    assert next_status(Status.OPEN, Action.REQUEST_INFO) is Status.PENDING_CUSTOMER


def test_a_ticket_waiting_for_the_customer_reopens_when_the_customer_replies() -> None:
    assert next_status(Status.PENDING_CUSTOMER, Action.CUSTOMER_REPLY) is Status.OPEN


def test_an_error_in_the_standard_product_makes_the_ticket_wait_for_a_third_party() -> None:
    assert next_status(Status.OPEN, Action.WAIT_THIRD_PARTY) is Status.WAITING_THIRD_PARTY


def test_the_third_party_issue_is_a_bug_fix_legislation_or_support_documentation() -> None:
    assert {kind.value for kind in ThirdPartyType} == {"bug_fix", "legislation", "support_documentation"}


def test_support_resumes_a_ticket_when_the_development_issue_is_done() -> None:
    assert next_status(Status.WAITING_THIRD_PARTY, Action.THIRD_PARTY_DONE) is Status.OPEN


def test_a_solution_released_by_a_development_issue_resolves_the_waiting_ticket() -> None:
    assert next_status(Status.WAITING_THIRD_PARTY, Action.RESOLVE) is Status.RESOLVED


def test_support_resolves_an_open_ticket() -> None:
    assert next_status(Status.OPEN, Action.RESOLVE) is Status.RESOLVED


def test_a_customer_accepting_the_solution_closes_the_ticket() -> None:
    assert next_status(Status.RESOLVED, Action.ACCEPT) is Status.CLOSED


def test_a_customer_rejecting_the_solution_reopens_the_ticket() -> None:
    assert next_status(Status.RESOLVED, Action.REJECT) is Status.OPEN


@pytest.mark.parametrize("waiting", [Status.PENDING_CUSTOMER, Status.RESOLVED])
def test_a_ticket_the_customer_does_not_answer_in_time_closes_by_itself(waiting: Status) -> None:
    assert next_status(waiting, Action.EXPIRE) is Status.CLOSED


def test_the_customer_has_60_business_hours_to_answer_a_request_for_information() -> None:
    """'un plazo de 60hrs hábiles, es decir 5 días hábiles' (onboarding page)."""
    assert CUSTOMER_DEADLINE_HOURS[Status.PENDING_CUSTOMER] == 60.0


def test_the_customer_has_84_business_hours_to_validate_or_reject_a_solution() -> None:
    """'un plazo de 84hrs hábiles, es decir aproximadamente 7 días hábiles' (onboarding page)."""
    assert CUSTOMER_DEADLINE_HOURS[Status.RESOLVED] == 84.0


def test_only_statuses_waiting_for_the_customer_have_a_deadline_and_expire() -> None:
    assert set(CUSTOMER_DEADLINE_HOURS) == {Status.PENDING_CUSTOMER, Status.RESOLVED}
    assert MOVES[Action.EXPIRE].sources == set(CUSTOMER_DEADLINE_HOURS)


@pytest.mark.parametrize("action", list(Action))
def test_a_closed_ticket_is_final_and_continues_only_as_a_follow_up(action: Action) -> None:
    with pytest.raises(InvalidTransition):
        next_status(Status.CLOSED, action)


def test_a_customer_may_only_reply_accept_or_reject() -> None:
    by_customer = {action for action, move in MOVES.items() if move.by_customer}
    assert by_customer == {Action.CUSTOMER_REPLY, Action.ACCEPT, Action.REJECT}


def test_support_alone_opens_asks_escalates_resolves_and_expires_tickets() -> None:
    support_only = {action for action, move in MOVES.items() if not move.by_customer}
    assert support_only == {
        Action.OPEN,
        Action.REQUEST_INFO,
        Action.WAIT_THIRD_PARTY,
        Action.THIRD_PARTY_DONE,
        Action.RESOLVE,
        Action.EXPIRE,
    }


def test_every_action_has_a_move() -> None:
    assert set(MOVES) == set(Action)


def test_tickets_still_being_worked_on_are_open_and_resolved_or_closed_ones_are_not() -> None:
    assert (
        frozenset({Status.NEW, Status.OPEN, Status.PENDING_CUSTOMER, Status.WAITING_THIRD_PARTY})
        == OPEN_STATUSES
    )


@pytest.mark.parametrize(
    ("current", "action"),
    [
        pytest.param(Status.OPEN, Action.CUSTOMER_REPLY, id="reply-without-a-question"),
        pytest.param(Status.OPEN, Action.ACCEPT, id="accept-before-a-solution"),
        pytest.param(Status.PENDING_CUSTOMER, Action.REJECT, id="reject-before-a-solution"),
        pytest.param(Status.NEW, Action.WAIT_THIRD_PARTY, id="escalate-before-analysis"),
        pytest.param(Status.PENDING_CUSTOMER, Action.WAIT_THIRD_PARTY, id="escalate-while-asking"),
        pytest.param(Status.OPEN, Action.THIRD_PARTY_DONE, id="issue-done-without-an-issue"),
        pytest.param(Status.OPEN, Action.EXPIRE, id="expire-while-support-works"),
        pytest.param(Status.WAITING_THIRD_PARTY, Action.EXPIRE, id="expire-while-development-works"),
        pytest.param(Status.PENDING_CUSTOMER, Action.RESOLVE, id="resolve-while-asking"),
        pytest.param(Status.RESOLVED, Action.RESOLVE, id="resolve-twice"),
        pytest.param(Status.OPEN, Action.OPEN, id="open-twice"),
    ],
)
def test_an_action_that_does_not_apply_to_the_status_is_refused(current: Status, action: Action) -> None:
    with pytest.raises(InvalidTransition):
        next_status(current, action)


def test_a_refusal_names_the_status_and_the_statuses_the_action_applies_to() -> None:
    with pytest.raises(InvalidTransition) as refused:
        next_status(Status.OPEN, Action.ACCEPT)
    message = str(refused.value)
    assert "accept" in message and "open" in message
    assert message.endswith("applies only to tickets in: resolved")


def test_a_full_support_journey_ends_closed() -> None:
    status = walk(
        Status.NEW,
        Action.OPEN,
        Action.REQUEST_INFO,
        Action.CUSTOMER_REPLY,
        Action.WAIT_THIRD_PARTY,
        Action.THIRD_PARTY_DONE,
        Action.RESOLVE,
        Action.REJECT,
        Action.RESOLVE,
        Action.ACCEPT,
    )
    assert status is Status.CLOSED


def test_every_status_is_reachable_from_new_and_every_ticket_can_reach_closed() -> None:
    def reachable(start: Status) -> set[Status]:
        seen, frontier = {start}, [start]
        while frontier:
            current = frontier.pop()
            for move in MOVES.values():
                if current in move.sources and move.target not in seen:
                    seen.add(move.target)
                    frontier.append(move.target)
        return seen

    assert reachable(Status.NEW) == set(Status)
    for status in Status:
        assert Status.CLOSED in reachable(status)
