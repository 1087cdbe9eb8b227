"""An interruption intent is kept only when the message says so; an ordinary answer stays an answer."""

import pytest
from rasa.shared.nlu.training_data.message import Message

from components.interruption_gate import InterruptionGate


@pytest.fixture(scope="module")
def gate():
    return InterruptionGate(InterruptionGate.get_default_config())


def classified(text, intent, confidence, second="nlu_fallback"):
    ranking = [{"name": intent, "confidence": confidence}, {"name": second, "confidence": 1 - confidence}]
    return Message(data={"text": text, "intent": ranking[0], "intent_ranking": ranking})


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("desde hoy por la mañana", "explain_field"),
        ("Saldo de estoque divergente após virada", "explain_field"),
        ("o sistema cai toda hora", "cancel"),
        ("Jean-Pierre Dubois", "human_handoff"),
    ],
)
def test_an_ordinary_answer_is_not_an_interruption(gate, text, intent):
    [message] = gate.process([classified(text, intent, 0.8, second="ask_support")])
    assert message.get("intent")["name"] == "ask_support"


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("por que você precisa disso?", "explain_field"),
        ("¿para qué sirve ese dato?", "explain_field"),
        ("cancelar", "cancel"),
        ("never mind, cancel it", "cancel"),
        ("quero falar com um atendente", "human_handoff"),
    ],
)
def test_an_interruption_said_in_words_is_kept(gate, text, intent):
    [message] = gate.process([classified(text, intent, 0.8)])
    assert message.get("intent")["name"] == intent


def test_a_very_sure_classifier_and_button_payloads_are_trusted(gate):
    [sure] = gate.process([classified("deixa isso pra depois", "cancel", 0.99995)])
    [button] = gate.process([classified("/cancel", "cancel", 0.6)])
    assert sure.get("intent")["name"] == "cancel" and button.get("intent")["name"] == "cancel"
