"""Render a message, as text and HTML, for one personal link.

Its placeholders are checked and filled by :mod:`.placeholders`.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from functools import lru_cache
from html import escape as html_escape
from typing import Any, NamedTuple

from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.dateformat import format as date_format
from django.utils.html import linebreaks
from wagtail.models import Page

from .. import exports, tokens
from ..models import LinkBatch, PersonalLink
from . import optout
from .placeholders import BUILTIN_PLACEHOLDERS, MessageText

__all__ = ["EXAMPLE_TOKEN", "Composer", "Recipient", "format_expiry"]

UNSUBSCRIBE_URL_NAME = "wagtail_personal_links_public:unsubscribe"
#: What a preview or test email carries instead of a token: visibly an example, and (with its
#: dot) neither a JWT nor a short code, so the gate and the unsubscribe page both refuse it.
EXAMPLE_TOKEN = "EXAMPLE.not-a-real-link"
# Stand-ins for the per-message parts of the text and HTML frames, which are rendered once.
_BODY, _UNSUBSCRIBE = "@@PERSONAL-LINKS-BODY@@", "@@PERSONAL-LINKS-UNSUBSCRIBE@@"


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
