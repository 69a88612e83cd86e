"""Share one demo seed among the tests that use it, each rolling back to a savepoint.

Seeding the demo site costs about half a second; most tests want it. As
Django's TestCase.setUpTestData does for a class, the tests that use it (and
run in a rolled-back transaction) share one seed in an outer transaction, and
each test rolls back to a savepoint. The other tests never see the demo data:
the outer transaction is rolled back before any of them starts.
"""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db import transaction

__all__ = ["pytest_collection_modifyitems", "pytest_fixture_setup", "seed_demo"]


def seed_demo() -> None:
    """Run ``seed_demo`` as ``make demo`` does, with 5 contacts."""
    call_command("seed_demo", contacts=5, stdout=io.StringIO())


def database_use(item: pytest.Item) -> str:
    """How ``item`` uses the database: "none", "transactional", or "rolled back"."""
    names = getattr(item, "fixturenames", ())
    marker = item.get_closest_marker("django_db")
    if marker is not None and (
        marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")
    ):
        return "transactional"
    if {"transactional_db", "live_server", "django_db_reset_sequences"} & set(names):
        return "transactional"
    return "rolled back" if marker is not None or "db" in names else "none"


def wants_shared_demo(item: pytest.Item) -> bool:
    """Whether ``item`` uses the demo site inside the transaction its test rolls back."""
    return "demo_site" in getattr(item, "fixturenames", ()) and database_use(item) == "rolled back"


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Order the tests so that the demo seed is made once, and the slow ones start early.

    The tests without a database come first (some run ``manage.py`` in a
    subprocess for a minute, which parallel workers then overlap with the rest),
    then the ones sharing the demo seed, then the other rolled-back ones, then the
    transactional ones, whose flush would empty the database for the rest.
    """
    rank = {"none": 0, "rolled back": 2, "transactional": 3}
    items.sort(key=lambda item: 1 if wants_shared_demo(item) else rank[database_use(item)])


class SharedDemo:
    """The outer transaction holding the demo seed, while the tests that use it run."""

    atomic = None

    @classmethod
    def open(cls, request: pytest.FixtureRequest, blocker) -> None:
        if cls.atomic is None:
            # Before the test database is torn down (finalizers run last in, first out).
            request.session.addfinalizer(lambda: cls.close(blocker))
            cls.atomic = transaction.atomic()
            # Like TestCase's own atomics, so that durable blocks inside still work.
            cls.atomic._from_testcase = True
            cls.atomic.__enter__()
            seed_demo()

    @classmethod
    def close(cls, blocker) -> None:
        if cls.atomic is not None:
            with blocker.unblock():
                transaction.set_rollback(True)
                cls.atomic.__exit__(None, None, None)
            cls.atomic = None


@pytest.hookimpl(wrapper=True)
def pytest_fixture_setup(fixturedef, request):
    """Open or roll back the shared demo seed before a test's own transaction starts."""
    if fixturedef.argname == "_django_db_helper":
        blocker = request.getfixturevalue("django_db_blocker")
        if wants_shared_demo(request.node):
            with blocker.unblock():
                SharedDemo.open(request, blocker)
        else:
            SharedDemo.close(blocker)
    return (yield)
