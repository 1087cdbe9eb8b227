"""The knowledge index: articles added, changed and removed in place, without a rebuild."""

from __future__ import annotations

import dataclasses

from core.articles import Article
from search.embeddings import Embedder
from search.index import KnowledgeIndex
from search.searcher import Searcher


def test_an_article_added_changed_and_removed_without_a_rebuild(
    articles: list[Article], embedder: Embedder
) -> None:
    index = KnowledgeIndex.build(articles[:20], embedder)
    searcher = Searcher(index)
    new = dataclasses.replace(articles[0], id="pt-novo-artigo", title="Erro XPTO-42 ao abrir o SmartClient")
    index.upsert(new)
    assert searcher.search("erro XPTO-42").hits[0].passage.article_id == "pt-novo-artigo"
    changed = dataclasses.replace(new, title="Erro ZZTOP-7 ao abrir o SmartClient")
    index.upsert(changed)
    assert searcher.search("erro ZZTOP-7").hits[0].passage.article_id == "pt-novo-artigo"
    assert searcher.index.articles["pt-novo-artigo"].title.startswith("Erro ZZTOP-7")
    index.remove("pt-novo-artigo")
    assert "pt-novo-artigo" not in {h.passage.article_id for h in searcher.search("erro ZZTOP-7", k=20).hits}
    assert index.manifest.articles == 20
