"""What customers type that must never be stored, and the support talk that must stay readable."""

from __future__ import annotations

import pytest

from api.auth import new_key
from api.masking import MASK, Masked, mask_sensitive

JWT = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJhbmFAYWNtZS5jb20ifQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6y"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ('minha senha é "abc 123 xyz", pode testar?', f"minha senha é {MASK}, pode testar?"),
        ("password: 'my secret pass' (the new one)", f"password: {MASK} (the new one)"),
        ("mi contraseña “hola mundo” no funciona", f"mi contraseña {MASK} no funciona"),
        ("a senha do banco é ‘Verão 2024’ agora", f"a senha do banco é {MASK} agora"),  # noqa: RUF001
        ('{"user": "ana", "password": "abc def"}', f'{{"user": "ana", "password": {MASK}}}'),
    ],
)
def test_a_quoted_password_is_masked_whole_even_with_spaces(typed: str, expected: str) -> None:
    assert mask_sensitive(typed) == Masked(expected, ("password",))


def test_the_long_standing_cases_still_hold() -> None:
    assert mask_sensitive("minha senha é abc123 e o CPF 123.456.789-09") == Masked(
        f"minha senha é {MASK} e o CPF {MASK}", ("password", "document")
    )
    assert mask_sensitive("o cartão 4111-1111-1111-1111 e o CNPJ 12345678000195") == Masked(
        f"o cartão {MASK} e o CNPJ {MASK}", ("card", "document")
    )


def test_a_password_in_a_pasted_config_line_is_masked() -> None:
    assert mask_sensitive("DB_PASSWORD=Segredo123\nDB_USER=totvs") == Masked(
        f"DB_PASSWORD={MASK}\nDB_USER=totvs", ("password",)
    )


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        (
            "a API https://user:p4ss@erp.acme.com/rest dá 401",
            f"a API https://{MASK}@erp.acme.com/rest dá 401",
        ),
        (
            "o XML fica em ftp://joao:p@ss2024@ftp.acme.com.br/xml",
            f"o XML fica em ftp://{MASK}@ftp.acme.com.br/xml",
        ),
        (
            "DATABASE_URL=postgresql://totvs:Pw!2024@db:5432/protheus",
            f"DATABASE_URL=postgresql://{MASK}@db:5432/protheus",
        ),
        (
            "la conexión jdbc:sqlserver://sa:Clave1@10.0.0.5:1433 falla",
            f"la conexión jdbc:sqlserver://{MASK}@10.0.0.5:1433 falla",
        ),
        ("redis://:only-a-password@cache:6379/0", f"redis://{MASK}@cache:6379/0"),
    ],
)
def test_credentials_in_a_url_are_masked_and_the_host_stays_visible(typed: str, expected: str) -> None:
    assert mask_sensitive(typed) == Masked(expected, ("url_credentials",))


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        (f"Authorization: Bearer {JWT}", f"Authorization: Bearer {MASK}"),
        (
            "mandei o header Authorization: Bearer eyJhbGciOi... e deu 401",
            f"mandei o header Authorization: Bearer {MASK} e deu 401",
        ),
        (
            "curl -H 'authorization: Basic dXNlcjpwYXNz' https://erp",
            f"curl -H 'authorization: Basic {MASK}' https://erp",
        ),
        ("uso bearer abc123def456 no Postman", f"uso bearer {MASK} no Postman"),
        ("Token: Bearer abcdef", f"Token: Bearer {MASK}"),
    ],
)
def test_a_bearer_or_authorization_token_is_masked(typed: str, expected: str) -> None:
    assert mask_sensitive(typed) == Masked(expected, ("token",))


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("o token: 9f8e7d6c não funciona", f"o token: {MASK} não funciona"),
        ("token=abc mas dá erro", f"token={MASK} mas dá erro"),
        ("mi api_key=AKIA1234 expiró", f"mi api_key={MASK} expiró"),
        ("apikey: ZXCV-0987", f"apikey: {MASK}"),
        ("X-Api-Key: qwerty42", f"X-Api-Key: {MASK}"),
        ("the api-key = lmno5678 is rejected", f"the api-key = {MASK} is rejected"),
        ("access_token=ya29.a0Af", f"access_token={MASK}"),
        ("client_secret=Zm9vYmFy and client_id=erp-web", f"client_secret={MASK} and client_id=erp-web"),
        ('secret: "uma frase secreta"', f"secret: {MASK}"),
        ('{"api_key": "k-123"}', f'{{"api_key": {MASK}}}'),
        ("GET /rest/api?api_key=XYZ&x=1 devolve 403", f"GET /rest/api?api_key={MASK}&x=1 devolve 403"),
    ],
)
def test_a_labelled_token_or_key_loses_its_value_and_keeps_its_label(typed: str, expected: str) -> None:
    assert mask_sensitive(typed) == Masked(expected, ("token",))


def test_our_own_api_keys_are_masked_anywhere_even_without_a_label() -> None:
    for _ in range(50):  # url-safe base64 may start or end with "-" or "_"
        key = new_key()
        assert mask_sensitive(f"a chave {key} parou de funcionar") == Masked(
            f"a chave {MASK} parou de funcionar",
            ("api_key",),
        )
        assert mask_sensitive(f"X-API-Key:{key}") == Masked(f"X-API-Key:{MASK}", ("api_key",))


def test_a_jwt_is_masked_anywhere_even_without_a_label() -> None:
    assert mask_sensitive(f"el portal devolvió {JWT}, ¿sirve?") == Masked(
        f"el portal devolvió {MASK}, ¿sirve?", ("token",)
    )


def test_a_card_number_written_with_dots_is_masked_if_luhn_valid() -> None:
    assert mask_sensitive("cartão 4111.1111.1111.1111.") == Masked(f"cartão {MASK}.", ("card",))
    assert mask_sensitive("pedido 4111.1111.1111.1112") == Masked("pedido 4111.1111.1111.1112", ())


def test_a_card_number_is_masked_next_to_other_numbers_and_the_spacing_kept() -> None:
    assert mask_sensitive("cartão 4111 1111 1111 1111 12/27 e nada mais") == Masked(
        f"cartão {MASK} 12/27 e nada mais",
        ("card",),
    )
    assert mask_sensitive("cartão nº 1 5500-0000-0000-0004 ok") == Masked(f"cartão nº 1 {MASK} ok", ("card",))


@pytest.mark.parametrize(
    "document",
    ["123 456 789 09", "123.456.789 09", "123 456 789-09", "12 345 678 0001 95", "12.345.678 0001 95"],
)
def test_a_cpf_or_cnpj_written_with_spaces_is_masked(document: str) -> None:
    assert mask_sensitive(f"meu documento é {document}, obrigado") == Masked(
        f"meu documento é {MASK}, obrigado", ("document",)
    )


def test_numbers_grouped_by_spaces_without_cpf_or_cnpj_check_digits_stay() -> None:
    for text in ("lote 123 456 789 10 com erro", "notas 12 345 678 0001 97 e 98"):
        assert mask_sensitive(text) == Masked(text, ())


@pytest.mark.parametrize(
    "text",
    [
        "esqueci a senha do portal",
        "a senha do 'Portal do Cliente' não abre",
        "erro 403 na rotina MATA410 depois de atualizar para 12.1.2310",
        "o chamado #104233 de 19/12/2021 (2021-12-19 às 10.30) continua aberto",
        "liguei para +55 11 4003-0015 e +55 11 98765-4309",  # the mobile one is Luhn-valid
        "el token expiró y the bearer authentication fails",
        "token_type=bearer expires_in=3600",
        "https://erp.acme.com:8080/rest/api?email=ana@acme.com",
        "ssh://git@github.com/acme/erp.git",
        "chave de acesso 35191112345678000195550010000012341000012345",
        "I forgot my password, can you reset it?",
    ],
)
def test_ordinary_support_talk_stays_readable(text: str) -> None:
    assert mask_sensitive(text) == Masked(text, ())


def test_kinds_are_reported_once_each() -> None:
    typed = (
        "senha: Segredo123, password: 'a b', https://u:p@erp.acme.com, token=x1, token=x2, "
        f"{new_key()}, cartão 4111 1111 1111 1111, CPF 123.456.789-09, CNPJ 12.345.678/0001-95"
    )
    assert set(mask_sensitive(typed).kinds) == {
        "password",
        "url_credentials",
        "token",
        "api_key",
        "card",
        "document",
    }
    assert len(mask_sensitive(typed).kinds) == 6


def test_masking_an_already_masked_text_again_changes_nothing() -> None:
    once = mask_sensitive(f"senha: Segredo123 token={JWT} Authorization: Bearer {new_key()}").text
    assert "Segredo123" not in once and "eyJ" not in once and "sk_" not in once
    assert mask_sensitive(once) == Masked(once, ())


@pytest.mark.parametrize(
    "hostile",
    [
        "a" * 100_000,
        "senha " * 20_000,
        "1 " * 50_000,
        "1." * 50_000,
        "a:" * 50_000,
        "https://" + "a:" * 50_000,
        "eyJ." * 25_000,
        "bearer " * 15_000,
        "x_" * 50_000,
        "token=" * 20_000 + " ",
        'senha "' + "a" * 100_000,
    ],
)
def test_a_huge_hostile_message_is_still_masked(hostile: str) -> None:
    """Quadratic patterns would take minutes here; linear ones take milliseconds."""
    masked = mask_sensitive(hostile + " e a senha: Segredo123")
    assert masked.text.endswith(f" e a senha: {MASK}")
    assert "Segredo123" not in masked.text and "password" in masked.kinds
