"""Compose invitations or reminders to a batch: preview them, send a test to yourself, send.

Every view here takes "Can send personal link emails" on top of what the
batch's other views take (:func:`~wagtail_personal_links.permissions.user_can_email_links`).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.generic import FormView
from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from .. import audit, tasks
from ..admin_urls import mail_url
from ..forms.mail import ComposeForm
from ..mailing import queue
from ..mailing.compose import Composer
from ..mailing.placeholders import batch_placeholders
from ..models import EmailKind, MessageTemplate, OutboxMessage
from ..permissions import user_can_email_links
from .link_batches import BatchMixin
from .links import PERMISSION_DENIED_TEMPLATE

__all__ = ["ComposeView", "EmailPermissionMixin"]


class EmailPermissionMixin:
    """Let in only users who may email the links of the page in the URL."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not user_can_email_links(request.user, self.page):  # type: ignore[attr-defined]
            return TemplateResponse(request, PERMISSION_DENIED_TEMPLATE, status=403)
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]


class ComposeView(EmailPermissionMixin, BatchMixin, WagtailAdminTemplateMixin, FormView):
    """Write the subject and message, then preview, test or send."""

    template_name = "wagtail_personal_links/admin/mail/compose.html"
    form_class = ComposeForm
    header_icon = "mail"
    kind = EmailKind.INVITATION

    def get_page_title(self) -> str:
        if self.kind == EmailKind.REMINDER:
            return _("Remind non-responders")
        return _("Send invitations")

    def get_page_subtitle(self) -> str:
        return self.batch.target_label

    def get_breadcrumbs_items(self) -> list[dict[str, Any]]:
        return [
            *self.breadcrumbs_items,
            {"url": self.get_index_url(), "label": _("Personal links")},
            {"url": "", "label": self.get_page_title(), "sublabel": self.get_page_subtitle()},
        ]

    def get_form_kwargs(self) -> dict[str, Any]:
        self.placeholders = batch_placeholders(self.batch)
        kwargs = {**super().get_form_kwargs(), "batch": self.batch, "kind": self.kind}
        template = self.chosen_template()
        if template is not None and self.request.method == "GET":
            kwargs["initial"] = {"subject": template.subject, "body": template.body}
        return {**kwargs, "placeholders": self.placeholders}

    def chosen_template(self) -> MessageTemplate | None:
        pk = self.request.GET.get("template", "")
        return MessageTemplate.objects.filter(pk=pk).first() if pk.isdigit() else None

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            batch=self.batch,
            kind=self.kind,
            index_url=self.get_index_url(),
            templates=MessageTemplate.objects.filter(kind=self.kind),
            chosen_template=self.chosen_template(),
            media=context["form"].media,
        )
        return context

    def form_valid(self, form: ComposeForm) -> HttpResponse:
        action = self.request.POST.get("action")
        if action == "send":
            return self.send(form)
        composer = self.composer(form)
        contact = form.cleaned_data["preview_email"]
        message = composer.message(self.batch.links.get(contact=contact))
        if action == "test":
            self.send_test(message)
        preview = {"message": message, "html": message.alternatives[0][0], "contact": contact}
        return self.render_to_response(self.get_context_data(form=form, preview=preview))

    def composer(self, form: ComposeForm) -> Composer:
        """Return a composer for the preview and the test: its links are examples."""
        data = form.cleaned_data
        return Composer(
            self.batch,
            data["subject"],
            data["body"],
            data["from_email"],
            self.placeholders,
            example=True,
        )

    def send_test(self, message: Any) -> None:
        """Mail the previewed message to the editor, marked as a test."""
        user = self.request.user
        if not user.email:
            messages.error(self.request, _("Your account has no email address to send a test to."))
            return
        message.to = [user.email]
        message.subject = _("[Test] %(subject)s") % {"subject": message.subject}
        try:
            message.send()
        except Exception as exc:  # the backend's own message is what the editor needs
            messages.error(self.request, _("The test email failed: %(error)s") % {"error": exc})
            return
        audit.log_batch_action(audit.EMAIL_TEST, self.batch, user, 1)
        messages.success(
            self.request, _("A test email was sent to %(email)s.") % {"email": user.email}
        )

    def send(self, form: ComposeForm) -> HttpResponse:
        """Queue the mailing, log it, and start sending once it is committed."""
        data, user = form.cleaned_data, self.request.user
        with transaction.atomic():
            if data["save_as"]:
                MessageTemplate.objects.create(
                    name=data["save_as"],
                    kind=self.kind,
                    subject=data["subject"],
                    body=data["body"],
                )
            mailing = queue.create_mailing(
                self.batch, self.kind, created_by=user, **form.mailing_fields()
            )
            count = mailing.messages.filter(state=OutboxMessage.State.QUEUED).count()
            audit.log_batch_action(
                audit.EMAIL_SEND, self.batch, user, count, kind=self.kind,
                scheduled=mailing.send_after is not None, mailing=mailing.pk,
            )  # fmt: skip
            tasks.start_sending(mailing)
        messages.success(self.request, self.sent_message(mailing, count))
        return redirect(mail_url("mailing", self.page.pk, self.batch.pk, mailing.pk))

    def sent_message(self, mailing: Any, count: int) -> str:
        if mailing.send_after is not None:
            return _("The reminder is scheduled.")
        message = ngettext(
            "%(count)d email is on its way.", "%(count)d emails are on their way.", count
        )
        return message % {"count": count}
