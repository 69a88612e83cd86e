"""Wagtail log actions for personal links: generate, download and revoke, with counts.

They are logged against the survey page, so they appear in the page's history
and in Reports > Site history.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail.log_actions import LogActionRegistry, LogFormatter, log

from .models import LinkBatch

__all__ = [
    "DOWNLOAD",
    "EMAIL_CANCEL",
    "EMAIL_OPT_OUT",
    "EMAIL_SEND",
    "EMAIL_TEST",
    "GENERATE",
    "REVOKE",
    "log_batch_action",
    "log_opt_out",
    "register_log_actions",
]

GENERATE = "wagtail_personal_links.generate"
DOWNLOAD = "wagtail_personal_links.download"
REVOKE = "wagtail_personal_links.revoke"
EMAIL_SEND = "wagtail_personal_links.email_send"
EMAIL_TEST = "wagtail_personal_links.email_test"
EMAIL_CANCEL = "wagtail_personal_links.email_cancel"
EMAIL_OPT_OUT = "wagtail_personal_links.email_opt_out"


def log_batch_action(action: str, batch: LinkBatch, user: Any, count: int, **data: Any) -> None:
    """Write ``action`` on ``batch`` (``count`` links) to the log of its page."""
    data = {"batch": batch.pk, "target": batch.target_label, "count": count, **data}
    log(instance=batch.page.specific_deferred, action=action, user=user, data=data)


class BatchLogFormatter(LogFormatter):
    """Say what happened to how many links of which batch."""

    def format_message(self, log_entry: Any) -> str:
        try:
            count, target = log_entry.data["count"], log_entry.data["target"]
        except (KeyError, TypeError):
            return str(self.label)
        return self.message_for(count, log_entry.data) % {"count": count, "target": target}

    def message_for(self, count: int, data: dict[str, Any]) -> str:
        """Return the message, with ``%(count)d`` and ``%(target)s`` placeholders."""
        raise NotImplementedError


class GenerateFormatter(BatchLogFormatter):
    label = _("Generate personal links")

    def message_for(self, count: int, data: dict[str, Any]) -> str:
        return ngettext(
            "Generated %(count)d personal link for “%(target)s”",
            "Generated %(count)d personal links for “%(target)s”",
            count,
        )


class DownloadFormatter(BatchLogFormatter):
    label = _("Download personal links")

    def message_for(self, count: int, data: dict[str, Any]) -> str:
        if data.get("non_responders"):
            return ngettext(
                "Downloaded the link of %(count)d non-responder of “%(target)s”",
                "Downloaded the links of %(count)d non-responders of “%(target)s”",
                count,
            )
        return ngettext(
            "Downloaded %(count)d personal link of “%(target)s”",
            "Downloaded %(count)d personal links of “%(target)s”",
            count,
        )


class RevokeFormatter(BatchLogFormatter):
    label = _("Revoke personal links")

    def message_for(self, count: int, data: dict[str, Any]) -> str:
        return ngettext(
            "Revoked %(count)d personal link of “%(target)s”",
            "Revoked %(count)d personal links of “%(target)s”",
            count,
        )


class EmailSendFormatter(BatchLogFormatter):
    label = _("Email personal links")

    def message_for(self, count: int, data: dict[str, Any]) -> str:
        if data.get("kind") == "reminder":
            if data.get("scheduled"):
                return str(_("Scheduled a reminder to the non-responders of “%(target)s”"))
            return ngettext(
                "Queued %(count)d reminder to “%(target)s”",
                "Queued %(count)d reminders to “%(target)s”",
                count,
            )
        return ngettext(
            "Queued %(count)d invitation to “%(target)s”",
            "Queued %(count)d invitations to “%(target)s”",
            count,
        )


class EmailTestFormatter(BatchLogFormatter):
    label = _("Send a test email")

    def message_for(self, count: int, data: dict[str, Any]) -> str:
        return ngettext(
            "Sent %(count)d test email for “%(target)s”",
            "Sent %(count)d test emails for “%(target)s”",
            count,
        )


class EmailCancelFormatter(BatchLogFormatter):
    label = _("Cancel a scheduled email")

    def message_for(self, count: int, data: dict[str, Any]) -> str:
        return ngettext(
            "Cancelled a scheduled reminder to “%(target)s”",
            "Cancelled scheduled reminders to “%(target)s”",
            count,
        )


class OptOutFormatter(LogFormatter):
    label = _("Opt out of email")

    def format_message(self, log_entry: Any) -> str:
        source = (log_entry.data or {}).get("source")
        if source == "admin":
            return str(_("Marked as opted out of email in the admin"))
        return str(_("Opted out of email through the unsubscribe link"))


def log_opt_out(contact: Any, *, source: str, user: Any = None) -> None:
    """Write a contact's opt-out to the contact's history; ``source`` says how it came."""
    log(instance=contact, action=EMAIL_OPT_OUT, user=user, data={"source": source, "count": 1})


def register_log_actions(actions: LogActionRegistry) -> None:
    """Register the log actions, for the ``register_log_actions`` hook."""
    actions.register_action(GENERATE)(GenerateFormatter)
    actions.register_action(DOWNLOAD)(DownloadFormatter)
    actions.register_action(REVOKE)(RevokeFormatter)
    actions.register_action(EMAIL_SEND)(EmailSendFormatter)
    actions.register_action(EMAIL_TEST)(EmailTestFormatter)
    actions.register_action(EMAIL_CANCEL)(EmailCancelFormatter)
    actions.register_action(EMAIL_OPT_OUT)(OptOutFormatter)
