"""What the customer is shown for a question, by how sure the search is of its first result."""

import pytest
from aiohttp import web
from channel_harness import free_socket
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.kb_answers import ActionSearchKnowledge

RESULT = {
    "article_id": "es-soporte-seguimiento-ticket",
    "section_id": "que-es",
    "title": "Seguimiento de ticket",
    "section": "¿Qué es un Seguimiento de ticket?",
    "text": "Un seguimiento continúa un ticket cerrado.",
    "answer": "Un seguimiento continúa un ticket cerrado.",
    "url": "https://kb.example.com/es/seguimiento",
    "product": "Soporte",
    "score": 3.1,
}


async def fake_api(monkeypatch, search_reply):
    async def extract(request):
        return web.json_response({"wants_ticket": False, "values": {}, "problem": None})

    async def search(request):
        return web.json_response({"query": request.query["q"], "query_lang": "es", **search_reply})

    async def event(request):
        return web.json_response({}, status=202)

    app = web.Application()
    app.router.add_post("/api/v1/dialog/extract", extract)
    app.router.add_get("/api/v1/search", search)
    app.router.add_post("/api/v1/events", event)
    runner = web.AppRunner(app)
    await runner.setup()
    sock = free_socket()
    await web.SockSite(runner, sock).start()
    monkeypatch.setenv("SUPPORT_API_URL", f"http://127.0.0.1:{sock.getsockname()[1]}")
    return runner


def asked(text):
    latest = {"text": text, "intent": {"name": "ask_support", "confidence": 0.9}, "entities": []}
    return Tracker("cliente-1", {"language": "es"}, latest, [], False, None, {}, "action_listen")


async def responses_to(monkeypatch, search_reply):
    runner = await fake_api(monkeypatch, search_reply)
    try:
        dispatcher = CollectingDispatcher()
        await ActionSearchKnowledge().run(dispatcher, asked("se cerró mi ticket pero sigue el problema"), {})
        return [message.get("response") for message in dispatcher.messages]
    finally:
        await runner.cleanup()


@pytest.mark.asyncio
async def test_a_sure_result_is_shown_as_the_answer(monkeypatch):
    reply = {"confident": True, "suggested": True, "confidence": 0.93, "results": [RESULT]}
    assert await responses_to(monkeypatch, reply) == ["utter_kb_answer", "utter_ask_solved"]


@pytest.mark.asyncio
async def test_a_likely_result_is_offered_as_something_that_may_help(monkeypatch):
    reply = {"confident": False, "suggested": True, "confidence": 0.5, "results": [RESULT]}
    assert await responses_to(monkeypatch, reply) == ["utter_kb_suggestion", "utter_ask_solved"]


@pytest.mark.asyncio
async def test_an_unlikely_result_is_not_shown(monkeypatch):
    reply = {"confident": False, "suggested": False, "confidence": 0.1, "results": [RESULT]}
    assert await responses_to(monkeypatch, reply) == ["utter_kb_not_found"]
