"""Locust users for ``benchmarks/load.py``: respondents, scanners and one editor.

Not for pytest (locust patches the standard library with gevent on import).
The users are ``FastHttpUser``s: their client costs a fraction of the CPU
that ``requests`` does, which leaves the machine to the servers under test.
``load.py`` passes the links to answer in ``PL_LOAD_LINKS`` (a JSON file of
link paths) and collects the links that were answered from ``PL_LOAD_ANSWERED``.
"""

from __future__ import annotations

import json
import os
import random
import re
import secrets
import time

import gevent
from locust import FastHttpUser, between, constant, events, task
from locust.exception import StopUser

SURVEY = "/customer-survey/"
ANSWERS = {
    "how_likely_are_you_to_recommend_us_to_a_friend": "9",
    "how_satisfied_are_you_with_our_support": "Satisfied",
    "what_should_we_improve": "Nothing, it is fine",
}
BATCH = re.compile(r"batches/(\d+)/")
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')

LINKS = iter(json.load(open(os.environ["PL_LOAD_LINKS"])))  # noqa: SIM115
#: While load.py restarts the database, the friendly 503 is the right answer.
OUTAGE = bool(os.environ.get("PL_LOAD_OUTAGE"))
ANSWERED: set[str] = set()
#: What readers reload: the gated survey, or another page to compare it with.
READ_PATH = os.environ.get("PL_LOAD_READ_PATH") or SURVEY
READ_NAME = "5 gated page view" if READ_PATH == SURVEY else f"5 page view {READ_PATH}"


@events.quitting.add_listener
def save_answered(environment, **kwargs) -> None:
    with open(os.environ["PL_LOAD_ANSWERED"], "w") as file:
        json.dump(sorted(ANSWERED), file)


def expect(response, *statuses: int) -> bool:
    """Count the response as a success only with one of ``statuses``."""
    if response.status_code in statuses:
        response.success()
        return True
    if OUTAGE and response.status_code == 503 and "Retry-After" in response.headers:
        response.success()
        events.request.fire(
            request_type="CHECK",
            name="503 while the database restarts",
            response_time=0,
            response_length=0,
            exception=None,
            context={},
        )
        return False
    response.failure(f"status {response.status_code}")
    return False


class Respondent(FastHttpUser):
    """Opens a link, reads the form and answers; some answer twice, some in two tabs."""

    weight = 20
    wait_time = between(0.2, 1.0)

    @task
    def answer(self) -> None:
        link = next(LINKS, None)
        if link is None:
            raise StopUser
        self.client.cookiejar.clear()
        with self.client.get(
            link, name="1 open link", allow_redirects=False, catch_response=True
        ) as opened:
            if not expect(opened, 302):
                return
        with self.client.get(SURVEY, name="2 gated form", catch_response=True) as page:
            if not expect(page, 200):
                return
            token = CSRF.search(page.text).group(1)
        data = {**ANSWERS, "csrfmiddlewaretoken": token}
        headers = {"Referer": self.host + SURVEY}
        roll = random.random()
        if roll < 0.1:  # the same answer from two tabs at once
            tabs = [gevent.spawn(self.submit, link, data, headers) for _ in range(2)]
            gevent.joinall(tabs)
        else:
            self.submit(link, data, headers)
            if roll < 0.25:  # the back button, and submit again
                self.submit(link, data, headers, name="4 submit again")

    def submit(self, link: str, data: dict, headers: dict, name: str = "3 submit") -> None:
        with self.client.post(
            SURVEY, data, headers=headers, name=name, catch_response=True
        ) as response:
            if response.status_code == 200 and "Thank you" in response.text:
                ANSWERED.add(link)
                response.success()
            else:
                expect(response, 409)  # "already answered" is the right answer


class Reader(FastHttpUser):
    """Holds a link and keeps reloading the survey: the gate on every view, no waiting."""

    weight = 6
    wait_time = constant(0)

    def on_start(self) -> None:
        link = next(LINKS, None)
        if link is None:
            raise StopUser
        self.client.get(link, name="1 open link", allow_redirects=False)

    @task
    def read(self) -> None:
        with self.client.get(READ_PATH, name=READ_NAME, catch_response=True) as page:
            expect(page, 200)


class Scanner(FastHttpUser):
    """Tries tokens that are not valid, as a link guesser or a broken mail client does."""

    weight = 3
    wait_time = between(0.1, 0.5)

    @task
    def guess(self) -> None:
        path = f"/pl/{secrets.token_urlsafe(random.choice([8, 40, 120]))}"
        with self.client.get(path, name="scanner: bad token", catch_response=True) as response:
            expect(response, 403, 429)


class Editor(FastHttpUser):
    """Generates a batch for the whole demo segment during the load, then downloads it."""

    fixed_count = 1
    wait_time = between(1, 2)
    done = False

    def on_start(self) -> None:
        page = self.client.get("/admin/login/", name="editor: login form")
        token = CSRF.search(page.text).group(1)
        self.client.post(
            "/admin/login/",
            {
                "username": "admin",
                "password": os.environ["PL_LOAD_ADMIN_PASSWORD"],
                "csrfmiddlewaretoken": token,
            },
            headers={"Referer": self.host + "/admin/login/"},
            name="editor: log in",
        )

    @task
    def generate_and_download(self) -> None:
        if self.done:
            return
        self.done = True
        base = f"/admin/personal-links/pages/{os.environ['PL_LOAD_PAGE_ID']}/"
        form = self.client.get(base, name="editor: links view")
        token = CSRF.search(form.text).group(1)
        data = {
            "target": "segment",
            "segment": os.environ["PL_LOAD_SEGMENT_ID"],
            "csrfmiddlewaretoken": token,
        }
        with self.client.post(
            base,
            data,
            headers={"Referer": self.host + base},
            name="editor: generate batch",
            catch_response=True,
        ) as response:
            expect(response, 200)
            batch_id = max(map(int, BATCH.findall(response.text)), default=None)
        if batch_id is not None:
            self.download(base, batch_id)

    def download(self, base: str, batch_id: int) -> None:
        deadline = time.monotonic() + 300
        status_url = f"{base}batches/{batch_id}/status/"
        while time.monotonic() < deadline:
            status = self.client.get(status_url, name="editor: batch status").json()
            if status["state"] != "generating":
                break
            gevent.sleep(1)
        with self.client.get(
            f"{base}batches/{batch_id}/download/",
            name="editor: download CSV",
            catch_response=True,
            stream=True,
        ) as response:
            rows = sum(chunk.count(b"\n") for chunk in response.iter_content(65536, False)) - 1
            if expect(response, 200):
                events.request.fire(
                    request_type="CHECK",
                    name=f"editor: {rows} links downloaded",
                    response_time=0,
                    response_length=rows,
                    exception=None,
                    context={},
                )
