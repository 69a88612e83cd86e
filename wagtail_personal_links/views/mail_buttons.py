"""The email actions offered on each batch of the personal links history."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from wagtail.admin.widgets import Button

from ..admin_urls import mail_url
from ..models import LinkBatch
from ..permissions import SEND_EMAIL_PERMISSION

__all__ = ["email_buttons"]


def email_buttons(batch: LinkBatch, user: Any) -> list[Button]:
    """Return the buttons to invite, remind and see the emails of ``batch``, if ``user`` may.

    The history is only shown to users who may manage the page's links, so
    the email permission is all that is left to check.
    """
    if not user.has_perm(SEND_EMAIL_PERMISSION):
        return []
    args = (batch.page_id, batch.pk)
    buttons = [Button(_("Emails"), mail_url("mailings", *args), icon_name="mail", priority=5)]
    if batch.revoked_at is None:
        buttons += [
            Button(_("Send invitations"), mail_url("invite", *args), icon_name="mail", priority=6),
            Button(
                _("Remind non-responders"), mail_url("remind", *args), icon_name="mail", priority=7
            ),
        ]
    return buttons
