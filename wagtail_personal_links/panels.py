"""``PersonalLinksPanel``: a survey page's personal links at a glance, in the page editor."""

from __future__ import annotations

from typing import Any

from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import Panel

from .admin_urls import links_url
from .models import LinkBatch
from .permissions import user_can_manage_links
from .prefill import field_sources

__all__ = ["PersonalLinksPanel"]


class PersonalLinksPanel(Panel):
    """Show a survey page's links, how many were started and finished, and where to manage them.

    Add it to a survey page's panels, like Wagtail's ``FormSubmissionsPanel``::

        content_panels = [*AbstractEmailForm.content_panels, PersonalLinksPanel(), ...]

    It is shown only to users who may manage the page's links.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("heading", _("Personal links"))
        super().__init__(*args, **kwargs)

    class BoundPanel(Panel.BoundPanel):
        template_name = "wagtail_personal_links/panels/personal_links_panel.html"

        def is_shown(self) -> bool:
            page = self.instance
            return bool(page.pk) and user_can_manage_links(self.request.user, page)

        @cached_property
        def counts(self) -> dict[str, int]:
            """Count the links of the page's complete batches, and those started and finished."""
            return LinkBatch.objects.filter(page=self.instance).link_totals()

        def get_context_data(self, parent_context: Any = None) -> dict[str, Any]:
            context = super().get_context_data(parent_context)
            context.update(self.counts)
            page = self.instance
            if getattr(page, "personal_links_prefill", False):
                context["field_sources"] = field_sources(page)
            context["links_url"] = links_url("index", self.instance.pk)
            return context
