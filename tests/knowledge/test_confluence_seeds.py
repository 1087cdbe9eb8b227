"""The Confluence text-export loader, tested on the two real seed pages."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.articles import Article, ArticleError
from knowledge.confluence_text import load_text_export, read_lines
from tests.knowledge.confluence_support import all_text

MAINTENANCE = "000_966c9b7147043898.txt"
ONBOARDING = "003_df65a88661807e3a.txt"
CHROME = [
    "Árvore de páginas",
    "Versões comparadas",
    "Chave",
    "Esta linha foi adicionada",
    "Image Removed",
    "Image Added",
    "Image Modified",
    "Expandir",
    "Âncora",
    "Dica",
    "(estrela)",
    ".png",
    "titleOtros",
]


def load_with_warnings(seeds_dir: Path, name: str, lang: str) -> tuple[Article, list[str]]:
    return load_text_export(
        seeds_dir / name, article_id=name, lang=lang, product="Suporte", module="Atendimento", url="https://x"
    )


def load(seeds_dir: Path, name: str, lang: str) -> Article:
    return load_with_warnings(seeds_dir, name, lang)[0]


@pytest.mark.parametrize(("name", "lang"), [(MAINTENANCE, "pt-BR"), (ONBOARDING, "es")])
def test_page_history_chrome_is_removed(seeds_dir: Path, name: str, lang: str) -> None:
    text = all_text(load(seeds_dir, name, lang))
    for noise in CHROME:
        assert noise not in text, noise


def test_expand_titles_and_capitalised_lines_become_section_headings(seeds_dir: Path) -> None:
    headings = [s.heading for s in load(seeds_dir, ONBOARDING, "es").sections]
    assert "Otros medios de interacción con Soporte" in headings
    assert "Plazo de SLA" in headings
    assert "Encuestas de Satisfacción" in headings
    assert "PLANO DE ESCALACIÓN" in headings
    assert any(h.startswith("GUÍA DE CONTACTO") for h in headings)


def test_anchor_names_printed_twice_do_not_survive(seeds_dir: Path) -> None:
    lines = [line.text for line in read_lines((seeds_dir / ONBOARDING).read_text(encoding="utf-8"))]
    for anchor in ("ASP", "EdA", "AdP", "Premisas de la atención"):
        assert anchor not in lines


def test_the_facts_survive_cleaning(seeds_dir: Path) -> None:
    onboarding = all_text(load(seeds_dir, ONBOARDING, "es"))
    for fact in (
        "+54 11 5295 9300",
        "01-800-913-55-29",
        "Tiene 5 días hábiles para validar y devolver la información del ticket.",
        "Tiene 7 días hábiles para validar o rechazar la solución.",
        "Pendiente del cliente",
    ):
        assert fact in onboarding
    maintenance = load(seeds_dir, MAINTENANCE, "pt-BR")
    assert maintenance.title.startswith("MANUTENÇÃO PROGRAMADA")
    text = all_text(maintenance)
    assert "PMS/Consultas/Lista Interativa/Check-in" in text
    assert "19/12/2021" in text


def test_the_onboarding_page_keeps_only_the_current_copy_of_the_parts_it_moved_or_rewrote(
    seeds_dir: Path,
) -> None:
    onboarding = load(seeds_dir, ONBOARDING, "es")
    headings = [section.heading for section in onboarding.sections]
    for moved in ("Plazo de SLA", "Como generar el ticket para lograr una atención +asertiva y +efectivo"):
        assert headings.count(moved) == 1, moved
    assert headings.count("Procesos y buenas prácticas de la atención · PROCESO DE ATENCIÓN:") == 1
    text = all_text(onboarding)
    assert "Registro de ticket\nApertura de ticket a nombre del Cliente TOTVS." in text  # the added copy
    for removed in ("Primer nivel.", "84hrs hábiles", "Les compartimos un consejo de oro"):
        assert removed not in text, removed


@pytest.mark.parametrize(("name", "lang"), [(MAINTENANCE, "pt-BR"), (ONBOARDING, "es")])
def test_the_seed_pages_load_without_warnings(seeds_dir: Path, name: str, lang: str) -> None:
    assert load_with_warnings(seeds_dir, name, lang)[1] == []


def test_an_empty_export_is_an_error_naming_the_file(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("Árvore de páginas\n\nVersões comparadas\n", encoding="utf-8")
    with pytest.raises(ArticleError, match=r"empty\.txt: the export has no content"):
        load_text_export(empty, article_id="e", lang="es", product="p", module="m", url="u")
