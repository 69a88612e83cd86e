"""Reminders to non-responders: who gets one, day and count limits, scheduling, cancelling."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django_tasks import default_task_backend
from wagtail.models import PageLogEntry

from tests.mail_helpers import make_mailing
from wagtail_personal_links import generation
from wagtail_personal_links.mailing.sending import send_mailing
from wagtail_personal_links.models import Contact, EmailKind, Mailing, OutboxMessage

pytestmark = pytest.mark.usefixtures("no_email_rate_limit")
Reason = OutboxMessage.Reason
DUMMY_TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


@pytest.fixture
def batch(survey_page):
    return generation.create_batch(survey_page, Contact.objects.all(), target_label="Everyone")


def remind(batch, **fields):
    mail.outbox.clear()
    mailing = make_mailing(batch, EmailKind.REMINDER, **fields)
    send_mailing(mailing, rate=None)
    return mailing


def reasons(mailing) -> dict[str, str]:
    rows = mailing.messages.values_list("link__contact__email", "reason")
    return dict(rows)


def days_later(days):
    return time_machine.travel(timezone.now() + datetime.timedelta(days=days), tick=True)


@pytest.mark.django_db
def test_reminders_reach_only_usable_links_without_an_answer(batch):
    links = list(batch.links.order_by("pk"))
    links[0].consume()
    links[1].revoke()
    send_mailing(make_mailing(batch), rate=None)

    with days_later(4):
        mailing = remind(batch)

    waiting = {link.contact.email for link in links[2:]}
    assert {m.to[0] for m in mail.outbox} == waiting
    assert set(reasons(mailing)) == waiting


@pytest.mark.django_db
def test_the_minimum_days_since_the_last_email_holds(batch):
    send_mailing(make_mailing(batch), rate=None)

    with days_later(2):
        too_soon = remind(batch, min_days=3)
    assert mail.outbox == []
    assert set(reasons(too_soon).values()) == {Reason.TOO_SOON}

    with days_later(3.1):
        on_time = remind(batch, min_days=3)
    assert len(mail.outbox) == batch.total
    assert set(reasons(on_time).values()) == {""}


@pytest.mark.django_db
def test_no_one_is_reminded_more_than_the_maximum(batch):
    sent = []
    for day in (1, 2, 3):
        with days_later(day):
            remind(batch, min_days=0, max_reminders=2)
            sent.append(len(mail.outbox))

    assert sent == [batch.total, batch.total, 0]
    assert set(reasons(Mailing.objects.first()).values()) == {Reason.TOO_MANY}


@pytest.mark.django_db
def test_a_scheduled_reminder_runs_after_its_time_and_can_be_cancelled(
    admin_client, batch, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = DUMMY_TASKS
    url = reverse("wagtail_personal_links_mail:remind", args=[batch.page_id, batch.pk])
    when = timezone.now() + datetime.timedelta(days=2)
    data = {
        "subject": "Reminder",
        "body": "{link}",
        "from_email": "s@example.com",
        "min_days": 3,
        "max_reminders": 2,
        "send_after": when.strftime("%Y-%m-%d %H:%M"),
        "preview_email": "",
        "action": "send",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url, data)

    mailing = Mailing.objects.get()
    assert response.status_code == 302
    (result,) = default_task_backend.results
    assert result.task.run_after == mailing.send_after
    assert result.args == [mailing.pk]
    assert not mailing.messages.exists()
    assert PageLogEntry.objects.filter(action="wagtail_personal_links.email_send").exists()

    cancel = reverse(
        "wagtail_personal_links_mail:cancel", args=[batch.page_id, batch.pk, mailing.pk]
    )
    admin_client.post(cancel)
    send_mailing(mailing, rate=None)  # what the worker does when the time comes

    assert mail.outbox == []
    mailing.refresh_from_db()
    assert mailing.cancelled_at is not None
    assert PageLogEntry.objects.filter(action="wagtail_personal_links.email_cancel").exists()


@pytest.mark.django_db
def test_scheduling_is_refused_when_tasks_run_at_once(admin_client, batch):
    url = reverse("wagtail_personal_links_mail:remind", args=[batch.page_id, batch.pk])
    when = timezone.now() + datetime.timedelta(days=2)

    response = admin_client.post(
        url,
        {
            "subject": "Reminder",
            "body": "{link}",
            "from_email": "s@example.com",
            "min_days": 3,
            "max_reminders": 2,
            "send_after": when.strftime("%Y-%m-%d %H:%M"),
            "action": "send",
        },
    )

    assert "needs a task worker" in response.context["form"].errors["send_after"][0]
    assert not Mailing.objects.exists()
