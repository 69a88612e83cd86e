"""The rule builder's live preview: how many contacts match, and the first few."""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, JsonResponse
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from wagtail.admin.admin_url_finder import AdminURLFinder

from ..models import Segment
from ..models.segment_rules import validate_segment_rules
from ..permissions import can_list_contacts, user_can_edit_segments

__all__ = ["PREVIEW_SIZE", "RulesPreviewView"]

#: How many matching contacts the preview lists.
PREVIEW_SIZE = 10


class RulesPreviewView(View):
    """Count the contacts that rules match and list the first ten, as JSON.

    Open to those who may add or change segments; the contacts themselves are
    listed only to those who may also see contacts. Rules are validated as on
    save; an invalid tree gets ``400`` with the errors, never a count.
    """

    http_method_names = ["post"]

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if not user_can_edit_segments(request.user):
            # A JSON client gets a 403 it can read, not the admin's redirect.
            return JsonResponse({"errors": [_("You may not edit segments.")]}, status=403)
        return super().dispatch(request, *args, **kwargs)

    def post(self, request: HttpRequest) -> JsonResponse:
        segment = self.segment_from(request)
        try:
            segment.rules = json.loads(request.POST.get("rules") or "null")
            validate_segment_rules(segment)
        except ValueError:
            return JsonResponse({"errors": [_("The rules are not valid JSON.")]}, status=400)
        except ValidationError as error:
            return JsonResponse({"errors": error.message_dict["rules"]}, status=400)
        contacts = segment.get_contacts()
        count = contacts.count()
        return JsonResponse(
            {
                "count": count,
                "count_text": ngettext(
                    "%(count)s contact matches", "%(count)s contacts match", count
                )
                % {"count": number_format(count, force_grouping=True)},
                "contacts": self.first_matches(contacts),
            }
        )

    def segment_from(self, request: HttpRequest) -> Segment:
        """Return the segment being edited (for cycle checks), or a new one."""
        pk = request.POST.get("segment", "")
        found = Segment.objects.filter(pk=pk).first() if pk.isdigit() else None
        segment = found or Segment()
        segment.kind = Segment.Kind.DYNAMIC
        return segment

    def first_matches(self, contacts: Any) -> list[dict[str, str]]:
        if not can_list_contacts(self.request.user):
            return []
        finder = AdminURLFinder(self.request.user)
        return [
            {"label": str(contact), "url": finder.get_edit_url(contact) or ""}
            for contact in contacts.order_by("pk")[:PREVIEW_SIZE]
        ]
