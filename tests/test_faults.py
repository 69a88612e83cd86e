"""Faults on a real server: a gunicorn worker killed in the middle of an answer.

The test starts gunicorn on the test database, holds the link's row (or, on
SQLite, the write lock) so that the worker's answer stops inside its
transaction, kills the worker with SIGKILL, and lets go. The answer must be
stored once or not at all, and the respondent must be able to answer again
on the worker gunicorn starts in its place. Waits are bounded; nothing is timed.
"""

from __future__ import annotations

import http.client
import os
import re
import signal
import subprocess
import sys
import threading
import time
from http.cookies import SimpleCookie
from pathlib import Path

import pytest
from django.db import connection, transaction

from tests.smtp_server import free_port
from wagtail_personal_links.models import PersonalLink, PersonalLinkFormSubmission

ROOT = Path(__file__).resolve().parent.parent
PORT = free_port()
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


@pytest.fixture
def gunicorn():
    """Run gunicorn with one worker on the test database; stop it afterwards."""
    env = {**os.environ, "DATABASE_URL": database_url(), "DJANGO_DEBUG": "0"}
    command = [str(Path(sys.executable).parent / "gunicorn"), "example.wsgi:application",
               "--workers", "1", "--bind", f"127.0.0.1:{PORT}", "--graceful-timeout", "1",
               "--chdir", str(ROOT / "example_project")]  # fmt: skip
    server = subprocess.Popen(command, env=env, stderr=subprocess.DEVNULL)
    try:
        wait_until_serving()
        yield server
    finally:
        server.terminate()
        server.wait(timeout=30)


def wait_until_serving(seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            Browser().request("GET", "/")
            return
        except OSError:
            assert time.monotonic() < deadline, "gunicorn did not start"
            time.sleep(0.2)


class Browser:
    """Just enough of a browser: one connection per request, and cookies."""

    def __init__(self) -> None:
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: str = "") -> tuple[int, str]:
        client = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if method == "POST":
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        client.request(method, path, body=body, headers=headers)
        response = client.getresponse()
        for header in response.headers.get_all("Set-Cookie") or []:
            self.cookies.update({k: m.value for k, m in SimpleCookie(header).items()})
        return response.status, response.read().decode()


def worker_pids(server: subprocess.Popen) -> list[int]:
    children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text()
    return [int(pid) for pid in children.split()]


def form_body(page_html: str, answers: dict) -> str:
    from urllib.parse import urlencode

    return urlencode({**answers, "csrfmiddlewaretoken": CSRF.search(page_html).group(1)})


def hold_the_link(link: PersonalLink):
    """Block writers to the link's row (PostgreSQL) or to the database (SQLite)."""
    atomic = transaction.atomic()
    atomic.__enter__()
    if connection.vendor == "postgresql":
        PersonalLink.objects.select_for_update().get(pk=link.pk)
    else:
        PersonalLink.objects.filter(pk=link.pk).update(opened_at=link.opened_at)
    return atomic


def wait_for_a_blocked_writer(seconds: float = 30) -> None:
    """On PostgreSQL, wait until the worker waits for the row; elsewhere give it a moment."""
    if connection.vendor != "postgresql":
        time.sleep(2)
        return
    deadline = time.monotonic() + seconds
    with connection.connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute("SELECT count(*) FROM pg_locks WHERE NOT granted")
            if cursor.fetchone()[0]:
                return
            time.sleep(0.1)
    pytest.fail("the worker never reached the link's row")


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_answer_stores_nothing_and_the_respondent_can_retry(
    gunicorn, personal_link, link_url, answers
):
    browser = Browser()
    assert browser.request("GET", link_url(personal_link))[0] == 302
    status, page = browser.request("GET", "/customer-survey/")
    assert status == 200
    outcome: list = []

    def answer() -> None:
        try:
            outcome.append(browser.request("POST", "/customer-survey/", form_body(page, answers)))
        except (OSError, http.client.HTTPException) as error:
            outcome.append(error)

    held = hold_the_link(personal_link)
    poster = threading.Thread(target=answer)
    poster.start()
    try:
        wait_for_a_blocked_writer()
        for pid in worker_pids(gunicorn):
            os.kill(pid, signal.SIGKILL)
    finally:
        held.__exit__(None, None, None)
    poster.join(timeout=60)

    assert isinstance(outcome[0], OSError | http.client.HTTPException)
    assert PersonalLinkFormSubmission.objects.count() == 0
    personal_link.refresh_from_db()
    assert personal_link.submitted_at is None

    wait_until_serving()
    status, page = browser.request("GET", "/customer-survey/")
    assert status == 200
    status, thanks = browser.request("POST", "/customer-survey/", form_body(page, answers))

    assert status == 200
    assert "Thank you" in thanks
    assert PersonalLinkFormSubmission.objects.get().personal_link == personal_link
