"""Zendesk Help Center articles from the API's JSON responses (Central de Atendimento style fixtures).

Offset pagination, ``articles-page-1.json`` (next_page set): a pt-br article, an es-419 article, a draft
and an outdated article; ``articles-page-2.json`` (next_page null): an article without title, one in
French, and an en-us article.
Cursor pagination, ``cursor-page-1.json`` (meta.has_more true, links.next set): a pt-br and an es-419
article; ``cursor-page-2-drafts.json`` (meta.has_more false): two drafts only.
Show Article, ``article-4419001122341.json``: one en-us article as ``{"article": {…}}``.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from core.articles import Article, ArticleError
from knowledge.zendesk import load_zendesk_pages, locale_to_lang, parse_article

FIXTURES = Path(__file__).parents[1] / "fixtures" / "zendesk"
PAGE_1 = FIXTURES / "articles-page-1.json"
PAGE_2 = FIXTURES / "articles-page-2.json"
TRUNCATED = FIXTURES / "articles-page-3-truncated.json"
SECTIONS = FIXTURES / "sections.json"
CURSOR_1 = FIXTURES / "cursor-page-1.json"
CURSOR_2_DRAFTS = FIXTURES / "cursor-page-2-drafts.json"
SHOW_ARTICLE = FIXTURES / "article-4419001122341.json"

PT_ID = "zendesk-360026420512-pt-BR"
ES_ID = "zendesk-4407163395607-es"
OUTDATED_ID = "zendesk-360051234567-pt-BR"
EN_ID = "zendesk-4415511122255-en"


@pytest.fixture(scope="module")
def loaded() -> tuple[list[Article], list[str]]:
    return load_zendesk_pages(
        [PAGE_1, PAGE_2], product="Protheus", module="Faturamento", sections_path=SECTIONS
    )


@pytest.fixture(scope="module")
def by_id(loaded: tuple[list[Article], list[str]]) -> dict[str, Article]:
    return {article.id: article for article in loaded[0]}


def raw_article(article_id: int) -> dict[str, Any]:
    for path in (PAGE_1, PAGE_2):
        for item in json.loads(path.read_text(encoding="utf-8"))["articles"]:
            if item["id"] == article_id:
                return dict(item)
    raise AssertionError(f"no article {article_id} in the fixtures")


def write_page(tmp_path: Path, name: str, articles: list[Any], next_page: str | None = None) -> Path:
    path = tmp_path / name
    page = {"articles": articles, "next_page": next_page, "page": 1, "page_count": 1, "per_page": 30}
    path.write_text(json.dumps(page), encoding="utf-8")
    return path


def test_articles_from_every_page_load_in_page_order(loaded: tuple[list[Article], list[str]]) -> None:
    articles, _ = loaded
    assert [article.id for article in articles] == [PT_ID, ES_ID, OUTDATED_ID, EN_ID]


def test_every_problem_names_the_file_the_article_and_the_reason(
    loaded: tuple[list[Article], list[str]],
) -> None:
    _, problems = loaded
    assert problems == [
        f"{PAGE_2}: article 4415511122233: missing title",
        f"{PAGE_2}: article 4415511122244: unknown language 'fr'",
    ]


def test_drafts_are_skipped(by_id: dict[str, Article], loaded: tuple[list[Article], list[str]]) -> None:
    assert not any("4410022233301" in article_id for article_id in by_id)
    assert not any("4410022233301" in problem for problem in loaded[1])  # skipped silently, not a problem
    assert parse_article(raw_article(4410022233301), product="Protheus", module="Faturamento") is None


def test_outdated_articles_are_kept_and_tagged(by_id: dict[str, Article]) -> None:
    assert by_id[OUTDATED_ID].tags == ("sigafis", "mata930", "outdated")
    assert "outdated" not in by_id[PT_ID].tags


def test_labels_become_tags(by_id: dict[str, Article]) -> None:
    assert by_id[PT_ID].tags == ("sigafat", "mv_estado", "nf-e", "mata461")
    assert by_id[ES_ID].tags == ("sigafat", "mv_estado")
    assert by_id[EN_ID].tags == ()


@pytest.mark.parametrize(
    ("locale", "lang"),
    [
        ("pt-br", "pt-BR"),
        ("pt-BR", "pt-BR"),
        ("es", "es"),
        ("es-419", "es"),
        ("es-mx", "es"),
        ("en", "en"),
        ("en-us", "en"),
        ("en-gb", "en"),
        ("fr", None),
        ("pt", None),
        ("pt-pt", None),
        ("esp", None),
    ],
)
def test_locales_map_to_the_supported_languages(locale: str, lang: str | None) -> None:
    assert locale_to_lang(locale) == lang


def test_id_language_url_and_date_come_from_the_api_fields(by_id: dict[str, Article]) -> None:
    article = by_id[ES_ID]
    assert article.lang == "es"  # locale es-419
    assert (
        article.title
        == "Cross Segmentos - Backoffice Protheus - SIGAFAT - ¿Cómo configurar el parámetro MV_ESTADO?"
    )
    assert article.url == (
        "https://centraldeatendimento.totvs.com/hc/es-419/articles/4407163395607-Cross-Segmentos-Backoffice-"
        "Protheus-SIGAFAT-C%C3%B3mo-configurar-el-par%C3%A1metro-MV-ESTADO"
    )
    assert article.updated == date(2023, 11, 2)
    assert (article.product, article.module, article.version) == ("Protheus", "Faturamento", None)
    assert by_id[EN_ID].lang == "en"  # locale en-us


def test_breadcrumb_is_the_section_name_when_known(by_id: dict[str, Article]) -> None:
    assert by_id[PT_ID].breadcrumb == ("Faturamento (SIGAFAT)",)
    assert by_id[ES_ID].breadcrumb == ("Facturación (SIGAFAT)",)
    assert by_id[OUTDATED_ID].breadcrumb == ("Livros Fiscais (SIGAFIS)",)
    assert by_id[EN_ID].breadcrumb == ()  # its section is not in sections.json


def test_without_sections_file_breadcrumbs_are_empty() -> None:
    articles, problems = load_zendesk_pages([PAGE_1, PAGE_2], product="Protheus", module="Faturamento")
    assert [article.breadcrumb for article in articles] == [(), (), (), ()]
    assert len(problems) == 2


def test_body_is_split_into_sections_at_its_headings(by_id: dict[str, Article]) -> None:
    article = by_id[PT_ID]
    assert [(s.id, s.heading) for s in article.sections] == [
        (
            "cross-segmentos-backoffice-protheus-sigafat-erro-mv-estado-na-transmissao-da-nf-e",
            "Cross Segmentos - Backoffice Protheus - SIGAFAT - Erro MV_ESTADO na transmissão da NF-e",
        ),
        ("ambiente", "Ambiente"),
        ("causa", "Causa"),
        ("solucao", "Solução"),
        ("saiba-mais", "Saiba mais"),
    ]
    assert article.sections[0].text.startswith("Ao transmitir a NF-e pela rotina MATA461")
    assert [s.heading for s in by_id[EN_ID].sections] == ["Question", "Answer"]  # <h1> headings


def test_body_keeps_tables_lists_and_code_and_drops_images(by_id: dict[str, Article]) -> None:
    solution = by_id[PT_ID].section("solucao")
    assert solution is not None
    assert solution.text == (
        "1. Acesse o **Configurador (SIGACFG)** > Ambiente > Cadastros > Parâmetros.\n"
        "2. Pesquise `MV_ESTADO` e informe a UF da filial, por exemplo:\n\n"
        "| **Filial** | **Conteúdo** |\n"
        "| --- | --- |\n"
        "| 01 - Matriz São Paulo | SP |\n"
        "| 02 - Filial Belo Horizonte | MG |\n\n"
        "Depois, saia do módulo e transmita a nota novamente."
    )
    spanish = by_id[ES_ID].section("solucion")
    assert spanish is not None
    assert "\n\n### Importante\n\n- Use siempre letras mayúsculas (SP, RJ, MG).\n" in spanish.text
    assert spanish.text.endswith(
        "```sql\nSELECT X6_FIL, X6_CONTEUD FROM SX6010 WHERE X6_VAR = 'MV_ESTADO'\n```"
    )


def test_links_are_kept_and_relative_ones_resolved_against_the_article_url(by_id: dict[str, Article]) -> None:
    learn_more = by_id[PT_ID].section("saiba-mais")
    assert learn_more is not None
    assert (
        "[Protheus - Parâmetro MV_ESTADO](https://tdn.totvs.com/pages/viewpage.action?pageId=235316523)"
        in (learn_more.text)
    )
    assert (
        "[Como reprocessar os livros fiscais](https://centraldeatendimento.totvs.com/hc/pt-br/articles/360051234567)"
        in learn_more.text
    )


def test_an_invalid_json_file_is_reported_and_the_other_pages_still_load() -> None:
    articles, problems = load_zendesk_pages(
        [PAGE_1, TRUNCATED, PAGE_2], product="Protheus", module="Faturamento", sections_path=SECTIONS
    )
    assert [article.id for article in articles] == [PT_ID, ES_ID, OUTDATED_ID, EN_ID]
    assert problems[0].startswith(f"{TRUNCATED}: invalid JSON (")
    assert problems[1:] == [
        f"{PAGE_2}: article 4415511122233: missing title",
        f"{PAGE_2}: article 4415511122244: unknown language 'fr'",
    ]


def test_a_single_page_without_next_page_is_a_complete_listing() -> None:
    articles, problems = load_zendesk_pages([PAGE_2], product="Protheus", module="Faturamento")
    assert [article.id for article in articles] == [EN_ID]
    assert not any("next_page" in problem for problem in problems)


def test_a_last_page_that_still_has_a_next_page_is_reported() -> None:
    articles, problems = load_zendesk_pages([PAGE_1], product="Protheus", module="Faturamento")
    assert len(articles) == 3
    assert problems == [
        f"{PAGE_1}: next_page is 'https://centraldeatendimento.totvs.com/api/v2/help_center/pt-br/articles.json"
        "?page=2&per_page=4' but no later page file was given"
    ]


def test_a_missing_title_raises_an_error_naming_the_article() -> None:
    with pytest.raises(ArticleError, match=r"^article 4415511122233: missing title$"):
        parse_article(raw_article(4415511122233), product="Protheus", module="Estoque")


def test_an_unknown_locale_raises_an_error_naming_the_article() -> None:
    with pytest.raises(ArticleError, match=r"^article 4415511122244: unknown language 'fr'$"):
        parse_article(raw_article(4415511122244), product="Protheus", module="Faturamento")


def test_parse_article_uses_the_given_section_names() -> None:
    data = raw_article(360026420512)
    article = parse_article(data, product="Protheus", module="Faturamento", sections={360004512311: "Notas"})
    assert article is not None
    assert article.breadcrumb == ("Notas",)
    assert parse_article(data, product="Protheus", module="Faturamento") == replace(article, breadcrumb=())


def test_bad_items_are_reported_with_their_position_or_id(tmp_path: Path) -> None:
    good = raw_article(360026420512)
    no_body = {**raw_article(4415511122255), "id": 99, "body": "<p><img src='x.png'></p>"}
    path = write_page(
        tmp_path, "page-1.json", ["not an article", good, no_body, {**good, "updated_at": "ontem"}]
    )
    articles, problems = load_zendesk_pages([path], product="Protheus", module="Faturamento")
    assert [article.id for article in articles] == [PT_ID]
    assert problems == [
        f"{path}: item 0: not a JSON object",
        f"{path}: article 99: the body has no text",
        f"{path}: article 360026420512: updated_at 'ontem' is not an ISO timestamp",
    ]


def test_an_article_repeated_on_a_later_page_is_reported_and_kept_once(tmp_path: Path) -> None:
    first = write_page(tmp_path, "page-1.json", [raw_article(360026420512)], next_page="https://…?page=2")
    second = write_page(tmp_path, "page-2.json", [raw_article(360026420512), raw_article(4415511122255)])
    articles, problems = load_zendesk_pages([first, second], product="Protheus", module="Faturamento")
    assert [article.id for article in articles] == [PT_ID, EN_ID]
    assert problems == [f"{second}: article 360026420512: duplicate of an article on an earlier page"]


def test_a_file_without_an_articles_list_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "sections-by-mistake.json"
    path.write_text(SECTIONS.read_text(encoding="utf-8"), encoding="utf-8")
    articles, problems = load_zendesk_pages([path, PAGE_2], product="Protheus", module="Faturamento")
    assert [article.id for article in articles] == [EN_ID]
    assert problems[0] == f'{path}: no "articles" list or "article" object'


def test_a_bad_sections_file_is_reported_and_articles_still_load() -> None:
    articles, problems = load_zendesk_pages(
        [PAGE_2], product="Protheus", module="Faturamento", sections_path=TRUNCATED
    )
    assert [article.id for article in articles] == [EN_ID]
    assert problems[0].startswith(f"{TRUNCATED}: invalid JSON (")
    assert problems[0].endswith("(breadcrumbs left empty)")


def test_a_missing_page_file_is_reported(tmp_path: Path) -> None:
    articles, problems = load_zendesk_pages([tmp_path / "page-9.json", PAGE_2], product="P", module="M")
    assert [article.id for article in articles] == [EN_ID]
    assert problems[0].startswith(f"{tmp_path / 'page-9.json'}: cannot read the file")


def test_a_last_cursor_page_that_has_more_pages_is_reported_with_its_next_link() -> None:
    articles, problems = load_zendesk_pages([CURSOR_1], product="Protheus", module="Financeiro")
    assert [article.id for article in articles] == ["zendesk-4419001122301-pt-BR", "zendesk-4419001122311-es"]
    assert problems == [
        f"{CURSOR_1}: meta.has_more is true: more pages exist at links.next "
        "'https://centraldeatendimento.totvs.com/api/v2/help_center/pt-br/articles.json"
        "?page%5Bafter%5D=aCs9MTA5ODc2NTQzMjEwOTg%3D&page%5Bsize%5D=2' but no later page file was given"
    ]


def test_cursor_pages_read_to_the_one_without_more_pages_are_complete() -> None:
    _, problems = load_zendesk_pages([CURSOR_1, CURSOR_2_DRAFTS], product="Protheus", module="Financeiro")
    assert not any("has_more" in problem for problem in problems)  # page 2 still has a links.next


def test_a_page_of_only_drafts_reports_how_many_drafts_were_skipped() -> None:
    articles, problems = load_zendesk_pages(
        [CURSOR_1, CURSOR_2_DRAFTS], product="Protheus", module="Financeiro"
    )
    assert len(articles) == 2
    assert problems == [f"{CURSOR_2_DRAFTS}: 2 drafts skipped, no article loaded from this file"]


def test_a_single_article_response_loads_as_one_article() -> None:
    articles, problems = load_zendesk_pages([SHOW_ARTICLE], product="Protheus", module="Financeiro")
    assert problems == []
    [article] = articles
    assert article.id == "zendesk-4419001122341-en"
    assert article.title == (
        "Cross Segments - Backoffice Protheus - SIGAFIN - Bank statement import rejects the OFX file"
    )
    assert article.tags == ("sigafin", "fina473", "ofx")
    assert [section.heading for section in article.sections][1:] == ["Cause", "Solution"]


def test_a_single_article_response_that_is_a_draft_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "article-4410022233301.json"
    path.write_text(json.dumps({"article": raw_article(4410022233301)}), encoding="utf-8")
    articles, problems = load_zendesk_pages([path], product="Protheus", module="Faturamento")
    assert articles == []
    assert problems == [f"{path}: 1 draft skipped, no article loaded from this file"]
