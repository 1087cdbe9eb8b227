"""Search behaviour: filters, one result per article, persistence and staleness."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from knowledge.models import Article, Section
from search.chunking import passages_of, split_paragraphs
from search.embeddings import SentenceTransformerEmbedder
from search.engine import SearchEngine
from search.lexical import BM25Index
from search.loader import load_or_build
from search.store import read_manifest
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


def test_a_saved_index_loads_with_the_same_answers(
    tmp_path: Path, articles: list[Article], embedder: SentenceTransformerEmbedder, engine: SearchEngine
) -> None:
    index_dir = tmp_path / "index"
    built = load_or_build(articles, embedder, index_dir)
    loaded = load_or_build(articles, embedder, index_dir)
    assert loaded.manifest == built.manifest  # loaded, not rebuilt
    question = "e-mail oficial do suporte"
    assert [h.passage.article_id for h in loaded.search(question).hits] == [
        h.passage.article_id for h in engine.search(question).hits
    ]


def test_a_changed_article_makes_the_index_stale(
    tmp_path: Path, articles: list[Article], embedder: SentenceTransformerEmbedder
) -> None:
    index_dir = tmp_path / "index"
    few = articles[:3]
    load_or_build(few, embedder, index_dir)
    first = read_manifest(index_dir)
    changed = [
        dataclasses.replace(few[0], sections=(Section("novo", "Novo", "Texto novo sobre NF-e."),)),
        *few[1:],
    ]
    rebuilt = load_or_build(changed, embedder, index_dir)
    assert first is not None and rebuilt.manifest.corpus_hash != first.corpus_hash
    assert rebuilt.search("texto novo NF-e").hits[0].passage.section_id == "novo"
