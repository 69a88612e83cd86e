"""Unsubscribe tokens and the opt-out they lead to.

A token is the contact's id signed with Django's :class:`~django.core.signing.Signer`
under its own salt: no name, no address, nothing a reader of the URL learns
about the person. Signing is deterministic and never expires, as an
unsubscribe link in an old email must keep working; ``SECRET_KEY_FALLBACKS``
verify too, so rotating the secret keeps them valid.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.core import signing
from django.db import transaction

from .. import audit
from ..models import Contact

__all__ = ["contact_for_token", "opt_out", "unsubscribe_token", "unsubscribe_tokens"]

logger = logging.getLogger("wagtail_personal_links")

SALT = "wagtail_personal_links.unsubscribe"


def unsubscribe_token(contact_id: int) -> str:
    """Return the signed, URL-safe unsubscribe token of a contact."""
    return unsubscribe_tokens()(contact_id)


def unsubscribe_tokens() -> Callable[[int], str]:
    """Return a function giving contacts' unsubscribe tokens, for a mailing's many messages."""
    return signing.Signer(salt=SALT).sign_object


def contact_for_token(token: str) -> Contact | None:
    """Return the contact a token names, or None for a bad signature or a deleted contact."""
    try:
        contact_id = signing.Signer(salt=SALT).unsign_object(token)
    except (signing.BadSignature, ValueError, UnicodeDecodeError) as exc:
        logger.debug("Invalid unsubscribe token: %s", exc)
        return None
    if not isinstance(contact_id, int) or isinstance(contact_id, bool):
        return None
    return Contact.objects.filter(pk=contact_id).first()


def opt_out(contact: Contact, *, source: str, user: Any = None) -> bool:
    """Record that ``contact`` wants no more emails; return False if they had already asked.

    One conditional UPDATE, so two clicks (or a mail client's one-click POST
    and the person's own visit) record and log the opt-out once.
    """
    with transaction.atomic():
        changed = Contact.objects.filter(pk=contact.pk, email_opt_out=False).update(
            email_opt_out=True
        )
        if changed:
            contact.email_opt_out = True
            audit.log_opt_out(contact, source=source, user=user)
    return bool(changed)
