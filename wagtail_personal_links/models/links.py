"""Personal links: one contact's link to one survey page, and the queries over them."""

from __future__ import annotations

import base64
import datetime
import os
import secrets

from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .batches import LinkBatch
from .contacts import Contact
from .rules import LinkStatus, get_link_status, is_expired, stamp_once

__all__ = ["PersonalLink", "PersonalLinkQuerySet", "new_public_id", "new_public_ids"]

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


class PersonalLinkQuerySet(models.QuerySet):
    """Queries over personal links."""

    def usable(self, now: datetime.datetime | None = None) -> PersonalLinkQuerySet:
        """Select the links that can still take an answer.

        A usable link has answers left, is not revoked or expired, and belongs to a
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
            Q(max_answers__isnull=True) | Q(answer_count__lt=F("max_answers")),
            # A single-answer link is also spent once it has an answer time.
            Q(submitted_at__isnull=True) | ~Q(max_answers=1),
            Exists(open_batch),
            revoked_at__isnull=True,
        )

    def for_gate(self, page_id: int | None = None) -> PersonalLinkQuerySet:
        """Select links with what :meth:`PersonalLink.get_status` reads, in one query.

        Adds the batch, and ``contact_has_answered``: whether the link's
        contact has answered ``page_id`` (by default the link's own page),
        through any link. Naming the page keeps the query simple; it runs on
        every view of a gated page.
        """
        return self.select_related("batch").with_contact_answers(page_id)

    def with_contact_answers(self, page_id: int | None = None) -> PersonalLinkQuerySet:
        """Add ``contact_has_answered``: whether the link's contact has answered the page.

        Through any link: the database allows one answer per contact per page.
        ``page_id`` names the page when all the links are for it, which spares a join.
        """
        return self.annotate(contact_has_answered=Exists(_contact_answers(page_id)))

    def with_email_facts(self) -> PersonalLinkQuerySet:
        """Add what :meth:`PersonalLink.get_status` reads of the link's emails.

        ``last_email_state``: the state of its latest message that was not
        skipped; ``last_email_at``: when its latest message was sent;
        ``contact_opted_out``: the contact's opt-out.
        """
        from .outbox import email_facts  # it imports this module

        return self.annotate(**email_facts(), contact_opted_out=F("contact__email_opt_out"))

    def non_responders(self) -> PersonalLinkQuerySet:
        """Select the links no answer came through, of contacts yet to answer their page.

        A contact who answered the page through another link (of another batch)
        is left out, as reminders leave them out: their link would only show
        "already answered".
        """
        return self.filter(submitted_at__isnull=True).exclude(Exists(_contact_answers()))


def _contact_answers(page_id: int | None = None) -> models.QuerySet:
    """Select the outer link's contact's own answers to its page (or to ``page_id``)."""
    from .submissions import PersonalLinkFormSubmission  # it imports this module

    return PersonalLinkFormSubmission.objects.contacts_own().filter(
        page_id=OuterRef("batch__page_id") if page_id is None else page_id,
        contact_id=OuterRef("contact_id"),
    )


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
    submitted_at = models.DateTimeField(_("first answered"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    #: The batch's answers per link (None: unlimited), copied like ``expires_at``
    #: so that :meth:`consume` checks the link on its own row.
    max_answers = models.PositiveIntegerField(_("answers allowed"), null=True, default=1)
    answer_count = models.PositiveIntegerField(_("answers"), default=0, db_default=0)

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

    def is_expired(self, now: datetime.datetime | None = None) -> bool:
        """Say whether the link has expired: it is valid until ``expires_at``, exclusive."""
        return is_expired(self.expires_at, now)

    def get_status(self, now: datetime.datetime | None = None) -> LinkStatus:
        """Say what the link is good for now, by :func:`~.rules.get_link_status`.

        Reads the batch, so load links with :meth:`PersonalLinkQuerySet.for_gate`;
        without its ``contact_has_answered``, only this link's own answer counts.
        Email statuses need :meth:`PersonalLinkQuerySet.with_email_facts`.
        """
        batch = self.batch
        return get_link_status(
            answered=self.is_used_up()
            or (self.max_answers == 1 and getattr(self, "contact_has_answered", False)),
            revoked=self.revoked_at is not None or batch.revoked_at is not None,
            expires_at=self.expires_at,
            opened=self.opened_at is not None,
            complete=batch.status == LinkBatch.Status.COMPLETE,
            opted_out=getattr(self, "contact_opted_out", False),
            last_email=getattr(self, "last_email_state", None),
            now=now,
        )

    @property
    def is_multi_use(self) -> bool:
        """Say whether the link takes more than one answer (a team link)."""
        return self.max_answers != 1

    def is_used_up(self) -> bool:
        """Say whether the link has taken all the answers it allows."""
        if self.max_answers == 1 and self.submitted_at is not None:
            return True
        return self.max_answers is not None and self.answer_count >= self.max_answers

    def mark_opened(self) -> bool:
        """Record the first visit; return False if the link was opened before."""
        unopened = PersonalLink.objects.filter(opened_at__isnull=True)
        return stamp_once(self, "opened_at", unopened, timezone.now())

    def consume(self) -> bool:
        """Take one answer on the link; return False if it has no answers left or is unusable.

        Call it inside the transaction that stores the answer. It is one
        conditional ``UPDATE`` that counts the answer only while the count is
        below ``max_answers``: the database re-checks that on the row it
        locks, so of any number of concurrent calls on an N-answer link
        exactly N succeed, the others find the count at N.
        """
        now = timezone.now()
        updated = (
            PersonalLink.objects.usable(now)
            .filter(pk=self.pk)
            .update(answer_count=F("answer_count") + 1, submitted_at=Coalesce("submitted_at", now))
        )
        if updated:
            self.refresh_from_db(fields=["answer_count", "submitted_at"])
        return bool(updated)

    def revoke(self) -> bool:
        """Revoke the link; return False if it was revoked already."""
        unrevoked = PersonalLink.objects.filter(revoked_at__isnull=True)
        return stamp_once(self, "revoked_at", unrevoked, timezone.now())
