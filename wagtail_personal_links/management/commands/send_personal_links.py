"""Email the personal links of a batch: invitations, reminders, or the rest of a mailing."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from wagtail_personal_links.conf import personal_links_settings
from wagtail_personal_links.mailing import queue
from wagtail_personal_links.mailing.defaults import default_message
from wagtail_personal_links.mailing.placeholders import MessageText, batch_placeholders
from wagtail_personal_links.mailing.sending import send_mailing
from wagtail_personal_links.models import EmailKind, LinkBatch, Mailing, MessageTemplate


class Command(BaseCommand):
    help = (
        "Send invitations or reminders with the personal links of a batch, through "
        "EMAIL_BACKEND. With --mailing, send what an earlier run left queued (after a crash, "
        "or with --retry-failed, what failed)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        target = parser.add_mutually_exclusive_group(required=True)
        target.add_argument("--batch", type=int, help="Id of the batch whose links to send.")
        target.add_argument("--mailing", type=int, help="Id of a mailing to carry on sending.")
        parser.add_argument("--kind", choices=EmailKind.values, default=EmailKind.INVITATION)
        parser.add_argument("--template", help="Name of the email template to send.")
        parser.add_argument("--subject", help="Subject, with placeholders like {first_name}.")
        parser.add_argument("--body-file", help="Text file with the message, or - for stdin.")
        parser.add_argument("--from", dest="from_email", default=None, help="Sender address.")
        parser.add_argument("--min-days", type=int, help="Reminders: days since the last email.")
        parser.add_argument("--max-reminders", type=int, help="Reminders: at most this many.")
        parser.add_argument("--retry-failed", action="store_true", help="Queue failures again.")
        parser.add_argument(
            "--rate", type=float, help="Messages per second; 0 for no limit (default: setting)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        mailing = self.existing(options) if options["mailing"] else self.new(options)
        rate = options["rate"]
        if rate is None:
            rate = personal_links_settings.EMAIL_RATE
        result = send_mailing(mailing, rate=rate or None)
        self.stdout.write(
            f"Mailing {mailing.pk}: sent {result.sent}, failed {result.failed}, "
            f"skipped {mailing.messages.filter(state='skipped').count()}."
        )

    def existing(self, options: dict[str, Any]) -> Mailing:
        mailing = (
            Mailing.objects.select_related("batch__page").filter(pk=options["mailing"]).first()
        )
        if mailing is None:
            raise CommandError(f"There is no mailing with id {options['mailing']}.")
        if options["retry_failed"]:
            mailing.retry_failed()
        return mailing

    def new(self, options: dict[str, Any]) -> Mailing:
        batch = LinkBatch.objects.select_related("page").filter(pk=options["batch"]).first()
        if batch is None or batch.status != LinkBatch.Status.COMPLETE:
            raise CommandError(f"There is no complete batch with id {options['batch']}.")
        kind = options["kind"]
        subject, body = self.message(kind, options)
        placeholders = batch_placeholders(batch)
        for name, text in (("subject", subject), ("message", body)):
            try:
                MessageText(text, placeholders)
            except ValidationError as exc:
                raise CommandError(f"The {name}: {exc.messages[0]}") from exc
        fields = {"subject": subject, "body": body}
        fields["from_email"] = options["from_email"] or settings.DEFAULT_FROM_EMAIL
        if kind == EmailKind.REMINDER:
            fields["min_days"] = _or(
                options["min_days"], personal_links_settings.REMINDER_MIN_DAYS
            )
            fields["max_reminders"] = _or(
                options["max_reminders"], personal_links_settings.REMINDER_MAX
            )
        return queue.create_mailing(batch, kind, **fields)

    def message(self, kind: str, options: dict[str, Any]) -> tuple[str, str]:
        """Return the subject and body from a template, the options, or the defaults."""
        subject, body = default_message(kind)
        if options["template"]:
            template = MessageTemplate.objects.filter(name=options["template"]).first()
            if template is None:
                raise CommandError(f"There is no email template named {options['template']!r}.")
            subject, body = template.subject, template.body
        if options["body_file"]:
            body = self.read_body(options["body_file"])
        return options["subject"] or subject, body

    def read_body(self, path: str) -> str:
        """Read the message from ``path``, or from standard input for ``-``."""
        if path == "-":
            return self.stdin_text()
        try:
            return Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            reason = getattr(exc, "strerror", None) or "it is not UTF-8 text"
            raise CommandError(f"Cannot read “{path}”: {reason}.") from exc

    def stdin_text(self) -> str:
        return sys.stdin.read()


def _or(value: int | None, default: int) -> int:
    return default if value is None else value
