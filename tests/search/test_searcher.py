"""Search behaviour: filters, one result per article, persistence and staleness."""

from __future__ import annotations

from collections import Counter

import numpy as np

from core.articles import Article
from search.chunking import passages_of, split_paragraphs
from search.dense import DenseIndex, hnsw_for
from search.glossary import Glossary
from search.lexical import BM25Index
from search.searcher import Searcher
from search.snippets import highlight
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


def test_results_are_one_per_article_and_respect_filters(searcher: Searcher) -> None:
    outcome = searcher.search("prazo do chamado pendente", k=10, lang="es")
    ids = [hit.passage.article_id for hit in outcome.hits]
    assert len(ids) == len(set(ids))
    assert {hit.passage.lang for hit in outcome.hits} == {"es"}
    pms = searcher.search("relatórios de contingência", k=5, product="pms")
    assert pms.hits and {hit.passage.product for hit in pms.hits} == {"PMS"}


def test_an_impossible_filter_returns_nothing_and_is_not_confident(searcher: Searcher) -> None:
    outcome = searcher.search("telefone do suporte", product="produto-que-nao-existe")
    assert outcome.hits == [] and not outcome.confident


def test_the_query_language_is_detected(searcher: Searcher) -> None:
    assert searcher.search("¿Cuál es el horario de atención?").query_lang == "es"
    assert searcher.search("Qual é o horário de atendimento?").query_lang == "pt-BR"
    assert searcher.search("What are the support hours?").query_lang == "en"


def test_module_filter_and_case_insensitive_product(searcher: Searcher) -> None:
    module = "configurador (sigacfg)"
    outcome = searcher.search("como alterar um parâmetro", k=5, product="PROTHEUS", module=module)
    assert outcome.hits
    assert {(hit.passage.product, hit.passage.module) for hit in outcome.hits} == {
        ("Protheus", "Configurador (SIGACFG)")
    }


def test_several_sections_of_one_article_only_when_asked(searcher: Searcher) -> None:
    grouped = searcher.search("prazo do chamado pendente resolvido", k=6)
    assert len({h.passage.article_id for h in grouped.hits}) == len(grouped.hits)
    ungrouped = searcher.search("prazo do chamado pendente resolvido", k=6, per_article=3)
    per_article = Counter(h.passage.article_id for h in ungrouped.hits)
    assert max(per_article.values()) > 1 and max(per_article.values()) <= 3


def test_snippets_mark_the_question_words_and_escape_html() -> None:
    text = (
        "Intro. "
        + "x " * 200
        + "O prazo para responder um chamado <pendente> é de 60 horas úteis."
        + " y" * 200
    )
    snippet = highlight(text, "Qual o prazo do chamado pendente?")
    assert "<mark>prazo</mark>" in snippet and "<mark>chamado</mark>" in snippet
    assert "&lt;<mark>pendente</mark>&gt;" in snippet
    assert "<mark>O</mark>" not in snippet  # function words are not highlighted
    assert snippet.startswith("…") and snippet.endswith("…") and len(snippet) < 400


def test_glossary_terms_meet_across_wording_and_language() -> None:
    glossary = Glossary.from_entries(
        [["chamado", "ticket", "solicitação de suporte"], ["NF-e", "nota fiscal eletrônica"]]
    )
    assert glossary.matches(["abrir", "um", "ticket"]) == [(2, 3, "≡chamado")]
    assert glossary.matches(["emitir", "nota", "fiscal", "eletronica"]) == [(1, 4, "≡nf_e")]
    assert glossary.matches(["nf", "e", "rejeitada"]) == [(0, 2, "≡nf_e")]


def test_the_packaged_glossary_links_ticket_and_chamado() -> None:
    assert set().union(*query_term_groups("ticket")) & set(document_terms("abrir um chamado", "pt-BR"))


def test_incremental_bm25_scores_match_a_fresh_build() -> None:
    docs = [["prazo", "chamad"], ["telefon", "argentin", "chamad"], ["chamad"], ["nf", "rejeica"]]
    index = BM25Index.build(docs[:2])
    index.add([docs[2]])
    index.add([["obsolet", "chamad"], docs[3]])
    index.delete([3])
    fresh = BM25Index.build(docs)
    query = [{"chamad"}, {"telefon"}, {"rejeica"}]
    updated = np.delete(index.scores(query), 3)
    # Same IDF; lengths are normalised by the average length when each segment was written.
    assert np.allclose(updated, fresh.scores(query), rtol=0.15)
    assert (np.argsort(-updated, kind="stable") == np.argsort(-fresh.scores(query), kind="stable")).all()
    assert index.scores(query)[3] == 0.0


def test_dense_search_skips_deleted_and_filtered_rows_in_both_index_kinds() -> None:
    rng = np.random.default_rng(1)
    vectors = rng.standard_normal((3000, 16)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    for index in (DenseIndex.build(vectors), DenseIndex(vectors, np.ones(3000, bool), hnsw_for(vectors))):
        rows, _ = index.search(vectors[7], k=1)
        assert rows.tolist() == [7]
        index.delete([7])
        assert 7 not in index.search(vectors[7], k=10)[0]
        allowed = np.zeros(3000, dtype=bool)
        allowed[1000:2500] = True
        assert all(1000 <= row < 2500 for row in index.search(vectors[7], k=10, allowed=allowed)[0])


def test_rows_added_one_by_one_keep_their_vectors() -> None:
    rng = np.random.default_rng(2)
    batches = [rng.standard_normal((n, 8)).astype(np.float32) for n in (5, 1, 3, 1, 7)]
    index = DenseIndex.build(batches[0])
    for batch in batches[1:]:
        index.add(batch)
    assert np.array_equal(index.vectors, np.concatenate(batches))
    assert index.size == len(index.vectors) == 17
