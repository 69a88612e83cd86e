"""The segment rule builder: a widget that edits a dynamic segment's rules in place.

The rules travel in one hidden input as JSON; the script builds the filters
and groups from it, writes every change back, and asks the preview endpoint
for the live count. The widget hands the script what it needs to offer: the
fields and attribute keys with their types, each type's operators, Wagtail's
segment and page choosers (packed with telepath), and the titles of the
segments and pages the rules already name.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.utils.translation import gettext as _
from wagtail.admin.admin_url_finder import AdminURLFinder
from wagtail.admin.telepath import JSContext
from wagtail.admin.widgets import AdminPageChooser
from wagtail.models import Page, get_page_models
from wagtail.snippets.widgets import AdminSnippetChooser

from .admin_urls import rules_url
from .models import ContactAttributeKey, Segment
from .pages import PersonalLinksFormMixin
from .rules.operators import (
    BUILTIN_FIELDS,
    OPERATORS_BY_TYPE,
    SEGMENT_OPERATORS,
    SURVEY_OPERATORS,
    UNITS,
)
from .rules.schema import ids_named_by

__all__ = ["RulesWidget", "SegmentChooser", "builder_config", "survey_page_models"]


def survey_page_models() -> list[type[Page]]:
    """Return the page types that take personal links, for the survey filters."""
    return [model for model in get_page_models() if issubclass(model, PersonalLinksFormMixin)]


class SegmentChooser(AdminSnippetChooser):
    """Wagtail's segment chooser, never offering the segment being edited."""

    def __init__(self, exclude: int | None = None, **kwargs: Any) -> None:
        self.exclude = exclude
        super().__init__(Segment, **kwargs)

    def get_chooser_modal_url(self) -> str:
        url = super().get_chooser_modal_url()
        return f"{url}?{urlencode({'exclude': self.exclude})}" if self.exclude else url


def choosers(segment: Segment | None) -> dict[str, forms.Widget]:
    """Return the chooser widgets a segment or survey filter picks its target with."""
    return {
        "segment": SegmentChooser(exclude=getattr(segment, "pk", None)),
        "page": AdminPageChooser(target_models=survey_page_models() or None),
    }


def _segment_states(tree: Any, chooser: AdminSnippetChooser) -> dict[int, dict]:
    ids = ids_named_by(tree, "segment", "segment")
    segments = Segment.objects.filter(pk__in=ids).only("pk", "name") if ids else []
    return {item.pk: chooser.get_value_data_from_instance(item) for item in segments}


def _page_states(tree: Any) -> dict[int, dict]:
    """Return the page choosers' states (as Wagtail's page chooser block gives them)."""
    ids = ids_named_by(tree, "survey", "page")
    pages = list(Page.objects.filter(pk__in=ids).specific()) if ids else []
    parents = {page.path[: -page.steplen] for page in pages}
    parent_ids = dict(Page.objects.filter(path__in=parents).values_list("path", "pk"))
    finder = AdminURLFinder()
    return {
        page.pk: {
            "id": page.pk,
            "parentId": parent_ids.get(page.path[: -page.steplen]),
            "adminTitle": page.get_admin_display_title(),
            "editUrl": finder.get_edit_url(page),
        }
        for page in pages
    }


def _labels(operators: dict) -> list[list[str]]:
    return [[name, str(label)] for name, label in operators.items()]


def builder_config(segment: Segment | None, tree: Any = None) -> dict[str, Any]:
    """Return what the rule builder offers for ``segment``'s rules ``tree``, as JSON-ready data."""
    fields = [
        {"kind": "field", "key": key, "type": data_type, "label": str(label)}
        for key, (data_type, label) in BUILTIN_FIELDS.items()
    ]
    for key in ContactAttributeKey.objects.all():
        type_label = key.get_data_type_display()
        label = f"{key.label or key.key} ({type_label})"
        fields.append({"kind": "attribute", "key": key.key, "type": key.data_type, "label": label})
    widgets = choosers(segment)
    return {
        "fields": fields,
        "operators": {name: _labels(ops) for name, ops in OPERATORS_BY_TYPE.items()},
        "segmentOperators": _labels(SEGMENT_OPERATORS),
        "surveyOperators": _labels(SURVEY_OPERATORS),
        "units": _labels(UNITS),
        "choosers": JSContext().pack(widgets),
        "chosen": {
            "segment": _segment_states(tree, widgets["segment"]),
            "page": _page_states(tree),
        },
        "segmentId": getattr(segment, "pk", None),
        "text": _texts(),
    }


def _texts() -> dict[str, str]:
    return {
        "addFilter": _("Add filter"),
        "addGroup": _("Add group"),
        "remove": _("Remove"),
        "and": _("and"),
        "or": _("or"),
        "not": _("Not"),
        "field": _("Field"),
        "operator": _("Operator"),
        "value": _("Value"),
        "segment": _("Segment"),
        "page": _("Survey page"),
        "withinDays": _("within the last … days (optional)"),
        "empty": _("No filters yet: every contact matches."),
        "segmentMembership": _("Segment membership"),
        "surveyInteraction": _("Survey interaction"),
        "loading": _("Counting…"),
        "previewHeading": _("First matches"),
        "group": _("Group"),
    }


class RulesWidget(forms.HiddenInput):
    """Edit a rule tree with the rule builder; the tree is kept in a hidden input."""

    template_name = "wagtail_personal_links/admin/widgets/rules.html"

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__({"data-wpl-rules-target": "input", **(attrs or {})})
        self.segment: Segment | None = None

    @property
    def media(self) -> forms.Media:
        context = JSContext()
        context.pack(choosers(self.segment))
        own = forms.Media(
            js=["wagtail_personal_links/js/rule-builder.js"],
            css={"all": ["wagtail_personal_links/css/admin.css"]},
        )
        return context.media + own

    def format_value(self, value: Any) -> str:
        if isinstance(value, str):
            return value
        return json.dumps(value or {"negate": False, "items": []})

    def get_context(self, name: str, value: Any, attrs: dict | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        try:
            tree = json.loads(context["widget"]["value"])
        except ValueError:
            tree = None
        context["builder"] = {
            "config": json.dumps(builder_config(self.segment, tree)),
            "preview_url": rules_url("preview"),
        }
        return context
