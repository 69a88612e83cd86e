"""Admin forms by concern: ``contacts`` (and segments), ``links``, ``imports``, ``mail``."""

from .contacts import AttributesField, ContactForm, SegmentChoiceForm, SegmentForm

__all__ = ["AttributesField", "ContactForm", "SegmentChoiceForm", "SegmentForm"]
