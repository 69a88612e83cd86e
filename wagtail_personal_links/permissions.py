"""Every permission predicate of the plugin: who may see, change, import and generate what."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Permission
from django.db.models import QuerySet
from wagtail.models import Page
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import policy_registry

from .models import Contact, Segment
from .pages import page_takes_links

__all__ = [
    "GENERATE_PERMISSION",
    "VIEW_CONTACTS",
    "can_list_contacts",
    "generate_permissions",
    "user_can_change_membership",
    "user_can_import_contacts",
    "user_can_manage_links",
]

GENERATE_PERMISSION = "wagtail_personal_links.generate_personal_links"
#: Who can see or edit a segment's members: the people allowed to see contacts.
VIEW_CONTACTS = "wagtail_personal_links.view_contact"
ANY_CONTACT_PERMISSION = ["add", "change", "delete", "view"]


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


def can_list_contacts(user: Any) -> bool:
    """Tell whether ``user`` may open the Contacts listing."""
    policy = policy_registry.get_by_type(Contact)
    return policy.user_has_any_permission(user, ANY_CONTACT_PERMISSION)


def user_can_import_contacts(user: Any) -> bool:
    """Return whether ``user`` may import contacts: it takes adding and changing them."""
    policy = ModelPermissionPolicy(Contact)
    return policy.user_has_permission(user, "add") and policy.user_has_permission(user, "change")


def user_can_change_membership(user: Any) -> bool:
    """Return whether ``user`` may add contacts to segments and remove them.

    Membership is part of the segment, and seeing the contacts takes a contact permission.
    """
    segments = policy_registry.get_by_type(Segment)
    return can_list_contacts(user) and segments.user_has_permission(user, "change")
