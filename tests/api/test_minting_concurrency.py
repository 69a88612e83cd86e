"""Concurrent API requests for the same links, through real threads: one batch, one link each.

Run on SQLite (a file database, see the root conftest) and on PostgreSQL
(``DATABASE_URL``), where the requests really overlap: only the partial unique
constraint on open on-demand batches and the ``ON CONFLICT DO NOTHING`` insert
stand between them and duplicates.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from tests.api.conftest import API, APIClient
from wagtail_personal_links.models import LinkBatch, PersonalLink

THREADS = 6


def get_at_once(token: str, url: str) -> list:
    barrier = threading.Barrier(THREADS)
    responses: list = [None] * THREADS
    errors: list[BaseException] = []

    def get(index: int) -> None:
        try:
            client = APIClient(token)
            barrier.wait(timeout=30)
            responses[index] = client.get(url)
        except BaseException as exc:  # re-raised by the test below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=get, args=(index,)) for index in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    return responses


@pytest.mark.django_db(transaction=True)
def test_concurrent_segment_requests_mint_each_link_once(api_token, survey_page, demo_segment):
    segment_links = f"{API}/surveys/{survey_page.pk}/contact-links/segments/{demo_segment.pk}/"
    url = f"{segment_links}?expirationDays=5"

    responses = get_at_once(api_token, url)

    assert [response.status_code for response in responses] == [200] * THREADS
    bodies = [response.json()["data"] for response in responses]
    assert all(body == bodies[0] for body in bodies)
    batch = LinkBatch.objects.get()
    assert batch.on_demand and batch.total == 5
    assert PersonalLink.objects.count() == 5
