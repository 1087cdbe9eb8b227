"""Search behaviour: filters, one result per article, persistence and staleness."""

from __future__ import annotations

from knowledge.models import Article
from search.chunking import passages_of, split_paragraphs
from search.engine import SearchEngine
from search.lexical import BM25Index
from search.text import document_terms, fold, query_term_groups


def test_folding_ignores_case_and_accents() -> None:
    assert fold("Prévia da AÇÃO Dúvida") == "previa da acao duvida"


def test_a_spanish_word_meets_the_portuguese_stem_of_an_article() -> None:
    article_terms = set(document_terms("chamados pendentes", "pt-BR"))
    assert all(group & article_terms for group in query_term_groups("chamado pendente"))


def test_bm25_prefers_the_document_with_the_rare_words() -> None:
    index = BM25Index.build([["prazo", "chamad"], ["telefon", "argentin", "chamad"], ["chamad"]])
    scores = index.scores([{"telefon"}, {"chamad"}])
    assert scores.argmax() == 1
    assert index.coverage([{"telefon"}, {"argentin"}], 1) == 1.0
    assert index.coverage([{"telefon"}, {"inexistente"}], 1) < 0.5


def test_long_sections_are_packed_into_paragraph_sized_passages() -> None:
    text = "\n\n".join(f"Parágrafo {i} " + "x" * 500 for i in range(5))
    pieces = split_paragraphs(text, max_chars=1200)
    assert len(pieces) == 3
    assert all(len(piece) <= 1200 for piece in pieces)
    assert "".join(pieces).count("Parágrafo") == 5


def test_passages_carry_the_article_metadata(articles: list[Article]) -> None:
    passage = passages_of(articles[0])[0]
    assert (passage.article_id, passage.lang, passage.url) == (
        articles[0].id,
        articles[0].lang,
        articles[0].url,
    )


def test_results_are_one_per_article_and_respect_filters(engine: SearchEngine) -> None:
    outcome = engine.search("prazo do chamado pendente", k=10, lang="es")
    ids = [hit.passage.article_id for hit in outcome.hits]
    assert len(ids) == len(set(ids))
    assert {hit.passage.lang for hit in outcome.hits} == {"es"}
    pms = engine.search("relatórios de contingência", k=5, product="pms")
    assert pms.hits and {hit.passage.product for hit in pms.hits} == {"PMS"}


def test_an_impossible_filter_returns_nothing_and_is_not_confident(engine: SearchEngine) -> None:
    outcome = engine.search("telefone do suporte", product="produto-que-nao-existe")
    assert outcome.hits == [] and not outcome.confident


def test_the_query_language_is_detected(engine: SearchEngine) -> None:
    assert engine.search("¿Cuál es el horario de atención?").query_lang == "es"
    assert engine.search("Qual é o horário de atendimento?").query_lang == "pt-BR"
    assert engine.search("What are the support hours?").query_lang == "en"
