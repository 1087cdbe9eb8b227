"""Who a WhatsApp sender is (inbound.py with channels/end_user_identity.py): a known contact's number
brings the customer's verified identity, any other number only its phone; and the message cap.
"""

from typing import Any, Dict

import pytest
from channel_harness import PHONE_USER
from whatsapp_harness import WA_ID, GraphApi, Rasa, first_message, fixture

from channels.inbound_limits import MAX_MESSAGE_CHARS

PHONE = f"+{WA_ID}"


def text_message(message_id: str, text: str = "Qual o status do chamado 32?") -> Dict[str, Any]:
    payload = fixture("text_message")
    message = first_message(payload)
    message["id"] = message_id
    message["text"]["body"] = text
    return payload


@pytest.mark.asyncio
async def test_a_known_contacts_message_carries_the_verified_identity(rasa: Rasa, graph: GraphApi) -> None:
    graph.contacts[PHONE] = PHONE_USER
    assert await rasa.deliver(text_message("wamid.1")) == 200
    [message] = rasa.agent.messages
    identity = message.metadata["identity"]
    assert identity["token"] == "api-identity-1"  # what the API signed for this number
    assert identity["proof"] == "whatsapp"
    assert {key: identity[key] for key in PHONE_USER} == PHONE_USER
    assert message.metadata["phone"] == PHONE
    assert graph.lookups == [PHONE]


@pytest.mark.asyncio
async def test_an_unknown_number_brings_only_its_phone(rasa: Rasa, graph: GraphApi) -> None:
    assert await rasa.deliver(text_message("wamid.1")) == 200
    [message] = rasa.agent.messages
    assert "identity" not in message.metadata
    assert message.metadata["phone"] == PHONE  # for the unverified ticket's contact phone
    assert graph.lookups == [PHONE]


@pytest.mark.asyncio
async def test_a_number_is_looked_up_once_for_a_run_of_messages(rasa: Rasa, graph: GraphApi) -> None:
    graph.contacts[PHONE] = PHONE_USER
    for number in range(3):
        assert await rasa.deliver(text_message(f"wamid.{number}")) == 200
    assert graph.lookups == [PHONE]
    assert [m.metadata["identity"]["token"] for m in rasa.agent.messages] == ["api-identity-1"] * 3


@pytest.mark.asyncio
async def test_an_unknown_numbers_answer_is_remembered_for_a_few_minutes(rasa: Rasa, graph: GraphApi) -> None:
    assert await rasa.deliver(text_message("wamid.1")) == 200
    rasa.clock.now += 60
    assert await rasa.deliver(text_message("wamid.2")) == 200
    assert graph.lookups == [PHONE]
    graph.contacts[PHONE] = PHONE_USER  # support staff add the contact
    rasa.clock.now += 10 * 60
    assert await rasa.deliver(text_message("wamid.3")) == 200
    assert graph.lookups == [PHONE, PHONE]
    assert "identity" in rasa.agent.messages[-1].metadata


@pytest.mark.asyncio
async def test_with_the_lookup_failing_the_message_goes_on_without_identity(
    rasa: Rasa, graph: GraphApi
) -> None:
    graph.lookup_status = 503
    graph.contacts[PHONE] = PHONE_USER
    assert await rasa.deliver(text_message("wamid.1")) == 200
    [message] = rasa.agent.messages
    assert "identity" not in message.metadata and message.metadata["phone"] == PHONE
    graph.lookup_status = 200  # a failure is not remembered: the next message asks again
    assert await rasa.deliver(text_message("wamid.2")) == 200
    assert "identity" in rasa.agent.messages[-1].metadata


@pytest.mark.asyncio
async def test_an_over_long_message_is_not_handed_on_and_the_contact_is_told(
    rasa: Rasa, graph: GraphApi
) -> None:
    assert await rasa.deliver(text_message("wamid.1", "x" * (MAX_MESSAGE_CHARS + 1))) == 200
    assert rasa.agent.messages == []
    [sent] = graph.bodies
    assert sent["to"] == WA_ID
    assert "partes menores" in sent["text"]["body"]  # in Portuguese: a Brazilian number
