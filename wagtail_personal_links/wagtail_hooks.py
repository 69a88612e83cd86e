"""Registration only: viewsets, URLs, buttons, permissions and log actions."""

from django.urls import include, path
from wagtail import hooks
from wagtail.snippets.models import register_snippet

from . import audit, link_urls
from .permissions import generate_permissions
from .views.link_buttons import PersonalLinksMenuItem
from .viewsets import PersonalLinksViewSetGroup

register_snippet(PersonalLinksViewSetGroup)


# Personal links of survey pages: admin views, entry points, permission, log actions.


@hooks.register("register_admin_urls")
def register_links_admin_urls():
    return [path("personal-links/pages/", include(link_urls))]


@hooks.register("register_page_header_buttons")
def personal_links_header_button(page, user, view_name, next_url=None):
    yield PersonalLinksMenuItem(page=page, priority=40)


@hooks.register("register_page_listing_more_buttons")
def personal_links_listing_button(page, user, next_url=None):
    yield PersonalLinksMenuItem(page=page, priority=45)


hooks.register("register_permissions", generate_permissions)
hooks.register("register_log_actions", audit.register_log_actions)
