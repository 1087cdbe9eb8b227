"""A status question names a ticket number; a version in a problem report is not one."""

import pytest

from actions.status_and_handoff import TICKET_NUMBER


@pytest.mark.parametrize(
    ("text", "number"), [("qual o status do chamado 24?", "24"), ("#123", "123"), ("ticket 12345.", "12345")]
)
def test_the_ticket_number_is_found(text, number):
    assert TICKET_NUMBER.search(text).group() == number


@pytest.mark.parametrize("text", ["las reservas no entran al PMS 11.8 en producción", "Protheus 12.1.2310"])
def test_a_version_is_not_a_ticket_number(text):
    assert TICKET_NUMBER.search(text) is None
