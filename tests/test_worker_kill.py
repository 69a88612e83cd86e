"""A real task worker killed (SIGKILL) in the middle of a 50,000-link background batch.

An editor starts the batch in the admin; ``manage.py db_worker`` runs in its
own process on the test database. Once the first chunks of links are
committed, the test holds further writes to the links table, so that the
worker is known to be mid-batch, and kills it. The batch must never be
usable, the editor sees it generating, ``fail_stalled_link_batches`` fails it
and deletes its links, and generating again gives a complete batch with no
orphan links. Waits are bounded; nothing is timed.
"""

from __future__ import annotations

import contextlib
import datetime
import io
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client, override_settings
from django.utils import timezone

from tests.test_faults import database_url
from wagtail_personal_links.models import Contact, LinkBatch, PersonalLink, Segment

ROOT = Path(__file__).resolve().parent.parent
CONTACTS = 50_000
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
EVERYONE = {"items": [{"filter": {"kind": "field", "key": "email", "operator": "is_set"}}]}


@pytest.fixture
def everyone(survey_page) -> Segment:
    """A dynamic segment of 50,000 contacts."""
    Contact.objects.bulk_create(
        (Contact(email=f"person{index}@example.com") for index in range(CONTACTS - 5)),
        batch_size=5_000,
    )
    return Segment.objects.create(name="Everyone", kind="dynamic", rules=EVERYONE)


@contextlib.contextmanager
def worker_process() -> Iterator[subprocess.Popen]:
    """Run ``manage.py db_worker`` on the test database in a process of its own."""
    env = {**os.environ, "DATABASE_URL": database_url(), "DJANGO_DEBUG": "0",
           "DJANGO_TASKS_BACKEND": "django_tasks_db.DatabaseBackend"}  # fmt: skip
    command = [sys.executable, str(ROOT / "example_project" / "manage.py"), "db_worker",
               "--no-reload", "--no-startup-delay", "--interval", "0.2"]  # fmt: skip
    worker = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)
    try:
        yield worker
    finally:
        if worker.poll() is None:
            worker.kill()
        worker.wait(timeout=30)


def wait_for_links(batch: LinkBatch, worker: subprocess.Popen, seconds: float = 120) -> None:
    """Wait until the worker has committed some of the batch's links."""
    deadline = time.monotonic() + seconds
    while not PersonalLink.objects.filter(batch=batch).exists():
        assert worker.poll() is None, "the worker exited before making any link"
        if time.monotonic() > deadline:
            pytest.fail("the worker made no link in time")
        time.sleep(0.05)


@contextlib.contextmanager
def links_held() -> Iterator[None]:
    """Hold every other writer to the links table until the block ends."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                table = connection.ops.quote_name(PersonalLink._meta.db_table)
                cursor.execute(f"LOCK TABLE {table} IN SHARE MODE")
        else:  # IMMEDIATE transactions: the database's write lock is ours
            PersonalLink.objects.filter(pk=0).update(opened_at=None)
        yield


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_batch_leaves_it_unusable_until_failed_and_made_again(
    admin_client, survey_page, everyone, links_url, generate, link_url
):
    with override_settings(TASKS=DATABASE_TASKS):
        assert generate(admin_client, survey_page, segment=everyone.pk).status_code == 302
    batch = LinkBatch.objects.get()
    assert (batch.status, batch.total) == (LinkBatch.Status.GENERATING, CONTACTS)

    with worker_process() as worker:
        wait_for_links(batch, worker)
        with links_held():
            made = PersonalLink.objects.filter(batch=batch).count()
            worker.send_signal(signal.SIGKILL)
            assert worker.wait(timeout=30) == -signal.SIGKILL
    assert 0 < made < CONTACTS

    # Never half-usable: the editor sees it generating, respondents are refused.
    batch.refresh_from_db()
    assert batch.status == LinkBatch.Status.GENERATING
    status = admin_client.get(links_url("status", survey_page, batch)).json()
    assert status["state"] == "generating"
    assert admin_client.get(links_url("download", survey_page, batch)).status_code == 404
    respondent = Client()
    respondent.get(link_url(PersonalLink.objects.filter(batch=batch).first()))
    assert respondent.get("/customer-survey/").status_code == 403

    # Half an hour on, the stalled batch is failed with its links deleted; the editor
    # generates again.
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=31)):
        call_command("fail_stalled_link_batches", stdout=io.StringIO())
    batch.refresh_from_db()
    assert batch.status == LinkBatch.Status.FAILED
    assert not PersonalLink.objects.filter(batch=batch).exists()
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    with override_settings(TASKS=DATABASE_TASKS):
        assert generate(admin_client, survey_page, segment=everyone.pk).status_code == 302
        call_command("db_worker", "--batch", "--no-startup-delay", stdout=io.StringIO())
    for sig, handler in handlers.items():  # the worker installed its own
        signal.signal(sig, handler)
    again = LinkBatch.objects.exclude(pk=batch.pk).get()
    assert (again.status, again.links.count()) == (LinkBatch.Status.COMPLETE, CONTACTS)
    assert PersonalLink.objects.count() == CONTACTS  # no orphans of the killed run
