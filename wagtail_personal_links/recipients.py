"""Who a batch of links is for: a segment, a random sample of one, or a single contact.

A :class:`Recipients` is what the generate form hands to the service: the
target described for the batch history, how many contacts it holds (which
decides whether the batch is made in the background), and how to find them.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from .models import Contact, Segment
from .models.rules import GenerationError

__all__ = ["Recipients", "for_contact", "for_sample", "for_segment", "sample_contact_ids"]


@dataclass(frozen=True)
class Recipients:
    """The contacts a batch is for, with the description the batch keeps.

    ``contact_ids`` of ``None`` means the segment's members at the moment the
    links are made.
    """

    label: str
    count: int
    segment: Segment | None = None
    contact_ids: tuple[int, ...] | None = None

    def contacts(self) -> QuerySet[Contact]:
        """Return the recipients as a queryset of contacts."""
        if self.contact_ids is not None:
            return Contact.objects.filter(pk__in=self.contact_ids)
        return self.segment.get_contacts()  # type: ignore[union-attr]


def for_segment(segment: Segment) -> Recipients:
    """Return every member of ``segment``; refuse an empty segment."""
    count = segment.get_contacts().count()
    if count == 0:
        raise GenerationError(
            _("“%(segment)s” has no contacts.") % {"segment": segment}, code="empty"
        )
    return Recipients(segment.name, count, segment)


def for_sample(segment: Segment, size: int) -> Recipients:
    """Return ``size`` members of ``segment`` picked at random."""
    ids = sample_contact_ids(segment.get_contacts(), size)
    label = _("Sample of %(size)d from %(segment)s") % {"size": size, "segment": segment}
    return Recipients(label, len(ids), segment, tuple(ids))


def for_contact(contact: Contact) -> Recipients:
    """Return the one contact ``contact``."""
    return Recipients(str(contact), 1, None, (contact.pk,))


def sample_contact_ids(contacts: QuerySet[Contact], size: int) -> list[int]:
    """Pick the ids of ``size`` contacts at random from ``contacts``."""
    ids = list(contacts.values_list("pk", flat=True))
    if not ids:
        raise GenerationError(_("There are no contacts to generate links for."), code="empty")
    if not 1 <= size <= len(ids):
        raise GenerationError(
            _("The sample size must be between 1 and %(count)d, the number of contacts.")
            % {"count": len(ids)},
            code="sample_size",
        )
    return random.SystemRandom().sample(ids, size)
