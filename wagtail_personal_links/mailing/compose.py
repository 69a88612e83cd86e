"""Check a message's placeholders and render it, as text and HTML, for one personal link.

Placeholders are written ``{name}``; ``{{`` and ``}}`` stand for literal
braces. Only plain names are accepted (no attribute access, indexing or
format specs), and every name must be known before anything is sent: an
unknown placeholder is an error, never a blank in ten thousand emails.
"""

from __future__ import annotations

import datetime
import string
from collections.abc import Callable, Collection, Iterable
from functools import lru_cache
from html import escape as html_escape
from typing import Any, NamedTuple

from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.dateformat import format as date_format
from django.utils.html import linebreaks
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.models import Page

from .. import exports, tokens
from ..models import Contact, LinkBatch, PersonalLink
from . import optout

__all__ = [
    "BUILTIN_PLACEHOLDERS",
    "EXAMPLE_TOKEN",
    "Composer",
    "MessageText",
    "Recipient",
    "as_placeholder",
    "batch_placeholders",
    "fill_survey_title",
    "format_expiry",
]

BUILTIN_PLACEHOLDERS = ("first_name", "last_name", "email", "link", "expires_at", "survey_title")
UNSUBSCRIBE_URL_NAME = "wagtail_personal_links_public:unsubscribe"
#: What a preview or test email carries instead of a token: visibly an example, and (with its
#: dot) neither a JWT nor a short code, so the gate and the unsubscribe page both refuse it.
EXAMPLE_TOKEN = "EXAMPLE.not-a-real-link"
#: The built-ins :func:`batch_placeholders` may leave out, and why a message may not use them.
_UNAVAILABLE = {
    "expires_at": gettext_lazy(
        "This batch's links do not expire, so {expires_at} would be empty."
    ),
}
# Stand-ins for the per-message parts of the text and HTML frames, which are rendered once.
_BODY, _UNSUBSCRIBE = "@@PERSONAL-LINKS-BODY@@", "@@PERSONAL-LINKS-UNSUBSCRIBE@@"


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


@lru_cache(maxsize=64)
def format_expiry(expires_at: datetime.datetime | None) -> str:
    """Return a link's expiry as people read it, in UTC; empty when it never expires."""
    if expires_at is None:
        return ""
    return date_format(expires_at.astimezone(datetime.UTC), "j F Y, H:i") + " UTC"


def _example_token(*_args: object) -> str:
    return EXAMPLE_TOKEN


class Recipient(NamedTuple):
    """What a message is made of: a link's token fields and its contact's details."""

    public_id: str
    expires_at: datetime.datetime | None
    code_hash: str | None
    contact_id: int
    email: str
    first_name: str
    last_name: str
    attributes: dict[str, Any]

    #: The same fields, as lookups from a link, for ``values_list()``.
    LOOKUPS = (
        "public_id", "expires_at", "code_hash", "contact_id", "contact__email",
        "contact__first_name", "contact__last_name", "contact__attributes",
    )  # fmt: skip

    @classmethod
    def of(cls, link: PersonalLink) -> Recipient:
        """Return the recipient of ``link``."""
        contact = link.contact
        return cls(
            link.public_id, link.expires_at, link.code_hash, link.contact_id, contact.email,
            contact.first_name, contact.last_name, contact.attributes,
        )  # fmt: skip


class Composer:
    """Build the email for each link of one batch from one subject and body.

    The text and HTML frames, the link and unsubscribe URL prefixes and the
    signer are prepared once, so a message costs little more than its
    placeholders.

    An ``example`` composer renders the same messages with :data:`EXAMPLE_TOKEN`
    in place of the personal link's and the unsubscribe link's tokens: what an
    editor previews or mails to themselves must not open, answer or opt out
    for the contact it was rendered for.
    """

    def __init__(
        self,
        batch: LinkBatch,
        subject: str,
        body: str,
        from_email: str,
        known: Iterable[str],
        *,
        example: bool = False,
    ) -> None:
        # Every built-in has a value here, so a mailing queued before a rule
        # about its text was added still renders.
        known = tuple(dict.fromkeys((*BUILTIN_PLACEHOLDERS, *known)))
        self.subject, self.body = MessageText(subject, known), MessageText(body, known)
        self.from_email = from_email
        page: Page = batch.page
        root = exports.site_root_url(page)
        self.link_prefix = exports.link_url_prefix(root)
        self.unsubscribe_url = root + reverse(UNSUBSCRIBE_URL_NAME, args=[_UNSUBSCRIBE])
        self.sign: Callable[..., str] = _example_token if example else tokens.signer()
        self.unsubscribe_token: Callable[[int], str] = (
            _example_token if example else optout.unsubscribe_tokens()
        )
        self.survey_title = page.title
        frame = {"body": _BODY, "unsubscribe_url": _UNSUBSCRIBE, "page": page}
        self.text_frame = render_to_string("wagtail_personal_links/mail/message.txt", frame)
        self.html_frame = render_to_string("wagtail_personal_links/mail/message.html", frame)

    def values(self, recipient: Recipient) -> dict[str, str]:
        """Return the placeholder values for a recipient."""
        values = {
            key: "" if value is None else str(value) for key, value in recipient.attributes.items()
        }
        values.update(
            first_name=recipient.first_name,
            last_name=recipient.last_name,
            email=recipient.email,
            link=self.link_prefix
            + self.sign(recipient.public_id, recipient.expires_at, recipient.code_hash),
            expires_at=format_expiry(recipient.expires_at),
            survey_title=self.survey_title,
        )
        return values

    def message(self, link: PersonalLink) -> EmailMultiAlternatives:
        """Return the email to ``link``'s contact, with one-click unsubscribe headers."""
        return self.message_to(Recipient.of(link))

    def message_to(self, recipient: Recipient) -> EmailMultiAlternatives:
        """Return the email to a recipient read with :attr:`Recipient.LOOKUPS`."""
        values = self.values(recipient)
        unsubscribe = self.unsubscribe_url.replace(
            _UNSUBSCRIBE, self.unsubscribe_token(recipient.contact_id)
        )
        subject = " ".join(self.subject.render(values).split())
        text = self.text_frame.replace(_UNSUBSCRIBE, unsubscribe).replace(
            _BODY, self.body.render(values)
        )
        message = EmailMultiAlternatives(
            subject,
            text,
            self.from_email,
            [recipient.email],
            headers={
                "List-Unsubscribe": f"<{unsubscribe}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            },
        )
        message.attach_alternative(self.html(values, unsubscribe), "text/html")
        return message

    def html(self, values: dict[str, str], unsubscribe: str) -> str:
        """Return the HTML body: contact data escaped, the link made clickable."""
        link = html_escape(values["link"])
        anchor = f'<a href="{link}" style="word-break: break-all;">{link}</a>'
        body = self.body.render({**values, "link": "\x00"}, html=True)
        body = linebreaks(body, autoescape=False).replace("\x00", anchor)
        return self.html_frame.replace(_UNSUBSCRIBE, html_escape(unsubscribe)).replace(_BODY, body)
