"""`python -m pipelines sync`: Confluence and Zendesk pulled over real HTTP from stand-ins, then ingested.

The index holds the whole knowledge base (the article folder and every synced mirror); a sync embeds
only what changed, and a sync that fails halfway changes nothing.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.settings import Settings, get_settings
from pipelines.__main__ import main
from pipelines.ingestion import knowledge_sources, open_index
from pipelines.sync import SyncFailed, SyncOptions, SyncReport, sync_confluence, sync_zendesk
from search.embeddings import Embedder
from search.index import KnowledgeIndex
from search.searcher import Searcher
from search.store import read_manifest
from tests.pipelines.test_ingestion import CountingEmbedder, write
from tests.support import confluence_stand_in, zendesk_stand_in
from tests.support.confluence_stand_in import ConfluenceStandIn
from tests.support.zendesk_stand_in import HelpArticle, ZendeskStandIn

T0 = 1_790_000_000  # the stand-in's articles changed just after this; the first sync runs at T0 + 100
DAY = 86_400


def storage(topic: str) -> str:
    return f"<p>Como resolver {topic} no Protheus.</p><h2>Solução</h2><p>Passo a passo para {topic}.</p>"


@pytest.fixture
def confluence() -> Iterator[ConfluenceStandIn]:
    stand_in = ConfluenceStandIn(space="TDN", max_limit=2)  # five pages come in three answers
    for number, topic in enumerate(["MV_ESTADO", "MV_ICMPAD", "MV_SPEDURL", "MV_TSSURL"], start=101):
        stand_in.add(number, f"Parâmetro {topic}", storage(topic), ancestors=("Protheus", "Parâmetros"))
    stand_in.add(
        105,
        "Error de timbrado",
        "<p>¿Cómo se corrige el error de timbrado del CFDI en la factura electrónica?</p>",
    )
    with stand_in.running():
        yield stand_in


@pytest.fixture
def zendesk() -> Iterator[ZendeskStandIn]:
    stand_in = ZendeskStandIn(export_page_size=2, page_size_cap=2)
    stand_in.add(HelpArticle(1001, "pt-br", "Rejeição 539 na NF-e", "<p>Duplicidade de NF-e.</p>", 7, T0 + 1))
    stand_in.add(
        HelpArticle(1002, "pt-br", "Certificado A1 vencido", "<p>Renove o certificado.</p>", 7, T0 + 2)
    )
    stand_in.add(HelpArticle(1003, "pt-br", "Rascunho", "<p>Ainda em revisão.</p>", 7, T0 + 3, draft=True))
    stand_in.add(HelpArticle(1001, "es", "Rechazo 539", "<p>Duplicidad de la factura.</p>", 7, T0 + 4))
    stand_in.add(HelpArticle(2002, "es", "Timbrado CFDI", "<p>Error de timbrado.</p>", 7, T0 + 5))
    stand_in.add(HelpArticle(3001, "en", "Expired certificate", "<p>Renew it.</p>", 7, T0 + 6))
    stand_in.sections.update({(7, "pt-br"): "Faturamento", (7, "es"): "Facturación"})
    with stand_in.running():
        yield stand_in


@pytest.fixture
def settings(tmp_path: Path, zendesk: ZendeskStandIn) -> Settings:
    knowledge = tmp_path / "articles"
    knowledge.mkdir()
    write(knowledge, "pt-artigo-1")
    write(knowledge, "pt-artigo-2")
    return Settings(
        knowledge_dir=knowledge, index_dir=tmp_path / "index", synced_dir=tmp_path / "synced",
        confluence_user=confluence_stand_in.USER, confluence_api_token=confluence_stand_in.API_TOKEN,
        zendesk_email=zendesk_stand_in.EMAIL, zendesk_api_token=zendesk_stand_in.API_TOKEN,
        zendesk_base_url=zendesk.url,
    )  # fmt: skip


def sync_tdn(
    settings: Settings, embedder: Embedder, confluence: ConfluenceStandIn, force: bool = False
) -> SyncReport:
    return sync_confluence(
        settings, embedder, base_url=f"{confluence.url}/wiki", space="TDN",
        options=SyncOptions(force=force, progress=False), sleep=lambda seconds: None,
    )  # fmt: skip


def sync_acme(
    settings: Settings, embedder: Embedder, now: int, waits: list[float] | None = None
) -> SyncReport:
    return sync_zendesk(
        settings, embedder, subdomain="acme", locales=["pt-br", "es"], options=SyncOptions(progress=False),
        sleep=(waits if waits is not None else []).append, clock=lambda: now,
    )  # fmt: skip


def indexed(settings: Settings, embedder: Embedder) -> KnowledgeIndex:
    manifest = read_manifest(settings.index_dir)
    assert manifest is not None
    return KnowledgeIndex.load(settings.index_dir, embedder, manifest)


def snapshot(*folders: Path) -> dict[str, bytes]:
    """Every file under the folders, hidden staging folders included."""
    return {
        str(path): path.read_bytes()
        for folder in folders
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def state(settings: Settings, source: str) -> dict[str, object]:
    data: dict[str, object] = json.loads(
        (settings.synced_dir / source / "state.json").read_text(encoding="utf-8")
    )
    return data


# --- Confluence -------------------------------------------------------------------------------------


def test_a_first_sync_mirrors_the_space_and_indexes_it_with_the_rest_of_the_knowledge_base(
    settings: Settings, embedder: Embedder, confluence: ConfluenceStandIn
) -> None:
    report = sync_tdn(settings, embedder, confluence)
    summary = report.summary()
    ingested = summary.pop("ingest")
    assert summary == {
        "source": "confluence-tdn", "mode": "full", "requests": 3, "fetched": 5, "written": 5, "failed": 0,
    }  # fmt: skip
    assert isinstance(ingested, dict)
    quality = {Path(str(source["source"])).name: source for source in ingested.pop("sources")}
    assert ingested == {
        "added": 7, "changed": 0, "deleted": 0, "skipped": 0, "failed": 0, "index_written": True,
    }  # fmt: skip
    assert quality["confluence-tdn"]["loaded"] == 5 and quality["confluence-tdn"]["leftover_markup"] == {}
    mirror = settings.synced_dir / "confluence-tdn"
    assert sorted(path.name for path in mirror.iterdir()) == [
        *(f"confluence-tdn-{number}.article.json" for number in range(101, 106)), "state.json",
    ]  # fmt: skip
    articles = indexed(settings, embedder).articles
    assert {"pt-artigo-1", "pt-artigo-2"} < articles.keys()  # the article folder stays in the index
    page = articles["confluence-tdn-101"]
    assert (page.lang, page.breadcrumb) == ("pt-BR", ("Protheus", "Parâmetros"))
    assert page.url == f"{confluence.url}/wiki/spaces/TDN/pages/101/Par%C3%A2metro+MV_ESTADO"
    assert articles["confluence-tdn-105"].lang == "es"  # detected, as no --lang was given
    assert state(settings, "confluence-tdn")["space"] == "TDN"


def test_a_page_edited_in_confluence_is_the_only_one_embedded_again(
    settings: Settings, embedder: Embedder, confluence: ConfluenceStandIn
) -> None:
    sync_tdn(settings, embedder, confluence)
    confluence.edit(102, storage("o cálculo do ICMS próprio"), when="2026-11-30T08:00:00.000Z")
    counting = CountingEmbedder(embedder)
    report = sync_tdn(settings, counting, confluence)  # type: ignore[arg-type]
    assert (report.ingest.changed, len(report.ingest.unchanged), report.ingest.added) == (
        ["confluence-tdn-102"], 6, [],
    )  # fmt: skip
    assert counting.texts == 2  # the edited page's two sections, nothing else


def test_a_page_added_in_confluence_is_searchable_after_the_next_sync(
    settings: Settings, embedder: Embedder, confluence: ConfluenceStandIn
) -> None:
    sync_tdn(settings, embedder, confluence)
    confluence.add(106, "Licença do License Server", storage("o bloqueio de licença no License Server"))
    report = sync_tdn(settings, embedder, confluence)
    assert (report.ingest.added, len(report.ingest.unchanged)) == (["confluence-tdn-106"], 7)
    hits = Searcher(indexed(settings, embedder)).search("bloqueio de licença no License Server").hits
    assert hits[0].passage.article_id == "confluence-tdn-106"


@pytest.mark.parametrize("fault", [500, 0], ids=["500 forever", "connection dropped"])
def test_a_failure_in_the_middle_of_the_listing_leaves_the_mirror_and_the_index_as_they_were(
    settings: Settings, embedder: Embedder, confluence: ConfluenceStandIn, fault: int
) -> None:
    sync_tdn(settings, embedder, confluence)
    before = snapshot(settings.synced_dir, settings.index_dir)
    confluence.edit(101, storage("outro texto"), when="2026-11-30T08:00:00.000Z")
    confluence.fail(lambda path, query: query.get("start") == "4", fault)  # the third answer never comes
    with pytest.raises(SyncFailed, match=r"5 times; nothing was changed.*left as they were"):
        sync_tdn(settings, embedder, confluence)
    assert snapshot(settings.synced_dir, settings.index_dir) == before


def test_a_space_that_suddenly_lost_most_pages_is_refused_unless_forced(
    settings: Settings, embedder: Embedder, confluence: ConfluenceStandIn
) -> None:
    sync_tdn(settings, embedder, confluence)
    before = snapshot(settings.synced_dir, settings.index_dir)
    for number in ("101", "102", "103", "104"):
        del confluence.pages[number]
    with pytest.raises(SyncFailed, match=r"refused: this run would delete 4 of 7 .*--force"):
        sync_tdn(settings, embedder, confluence)
    assert snapshot(settings.synced_dir, settings.index_dir) == before  # the old mirror is back in place
    report = sync_tdn(settings, embedder, confluence, force=True)
    assert len(report.ingest.deleted) == 4 and report.written == 1


def test_the_command_prints_a_summary_and_fails_with_exit_2_and_one_reason(
    settings: Settings, embedder: Embedder, confluence: ConfluenceStandIn,
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    for name in ("knowledge_dir", "index_dir", "synced_dir", "confluence_user", "confluence_api_token"):
        monkeypatch.setenv(name.upper(), str(getattr(settings, name)))
    monkeypatch.setattr("pipelines.__main__.load_embedder", lambda model: embedder)
    command = [
        "sync",
        "confluence",
        "--base-url",
        f"{confluence.url}/wiki",
        "--space",
        "TDN",
        "--no-progress",
    ]
    get_settings.cache_clear()
    try:
        assert main([*command, "--lang", "pt-BR"]) == 0
        summary = json.loads(capsys.readouterr().out)
        assert (summary["fetched"], summary["written"], summary["ingest"]["added"]) == (5, 5, 7)
        assert indexed(settings, embedder).articles["confluence-tdn-105"].lang == "pt-BR"  # as --lang said
        monkeypatch.setenv("CONFLUENCE_API_TOKEN", "revoked")
        get_settings.cache_clear()
        assert main(command) == 2
        error = capsys.readouterr().err.strip().splitlines()[-1]  # after the JSON log lines
        assert (
            error.startswith("sync failed: ") and "answered 401" in error and "CONFLUENCE_API_TOKEN" in error
        )
    finally:
        get_settings.cache_clear()


def test_ingest_without_sources_reads_the_article_folder_and_every_mirror(
    settings: Settings, embedder: Embedder, confluence: ConfluenceStandIn,
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    sync_tdn(settings, embedder, confluence)
    mirror = settings.synced_dir / "confluence-tdn"
    (mirror / "quebrado.article.json").write_text('{"id": "x"}', encoding="utf-8")
    (settings.synced_dir / ".confluence-tdn.new").mkdir()  # a staging folder is not a source
    assert knowledge_sources(settings) == [settings.knowledge_dir, mirror]
    fresh = open_index(settings.index_dir.parent / "fresh", embedder, knowledge_sources(settings))
    assert len(fresh.articles) == 7
    for name in ("knowledge_dir", "index_dir", "synced_dir"):
        monkeypatch.setenv(name.upper(), str(getattr(settings, name)))
    monkeypatch.setattr("pipelines.__main__.load_embedder", lambda model: embedder)
    get_settings.cache_clear()
    try:
        assert main(["ingest", "--no-progress"]) == 0
    finally:
        get_settings.cache_clear()
    output = capsys.readouterr()
    assert json.loads(output.out)["skipped"] == 7 and json.loads(output.out)["failed"] == 1
    assert "quebrado.article.json: not a synced article" in output.err


# --- Zendesk ----------------------------------------------------------------------------------------


def test_a_first_zendesk_sync_lists_each_locale_and_skips_drafts_and_other_locales(
    settings: Settings, embedder: Embedder, zendesk: ZendeskStandIn
) -> None:
    report = sync_acme(settings, embedder, now=T0 + 100)
    assert (report.mode, report.fetched, report.written, report.ingest.summary()["added"]) == (
        "full",
        5,
        4,
        6,
    )
    articles = indexed(settings, embedder).articles
    synced = sorted(aid for aid in articles if aid.startswith("zendesk-"))
    assert synced == ["zendesk-1001-es", "zendesk-1001-pt-BR", "zendesk-1002-pt-BR", "zendesk-2002-es"]
    assert (articles["zendesk-1001-es"].lang, articles["zendesk-1001-es"].breadcrumb) == (
        "es",
        ("Facturación",),
    )
    assert articles["zendesk-1002-pt-BR"].url == f"{zendesk.url}/hc/pt-br/articles/1002"
    assert not any("incremental" in path for path, _ in zendesk.requests)
    saved = state(settings, "zendesk-acme")
    assert (saved["end_time"], saved["listed_at"], saved["locales"]) == (T0 + 100, T0 + 100, ["pt-br", "es"])


def test_later_zendesk_syncs_read_only_the_changes_since_the_saved_end_time(
    settings: Settings, embedder: Embedder, zendesk: ZendeskStandIn
) -> None:
    sync_acme(settings, embedder, now=T0 + 100)
    zendesk.requests.clear()
    zendesk.article(1002, "pt-br").body, zendesk.article(1002, "pt-br").updated = (
        "<p>Novo passo a passo.</p>",
        T0 + 200,
    )
    zendesk.article(1001, "es").draft, zendesk.article(1001, "es").updated = (
        True,
        T0 + 201,
    )  # taken back to draft
    zendesk.article(1003, "pt-br").draft, zendesk.article(1003, "pt-br").updated = (
        False,
        T0 + 202,
    )  # published
    zendesk.article(3001, "en").updated = T0 + 203  # a locale not synced
    counting = CountingEmbedder(embedder)
    report = sync_acme(settings, counting, now=T0 + 300)  # type: ignore[arg-type]
    assert report.mode == "incremental"
    assert (report.ingest.changed, report.ingest.added, report.ingest.deleted) == (
        ["zendesk-1002-pt-BR"], ["zendesk-1003-pt-BR"], ["zendesk-1001-es"],
    )  # fmt: skip
    assert counting.texts == 2  # one section each for the changed and the published article
    exports = [
        query["start_time"] for path, query in zendesk.requests if path.endswith("/incremental/articles")
    ]
    assert exports[0] == str(T0 + 100)
    assert not any(path.endswith(("/pt-br/articles", "/es/articles")) for path, _ in zendesk.requests)
    assert state(settings, "zendesk-acme")["end_time"] == T0 + 203  # the export's last change, for next time


def test_an_archived_article_leaves_the_knowledge_base_at_the_next_full_listing(
    settings: Settings, embedder: Embedder, zendesk: ZendeskStandIn
) -> None:
    sync_acme(settings, embedder, now=T0 + 100)
    zendesk.archive(2002)
    assert sync_acme(settings, embedder, now=T0 + 200).ingest.deleted == []  # the export does not report it
    report = sync_acme(settings, embedder, now=T0 + 100 + 7 * DAY)  # ZENDESK_FULL_SYNC_DAYS later
    assert (report.mode, report.ingest.deleted) == ("full", ["zendesk-2002-es"])


def test_a_failure_in_the_middle_of_the_export_leaves_the_mirror_and_the_index_as_they_were(
    settings: Settings, embedder: Embedder, zendesk: ZendeskStandIn
) -> None:
    sync_acme(settings, embedder, now=T0 + 100)
    before = snapshot(settings.synced_dir, settings.index_dir)
    for number, (article_id, locale) in enumerate([(1001, "pt-br"), (1002, "pt-br"), (2002, "es")], start=1):
        zendesk.article(article_id, locale).body = f"<p>Revisão {number}.</p>"
        zendesk.article(article_id, locale).updated = T0 + 200 + number
    zendesk.fail(lambda path, query: query.get("start_time") == str(T0 + 100), 429, times=1, retry_after="1")
    zendesk.fail(lambda path, query: query.get("start_time") == str(T0 + 202), 500)  # the second export page
    waits: list[float] = []
    with pytest.raises(SyncFailed, match="answered 500, 5 times"):
        sync_acme(settings, embedder, now=T0 + 300, waits=waits)
    assert waits[0] == 1.0  # the 429 was waited out as Retry-After said, before the 500s
    assert snapshot(settings.synced_dir, settings.index_dir) == before
    zendesk.faults.clear()
    report = sync_acme(settings, embedder, now=T0 + 400)  # starts again from the end_time saved before
    assert sorted(report.ingest.changed) == ["zendesk-1001-pt-BR", "zendesk-1002-pt-BR", "zendesk-2002-es"]


def test_the_zendesk_command_takes_locales_and_refuses_unsupported_ones(
    settings: Settings, embedder: Embedder, zendesk: ZendeskStandIn,
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    for name in ("knowledge_dir", "index_dir", "synced_dir", "zendesk_email", "zendesk_api_token"):
        monkeypatch.setenv(name.upper(), str(getattr(settings, name)))
    monkeypatch.setattr("pipelines.__main__.load_embedder", lambda model: embedder)
    command = ["sync", "zendesk", "--subdomain", "acme", "--base-url", zendesk.url, "--no-progress"]
    get_settings.cache_clear()
    try:
        assert main([*command, "--locale", "pt-br,es"]) == 0
        assert json.loads(capsys.readouterr().out)["written"] == 4
        assert main([*command, "--locale", "fr"]) == 2
        assert "sync failed: --locale needs Help Center locales" in capsys.readouterr().err
    finally:
        get_settings.cache_clear()
