"""Registration only: viewsets, URLs, buttons, permissions and log actions."""

from wagtail import hooks
from wagtail.log_actions import LogActionRegistry
from wagtail.snippets.models import register_snippet

from .views.bulk_actions import (
    AddToSegmentBulkAction,
    MembersAddedFormatter,
    MembersRemovedFormatter,
    RemoveFromSegmentBulkAction,
)
from .viewsets import PersonalLinksViewSetGroup

# Contacts and segments: the "Personal links" menu and the Contacts bulk actions.
register_snippet(PersonalLinksViewSetGroup)
hooks.register("register_bulk_action", AddToSegmentBulkAction)
hooks.register("register_bulk_action", RemoveFromSegmentBulkAction)


@hooks.register("register_log_actions")
def register_segment_membership_log_actions(actions: LogActionRegistry) -> None:
    for formatter in (MembersAddedFormatter, MembersRemovedFormatter):
        actions.register_action(formatter.action)(formatter)
