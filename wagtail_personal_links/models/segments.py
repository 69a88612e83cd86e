"""Segments: named groups of contacts."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Case, Count, F, Func, IntegerField, OuterRef, Subquery, When
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from wagtail.api import APIField

from .contacts import Contact

__all__ = ["Segment", "SegmentMembership", "SegmentQuerySet"]


class SegmentQuerySet(models.QuerySet):
    """Queries over segments."""

    def with_member_count(self) -> SegmentQuerySet:
        """Annotate each segment with ``member_count``, in the same query.

        The count is a subquery, so a page of segments costs one query however
        many rows it shows, and a paginator's total does not touch the
        membership table at all. Each dynamic segment's count is a subquery of
        its own compiled rules, chosen by a ``CASE`` on the segment's id; the
        rules are read first, in one more query, which also answers the rules
        that name other segments.
        """
        members = (
            SegmentMembership.objects.filter(segment=OuterRef("pk"))
            .order_by()
            .values("segment")
            .annotate(count=Count("pk"))
            .values("count")
        )
        # The module that compiles rules builds on this one's models.
        from .segment_rules import dynamic_segment_contacts

        static = Coalesce(Subquery(members), 0)
        rules = Segment.objects.filter(kind=Segment.Kind.DYNAMIC).values_list("pk", "rules")
        dynamic = [
            When(pk=pk, then=_count_of(contacts))
            for pk, contacts in dynamic_segment_contacts(dict(rules)).items()
        ]
        if not dynamic:
            return self.annotate(member_count=static)
        return self.annotate(
            member_count=Case(*dynamic, default=static, output_field=IntegerField())
        )


def _count_of(contacts: models.QuerySet) -> Subquery:
    # COUNT as a plain function keeps the subquery ungrouped: one row, even when empty.
    counted = contacts.order_by().annotate(count=Func(F("pk"), function="COUNT")).values("count")
    return Subquery(counted, output_field=IntegerField())


def _empty_rules() -> dict[str, Any]:
    return {"negate": False, "items": []}


class Segment(models.Model):
    """A named group of contacts that links are generated for.

    A static segment holds hand-picked members; a dynamic one holds rules,
    and its members are whoever matches them at the moment of asking. Read
    membership only through :meth:`get_contacts`, which serves both.
    """

    class Kind(models.TextChoices):
        STATIC = "static", _("Static")
        DYNAMIC = "dynamic", _("Dynamic")

    name = models.CharField(_("name"), max_length=255, unique=True)
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(
        _("kind"),
        max_length=16,
        choices=Kind.choices,
        default=Kind.STATIC,
        help_text=_(
            "Static: the contacts you pick. Dynamic: every contact that matches the rules, "
            "whenever links are generated."
        ),
    )
    rules = models.JSONField(_("rules"), default=_empty_rules, blank=True)
    contacts = models.ManyToManyField(
        Contact,
        through="SegmentMembership",
        related_name="segments",
        blank=True,
        verbose_name=_("members"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = SegmentQuerySet.as_manager()

    #: Fields of Wagtail's snippets API v3 (``/api/v3/snippets/wagtail_personal_links.Segment/``).
    #: Members are read and changed through the contacts' bulk import and the admin.
    api_fields = [
        APIField("name", writable=True),
        APIField("description", writable=True),
        APIField("kind", writable=True),
        APIField("rules", writable=True),
        APIField("created_at"),
        APIField("updated_at"),
    ]

    class Meta:
        verbose_name = _("segment")
        verbose_name_plural = _("segments")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_contacts(self) -> models.QuerySet[Contact]:
        """Return the segment's members as one queryset of contacts.

        For a dynamic segment it is the compiled rules, evaluated whenever
        the queryset is; it nests as a subquery like any other.
        """
        # The module that compiles rules builds on this one's models.
        from .segment_rules import segment_contacts

        return segment_contacts(self)

    def clean(self) -> None:
        """Validate the rules of a dynamic segment and what they refer to."""
        super().clean()
        if self.kind == self.Kind.DYNAMIC:
            from .segment_rules import validate_segment_rules

            validate_segment_rules(self)

    def get_member_ids(self, offset: int = 0, limit: int | None = None) -> list[int]:
        """Return the ids of a slice of the members, in the order they joined the segment.

        The order is stable as members join (they come last), so paging with an
        offset neither skips nor repeats anyone. Only membership rows are read:
        a slice deep into a large segment steps over index entries, not contacts.
        """
        memberships = SegmentMembership.objects.filter(segment_id=self.pk).order_by("pk")
        end = None if limit is None else offset + limit
        return list(memberships.values_list("contact_id", flat=True)[offset:end])

    def count_members(self) -> int:
        """Return how many contacts the segment has, from its membership rows alone."""
        return SegmentMembership.objects.filter(segment_id=self.pk).count()

    def add_contacts(self, contacts: models.QuerySet[Contact] | list[Contact]) -> int:
        """Add contacts to the segment, ignoring those already in it; return how many."""
        ids = (
            contacts.values_list("pk", flat=True)
            if isinstance(contacts, models.QuerySet)
            else [contact.pk for contact in contacts]
        )
        before = SegmentMembership.objects.filter(segment=self).count()
        SegmentMembership.objects.bulk_create(
            [SegmentMembership(segment=self, contact_id=pk) for pk in ids],
            batch_size=2000,
            ignore_conflicts=True,
        )
        return SegmentMembership.objects.filter(segment=self).count() - before

    def remove_contacts(self, contacts: models.QuerySet[Contact] | list[Contact]) -> int:
        """Remove contacts from the segment, ignoring those not in it; return how many."""
        ids = (
            contacts.values("pk")
            if isinstance(contacts, models.QuerySet)
            else [contact.pk for contact in contacts]
        )
        removed, _ = SegmentMembership.objects.filter(segment=self, contact__in=ids).delete()
        return removed


class SegmentMembership(models.Model):
    """One contact's membership of one segment."""

    segment = models.ForeignKey(
        Segment, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("segment")
    )
    contact = models.ForeignKey(
        Contact,
        on_delete=models.CASCADE,
        related_name="segment_memberships",
        verbose_name=_("contact"),
    )
    added_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        verbose_name = _("segment membership")
        verbose_name_plural = _("segment memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["segment", "contact"],
                name="wagtail_personal_links_membership_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contact} in {self.segment}"
