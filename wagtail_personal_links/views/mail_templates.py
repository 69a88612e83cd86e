"""Email templates as a snippet: reusable subjects and messages for invitations and reminders."""

from __future__ import annotations

from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, HelpPanel, ObjectList
from wagtail.snippets.views.snippets import SnippetViewSet

from ..mailing.placeholders import BUILTIN_PLACEHOLDERS, as_placeholder
from ..models import MessageTemplate
from .choosers import PermissionCheckedChooserViewSet

__all__ = ["MessageTemplateViewSet"]

PLACEHOLDER_HELP = _(
    "Placeholders: %(placeholders)s, and any contact attribute key, like {plan}. They are "
    "checked against the batch when you send."
)


def _placeholder_help() -> str:
    """Return the help on placeholders, translated when it is shown."""
    placeholders = ", ".join(map(as_placeholder, BUILTIN_PLACEHOLDERS))
    return str(PLACEHOLDER_HELP) % {"placeholders": placeholders}


placeholder_help = lazy(_placeholder_help, str)


class MessageTemplateViewSet(SnippetViewSet):
    """Email templates, listed by kind; chosen on the compose form."""

    model = MessageTemplate
    icon = "mail"
    menu_label = _("Email templates")
    chooser_viewset_class = PermissionCheckedChooserViewSet
    copy_view_enabled = True
    list_display = ["name", "kind", "subject"]
    list_filter = ["kind"]
    search_fields = ["name", "subject", "body"]
    edit_handler = ObjectList(
        [
            FieldPanel("name"),
            FieldPanel("kind"),
            FieldPanel("subject"),
            FieldPanel("body"),
            HelpPanel(content=placeholder_help()),
        ]
    )
