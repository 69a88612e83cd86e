"""The Contacts listing's filters as segment rules: filter by attribute, save as a segment."""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cached_property
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _
from wagtail.admin.widgets.button import HeaderButton
from wagtail.permissions import policy_registry

from ..models import ContactAttributeKey, Segment
from ..models.attribute_keys import value_fits
from .search import CONTACT_SEARCH_FIELDS, search_words

__all__ = ["SaveAsSegmentButtonMixin", "attribute_choices", "attribute_filter", "listing_rules"]

#: The operator each type's "attribute is value" filter uses.
EQUALS = {"text": "equals", "number": "eq", "date": "same_day"}


def attribute_choices() -> list[tuple[str, str]]:
    """Return the attribute keys the listing can filter by."""
    return [(key.key, str(key)) for key in ContactAttributeKey.objects.all()]


def attribute_filter(key: str, value: str) -> dict[str, Any] | None:
    """Return the filter "attribute ``key`` is ``value``", or ``None`` if it cannot match."""
    data_type = ContactAttributeKey.objects.types().get(key)
    value = value.strip()
    if data_type is None or not value or not value_fits(value, data_type):
        return None
    typed = float(value) if data_type == "number" else value[:10] if data_type == "date" else value
    return {"kind": "attribute", "key": key, "operator": EQUALS[data_type], "value": typed}


def listing_rules(filters: Mapping[str, Any], search: str = "") -> dict[str, Any]:
    """Return the rules that select what the listing shows for ``filters`` and ``search``."""
    items: list[dict[str, Any]] = []
    if segment := filters.get("segment"):
        items.append({"filter": {"kind": "segment", "operator": "in", "segment": segment.pk}})
    if created := filters.get("created_at"):
        low = created.start.date().isoformat() if created.start else "0001-01-01"
        high = created.stop.date().isoformat() if created.stop else "9999-12-31"
        items.append({"filter": _field("created_at", "between", [low, high])})
    if filters.get("attribute"):
        spec = attribute_filter(filters["attribute"], filters.get("attribute_value") or "")
        if spec:
            items.append({"filter": spec})
    items += [{"group": _search_group(word)} for word in search_words(search)]
    for item in items[1:]:
        item["connector"] = "and"
    return {"negate": False, "items": items}


def _field(key: str, operator: str, value: Any) -> dict[str, Any]:
    return {"kind": "field", "key": key, "operator": operator, "value": value}


def _search_group(word: str) -> dict[str, Any]:
    items = [{"filter": _field(key, "contains", word)} for key in CONTACT_SEARCH_FIELDS]
    for item in items[1:]:
        item["connector"] = "or"
    return {"negate": False, "items": items}


class SaveAsSegmentButtonMixin:
    """Add "Save as segment" to the Contacts listing when it is filtered or searched."""

    @cached_property
    def header_buttons(self) -> list[HeaderButton]:
        buttons = list(super().header_buttons)
        policy = policy_registry.get_by_type(Segment)
        filters = self.filters
        if not policy.user_has_permission(self.request.user, "add") or filters is None:
            return buttons
        if not filters.form.is_valid():
            return buttons
        rules = listing_rules(filters.form.cleaned_data, self.request.GET.get("q", ""))
        if rules["items"]:
            query = urlencode({"rules": json.dumps(rules)})
            url = f"{reverse(Segment.snippet_viewset.get_url_name('add'))}?{query}"
            buttons.append(HeaderButton(_("Save as segment"), url=url, icon_name="group"))
        return buttons
