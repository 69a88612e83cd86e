"""Benchmark the Formbricks segment endpoint of the API on a 100,000-contact segment.

Run from the repository root with the project's Python::

    .venv/bin/python benchmarks/api.py [--contacts 100000] [--rounds 20]

It uses ``DATABASE_URL`` when set (in a database of its own), else a temporary
SQLite file. Through the Django test client and a real Wagtail API token, it
asks for pages of 250 links (``limit=250``) at ``rounds`` different offsets:

- the first call of each page mints its 250 links (targets: median <= 150 ms);
- the second call finds them (target: median <= 60 ms);
- the query count per request, at ``skip=0`` and at the last page
  (``skip=99,750`` for 100,000 contacts), which must be the same.
"""

from __future__ import annotations

import argparse
import statistics
import time

from _setup import seed, settle, setup_django

LIMIT = 250


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--contacts", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=20)
    options = parser.parse_args()
    print(f"Database: {setup_django()}")
    print(f"Seeded {options.contacts:,} contacts in {seed(options.contacts):.1f} s")
    from wagtail_personal_links.models import Contact, SegmentMembership

    settle(Contact, SegmentMembership)
    run(options.contacts, options.rounds)


def timed_get(client, url: str) -> tuple[float, int, int]:
    """Return the seconds, the query count and the number of links of one request."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        response = client.get(url)
        seconds = time.perf_counter() - start
    assert response.status_code == 200, response.content
    return seconds, len(queries), len(response.json()["data"])


def run(contacts: int, rounds: int) -> None:
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.test.utils import setup_test_environment
    from wagtail.models import APIToken

    from home.models import SurveyPage
    from wagtail_personal_links.models import PersonalLink, Segment

    setup_test_environment()
    page = SurveyPage.objects.get(slug="customer-survey")
    segment = Segment.objects.get(name="Demo customers")
    _token, key = APIToken.create_token(
        user=get_user_model().objects.get(username="admin"), name="benchmark"
    )
    client = Client(headers={"x-api-key": key})
    base = f"/api/v3/personal-links/surveys/{page.pk}/contact-links/segments/{segment.pk}/"
    last = (contacts - 1) // LIMIT * LIMIT
    step = max(LIMIT, last // max(1, rounds - 1) // LIMIT * LIMIT)
    skips = sorted({min(last, index * step) for index in range(rounds)} | {0, last})
    # Warm up the token and the permissions, and open the on-demand batch of this
    # expiry by minting the first contact's link (its page then mints 249).
    client.get(f"{base}?limit=1&skip=0&expirationDays=30")

    minting, reusing, queries = [], [], {}
    for skip in skips:
        url = f"{base}?limit={LIMIT}&skip={skip}&expirationDays=30"
        seconds, count, links = timed_get(client, url)
        assert links == LIMIT or skip == last
        minting.append(seconds)
        again, count_again, _links = timed_get(client, url)
        reusing.append(again)
        queries[skip] = (count, count_again)
    assert PersonalLink.objects.count() == sum(min(LIMIT, contacts - skip) for skip in skips)
    report(minting, reusing, queries, last)


def report(minting: list[float], reusing: list[float], queries: dict, last: int) -> None:
    def ms(values: list[float]) -> str:
        return (f"median {statistics.median(values) * 1000:.1f} ms, "
                f"min {min(values) * 1000:.1f}, max {max(values) * 1000:.1f}")  # fmt: skip

    print(f"Segment links, limit={LIMIT}, {len(minting)} pages:")
    print(f"  first call (mints {LIMIT} links): {ms(minting)} (target <= 150 ms)")
    print(f"  second call (reuses them):     {ms(reusing)} (target <= 60 ms)")
    print(f"  queries at skip=0: {queries[0][0]} minting, {queries[0][1]} reusing; "
          f"at skip={last:,}: {queries[last][0]} minting, {queries[last][1]} reusing")  # fmt: skip
    same = queries[0] == queries[last]
    print(f"  same query count at the first and the last page: {'yes' if same else 'NO'}")


if __name__ == "__main__":
    main()
