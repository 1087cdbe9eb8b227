"""TDN pages exported as text from the compare-versions view, on fixtures shaped like the real exports.

- ``protheus-acessos-deck-of-cards.txt``: Portuguese interface; a Protheus Configurador page laid out with
  Column, Table of Contents (Índice), Livesearch and Panel macros, a Deck of Cards of three cards, emoticons.
- ``protheus-mi-cancelacion-cfdi-en-ui.txt``: a Spanish page exported with the English interface; its
  "Motivos de cancelación" expand was rewritten, so the export prints the removed copy and then the added one.

The two real pages are tested in ``test_confluence_seeds.py``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from core.articles import Article
from knowledge.confluence_text import load_text_export
from tests.knowledge.confluence_support import all_text, text_of

FIXTURES = Path(__file__).parents[1] / "fixtures" / "tdn"
DECK = FIXTURES / "protheus-acessos-deck-of-cards.txt"
CFDI = FIXTURES / "protheus-mi-cancelacion-cfdi-en-ui.txt"
PT_HEADER = "Árvore de páginas\n\nVersões comparadas\n\nChave\n\n  • Esta linha foi adicionada.\n\n"


def load(path: Path, lang: str = "pt-BR") -> tuple[Article, list[str]]:
    return load_text_export(
        path, article_id=path.stem, lang=lang, product="Protheus", module="Configurador", url="https://tdn"
    )


def export(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "pagina.txt"
    path.write_text(PT_HEADER + body, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "parameter",
    ["id001", "tabLocationleft", "labelAcessos", "width5%", "width95%", "borderStylenone", "maxLevel1",
     "outlinetrue", "spaceKey@self"],
)  # fmt: skip
def test_macro_parameters_never_reach_the_indexed_text(parameter: str) -> None:
    assert parameter not in all_text(load(DECK)[0])


@pytest.mark.parametrize(
    ("path", "names"),
    [
        (DECK, ["Column", "Índice", "Livesearch", "Painel", "Deck of Cards", "Dica"]),
        (CFDI, ["Table of Contents", "Anchor", "Expand", "Tip"]),
    ],
)
def test_macro_names_printed_on_their_own_line_are_dropped(path: Path, names: list[str]) -> None:
    lines = all_text(load(path)[0]).splitlines()
    assert [line for line in lines if line in names] == []


def test_each_card_of_a_deck_of_cards_is_a_section_headed_by_its_label() -> None:
    article, _ = load(DECK)
    assert [section.heading for section in article.sections] == [
        "PROTHEUS - CONFIGURADOR (SIGACFG) - ACESSOS DE USUÁRIOS",
        "Acessos",
        "Perfis",
        "Bloqueio de senha",
    ]
    assert text_of(article, "Acessos").startswith("Para liberar o acesso de um novo usuário:\n- Acesse")
    assert text_of(article, "Perfis").startswith("Os perfis (grupos de usuários) evitam repetir")


def test_emoticons_are_removed_from_the_sentence_they_sit_in() -> None:
    deck = all_text(load(DECK)[0])
    assert "(estrela)" not in deck
    assert ":)" not in deck
    assert "no Configurador. Antes de abrir um chamado, confira" in deck
    assert "antes de alterar um grupo em produção.\n" in deck
    cfdi = all_text(load(CFDI, "es")[0])
    assert "(smile)" not in cfdi
    assert "(tick)" not in cfdi
    assert "informe también el UUID del comprobante que sustituye al cancelado.\n" in cfdi


def test_the_english_interface_chrome_is_removed() -> None:
    article, _ = load(CFDI, "es")
    text = all_text(article)
    for chrome in (
        "Page Tree",
        "Expand all",
        "Collapse all",
        "root",
        "Versions Compared",
        "Key",
        "This line was added.",
        "This line was removed.",
        "Formatting was changed.",
        "Compared with Current",
        "View Page History",
    ):
        assert chrome not in text, chrome
    assert article.sections[0].text.endswith("un CFDI timbrado ante el SAT, para clientes de México.")


@pytest.mark.parametrize(
    "header",
    [
        ["Árvore de páginas", "Versões comparadas", "Chave", "Esta linha foi adicionada.",
         "Esta linha foi removida.", "A formatação mudou."],
        ["Árbol de páginas", "Versiones comparadas", "Clave", "Se ha añadido esta línea.",
         "Se ha eliminado esta línea.", "Se ha cambiado el formato."],
        ["Page Tree", "Versions Compared", "Key", "This line was added.", "This line was removed.",
         "Formatting was changed."],
    ],
    ids=["pt", "es", "en"],
)  # fmt: skip
def test_the_compare_view_header_is_chrome_in_every_interface_language(
    tmp_path: Path, header: list[str]
) -> None:
    page_tree, compared, key, *legend = header
    bullets = "\n".join(f"  • {line}" for line in legend)
    path = tmp_path / "page.txt"
    path.write_text(
        f"{page_tree}\n\n{compared}\n\n{key}\n\n{bullets}\n\nSIGAFAT\n\nTexto.\n", encoding="utf-8"
    )
    assert all_text(load(path)[0]) == "SIGAFAT\nTexto."


def test_the_removed_copy_of_a_rewritten_expand_is_dropped() -> None:
    article, warnings = load(CFDI, "es")
    assert [section.heading for section in article.sections].count("Motivos de cancelación") == 1
    assert text_of(article, "Motivos de cancelación").startswith(
        "Desde la versión 4.0 del CFDI, toda cancelación debe informar uno de los motivos"
    )
    assert "El SAT no exige informar un motivo" not in all_text(article)
    assert warnings == []


def test_a_part_moved_unchanged_is_kept_once(tmp_path: Path) -> None:
    moved = "Expandir\ntitlePrazo de resposta\n\nO Suporte responde em até 8 horas úteis.\n\n"
    path = export(tmp_path, f"{moved}CANAIS\n\nPortal do Cliente e telefone.\n\n{moved}")
    article, warnings = load(path)
    assert [(s.heading, s.text) for s in article.sections] == [
        ("CANAIS", "Portal do Cliente e telefone."),
        ("Prazo de resposta", "O Suporte responde em até 8 horas úteis."),
    ]
    assert warnings == []


def test_copies_that_nothing_tells_apart_are_all_kept_and_reported(tmp_path: Path) -> None:
    path = export(
        tmp_path,
        "Expandir\ntitlePrazo de resposta\n\nO Suporte responde em até 8 horas úteis.\n\n"
        "Expandir\ntitlePrazo de resposta\n\nO Suporte responde em até 4 horas úteis.\n",
    )
    article, warnings = load(path)
    assert [s.text for s in article.sections] == [
        "O Suporte responde em até 8 horas úteis.",
        "O Suporte responde em até 4 horas úteis.",
    ]
    assert warnings == [
        f"{path}: compare view: 'Prazo de resposta' is printed 2 times with different text and no image "
        "marker shows which copy is current; all copies kept"
    ]


def test_a_part_printed_once_is_kept_even_when_its_images_were_removed(tmp_path: Path) -> None:
    path = export(
        tmp_path, "MANUTENÇÃO PROGRAMADA\n\nO ambiente fica fora do ar das 22h às 4h.\n\nImage Removed\n"
    )
    article, _ = load(path)
    assert all_text(article) == "MANUTENÇÃO PROGRAMADA\nO ambiente fica fora do ar das 22h às 4h."
