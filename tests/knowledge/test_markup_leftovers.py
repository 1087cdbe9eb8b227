"""An ingest names the markup an export left in the text, so it is fixed before customers read it."""

from __future__ import annotations

from core.articles import Article, Section
from knowledge.markup_leftovers import find_leftovers


def article(*texts: str, title: str = "Como emitir a NF-e") -> Article:
    sections = tuple(Section(f"s{number}", f"Parte {number}", text) for number, text in enumerate(texts))
    return Article("nfe", title, "pt-BR", "Protheus", "Faturamento", "", sections=sections)


def patterns(found: Article) -> list[str]:
    return [leftover.pattern for leftover in find_leftovers(found)]


def test_clean_markdown_has_no_leftovers() -> None:
    clean = article(
        "Acesse **Faturamento > NF-e** e clique em *Transmitir*.\n\n- [x] Certificado instalado\n"
        "| Campo | Valor |\n|---|---|\n| Série | 1 \\| 2 |\n\n> Atenção: confira o ambiente."
    )
    assert find_leftovers(clean) == []


def test_raw_html_and_confluence_tags_are_found_outside_code_only() -> None:
    found = find_leftovers(
        article(
            'Veja <div class="panel">o painel</div> e <ac:structured-macro ac:name="info">.',
            "Em HTML, use `<div>` assim:\n```html\n<div>exemplo</div>\n```\nE escape \\<div> no texto.",
        )
    )
    assert [(leftover.pattern, leftover.section_id) for leftover in found] == [
        ("html_tag", "s0"),
        ("html_tag", "s0"),
        ("confluence_tag", "s0"),
    ]
    assert "painel" in found[0].excerpt


def test_macro_parameters_task_ids_and_emoticon_names_are_found() -> None:
    found = patterns(
        article(
            "Deck of Cards/id001/tabLocationleft/labelAcessos",
            "Column/width5% borderStylenone maxLevel1/outlinetrue Livesearch/spaceKey@self",
            "- [ ] 6f1c2a9e-3b7d-4c1e-9a8b-2d4f6e8a0c1b Conferir o backup (smile)",
        )
    )
    assert {"macro_parameter", "task_uuid", "emoticon"} <= set(found)
    assert found.count("macro_parameter") >= 7


def test_page_chrome_in_any_of_the_three_languages_is_found() -> None:
    found = patterns(article("Page Tree\nroot\nConteúdo real", "Esta línea fue añadida.\nTexto"))
    assert found == ["page_chrome", "page_chrome", "page_chrome"]


def test_a_table_row_of_another_width_and_an_unclosed_fence_are_found() -> None:
    found = patterns(article("| A | B |\n|---|---|\n| 1 | 2 | 3 |", "```\ncódigo sem fim"))
    assert found == ["uneven_table_row", "unclosed_code_fence"]
