"""Link batches: one generation of personal links for one survey page."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .rules import BatchState, LinkStatus, get_link_status, stamp_once
from .segments import Segment

__all__ = ["LinkBatch", "LinkBatchQuerySet"]


class LinkBatchQuerySet(models.QuerySet):
    """Queries over link batches."""

    def with_link_counts(self) -> LinkBatchQuerySet:
        """Annotate ``link_count``, ``started_count`` and ``finished_count``, in the same query.

        Also ``emailed_count`` (links sent an email) and ``email_failed_count``.
        """
        from .outbox import batch_email_counts  # it imports this module

        return self.annotate(
            link_count=Count("links"),
            started_count=Count("links", filter=Q(links__opened_at__isnull=False)),
            finished_count=Count("links", filter=Q(links__submitted_at__isnull=False)),
            **batch_email_counts(),
            answer_count=Sum("links__answer_count"),
        )

    def link_totals(self) -> dict[str, int]:
        """Sum the counts of the complete batches as ``links``, ``started`` and ``finished``.

        A batch still generating holds part of its links, none of them usable
        yet, so it counts once it is complete; the history shows its progress.
        """
        totals = (
            self.filter(status=LinkBatch.Status.COMPLETE)
            .with_link_counts()
            .aggregate(
                links=Sum("link_count"),
                started=Sum("started_count"),
                finished=Sum("finished_count"),
            )
        )
        return {name: value or 0 for name, value in totals.items()}


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
    on_demand = models.BooleanField(
        _("on demand"),
        default=False,
        help_text=_("Links are added to the batch as the API asks for them, one expiry each."),
    )
    max_answers = models.PositiveIntegerField(
        _("answers per link"),
        null=True,
        blank=True,
        default=1,
        help_text=_("How many answers each link of the batch takes; empty for unlimited."),
    )

    objects = LinkBatchQuerySet.as_manager()

    class Meta:
        verbose_name = _("link batch")
        verbose_name_plural = _("link batches")
        ordering = ["-created_at", "-pk"]
        permissions = [("generate_personal_links", _("Can generate personal links"))]
        # One open on-demand batch per page and expiry, so that concurrent API
        # requests add their links to the same batch. NULL expiries are
        # distinct in a unique index, hence the second constraint for them.
        constraints = [
            models.UniqueConstraint(
                fields=["page", "expires_at"],
                condition=Q(on_demand=True, revoked_at__isnull=True),
                name="wagtail_personal_links_one_open_on_demand_batch",
            ),
            models.UniqueConstraint(
                fields=["page"],
                condition=Q(on_demand=True, revoked_at__isnull=True, expires_at__isnull=True),
                name="wagtail_personal_links_one_open_on_demand_batch_no_expiry",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.target_label} ({self.created_at:%Y-%m-%d %H:%M})"

    def get_state(self, now: datetime.datetime | None = None) -> BatchState:
        """Say how the batch stands: generating, failed, or what its unused links are good for."""
        if self.status != LinkBatch.Status.COMPLETE:
            failed = self.status == LinkBatch.Status.FAILED
            return BatchState.FAILED if failed else BatchState.GENERATING
        revoked = self.revoked_at is not None
        status = get_link_status(
            answered=False, revoked=revoked, expires_at=self.expires_at, now=now
        )
        return _STATE_FOR_STATUS.get(status, BatchState.ACTIVE)

    def revoke(self) -> bool:
        """Revoke every link of the batch; return False if it was revoked already."""
        unrevoked = LinkBatch.objects.filter(revoked_at__isnull=True)
        return stamp_once(self, "revoked_at", unrevoked, timezone.now())


_STATE_FOR_STATUS = {
    LinkStatus.REVOKED: BatchState.REVOKED,
    LinkStatus.EXPIRED: BatchState.EXPIRED,
}
