"""Admin forms by concern: ``contacts`` (contacts and segments), ``links``, ``imports``."""

from .contacts import AttributesField, ContactForm, SegmentChoiceForm, SegmentForm

__all__ = ["AttributesField", "ContactForm", "SegmentChoiceForm", "SegmentForm"]
