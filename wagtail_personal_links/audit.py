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

__all__ = ["DOWNLOAD", "GENERATE", "REVOKE", "log_batch_action", "register_log_actions"]

GENERATE = "wagtail_personal_links.generate"
DOWNLOAD = "wagtail_personal_links.download"
REVOKE = "wagtail_personal_links.revoke"


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


def register_log_actions(actions: LogActionRegistry) -> None:
    """Register the log actions, for the ``register_log_actions`` hook."""
    actions.register_action(GENERATE)(GenerateFormatter)
    actions.register_action(DOWNLOAD)(DownloadFormatter)
    actions.register_action(REVOKE)(RevokeFormatter)
