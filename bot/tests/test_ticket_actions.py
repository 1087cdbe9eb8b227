"""Pure parts of the ticket actions: what goes into the ticket from the conversation."""

from rasa_sdk import Tracker

from actions.labels import local_time, status_texts, value_label
from actions.ticket_actions import channel_phone, transcript

EVENTS = [
    {"event": "user", "text": "oi", "metadata": {"phone": "+5511999990000", "wa_message_id": "wamid.1"}},
    {"event": "bot", "text": "Olá! Sou o assistente de suporte."},
    {"event": "user", "text": "/open_ticket", "metadata": {}},
    {"event": "user", "text": "o faturamento parou", "metadata": {}},
]


def tracker(events):
    return Tracker("s1", {}, {}, events, False, None, {}, "action_listen")


def test_a_whatsapp_phone_number_reaches_the_ticket():
    assert channel_phone(tracker(EVENTS)) == "+5511999990000"
    assert channel_phone(tracker(EVENTS[1:])) is None


def test_the_transcript_keeps_what_was_said_without_button_payloads():
    assert transcript(tracker(EVENTS)) == [
        {"role": "user", "text": "oi"},
        {"role": "bot", "text": "Olá! Sou o assistente de suporte."},
        {"role": "user", "text": "o faturamento parou"},
    ]


def test_values_and_statuses_are_worded_in_the_user_language():
    assert value_label("production", "es") == "producción"
    assert value_label([], "en") == "none"
    assert status_texts("pending_customer", "pt")["name"] == "Pendente do cliente"
    assert "5 días hábiles" in status_texts("pending_customer", "es")["meaning"]


def test_due_times_are_shown_in_the_support_centre_time_zone():
    assert (
        local_time("2026-03-02T15:00:00+00:00", "America/Mexico_City")
        == "02/03/2026 09:00 (America/Mexico_City)"
    )
