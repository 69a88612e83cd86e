"""Every Wagtail log action of the plugin, with the formatter that words it.

Link actions (generate, download, revoke) are logged against the survey page,
so they appear in the page's history and in Reports > Site history; contact
imports against the segment they filled (or the user); membership changes
against the segment.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import LogActionRegistry, LogFormatter, log

from .models import LinkBatch

__all__ = [
    "DOWNLOAD",
    "EMAIL_CANCEL",
    "EMAIL_OPT_OUT",
    "EMAIL_SEND",
    "EMAIL_TEST",
    "GENERATE",
    "IMPORT_CONTACTS",
    "MEMBERS_ADDED",
    "MEMBERS_REMOVED",
    "REVOKE",
    "log_batch_action",
    "log_opt_out",
    "register_log_actions",
]

GENERATE = "wagtail_personal_links.generate"
DOWNLOAD = "wagtail_personal_links.download"
REVOKE = "wagtail_personal_links.revoke"
IMPORT_CONTACTS = "wagtail_personal_links.import_contacts"
MEMBERS_ADDED = "wagtail_personal_links.segment.add_contacts"
MEMBERS_REMOVED = "wagtail_personal_links.segment.remove_contacts"
EMAIL_SEND = "wagtail_personal_links.email_send"
EMAIL_TEST = "wagtail_personal_links.email_test"
EMAIL_CANCEL = "wagtail_personal_links.email_cancel"
EMAIL_OPT_OUT = "wagtail_personal_links.email_opt_out"


def log_batch_action(action: str, batch: LinkBatch, user: Any, count: int, **data: Any) -> None:
    """Write ``action`` on ``batch`` (``count`` links) to the log of its page."""
    data = {"batch": batch.pk, "target": batch.target_label, "count": count, **data}
    log(instance=batch.page.specific_deferred, action=action, user=user, data=data)


class BatchLogFormatter(LogFormatter):
    """The history line of a batch action: what happened to how many links of which batch.

    Subclasses word it in :meth:`message_for`.
    """

    def format_message(self, log_entry: Any) -> str:
        """Return the entry's message, or the action's label if its data lacks count or target."""
        try:
            count, target = log_entry.data["count"], log_entry.data["target"]
        except (KeyError, TypeError):
            return str(self.label)
        return self.message_for(count, log_entry.data) % {"count": count, "target": target}

    def message_for(self, count: int, data: dict[str, Any]) -> str:
        """Return the message for ``count`` links, with ``%(count)d`` and ``%(target)s``.

        ``data`` is the log entry's data, for messages that depend on more than the count.
        """
        raise NotImplementedError


class GenerateFormatter(BatchLogFormatter):
    """The history line of links generated for a batch."""

    label = _("Generate personal links")

    def message_for(self, count: int, data: dict[str, Any]) -> str:
        """Return the message for ``count`` links generated."""
        return ngettext(
            "Generated %(count)d personal link for “%(target)s”",
            "Generated %(count)d personal links for “%(target)s”",
            count,
        )


class DownloadFormatter(BatchLogFormatter):
    """The history line of a batch's links downloaded, all of them or the non-responders'."""

    label = _("Download personal links")

    def message_for(self, count: int, data: dict[str, Any]) -> str:
        """Return the message for ``count`` links downloaded, saying if only non-responders'."""
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
    """The history line of a batch's links revoked."""

    label = _("Revoke personal links")

    def message_for(self, count: int, data: dict[str, Any]) -> str:
        """Return the message for ``count`` links revoked."""
        return ngettext(
            "Revoked %(count)d personal link of “%(target)s”",
            "Revoked %(count)d personal links of “%(target)s”",
            count,
        )


class ContactImportFormatter(LogFormatter):
    """The history line of a contact import: the file, and its new, updated and skipped counts."""

    label = _("Import contacts")

    def format_message(self, log_entry: Any) -> str:
        """Return the message naming the file, with its counts."""
        message = gettext(
            "Imported contacts from “%(file)s”: %(new)d new, %(updated)d updated, "
            "%(skipped)d skipped"
        )
        return message % log_entry.data


class MembersAddedFormatter(LogFormatter):
    """The segment history line for contacts added by the bulk action."""

    label = _("Add contacts to segment")

    def format_message(self, log_entry: Any) -> str:
        """Return the message saying how many contacts were added."""
        count = log_entry.data.get("count", 0)
        message = ngettext("Added %(count)s contact", "Added %(count)s contacts", count)
        return message % {"count": count}


class MembersRemovedFormatter(LogFormatter):
    """The segment history line for contacts removed by the bulk action."""

    label = _("Remove contacts from segment")

    def format_message(self, log_entry: Any) -> str:
        """Return the message saying how many contacts were removed."""
        count = log_entry.data.get("count", 0)
        message = ngettext("Removed %(count)s contact", "Removed %(count)s contacts", count)
        return message % {"count": count}


class EmailSendFormatter(BatchLogFormatter):
    """The history line of invitations or reminders to a batch, queued or scheduled."""

    label = _("Email personal links")

    def message_for(self, count: int, data: dict[str, Any]) -> str:
        """Return the message for ``count`` emails; a scheduled reminder has no count yet."""
        if data.get("kind") != "reminder":
            return ngettext(
                "Queued %(count)d invitation to “%(target)s”",
                "Queued %(count)d invitations to “%(target)s”",
                count,
            )
        if data.get("scheduled"):
            return gettext("Scheduled a reminder to the non-responders of “%(target)s”")
        return ngettext(
            "Queued %(count)d reminder to “%(target)s”",
            "Queued %(count)d reminders to “%(target)s”",
            count,
        )


class EmailTestFormatter(BatchLogFormatter):
    """The history line of a test email sent for a batch."""

    label = _("Send a test email")

    def message_for(self, count: int, data: dict[str, Any]) -> str:
        """Return the message, which names the batch only."""
        return gettext("Sent a test email for “%(target)s”")


class EmailCancelFormatter(BatchLogFormatter):
    """The history line of a batch's scheduled reminder cancelled."""

    label = _("Cancel a scheduled email")

    def message_for(self, count: int, data: dict[str, Any]) -> str:
        """Return the message, which names the batch only."""
        return gettext("Cancelled a scheduled reminder to “%(target)s”")


class OptOutFormatter(LogFormatter):
    """The contact history line of an opt-out from email."""

    label = _("Opt out of email")

    def format_message(self, log_entry: Any) -> str:
        """Return the message saying the contact opted out through the unsubscribe link."""
        return gettext("Opted out of email through the unsubscribe link")


def log_opt_out(contact: Any, *, source: str, user: Any = None) -> None:
    """Write a contact's opt-out to the contact's history; ``source`` says how it came."""
    log(instance=contact, action=EMAIL_OPT_OUT, user=user, data={"source": source, "count": 1})


FORMATTERS: dict[str, type[LogFormatter]] = {
    GENERATE: GenerateFormatter,
    DOWNLOAD: DownloadFormatter,
    REVOKE: RevokeFormatter,
    IMPORT_CONTACTS: ContactImportFormatter,
    MEMBERS_ADDED: MembersAddedFormatter,
    MEMBERS_REMOVED: MembersRemovedFormatter,
    EMAIL_SEND: EmailSendFormatter,
    EMAIL_TEST: EmailTestFormatter,
    EMAIL_CANCEL: EmailCancelFormatter,
    EMAIL_OPT_OUT: OptOutFormatter,
}


def register_log_actions(actions: LogActionRegistry) -> None:
    """Register every log action, for the ``register_log_actions`` hook."""
    for action, formatter in FORMATTERS.items():
        actions.register_action(action)(formatter)
