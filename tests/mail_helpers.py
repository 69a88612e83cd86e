"""Helpers shared by the tests of invitations and reminders by email."""

from __future__ import annotations

from django.core.mail.backends import locmem
from django.core.mail.backends.base import BaseEmailBackend

from wagtail_personal_links.mailing import queue
from wagtail_personal_links.models import EmailKind, Mailing

SUBJECT = "Hello {first_name}"
BODY = "Dear {first_name} {last_name},\n\nPlease answer {survey_title}: {link}\n"


def make_mailing(batch, kind: str = EmailKind.INVITATION, **fields) -> Mailing:
    """Create and queue a mailing of ``batch``."""
    defaults = {
        "subject": SUBJECT,
        "body": BODY,
        "from_email": "surveys@example.com",
    }
    if kind == EmailKind.REMINDER:
        defaults.update(min_days=3, max_reminders=2)
    return queue.create_mailing(batch, kind, **{**defaults, **fields})


class RefusingBackend(BaseEmailBackend):
    """The locmem backend, except that it refuses the addresses in ``refused``."""

    refused: set[str] = set()

    def send_messages(self, messages):
        for message in messages:
            if message.to[0] in self.refused:
                raise OSError(f"550 Mailbox unavailable: {message.to[0]}")
        return locmem.EmailBackend().send_messages(messages)
