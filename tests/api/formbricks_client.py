"""A Formbricks contact-links client, written from Formbricks' API reference alone.

Nothing in it knows about Wagtail: the paths, parameters, header and bodies
are those of "Get personalized survey link for a contact" and "Get survey
links for contacts in a segment". Pointing it at another server takes a base
URL and a key, nothing else.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode
from urllib.request import Request, urlopen

FORMBRICKS_MANAGEMENT_API = "https://app.formbricks.com/api/v2/management"


class FormbricksContactLinks:
    def __init__(self, api_key: str, base_url: str = FORMBRICKS_MANAGEMENT_API) -> None:
        self.api_key = api_key
        self.base_url = base_url.rstrip("/")

    def _get(self, path: str, **params: Any) -> dict[str, Any]:
        query = urlencode({key: value for key, value in params.items() if value is not None})
        url = f"{self.base_url}{path}" + (f"?{query}" if query else "")
        request = Request(url, headers={"x-api-key": self.api_key})
        with urlopen(request, timeout=30) as response:
            return json.load(response)

    def contact_link(
        self, survey_id: str, contact_id: str, expiration_days: int | None = None
    ) -> dict[str, Any]:
        """GET /surveys/{surveyId}/contact-links/contacts/{contactId}/"""
        path = f"/surveys/{survey_id}/contact-links/contacts/{contact_id}/"
        return self._get(path, expirationDays=expiration_days)["data"]

    def segment_links(
        self,
        survey_id: str,
        segment_id: str,
        *,
        limit: int = 50,
        expiration_days: int | None = None,
        attribute_keys: list[str] | None = None,
    ) -> Iterator[dict[str, Any]]:
        """GET /surveys/{surveyId}/contact-links/segments/{segmentId}, every page."""
        skip = 0
        while True:
            body = self._get(
                f"/surveys/{survey_id}/contact-links/segments/{segment_id}",
                limit=limit,
                skip=skip,
                expirationDays=expiration_days,
                attributeKeys=",".join(attribute_keys) if attribute_keys else None,
            )
            yield from body["data"]
            skip = body["meta"]["offset"] + len(body["data"])
            if not body["data"] or skip >= body["meta"]["total"]:
                return
