"""Every ingest reports, per source, what it loaded and what it could not clean, so a support
analyst sees a leaking export before customers read it in an answer."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from core.settings import ROOT, get_settings
from pipelines.__main__ import main
from pipelines.ingestion import ingest
from search.embeddings import Embedder
from tests.pipelines.test_ingestion import write

FIXTURES = ROOT / "tests" / "fixtures"


@pytest.fixture
def sources(tmp_path: Path) -> list[Path]:
    """A clean article folder, a folder whose article leaks markup, and a Zendesk page of drafts only."""
    clean, leaking, drafts = (tmp_path / name for name in ("clean", "leaking", "drafts"))
    for folder in (clean, leaking, drafts):
        folder.mkdir()
    write(clean, "pt-nfe-rejeicao")
    write(clean, "pt-sped-prazo")
    write(
        leaking, "pt-acessos", 'Deck of Cards/id001/tabLocationleft <div class="card">Acessos</div> (smile)'
    )
    shutil.copy(FIXTURES / "zendesk" / "cursor-page-2-drafts.json", drafts / "page.json")
    return [clean, leaking, drafts]


def by_source(summary: dict[str, object]) -> dict[str, dict[str, object]]:
    reports = summary["sources"]
    assert isinstance(reports, list)
    return {Path(report["source"]).name: report for report in reports}


def test_each_source_reports_its_pages_sections_skips_and_leftover_markup(
    sources: list[Path], tmp_path: Path, embedder: Embedder
) -> None:
    report = by_source(ingest(sources, tmp_path / "index", embedder, progress=False).summary())

    assert report["clean"]["loaded"] == 2 and report["clean"]["sections"] == 4
    assert report["clean"]["skipped"] == 0 and report["clean"]["leftover_markup"] == {}
    leftovers = report["leaking"]["leftover_markup"]
    assert isinstance(leftovers, dict)
    assert {"macro_parameter", "html_tag", "emoticon"} <= set(leftovers)
    examples = report["leaking"]["leftover_examples"]
    assert isinstance(examples, list)
    example = examples[0]
    assert example["article"] == "pt-acessos" and "Deck of Cards" in example["text"]
    assert report["drafts"]["loaded"] == 0 and report["drafts"]["skipped"] == 1
    assert "draft" in str(report["drafts"]["skipped_reasons"])


def test_the_command_prints_the_report_and_keeps_it_in_the_json_summary(
    sources: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("INDEX_DIR", str(tmp_path / "index"))
    get_settings.cache_clear()
    try:
        assert main(["ingest", *map(str, sources), "--no-progress"]) == 0
    finally:
        get_settings.cache_clear()
    printed = capsys.readouterr()
    assert by_source(json.loads(printed.out))["leaking"]["loaded"] == 1
    quality = [line for line in printed.err.splitlines() if line.startswith("quality: ")]
    assert any("clean: 2 pages, 4 sections, 0 skipped, no leftover markup" in line for line in quality)
    assert any("leaking: 1 pages" in line and "macro_parameter" in line for line in quality)
