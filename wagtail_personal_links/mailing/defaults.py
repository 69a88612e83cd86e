"""The messages a new invitation or reminder starts from, when no template is chosen."""

from __future__ import annotations

from django.utils.translation import gettext as _

from ..models import EmailKind

__all__ = ["default_message"]


def default_message(kind: str) -> tuple[str, str]:
    """Return the default ``(subject, body)`` for an invitation or a reminder."""
    if kind == EmailKind.REMINDER:
        return (
            _("Reminder: {survey_title}"),
            _(
                "Hello,\n\n"
                "A few days ago we invited you to answer “{survey_title}”. If you have a few "
                "minutes, your answers would help us a lot. Your personal link:\n\n"
                "{link}\n\n"
                "The link is yours alone; please do not forward it.\n\n"
                "Thank you!"
            ),
        )
    return (
        _("Your invitation: {survey_title}"),
        _(
            "Hello,\n\n"
            "We would like to hear from you. Please answer “{survey_title}” through your "
            "personal link:\n\n"
            "{link}\n\n"
            "The link is yours alone; please do not forward it.\n\n"
            "Thank you!"
        ),
    )
