"""Registration only: viewsets, URLs, buttons, bulk actions, permissions and log actions."""

from wagtail import hooks
from wagtail.snippets.models import register_snippet

from . import admin_urls, audit, permissions
from .views.bulk_actions import AddToSegmentBulkAction, RemoveFromSegmentBulkAction
from .views.link_buttons import PersonalLinksMenuItem
from .viewsets import PersonalLinksViewSetGroup

register_snippet(PersonalLinksViewSetGroup)
hooks.register("register_bulk_action", AddToSegmentBulkAction)
hooks.register("register_bulk_action", RemoveFromSegmentBulkAction)
hooks.register("register_admin_urls", admin_urls.urlpatterns)
hooks.register("register_permissions", permissions.generate_permissions)
hooks.register("register_log_actions", audit.register_log_actions)


@hooks.register("register_page_header_buttons")
def personal_links_header_button(page, user, view_name, next_url=None):
    yield PersonalLinksMenuItem(page=page, priority=40)


@hooks.register("register_page_listing_more_buttons")
def personal_links_listing_button(page, user, next_url=None):
    yield PersonalLinksMenuItem(page=page, priority=45)
