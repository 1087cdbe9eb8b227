"""How search results become chat messages."""

import json

from rasa_sdk.executor import CollectingDispatcher

from actions.answer_messages import answer_kwargs, open_article_button, remembered, show_best_answer, snippet

RESULT = {
    "article_id": "es-soporte-contacto-telefonos",
    "section_id": "telefonos",
    "title": "Guía de contacto",
    "section": "¿Cuáles son los teléfonos de Soporte Protheus para cada país del Mercado Internacional?",
    "text": "Argentina: +54 11 5295 9300",
    "url": "https://kb.example.com/es/soporte-contacto-telefonos",
    "score": 0.9,
}


def test_short_sections_are_shown_whole_without_blank_lines():
    assert snippet("Linha um.\n\nLinha dois.") == "Linha um.\nLinha dois."


def test_long_sections_are_cut_at_a_boundary_and_marked():
    text = "palavra " * 200
    cut = snippet(text, limit=100)
    assert len(cut) <= 102 and cut.endswith(" …")
    assert not cut[:-2].endswith("palavr")


def test_a_result_becomes_a_quick_reply_that_opens_its_section():
    button = open_article_button(RESULT)
    assert len(button["title"]) <= 60 and button["title"].endswith("…")
    intent, entities = button["payload"].split("{", 1)
    assert intent == "/open_article"
    assert json.loads("{" + entities) == {"article_id": RESULT["article_id"], "section_id": "telefonos"}


def test_the_answer_template_gets_title_section_snippet_and_link():
    kwargs = answer_kwargs(RESULT["title"], RESULT["section"], RESULT["text"], RESULT["url"])
    assert kwargs["snippet"] == "Argentina: +54 11 5295 9300"
    assert kwargs["url"] == RESULT["url"]


def test_only_what_is_needed_to_offer_a_result_again_is_remembered():
    assert remembered([RESULT]) == [
        {
            "article_id": RESULT["article_id"],
            "section_id": "telefonos",
            "title": RESULT["title"],
            "section": RESULT["section"],
        }
    ]


def test_the_shown_answer_leads_with_the_lines_that_answer():
    long_section = "Soporte atiende en 4 países.\n\n- Argentina: +54 11 5295 9300\n- México: 442 1-03-06-00"
    answer = "- México: 442 1-03-06-00\nSoporte atiende en cuatro países. - Argentina: +54 11 5295 9300"
    dispatcher = CollectingDispatcher()
    show_best_answer(dispatcher, {"results": [{**RESULT, "text": long_section, "answer": answer}]})
    assert dispatcher.messages[0]["snippet"].startswith("- México: 442 1-03-06-00")


def test_text_the_loaders_escaped_as_markdown_reads_as_the_author_wrote_it():
    escaped = "\\# 1 do ranking de chamados\nUse a tag \\<div> e o campo A1\\_COD \\| B1\\_COD."
    assert snippet(escaped) == "# 1 do ranking de chamados\nUse a tag <div> e o campo A1_COD | B1_COD."
