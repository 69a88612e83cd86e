"""The batch history table of a survey page: counts, statuses and row actions."""

from __future__ import annotations

from typing import Any

from django.contrib.humanize.templatetags.humanize import intcomma
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import ButtonsColumnMixin, Column, NumberColumn
from wagtail.admin.widgets import Button, ButtonWithDropdown, ListingButton
from wagtail.models import Page

from ..admin_urls import links_url
from ..models import BatchState, LinkBatch
from .mail_buttons import email_buttons

__all__ = ["batch_history", "batch_progress", "history_columns"]


def batch_history(page: Page) -> QuerySet[LinkBatch]:
    """Select the page's batches, newest first, with their link, started and finished counts.

    The counts come from one aggregate query for the whole page of history.
    """
    return (
        LinkBatch.objects.filter(page=page)
        .select_related("created_by")
        .with_link_counts()
        .order_by("-created_at", "-pk")
    )


def batch_progress(links: int, total: int) -> int:
    """Return how far a batch has got, in whole percent."""
    return min(100, links * 100 // total) if total else 0


def batch_url(name: str, batch: LinkBatch) -> str:
    """Return the URL of one of the batch's admin views."""
    return links_url(name, batch.page_id, batch.pk)


class CreatedColumn(Column):
    """When the batch was made, and by whom."""

    cell_template_name = "wagtail_personal_links/admin/links/created_cell.html"


class ExpiryColumn(Column):
    """When the batch's links expire, if ever."""

    cell_template_name = "wagtail_personal_links/admin/links/expiry_cell.html"


class AnswersColumn(Column):
    """How many answers came in, and how many each link takes when that is not one."""

    def get_value(self, instance: LinkBatch) -> str:
        count = intcomma(instance.answer_count or 0)
        if instance.max_answers == 1:
            return count
        if instance.max_answers is None:
            return _("%(count)s (unlimited per link)") % {"count": count}
        return _("%(count)s (up to %(allowed)s per link)") % {
            "count": count,
            "allowed": intcomma(instance.max_answers),
        }


class StatusColumn(Column):
    """A status tag, or a progress bar that follows a batch being generated."""

    cell_template_name = "wagtail_personal_links/admin/links/status_cell.html"

    class Media:
        js = ["wagtail_personal_links/js/batch-progress.js"]

    def get_cell_context_data(self, instance: LinkBatch, parent_context: Any) -> dict[str, Any]:
        context = super().get_cell_context_data(instance, parent_context)
        state = instance.get_state()
        context.update(state=state, label=state.label)
        if state == BatchState.GENERATING:
            context["percent"] = batch_progress(instance.link_count, instance.total)
            context["status_url"] = batch_url("status", instance)
        return context


class ActionsColumn(ButtonsColumnMixin, Column):
    """Download a complete batch, its non-responders, or revoke it."""

    cell_template_name = "wagtail_personal_links/admin/links/actions_cell.html"

    def get_buttons(self, instance: LinkBatch, parent_context: Any) -> list[Any]:
        if instance.status != LinkBatch.Status.COMPLETE:
            return []
        label = _("Download links")
        more = [
            Button(
                _("Download non-responders"),
                batch_url("download_non_responders", instance),
                icon_name="download",
                priority=10,
            ),
        ]
        if instance.revoked_at is None:  # QR codes of revoked links would only mislead
            more += [
                Button(
                    _("QR codes (ZIP of SVGs)"),
                    batch_url("qr_zip", instance),
                    icon_name="download",
                    priority=12,
                ),
                Button(
                    _("QR codes (printable sheet)"),
                    batch_url("qr_sheet", instance),
                    icon_name="doc-full",
                    priority=14,
                ),
                Button(_("Revoke"), batch_url("revoke", instance), icon_name="bin", priority=20),
            ]
        more += email_buttons(instance, parent_context["request"].user)
        more_label = _("More actions for “%(batch)s”") % {"batch": instance.target_label}
        return [
            ListingButton(label, batch_url("download", instance), priority=1),
            ButtonWithDropdown(
                buttons=more,
                icon_name="dots-horizontal",
                attrs={"aria-label": more_label},
                priority=2,
            ),
        ]


def history_columns() -> list[Column]:
    """Return the columns of the history table, in the order of the Qualtrics history."""
    return [
        Column("target_label", label=_("Contacts")),
        CreatedColumn("created_at", label=_("Created")),
        ExpiryColumn("expires_at", label=_("Link expiration")),
        NumberColumn("link_count", label=_("Links")),
        NumberColumn("emailed_count", label=_("Emails sent")),
        NumberColumn("email_failed_count", label=_("Emails failed")),
        NumberColumn("started_count", label=_("Surveys started")),
        NumberColumn("finished_count", label=_("Surveys finished")),
        AnswersColumn("answer_count", label=_("Answers")),
        StatusColumn("status", label=_("Status")),
        ActionsColumn("actions", label=_("Actions")),
    ]
