"""WhatsApp Cloud API channel: Meta's webhook in, the Graph API's messages endpoint out.

Registered in credentials.yml as ``channels.whatsapp.WhatsAppInput:``. Its name is ``whatsapp``, so the
callback URL to give Meta is ``https://<rasa host>/webhooks/whatsapp/webhook`` (GET verifies the
subscription, POST delivers messages). Settings come from WHATSAPP_VERIFY_TOKEN, WHATSAPP_APP_SECRET,
WHATSAPP_ACCESS_TOKEN, WHATSAPP_PHONE_NUMBER_ID, WHATSAPP_API_BASE, WHATSAPP_TEMPLATE_NAME and
WHATSAPP_TEMPLATE_LANGUAGE; the same keys in lower case under the channel in credentials.yml are used
only where the variable is unset.

Each message of a delivery is stored as pending, the delivery acknowledged at once (Meta redelivers
what it does not see answered quickly) and the message handled in the background; only once handled
is it marked processed, and messages a crash left pending are handled again at the next start.
Redeliveries are recognised by message id. Typed text, taps on reply
buttons or list rows and edited texts reach the bot; images, documents, audio, video and stickers
are downloaded from Meta and kept in the support API with the conversation (a caption then reaches
the bot as text), a location is kept as a text file, contact cards are acknowledged, other kinds
get a polite line; reactions, revocations and system notices are ignored. A sender may be known by
phone number or only by business-scoped user id (usernames). What the channel remembers (message ids,
pending messages, each contact's last message for the 24-hour customer-service window, long button
payloads) lives in ``WHATSAPP_MEMORY_URL`` (a SQL database; ``make run`` uses the tracker's own
SQLite file; a ``redis://``, ``rediss://`` or ``unix://`` URL selects Redis), or in this process only
when that is unset.

Modules: ``inbound`` (webhook, WhatsAppInput), ``message_kinds`` (what a message holds),
``media`` (files into the support API), ``outbound`` (WhatsAppOutput), ``memory``, ``config``
(WhatsAppConfig) and ``wording`` (the channel's texts, in ``wording.yml``, and Meta's limits).
"""

from channels.whatsapp.config import WhatsAppConfig
from channels.whatsapp.inbound import WhatsAppInput

__all__ = ["WhatsAppConfig", "WhatsAppInput"]
