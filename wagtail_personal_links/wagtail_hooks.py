"""Registration only: viewsets, URLs, buttons, bulk actions, permissions and log actions."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from wagtail import hooks
from wagtail.models import Page
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
hooks.register("register_permissions", permissions.email_permissions)
hooks.register("register_log_actions", audit.register_log_actions)


@hooks.register("register_page_header_buttons")
def personal_links_header_button(
    page: Page, user: Any, view_name: str, next_url: str | None = None
) -> Iterator[PersonalLinksMenuItem]:
    """Add "Personal links" to a page's header buttons, for users who may manage its links.

    The item shows only on survey pages, to users with the "Can generate personal
    links" permission who may edit the page.
    """
    yield PersonalLinksMenuItem(page=page, priority=40)


@hooks.register("register_page_listing_more_buttons")
def personal_links_listing_button(
    page: Page, user: Any, next_url: str | None = None
) -> Iterator[PersonalLinksMenuItem]:
    """Add "Personal links" to a page's "More" menu in listings, as in its header."""
    yield PersonalLinksMenuItem(page=page, priority=45)
