"""Registration only: viewsets, URLs, buttons, permissions and log actions."""

from django.urls import include, path
from wagtail import hooks
from wagtail.log_actions import LogActionRegistry
from wagtail.snippets.models import register_snippet

from . import audit, link_urls, mail_urls
from .importing import LOG_ACTION, ContactImportLogFormatter
from .permissions import email_permissions, generate_permissions
from .views import imports
from .views.bulk_actions import (
    AddToSegmentBulkAction,
    MembersAddedFormatter,
    MembersRemovedFormatter,
    RemoveFromSegmentBulkAction,
)
from .views.link_buttons import PersonalLinksMenuItem
from .viewsets import PersonalLinksViewSetGroup

# Contacts and segments: the "Personal links" menu and the Contacts bulk actions.
register_snippet(PersonalLinksViewSetGroup)
hooks.register("register_bulk_action", AddToSegmentBulkAction)
hooks.register("register_bulk_action", RemoveFromSegmentBulkAction)


@hooks.register("register_log_actions")
def register_segment_membership_log_actions(actions: LogActionRegistry) -> None:
    for formatter in (MembersAddedFormatter, MembersRemovedFormatter):
        actions.register_action(formatter.action)(formatter)


# Contact import: its admin URLs and its log action.


@hooks.register("register_admin_urls")
def register_contact_import_urls() -> list:
    urls = [
        path("", imports.UploadView.as_view(), name="upload"),
        path("confirm/", imports.ConfirmView.as_view(), name="confirm"),
        path("cancel/", imports.CancelView.as_view(), name="cancel"),
        path("invalid-rows/", imports.InvalidRowsView.as_view(), name="invalid_rows"),
        path("summary/<int:pk>/", imports.SummaryView.as_view(), name="summary"),
    ]
    return [
        path("personal-links/import-contacts/", include((urls, "wagtail_personal_links_import")))
    ]


@hooks.register("register_log_actions")
def register_contact_import_log_action(actions: LogActionRegistry) -> None:
    actions.register_action(LOG_ACTION)(ContactImportLogFormatter)


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


# Invitations and reminders by email: admin views and permission.


@hooks.register("register_admin_urls")
def register_mail_admin_urls():
    return [path("personal-links/pages/", include(mail_urls))]


hooks.register("register_permissions", email_permissions)
