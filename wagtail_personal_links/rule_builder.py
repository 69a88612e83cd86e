"""The segment rule builder: a widget that edits a dynamic segment's rules in place.

The rules travel in one hidden input as JSON; the script builds the filters
and groups from it, writes every change back, and asks the preview endpoint
for the live count. The widget hands the script what it needs to offer: the
fields and attribute keys with their types, each type's operators, and the
segments and survey pages a filter may name.
"""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from wagtail.models import Page, get_page_models

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

__all__ = ["RulesWidget", "builder_config", "survey_pages"]


def survey_pages() -> list[Page]:
    """Return the pages that take personal links, for the survey filters."""
    models = [model for model in get_page_models() if issubclass(model, PersonalLinksFormMixin)]
    return list(Page.objects.type(*models).order_by("title")) if models else []


def _labels(operators: dict) -> list[list[str]]:
    return [[name, str(label)] for name, label in operators.items()]


def builder_config(segment: Segment | None) -> dict[str, Any]:
    """Return what the rule builder offers, as JSON-ready data."""
    fields = [
        {"kind": "field", "key": key, "type": data_type, "label": str(label)}
        for key, (data_type, label) in BUILTIN_FIELDS.items()
    ]
    for key in ContactAttributeKey.objects.all():
        type_label = key.get_data_type_display()
        label = f"{key.label or key.key} ({type_label})"
        fields.append({"kind": "attribute", "key": key.key, "type": key.data_type, "label": label})
    others = Segment.objects.exclude(pk=getattr(segment, "pk", None)).order_by("name")
    return {
        "fields": fields,
        "operators": {name: _labels(ops) for name, ops in OPERATORS_BY_TYPE.items()},
        "segmentOperators": _labels(SEGMENT_OPERATORS),
        "surveyOperators": _labels(SURVEY_OPERATORS),
        "units": _labels(UNITS),
        "segments": [[item.pk, item.name] for item in others.only("pk", "name")],
        "pages": [[page.pk, page.title] for page in survey_pages()],
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

    class Media:
        js = ["wagtail_personal_links/js/rule-builder.js"]
        css = {"all": ["wagtail_personal_links/css/admin.css"]}

    def format_value(self, value: Any) -> str:
        if isinstance(value, str):
            return value
        return json.dumps(value or {"negate": False, "items": []})

    def get_context(self, name: str, value: Any, attrs: dict | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        context["builder"] = {
            "config": json.dumps(builder_config(self.segment)),
            "preview_url": rules_url("preview"),
        }
        return context
