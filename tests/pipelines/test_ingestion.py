"""`python -m pipelines ingest`: the index follows the sources, embedding only what changed."""

from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path

import pytest

from core.articles import Article, Section
from core.settings import ROOT
from pipelines.__main__ import main
from pipelines.ingestion import IngestRefused, SourceDefaults, ingest, open_index
from search.embeddings import Embedder
from search.index import KnowledgeIndex
from search.searcher import Searcher
from search.store import read_manifest

FIXTURES = ROOT / "tests" / "fixtures"


class CountingEmbedder:
    """The real embedder, counting the texts it is asked to embed."""

    def __init__(self, inner: Embedder) -> None:
        self.inner = inner
        self.name = inner.name
        self.texts = 0

    def encode(self, texts: list[str]) -> object:
        self.texts += len(texts)
        return self.inner.encode(texts)


def write(folder: Path, article_id: str, body: str = "Texto do artigo sobre NF-e e SPED.") -> None:
    (folder / f"{article_id}.md").write_text(
        f"---\nid: {article_id}\ntitle: Artigo {article_id}\nlang: pt-BR\nproduct: Protheus\nmodule: Fiscal\n"
        f"url: https://kb.example.com/{article_id}\ntags: [teste]\nupdated: 2026-11-01\n---\n{body}\n\n"
        f"## Solução\nPasso a passo de {article_id}.\n",
        encoding="utf-8",
    )


@pytest.fixture
def source(tmp_path: Path) -> Path:
    folder = tmp_path / "articles"
    folder.mkdir()
    for number in range(10):
        write(folder, f"pt-artigo-{number}")
    return folder


def test_a_first_ingest_adds_everything_and_a_second_changes_nothing(
    source: Path, tmp_path: Path, embedder: Embedder
) -> None:
    index = tmp_path / "index"
    first = ingest([source], index, embedder, progress=False)
    assert len(first.added) == 10 and first.written
    again = ingest([source], index, embedder, progress=False)
    summary = again.summary()
    assert [source["loaded"] for source in summary.pop("sources")] == [10]  # type: ignore[attr-defined]
    assert summary == {"added": 0, "changed": 0, "deleted": 0, "skipped": 10, "failed": 0}
    assert not again.written


def test_only_new_and_changed_articles_are_embedded_and_deleted_ones_leave(
    source: Path, tmp_path: Path, embedder: Embedder
) -> None:
    index = tmp_path / "index"
    ingest([source], index, embedder, progress=False)
    write(source, "pt-artigo-3", "Texto novo: erro de licença no License Server.")
    write(source, "pt-artigo-novo", "Como configurar o certificado digital A1.")
    (source / "pt-artigo-9.md").unlink()
    counting = CountingEmbedder(embedder)
    report = ingest([source], index, counting, progress=False)  # type: ignore[arg-type]
    assert (report.added, report.changed, report.deleted) == (
        ["pt-artigo-novo"],
        ["pt-artigo-3"],
        ["pt-artigo-9"],
    )
    assert counting.texts == 4  # two sections each for the two articles, nothing else re-embedded
    manifest = read_manifest(index)
    assert manifest is not None
    index_on_disk = KnowledgeIndex.load(index, embedder, manifest)
    assert "pt-artigo-9" not in index_on_disk.articles
    assert (
        Searcher(index_on_disk).search("erro de licença License Server").hits[0].passage.article_id
        == "pt-artigo-3"
    )
    # Updated in place, not rebuilt: the old versions' rows stay in the index, dead.
    assert (
        len(index_on_disk.passages) == index_on_disk.live_passages + 4 and index_on_disk.live_passages == 20
    )


def test_updates_that_would_leave_too_many_dead_rows_rebuild_without_embedding_again(
    source: Path, tmp_path: Path, embedder: Embedder
) -> None:
    index = tmp_path / "index"
    ingest([source], index, embedder, progress=False)
    for number in range(3):  # 6 of 26 rows would be dead: more than a fifth
        write(source, f"pt-artigo-{number}", f"Texto revisto número {number} sobre o TSS.")
    counting = CountingEmbedder(embedder)
    report = ingest([source], index, counting, progress=False)  # type: ignore[arg-type]
    assert len(report.changed) == 3 and report.written
    assert counting.texts == 6  # only the changed articles' sections, even though the index was rebuilt
    manifest = read_manifest(index)
    assert manifest is not None
    index_on_disk = KnowledgeIndex.load(index, embedder, manifest)
    assert len(index_on_disk.passages) == index_on_disk.live_passages == 20


def test_deleting_more_than_a_fifth_of_the_index_needs_force(
    source: Path, tmp_path: Path, embedder: Embedder
) -> None:
    index = tmp_path / "index"
    ingest([source], index, embedder, progress=False)
    for number in range(3):
        (source / f"pt-artigo-{number}.md").unlink()
    with pytest.raises(IngestRefused, match="delete 3 of 10"):
        ingest([source], index, embedder, progress=False)
    manifest = read_manifest(index)
    assert manifest is not None and manifest.articles == 10  # untouched
    assert len(ingest([source], index, embedder, force=True, progress=False).deleted) == 3


def test_malformed_files_are_reported_and_the_rest_is_ingested(
    source: Path, tmp_path: Path, embedder: Embedder
) -> None:
    (source / "quebrado.md").write_text("---\nid: x\ntitle: [sem fim\n---\ntexto", encoding="utf-8")
    (source / "sem-titulo.md").write_text("---\nid: y\nlang: pt-BR\n---\ntexto", encoding="utf-8")
    report = ingest([source, tmp_path / "nao-existe"], tmp_path / "index", embedder, progress=False)
    assert len(report.added) == 10
    assert any("quebrado.md" in problem and "YAML" in problem for problem in report.problems)
    assert any("sem-titulo.md" in problem and "missing" in problem for problem in report.problems)
    assert any("nao-existe" in problem for problem in report.problems)


def test_zendesk_and_confluence_sources_are_ingested_with_their_languages(
    tmp_path: Path, embedder: Embedder
) -> None:
    sources = [FIXTURES / "zendesk", FIXTURES / "confluence" / "export"]
    report = ingest(sources, tmp_path / "index", embedder, SourceDefaults(product="Protheus"), progress=False)
    assert report.added and report.problems  # the fixtures hold a draft, a bad locale, a broken file
    manifest = read_manifest(tmp_path / "index")
    assert manifest is not None
    index_on_disk = KnowledgeIndex.load(tmp_path / "index", embedder, manifest)
    languages = {article.lang for article in index_on_disk.articles.values()}
    assert {"pt-BR", "es"} <= languages


def test_the_command_prints_a_summary_and_refuses_with_exit_2(
    source: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from core.settings import get_settings

    monkeypatch.setenv("INDEX_DIR", str(tmp_path / "index"))
    get_settings.cache_clear()
    try:
        assert main(["ingest", str(source), "--no-progress"]) == 0
        assert json.loads(capsys.readouterr().out)["added"] == 10
        shutil.rmtree(source)
        source.mkdir()
        assert main(["ingest", str(source), "--no-progress"]) == 2
        assert "refused" in capsys.readouterr().err
    finally:
        get_settings.cache_clear()


def test_the_api_builds_an_index_from_the_knowledge_folder_when_there_is_none(
    source: Path, tmp_path: Path, embedder: Embedder
) -> None:
    index_on_disk = open_index(tmp_path / "fresh", embedder, source)
    assert len(index_on_disk.articles) == 10


def test_an_article_changed_in_place_is_found_by_its_new_text(
    articles: list[Article], tmp_path: Path, embedder: Embedder
) -> None:
    few = articles[:3]
    first = KnowledgeIndex.build(few, embedder)
    changed = [
        dataclasses.replace(few[0], sections=(Section("novo", "Novo", "Texto novo sobre NF-e."),)),
        *few[1:],
    ]
    rebuilt = KnowledgeIndex.build(changed, embedder, previous=first)
    assert Searcher(rebuilt).search("texto novo NF-e").hits[0].passage.section_id == "novo"


def test_the_api_serves_a_new_index_after_a_reload_without_restarting(
    source: Path, tmp_path: Path, embedder: Embedder
) -> None:
    from fastapi.testclient import TestClient

    from api.auth import create_key
    from api.main import create_app
    from core.settings import Settings

    index = tmp_path / "index"
    ingest([source], index, embedder, progress=False)
    settings = Settings(
        index_dir=index, knowledge_dir=source, database_url=f"sqlite:///{tmp_path / 'db.sqlite'}",
        jobs_interval_seconds=0, index_watch_seconds=0,
    )  # fmt: skip
    app = create_app(settings)
    with TestClient(app) as client:
        with app.state.session_factory() as session:
            admin, customer = (
                create_key(session, "admin", admin=True),
                create_key(session, "c", company_code="C"),
            )
        write(source, "pt-artigo-extra", "Erro de certificado digital vencido na transmissão.")
        ingest([source], index, embedder, progress=False)
        assert client.post("/api/v1/admin/reload-index", headers={"X-API-Key": customer}).status_code == 403
        reloaded = client.post("/api/v1/admin/reload-index", headers={"X-API-Key": admin}).json()
        assert reloaded["articles"] == 11
        hit = client.get("/api/v1/search", params={"q": "certificado digital vencido"}).json()["results"][0]
        assert hit["article_id"] == "pt-artigo-extra"
        assert (hit["version"], hit["tags"], hit["updated"]) == (None, ["teste"], "2026-11-01")
        # The answering lines already embedded are kept across the reload.
        before = app.state.searcher.answers.line_vectors
        write(source, "pt-artigo-extra-2", "Outro texto sobre certificado.")
        ingest([source], index, embedder, progress=False)
        client.post("/api/v1/admin/reload-index", headers={"X-API-Key": admin})
        assert app.state.searcher.answers.line_vectors is before
