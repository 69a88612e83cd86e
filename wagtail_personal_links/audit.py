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
    "GENERATE",
    "IMPORT_CONTACTS",
    "MEMBERS_ADDED",
    "MEMBERS_REMOVED",
    "REVOKE",
    "log_batch_action",
    "register_log_actions",
]

GENERATE = "wagtail_personal_links.generate"
DOWNLOAD = "wagtail_personal_links.download"
REVOKE = "wagtail_personal_links.revoke"
IMPORT_CONTACTS = "wagtail_personal_links.import_contacts"
MEMBERS_ADDED = "wagtail_personal_links.segment.add_contacts"
MEMBERS_REMOVED = "wagtail_personal_links.segment.remove_contacts"


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


class ContactImportFormatter(LogFormatter):
    """Show a contact import with its counts."""

    label = _("Import contacts")

    def format_message(self, log_entry: Any) -> str:
        message = gettext(
            "Imported contacts from “%(file)s”: %(new)d new, %(updated)d updated, "
            "%(skipped)d skipped"
        )
        return message % log_entry.data


class MembersAddedFormatter(LogFormatter):
    """The segment history line for contacts added by the bulk action."""

    label = _("Add contacts to segment")

    def format_message(self, log_entry: Any) -> str:
        count = log_entry.data.get("count", 0)
        message = ngettext("Added %(count)s contact", "Added %(count)s contacts", count)
        return message % {"count": count}


class MembersRemovedFormatter(LogFormatter):
    """The segment history line for contacts removed by the bulk action."""

    label = _("Remove contacts from segment")

    def format_message(self, log_entry: Any) -> str:
        count = log_entry.data.get("count", 0)
        message = ngettext("Removed %(count)s contact", "Removed %(count)s contacts", count)
        return message % {"count": count}


FORMATTERS: dict[str, type[LogFormatter]] = {
    GENERATE: GenerateFormatter,
    DOWNLOAD: DownloadFormatter,
    REVOKE: RevokeFormatter,
    IMPORT_CONTACTS: ContactImportFormatter,
    MEMBERS_ADDED: MembersAddedFormatter,
    MEMBERS_REMOVED: MembersRemovedFormatter,
}


def register_log_actions(actions: LogActionRegistry) -> None:
    """Register every log action, for the ``register_log_actions`` hook."""
    for action, formatter in FORMATTERS.items():
        actions.register_action(action)(formatter)
