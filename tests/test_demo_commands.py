"""`make demo`'s steps as a new user runs them: migrate and seed_demo in a new database, twice."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

MANAGE = Path(__file__).resolve().parent.parent / "example_project" / "manage.py"


def manage(*args: str, database: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "DEMO_ADMIN_PASSWORD": "s3cret"}
    return subprocess.run(
        [sys.executable, str(MANAGE), *args],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )


def counts(database: Path) -> dict[str, int]:
    tables = {
        "contacts": "wagtail_personal_links_contact",
        "segments": "wagtail_personal_links_segment",
        "memberships": "wagtail_personal_links_segmentmembership",
        "survey pages": "home_surveypage",
        "admins": "auth_user",
    }
    with sqlite3.connect(database) as connection:
        return {
            name: connection.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
            for name, table in tables.items()
        }


def admin_password_works(database: Path, password: str) -> bool:
    login = manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.contrib.auth import authenticate; "
        f"print(authenticate(username='admin', password={password!r}) is not None)",
        database=database,
    )
    return login.stdout.strip() == "True"


def test_migrate_and_seed_demo_work_in_a_fresh_database_and_again(tmp_path):
    database = tmp_path / "demo.sqlite3"
    expected = {"contacts": 10, "segments": 1, "memberships": 10, "survey pages": 1, "admins": 1}

    manage("migrate", "--noinput", database=database)
    first = manage("seed_demo", "--contacts", "10", database=database)
    assert counts(database) == expected
    assert "10 contacts created" in first.stdout

    manage("migrate", "--noinput", database=database)
    second = manage("seed_demo", "--contacts", "10", database=database)
    assert counts(database) == expected
    assert "0 contacts created, 0 added" in second.stdout
    assert admin_password_works(database, "s3cret")
