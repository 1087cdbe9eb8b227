"""What the channel remembers: the 24-hour customer-service window, and the stores that keep it
(channels/whatsapp/memory.py, memory_store.py, redis_store.py). Restarts are in test_whatsapp_restart.py.

The Redis store is tested on a private redis-server (redis_server.py), skipped where none is installed.
"""

import asyncio
import logging
from pathlib import Path
from typing import Callable, Iterator, List, Mapping, Tuple

import pytest
import redis
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from redis_server import redis_server
from whatsapp_harness import (
    HOUR,
    SENT_AT,
    WA_ID,
    Clock,
    GraphApi,
    Rasa,
    first_message,
    fixture,
    free_socket,
    make_config,
)

from channels.whatsapp import WhatsAppInput
from channels.whatsapp.memory import MAX_REPLAYS, RETENTION, SEEN, SIZES, ChannelMemory, open_store
from channels.whatsapp.memory_store import BoundedMap, InProcessStore, MemoryStore, SqlStore
from channels.whatsapp.redis_store import RedisStore

# The 24-hour customer-service window


TEMPLATE = {
    "messaging_product": "whatsapp",
    "recipient_type": "individual",
    "to": WA_ID,
    "type": "template",
    "template": {"name": "retomar_atendimento", "language": {"code": "pt_BR"}},
}


@pytest.mark.asyncio
async def test_a_message_older_than_24_hours_is_answered_with_the_template_once(
    rasa: Rasa, graph: GraphApi
) -> None:
    rasa.clock.now = SENT_AT + 25 * HOUR
    rasa.agent.replies = [{"text": "Resposta atrasada"}, {"text": "Mais uma"}]
    await rasa.deliver(fixture("text_message"))

    assert graph.bodies == [TEMPLATE]


@pytest.mark.asyncio
async def test_the_window_closes_24_hours_after_the_last_message_and_reopens_with_the_next(
    rasa: Rasa, graph: GraphApi
) -> None:
    await rasa.deliver(fixture("text_message"))
    output = rasa.channel.get_output_channel()

    rasa.clock.now = SENT_AT + 23 * HOUR
    await output.send_text_message(WA_ID, "Seu chamado foi atualizado.")
    rasa.clock.now = SENT_AT + 24 * HOUR + 1
    await output.send_text_message(WA_ID, "Seu chamado foi resolvido.")
    await output.send_text_message(WA_ID, "Avalie o atendimento.")
    assert [body["type"] for body in graph.bodies] == ["text", "template"]
    assert graph.bodies[1] == TEMPLATE

    answer = fixture("button_reply")
    first_message(answer)["timestamp"] = str(int(rasa.clock.now))
    await rasa.deliver(answer)
    await output.send_text_message(WA_ID, "Obrigado!")
    assert graph.bodies[-1]["text"]["body"] == "Obrigado!"


@pytest.mark.asyncio
async def test_without_a_template_nothing_is_sent_outside_the_window(
    graph: GraphApi, caplog: pytest.LogCaptureFixture
) -> None:
    channel = WhatsAppInput(make_config(graph, template_name=""), clock=Clock(SENT_AT))
    with caplog.at_level(logging.WARNING, logger="channels.whatsapp"):
        await channel.get_output_channel().send_text_message(WA_ID, "Olá")

    assert graph.requests == []
    assert "WHATSAPP_TEMPLATE_NAME is unset" in caplog.text


def test_the_memory_forgets_the_oldest_entries_beyond_its_size() -> None:
    remembered: BoundedMap[int] = BoundedMap(2)
    for number, key in enumerate("abc"):
        remembered.put(key, number)
    assert "a" not in remembered
    assert remembered.get("b") == 1 and remembered.get("c") == 2


# The stores


@pytest.fixture(scope="module")
def redis_server_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with redis_server(tmp_path_factory.mktemp("redis")) as url:
        yield url


@pytest.fixture
def redis_url(redis_server_url: str) -> str:
    """The module's Redis server, emptied for each test."""
    with redis.Redis.from_url(redis_server_url) as client:
        client.flushall()
    return redis_server_url


# Opens a store over the test's database with a retention per kind: each call a new instance, as
# after a restart.
Open = Callable[[Mapping[str, float]], MemoryStore]


def lasting(name: str, request: pytest.FixtureRequest, tmp_path: Path) -> Tuple[Open, Clock]:
    clock = Clock(SENT_AT)
    if name == "redis":
        url = request.getfixturevalue("redis_url")
        return (lambda retention: RedisStore(url, retention, clock)), clock
    path = tmp_path / "tracker.db"
    return (lambda retention: SqlStore(f"sqlite:///{path}", retention, clock)), clock


@pytest.fixture(params=["in process", "sqlite", "redis"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Tuple[MemoryStore, Clock]:
    if request.param == "in process":
        clock = Clock(SENT_AT)
        return InProcessStore({"seen": 10, "window": 10}, clock), clock
    opened, clock = lasting(request.param, request, tmp_path)
    return opened({}), clock


@pytest.fixture(params=["sqlite", "redis"])
def reopen(request: pytest.FixtureRequest, tmp_path: Path) -> Tuple[Open, Clock]:
    return lasting(request.param, request, tmp_path)


def keys(memory: MemoryStore, kind: str) -> List[str]:
    return [entry.key for entry in memory.older_than(kind, float("inf"))]


def test_a_store_keeps_values_by_kind_and_lists_a_kind_s_entries_older_than_a_time(
    store: Tuple[MemoryStore, Clock],
) -> None:
    memory, clock = store
    memory.put("seen", "wamid.a", "1")
    clock.now += 10
    memory.put("seen", "wamid.b", "1")
    memory.put("window", "wamid.a", "other kind, same key")
    clock.now += 10
    memory.put("seen", "wamid.a", "rewritten")  # written again: now the newest

    assert memory.get("seen", "wamid.a") == "rewritten"
    assert memory.get("seen", "wamid.c") is None
    assert [entry.key for entry in memory.older_than("seen", clock.now + 1)] == ["wamid.b", "wamid.a"]
    assert [entry.key for entry in memory.older_than("seen", clock.now)] == ["wamid.b"]
    assert memory.older_than("seen", SENT_AT + 10) == []
    memory.delete("seen", "wamid.a")
    memory.delete("seen", "never there")
    assert memory.get("seen", "wamid.a") is None
    assert memory.get("window", "wamid.a") == "other kind, same key"


def test_a_database_drops_each_kind_past_its_retention_at_most_once_an_hour(
    reopen: Tuple[Open, Clock],
) -> None:
    opened, clock = reopen
    memory = opened({"short": 10.0})
    memory.put("short", "a", "1")  # the first write prunes (nothing yet)
    memory.put("long", "a", "1")
    clock.now += 20
    memory.put("short", "b", "1")  # "a" is past its retention, but the hour is not over
    assert keys(memory, "short") == ["a", "b"]

    clock.now = SENT_AT + 3600
    memory.put("short", "c", "1")
    assert keys(memory, "short") == ["c"]
    assert keys(memory, "long") == ["a"]  # a kind without a retention is kept


def test_a_database_s_memory_outlives_the_store_that_wrote_it(reopen: Tuple[Open, Clock]) -> None:
    opened, clock = reopen
    before = opened({})
    before.put("seen", "wamid.a", "1")
    before.put("payload", "wa-payload:1", "/choose_topic")

    after = opened({})  # the bot restarted
    assert after.get("payload", "wa-payload:1") == "/choose_topic"
    assert after.older_than("seen", clock.now + 1) == [("wamid.a", "1", SENT_AT)]


def test_the_memory_shares_the_tracker_s_sqlite_file_with_rasa_s_tracker_store(tmp_path: Path) -> None:
    path = tmp_path / "tracker.db"
    trackers = SQLTrackerStore(Domain.empty(), dialect="sqlite", db=str(path))
    memory = SqlStore(f"sqlite:///{path}", {}, Clock(SENT_AT))
    memory.put("seen", "wamid.a", "1")
    tracker = DialogueStateTracker.from_events(WA_ID, [UserUttered("oi")])

    asyncio.run(trackers.save(tracker))
    assert asyncio.run(trackers.retrieve(WA_ID)) is not None
    assert SqlStore(f"sqlite:///{path}", {}, Clock(SENT_AT)).get("seen", "wamid.a") == "1"


def test_only_sqlite_postgresql_and_redis_are_accepted() -> None:
    with pytest.raises(ValueError, match="SQLite, PostgreSQL or Redis"):
        open_store("mysql://bot@localhost/tracker")


def test_redis_expires_each_value_after_its_kind_s_retention(redis_url: str) -> None:
    memory = open_store(redis_url, Clock(SENT_AT))
    assert isinstance(memory, RedisStore)
    memory.put(SEEN, "wamid.a", "1")
    memory.put("unlisted", "a", "1")

    seconds = memory.client.ttl("whatsapp:seen:wamid.a")
    assert RETENTION[SEEN] - 5 <= seconds <= RETENTION[SEEN]
    assert memory.client.ttl("whatsapp:unlisted:a") == -1  # no retention: kept until deleted


@pytest.mark.parametrize("scheme", ["redis://:secret@", "rediss://", "unix://"])
def test_an_unreachable_redis_is_named_with_what_to_do(scheme: str, tmp_path: Path) -> None:
    with free_socket() as sock:  # a port nobody listens on
        place = f"127.0.0.1:{sock.getsockname()[1]}/0"
    url = scheme + (str(tmp_path / "redis.sock") if scheme == "unix://" else place)
    with pytest.raises(ConnectionError, match="WHATSAPP_MEMORY_URL: no Redis answers") as raised:
        open_store(url)
    assert "make redis" in str(raised.value) and "secret" not in str(raised.value)


def test_a_message_left_pending_is_handed_back_at_most_three_times_then_given_up() -> None:
    clock = Clock(SENT_AT)
    memory = ChannelMemory(clock, InProcessStore(SIZES, clock))
    delivery = fixture("text_message")
    assert memory.claim("wamid.a", delivery)
    assert not memory.claim("wamid.a", delivery)  # pending: not taken twice

    replays = []
    for _ in range(MAX_REPLAYS + 1):  # a start each minute
        clock.now += 60
        replays.append(memory.unfinished(clock.now))
    assert replays == [[delivery]] * MAX_REPLAYS + [[]]
    assert memory.store.get(SEEN, "wamid.a") == "1"


# The setting


def test_the_memory_url_comes_from_the_environment_first_and_may_be_left_empty(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'tracker.db'}"
    monkeypatch.setenv("WHATSAPP_MEMORY_URL", url)
    channel = WhatsAppInput.from_credentials({"memory_url": "sqlite:///elsewhere.db"})
    assert channel.config.memory_url == url
    assert isinstance(channel.memory.store, SqlStore)

    monkeypatch.delenv("WHATSAPP_MEMORY_URL")
    channel = WhatsAppInput.from_credentials({"access_token": "t"})
    assert isinstance(channel.memory.store, InProcessStore)
    assert "WHATSAPP_MEMORY_URL" not in channel.config.missing()


def test_a_fresh_checkout_without_its_var_folder_still_gets_its_memory_file(tmp_path: Path) -> None:
    path = tmp_path / "checkout" / "var" / "tracker.db"
    memory = SqlStore(f"sqlite:///{path}", {}, Clock(SENT_AT))
    memory.put("seen", "wamid.1", "1")
    assert path.is_file() and memory.get("seen", "wamid.1") == "1"
