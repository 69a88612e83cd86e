"""Concurrent answers through a three-answer link: real threads, exactly three stored.

Uses the barrier of test_concurrency.py: every thread passes the gate with
the link still usable before any of them stores its answer, so only the
conditional UPDATE on the link's count decides. Runs on SQLite and on
PostgreSQL (``DATABASE_URL``).
"""

import pytest

from tests.test_concurrency import THREADS, open_link, post_at_once
from wagtail_personal_links.generation import create_batch
from wagtail_personal_links.models import PersonalLinkFormSubmission


@pytest.mark.django_db(transaction=True)
def test_many_posts_through_a_three_answer_link_store_exactly_three(
    monkeypatch, survey_page, contact, link_url, answers
):
    link = create_batch(survey_page, [contact], max_answers=3).links.get()
    cookies = [open_link(link_url(link)) for _ in range(THREADS)]

    statuses = post_at_once(monkeypatch, "/customer-survey/", answers, cookies)

    assert sorted(statuses) == [200] * 3 + [409] * (THREADS - 3)
    assert PersonalLinkFormSubmission.objects.filter(personal_link=link).count() == 3
    link.refresh_from_db()
    assert link.answer_count == 3
