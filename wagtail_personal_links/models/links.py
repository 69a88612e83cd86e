"""Link batches and the personal links in them."""

from __future__ import annotations

import base64
import datetime
import os
import secrets
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .. import tokens
from .contacts import Contact
from .segments import Segment

__all__ = [
    "LinkBatch",
    "LinkStatus",
    "PersonalLink",
    "PersonalLinkQuerySet",
    "new_public_id",
    "new_public_ids",
]

#: Random bytes in a public id: 72 bits, written as 12 URL-safe characters.
PUBLIC_ID_BYTES = 9


def new_public_id() -> str:
    """Return a fresh random, unguessable public id for a link."""
    return secrets.token_urlsafe(PUBLIC_ID_BYTES)


def new_public_ids(count: int) -> list[str]:
    """Return ``count`` fresh public ids, drawing the randomness in one call."""
    # Nine bytes are exactly twelve base64 characters, so slicing one encoded
    # draw gives the same ids as encoding each nine-byte piece alone.
    width = PUBLIC_ID_BYTES * 4 // 3
    blob = base64.urlsafe_b64encode(os.urandom(PUBLIC_ID_BYTES * count)).decode()
    return [blob[start : start + width] for start in range(0, width * count, width)]


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
        """Revoke every link of the batch; return False if it was revoked already."""
        unrevoked = LinkBatch.objects.filter(revoked_at__isnull=True)
        return _stamp_once(self, "revoked_at", unrevoked, timezone.now())


class LinkStatus(models.TextChoices):
    """What a personal link is good for at a given moment."""

    USABLE = "usable", _("Usable")
    ANSWERED = "answered", _("Answered")
    REVOKED = "revoked", _("Revoked")
    EXPIRED = "expired", _("Expired")
    INVALID = "invalid", _("Not valid")


class PersonalLinkQuerySet(models.QuerySet):
    """Queries over personal links."""

    def usable(self, now: datetime.datetime | None = None) -> PersonalLinkQuerySet:
        """Select the links that can still take an answer.

        A usable link is not answered, revoked or expired, and belongs to a
        complete batch that is not revoked. The batch is tested with
        ``EXISTS`` rather than a join so that an ``UPDATE`` over this queryset
        filters the link row itself: PostgreSQL then re-checks the condition
        on the row it locks, which is what makes :meth:`PersonalLink.consume`
        safe against concurrent requests.
        """
        now = now or timezone.now()
        open_batch = LinkBatch.objects.filter(
            pk=OuterRef("batch_id"),
            status=LinkBatch.Status.COMPLETE,
            revoked_at__isnull=True,
        )
        return self.filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=now),
            Exists(open_batch),
            submitted_at__isnull=True,
            revoked_at__isnull=True,
        )

    def for_gate(self, page_id: int | None = None) -> PersonalLinkQuerySet:
        """Select links with what :meth:`PersonalLink.get_status` reads, in one query.

        Adds the batch, and ``contact_has_answered``: whether the link's
        contact has answered ``page_id`` (by default the link's own page),
        through any link. Naming the page keeps the query simple; it runs on
        every view of a gated page.
        """
        from .submissions import PersonalLinkFormSubmission  # it imports this module

        answers = PersonalLinkFormSubmission.objects.filter(
            page_id=OuterRef("batch__page_id") if page_id is None else page_id,
            contact_id=OuterRef("contact_id"),
        )
        return self.select_related("batch").annotate(contact_has_answered=Exists(answers))


class PersonalLink(models.Model):
    """One contact's link to one survey page, made in one batch."""

    public_id = models.CharField(
        _("public id"), max_length=32, unique=True, default=new_public_id, editable=False
    )
    #: A keyed hash of the link's short code, by which a short link finds it;
    #: the code itself is never stored (see ``tokens.code_hasher``). NULL, not
    #: "", before it is set: unique constraints ignore NULLs.
    code_hash = models.CharField(  # noqa: DJ001
        _("short code hash"), max_length=64, unique=True, null=True, editable=False
    )
    batch = models.ForeignKey(
        LinkBatch,
        on_delete=models.CASCADE,
        related_name="links",
        verbose_name=_("batch"),
        # The (batch, contact) unique index serves lookups by batch; a second
        # index would only slow down inserting a 100,000-link batch.
        db_index=False,
    )
    contact = models.ForeignKey(
        Contact,
        on_delete=models.CASCADE,
        related_name="personal_links",
        verbose_name=_("contact"),
    )
    #: The batch's expiry, copied so that the gate checks a link on its own row.
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    opened_at = models.DateTimeField(_("first opened"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    objects = PersonalLinkQuerySet.as_manager()

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

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.code_hash is None:
            self.code_hash = tokens.code_hasher()(self.public_id)
        super().save(*args, **kwargs)

    def is_expired(self, now: datetime.datetime | None = None) -> bool:
        """Say whether the link has expired: it is valid until ``expires_at``, exclusive."""
        return self.expires_at is not None and self.expires_at <= (now or timezone.now())

    def get_status(self, now: datetime.datetime | None = None) -> LinkStatus:
        """Say what the link is good for now.

        Reads the batch, so load links with :meth:`PersonalLinkQuerySet.for_gate`;
        without its ``contact_has_answered``, only this link's own answer counts.
        An answer outranks the other states: a respondent who answered is
        thanked, whatever happened to the link since.
        """
        if self.submitted_at is not None or getattr(self, "contact_has_answered", False):
            return LinkStatus.ANSWERED
        if self.revoked_at is not None or self.batch.revoked_at is not None:
            return LinkStatus.REVOKED
        if self.is_expired(now):
            return LinkStatus.EXPIRED
        if self.batch.status != LinkBatch.Status.COMPLETE:
            return LinkStatus.INVALID
        return LinkStatus.USABLE

    def mark_opened(self) -> bool:
        """Record the first visit; return False if the link was opened before."""
        unopened = PersonalLink.objects.filter(opened_at__isnull=True)
        return _stamp_once(self, "opened_at", unopened, timezone.now())

    def consume(self) -> bool:
        """Use the link up for an answer; return False if it is no longer usable.

        Call it inside the transaction that stores the answer. It is one
        conditional ``UPDATE``: of concurrent calls for the same link, exactly
        one succeeds, the others wait for its row lock and then find
        ``submitted_at`` set.
        """
        now = timezone.now()
        return _stamp_once(self, "submitted_at", PersonalLink.objects.usable(now), now)

    def revoke(self) -> bool:
        """Revoke the link; return False if it was revoked already."""
        unrevoked = PersonalLink.objects.filter(revoked_at__isnull=True)
        return _stamp_once(self, "revoked_at", unrevoked, timezone.now())


def _stamp_once(
    instance: models.Model, field: str, queryset: models.QuerySet, now: datetime.datetime
) -> bool:
    """Set ``field`` to ``now`` in one conditional UPDATE, if ``queryset`` still selects the row.

    The condition is checked by the database on the row it writes, never read
    first in Python, so concurrent requests cannot both succeed.
    """
    stamped = queryset.filter(pk=instance.pk).update(**{field: now})
    if stamped:
        setattr(instance, field, now)
    return bool(stamped)
