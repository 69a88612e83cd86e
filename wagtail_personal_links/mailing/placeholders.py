"""Check a message's placeholders, and render them: the language editors write messages in.

Placeholders are written ``{name}``; ``{{`` and ``}}`` stand for literal
braces. Only plain names are accepted (no attribute access, indexing or
format specs), and every name must be known before anything is sent: an
unknown placeholder is an error, never a blank in ten thousand emails.
"""

from __future__ import annotations

import string
from collections.abc import Collection
from html import escape as html_escape

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..models import Contact, LinkBatch

__all__ = [
    "BUILTIN_PLACEHOLDERS",
    "MessageText",
    "as_placeholder",
    "batch_placeholders",
    "fill_survey_title",
]

BUILTIN_PLACEHOLDERS = ("first_name", "last_name", "email", "link", "expires_at", "survey_title")
#: The built-ins :func:`batch_placeholders` may leave out, and why a message may not use them.
_UNAVAILABLE = {
    "expires_at": gettext_lazy(
        "This batch's links do not expire, so {expires_at} would be empty."
    ),
}


def as_placeholder(name: str) -> str:
    """Return ``name`` written as a placeholder, in braces."""
    return "{" + name + "}"


class MessageText:
    """A subject or body, split once into literal text and placeholder names."""

    def __init__(self, text: str, known: Collection[str]) -> None:
        self.parts = _parse(text, known)
        self.html_parts = [(html_escape(literal), name) for literal, name in self.parts]

    def render(self, values: dict[str, str], *, html: bool = False) -> str:
        """Return the text with each placeholder replaced by its value, escaped if ``html``."""
        # The literals were escaped once, so only the values are escaped here,
        # by the standard library's escape(), which Django's wraps in a lazy-text check.
        out = []
        for literal, name in self.html_parts if html else self.parts:
            out.append(literal)
            if name is not None:
                value = values.get(name, "")
                out.append(html_escape(value) if html else value)
        return "".join(out)


def _parse(text: str, known: Collection[str]) -> list[tuple[str, str | None]]:
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError as exc:
        raise ValidationError(
            _("A brace is not closed (%(error)s). Write {{ and }} for a literal brace.")
            % {"error": exc},
            code="braces",
        ) from exc
    unknown, unavailable = [], []
    for _literal, name, spec, conversion in parsed:
        if name in _UNAVAILABLE and name not in known and not (spec or conversion):
            unavailable.append(name)
        elif name is not None and (name not in known or spec or conversion):
            unknown.append(as_placeholder(name + (f"!{conversion}" if conversion else "")))
    errors = [
        ValidationError(_UNAVAILABLE[name], code="unavailable_placeholder")
        for name in dict.fromkeys(unavailable)
    ]
    if unknown:
        errors.insert(0, _unknown_error(unknown, known))
    if errors:
        raise ValidationError(errors)
    return [(literal, name) for literal, name, _spec, _conversion in parsed]


def _unknown_error(unknown: list[str], known: Collection[str]) -> ValidationError:
    return ValidationError(
        _("Unknown placeholder: %(unknown)s. You can use %(known)s.")
        % {
            "unknown": ", ".join(dict.fromkeys(unknown)),
            "known": ", ".join(map(as_placeholder, known)),
        },
        code="unknown_placeholder",
    )


def batch_placeholders(batch: LinkBatch) -> list[str]:
    """Return the placeholders a message to ``batch`` may use: built-ins, then attribute keys.

    ``{expires_at}`` is left out when no link of the batch expires: it would
    be empty in every message, and :class:`MessageText` says so beside the field.
    """
    contacts = Contact.objects.filter(personal_links__batch=batch).exclude(attributes={})
    keys: dict[str, None] = {}
    for attributes in contacts.values_list("attributes", flat=True).iterator(2_000):
        keys.update(dict.fromkeys(attributes))
    builtins = list(BUILTIN_PLACEHOLDERS)
    if batch.expires_at is None and not batch.links.filter(expires_at__isnull=False).exists():
        builtins.remove("expires_at")
    return [*builtins, *sorted(keys.keys() - set(BUILTIN_PLACEHOLDERS))]


def fill_survey_title(text: str, survey_title: str) -> str:
    """Return ``text`` with ``{survey_title}`` filled in and other placeholders as written.

    For showing a mailing's subject to editors: the other placeholders differ per contact.
    """
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError:  # a subject saved before it was checked: show it as it is
        return text
    out = []
    for literal, name, _spec, _conversion in parsed:
        out.append(literal)
        if name is not None:
            out.append(survey_title if name == "survey_title" else as_placeholder(name))
    return "".join(out)
