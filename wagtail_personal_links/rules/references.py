"""Check what a segment's rules refer to: other segments (without cycles) and survey pages."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from wagtail.models import Page

from ..models import Segment
from .schema import filters_of

__all__ = ["check_references"]


def _referenced(tree: Mapping[str, Any], kind: str, name: str) -> set[int]:
    return {spec[name] for spec in filters_of(tree) if spec.get("kind") == kind}


def check_references(segment: Segment) -> None:
    """Raise ``ValidationError`` if the rules of ``segment`` name a missing segment or page,
    or lead back to ``segment`` through other segments' rules."""
    errors = []
    pages = _referenced(segment.rules, "survey", "page")
    found = set(Page.objects.filter(pk__in=pages).values_list("pk", flat=True))
    if missing := pages - found:
        errors.append(_("No page has the id %(ids)s.") % {"ids": _ids(missing)})
    segments = _referenced(segment.rules, "segment", "segment")
    found = set(Segment.objects.filter(pk__in=segments).values_list("pk", flat=True))
    if missing := segments - found:
        errors.append(_("No segment has the id %(ids)s.") % {"ids": _ids(missing)})
    if path := _cycle(segment, segments & found):
        errors.append(
            _(
                "These rules refer back to this segment (%(path)s); "
                "a segment cannot contain itself."
            )
            % {"path": " → ".join(path)}
        )
    if errors:
        raise ValidationError(errors, code="invalid_references")


def _cycle(segment: Segment, referenced: set[int]) -> list[str] | None:
    """Return the names along a path of references from ``segment`` back to itself."""
    if segment.pk is None:
        return None
    name = segment.name or _("this segment")
    if segment.pk in referenced:
        return [name, name]
    names = {segment.pk: name}
    parents: dict[int, int | None] = dict.fromkeys(referenced, segment.pk)
    frontier = referenced
    while frontier:
        rows = Segment.objects.filter(pk__in=frontier, kind=Segment.Kind.DYNAMIC)
        next_frontier = set()
        for pk, name, rules in rows.values_list("pk", "name", "rules"):
            names[pk] = name
            for target in _referenced(rules or {}, "segment", "segment"):
                if target == segment.pk:
                    return _path(names, parents, pk, segment.pk)
                if target not in parents:
                    parents[target] = pk
                    next_frontier.add(target)
        frontier = next_frontier
    return None


def _path(names: dict, parents: dict, last: int, start: int) -> list[str]:
    chain = [last]
    while chain[-1] != start:
        chain.append(parents[chain[-1]])
    return [names[pk] for pk in [start, *reversed(chain[:-1]), start]]


def _ids(ids: set[int]) -> str:
    return ", ".join(str(pk) for pk in sorted(ids))
