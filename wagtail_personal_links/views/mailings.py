"""A batch's mailings: their progress and per-person outcome; retry failures, cancel a schedule."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django.views.generic import TemplateView
from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from .. import audit, tasks
from ..admin_urls import mail_url
from ..mailing.placeholders import fill_survey_title
from ..models import Mailing, OutboxMessage
from .link_batches import BatchMixin
from .mail import EmailPermissionMixin

__all__ = [
    "CancelMailingView",
    "MailingStatusView",
    "MailingView",
    "MailingsView",
    "RetryFailedView",
    "mailing_counts",
]

State = OutboxMessage.State
SHOWN_PROBLEMS = 200


def mailings_with_counts(queryset: QuerySet[Mailing]) -> QuerySet[Mailing]:
    """Add how many of each mailing's messages are in each state, in the same query."""
    return queryset.annotate(
        **{
            f"{state}_count": Count("messages", filter=Q(messages__state=state))
            for state in State.values
        },
        total_count=Count("messages"),
    )


def mailing_counts(mailing: Mailing) -> dict[str, Any]:
    """Return the mailing's state counts and progress, as the status JSON gives them."""
    counts = dict(mailing.messages.values_list("state").annotate(n=Count("pk")).order_by())
    data: dict[str, Any] = {state: counts.get(state, 0) for state in State.values}
    data["total"] = sum(data.values())
    done = data[State.SENT] + data[State.FAILED] + data[State.SKIPPED]
    data["percent"] = done * 100 // data["total"] if data["total"] else 0
    data["finished"] = bool(mailing.queued_at) and not (data[State.QUEUED] + data[State.SENDING])
    data["cancelled"] = mailing.cancelled_at is not None
    return data


class MailingMixin(EmailPermissionMixin, BatchMixin):
    """Find the mailing in the URL, among the batch's."""

    def setup(self, request: HttpRequest, *args: Any, **kwargs: Any) -> None:
        super().setup(request, *args, **kwargs)
        self.mailing = get_object_or_404(self.batch.mailings, pk=kwargs["mailing_id"])

    def get_mailing_url(self) -> str:
        return mail_url("mailing", self.page.pk, self.batch.pk, self.mailing.pk)


class AdminPageMixin(WagtailAdminTemplateMixin):
    """The header of a batch's mailing pages, and breadcrumbs through its "Personal links".

    The view supplies ``batch``, ``get_index_url()`` and the survey page's breadcrumbs,
    as :class:`BatchMixin` does; the subtitle says who the batch is for.
    """

    header_icon = "mail"

    def get_page_subtitle(self) -> str:
        return self.batch.target_label  # type: ignore[attr-defined]

    def get_breadcrumbs_items(self) -> list[dict[str, Any]]:
        return [
            *self.breadcrumbs_items,  # type: ignore[attr-defined]
            {"url": self.get_index_url(), "label": _("Personal links")},  # type: ignore[attr-defined]
            *self.get_parent_breadcrumbs_items(),
            {"url": "", "label": self.get_page_title(), "sublabel": self.get_page_subtitle()},
        ]

    def get_parent_breadcrumbs_items(self) -> list[dict[str, Any]]:
        """Return the levels between "Personal links" and this page."""
        return []


class MailingsView(EmailPermissionMixin, BatchMixin, AdminPageMixin, TemplateView):
    """The mailings of a batch, newest first, with their counts."""

    template_name = "wagtail_personal_links/admin/mail/mailings.html"

    def get_page_title(self) -> str:
        return _("Emails")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        mailings = list(mailings_with_counts(self.batch.mailings.select_related("created_by")))
        for mailing in mailings:
            mailing.shown_subject = fill_survey_title(mailing.subject, self.page.title)
        return super().get_context_data(
            batch=self.batch,
            mailings=mailings,
            invite_url=mail_url("invite", self.page.pk, self.batch.pk),
            remind_url=mail_url("remind", self.page.pk, self.batch.pk),
            **kwargs,
        )


class MailingView(MailingMixin, AdminPageMixin, TemplateView):
    """One mailing: a progress bar, its counts, and who failed or was skipped and why."""

    template_name = "wagtail_personal_links/admin/mail/mailing.html"

    def get_page_title(self) -> str:
        return str(self.mailing)

    def get_parent_breadcrumbs_items(self) -> list[dict[str, Any]]:
        return [{"url": mail_url("mailings", self.page.pk, self.batch.pk), "label": _("Emails")}]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        problems = (
            self.mailing.messages.filter(state__in=[State.FAILED, State.SKIPPED])
            .select_related("link__contact")
            .order_by("state", "pk")[:SHOWN_PROBLEMS]
        )
        args = (self.page.pk, self.batch.pk, self.mailing.pk)
        return super().get_context_data(
            batch=self.batch,
            mailing=self.mailing,
            subject=fill_survey_title(self.mailing.subject, self.page.title),
            counts=mailing_counts(self.mailing),
            problems=problems,
            status_url=mail_url("mailing_status", *args),
            retry_url=mail_url("retry", *args),
            cancel_url=mail_url("cancel", *args),
            mailings_url=mail_url("mailings", self.page.pk, self.batch.pk),
            **kwargs,
        )


class MailingStatusView(MailingMixin, View):
    """Report a mailing's progress as JSON, for its progress bar."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
        return JsonResponse(mailing_counts(self.mailing))


class RetryFailedView(MailingMixin, View):
    """Queue a mailing's failed messages again and send them."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        count = self.mailing.retry_failed()
        if count:
            audit.log_batch_action(
                audit.EMAIL_SEND, self.batch, request.user, count, kind=self.mailing.kind
            )
            tasks.start_sending(self.mailing)
        message = ngettext(
            "%(count)d failed email is queued again.",
            "%(count)d failed emails are queued again.",
            count,
        )
        messages.success(request, message % {"count": count})
        return redirect(self.get_mailing_url())


class CancelMailingView(MailingMixin, View):
    """Cancel a scheduled reminder before it is sent."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if self.mailing.cancel():
            audit.log_batch_action(audit.EMAIL_CANCEL, self.batch, request.user, 1)
            messages.success(request, _("The scheduled reminder is cancelled."))
        else:
            messages.warning(request, _("Too late to cancel: the reminder is being sent."))
        return redirect(self.get_mailing_url())
