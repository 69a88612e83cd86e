"""Link batches and the personal links in them."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .contacts import Contact
from .segments import Segment

__all__ = ["LinkBatch", "PersonalLink", "new_public_id"]

#: Random bytes in a public id: 72 bits, written as 12 URL-safe characters.
PUBLIC_ID_BYTES = 9


def new_public_id() -> str:
    """Return a fresh random, unguessable public id for a link."""
    return secrets.token_urlsafe(PUBLIC_ID_BYTES)


class LinkBatch(models.Model):
    """One generation of personal links for one survey page."""

    class Source(models.TextChoices):
        ADMIN = "admin", _("Admin")
        COMMAND = "command", _("Management command")
        API = "api", _("API")

    class Status(models.TextChoices):
        GENERATING = "generating", _("Generating")
        COMPLETE = "complete", _("Complete")
        FAILED = "failed", _("Failed")

    page = models.ForeignKey(
        "wagtailcore.Page",
        on_delete=models.CASCADE,
        related_name="personal_link_batches",
        verbose_name=_("page"),
    )
    target_label = models.CharField(
        _("contacts"),
        max_length=255,
        help_text=_("Who the batch was made for, as described when it was generated."),
    )
    segment = models.ForeignKey(
        Segment,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="link_batches",
        verbose_name=_("segment"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    source = models.CharField(
        _("source"), max_length=16, choices=Source.choices, default=Source.ADMIN
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.COMPLETE
    )
    total = models.PositiveIntegerField(
        _("links"), default=0, help_text=_("How many links the batch holds when complete.")
    )
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("link batch")
        verbose_name_plural = _("link batches")
        ordering = ["-created_at", "-pk"]
        permissions = [("generate_personal_links", _("Can generate personal links"))]

    def __str__(self) -> str:
        return f"{self.target_label} ({self.created_at:%Y-%m-%d %H:%M})"

    def revoke(self) -> bool:
        """Revoke the batch and every link in it, once; return whether this call did it."""
        now = timezone.now()
        with transaction.atomic():
            revoked = LinkBatch.objects.filter(pk=self.pk, revoked_at__isnull=True).update(
                revoked_at=now
            )
            if revoked:
                self.links.filter(revoked_at__isnull=True).update(revoked_at=now)
        if revoked:
            self.revoked_at = now
        return bool(revoked)


class PersonalLink(models.Model):
    """One contact's link to one survey page, made in one batch."""

    public_id = models.CharField(
        _("public id"), max_length=32, unique=True, default=new_public_id, editable=False
    )
    batch = models.ForeignKey(
        LinkBatch, on_delete=models.CASCADE, related_name="links", verbose_name=_("batch")
    )
    contact = models.ForeignKey(
        Contact,
        on_delete=models.CASCADE,
        related_name="personal_links",
        verbose_name=_("contact"),
    )
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    opened_at = models.DateTimeField(_("first opened"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("personal link")
        verbose_name_plural = _("personal links")
        constraints = [
            models.UniqueConstraint(
                fields=["batch", "contact"], name="wagtail_personal_links_link_batch_contact"
            ),
        ]

    def __str__(self) -> str:
        return self.public_id
