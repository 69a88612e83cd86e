"""Registration only: viewsets, URLs, buttons, permissions and log actions."""

from wagtail import hooks
from wagtail.snippets.models import register_snippet

from .views.bulk_actions import AddToSegmentBulkAction, RemoveFromSegmentBulkAction
from .viewsets import PersonalLinksViewSetGroup

# Contacts and segments: the "Personal links" menu and the Contacts bulk actions.
register_snippet(PersonalLinksViewSetGroup)
hooks.register("register_bulk_action", AddToSegmentBulkAction)
hooks.register("register_bulk_action", RemoveFromSegmentBulkAction)
