"""A dynamic segment's members and the checks on its rules: the rule language put to work.

The compiler (``rules/``) knows contacts' fields and attributes; this module
lends it what only the models know: who is in another segment, who answered
or opened which survey page, and which segments and pages exist.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import Page

from ..rules.compiler import compile_rules
from ..rules.schema import ids_named_by, validate_rules
from .attribute_keys import ContactAttributeKey
from .contacts import Contact
from .links import PersonalLink
from .segment_graph import ReferenceGraph
from .segments import Segment
from .submissions import PersonalLinkFormSubmission

__all__ = [
    "RuleCycleError",
    "SegmentReferences",
    "dynamic_segment_contacts",
    "segment_contacts",
    "validate_segment_rules",
]


class RuleCycleError(ValueError):
    """A segment's rules refer back to the segment itself."""


def segment_contacts(segment: Segment, seen: frozenset[int] = frozenset()) -> QuerySet[Contact]:
    """Return the members of ``segment``; ``seen`` holds the segments being compiled."""
    if segment.kind != Segment.Kind.DYNAMIC:
        return Contact.objects.filter(segment_memberships__segment_id=segment.pk)
    return SegmentReferences(seen).members(segment.pk, segment.rules)


def dynamic_segment_contacts(rules: Mapping[int, Any]) -> dict[int, QuerySet[Contact]]:
    """Return the members of every dynamic segment, by id, given all their ``rules``.

    ``rules`` is the whole reference graph, so compiling them takes no query.
    """
    references = SegmentReferences(graph=ReferenceGraph(rules))
    return {pk: references.members(pk, tree) for pk, tree in rules.items()}


class SegmentReferences:
    """Answer the compiler's segment and survey filters with subqueries.

    The rules of the segments that filters name come from one read of the
    reference graph, made at the first segment filter and shared by the
    segments nested in it: one query, however many segments the rules name.
    """

    def __init__(
        self,
        seen: frozenset[int] = frozenset(),
        graph: ReferenceGraph | None = None,
        now: datetime.datetime | None = None,
    ) -> None:
        self.seen = seen
        self._graph = graph
        # One clock for the rules and every segment they nest, so windows agree.
        self.now = now or timezone.now()

    @property
    def graph(self) -> ReferenceGraph:
        """Return every dynamic segment's rules, read when first needed."""
        if self._graph is None:
            self._graph = ReferenceGraph.load()
        return self._graph

    def members(self, segment_id: int, rules: Mapping[str, Any]) -> QuerySet[Contact]:
        """Return the contacts that ``rules``, segment ``segment_id``'s, match."""
        if segment_id in self.seen:
            raise RuleCycleError(f"Segment {segment_id} refers to itself through its rules.")
        nested = SegmentReferences(self.seen | {segment_id}, self._graph, self.now)
        return Contact.objects.filter(compile_rules(rules, references=nested, now=self.now))

    def segment_members(self, segment_id: int) -> Q:
        """Return "is a member of segment ``segment_id``"; nobody if it no longer exists."""
        rules = self.graph.rules.get(segment_id)
        if rules is None:  # a static segment, whose members are its rows (none if it is gone)
            members = Contact.objects.filter(segment_memberships__segment_id=segment_id)
        else:
            members = self.members(segment_id, rules)
        return Q(pk__in=members.values("pk"))

    def survey_interaction(
        self, operator: str, page_id: int, since: datetime.datetime | None
    ) -> Q:
        """Return "has answered" or "has opened its link to" page ``page_id`` since ``since``."""
        if operator == "answered":
            done = PersonalLinkFormSubmission.objects.filter(
                contact=OuterRef("pk"), page_id=page_id
            )
            done = done.filter(submit_time__gte=since) if since else done
        else:
            done = PersonalLink.objects.filter(
                contact=OuterRef("pk"), batch__page_id=page_id, opened_at__isnull=False
            )
            done = done.filter(opened_at__gte=since) if since else done
        return Q(Exists(done))


def validate_segment_rules(segment: Segment) -> None:
    """Raise ``ValidationError`` on the ``rules`` field if the segment's rules are not usable."""
    try:
        validate_rules(segment.rules, ContactAttributeKey.objects.types())
        check_references(segment)
    except ValidationError as error:
        raise ValidationError({"rules": error.error_list}) from error


def check_references(segment: Segment) -> None:
    """Refuse rules that name a missing segment or page, or lead back to ``segment``."""
    errors = []
    pages = ids_named_by(segment.rules, "survey", "page")
    found = set(Page.objects.filter(pk__in=pages).values_list("pk", flat=True))
    if missing := pages - found:
        errors.append(_("No page has the id %(ids)s.") % {"ids": _ids(missing)})
    segments = ids_named_by(segment.rules, "segment", "segment")
    found = set(Segment.objects.filter(pk__in=segments).values_list("pk", flat=True))
    if missing := segments - found:
        errors.append(_("No segment has the id %(ids)s.") % {"ids": _ids(missing)})
    if segments and (path := _cycle(segment)):
        errors.append(
            _(
                "These rules refer back to this segment (%(path)s); "
                "a segment cannot contain itself."
            )
            % {"path": " → ".join(path)}
        )
    if errors:
        raise ValidationError(errors, code="invalid_references")


def _cycle(segment: Segment) -> list[str] | None:
    """Return the names along a path of references from ``segment`` back to itself."""
    if segment.pk is None:  # nothing refers to a segment not saved yet
        return None
    path = ReferenceGraph.load().with_rules(segment.pk, segment.rules).path_back(segment.pk)
    if path is None:
        return None
    names = dict(Segment.objects.filter(pk__in=path).values_list("pk", "name"))
    names[segment.pk] = segment.name or _("this segment")
    return [names[pk] for pk in path]


def _ids(ids: set[int]) -> str:
    return ", ".join(str(pk) for pk in sorted(ids))
