"""Rate limits: bad tokens per client IP on the token route, API requests per API token."""

import datetime
from types import SimpleNamespace

import pytest
import time_machine
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from ninja import Router
from ninja.testing import TestClient

from wagtail_personal_links.conf import personal_links_settings
from wagtail_personal_links.ratelimits import APIRateThrottle, RateLimit, client_ip

BAD = "/pl/not-a-token"


@pytest.fixture(autouse=True)
def empty_cache():
    """Start each test with no counts, in the middle of a minute: windows are fixed."""
    cache.clear()
    with time_machine.travel(datetime.datetime(2030, 1, 1, 12, 0, 30, tzinfo=datetime.UTC)):
        yield
    cache.clear()


def test_rate_limits_are_off_by_default(client, db):
    assert personal_links_settings.BAD_TOKEN_RATE is None
    assert personal_links_settings.API_RATE is None
    statuses = {client.get(BAD).status_code for _ in range(30)}

    assert statuses == {403}


@pytest.mark.parametrize("rate", ["100", "0/m", "ten/m", "5/fortnight", 5, ""])
def test_a_bad_rate_names_the_setting(settings, rate):
    settings.PERSONAL_LINKS_API_RATE = rate

    with pytest.raises(ImproperlyConfigured, match="PERSONAL_LINKS_API_RATE"):
        _ = personal_links_settings.API_RATE


@pytest.mark.parametrize(
    ("rate", "parsed"), [("100/m", (100, 60)), ("5/s", (5, 1)), ("20/hour", (20, 3600))]
)
def test_rates_read_as_requests_per_seconds(settings, rate, parsed):
    settings.PERSONAL_LINKS_BAD_TOKEN_RATE = rate

    assert parsed == personal_links_settings.BAD_TOKEN_RATE


def test_too_many_bad_tokens_from_one_ip_get_429_and_the_friendly_page(client, db, settings):
    settings.PERSONAL_LINKS_BAD_TOKEN_RATE = "3/m"
    assert [client.get(f"{BAD}{n}").status_code for n in range(3)] == [403, 403, 403]

    response = client.get(f"{BAD}4")

    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    assert "This link is not valid." in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert response["Referrer-Policy"] == "no-referrer"


def test_a_limited_ip_meets_the_limit_even_with_a_good_link(
    client, db, settings, personal_link, link_url
):
    settings.PERSONAL_LINKS_BAD_TOKEN_RATE = "2/m"
    for n in range(2):
        client.get(f"{BAD}{n}")

    assert client.get(link_url(personal_link)).status_code == 429


def test_good_links_do_not_count_against_the_limit(client, db, settings, personal_link, link_url):
    settings.PERSONAL_LINKS_BAD_TOKEN_RATE = "2/m"

    statuses = [client.get(link_url(personal_link)).status_code for _ in range(5)]

    assert statuses == [302] * 5
    assert client.get(BAD).status_code == 403


def test_the_limit_is_per_client_ip(client, db, settings):
    settings.PERSONAL_LINKS_BAD_TOKEN_RATE = "1/m"
    client.get(BAD, REMOTE_ADDR="192.0.2.1")

    assert client.get(BAD, REMOTE_ADDR="192.0.2.1").status_code == 429
    assert client.get(BAD, REMOTE_ADDR="192.0.2.2").status_code == 403


def test_behind_a_proxy_the_configured_header_names_the_client(client, db, settings):
    settings.PERSONAL_LINKS_BAD_TOKEN_RATE = "1/m"
    settings.PERSONAL_LINKS_CLIENT_IP_HEADER = "HTTP_X_REAL_IP"
    client.get(BAD, HTTP_X_REAL_IP="198.51.100.7")

    assert client.get(BAD, HTTP_X_REAL_IP="198.51.100.7").status_code == 429
    assert client.get(BAD, HTTP_X_REAL_IP="198.51.100.8").status_code == 403


def test_the_client_ip_falls_back_to_remote_addr(rf, settings):
    settings.PERSONAL_LINKS_CLIENT_IP_HEADER = "HTTP_X_REAL_IP"

    assert client_ip(rf.get("/", REMOTE_ADDR="203.0.113.9")) == "203.0.113.9"


def test_a_window_counts_up_to_its_limit_then_says_how_long_to_wait(settings):
    limit = RateLimit("test", requests=2, seconds=60)

    assert [limit.hit("key") for _ in range(2)] == [None, None]
    wait = limit.hit("key")
    assert wait is not None and 1 <= wait <= 60
    assert limit.exceeded("key") == wait
    assert limit.hit("other key") is None


def api_client() -> TestClient:
    """An API router guarded by the throttle, authenticating every request as token 7."""
    router = Router()

    def token_auth(request):
        return SimpleNamespace(pk=int(request.headers.get("X-Token", "7")))

    @router.get("/ping", auth=token_auth, throttle=[APIRateThrottle()])
    def ping(request):
        return {"ok": True}

    return TestClient(router)


def test_the_api_allows_the_configured_requests_per_token_then_429_with_retry_after(settings):
    settings.PERSONAL_LINKS_API_RATE = "3/m"
    api = api_client()
    assert [api.get("/ping").status_code for _ in range(3)] == [200, 200, 200]

    response = api.get("/ping")

    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    assert api.get("/ping", headers={"X-Token": "8"}).status_code == 200


def test_the_api_limit_is_off_by_default():
    api = api_client()

    assert {api.get("/ping").status_code for _ in range(20)} == {200}
