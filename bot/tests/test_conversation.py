"""What the actions take from the conversation into the ticket."""

from rasa_sdk import Tracker

from actions.conversation import channel_phone, transcript

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
