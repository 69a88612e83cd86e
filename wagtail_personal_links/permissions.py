"""Who may generate, list, download and revoke the personal links of a page."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Permission
from django.db.models import QuerySet
from wagtail.models import Page

from .generation import page_takes_links

__all__ = [
    "GENERATE_PERMISSION",
    "SEND_EMAIL_PERMISSION",
    "email_permissions",
    "generate_permissions",
    "user_can_email_links",
    "user_can_manage_links",
]

GENERATE_PERMISSION = "wagtail_personal_links.generate_personal_links"
SEND_EMAIL_PERMISSION = "wagtail_personal_links.send_personal_link_emails"


def user_can_manage_links(user: Any, page: Page) -> bool:
    """Return whether ``user`` may work with the personal links of ``page``.

    It takes the "Can generate personal links" permission and permission to
    edit the page, which must be a survey page.
    """
    return (
        page_takes_links(page)
        and user.has_perm(GENERATE_PERMISSION)
        and page.permissions_for_user(user).can_edit()
    )


def generate_permissions() -> QuerySet[Permission]:
    """Select the "Can generate personal links" permission, for group editing."""
    app_label, codename = GENERATE_PERMISSION.split(".")
    return Permission.objects.filter(content_type__app_label=app_label, codename=codename)


def user_can_email_links(user: Any, page: Page) -> bool:
    """Return whether ``user`` may email the personal links of ``page``.

    It takes "Can send personal link emails" on top of what managing the
    page's links takes.
    """
    return user_can_manage_links(user, page) and user.has_perm(SEND_EMAIL_PERMISSION)


def email_permissions() -> QuerySet[Permission]:
    """Select the "Can send personal link emails" permission, for group editing."""
    app_label, codename = SEND_EMAIL_PERMISSION.split(".")
    return Permission.objects.filter(content_type__app_label=app_label, codename=codename)
