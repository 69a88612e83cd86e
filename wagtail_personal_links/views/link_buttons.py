"""The "Personal links" item of a survey page's header buttons and listing "more" menu."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.menus.pages import PageMenuItem

from ..admin_urls import LINKS_NAMESPACE
from ..permissions import user_can_manage_links

__all__ = ["PersonalLinksMenuItem"]


class PersonalLinksMenuItem(PageMenuItem):
    """Lead users who may manage a survey page's links to its personal links view."""

    label = _("Personal links")
    icon_name = "link"
    url_name = f"{LINKS_NAMESPACE}:index"

    def is_shown(self, user: Any) -> bool:
        return user_can_manage_links(user, self.page)
