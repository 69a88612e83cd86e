"""Concurrent answers through real threads: the database lets exactly one through.

Each thread has its own client and database connection. A barrier in the
page's gate hook holds every thread until all of them have passed the gate
with a usable link, so that the check in Python cannot save the day: only
the conditional UPDATE and the unique constraint stand between them. Run on
SQLite (a file database, see conftest) and on PostgreSQL (``DATABASE_URL``).

The tests commit for real; ``seed_demo`` (behind the fixtures) rebuilds
Wagtail's root page and locale after an earlier transactional test's flush.
"""

import threading

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

from home.models import SurveyPage
from wagtail_personal_links.models import PersonalLinkFormSubmission

THREADS = 8


def post_at_once(monkeypatch, path: str, data: dict, session_cookies: list[str]) -> list[int]:
    """POST ``data`` to ``path`` from one thread per session cookie, all past the gate at once."""
    barrier = threading.Barrier(len(session_cookies))
    let_in = SurveyPage.get_personal_links_gate
    gates = []

    def gate_then_wait(page, request, link):
        gates.append(let_in(page, request, link))
        barrier.wait(timeout=30)
        return gates[-1]

    monkeypatch.setattr(SurveyPage, "get_personal_links_gate", gate_then_wait)
    statuses: list[int | None] = [None] * len(session_cookies)
    errors: list[BaseException] = []

    def post(index: int, cookie: str) -> None:
        try:
            client = Client()
            client.cookies[settings.SESSION_COOKIE_NAME] = cookie
            statuses[index] = client.post(path, data).status_code
        except BaseException as exc:  # re-raised by the test below
            errors.append(exc)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=post, args=(i, cookie)) for i, cookie in enumerate(session_cookies)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert gates == [None] * len(session_cookies)  # every thread was let in
    return statuses


def open_link(url: str) -> str:
    """Open a personal link in a fresh browser; return its session cookie."""
    client = Client()
    client.get(url)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


@pytest.mark.django_db(transaction=True)
def test_many_posts_through_one_link_store_one_answer(
    monkeypatch, personal_link, link_url, answers
):
    cookie = open_link(link_url(personal_link))

    statuses = post_at_once(monkeypatch, "/customer-survey/", answers, [cookie] * THREADS)

    assert sorted(statuses) == [200] + [409] * (THREADS - 1)
    submission = PersonalLinkFormSubmission.objects.get()
    assert submission.personal_link == personal_link
    personal_link.refresh_from_db()
    assert personal_link.submitted_at is not None


@pytest.mark.django_db(transaction=True)
def test_many_posts_through_one_contacts_links_store_one_answer(
    monkeypatch, make_link, survey_page, contact, link_url, answers
):
    links = [make_link(survey_page, contact) for _ in range(THREADS)]
    cookies = [open_link(link_url(link)) for link in links]

    statuses = post_at_once(monkeypatch, "/customer-survey/", answers, cookies)

    assert sorted(statuses) == [200] + [409] * (THREADS - 1)
    assert PersonalLinkFormSubmission.objects.filter(contact=contact).count() == 1
    assert (
        sum(link.submitted_at is not None for link in links if link.refresh_from_db() is None) == 1
    )
