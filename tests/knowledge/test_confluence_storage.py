"""Confluence pages in the storage format (REST API): a TDN-style parameter page (pt-BR), and pages
whose text Markdown could misread (task lists, pipes in tables, fences in code, text that looks like
Markdown or HTML).

The "Export to HTML" files are in ``test_confluence_html.py``.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from core.articles import Article, ArticleError
from knowledge.confluence_html import load_confluence_storage
from tests.knowledge.confluence_support import (
    FIXTURES,
    MARKDOWN,
    STORAGE_PAGES,
    all_text,
    leftover_markup,
    raw_html,
    rendered,
    storage_article,
    table_rows,
    text_of,
)

STORAGE = FIXTURES / "protheus-parametro-mv-estado.storage.xhtml"
PAGE_TITLE = "Protheus - Parâmetro MV_ESTADO"
CHECKLIST = FIXTURES / "protheus-checklist-atualizacao-release.storage.xhtml"
CONCATENATION = FIXTURES / "protheus-concatenacion-campos-base-datos.storage.xhtml"
SUPPORT_LOG = FIXTURES / "protheus-enviar-log-ao-suporte.storage.xhtml"


@pytest.fixture(scope="module")
def page() -> Article:
    return load_confluence_storage(
        STORAGE.read_text(encoding="utf-8"),
        article_id="tdn-235316523",
        title=PAGE_TITLE,
        lang="pt-BR",
        product="Protheus",
        module="Livros Fiscais",
        url="https://tdn.totvs.com/pages/viewpage.action?pageId=235316523",
        breadcrumb=("Protheus", "Parâmetros", "Livros Fiscais"),
        tags=("mv_estado", "icms"),
        version="12.1.2310",
        updated=date(2024, 5, 14),
    )


def test_metadata_given_by_the_caller_is_kept(page: Article) -> None:
    assert (page.id, page.title, page.lang, page.product, page.module) == (
        "tdn-235316523",
        PAGE_TITLE,
        "pt-BR",
        "Protheus",
        "Livros Fiscais",
    )
    assert page.url == "https://tdn.totvs.com/pages/viewpage.action?pageId=235316523"
    assert page.breadcrumb == ("Protheus", "Parâmetros", "Livros Fiscais")
    assert page.tags == ("mv_estado", "icms")
    assert page.version == "12.1.2310"
    assert page.updated == date(2024, 5, 14)


def test_sections_follow_the_page_in_order_with_unique_ids(page: Article) -> None:
    assert [(s.id, s.heading) for s in page.sections] == [
        ("protheus-parametro-mv-estado", PAGE_TITLE),
        ("descricao", "Descrição"),
        ("como-configurar", "Como configurar"),
        ("consultar-o-conteudo-direto-no-banco-de-dados", "Consultar o conteúdo direto no banco de dados"),
        ("erros-comuns", "Erros comuns"),
        ("parametros-relacionados", "Parâmetros relacionados"),
    ]


def test_text_before_the_first_heading_is_a_section_headed_by_the_page_title(page: Article) -> None:
    intro = page.sections[0]
    assert intro.heading == PAGE_TITLE
    assert "O parâmetro **MV_ESTADO** informa a sigla da Unidade Federativa" in intro.text


def test_headings_nested_in_layouts_still_start_sections(page: Article) -> None:
    # "Descrição" and "Como configurar" sit inside ac:layout > ac:layout-section > ac:layout-cell.
    assert text_of(page, "Descrição").startswith("| Parâmetro | Tipo |")
    assert text_of(page, "Como configurar").startswith("1. Acesse o módulo Configurador.")


def test_h3_headings_stay_inside_their_section_as_markdown_subheadings(page: Article) -> None:
    assert "Observações" not in [s.heading for s in page.sections]
    assert "\n\n### Observações\n\n" in text_of(page, "Erros comuns")


def test_an_expand_macro_becomes_a_section_with_its_title(page: Article) -> None:
    expand = text_of(page, "Consultar o conteúdo direto no banco de dados")
    assert expand.startswith("Para conferir o valor gravado em todas as filiais")
    assert "Consultar o conteúdo" not in text_of(page, "Como configurar")


def test_text_after_an_expand_returns_to_the_section_it_interrupted(page: Article) -> None:
    configure = text_of(page, "Como configurar")
    assert "saia e entre novamente no módulo" in configure
    assert "saia e entre novamente" not in text_of(page, "Consultar o conteúdo direto no banco de dados")


def test_an_expand_without_title_keeps_its_body_in_place() -> None:
    article = storage_article(
        '<p>Antes.</p><ac:structured-macro ac:name="expand"><ac:rich-text-body><p>Detalhe.</p>'
        "</ac:rich-text-body></ac:structured-macro><p>Depois.</p>"
    )
    assert [(s.heading, s.text) for s in article.sections] == [
        ("Página de teste", "Antes.\n\nDetalhe.\n\nDepois.")
    ]


def test_an_expand_inside_a_table_stays_in_its_cell_with_the_title_in_bold() -> None:
    article = storage_article(
        "<table><tbody><tr><th>Campo</th><th>Uso</th></tr><tr><td>C5_NUM</td><td>"
        '<ac:structured-macro ac:name="expand"><ac:parameter ac:name="title">Ver exemplo</ac:parameter>'
        "<ac:rich-text-body><p>000123</p></ac:rich-text-body></ac:structured-macro></td></tr></tbody></table>"
    )
    assert len(article.sections) == 1
    assert " ".join(article.sections[0].text.split("\n")[2].split()) == "| C5_NUM | **Ver exemplo** 000123 |"


def test_anchor_macros_leave_no_text(page: Article) -> None:
    # The page's anchors are named ancora-topo, ancora-descricao, ancora-configurar and ancora-fim.
    assert "ancora" not in all_text(page)
    assert text_of(page, "Descrição")  # the heading that held an anchor keeps its own text


def test_macro_parameters_never_leak_into_the_text(page: Article) -> None:
    text = all_text(page)
    for parameter in ("Green", "#F4F5F7", "maxLevel", "linenumbers", "incomplete", "smile"):
        assert parameter not in text


def test_status_macro_becomes_its_title_in_brackets(page: Article) -> None:
    assert page.sections[0].text.startswith("Situação da documentação: [CONCLUÍDO]\n")


def test_panels_and_admonitions_keep_their_body_with_the_title_in_bold(page: Article) -> None:
    assert "**Filiais em estados diferentes**\n\nQuando cada filial está em uma UF" in text_of(
        page, "Como configurar"
    )
    errors = text_of(page, "Erros comuns")
    assert errors.startswith("Com o parâmetro vazio ou com uma sigla inválida")  # warning without title
    assert "**Atenção**\n\nAlterar o MV_ESTADO não recalcula notas" in errors
    assert "**Legislação**\n\nA alíquota interestadual" in text_of(page, "Parâmetros relacionados")


def test_code_macros_become_fenced_code_blocks_with_language_and_title(page: Article) -> None:
    assert (
        "**SX6 - conteúdo por filial**\n\n"
        "```sql\n"
        "SELECT X6_FIL, X6_CONTEUD\n"
        "  FROM SX6010\n"
        " WHERE X6_VAR = 'MV_ESTADO'\n"
        "   AND D_E_L_E_T_ <> '*'\n"
        "```"
    ) in text_of(page, "Consultar o conteúdo direto no banco de dados")


def test_noformat_macros_become_fenced_code_blocks(page: Article) -> None:
    assert (
        "```\nTHREAD ERROR ([4120], fatura01, SRVPROTHEUS)   10/07/2019   15:02:31\n"
        "Parametro MV_ESTADO nao preenchido ou invalido (XX) on MAFISINI(MATXFIS.PRX) 09/07/2019"
        " line : 1533\n```"
    ) in text_of(page, "Erros comuns")


def test_tables_become_markdown_tables(page: Article) -> None:
    description = text_of(page, "Descrição")
    assert (
        "| Parâmetro | Tipo | Tamanho | Conteúdo padrão |\n"
        "| --- | --- | --- | --- |\n"
        "| MV_ESTADO | Caractere | 2 | SP |"
    ) in description
    # A table without <th> cells still gets the header separator that makes it a Markdown table.
    assert "| SP | São Paulo |\n| --- | --- |\n| MG | Minas Gerais |" in description


def test_images_and_attachments_are_dropped(page: Article) -> None:
    text = all_text(page)
    for name in ("image2019-7-10_15-2-31", "pesquisa-parametro", "tabela-aliquotas-icms-2019", "fluxo-icms"):
        assert name not in text
    assert "![" not in text
    assert "Fluxo de cálculo" not in text  # an image's caption and alt text go with it
    # The "Anexos" heading held only an image: an empty section is dropped.
    assert "Anexos" not in [s.heading for s in page.sections]


def test_page_links_and_user_mentions_become_their_text(page: Article) -> None:
    assert "1. Acesse o módulo Configurador.\n" in text_of(page, "Como configurar")
    assert text_of(page, "Parâmetros relacionados").startswith(
        "- Protheus - Parâmetro MV_ICMPAD\n- Protheus - Parâmetro MV_NORTE\n\n"
    )
    # A user known by name keeps it; one stored only by key has no text to show.
    assert "fale com jose.almeida ou ." in text_of(page, "Erros comuns")


def test_external_links_stay_markdown_links(page: Article) -> None:
    assert "[CONFAZ](https://www.confaz.fazenda.gov.br/)" in text_of(page, "Parâmetros relacionados")


def test_task_lists_become_checklists(page: Article) -> None:
    assert text_of(page, "Como configurar").endswith(
        "- [ ] Conferir o cadastro de clientes (A1_EST)\n- [x] Conferir o cadastro de fornecedores (A2_EST)"
    )


def test_html_entities_are_decoded_and_blank_paragraphs_vanish(page: Article) -> None:
    text = all_text(page)
    assert "&" not in text  # the page has no ampersand of its own: any would be an undecoded entity
    assert "\u00a0" not in text
    assert "\n\n\n" not in text


def test_empty_headings_are_ignored(page: Article) -> None:
    # The page has an "<h2>&nbsp;</h2>" between the two tables of "Descrição".
    assert all(section.heading.strip() for section in page.sections)
    assert "Exemplos de conteúdo:" in text_of(page, "Descrição")


def test_identical_headings_get_distinct_ids() -> None:
    article = storage_article("<h2>Exemplo</h2><p>Um.</p><h2>Exemplo</h2><p>Dois.</p>")
    assert [(s.id, s.text) for s in article.sections] == [("exemplo", "Um."), ("exemplo-2", "Dois.")]


def test_slightly_broken_storage_is_recovered() -> None:
    article = storage_article("<p>Texto com <strong>negrito sem fechamento</p>")
    assert article.sections[0].text == "Texto com **negrito sem fechamento**"


def test_storage_lxml_cannot_recover_is_an_error_naming_the_article() -> None:
    with pytest.raises(ArticleError, match=r"^tdn-1: .*malformed XML.*invalid element name"):
        storage_article("<<<")


def test_a_page_without_content_is_an_error() -> None:
    with pytest.raises(ArticleError, match=r"^tdn-1: the page has no content"):
        storage_article('<p>&nbsp;</p><ac:image><ri:attachment ri:filename="a.png" /></ac:image>')


def test_a_page_without_title_is_an_error() -> None:
    with pytest.raises(ArticleError, match=r"^tdn-1: the page has no title"):
        storage_article("<p>Texto.</p>", title="  ")


def test_an_unsupported_language_is_an_error() -> None:
    with pytest.raises(ArticleError, match=r"^tdn-1: lang 'fr'"):
        load_confluence_storage(
            "<p>Texte.</p>", article_id="tdn-1", title="T", lang="fr", product="P", module="M", url="u"
        )


# --- text that Markdown could misread ----------------------------------------------------------------


@pytest.fixture(scope="module")
def concatenation() -> Article:
    return storage_article(
        CONCATENATION.read_text(encoding="utf-8"), title="Concatenación de campos", lang="es"
    )


@pytest.fixture(scope="module")
def support_log() -> Article:
    return storage_article(SUPPORT_LOG.read_text(encoding="utf-8"), title="Como enviar o log ao suporte")


def test_a_task_list_shows_only_what_each_task_says_ticked_as_in_confluence() -> None:
    checklist = storage_article(CHECKLIST.read_text(encoding="utf-8"), title="Checklist de atualização")
    # Ids, uuids and statuses are gone; the task with only a blank placeholder leaves no empty box.
    assert text_of(checklist, "Antes da atualização") == (
        "- [x] Gerar o backup completo do banco de dados e do diretório Protheus_Data\n"
        "- [x] Avisar os usuários sobre a parada (responsável: carla.menezes, até 2024-11-08)\n"
        "- [ ] Baixar os pacotes da release no Portal do Cliente:\n"
        "  - [x] binário do AppServer e do SmartClient\n"
        "  - [ ] dicionário de dados e pacote de expedição contínua"
    )
    assert text_of(checklist, "Depois da atualização").endswith(
        "- [ ] Executar o UPDDISTR e conferir o log de atualização do dicionário\n"
        "- [ ] Emitir uma NF-e de teste em homologação e transmitir pelo **SPED NF-e**"
    )
    assert "incomplete" not in all_text(checklist)


def test_a_pipe_in_a_table_cell_stays_in_its_cell(concatenation: Article) -> None:
    table = text_of(concatenation, "Operador por base de datos")
    assert table_rows(table)[:3] == [
        ["Base de datos", "Operador", "Ejemplo", "Observaciones"],
        [
            "Oracle",
            "||",
            "A1_FILIAL || A1_COD || A1_LOJA",
            "Con campos vacíos, Oracle trata '' como NULL. "
            "Use NVL(A1_LOJA, ' ') si la tienda puede estar en blanco.",
        ],
        ["PostgreSQL", "||", "A1_FILIAL || A1_COD || A1_LOJA", "Igual que Oracle, pero '' no es NULL."],
    ]
    # GFM splits cells at every unescaped pipe, inside code spans too.
    assert "| Oracle | \\|\\| | `A1_FILIAL \\|\\| A1_COD \\|\\| A1_LOJA` |" in table
    # Outside tables a pipe means nothing to Markdown and stays as written.
    assert "el carácter | (barra vertical)" in table


def test_a_cell_with_paragraphs_or_line_breaks_stays_one_row_of_the_table(concatenation: Article) -> None:
    table = text_of(concatenation, "Operador por base de datos")
    # The Oracle cell holds two paragraphs, PostgreSQL's a <br/>, SQL Server's a pasted U+2028 line separator.
    rows = table.split("\n\n")[0].splitlines()[2:]  # after the header and its delimiter row
    assert len(rows) == 3 and all(row.startswith("| ") and row.endswith(" |") for row in rows)
    assert table_rows(table)[3] == [
        "Microsoft SQL Server",
        "+",
        "A1_FILIAL + A1_COD + A1_LOJA",
        "El operador | en SQL Server es el OR bit a bit: no concatena.",
    ]


def test_code_holding_a_fence_gets_a_longer_fence(support_log: Article) -> None:
    section = text_of(support_log, "Montar a descrição do chamado")
    blocks = [token for token in MARKDOWN.parse(section) if token.type == "fence"]
    assert [block.content for block in blocks] == [
        "**Ambiente:** produção, release 12.1.2410\n"
        "**Rotina:** MATA461 (Documento de saída)\n"
        "\n"
        "```\n"
        "THREAD ERROR ([5312], faturamento, SRVPROD)   12/11/2024   09:14:22\n"
        "Rejeicao 539: Duplicidade de NF-e on SPEDNFETRANS(SPEDNFE.PRW)\n"
        "```\n"
    ]
    assert blocks[0].markup == "````"
    # The paragraph after the code is text again.
    assert (
        rendered(section)("p")[-1].get_text()
        == "Sem o log, o suporte pede a coleta antes de iniciar a análise."
    )


def test_paragraphs_starting_like_markdown_syntax_mean_their_literal_text(support_log: Article) -> None:
    headings = ("Coletar o log no servidor Linux", "Montar a descrição do chamado")
    markdown = "\n\n".join(text_of(support_log, heading) for heading in headings)
    structure = {token.type for token in MARKDOWN.parse(markdown)}
    assert not structure & {"heading_open", "bullet_list_open", "ordered_list_open", "blockquote_open", "hr"}
    paragraphs = [paragraph.get_text() for paragraph in rendered(markdown)("p")]
    for literal in (
        "# tail -n 500 /totvs/protheus/bin/appserver/console.log > /tmp/console-chamado.log",
        "- Feche o SmartClient em todas as estações que reproduziram o erro.",
        "* O console.log só é gravado com ConsoleLog=1 na seção [General] do appserver.ini.",
        "1. Ambiente (produção ou homologação) e release, por exemplo 12.1.2410.",
        "2. Rotina e mensagem exibida na tela.",
        "+ Opcional: o appserver.ini, sem as senhas.",
        '> Ao transmitir a nota 000123 aparece "Rejeição 539: Duplicidade de NF-e".',
    ):
        assert literal in paragraphs


def test_tags_written_as_text_stay_text_and_no_raw_html_reaches_the_markdown(concatenation: Article) -> None:
    section = text_of(concatenation, "Correo de cobranza con HTML")
    assert raw_html(section) == []
    page = rendered(section)
    assert [paragraph.get_text() for paragraph in page("p")] == [
        "El cuerpo del correo de cobranza (parámetro MV_XMAILCB) acepta HTML. "
        'Use <br> para saltar de línea y encierre la firma en <div class="firma"> … </div>.',
        '<div class="firma">Departamento de Cobranza, Tel. +54 11 4000-0000</div>',
        "Las etiquetas escritas como código, como <br>, se muestran tal cual. "
        "Nunca pegue <script> en el cuerpo: el servidor de correo rechaza el mensaje.",
    ]
    assert [code.get_text() for code in page("code")] == ["<br>"]


@pytest.mark.parametrize("path", STORAGE_PAGES, ids=lambda path: path.name)
def test_no_storage_page_leaves_tags_task_uuids_or_broken_table_rows(path: Path) -> None:
    assert leftover_markup(storage_article(path.read_text(encoding="utf-8"))) == []
