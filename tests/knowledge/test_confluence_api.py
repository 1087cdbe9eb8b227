"""Pulling a Confluence space through its REST API, against a stand-in speaking the documented shapes."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest

from knowledge.confluence_api import confluence_client, fetch_space, page_to_article
from knowledge.rest_client import RestClient, RestError, retry_after
from tests.support.confluence_stand_in import API_TOKEN, PERSONAL_TOKEN, USER, ConfluenceStandIn


@pytest.fixture
def confluence() -> Iterator[ConfluenceStandIn]:
    stand_in = ConfluenceStandIn(space="TDN")
    for number in range(1, 6):
        stand_in.add(
            100 + number,
            f"Parâmetro MV_TESTE{number}",
            f"<p>O parâmetro MV_TESTE{number} controla o teste.</p><h2>Solução</h2><p>Passo {number}.</p>",
            ancestors=("Protheus", "Parâmetros"),
        )
    with stand_in.running():
        yield stand_in


def client(
    stand_in: ConfluenceStandIn,
    waits: list[float],
    user: str = USER,
    api_token: str = API_TOKEN,
    token: str = "",
) -> RestClient:
    return confluence_client(
        f"{stand_in.url}/wiki", user=user, api_token=api_token, token=token, sleep=waits.append
    )


def test_every_page_of_the_space_is_fetched_by_following_the_next_links(
    confluence: ConfluenceStandIn,
) -> None:
    with client(confluence, []) as api:
        space = fetch_space(api, "TDN", page_size=2)
    assert [page["id"] for page in space.pages] == ["101", "102", "103", "104", "105"]
    assert [query["start"] for _, query in confluence.requests] == ["0", "2", "4"]  # three pages of two
    assert all(query["expand"] == "body.storage,version,ancestors" for _, query in confluence.requests)
    assert space.site == f"{confluence.url}/wiki"


def test_a_page_becomes_an_article_with_its_link_date_and_ancestors(confluence: ConfluenceStandIn) -> None:
    confluence.edit(101, "<p>Texto revisto.</p>", when="2026-11-28T09:30:00.000-03:00")
    with client(confluence, []) as api:
        space = fetch_space(api, "TDN")
    article = page_to_article(
        space.pages[0], article_id="confluence-tdn-101", site=space.site, lang="pt-BR", product="Protheus",
        module="Configurador",
    )  # fmt: skip
    assert article.url == f"{confluence.url}/wiki/spaces/TDN/pages/101/Par%C3%A2metro+MV_TESTE1"
    assert (article.updated, article.breadcrumb) == (date(2026, 11, 28), ("Protheus", "Parâmetros"))
    assert article.sections[0].text == "Texto revisto."


def test_a_data_center_personal_access_token_is_sent_as_bearer(confluence: ConfluenceStandIn) -> None:
    with client(confluence, [], user="", api_token="", token=PERSONAL_TOKEN) as api:
        assert len(fetch_space(api, "TDN").pages) == 5


def test_a_429_waits_what_retry_after_says_then_goes_on(confluence: ConfluenceStandIn) -> None:
    confluence.fail(lambda path, query: query.get("start") == "2", 429, times=1, retry_after="1")
    waits: list[float] = []
    with client(confluence, waits) as api:
        assert len(fetch_space(api, "TDN", page_size=2).pages) == 5
    assert waits == [1.0]  # waited exactly the Retry-After, and only once


def test_a_503_and_a_dropped_connection_are_retried_with_backoff(confluence: ConfluenceStandIn) -> None:
    confluence.fail(lambda path, query: query.get("start") == "0", 503, times=1)
    confluence.fail(lambda path, query: query.get("start") == "2", 0, times=1)  # connection closed, no answer
    waits: list[float] = []
    with client(confluence, waits) as api:
        assert len(fetch_space(api, "TDN", page_size=2).pages) == 5
    assert len(waits) == 2 and all(1.0 <= wait <= 2.0 for wait in waits)  # 1 s backoff plus up to 1 s jitter


def test_a_page_that_keeps_failing_gives_up_after_five_attempts_with_capped_waits(
    confluence: ConfluenceStandIn,
) -> None:
    confluence.fail(lambda path, query: query.get("start") == "4", 500)
    waits: list[float] = []
    with client(confluence, waits) as api, pytest.raises(RestError, match="answered 500, 5 times"):
        fetch_space(api, "TDN", page_size=2)
    assert len(waits) == 4 and waits[-1] >= 8.0
    assert [query["start"] for _, query in confluence.requests].count("4") == 5


def test_a_long_retry_after_is_capped_at_a_minute(confluence: ConfluenceStandIn) -> None:
    confluence.fail(lambda path, query: True, 429, times=1, retry_after="3600")
    waits: list[float] = []
    with client(confluence, waits) as api:
        fetch_space(api, "TDN")
    assert waits == [60.0]


def test_wrong_credentials_and_a_wrong_space_say_what_to_check(confluence: ConfluenceStandIn) -> None:
    with client(confluence, [], user=USER, api_token="wrong") as api, pytest.raises(RestError) as denied:
        fetch_space(api, "TDN")
    assert "answered 401" in str(denied.value) and "CONFLUENCE_API_TOKEN" in str(denied.value)
    with (
        client(confluence, []) as api,
        pytest.raises(RestError, match=r"404: check --base-url .* and --space"),
    ):
        fetch_space(api, "NOPE")
    with pytest.raises(RestError, match="go together"):
        confluence_client(confluence.url, user=USER)


def test_retry_after_reads_seconds_and_http_dates() -> None:
    now = datetime(2026, 12, 1, 12, 0, 0, tzinfo=UTC)
    assert retry_after("7", now) == 7.0
    assert retry_after("Tue, 01 Dec 2026 12:00:30 GMT", now) == 30.0
    assert retry_after("Tue, 01 Dec 2026 11:00:00 GMT", now) == 0.0  # already past
    assert retry_after(None) is None and retry_after("soon") is None
