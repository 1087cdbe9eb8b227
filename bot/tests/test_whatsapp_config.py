"""The channel's settings (channels/whatsapp/config.py)."""

import pytest

from channels.whatsapp import WhatsAppInput

# Configuration


def test_the_environment_wins_over_credentials_yml(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (
        "VERIFY_TOKEN",
        "APP_SECRET",
        "ACCESS_TOKEN",
        "PHONE_NUMBER_ID",
        "API_BASE",
        "TEMPLATE_NAME",
    ):
        monkeypatch.delenv(f"WHATSAPP_{name}", raising=False)
    monkeypatch.delenv("WHATSAPP_TEMPLATE_LANGUAGE", raising=False)
    monkeypatch.setenv("WHATSAPP_ACCESS_TOKEN", "from-env")
    channel = WhatsAppInput.from_credentials({"access_token": "from-yml", "phone_number_id": "42"})

    assert channel.name() == "whatsapp"
    assert channel.config.access_token == "from-env"
    assert channel.config.phone_number_id == "42"
    assert channel.config.messages_url == "https://graph.facebook.com/v21.0/42/messages"
    assert channel.config.template_language == "pt_BR"
