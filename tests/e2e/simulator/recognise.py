"""What the bot is saying: which details it asks for, and what else happened in its turn.

Works from the bot's text (pt-BR, es, en; accent- and case-insensitive) and its buttons, not from
response names, so it keeps working while the wording and the question order change.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from tests.e2e.simulator.text import URL, fold

FIELDS = (
    "contact_name", "contact_email", "company_code", "product", "module", "version", "environment",
    "summary", "description", "since_when", "impact", "urgency", "attachments",
)  # fmt: skip

# Keywords that name a detail in a question sentence (folded text).
FIELD_PATTERNS: dict[str, re.Pattern[str]] = {
    name: re.compile(pattern)
    for name, pattern in {
        "contact_name": r"\b(nome|nombre|name)\b(?!@)|como (voce )?se chama|como se llama|who am i",
        "contact_email": r"\be-?mail\b(?!@)|\bcorreo\b",
        "company_code": r"codigo (de |do |da )?(cliente|empresa|sua empresa|su empresa)|"
        r"(customer|company|client) (code|id|number)|codigo de la empresa|\bcodigo\b.*\bempresa\b",
        "product": r"\bprodut[oa]s?\b|\bproductos?\b|\bproducts?\b",
        "module": r"\bmodul[oe]s?\b|\brotina\b|\brutina\b|\broutine\b",
        "version": r"\bversao\b|\bversion\b|\brelease\b|\bversoes\b",
        "environment": r"\bambiente\b|\bentorno\b|\benvironment\b|\bproducao\b|\bproduccion\b|"
        r"\bproduction\b|\bhomologacao\b|\bpruebas\b",
        "summary": r"\bresum[oae]|\bresumen\b|\btitulo\b|\btitle\b|\bsummar|\bheadline\b",
        "description": r"\bdescrev|\bdescrib|\bdescricao\b|\bdescripcion\b|\bdescription\b|"
        r"mensagem de erro|mensaje de error|error message|passos para|pasos para|steps to|"
        r"o que aconteceu|que paso|what happened|o que voce fazia|que estaba haciendo",
        "since_when": r"desde quando|desde cuando|since when|how long|ha quanto tempo|hace cuanto|"
        r"quando (isso )?comecou|cuando empezo|when did (it|this|the problem) start",
        "impact": r"\bimpact",
        "urgency": r"\burgen",
        "attachments": r"\banexos?\b|\badjuntos?\b|\battach|\bprints?\b|\bcapturas?\b|\bscreenshots?\b|"
        r"\blogs?\b|\barquivos?\b|\barchivos?\b|\bfiles?\b|\benlaces?\b",
    }.items()
}
# Sentences that ask although they have no question mark.
IMPERATIVE = re.compile(
    r"^(descreva|descreve|describa|describe|resuma|resume|summari[sz]e|informe|indique|diga|digite|"
    r"escreva|escriba|write|tell|conte|cuente|envie|envia|send|share|compartilhe|comparta|please|"
    r"por favor|agora|ahora|now|provide|forneca|proporcione|selecione|seleccione|select|choose|"
    r"escolha|elija|pick|type|confirme|confirm|me (diga|passe|informe)|give|dime|digame)\b"
)
ABBREVIATIONS = re.compile(r"\b(e\.g|ex|ej|i\.e|p\. ?ex|etc|vs)\.", re.IGNORECASE)

SIGNALS: dict[str, re.Pattern[str]] = {
    name: re.compile(pattern)
    for name, pattern in {
        "not_understood": r"nao entendi|no entendi|didn'?t (understand|get)|did not (understand|get)|"
        r"nao compreendi|no comprendi|not sure what you mean",
        # A similar open ticket is pointed out with its summary quoted: an echo, not a question.
        "similar": r"ja tem o chamado #|ya tiene el ticket #|already have ticket #",
        "invalid": r"(esse|ese|that) valor|that value|\bvalue for\b|nao parece|no parece|does not look|"
        r"doesn'?t look|invalid|invalido|nao e valido|no es valido|is not valid",
        "cancel_confirm": r"(quer|quiere|want) (mesmo|realmente|really)? ?(cancelar|to cancel)|"
        r"seguro que quiere cancelar|really want to cancel|confirma o cancelamento|confirm.* cancel",
        "cancelled": r"\bcancelei\b|lo cancele|\bcancelled\b|\bcanceled\b|foi cancelad|fue cancelad",
        "handoff": r"falar com uma pessoa|hablar con una persona|talk to a person|atendimento humano|"
        r"atencion humana|human agent|pessoa do suporte|persona de soporte|person at",
        "kb_answer": r"^(encontrei isto|encontre esto|i found this)|artigo completo|articulo completo|"
        r"full article",
        "kb_not_found": r"nao encontrei nada|no encontre nada|found nothing|nothing reliable",
        "out_of_scope": r"so consigo ajudar|solo puedo ayudar|can only help|fora do (meu )?escopo|"
        r"fuera de(l)? (mi )?alcance|outside (my|what)",
        "solved_question": r"(isso|isto|esto|this|that|it) (lo )?(resolve|resolveu|resuelve|resolvio|"
        r"solves?|solved|help(ed)?)|resolveu o seu problema|resolvio su problema|solve your problem|"
        r"(resolveu|resolvio|ajudou|ayudo|did (it|this|that) (solve|help))\s*\?",
        "offer_ticket": r"(posso|puedo|can i|i can) (abrir|open|registrar|register) (um|un|a) "
        r"(chamado|ticket|caso)|abrir (o|el) (chamado|ticket) agora|open (the|a) ticket now",
        "updated": r"\batualizei\b|\bactualice\b|\bi updated\b|\bupdated\b|\bcorrigi\b|\bcorregi\b",
        "prefilled": r"ja anotei|ya anote|already noted|i'?ve noted|ja tenho|ya tengo|i already have",
        "edit_which": r"(qual|que|which) (dado|dato|detail|field|campo|informacao|informacion)",
        "resumed": r"voltando ao chamado|volviendo al ticket|back to the ticket|continuando|continuing",
        "failed": r"nao consegui abrir|no pude abrir|couldn'?t open|could not open",
        "glad_solved": r"que bom que resolveu|que bueno que se resolvio|glad (that )?(it |this )?solved",
        "explanation": r"identifica quem|identifica quien|tells the support analyst|suporte responde e pede|"
        r"soporte responde y pide|support answers and asks|liga o chamado|vincula el ticket|"
        r"links the ticket|leva o chamado|lleva el ticket|routes the ticket|onde simular|donde simular|"
        r"where to reproduce|comportamento muda|comportamiento cambia|behaviour changes|pesa mais|"
        r"pesa mas|weighs more|vira o titulo|sera el titulo del ticket, para|ticket title, so|"
        r"analisa sem devolver|"
        r"analiza sin devolver|without sending the ticket back|ajuda a ligar|ayuda a relacionar|"
        r"helps link|e calculada pel|se calcula con|is calculated from|mostram o erro|muestran el error|"
        r"show the error exactly",
    }.items()
}
CREATED = re.compile(
    r"(chamado|ticket|caso|case|incidente|incident)\s*(n[ro.o]*\s*|numero\s*|number\s*)?#?\s*(\d{1,9})"
    r"[^.\n]{0,40}?\b(aberto|abierto|opened|open|criado|creado|created|registrado|registered)\b|"
    r"\b(abri|abrimos|criei|cree|registrei|registre|opened|created)\b[^.\n]{0,30}?#\s*(\d{1,9})"
)
NOT_CREATED = re.compile(r"ja tem|ya tiene|already have|adicionei|agregue|i added")
SUMMARY = re.compile(
    r"confira o chamado|revise o chamado|revise el ticket|check the ticket|antes de abrir|"
    r"before (i|we) open|resumo do chamado|resumen del ticket|ticket summary|esta correto|esta correcto|"
    r"is (this|that|everything) correct|posso abrir|puedo abrir(lo)?\?|shall i open|can i open it"
)
PHONE = re.compile(r"(?<![\d.,/:])\+?\d[\d() -]{6,}\d(?![\d.,/:])")


@dataclass
class Reading:
    """One bot turn, understood."""

    texts: list[str]
    buttons: list[dict[str, str]]
    asked: tuple[str, ...] = ()
    signals: set[str] = field(default_factory=set)
    invalid_fields: tuple[str, ...] = ()
    ticket_number: int | None = None

    @property
    def silent(self) -> bool:
        return not any(text.strip() for text in self.texts)

    def has(self, *names: str) -> bool:
        return any(name in self.signals for name in names)

    def payloads(self) -> list[str]:
        return [button["payload"] for button in self.buttons]

    @property
    def text(self) -> str:
        return "\n".join(self.texts)


def sentences(text: str) -> list[str]:
    """Split a message into sentences; "ex.:", "e.g." and "?" inside parentheses do not split."""
    protected = ABBREVIATIONS.sub(lambda m: m.group().replace(".", "\u2024"), text)
    out: list[str] = []
    for line in protected.splitlines():
        out += [part.strip() for part in re.split(r"(?<=[?!])\s+|(?<=\.)\s+(?=[¿¡A-ZÁÉÍÓÚ\"“])", line)]
    return [sentence.replace("\u2024", ".") for sentence in out if sentence]


REQUEST = re.compile(
    r"\b(preciso|precisamos|necesito|necesitamos|i need|we need|i'?ll need)\b.*\b(seu|sua|su|tu|your)\b"
)


def is_question(sentence: str) -> bool:
    folded = fold(sentence).lstrip("¿¡•*>: \"'“\u2013-")
    return (
        "?" in sentence
        or bool(IMPERATIVE.match(folded) or REQUEST.search(folded))
        or folded.rstrip().endswith(":")
    )


def fields_in(text: str) -> list[str]:
    folded = fold(URL.sub(" ", text))
    return [name for name, pattern in FIELD_PATTERNS.items() if pattern.search(folded)]


def _asked_in(text: str) -> list[str]:
    """Fields asked by one message; lines and sentences that only inform are left out."""
    folded = fold(text)
    if SIGNALS["kb_answer"].search(folded) or SIGNALS["kb_not_found"].search(folded):
        # an article's snippet, or "describe it in other words": not the ticket asking
        return []
    informative = ("prefilled", "updated", "explanation")
    echoes = (SIGNALS["prefilled"], SIGNALS["updated"])
    lines = [line for line in text.splitlines() if not any(e.search(fold(line)) for e in echoes)]
    asked: list[str] = []
    for sentence in sentences("\n".join(lines)):
        if is_question(sentence) and not any(SIGNALS[n].search(fold(sentence)) for n in informative):
            asked += fields_in(sentence)
    return asked


def _signals(folded: str, buttons: list[dict[str, str]]) -> set[str]:
    found = {name for name, pattern in SIGNALS.items() if pattern.search(folded)}
    payloads = {button.get("payload", "") for button in buttons}
    if "/open_ticket" in payloads and "solved_question" in found:
        found.add("deflection")
    if "/open_ticket" in payloads and "solved_question" not in found:
        found.add("offer_ticket")
    if "glad_solved" in found:
        found.discard("solved_question")
    if "failed" in found:
        found.discard("offer_ticket")
    return found


def _ticket_number(folded: str) -> int | None:
    if NOT_CREATED.search(folded):
        return None
    match = CREATED.search(folded)
    if not match:
        return None
    number = match.group(3) or match.group(6)
    return int(number) if number else None


def _is_summary(folded: str, payloads: set[str]) -> bool:
    labelled = len(fields_in(folded)) >= 5
    confirm_buttons = "/affirm" in payloads and bool(payloads & {"/deny", "/edit_ticket", "/cancel"})
    return labelled and (confirm_buttons or bool(SUMMARY.search(folded)))


def recognise(replies: list[dict[str, Any]]) -> Reading:
    texts = [str(reply.get("text") or "") for reply in replies]
    buttons = [
        {"title": str(b.get("title", "")), "payload": str(b.get("payload", ""))}
        for reply in replies
        for b in reply.get("buttons") or []
    ]
    reading = Reading(texts=texts, buttons=buttons)
    asked: list[str] = []
    invalid: list[str] = []
    for reply, text in zip(replies, texts, strict=True):
        folded = fold(text)
        own = [{"payload": str(b.get("payload", ""))} for b in reply.get("buttons") or []]
        number = _ticket_number(folded)
        if number is not None:
            reading.ticket_number = number
            reading.signals.add("created")
            continue
        if _is_summary(folded, {b["payload"] for b in own}):  # it echoes the customer: nothing else
            reading.signals.add("summary")
            continue
        echo = [
            name for name in ("kb_answer", "prefilled", "updated", "similar") if SIGNALS[name].search(folded)
        ]
        if echo and not own:  # an article or the customer's own words echoed: no other signal
            reading.signals |= set(echo)
        else:
            reading.signals |= _signals(folded, own)
        if SIGNALS["invalid"].search(folded) and not echo:
            invalid += fields_in(re.split(r"\(|:", folded, maxsplit=1)[0]) or fields_in(folded)[:1]
        message_asks = _asked_in(text)
        if message_asks:
            asked = list(dict.fromkeys(message_asks))  # the last message that asks is the question
    reading.invalid_fields = tuple(dict.fromkeys(invalid))
    reading.asked = tuple(asked) or reading.invalid_fields  # "invalid, send it again" asks it again
    return reading
