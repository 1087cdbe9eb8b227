"""Shared fixtures: the real articles, a real index built once per run, a searcher over it, the real API."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from core.articles import Article
from core.settings import ROOT, Settings
from knowledge.markdown import load_folder
from search.embeddings import Embedder, load_embedder
from search.index import KnowledgeIndex
from search.searcher import Searcher
from search.store import read_manifest

ARTICLES_DIR = ROOT / "knowledge" / "articles"
SEEDS_DIR = ROOT.parent / "shared" / "seeds"


@pytest.fixture(scope="session")
def articles() -> list[Article]:
    return load_folder(ARTICLES_DIR)


@pytest.fixture(scope="session")
def embedder() -> Embedder:
    return load_embedder(Settings().embedding_model)


@pytest.fixture(scope="session")
def index_dir(tmp_path_factory: pytest.TempPathFactory, articles: list[Article], embedder: Embedder) -> Path:
    path = tmp_path_factory.mktemp("search") / "index"
    KnowledgeIndex.build(articles, embedder).save(path)
    return path


@pytest.fixture(scope="session")
def searcher(index_dir: Path, embedder: Embedder) -> Searcher:
    manifest = read_manifest(index_dir)
    assert manifest is not None
    return Searcher(KnowledgeIndex.load(index_dir, embedder, manifest))


@pytest.fixture(scope="session")
def api_settings(index_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    database = tmp_path_factory.mktemp("api-db") / "support.db"
    return Settings(
        index_dir=index_dir,
        knowledge_dir=ARTICLES_DIR,
        database_url=f"sqlite:///{database}",
        jobs_interval_seconds=0,
        index_watch_seconds=0,
    )


@pytest.fixture(scope="session")
def client(api_settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(api_settings)) as test_client:
        yield test_client


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    if not SEEDS_DIR.is_dir():
        pytest.skip(f"the seed pages are expected in {SEEDS_DIR} (shared/ beside the repository)")
    return SEEDS_DIR
