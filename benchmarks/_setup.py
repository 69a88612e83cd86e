"""Shared set-up for the benchmark scripts: Django on a throwaway database."""

from __future__ import annotations

import atexit
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup_django() -> str:
    """Configure Django on DATABASE_URL, or on a new temporary SQLite file; return its label."""
    sys.path[:0] = [str(ROOT / "example_project"), str(ROOT)]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "example.settings")
    if not os.environ.get("DATABASE_URL"):
        folder = tempfile.mkdtemp(prefix="pl-bench-")
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        path = Path(folder) / "bench.sqlite3"
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    import django
    from django.core.management import call_command

    django.setup()
    from django.db import connection

    if connection.vendor != "sqlite":
        # Benchmarks on a real server use a database of their own and drop it after.
        from django.test.utils import setup_databases, teardown_databases

        config = setup_databases(verbosity=0, interactive=False)
        atexit.register(teardown_databases, config, verbosity=0)
    else:
        call_command("migrate", verbosity=0)
    return f"{connection.vendor} ({connection.settings_dict['NAME']})"


def seed(contacts: int) -> float:
    """Run ``seed_demo`` in a child process (its memory is not ours); return the seconds."""
    from django.db import connection

    settings = connection.settings_dict
    url = os.environ["DATABASE_URL"]
    if connection.vendor == "postgresql":
        url = (
            f"postgres://{settings['USER']}:{settings['PASSWORD']}@{settings['HOST']}:"
            f"{settings['PORT']}/{settings['NAME']}"
        )
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, str(ROOT / "example_project" / "manage.py"), "seed_demo",
         "--contacts", str(contacts)],
        env={**os.environ, "DATABASE_URL": url}, check=True, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    return time.perf_counter() - started


def settle(*models) -> None:
    """On PostgreSQL, vacuum and analyze the tables of ``models``, as autovacuum soon does.

    Right after a bulk insert the planner has no statistics: it sorts whole
    tables, and it never splits a scan across parallel workers. A table that
    has existed for a minute is planned from its statistics.
    """
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"VACUUM ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    print("Vacuumed and analyzed the seeded tables, as autovacuum would")


def peak_rss_mb() -> float:
    """Return this process's peak resident set size so far, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
