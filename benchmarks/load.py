"""Run the production shape on loopback and drive it with locust; check that nothing is lost.

PostgreSQL (default; ``DATABASE_URL`` names a server and a role with CREATEDB)::

    .venv/bin/python benchmarks/load.py [--users 50] [--run-time 60] [--contacts 20000]

starts gunicorn with 4 workers and ``manage.py db_worker`` against a fresh
database ``<name>_load`` (dropped afterwards), seeds the contacts, and runs
locust headless: respondents open their links, read the form and answer
(some twice, some from two tabs at once), readers keep reloading a survey they
hold a link for, scanners try bad tokens, and an editor generates a batch for
every contact and downloads it during the load.

``--restart-postgres COMMAND`` runs COMMAND (for example
``"pg_ctlcluster 15 main restart"``) halfway through the load: respondents
caught by it must get the friendly 503, nothing may be stored twice or half,
and the site must serve again without being restarted itself.

``--only Reader`` runs only the readers (any of ``Respondent``, ``Reader``,
``Scanner``, ``Editor``): the gated page view alone, at the most the machine
serves. ``--read-path /`` has them reload another page instead, such as
Wagtail's plain home page, for the ceiling of any Wagtail page on the same
machine.

``--sqlite`` runs the embedded default instead: Django's threaded
``runserver`` on a temporary SQLite file, tasks run inline, and counts the
"database is locked" errors in the server's log.

Printed: requests/s and p50/p95/p99 per step, failures, where the CPU went
(the app servers, the task worker, PostgreSQL when it runs here, and locust;
in all and per request), and the database's account: answers stored =
distinct links answered, duplicates 0, lost 0.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

from _cpu import CpuAccount

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
MANAGE = [sys.executable, str(ROOT / "example_project" / "manage.py")]
ADMIN_PASSWORD = "load-test-password"
SERVER_URL = os.environ.get("DATABASE_URL", "")
sys.path[:0] = [str(ROOT / "example_project"), str(ROOT)]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "example.settings")


def main() -> None:
    args = parse_args()
    with tempfile.TemporaryDirectory(prefix="pl-load-") as folder:
        tmp = Path(folder)
        env = database_env(args, tmp)
        try:
            run(args, env, tmp)
        finally:
            drop_database(env, args)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sqlite", action="store_true", help="embedded SQLite, threaded server")
    parser.add_argument("--users", type=int, default=50, help="concurrent locust users")
    parser.add_argument("--run-time", type=int, default=60, help="seconds of load")
    parser.add_argument("--contacts", type=int, default=20_000)
    parser.add_argument("--links", type=int, default=8_000, help="links for respondents")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--port", type=int, default=8400)
    parser.add_argument(
        "--only",
        nargs="+",
        metavar="USER",
        help="run only these locust user classes (Respondent, Reader, Scanner, Editor)",
    )
    parser.add_argument(
        "--read-path",
        default="/customer-survey/",
        help="the page readers reload (default: the invitation-only survey)",
    )
    parser.add_argument(
        "--restart-postgres",
        metavar="COMMAND",
        help="a command restarting the PostgreSQL server, run halfway through the load",
    )
    return parser.parse_args()


def database_env(args: argparse.Namespace, tmp: Path) -> dict[str, str]:
    """Return the environment for every process: a fresh database, DEBUG off."""
    env = {
        **os.environ,
        "DJANGO_DEBUG": "0",
        "DEMO_ADMIN_PASSWORD": ADMIN_PASSWORD,
        "PYTHONPATH": f"{ROOT / 'example_project'}:{ROOT}",
    }
    if args.sqlite:
        env["DATABASE_URL"] = f"sqlite:///{tmp / 'load.sqlite3'}"
        return env
    import psycopg

    server = SERVER_URL
    if not server.startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL database (or pass --sqlite).")
    base, _, name = server.rpartition("/")
    env["DATABASE_URL"] = f"{base}/{name}_load"
    env["DJANGO_CONN_MAX_AGE"] = "60"
    # Four processes share no cache of their own: keep sessions in the database alone.
    env["DJANGO_SESSION_ENGINE"] = "django.contrib.sessions.backends.db"
    env["DJANGO_TASKS_BACKEND"] = "django_tasks_db.DatabaseBackend"
    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}_load" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}_load"')
    return env


def drop_database(env: dict[str, str], args: argparse.Namespace) -> None:
    if args.sqlite:
        return
    import psycopg

    _base, _, name = env["DATABASE_URL"].rpartition("/")
    from django.db import connections

    connections.close_all()
    with psycopg.connect(SERVER_URL, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run(args: argparse.Namespace, env: dict[str, str], tmp: Path) -> None:
    started = time.perf_counter()
    subprocess.run([*MANAGE, "migrate", "-v0"], env=env, check=True)
    subprocess.run(
        [*MANAGE, "seed_demo", "--contacts", str(args.contacts)],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    os.environ.update(env)
    links, ids = respondent_links(args.links)
    (tmp / "links.json").write_text(json.dumps(links))
    print(
        f"seeded {args.contacts:,} contacts and {len(links):,} respondent links "
        f"in {time.perf_counter() - started:.0f} s"
    )
    servers = start_servers(args, env, tmp)
    try:
        wait_for(f"http://127.0.0.1:{args.port}/")
        labels = ["runserver"] if args.sqlite else ["gunicorn", "task worker"]
        account = CpuAccount(
            {label: server.pid for label, server in zip(labels, servers, strict=True)},
            postgresql=not args.sqlite,
        )
        restart = restart_halfway(args)
        account.start()
        load_started = time.monotonic()
        locust(args, env, tmp)
        cpu, wall = account.stop(), time.monotonic() - load_started
        if restart is not None:
            restart.join()
    finally:
        for process in servers:
            process.terminate()
        for process in servers:
            process.wait(timeout=30)
    requests = report_stats(tmp / "stats_stats.csv")
    report_cpu(cpu, wall, requests)
    if args.sqlite:
        log = (tmp / "server.log").read_text(errors="replace")
        print(f'"database is locked" in the server log: {log.count("database is locked")}')
        print(f"server errors (500) logged: {log.count('Internal Server Error')}")
        for where in sorted(lock_sites(log)):
            print(f"  locked at: {where}")
    from django.db import connections

    connections.close_all()  # a restart of the server ended this process's connection too
    check_database(ids, json.loads((tmp / "answered.json").read_text()))


def restart_halfway(args: argparse.Namespace) -> threading.Thread | None:
    """Restart PostgreSQL halfway through the load, then time until the site serves again."""
    if not args.restart_postgres:
        return None

    def restart() -> None:
        time.sleep(args.run_time / 2)
        started = time.monotonic()
        subprocess.run(shlex.split(args.restart_postgres), check=True)
        restarted = time.monotonic()
        wait_for(f"http://127.0.0.1:{args.port}/admin/login/")
        print(
            f"PostgreSQL restarted in {restarted - started:.1f} s by {args.restart_postgres!r}; "
            f"the site served again {time.monotonic() - restarted:.1f} s later, "
            "without restarting it"
        )

    thread = threading.Thread(target=restart)
    thread.start()
    return thread


def lock_sites(log: str) -> set[str]:
    """Return the last project frame of each traceback that ended in "database is locked"."""
    sites, frame = set(), ""
    for line in log.splitlines():
        if 'File "' in line and "site-packages" not in line:
            frame = line.strip()
        elif "database is locked" in line and frame:
            sites.add(frame)
    return sites


def respondent_links(count: int) -> tuple[list[str], dict[str, str]]:
    """Make one batch for the first ``count`` contacts; return link paths and their public ids."""
    import django

    django.setup()
    from home.models import SurveyPage
    from wagtail_personal_links import tokens
    from wagtail_personal_links.generation import create_batch
    from wagtail_personal_links.models import Contact

    page = SurveyPage.objects.get(slug="customer-survey")
    contacts = Contact.objects.order_by("pk")[:count]
    batch = create_batch(page, list(contacts), target_label="load test respondents")
    sign = tokens.signer()
    ids = {
        f"/pl/{sign(public_id)}": public_id
        for public_id in batch.links.values_list("public_id", flat=True)
    }
    return list(ids), ids


def start_servers(args: argparse.Namespace, env: dict[str, str], tmp: Path) -> list:
    log = open(tmp / "server.log", "w")  # noqa: SIM115 (closed with the process)
    address = f"127.0.0.1:{args.port}"
    if args.sqlite:
        server = [*MANAGE, "runserver", address, "--noreload"]
        return [subprocess.Popen(server, env=env, stdout=log, stderr=subprocess.STDOUT)]
    gunicorn = [
        str(BIN / "gunicorn"),
        "example.wsgi:application",
        "--workers",
        str(args.workers),
        "--bind",
        address,
        "--chdir",
        str(ROOT / "example_project"),
    ]
    worker = [*MANAGE, "db_worker", "--no-reload", "--interval", "0.5"]
    return [
        subprocess.Popen(gunicorn, env=env, stdout=log, stderr=subprocess.STDOUT),
        subprocess.Popen(worker, env=env, stdout=log, stderr=subprocess.STDOUT),
    ]


def wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def locust(args: argparse.Namespace, env: dict[str, str], tmp: Path) -> None:
    from home.models import SurveyPage
    from wagtail_personal_links.models import Segment

    page = SurveyPage.objects.get(slug="customer-survey")
    segment = Segment.objects.get(name="Demo customers")
    command = [
        str(BIN / "locust"),
        "-f",
        str(ROOT / "benchmarks" / "locustfile.py"),
        "--headless",
        "-u",
        str(args.users),
        "-r",
        str(max(1, args.users // 5)),
        "-t",
        f"{args.run_time}s",
        "--host",
        f"http://127.0.0.1:{args.port}",
        "--csv",
        str(tmp / "stats"),
        "--only-summary",
        "--stop-timeout",
        "30",
        "--loglevel",
        "ERROR",
        *(args.only or []),
    ]
    locust_env = {
        **env,
        "PL_LOAD_LINKS": str(tmp / "links.json"),
        "PL_LOAD_ANSWERED": str(tmp / "answered.json"),
        "PL_LOAD_ADMIN_PASSWORD": ADMIN_PASSWORD,
        "PL_LOAD_PAGE_ID": str(page.pk),
        "PL_LOAD_SEGMENT_ID": str(segment.pk),
        "PL_LOAD_OUTAGE": "1" if args.restart_postgres else "",
        "PL_LOAD_READ_PATH": args.read_path,
    }
    print(
        f"locust: {args.users} users for {args.run_time} s "
        f"({'SQLite, runserver' if args.sqlite else f'PostgreSQL, gunicorn x{args.workers}'})"
    )
    subprocess.run(command, env=locust_env, stdout=subprocess.DEVNULL, timeout=args.run_time + 120)


def report_cpu(cpu: dict[str, float], wall: float, requests: int) -> None:
    """Print where the machine's CPU went during the load, and per request served."""
    available = CpuAccount.available(wall)
    parts = ", ".join(f"{label} {seconds:.1f}" for label, seconds in cpu.items())
    print(f"CPU seconds in {wall:.0f} s of load ({available:.0f} available): {parts}")
    if requests:
        per_request = ", ".join(
            f"{label} {seconds / requests * 1000:.1f}" for label, seconds in cpu.items()
        )
        print(f"CPU ms per request: {per_request}")


def report_stats(path: Path) -> int:
    """Print the requests/s and percentiles of each step; return the number of requests."""
    import csv

    print(
        f"{'step':<34} {'requests':>8} {'failed':>6} {'req/s':>7} {'p50':>5} {'p95':>5} "
        f"{'p99':>5}  (ms)"
    )
    total = 0
    for row in csv.DictReader(path.open()):
        if row["Name"] == "Aggregated":
            total = int(row["Request Count"])
        print(
            f"{row['Name']:<34} {row['Request Count']:>8} {row['Failure Count']:>6} "
            f"{float(row['Requests/s']):7.1f} {row['50%']:>5} {row['95%']:>5} {row['99%']:>5}"
        )
    return total


def check_database(ids: dict[str, str], answered: list[str]) -> None:
    """Compare what respondents were told with what the database holds."""
    from django.db.models import Count

    from wagtail_personal_links.models import LinkBatch, PersonalLink, PersonalLinkFormSubmission

    public_ids = [ids[path] for path in answered]
    links = PersonalLink.objects.filter(batch__target_label="load test respondents")
    stored = PersonalLinkFormSubmission.objects.filter(personal_link__in=links)
    answered_links = set(stored.values_list("personal_link__public_id", flat=True))
    duplicates = sum(
        row["n"] - 1 for row in stored.values("contact_id").annotate(n=Count("id")).filter(n__gt=1)
    )
    half = links.filter(submitted_at__isnull=False, submissions__isnull=True).count()
    print(f"links answered (thank-you page seen): {len(public_ids):,}")
    print(f"answers stored for them: {stored.count():,} (distinct links {len(answered_links):,})")
    print(f"lost (thanked, not stored): {len(set(public_ids) - answered_links)}")
    print(f"stored without a thank-you page: {len(answered_links - set(public_ids))}")
    print(f"duplicates: {duplicates}; links used up without an answer: {half}")
    batch = LinkBatch.objects.exclude(target_label="load test respondents").last()
    if batch is not None:
        print(f"editor's batch: {batch.status}, {batch.links.count():,} of {batch.total:,} links")


if __name__ == "__main__":
    main()
