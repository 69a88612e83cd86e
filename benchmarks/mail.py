"""Time invitations: 10,000 to Django's locmem backend, 2,000 to an SMTP server on loopback.

Prints messages per second and peak RSS growth, and compares the whole run
(queueing, rendering, claiming and recording every row) with the backend
alone handing over the same, already rendered messages, in the same process.
Targets: >= 1,000 messages/s to locmem with the rate limit off, peak RSS
growth <= 100 MB, and rendering + bookkeeping adding no more than 2x what the
backend itself costs. The SMTP server (aiosmtpd's Sink) runs in a child
process on a free port of 127.0.0.1.

    .venv/bin/python benchmarks/mail.py [--locmem 10000] [--smtp 2000] [--smtp-port N]
"""

from __future__ import annotations

import argparse
import socket
import subprocess
import sys
import time

from _setup import peak_rss_mb, seed, setup_django


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_smtp_server(port: int) -> subprocess.Popen:
    """Start aiosmtpd's Sink (accepts and drops every message); wait until it listens."""
    server = subprocess.Popen(
        [sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{port}",
         "-c", "aiosmtpd.handlers.Sink"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return server
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise SystemExit("The SMTP server did not start.")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--locmem", type=int, default=10_000)
    parser.add_argument("--smtp", type=int, default=2_000)
    parser.add_argument("--smtp-port", type=int, help="Port for the SMTP server (default: free).")
    args = parser.parse_args()
    database = setup_django()

    from django.core import mail
    from django.core.mail import get_connection

    from home.models import SurveyPage
    from wagtail_personal_links import generation
    from wagtail_personal_links.mailing import queue
    from wagtail_personal_links.mailing.compose import Composer
    from wagtail_personal_links.mailing.placeholders import batch_placeholders
    from wagtail_personal_links.mailing.sending import send_mailing
    from wagtail_personal_links.models import Contact

    seeded = seed(args.locmem)
    page = SurveyPage.objects.get(slug="customer-survey")
    ids = list(Contact.objects.order_by("pk").values_list("pk", flat=True))

    def batch_of(count: int, label: str):
        contacts = Contact.objects.filter(pk__in=ids[:count])
        return generation.create_batch(page, contacts, target_label=label)

    big, small = batch_of(args.locmem, "locmem"), batch_of(args.smtp, "smtp")
    fields = {
        "subject": "{first_name}, a minute for {survey_title}?",
        "body": "Dear {first_name} {last_name},\n\nPlease answer {survey_title}:\n\n{link}\n\n"
        "Your plan: {plan}. The link expires {expires_at}.\n",
        "from_email": "surveys@example.com",
    }
    locmem = "django.core.mail.backends.locmem.EmailBackend"

    # Warm up what every process pays once (the URLconf, the site lookup).
    Composer(small, **fields, known=batch_placeholders(small))

    rss_before = peak_rss_mb()
    started = time.perf_counter()
    mailing = queue.create_mailing(big, "invitation", **fields)
    result = send_mailing(mailing, connection=get_connection(locmem), rate=None)
    total = time.perf_counter() - started
    growth = peak_rss_mb() - rss_before
    assert result.sent == args.locmem == len(mail.outbox), result
    mail.outbox = []

    # Baseline: the backend alone, handed the same messages one at a time, rendered beforehand.
    composer = Composer(big, **fields, known=batch_placeholders(big))
    links = big.links.select_related("contact").order_by("pk")
    messages = [composer.message(link) for link in links]
    backend = get_connection(locmem)
    started = time.perf_counter()
    for message in messages:
        backend.send_messages([message])
    bare = time.perf_counter() - started
    del messages
    mail.outbox = []

    port = args.smtp_port or free_port()
    server = start_smtp_server(port)
    try:
        smtp = get_connection(
            "django.core.mail.backends.smtp.EmailBackend", host="127.0.0.1", port=port
        )
        started = time.perf_counter()
        mailing = queue.create_mailing(small, "invitation", **fields)
        smtp_result = send_mailing(mailing, connection=smtp, rate=None)
        smtp_total = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(timeout=10)
    assert smtp_result.sent == args.smtp, smtp_result

    print(f"database:                 {database}")
    print(f"contacts seeded:          {args.locmem:,} in {seeded:.1f} s")
    print(f"locmem, whole mailing:    {total:.2f} s  ({args.locmem / total:,.0f} messages/s)"
          "  (target >= 1,000/s)")  # fmt: skip
    print(f"locmem backend alone:     {bare:.2f} s  ({args.locmem / bare:,.0f} messages/s)")
    print(f"rendering + bookkeeping:  {(total - bare) / bare:.2f}x the backend's own cost"
          "  (target <= 2x)")  # fmt: skip
    print(f"peak RSS growth:          {growth:.1f} MB  (target <= 100 MB)")
    print(f"SMTP on loopback:         {args.smtp:,} in {smtp_total:.2f} s "
          f"({args.smtp / smtp_total:,.0f} messages/s)")  # fmt: skip


if __name__ == "__main__":
    main()
