"""Measure what personal links cost a request: the gate, the token exchange, everyone else.

Run from the repository root with the project's virtualenv::

    .venv/bin/python benchmarks/gate.py [--requests 300]

It uses ``DATABASE_URL`` when set (the database is migrated and seeded), and
otherwise a temporary SQLite database. Times are medians of server time as
seen through Django's test client (middleware, routing, templates, queries),
with ``DEBUG`` off; queries are counted in a separate pass.

Targets: a gated view adds at most 2 queries and under 1 ms; a request with
no token and no session link gets no query at all from the plugin.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import timeit
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "example_project"), str(ROOT)]
TMP = tempfile.TemporaryDirectory(prefix="pl-bench-")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{TMP.name}/bench.sqlite3")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "example.settings")
os.environ["DJANGO_DEBUG"] = "0"

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.sessions.middleware import SessionMiddleware  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client, RequestFactory, override_settings  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

from home.models import SurveyPage  # noqa: E402
from wagtail_personal_links import tokens  # noqa: E402
from wagtail_personal_links.conf import personal_links_settings  # noqa: E402
from wagtail_personal_links.models import Contact, LinkBatch, PersonalLink  # noqa: E402
from wagtail_personal_links.sessions import personal_link_for  # noqa: E402

MIDDLEWARE = "wagtail_personal_links.middleware.PersonalLinkMiddleware"
SURVEY = "/customer-survey/"
OPEN_SURVEY = "/open-survey/"
UNGATED = "survey page, ungated copy, anonymous"
GATED = "survey page, gated, valid session link"


Scenario = tuple[str, Callable[[], None], Callable[[], object]]
Row = tuple[str, float, float, int]


def measure(scenarios: list[Scenario], requests: int) -> list[Row]:
    """Return each scenario's label, median wall and CPU milliseconds, and queries per request.

    Scenarios are timed in turn, request by request, so that a busy moment of
    the machine weighs on all of them alike; CPU time (this process: Django,
    and SQLite when it is the database) is the steadier figure on a shared
    machine. ``prepare`` runs untimed first.
    """
    counts, wall, cpu = [], {s[0]: [] for s in scenarios}, {s[0]: [] for s in scenarios}
    for _label, prepare, get in scenarios:
        prepare()
        get()  # warm the caches a real server would have warm
        with CaptureQueriesContext(connection) as queries:
            get()
        counts.append(len(queries))
    for _ in range(requests):
        for label, prepare, get in scenarios:
            prepare()
            start, start_cpu = time.perf_counter(), time.process_time()
            get()
            cpu[label].append(time.process_time() - start_cpu)
            wall[label].append(time.perf_counter() - start)
    return [
        (label, statistics.median(wall[label]) * 1000, statistics.median(cpu[label]) * 1000, n)
        for (label, *_), n in zip(scenarios, counts, strict=True)
    ]


def nothing() -> None:
    pass


def fresh_link() -> PersonalLink:
    page = SurveyPage.objects.get(slug="customer-survey")
    batch = LinkBatch.objects.create(page=page, target_label="benchmark", total=1)
    return PersonalLink.objects.create(batch=batch, contact=Contact.objects.first())


def link_path(link: PersonalLink) -> str:
    return f"/{personal_links_settings.URL_PREFIX}/{tokens.sign(link.public_id)}"


def expect(client: Client, path: str, status: int) -> Callable[[], object]:
    def get() -> object:
        response = client.get(path)
        assert response.status_code == status, (path, response.status_code)
        return response

    return get


def gate_costs(requests: int) -> list[Row]:
    """Time the survey page gated (a visitor with a link) and a copy of it left open."""
    survey = SurveyPage.objects.get(slug="customer-survey")
    if not SurveyPage.objects.filter(slug="open-survey").exists():
        survey.copy(
            to=survey.get_parent(),
            update_attrs={"slug": "open-survey", "personal_links_invitation_only": False},
        )
    visitor, anonymous = Client(), Client()
    visitor.get(link_path(fresh_link()))
    return measure(
        [
            (UNGATED, nothing, expect(anonymous, OPEN_SURVEY, 200)),
            (GATED, nothing, expect(visitor, SURVEY, 200)),
            ("survey page, gated, no link (403)", nothing, expect(anonymous, SURVEY, 403)),
        ],
        requests,
    )


def gate_work(requests: int) -> float:
    """Return the best milliseconds of the gate's own work for a visitor with a link.

    That is what the mixin adds to a view: reading the session, loading the
    link and deciding. Timed alone, and the best of several rounds, it is the
    figure least disturbed by other work on a shared machine.
    """
    visitor = Client()
    visitor.get(link_path(fresh_link()))
    cookie = visitor.cookies[settings.SESSION_COOKIE_NAME].value
    page = SurveyPage.objects.get(slug="customer-survey")

    def gate() -> None:
        request = RequestFactory().get(
            SURVEY, HTTP_COOKIE=f"{settings.SESSION_COOKIE_NAME}={cookie}"
        )
        SessionMiddleware(lambda request: None).process_request(request)
        assert page.get_personal_links_gate(request, personal_link_for(request, page)) is None

    rounds = timeit.repeat(gate, number=requests, repeat=5)
    return min(rounds) / requests * 1000


def exchange_costs(requests: int) -> list[Row]:
    """Time opening a link in a new browser, and in a browser with a session."""
    path = link_path(fresh_link())

    def new_browser() -> object:
        return expect(Client(), path, 302)()

    returning = Client()
    returning.get(path)
    return measure(
        [
            ("token exchange, new browser", nothing, new_browser),
            ("token exchange, browser with a session", nothing, expect(returning, path, 302)),
        ],
        requests,
    )


def bystander_costs(requests: int) -> list[Row]:
    """Time requests with no token and no session link, with and without the middleware."""
    without = [m for m in settings.MIDDLEWARE if m != MIDDLEWARE]
    clients = {}
    for label, middleware in (("without", without), ("with", settings.MIDDLEWARE)):
        with override_settings(MIDDLEWARE=middleware):
            clients[label] = Client()
            clients[label].get("/")  # the handler loads its middleware now
    scenarios = [
        (bystander(path, label), nothing, expect(clients[label], path, 200))
        for path in ("/", OPEN_SURVEY)
        for label in ("without", "with")
    ]
    return measure(scenarios, requests)


def bystander(path: str, middleware: str) -> str:
    return f"{path} no token, no session, {middleware} middleware"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=300, help="timed requests per scenario")
    requests = parser.parse_args().requests
    setup_test_environment()  # the test client on a real database, DEBUG off
    call_command("migrate", verbosity=0)
    call_command("seed_demo", contacts=10, stdout=open(os.devnull, "w"))  # noqa: SIM115
    print(f"database: {connection.vendor}, {requests} timed requests per row, medians")
    rows = [*gate_costs(requests), *exchange_costs(requests), *bystander_costs(requests)]
    width = max(len(row[0]) for row in rows)
    print(f"{'request':<{width}}  {'wall ms':>8}  {'CPU ms':>8}  queries")
    for label, wall_ms, cpu_ms, queries in rows:
        print(f"{label:<{width}}  {wall_ms:8.3f}  {cpu_ms:8.3f}  {queries:7d}")
    by_label = {row[0]: row[1:] for row in rows}
    print_difference("gated view adds", by_label[UNGATED], by_label[GATED])
    print(f"gate work alone (session, link, decision): {gate_work(requests):.3f} ms, best round")
    for path in ("/", OPEN_SURVEY):
        print_difference(
            f"middleware adds to {path} with no token or session link",
            by_label[bystander(path, "without")],
            by_label[bystander(path, "with")],
        )


def print_difference(label: str, before: tuple, after: tuple) -> None:
    wall_ms, cpu_ms, queries = (a - b for a, b in zip(after, before, strict=True))
    print(f"{label}: {wall_ms:+.3f} ms wall, {cpu_ms:+.3f} ms CPU, {queries:+d} queries")


if __name__ == "__main__":
    main()
