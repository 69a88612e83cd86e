"""Benchmark the personal links admin view on a 100,000-contact segment.

Run from the repository root with the project's Python::

    .venv/bin/python benchmarks/admin_links.py [--contacts 100000]

It uses ``DATABASE_URL`` when set, else a temporary SQLite file. It seeds the
contacts (in a child process, so that seeding does not count towards memory),
then, through the Django test client and the view editors use:

- generates links for the whole segment: the background path, run inline by
  the immediate task backend; timed until the batch is complete;
- downloads the batch again: time to first byte, to the first link row, and
  to the end;
- compares with a bare PyJWT loop signing as many tokens with the same claims;
- reports the peak RSS growth of this process during generation and download;
- counts the queries of the history view with 50 batches.
"""

from __future__ import annotations

import argparse
import datetime
import os
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MANAGE = ROOT / "example_project" / "manage.py"


def configure(database_dir: str) -> None:
    """Point Django at the example project and the benchmark database."""
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{database_dir}/admin_links.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "example.settings")
    os.environ["DJANGO_DEBUG"] = "0"
    sys.path[:0] = [str(ROOT / "example_project"), str(ROOT)]


def manage(*args: str) -> None:
    subprocess.run([sys.executable, str(MANAGE), *args], check=True, env=os.environ)


def rss_kib(field: str) -> int:
    """Return VmRSS or VmHWM (peak) of this process, in KiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"{field} not in /proc/self/status")


def reset_peak_rss() -> None:
    """Make the peak RSS start again from the current RSS (Linux ``clear_refs``)."""
    Path("/proc/self/clear_refs").write_text("5")


def bare_signing_seconds(count: int) -> float:
    """Time PyJWT signing ``count`` tokens with the claims, header and key size of a link."""
    import jwt

    key = secrets.token_bytes(32)
    exp = int(time.time()) + 30 * 86_400
    ids = [secrets.token_urlsafe(9) for _ in range(count)]
    start = time.perf_counter()
    for public_id in ids:
        jwt.encode(
            {"sub": public_id, "exp": exp},
            key,
            algorithm="HS256",
            headers={"kid": "abc", "typ": None},
        )
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--contacts", type=int, default=100_000)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as database_dir:
        configure(database_dir)
        print(f"Database: {os.environ['DATABASE_URL'].split('@')[-1]}")
        manage("migrate", "--noinput", "-v0")
        start = time.perf_counter()
        manage("seed_demo", "--contacts", str(options.contacts))
        print(f"Seeded {options.contacts:,} contacts in {time.perf_counter() - start:.1f} s")
        run(options.contacts)


def run(contacts: int) -> None:
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment
    from django.urls import reverse

    from home.models import SurveyPage
    from wagtail_personal_links import generation
    from wagtail_personal_links.models import LinkBatch, Segment

    setup_test_environment()
    page = SurveyPage.objects.get(slug="customer-survey")
    segment = Segment.objects.get(name="Demo customers")
    client = Client()
    client.force_login(get_user_model().objects.get(username="admin"))
    index_url = reverse("wagtail_personal_links_links:index", args=[page.pk])
    expires = datetime.date.today() + datetime.timedelta(days=30)

    signing = bare_signing_seconds(contacts)
    print(f"Bare PyJWT signing of {contacts:,} tokens: {signing:.2f} s")

    reset_peak_rss()
    rss_before = rss_kib("VmRSS")
    start = time.perf_counter()
    response = client.post(
        index_url,
        {"target": "segment", "segment": segment.pk, "expires": expires.isoformat()},
    )
    generated = time.perf_counter() - start
    response.close()
    batch = LinkBatch.objects.latest("pk")
    assert batch.status == LinkBatch.Status.COMPLETE, batch.error
    assert batch.links.count() == contacts
    print(f"Generate through the admin view (background path, immediate backend): "
          f"{generated:.2f} s to a complete batch of {batch.total:,} links, "
          f"{generated / signing:.2f}x bare signing (target <= 1.5x)")  # fmt: skip

    download_url = reverse("wagtail_personal_links_links:download", args=[page.pk, batch.pk])
    start = time.perf_counter()
    chunks = iter(client.get(download_url).streaming_content)
    size = len(next(chunks))  # the header row
    first_byte = time.perf_counter() - start
    size += len(next(chunks))
    first_row = time.perf_counter() - start
    size += sum(len(chunk) for chunk in chunks)
    total = time.perf_counter() - start
    print(f"Download: first byte {first_byte * 1000:.1f} ms (target < 1 s), first link row "
          f"{first_row * 1000:.1f} ms, total {total:.2f} s for {size / 1e6:.1f} MB, "
          f"{total / signing:.2f}x bare signing")  # fmt: skip
    growth = (rss_kib("VmHWM") - rss_before) / 1024
    print(f"Peak RSS growth during generation and download: {growth:.1f} MB (target <= 100 MB)")

    one = list(segment.get_contacts().order_by("pk")[:1])
    for index in range(49):
        generation.create_batch(page, one, target_label=f"Benchmark batch {index}")
    results_url = reverse("wagtail_personal_links_links:results", args=[page.pk])
    for label, url in (("history table", results_url), ("whole page, with the form", index_url)):
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        print(f"Queries of the history view with 50 batches, {label}: {len(queries)}")


if __name__ == "__main__":
    main()
