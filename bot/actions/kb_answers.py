"""Actions that answer from the knowledge base: search, show an article, offer others, mark solved.

Business rules live in the API; these only call it and phrase the reply.
"""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.answer_messages import answer_kwargs, open_article_button, remembered, show_best_answer
from actions.conversation import already_answered, last_article_shown, remind_privacy
from actions.customer_identity import support_api
from actions.event_reporting import report
from actions.pending_replies import pending_reply
from shared.languages import api_language
from shared.support_api import SupportApi, SupportApiError

log = logging.getLogger(__name__)
RESULTS_SHOWN = 3


class ActionSearchKnowledge(Action):
    """Answer the user's message with the best knowledge-base section, or say nothing reliable was found.

    It is also what the bot does with any message it cannot place (NLU and dialog fallbacks): search
    first, and say it did not understand only when the knowledge base has nothing either. A message
    that reports a problem and asks for a ticket starts the ticket dialog instead.
    """

    def name(self) -> Text:
        return "action_search_knowledge"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        remind_privacy(dispatcher, tracker)
        question = (tracker.latest_message.get("text") or "").strip()
        if already_answered(tracker):
            # Predicted as the fallback after a reply was already given this turn: wait for the customer.
            return [FollowupAction("action_listen")]
        if tracker.active_loop_name == "ticket_form":
            # A rule took an answer of the form for a question ("https://…" read as one): the form
            # has the answer already and goes on with it.
            return [FollowupAction("ticket_form")]
        answer_to_question = pending_reply(tracker)
        if answer_to_question is not None:
            return answer_to_question
        api = support_api(tracker)
        try:
            if question and not question.startswith("/") and (await api.extract(question))["wants_ticket"]:
                return [SlotSet("problem_text", question), FollowupAction("action_start_ticket")]
            found = await self._search(api, question, api_language(tracker.get_slot("language")))
        except SupportApiError as exc:
            log.error("knowledge search failed: %s", exc)
            dispatcher.utter_message(response="utter_kb_unavailable")
            return []
        answered = bool(found and found["confident"] and found["results"])
        # Below confident but likely enough: offered as something that may help, not as the answer.
        suggested = bool(found and found.get("suggested") and found["results"]) and not answered
        if question and found is not None:
            await report(
                tracker, "question", question=question, confident=answered,
                product=found["results"][0]["product"] if answered else None,
                articles=[{"article_id": r["article_id"], "score": r["score"]} for r in found["results"]],
            )  # fmt: skip
        if not found or not (answered or suggested):
            understood = (tracker.latest_message.get("intent") or {}).get("name") == "ask_support"
            dispatcher.utter_message(response="utter_kb_not_found" if understood else "utter_not_understood")
            return [SlotSet("kb_results", []), SlotSet("problem_text", question)]
        others = found["results"][1:]
        shown = show_best_answer(dispatcher, found, "utter_kb_suggestion" if suggested else "utter_kb_answer")
        if others:
            dispatcher.utter_message(
                response="utter_kb_more", buttons=[open_article_button(r) for r in others]
            )
        dispatcher.utter_message(response="utter_ask_solved")
        return [
            SlotSet("kb_results", remembered(others)),
            SlotSet("problem_text", question),
            SlotSet("deflected", True),
            SlotSet("kb_shown", [*(tracker.get_slot("kb_shown") or []), shown]),
        ]

    @staticmethod
    async def _search(api: SupportApi, question: str, lang: Optional[str]) -> Optional[Dict[str, Any]]:
        """Prefer articles in the user's language; every language when that answers with more confidence."""
        if not question:
            return None
        found = await api.search(question, k=RESULTS_SHOWN, lang=lang)
        if lang is not None and not found["confident"]:
            everywhere = await api.search(question, k=RESULTS_SHOWN)
            if everywhere["confident"] or not found.get("suggested"):
                found = everywhere
        return found


class ActionShowArticle(Action):
    """Show the section a quick-reply button points at."""

    def name(self) -> Text:
        return "action_show_article"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        article_id = next(tracker.get_latest_entity_values("article_id"), None)
        section_id = next(tracker.get_latest_entity_values("section_id"), None)
        if not article_id:
            dispatcher.utter_message(response="utter_default")
            return []
        try:
            article = await support_api(tracker).article(article_id)
        except SupportApiError as exc:
            log.error("article lookup failed: %s", exc)
            dispatcher.utter_message(response="utter_kb_unavailable")
            return []
        sections = article["sections"]
        section = next((s for s in sections if s["id"] == section_id), sections[0])
        dispatcher.utter_message(
            response="utter_kb_answer",
            **answer_kwargs(article["title"], section["heading"], section["text"], article["url"]),
        )
        dispatcher.utter_message(response="utter_ask_solved")
        remaining = [r for r in tracker.get_slot("kb_results") or [] if r["article_id"] != article_id]
        shown = {
            "article_id": article_id,
            "title": article["title"],
            "url": article["url"],
            "outcome": "not_solved",
        }
        return [
            SlotSet("kb_results", remaining),
            SlotSet("kb_shown", [*(tracker.get_slot("kb_shown") or []), shown]),
        ]


class ActionOfferAlternatives(Action):
    """After "it did not help": offer the other results, then say a ticket can be opened."""

    def name(self) -> Text:
        return "action_offer_alternatives"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        await report(tracker, "feedback", article_id=last_article_shown(tracker), solved=False)
        others = tracker.get_slot("kb_results") or []
        if others:
            dispatcher.utter_message(
                response="utter_kb_alternatives", buttons=[open_article_button(r) for r in others]
            )
        dispatcher.utter_message(response="utter_offer_ticket")
        return []


class ActionMarkSolved(Action):
    """ "It solved it": thank the user and record which article did it."""

    def name(self) -> Text:
        return "action_mark_solved"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        await report(tracker, "feedback", article_id=last_article_shown(tracker), solved=True)
        dispatcher.utter_message(response="utter_glad_solved")
        shown = tracker.get_slot("kb_shown") or []
        if not shown:
            return []
        return [SlotSet("kb_shown", [*shown[:-1], {**shown[-1], "outcome": "solved"}])]
