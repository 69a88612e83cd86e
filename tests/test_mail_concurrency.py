"""Exactly once: two workers on one mailing, and a task killed mid-way and started again.

The workers are real threads with their own database connections, committing
for real, so on PostgreSQL (``DATABASE_URL``) they race for the same rows and
only the conditional UPDATE of the claim keeps them apart.
"""

import datetime
import sys
import threading
from collections import Counter

import pytest
import time_machine
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.mail_helpers import make_mailing
from wagtail_personal_links import generation
from wagtail_personal_links.mailing import sending
from wagtail_personal_links.mailing.sending import send_mailing
from wagtail_personal_links.models import Contact, OutboxMessage

CONTACTS = 300
State = OutboxMessage.State


class RecordingBackend(BaseEmailBackend):
    """Keep the recipient of every message, from any thread; fail on demand."""

    def __init__(self, crash_at: int | None = None, **kwargs):
        super().__init__(**kwargs)
        self.recipients: list[str] = []
        self.lock = threading.Lock()
        self.crash_at = crash_at

    def send_messages(self, messages):
        with self.lock:
            if self.crash_at is not None and len(self.recipients) + 1 == self.crash_at:
                self.crash_at = None
                raise Killed
            self.recipients.extend(message.to[0] for message in messages)
        return len(messages)


class Killed(BaseException):
    """Stands for the worker process being killed: nothing in the loop catches it."""


@pytest.fixture
def batch(survey_page):
    Contact.objects.bulk_create(
        Contact(email=f"person{i}@example.com", first_name=f"P{i}") for i in range(CONTACTS)
    )
    return generation.create_batch(survey_page, Contact.objects.all(), target_label="Everyone")


@pytest.mark.django_db(transaction=True)
def test_two_workers_send_each_message_once(batch):
    mailing = make_mailing(batch)
    backend = RecordingBackend()
    barrier = threading.Barrier(2)
    results, errors = [], []

    def work():
        try:
            barrier.wait(timeout=30)
            results.append(send_mailing(mailing, connection=backend, rate=None))
        except BaseException as exc:  # re-raised below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)

    assert errors == []
    counts = Counter(backend.recipients)
    assert len(counts) == batch.total and set(counts.values()) == {1}
    assert sum(result.sent for result in results) == batch.total
    assert set(mailing.messages.values_list("state", flat=True)) == {State.SENT}


def later():
    return time_machine.travel(timezone.now() + datetime.timedelta(hours=1), tick=True)


@pytest.mark.django_db
def test_a_task_killed_between_messages_sends_the_rest_once_when_started_again(batch, monkeypatch):
    mailing = make_mailing(batch)
    backend = RecordingBackend()
    calls = []

    def wait_then_die(pacer):
        calls.append(1)
        if len(calls) == 131:
            raise Killed

    monkeypatch.setattr(sending.Pacer, "wait", wait_then_die)
    with pytest.raises(Killed):
        send_mailing(mailing, connection=backend)
    assert len(backend.recipients) == 130
    monkeypatch.undo()

    with later():
        result = send_mailing(mailing, connection=backend, rate=None)

    assert result.sent == batch.total - 130
    assert Counter(backend.recipients) == Counter(Contact.objects.values_list("email", flat=True))
    assert set(mailing.messages.values_list("state", flat=True)) == {State.SENT}


@pytest.mark.django_db
def test_a_task_killed_while_handing_over_a_message_never_sends_it_twice(batch):
    mailing = make_mailing(batch)
    backend = RecordingBackend(crash_at=51)
    with pytest.raises(Killed):
        send_mailing(mailing, connection=backend, rate=None)

    with later():
        send_mailing(mailing, connection=backend, rate=None)

    assert len(backend.recipients) == batch.total - 1
    assert set(Counter(backend.recipients).values()) == {1}
    failed = mailing.messages.get(state=State.FAILED)
    assert failed.link.contact.email not in backend.recipients
    assert "may or may not have been delivered" in failed.error


@pytest.mark.django_db
def test_a_worker_leaves_rows_claimed_by_a_live_worker_alone(batch):
    mailing = make_mailing(batch)
    mailing.messages.claim("live", sending.CHUNK_SIZE)
    backend = RecordingBackend()

    result = send_mailing(mailing, connection=backend, rate=None)

    assert result.sent == batch.total - sending.CHUNK_SIZE == len(set(backend.recipients))
    held = mailing.messages.filter(state=State.SENDING)
    assert set(held.values_list("claimed_by", flat=True)) == {"live"}
    assert held.count() == sending.CHUNK_SIZE


@pytest.mark.django_db
def test_an_interrupted_chunk_records_what_it_sent_and_queues_the_rest_at_once(batch):
    mailing = make_mailing(batch)
    backend = RecordingBackend(crash_at=151)
    with pytest.raises(Killed):
        send_mailing(mailing, connection=backend, rate=None)

    states = Counter(mailing.messages.values_list("state", flat=True))
    assert states == {State.SENT: 150, State.SENDING: 1, State.QUEUED: batch.total - 151}
    result = send_mailing(mailing, connection=backend, rate=None)  # no claim timeout to wait for

    assert result.sent == batch.total - 151
    assert len(backend.recipients) == batch.total - 1
    assert set(Counter(backend.recipients).values()) == {1}


def killed_before_recording(monkeypatch):
    """Make a Killed worker record nothing more, as a process killed outright runs no cleanup."""
    record = sending._Outcomes.record

    def record_unless_killed(outcomes, unsent):
        if not isinstance(sys.exc_info()[1], Killed):
            record(outcomes, unsent)

    monkeypatch.setattr(sending._Outcomes, "record", record_unless_killed)


@pytest.mark.django_db
def test_a_worker_killed_outright_leaves_its_chunk_failed_and_sends_nothing_twice(
    batch, monkeypatch
):
    mailing = make_mailing(batch)
    backend = RecordingBackend(crash_at=151)
    killed_before_recording(monkeypatch)
    with pytest.raises(Killed):
        send_mailing(mailing, connection=backend, rate=None)
    monkeypatch.undo()

    with later():
        result = send_mailing(mailing, connection=backend, rate=None)

    assert result.sent == batch.total - 2 * sending.CHUNK_SIZE
    assert set(Counter(backend.recipients).values()) == {1}
    failed = mailing.messages.filter(state=State.FAILED)
    assert failed.count() == sending.CHUNK_SIZE  # the second chunk: 50 went out, 50 did not
    assert {"may or may not have been delivered" in row.error for row in failed} == {True}
    emails = set(failed.values_list("link__contact__email", flat=True))
    assert len(emails & set(backend.recipients)) == 50


@pytest.mark.django_db
def test_under_a_rate_limit_a_killed_worker_leaves_about_a_seconds_worth_in_doubt(
    batch, monkeypatch
):
    mailing = make_mailing(batch)
    backend = RecordingBackend(crash_at=8)
    monkeypatch.setattr(sending.Pacer, "wait", lambda pacer: None)
    killed_before_recording(monkeypatch)
    with pytest.raises(Killed):
        send_mailing(mailing, connection=backend, rate=5)
    monkeypatch.undo()

    with later():
        send_mailing(mailing, connection=backend, rate=None)

    states = Counter(mailing.messages.values_list("state", flat=True))
    assert states == {State.SENT: batch.total - 5, State.FAILED: 5}
    assert set(Counter(backend.recipients).values()) == {1}


@pytest.mark.django_db
def test_the_bookkeeping_takes_a_few_statements_per_chunk_not_per_message(batch):
    mailing = make_mailing(batch)
    chunks = -(-batch.total // sending.CHUNK_SIZE)

    with CaptureQueriesContext(connection) as queries:
        send_mailing(mailing, connection=RecordingBackend(), rate=None)

    # Pick, claim, mark, read and record each chunk, plus what every run does
    # once (queueing, freeing stale claims, the composer's set-up, the counts).
    statements = [q["sql"] for q in queries if "SAVEPOINT" not in q["sql"]]
    assert len(statements) <= 12 + 5 * chunks < batch.total / 5, statements
