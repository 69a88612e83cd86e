"""The batch history of a survey page and the progress endpoint."""

import datetime

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from wagtail_personal_links.generation import create_batch
from wagtail_personal_links.models import LinkBatch

UTC = datetime.UTC


# History


def test_history_counts_links_started_and_finished(admin_client, survey_page, batch, links_url):
    links = list(batch.links.order_by("pk"))
    now = timezone.now()
    batch.links.filter(pk__in=[links[0].pk, links[1].pk]).update(opened_at=now)
    batch.links.filter(pk=links[0].pk).update(submitted_at=now)

    response = admin_client.get(links_url("index", survey_page))

    row = response.context["object_list"][0]
    assert (row.link_count, row.started_count, row.finished_count) == (5, 2, 1)
    html = response.content.decode()
    assert "Link expiration" in html
    assert "Active" in html


@pytest.mark.parametrize(
    ("change", "label"),
    [
        ({"revoked_at": datetime.datetime(2030, 1, 1, tzinfo=UTC)}, "Revoked"),
        ({"expires_at": datetime.datetime(2000, 1, 1, tzinfo=UTC)}, "Expired"),
        ({"status": LinkBatch.Status.FAILED, "error": "Disk full"}, "Disk full"),
        ({"status": LinkBatch.Status.GENERATING, "total": 10}, "Generating 50%"),
    ],
)
def test_history_status_tags(admin_client, survey_page, batch, change, label, links_url):
    LinkBatch.objects.filter(pk=batch.pk).update(**change)

    response = admin_client.get(links_url("index", survey_page))

    assert label in response.content.decode()


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response


def test_history_queries_do_not_grow_with_batches(
    admin_client, survey_page, demo_segment, links_url
):
    contacts = list(demo_segment.get_contacts())
    for index in range(50):
        create_batch(survey_page, contacts[: index % 5 + 1], target_label=f"Batch {index}")
    urls = links_url("index", survey_page), links_url("results", survey_page)
    many = [count_queries(admin_client, url) for url in urls]
    LinkBatch.objects.filter(pk__in=LinkBatch.objects.all()[5:].values("pk")).delete()

    few = [count_queries(admin_client, url) for url in urls]

    assert [len(response.context["object_list"]) for _, response in many] == [50, 50]
    assert [count for count, _ in few] == [count for count, _ in many]
    assert many[1][0] <= 10  # the history table alone


def test_results_fragment_is_only_the_table(admin_client, survey_page, batch, links_url):
    response = admin_client.get(links_url("results", survey_page))

    html = response.content.decode()
    assert "Demo customers" in html
    assert "<form" not in html.split("<table")[0]
    assert "<html" not in html


# Status endpoint


def test_status_of_a_complete_batch(admin_client, survey_page, batch, links_url):
    response = admin_client.get(links_url("status", survey_page, batch))

    data = response.json()
    assert (data["state"], data["links"], data["total"], data["percent"]) == ("active", 5, 5, 100)
    assert data["download_url"] == links_url("download", survey_page, batch)


def test_history_table_scrolls_sideways_instead_of_being_cut_off(
    admin_client, survey_page, batch, links_url
):
    for url in links_url("index", survey_page), links_url("results", survey_page):
        response = admin_client.get(url)

        # The admin's <main> hides what overflows it: the table needs a scrolling box of its own.
        table = BeautifulSoup(response.content, "html.parser").select_one("table")
        assert "w-overflow-x-auto" in table.parent["class"]
