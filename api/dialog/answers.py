"""Reading one answer of the ticket dialog: the field asked, and whatever else the answer states.

The dialog asks some details together ("name and e-mail", "product, module and version") and a
customer often says more than was asked; every detail found is kept, so nothing is asked twice.

Usage::

    read_answer("contact_name", "Ana Souza, ana@acme.com", "pt-BR", filled=set())
    # AnswerReading(values={"contact_name": "Ana Souza", "contact_email": "ana@acme.com"}, problem=None)
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from api.dialog.extraction import EMAIL, VERSION, extract_fields
from api.dialog.problem import read_problem, severity_words
from api.dialog.rules import FieldCheck, check_field, folded_words, match_table, rules_data

# Words around a name that are not the name ("meu nome é Ana", "soy Ana y mi correo es …").
_NAME_FILLERS = {
    "meu", "minha", "mi", "my", "nome", "nombre", "name", "email", "e-mail", "correo", "mail", "electronico",
    "é", "e", "es", "is", "sou", "soy", "me", "chamo", "llamo", "am", "i'm", "eu", "y", "and", "o",
}  # fmt: skip
_LETTERS = re.compile(r"[^\W\d_]")
# A customer code inside a sentence: letters with digits ("T40922") or a long number ("40922").
_CODE = re.compile(r"(?=[A-Za-z._-]*\d)(?=\d*[A-Za-z])[A-Za-z0-9._-]{2,40}|\d{4,40}")
_DOTTED_NUMBER = re.compile(r"\b\d{1,2}(?:\.\d{1,4})+\b")  # "11.8" answering "which version?"
# Details taken from an answer to another question only when the customer's words leave no doubt.
_FREE_TEXT_FIELDS = ("description", "summary")


@dataclass(frozen=True)
class AnswerReading:
    values: dict[str, Any] = field(default_factory=dict)  # valid, normalised values to keep
    problem: FieldCheck | None = None  # why the answer to the asked field was refused


def read_answer(asked: str, text: str, language: str, filled: set[str]) -> AnswerReading:
    """Check the answer to ``asked``; also keep other details it states that are not ``filled`` yet."""
    if asked == "contact_name":
        reading = _contact(text, language)
    elif asked == "product":
        reading = _product(text, language, filled)
    else:
        check = check_field(asked, _the_value_in(asked, text), language)
        reading = AnswerReading({asked: check.value} if check.valid else {}, None if check.valid else check)
    values = dict(reading.values)
    if asked in _FREE_TEXT_FIELDS:
        values.update({k: v for k, v in _also_stated(text).items() if k not in filled and k not in values})
        if asked == "description" and "summary" not in filled and "description" in values:
            summary = read_problem(text).summary
            if summary and check_field("summary", summary, language).valid:
                values["summary"] = summary
    return AnswerReading(values, reading.problem)


def _the_value_in(field: str, text: str) -> str:
    """ "o código é T40922", "mi correo es x@y.mx": the value inside a sentence, for short fields."""
    if field == "contact_email" and (email := EMAIL.search(text)):
        return email.group()
    if field == "company_code":
        codes = [w.strip(".,;:!") for w in text.split() if _CODE.fullmatch(w.strip(".,;:!"))]
        if len(codes) == 1 and len(text.split()) > 1:
            return codes[0]
    if field == "version" and (version := VERSION.search(text) or _DOTTED_NUMBER.search(text)):
        return version.group(1) if version.groups() and version.group(1) else version.group()
    return text


def _contact(text: str, language: str) -> AnswerReading:
    """Name and e-mail asked together: either, both, in any order."""
    values: dict[str, Any] = {}
    problem: FieldCheck | None = None
    email = EMAIL.search(text)
    rest = text
    if email:
        rest = text[: email.start()] + " " + text[email.end() :]
        check = check_field("contact_email", email.group(), language)
        if check.valid:
            values["contact_email"] = check.value
        else:
            problem = check
    elif "@" in text:  # an e-mail that is not one ("ana@acme"): say so rather than take it as a name
        word = next(w for w in text.split() if "@" in w)
        rest = text.replace(word, " ")
        problem = check_field("contact_email", word, language)
    name = _name_in(rest)
    if _LETTERS.search(name):
        check = check_field("contact_name", name, language)
        if check.valid:
            values["contact_name"] = check.value
        elif problem is None:
            problem = check
    elif not values and problem is None:
        problem = check_field("contact_name", text, language)
    return AnswerReading(values, problem)


def _name_in(text: str) -> str:
    """The name once fillers and separators are out; names keep their particles ("da Silva")."""
    words = text.replace(",", " ").replace(";", " ").replace(":", " ").replace("/", " ").split()
    kept = [w for w in words if w.casefold().strip(".-") not in _NAME_FILLERS]
    return " ".join(kept).strip(" .-")


def _product(text: str, language: str, filled: set[str]) -> AnswerReading:
    """Product, module and version asked together ("Protheus 12.1.2310, faturamento")."""
    found = extract_fields(text)
    values: dict[str, Any] = {k: found[k] for k in ("module", "version") if k in found and k not in filled}
    if "version" not in found and "version" not in filled and (number := _DOTTED_NUMBER.search(text)):
        values["version"] = number.group()  # a bare "11.8" next to the product is its version
    if "product" in found:
        return AnswerReading({**values, "product": found["product"]})
    # A product the rules do not list ("Logix") is taken as written, once the module and version are out.
    leftover = text
    for word in [found.get("version", ""), *_module_words(text)]:
        if word:
            leftover = re.sub(re.escape(word), " ", leftover, flags=re.IGNORECASE)
    leftover = " ".join(leftover.replace(",", " ").split())
    if len(_LETTERS.findall(leftover)) >= 2:
        check = check_field("product", leftover, language)
        if check.valid:
            return AnswerReading({**values, "product": check.value})
        return AnswerReading(values, check)
    if values:  # only the module or version: the product is asked again on its own
        return AnswerReading(values)
    return AnswerReading({}, check_field("product", text, language))


def _module_words(text: str) -> list[str]:
    """The words of ``text`` that named a module, as the customer wrote them."""
    modules = rules_data()["modules"]
    named = set(match_table(text, modules))
    synonyms = {word for module in named for word in modules[module]}
    return [w for w in text.replace(",", " ").split() if folded_words(w) and folded_words(w)[0] in synonyms]


def _also_stated(text: str) -> dict[str, Any]:
    """Details a free-text answer states beyond doubt: product, module, version, production, levels."""
    found = extract_fields(text)
    keys = ("product", "module", "version", "error_message", "since_when")
    stated: dict[str, Any] = {k: found[k] for k in keys if k in found}
    if found.get("environment") == "production":  # "teste" in a description is rarely the environment
        stated["environment"] = "production"
    stated.update(severity_words(text))
    return stated
