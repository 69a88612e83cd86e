"""Template tags for survey pages: ``{% load personal_links_tags %}``.

``{% survey_form form %}`` renders a form as ``{{ form.as_div }}`` does, and
keeps the HTML in Django's cache (``PERSONAL_LINKS_FORM_CACHE``) for the next
respondent who gets the very same form. Rendering a Django form field by field
through templates is most of the cost of a survey page view; the form of an
invitation-only survey is usually the same for every respondent.

The cache key is a digest of everything the HTML is made from: each field's
class, attributes and widget, the form's classes and rendering options, and the
active language. Changing a question, its choices or its help text changes the key, so
an edited or previewed form never shows stale HTML. Forms the tag cannot
describe completely render as usual, uncached: a bound form (its values and
errors), a form with initial values (prefilled from the contact), and any field
holding something other than plain data (a callable initial value, a queryset).
"""

from __future__ import annotations

import datetime
import decimal
import hashlib
import json
from typing import Any

from django import forms, template
from django.core.cache import caches
from django.utils.functional import Promise
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from ..conf import personal_links_settings

register = template.Library()

#: Entries only go unused, never stale (the key changes with the form): a day bounds memory.
FORM_CACHE_TIMEOUT = 24 * 60 * 60
_KEY_PREFIX = "personal_links:form:"
#: Field attributes that do not change an unbound form's HTML (or are described otherwise).
_FIELD_SKIP = frozenset({"widget", "validators", "error_messages"})


class Undescribable(Exception):
    """A part of the form is not plain data, so its HTML may differ from one render to the next."""


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, str | bool | int | float):
        return value
    if isinstance(value, Promise):
        return str(value)
    if isinstance(value, datetime.date | datetime.time | decimal.Decimal):
        return f"{type(value).__name__}:{value}"
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return [[str(key), _plain(item)] for key, item in value.items()]
    raise Undescribable(type(value).__qualname__)


def _qualified_name(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


def _describe(obj: Any, skip: frozenset[str] = frozenset()) -> list[Any]:
    attributes = [
        [name, _plain(value)] for name, value in sorted(vars(obj).items()) if name not in skip
    ]
    return [_qualified_name(type(obj)), attributes]


def form_cache_key(form: forms.BaseForm) -> str | None:
    """Return the cache key of ``form``'s HTML, or None when it must be rendered every time."""
    if form.is_bound or form.initial:
        return None
    try:
        description = [
            get_language(),
            [_qualified_name(cls) for cls in type(form).__mro__],
            _plain(form.prefix),
            _plain(form.auto_id),
            _plain(form.label_suffix),
            _plain(form.use_required_attribute),
            _plain(getattr(form, "required_css_class", None)),
            _plain(getattr(form, "error_css_class", None)),
            _plain(form.template_name_div),
            _qualified_name(type(form.renderer)),
            [
                [name, _describe(field, _FIELD_SKIP), _describe(field.widget)]
                for name, field in form.fields.items()
            ],
        ]
    except Undescribable:
        return None
    digest = hashlib.sha256(json.dumps(description).encode()).hexdigest()
    return _KEY_PREFIX + digest


@register.simple_tag
def survey_form(form: forms.BaseForm) -> SafeString:
    """Render ``form`` as ``form.as_div()`` does, reusing the HTML of an identical form."""
    alias = personal_links_settings.FORM_CACHE
    key = None if alias is None else form_cache_key(form)
    if key is None:
        return form.as_div()
    cache = caches[alias]
    html = cache.get(key)
    if html is None:
        html = str(form.as_div())
        cache.set(key, html, FORM_CACHE_TIMEOUT)
    return mark_safe(html)  # the HTML form.as_div() rendered
