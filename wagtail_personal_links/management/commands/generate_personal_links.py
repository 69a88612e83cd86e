"""Generate a batch of personal links and write them as CSV."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import ngettext
from wagtail.models import Page, Site

from wagtail_personal_links import exports, generation, recipients
from wagtail_personal_links.management.arguments import positive_number
from wagtail_personal_links.models import Contact, LinkBatch, Segment, rules


class Command(BaseCommand):
    help = (
        "Generate one personal link per contact of a segment (or for one contact) on a survey "
        "page, and write them as CSV: Contact ID, Custom ID, First Name, Last Name, Email, "
        "Personal Link, Expires At."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--page", required=True, help="Page id or URL path, e.g. /survey/.")
        target = parser.add_mutually_exclusive_group(required=True)
        target.add_argument("--segment", help="Segment name or id.")
        target.add_argument("--contact", help="Contact email or id.")
        parser.add_argument("--sample", type=int, help="Only a random sample of N contacts.")
        expiry = parser.add_mutually_exclusive_group()
        expiry.add_argument(
            "--expires",
            help="Last valid day, YYYY-MM-DD (links expire at 00:00 UTC the next day).",
        )
        expiry.add_argument(
            "--expiration-days",
            type=int,
            help="Valid through the Nth day from today (expire at 00:00 UTC the day after).",
        )
        parser.add_argument(
            "--answers-per-link",
            type=answers_per_link,
            default=1,
            metavar="N|unlimited",
            help="How many answers each link takes (default 1).",
        )
        parser.add_argument("--output", default="-", help="CSV file to write; - for stdout.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["contact"] and options["sample"] is not None:
            raise CommandError("--sample draws from a segment; it cannot be used with --contact.")
        self.max_answers = options["answers_per_link"]
        try:
            expires_at = self.expiry(options)
            page = find_page(options["page"])
            chosen = self.find_recipients(options)
            output = self.open_output(options["output"])
            batch = self.generate(page, chosen, expires_at, output, options["output"])
        except generation.GenerationError as exc:
            raise CommandError(exc.message) from exc
        lines = exports.csv_lines(exports.link_rows(batch))
        if output is None:
            for line in lines:
                self.stdout.write(line, ending="")
        else:
            with output:
                output.writelines(lines)
        message = ngettext(
            "Generated %(count)d link in batch %(batch)d for “%(page)s”.",
            "Generated %(count)d links in batch %(batch)d for “%(page)s”.",
            batch.total,
        )
        self.stderr.write(message % {"count": batch.total, "batch": batch.pk, "page": page})

    def generate(
        self, page: Page, chosen: recipients.Recipients, expires_at: Any, output: Any, path: str
    ) -> LinkBatch:
        """Make the batch at once (a command waits for it); remove the output file on failure."""
        try:
            return generation.generate_batch(
                page, chosen, expires_at=expires_at, source=LinkBatch.Source.COMMAND,
                max_answers=self.max_answers, allow_background=False,
            )  # fmt: skip
        except generation.GenerationError:
            if output is not None:
                output.close()
                Path(path).unlink()
            raise

    def open_output(self, path: str) -> Any:
        """Open the CSV file before any link exists, so a bad path creates nothing."""
        if path == "-":
            return None
        try:
            return open(path, "w", encoding="utf-8", newline="")
        except OSError as exc:
            raise CommandError(f"Cannot write “{path}”: {exc.strerror}.") from exc

    def find_recipients(self, options: dict[str, Any]) -> recipients.Recipients:
        """Return the chosen contacts, the way the admin's generate form describes them."""
        if options["contact"]:
            return recipients.for_contact(find_contact(options["contact"]))
        segment = find_segment(options["segment"])
        if options["sample"] is not None:
            return recipients.for_sample(segment, options["sample"])
        return recipients.for_segment(segment)

    def expiry(self, options: dict[str, Any]) -> datetime.datetime | None:
        if options["expires"] is not None:
            return rules.expiry_from_date(_date(options["expires"]))
        if options["expiration_days"] is not None:
            return rules.expiry_from_days(options["expiration_days"])
        return rules.default_expiry()


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"“{value}” is not a date in the form YYYY-MM-DD.") from exc


def find_page(value: str) -> Page:
    """Return the page with this id or URL path, or raise a CommandError."""
    if value.isdigit():
        page = Page.objects.filter(pk=int(value)).first()
    else:
        path = value.strip("/")
        candidates = [
            f"{site.root_page.url_path}{path}/" if path else site.root_page.url_path
            for site in Site.objects.select_related("root_page")
        ]
        page = Page.objects.filter(url_path__in=candidates).first()
    if page is None:
        raise CommandError(f"No page found for “{value}”.")
    return page.specific


def find_segment(value: str) -> Segment:
    """Return the segment with this name or id, or raise a CommandError."""
    segment = Segment.objects.filter(name=value).first()
    if segment is None and value.isdigit():
        segment = Segment.objects.filter(pk=int(value)).first()
    if segment is None:
        raise CommandError(f"No segment named or numbered “{value}”.")
    return segment


def find_contact(value: str) -> Contact:
    """Return the contact with this email or id, or raise a CommandError."""
    contact = Contact.objects.with_email(value).first()
    if contact is None and value.isdigit():
        contact = Contact.objects.filter(pk=int(value)).first()
    if contact is None:
        raise CommandError(f"No contact with the email or id “{value}”.")
    return contact


def answers_per_link(value: str) -> int | None:
    """Read ``--answers-per-link``: a positive number, or "unlimited" (None)."""
    if value.strip().lower() == "unlimited":
        return None
    return positive_number(value, "give a positive number or 'unlimited'")
