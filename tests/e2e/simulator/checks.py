"""Outcome checks: the ticket in the API holds what the customer said; the bot spoke their language."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from lingua import Language as LinguaLanguage
from lingua import LanguageDetector, LanguageDetectorBuilder

from tests.e2e.simulator.personas import Persona
from tests.e2e.simulator.recognise import PHONE
from tests.e2e.simulator.results import ConversationResult
from tests.e2e.simulator.text import EMAIL, URL, content_words, fold, words

REQUEST_WORDS = re.compile(
    r"\b(abrir|abre|abra|open|registrar|registra|levantar|crear|create|log|raise|file)\s+"
    r"(um |un |una |a |an )?(novo |nuevo |new )?(support )?(chamado|ticket|caso|case|incidente|incident)\b"
)
# Module names a ticket may carry for what the customer said in their language.
MODULE_ALIASES = [
    {"faturamento", "facturacion", "invoicing", "billing"},
    {"financeiro", "financiero", "finance", "financas", "finanzas"},
    {"compras", "purchasing"},
    {"estoque", "inventario", "inventory", "stock"},
    {"fiscal", "tax", "impuestos", "sped"},
    {"contabilidade", "contabilidad", "accounting"},
    {"folha de pagamento", "nomina", "payroll", "folha"},
    {"check-in", "checkin", "reservas", "reservations"},
    {"licenciamento", "licencias", "licensing", "license server"},
]
LINGUA = {"pt-BR": LinguaLanguage.PORTUGUESE, "es": LinguaLanguage.SPANISH, "en": LinguaLanguage.ENGLISH}
MIN_WORDS = 6
QUOTED = re.compile(r"[\"“«'][^\"”»']{1,300}[\"”»']")


def _same_module(said: str, stored: str) -> bool:
    a, b = fold(said), fold(stored)
    if a in b or b in a:
        return True
    return any(any(x in a for x in group) and any(x in b for x in group) for group in MODULE_ALIASES)


def check_ticket(result: ConversationResult, ticket: dict[str, Any]) -> list[str]:
    p = result.conversation.persona
    problems: list[str] = []

    def expect(ok: bool, what: str, got: Any) -> None:
        if not ok:
            problems.append(f"ticket {what}: got {got!r}")

    expect(
        fold(p.name) in fold(ticket["contact_name"]),
        f"contact_name should hold {p.name!r}",
        ticket["contact_name"],
    )
    expect(
        ticket["contact_email"] == p.email.lower(),
        f"contact_email should be {p.email.lower()!r}",
        ticket["contact_email"],
    )
    expect(
        fold(p.company) == fold(ticket["company_code"]),
        f"company_code should be {p.company!r}",
        ticket["company_code"],
    )
    expect(fold(p.product) in fold(ticket["product"]), f"product should be {p.product!r}", ticket["product"])
    expect(_same_module(p.module, ticket["module"]), f"module should be {p.module!r}", ticket["module"])
    expect(p.version in ticket["version"], f"version should hold {p.version!r}", ticket["version"])
    expect(
        ticket["environment"] == p.environment,
        f"environment should be {p.environment}",
        ticket["environment"],
    )
    expect(ticket["impact"] == p.impact, f"impact should be {p.impact}", ticket["impact"])
    expect(ticket["urgency"] == p.urgency, f"urgency should be {p.urgency}", ticket["urgency"])
    expect(ticket["language"] == p.language, f"language should be {p.language}", ticket["language"])
    summary = str(ticket.get("summary") or "")
    expect(len(summary.strip()) >= 5, "summary should not be empty", summary)
    expect(
        not REQUEST_WORDS.search(fold(summary)),
        "summary should be about the problem, not the request",
        summary,
    )
    problem_words = content_words(
        " ".join([p.summary, p.description, result.conversation.opening_text or ""])
    )
    expect(bool(content_words(summary) & problem_words), "summary should be about the problem", summary)
    said = {t.sent.strip() for t in result.turns if not t.sent.startswith("/")}
    kept = {
        str(line["text"]).strip() for line in ticket.get("transcript") or [] if line.get("role") == "user"
    }
    missing = sorted(said - kept)
    expect(not missing, "transcript should hold every customer message; missing", missing)
    return problems


def check_no_ticket(result: ConversationResult) -> list[str]:
    problems = [f"no ticket expected, {result.new_tickets} created"] if result.new_tickets else []
    last = result.turns[-1].reading if result.turns else None
    expect = result.conversation.expect
    if expect == "handoff" and not any(PHONE.search(t.reading.text) for t in result.turns):
        problems.append("a request for a person should get a phone number")
    if expect == "out_of_scope" and (last is None or last.silent or last.has("kb_answer")):
        problems.append("an out-of-scope message should get a polite answer, not silence or an article")
    if expect == "cancelled" and not any(t.reading.has("cancelled") for t in result.turns):
        problems.append("the bot never said the ticket was cancelled")
    return problems


@lru_cache(maxsize=1)
def _detector() -> LanguageDetector:
    return LanguageDetectorBuilder.from_languages(*LINGUA.values()).build()


def _own_words(text: str, persona: Persona, said: list[str]) -> str:
    """The bot's own words: no links, e-mails, quotes, the customer's words, lists or summary values."""
    if re.match(r"\s*(encontrei isto|encontre esto|i found this)", fold(text)):
        return ""  # an article: its title and snippet may be in another language
    lines = [line.split(":", 1)[0] if line.lstrip().startswith("•") else line for line in text.splitlines()]
    text = "\n".join(line for line in lines if not line.lstrip().startswith("-"))
    text = QUOTED.sub(" ", EMAIL.sub(" ", URL.sub(" ", text)))
    for value in [
        *said,
        persona.name,
        persona.summary,
        persona.description,
        persona.module,
        persona.since_when,
    ]:
        if value:
            text = re.sub(re.escape(value), " ", text, flags=re.IGNORECASE)
    return text


def check_languages(result: ConversationResult) -> list[str]:
    persona = result.conversation.persona
    said = sorted({t.sent for t in result.turns}, key=len, reverse=True)
    problems = []
    for number, turn in enumerate(result.turns, 1):
        for text in turn.reading.texts:
            own = _own_words(text, persona, said)
            if len(words(own)) < MIN_WORDS:
                continue
            values = _detector().compute_language_confidence_values(own)
            best = values[0]
            if best.language != LINGUA[persona.language] and best.value >= 0.7:
                problems.append(
                    f"turn {number}: bot spoke {best.language.name.lower()}, "
                    f"not {persona.language}: {text[:90]!r}"
                )
    return problems
