"""Admin widgets: attributes as key/value rows, and choosing many contacts at once."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.telepath import JSContext
from wagtail.snippets.widgets import AdminSnippetChooser

from .models import Contact
from .models.contacts import format_attribute_value

__all__ = ["AttributesWidget", "ContactChooserModal", "ContactsChooser"]

SCRIPT_PREFIX = "wagtail_personal_links/js/"
STYLES = {"all": ["wagtail_personal_links/css/admin.css"]}


def repeated(data: Any, key: str) -> list[str]:
    """Return every value submitted under ``key``, from a QueryDict or a plain dict."""
    if hasattr(data, "getlist"):
        return data.getlist(key)
    value = data.get(key, [])
    return [value] if isinstance(value, str) else list(value)


class AttributesWidget(forms.Widget):
    """Edit a JSON object as rows of key and value inputs.

    The widget submits every row (``<name>-key`` and ``<name>-value``, repeated)
    and gives the field the rows as ``(key, value)`` pairs, so that a form with
    errors shows exactly what the editor typed. One blank row is always offered,
    so the widget works without JavaScript; the script adds and removes rows.
    The first key input carries the widget's id, for the field's label.
    """

    template_name = "wagtail_personal_links/admin/widgets/attributes.html"

    class Media:
        js = [SCRIPT_PREFIX + "attributes-widget.js"]
        css = STYLES

    def format_value(self, value: Any) -> list[tuple[str, str]]:
        if isinstance(value, Mapping):
            rows = [(key, format_attribute_value(item)) for key, item in value.items()]
        else:
            rows = [(key, item) for key, item in value or []]
        return [*rows, ("", "")]

    def value_from_datadict(self, data: Any, files: Any, name: str) -> list[tuple[str, str]]:
        keys = repeated(data, f"{name}-key")
        values = repeated(data, f"{name}-value")
        values += [""] * (len(keys) - len(values))
        return list(zip(keys, values, strict=False))

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return f"{name}-key" not in data


class ContactChooserModal(AdminSnippetChooser):
    """Wagtail's contact chooser, opening its modal with extra query parameters."""

    def __init__(self, query: dict[str, Any] | None = None, **kwargs: Any) -> None:
        self.query = query or {}
        super().__init__(Contact, **kwargs)

    def get_chooser_modal_url(self) -> str:
        url = super().get_chooser_modal_url()
        return f"{url}?{urlencode(self.query)}" if self.query else url


class ContactsChooser(forms.Widget):
    """Pick any number of contacts in Wagtail's contact chooser modal.

    The chosen contacts are kept as a comma-separated list of ids in one hidden
    input, and only they are rendered, so the widget stays small however many
    contacts exist. With ``segment``, the modal lists only that segment's members.
    """

    template_name = "wagtail_personal_links/admin/widgets/contacts_chooser.html"

    def __init__(
        self, attrs: dict | None = None, segment: Any = None, choose_text: str | None = None
    ) -> None:
        super().__init__(attrs)
        self.segment = segment
        self.choose_text = choose_text or _("Choose contacts")

    @property
    def modal(self) -> ContactChooserModal:
        query = {"segment": self.segment.pk} if self.segment is not None else None
        return ContactChooserModal(query)

    @property
    def media(self) -> forms.Media:
        context = JSContext()
        context.pack(self.modal)
        own = forms.Media(js=[SCRIPT_PREFIX + "contacts-chooser.js"], css=STYLES)
        return own + context.media

    def format_value(self, value: Any) -> list[str]:
        items = value.split(",") if isinstance(value, str) else value or []
        return [str(getattr(item, "pk", item)).strip() for item in items]

    def value_from_datadict(self, data: Any, files: Any, name: str) -> list[str]:
        return [pk for pk in (data.get(name) or "").split(",") if pk.strip()]

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return name not in data

    def get_context(self, name: str, value: Any, attrs: dict | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        ids = [pk for pk in context["widget"]["value"] if pk.isdigit()]
        context["widget"].update(
            value=",".join(ids),
            chosen=Contact.objects.filter(pk__in=ids),
            modal_definition=json.dumps(JSContext().pack(self.modal)),
            choose_text=self.choose_text,
        )
        return context
