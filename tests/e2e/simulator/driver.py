"""The simulated customer in a conversation: reads each bot turn, decides what a person would say."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import uuid4

from tests.e2e.simulator.answers import Voice
from tests.e2e.simulator.personas import Behaviour, Conversation
from tests.e2e.simulator.recognise import FIELDS, Reading, recognise
from tests.e2e.simulator.results import ConversationResult, Move, Turn
from tests.e2e.simulator.text import fold

MAX_MESSAGES = 30
STUCK_REPEATS = 3
INTERRUPTIONS = ("kb_question", "handoff_midform", "cancel_resume", "cancel_restart", "give_up")
Say = Callable[[str, str, dict[str, Any] | None], list[dict[str, Any]]]


class Customer:
    """Decides the next message from the persona, the behaviours still to play and what the bot said."""

    def __init__(self, conversation: Conversation) -> None:
        self.conversation = conversation
        self.persona = conversation.persona
        self.voice = Voice(self.persona, conversation.id)
        self.done: set[str] = set()
        self.wrong_first = {
            b.field: b.wrong
            for b in conversation.behaviours
            if b.kind in ("correction", "change_mind") and b.field and b.wrong and b.at != "opening"
        }
        # A wrong detail said in the opening itself is corrected at the first question.
        self.to_correct: Behaviour | None = next(
            (b for b in conversation.behaviours if b.kind == "correction" and b.at == "opening"), None
        )
        self.editing: str | None = None
        self.cancelling: str | None = None
        self.last_answer: Move | None = None
        self.owes_thanks = False  # a knowledge question was asked mid-form: "ok, thanks" to its answer
        self.change_attempts = 0
        self.confirm_asks = 0
        self.cancel_retries = 0
        self.typed_confirm = False
        self.summary_buttons: list[str] = []
        self.stop_reason = "ended"

    def opening(self) -> Move:
        c, voice = self.conversation, self.voice
        if c.has("out_of_scope_first") or c.opening == "out_of_scope":
            self.done.add("out_of_scope_first")
            return Move(voice.phrase("out_of_scope"), "out_of_scope_first" if c.expect == "ticket" else None)
        if c.opening == "handoff":
            return Move(voice.phrase("handoff"))
        if c.opening == "rich" and c.opening_text:
            return Move(c.opening_text)
        return Move(voice.phrase("plain_opening"))

    def tap(self, reading: Reading, *payloads: str, force: bool = False) -> str | None:
        """The payload of a button that fits, when this persona taps buttons (or typing failed)."""
        if "taps" not in self.persona.style and not force:
            return None
        return next((p for wanted in payloads for p in reading.payloads() if p == wanted), None)

    def stop(self, reason: str) -> Move | None:
        """End the conversation here (no more messages)."""
        self.stop_reason = reason
        return None

    def next(self, reading: Reading) -> Move | None:
        c, voice = self.conversation, self.voice
        if reading.has("cancelled"):
            if self.cancelling == "cancel_restart" and "restart" not in self.done:
                self.done.add("restart")
                self.cancelling = None
                return Move(voice.phrase("plain_opening"), "restart")
            return self.stop("cancelled")
        insist = self.cancelling in ("cancel_restart", "give_up") and self.cancel_retries < 2
        if insist and not reading.has("cancel_confirm"):  # the bot went on as if nothing was said
            self.cancel_retries += 1
            return Move(self.tap(reading, "/cancel", force=True) or voice.phrase("cancel"), self.cancelling)
        if reading.has("cancel_confirm"):
            self.confirm_asks += 1
            force = self.confirm_asks > 1  # typing did not work: tap the button
            if self.cancelling in ("cancel_restart", "give_up"):
                return Move(
                    self.tap(reading, "/affirm", force=force) or voice.phrase("yes_cancel"), "cancel_answer"
                )
            return Move(
                self.tap(reading, "/deny", force=force) or voice.phrase("no_continue"), "cancel_answer"
            )
        self.confirm_asks = 0
        summary = reading.has("summary")
        if summary:
            self.summary_buttons = reading.payloads()
        if move := self.interruption(reading, summary):
            return move
        if summary:
            change = c.behaviour("change_mind")
            if change and change.field and "change_mind" not in self.done:
                self.done.add("change_mind")
                self.editing = change.field
                return Move(voice.change(change.field), "change_mind")
            if self.editing and self.change_attempts < 3:  # not understood: tap "change a detail"
                self.change_attempts += 1
                tapped = self.tap(reading, "/edit_ticket", "/deny", force=True)
                return Move(tapped or voice.change(self.editing), "change_mind")
            if self.typed_confirm:  # typing "yes" did not open it: tap the confirm button
                return Move(self.tap(reading, "/affirm", force=True) or voice.phrase("confirm"))
            tapped = None if c.has("confirm_text") else self.tap(reading, "/affirm")
            self.typed_confirm = tapped is None
            return Move(tapped or voice.phrase("confirm"))
        if reading.has("edit_which") and self.editing and not reading.asked:
            wanted = [b["payload"] for b in reading.buttons if self.editing in b["payload"]]
            return Move(wanted[0] if wanted else voice.change(self.editing), "change_mind")
        if reading.has("deflection") and not reading.asked:
            if c.has("deny_text"):
                return Move(voice.phrase("not_solved"))
            return Move(self.tap(reading, "/open_ticket", "/deny") or voice.phrase("not_solved"))
        if reading.asked:
            return self.answer(reading)
        return self.reply_outside_form(reading)

    def interruption(self, reading: Reading, summary: bool) -> Move | None:
        c, voice = self.conversation, self.voice
        for kind in INTERRUPTIONS:
            b = c.behaviour(kind)
            if b and kind not in self.done and (b.at in reading.asked or (b.at == "summary" and summary)):
                self.done.add(kind)
                if kind == "kb_question":
                    self.owes_thanks = True
                    return Move(b.text or voice.phrase("kb_question"), kind)
                if kind == "handoff_midform":
                    return Move(voice.phrase("handoff"), kind)
                self.cancelling = kind
                return Move(voice.phrase("give_up" if kind == "give_up" else "cancel"), kind)
        due = self.to_correct
        if due and due.field and (reading.asked or summary) and (due.at != "summary" or summary):
            self.to_correct = None
            return Move(voice.correction(due.field, self.persona.value(due.field) or ""), "correction")
        return None

    def answer(self, reading: Reading) -> Move:
        c, voice = self.conversation, self.voice
        fields = [f for f in reading.asked if f in FIELDS]
        values = {f: self.persona.value(f) for f in fields}
        deliberate: str | None = "change_mind" if self.editing in fields else None
        if self.editing in fields:
            self.editing = None
        for f in fields:
            if f in self.wrong_first:
                values[f] = self.wrong_first.pop(f)
                correction = c.behaviour("correction")
                if correction and correction.field == f:
                    self.to_correct = correction
        text = voice.answer(fields, values)
        last = self.last_answer
        again = bool(last and not deliberate and set(fields) <= set(last.answered))
        if again:  # asked again: say it plainly
            text = voice.plain(fields, values)
        bad_answers = (
            ("contact_email", "bad_email", voice.bad_email),
            ("company_code", "bad_company", voice.bad_company),
        )
        for f, kind, bad in bad_answers:
            if f in fields and c.has(kind) and kind not in self.done:
                self.done.add(kind)
                deliberate = kind
                others = [x for x in fields if x != f]
                text = bad() if not others else voice.answer(others, values) + ", " + bad()
        button = self.choose_button(reading, fields, values, force=again)
        move = Move(button or text, deliberate, tuple(fields))
        if not deliberate:
            self.last_answer = move
        return move

    def choose_button(
        self, reading: Reading, fields: list[str], values: dict[str, str | None], force: bool = False
    ) -> str | None:
        """Tap the option that says the persona's answer (levels, environment, "no attachments")."""
        if ("taps" not in self.persona.style and not force) or len(fields) != 1 or not reading.buttons:
            return None
        f, value = fields[0], values[fields[0]]
        if f == "attachments" and not value:
            words = {"nao", "no", "none", "sem", "sin"}
        elif f in ("impact", "urgency", "environment") and value:
            words = {fold(self.voice.value_words(f, value)), value}
        else:
            return None
        for button in reading.buttons:
            said = set(fold(button["title"]).replace("-", " ").split()) | {fold(button["payload"])}
            if said & words and not button["payload"].startswith("/"):
                return button["payload"]
        return None

    def reply_outside_form(self, reading: Reading) -> Move | None:
        c, voice = self.conversation, self.voice
        wants_ticket = c.expect == "ticket" or (c.expect == "cancelled" and not self.cancelling)
        if reading.has("solved_question"):
            if self.owes_thanks:
                self.owes_thanks = False
                return Move(voice.phrase("thanks"), "kb_question")
            if wants_ticket:
                return Move(voice.phrase("not_solved"))
        if reading.has("offer_ticket") and wants_ticket:
            deliberate = "handoff_accept" if c.opening == "handoff" else None
            return Move(self.tap(reading, "/open_ticket") or voice.phrase("plain_opening"), deliberate)
        if reading.has("handoff") and c.expect == "handoff":
            return self.stop("handoff")
        if c.expect == "out_of_scope" and not reading.silent:
            return self.stop("out_of_scope")
        if c.expect == "handoff" or c.expect == "out_of_scope":
            return self.stop("ended")
        if "out_of_scope_first" in self.done and "opened" not in self.done:
            self.done.add("opened")
            return Move(voice.phrase("plain_opening"))
        if self.editing and self.change_attempts < 3:  # scroll up and tap "change a detail"
            self.change_attempts += 1
            edit = [p for p in self.summary_buttons if p in ("/edit_ticket", "/deny")]
            return Move(edit[0] if edit else voice.change(self.editing), "change_mind")
        if reading.has("not_understood") and self.last_answer:
            return self.last_answer
        return Move(voice.phrase("nudge"))


def _key(turn: Turn) -> tuple[str, ...]:
    if turn.reading.has("cancel_confirm"):
        return ("cancel_confirm",)
    return turn.reading.asked or (("summary",) if turn.reading.has("summary") else ())


def _stuck(turns: list[Turn]) -> bool:
    """The same question 3 times in a row; a re-ask a deliberate move caused is forgiven once."""
    plain = streak = 0
    for previous, turn in zip([None, *turns], turns, strict=False):
        if previous is None or not _key(turn) or _key(turn) != _key(previous):
            plain = streak = 1
            continue
        streak += 1
        plain += 0 if turn.deliberate and turn.deliberate != "cancel_answer" else 1
    return plain >= STUCK_REPEATS or streak > STUCK_REPEATS


def run_conversation(say: Say, conversation: Conversation) -> ConversationResult:
    customer = Customer(conversation)
    result = ConversationResult(conversation, sender=f"sim-{conversation.id}-{uuid4().hex[:6]}")
    move: Move | None = customer.opening()
    metadata = (
        {"language": conversation.persona.language}
        if "browser_language" in conversation.persona.style
        else None
    )
    while move is not None:
        reading = recognise(say(result.sender, move.text, metadata if not result.turns else None))
        result.turns.append(Turn(move.text, reading, move.deliberate, move.answered))
        if reading.ticket_number is not None:
            result.outcome, result.ticket_number = "created", reading.ticket_number
            break
        if _stuck(result.turns):
            result.outcome = "stuck"
            break
        if len(result.turns) >= MAX_MESSAGES:
            result.outcome = "limit"
            break
        move = customer.next(reading)
        if move is None:
            result.outcome = customer.stop_reason
    return result
