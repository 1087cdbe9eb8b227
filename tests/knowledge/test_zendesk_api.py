"""Pulling Help Center articles through the Zendesk API, against a stand-in speaking the documented shapes."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from knowledge.rest_client import RestClient, RestError
from knowledge.zendesk_api import export_changes, list_articles, list_sections, zendesk_client
from tests.support.zendesk_stand_in import API_TOKEN, EMAIL, HelpArticle, ZendeskStandIn

T0 = 1_790_000_000


@pytest.fixture
def zendesk() -> Iterator[ZendeskStandIn]:
    stand_in = ZendeskStandIn(export_page_size=2, page_size_cap=2)
    for number in range(1, 6):
        stand_in.add(
            HelpArticle(1000 + number, "pt-br", f"Artigo {number}", f"<p>Texto {number}.</p>", 7, T0 + number)
        )
    stand_in.add(HelpArticle(2001, "es", "Artículo", "<p>Texto.</p>", 7, T0 + 10))
    stand_in.sections[(7, "pt-br")] = "Faturamento"
    with stand_in.running():
        yield stand_in


def client(stand_in: ZendeskStandIn, waits: list[float], api_token: str = API_TOKEN) -> RestClient:
    return zendesk_client("acme", email=EMAIL, api_token=api_token, base_url=stand_in.url, sleep=waits.append)


def test_a_locale_is_listed_whole_by_cursor_pagination(zendesk: ZendeskStandIn) -> None:
    with client(zendesk, []) as api:
        articles = list_articles(api, "pt-br")
        sections = list_sections(api, "pt-br")
    assert [article["id"] for article in articles] == [1001, 1002, 1003, 1004, 1005]
    listing = [query for path, query in zendesk.requests if path.endswith("/pt-br/articles")]
    assert len(listing) == 3 and listing[0] == {"page[size]": "100"} and "page[after]" in listing[2]
    assert sections == {7: "Faturamento"}


def test_the_incremental_export_follows_next_page_until_the_end_of_stream(zendesk: ZendeskStandIn) -> None:
    with client(zendesk, []) as api:
        changes = export_changes(api, T0 + 1)
    assert [article["id"] for article in changes.articles] == [1002, 1003, 1004, 1005, 2001]  # every locale
    assert changes.end_time == T0 + 10  # the time of the last change: the next export's start
    starts = [int(query["start_time"]) for _, query in zendesk.requests]
    assert starts == [T0 + 1, T0 + 3, T0 + 5]  # each next_page starts where the page before ended


def test_an_export_with_nothing_new_keeps_its_start_time(zendesk: ZendeskStandIn) -> None:
    with client(zendesk, []) as api:
        changes = export_changes(api, T0 + 10)
    assert (changes.articles, changes.end_time, len(zendesk.requests)) == ([], T0 + 10, 1)


def test_a_rate_limited_export_waits_retry_after(zendesk: ZendeskStandIn) -> None:
    zendesk.fail(lambda path, query: query.get("start_time") == str(T0 + 2), 429, times=1, retry_after="1")
    waits: list[float] = []
    with client(zendesk, waits) as api:
        assert len(export_changes(api, T0).articles) == 6
    assert waits == [1.0]


def test_credentials_are_required_and_checked(zendesk: ZendeskStandIn) -> None:
    with pytest.raises(RestError, match="set ZENDESK_EMAIL and ZENDESK_API_TOKEN"):
        zendesk_client("acme", email=EMAIL, api_token="")
    with pytest.raises(RestError, match="not a Zendesk subdomain"):
        zendesk_client("acme.zendesk.com", email=EMAIL, api_token=API_TOKEN)
    with (
        client(zendesk, [], api_token="wrong") as api,
        pytest.raises(RestError, match="401: check ZENDESK_EMAIL"),
    ):
        list_articles(api, "pt-br")
    assert zendesk.requests  # the stand-in saw the request and refused it
