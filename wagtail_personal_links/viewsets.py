"""Snippet viewsets for contacts and segments, grouped under "Personal links"."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import Contact, Segment

__all__ = ["ContactViewSet", "PersonalLinksViewSetGroup", "SegmentViewSet"]


class ContactViewSet(SnippetViewSet):
    model = Contact
    icon = "user"
    menu_label = _("Contacts")
    list_display = ["__str__", "external_id", "created_at"]
    search_fields = ["email", "first_name", "last_name", "external_id"]
    list_export = ["email", "external_id", "first_name", "last_name", "attributes", "created_at"]


class SegmentViewSet(SnippetViewSet):
    model = Segment
    icon = "group"
    menu_label = _("Segments")
    list_display = ["name", "description"]
    search_fields = ["name", "description"]


class PersonalLinksViewSetGroup(SnippetViewSetGroup):
    items = (ContactViewSet, SegmentViewSet)
    menu_icon = "link"
    menu_label = _("Personal links")
    menu_name = "personal-links"
