"""Mailings of personal links, and the reusable message templates they start from."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from .batches import LinkBatch
from .rules import stamp_once

__all__ = ["EmailKind", "Mailing", "MessageTemplate"]


class EmailKind(models.TextChoices):
    """Why a message is sent: the first invitation, or a reminder to answer."""

    INVITATION = "invitation", _("Invitation")
    REMINDER = "reminder", _("Reminder")


class MessageTemplate(models.Model):
    """A reusable subject and message for invitations or reminders."""

    name = models.CharField(_("name"), max_length=255, unique=True)
    kind = models.CharField(
        _("kind"), max_length=16, choices=EmailKind.choices, default=EmailKind.INVITATION
    )
    subject = models.CharField(_("subject"), max_length=255)
    body = models.TextField(_("message"))
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("email template")
        verbose_name_plural = _("email templates")
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.name


class Mailing(models.Model):
    """One sending of invitations or reminders to the links of a batch."""

    batch = models.ForeignKey(
        LinkBatch, on_delete=models.CASCADE, related_name="mailings", verbose_name=_("batch")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=EmailKind.choices)
    subject = models.CharField(_("subject"), max_length=255)
    body = models.TextField(_("message"))
    from_email = models.CharField(_("from"), max_length=254)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    send_after = models.DateTimeField(_("scheduled for"), null=True, blank=True)
    #: Reminders only: who was messaged more recently, or reminded this often, is skipped.
    min_days = models.PositiveIntegerField(_("minimum days since the last message"), null=True)
    max_reminders = models.PositiveIntegerField(_("maximum reminders"), null=True)
    queued_at = models.DateTimeField(_("queued"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)

    class Meta:
        verbose_name = _("mailing")
        verbose_name_plural = _("mailings")
        ordering = ["-created_at", "-pk"]
        permissions = [("send_personal_link_emails", _("Can send personal link emails"))]

    def __str__(self) -> str:
        # The subject is a template, often the same for every mailing: the kind and
        # the time tell mailings apart.
        if self.created_at is None:
            return str(self.get_kind_display())
        return _("%(kind)s of %(created)s") % {
            "kind": self.get_kind_display(),
            "created": formats.date_format(timezone.localtime(self.created_at), "DATETIME_FORMAT"),
        }

    def start_queueing(self) -> bool:
        """Claim the one-time job of queueing this mailing's messages; False if taken."""
        unqueued = Mailing.objects.filter(queued_at__isnull=True)
        return stamp_once(self, "queued_at", unqueued, timezone.now())

    def cancel(self) -> bool:
        """Cancel a mailing whose messages are not queued yet; False if too late."""
        waiting = Mailing.objects.filter(queued_at__isnull=True, cancelled_at__isnull=True)
        return stamp_once(self, "cancelled_at", waiting, timezone.now())

    def retry_failed(self) -> int:
        """Queue the failed messages again; return how many."""
        return self.messages.requeue_failed()
