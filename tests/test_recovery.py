"""A task worker killed in the middle of a batch: the batch never half-works, and recovers.

A killed worker leaves a batch ``generating`` with some chunks committed. The
batch was never usable; ``fail_stalled_link_batches`` fails it and deletes
its links so that the editor sees it failed and generates again, and a task
that runs again on it starts afresh instead of doubling links.
"""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from wagtail_personal_links.generation import fill_batch, insert_links, start_batch
from wagtail_personal_links.models import Contact, LinkBatch, PersonalLink, Segment


@pytest.fixture
def cut_short_batch(survey_page):
    """A batch whose worker died after committing the first chunk of its links."""
    segment = Segment.objects.get(name="Demo customers")
    batch = start_batch(
        survey_page,
        status=LinkBatch.Status.GENERATING,
        total=5,
        segment=segment,
        target_label=segment.name,
    )
    insert_links(batch, Contact.objects.order_by("pk").values_list("pk", flat=True)[:2])
    LinkBatch.objects.filter(pk=batch.pk).update(
        created_at=timezone.now() - datetime.timedelta(hours=1)
    )
    return batch


def test_a_cut_short_batch_is_not_usable(client, cut_short_batch, link_url):
    link = cut_short_batch.links.first()
    client.get(link_url(link))

    assert client.get("/customer-survey/").status_code == 403


def test_the_command_fails_a_stalled_batch_and_deletes_its_links(
    admin_client, survey_page, cut_short_batch, links_url
):
    out = io.StringIO()
    call_command("fail_stalled_link_batches", stdout=out)

    cut_short_batch.refresh_from_db()
    assert cut_short_batch.status == LinkBatch.Status.FAILED
    assert PersonalLink.objects.filter(batch=cut_short_batch).count() == 0
    assert "1 stalled batch(es) failed." in out.getvalue()
    status = admin_client.get(links_url("status", survey_page, cut_short_batch)).json()
    assert status["state"] == "failed"
    assert "Generate the links again." in status["error"]


def test_a_batch_generating_for_less_than_the_limit_is_left_alone(cut_short_batch):
    LinkBatch.objects.filter(pk=cut_short_batch.pk).update(created_at=timezone.now())

    call_command("fail_stalled_link_batches", stdout=io.StringIO())

    cut_short_batch.refresh_from_db()
    assert cut_short_batch.status == LinkBatch.Status.GENERATING
    assert cut_short_batch.links.count() == 2


def test_the_task_run_again_completes_the_batch_without_doubling_links(cut_short_batch):
    fill_batch(cut_short_batch)

    cut_short_batch.refresh_from_db()
    members = Segment.objects.get(name="Demo customers").get_contacts().count()
    assert cut_short_batch.status == LinkBatch.Status.COMPLETE
    assert cut_short_batch.links.count() == members == cut_short_batch.total


@pytest.mark.parametrize("minutes", ["0", "-5", "soon"])
def test_minutes_must_be_a_positive_number(cut_short_batch, minutes):
    with pytest.raises(CommandError, match="give a positive number of minutes"):
        call_command("fail_stalled_link_batches", "--minutes", minutes)

    cut_short_batch.refresh_from_db()
    assert cut_short_batch.status == LinkBatch.Status.GENERATING
