"""Typed replies to the bot's yes/no questions answer them, whatever the classifier made of them."""

import pytest
from rasa_sdk import Tracker

from actions.pending_replies import pending_reply


def at_summary(text, stage="confirming", loop=None):
    latest = {"text": text, "intent": {"name": "open_ticket", "confidence": 0.96}, "entities": []}
    active_loop = {"name": loop} if loop else {}
    return Tracker("s1", {"ticket_stage": stage}, latest, [], False, None, active_loop, "action_listen")


@pytest.mark.parametrize("text", ["sim, pode abrir", "si, confirmo", "yes please", "ok, está certo"])
def test_a_typed_yes_opens_the_ticket(text):
    assert [event["name"] for event in pending_reply(at_summary(text))] == ["action_create_ticket"]


@pytest.mark.parametrize(
    "text", ["não, quero mudar o impacto", "el entorno está incorrecto", "change the urgency"]
)
def test_a_change_asked_in_words_goes_to_the_correction(text):
    assert [event["name"] for event in pending_reply(at_summary(text))] == ["action_correct_field"]


def test_outside_the_summary_nothing_is_taken_for_a_confirmation():
    assert pending_reply(at_summary("sim", stage="collecting")) is None
    assert pending_reply(at_summary("sim", loop="ticket_form")) is None
    assert pending_reply(at_summary("qual o telefone do suporte?")) is None


def after_the_cancel_question(text):
    events = [
        {"event": "action", "name": "utter_ask_confirm_cancel"},
        {"event": "action", "name": "action_listen"},
        {"event": "user", "text": text},
    ]
    latest = {"text": text, "intent": {"name": "cancel", "confidence": 1.0}, "entities": []}
    return Tracker("s1", {"ticket_stage": "collecting"}, latest, events, False, None, {}, "action_listen")


def test_going_on_after_the_cancel_question_resumes_even_when_heard_as_cancel():
    assert [e["name"] for e in pending_reply(after_the_cancel_question("nao, vamos continuar"))] == [
        "action_resume_ticket"
    ]


def test_yes_to_the_cancel_question_cancels():
    assert [e["name"] for e in pending_reply(after_the_cancel_question("sim, pode cancelar"))] == [
        "action_cancel_ticket"
    ]
