"""Validate a dynamic segment's rules: their shape, their types and their references."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from ..models import Segment
from ..models.attribute_keys import ContactAttributeKey
from .references import check_references
from .schema import validate_rules

__all__ = ["validate_segment_rules"]


def validate_segment_rules(segment: Segment) -> None:
    """Raise ``ValidationError`` on the ``rules`` field if the segment's rules are not usable."""
    try:
        validate_rules(segment.rules, ContactAttributeKey.objects.types())
        check_references(segment)
    except ValidationError as error:
        raise ValidationError({"rules": error.error_list}) from error
