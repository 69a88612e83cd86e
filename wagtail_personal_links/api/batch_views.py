"""How a batch and its links read in the API: the history's counts, the CSV's rows."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from .. import audit, exports
from ..models import LinkBatch, LinkStatus
from ..views.link_history import batch_progress
from .errors import Problem
from .schemas import PageMeta, PageQuery

__all__ = ["batch_out", "link_page"]

#: The API's name for each column of the CSV download.
LINK_KEYS = {
    **dict(
        zip(
            exports.LINK_COLUMNS,
            ("contactId", "customId", "firstName", "lastName", "email", "surveyUrl", "expiresAt"),
            strict=True,
        )
    ),
    exports.STATUS_COLUMN: "status",
    exports.LAST_EMAIL_COLUMN: "lastEmailAt",
    exports.ANSWERS_COLUMN: "answers",
}


def batch_out(batch: LinkBatch) -> dict[str, Any]:
    """Describe a batch loaded with its history counts (``link_count`` and the others)."""
    complete = batch.status == LinkBatch.Status.COMPLETE
    args = [batch.page_id, batch.pk]
    return {
        "id": batch.pk,
        "label": batch.target_label,
        "source": batch.source,
        "onDemand": batch.on_demand,
        "state": batch.get_state(),
        "createdAt": batch.created_at,
        "createdBy": batch.created_by.get_username() if batch.created_by else None,
        "expiresAt": batch.expires_at,
        "revokedAt": batch.revoked_at,
        "answersPerLink": batch.max_answers,
        "total": batch.total,
        "links": batch.link_count,
        "started": batch.started_count,
        "finished": batch.finished_count,
        "percent": 100 if complete else batch_progress(batch.link_count, batch.total),
        "error": batch.error,
        "statusUrl": reverse("wagtailapi_v3:personal_links_batch", args=args),
        "linksUrl": reverse("wagtailapi_v3:personal_links_batch_links", args=args),
    }


def link_page(
    request: HttpRequest, batch: LinkBatch, query: PageQuery, *, non_responders_only: bool = False
) -> dict[str, Any]:
    """Return a page of the batch's links with their statuses, as the CSV download has them.

    Fetching the first page is logged as a download, as the admin's download is.
    Like the admin's, it refuses a batch whose links are not made yet (409).
    """
    if batch.status != LinkBatch.Status.COMPLETE:
        raise Problem(409, _("The links of this batch are not ready."), code="not_ready")
    links = batch.links.all()
    if non_responders_only:
        links = links.non_responders()
    total = links.count()
    rows = exports.link_rows(
        batch,
        with_status=True,
        non_responders_only=non_responders_only,
        offset=query.skip,
        limit=query.limit,
        answer_counts=True,
    )
    keys = [LINK_KEYS[column] for column in next(rows)]
    codes = {str(status.label): status.value for status in LinkStatus}
    data = [_link(dict(zip(keys, row, strict=True)), codes) for row in rows]
    if query.skip == 0:
        audit.log_batch_action(
            audit.DOWNLOAD, batch, request.user, total, non_responders=non_responders_only
        )
    return {"data": data, "meta": PageMeta(total=total, limit=query.limit, offset=query.skip)}


def _link(link: dict[str, Any], codes: dict[str, str]) -> dict[str, Any]:
    link.update(
        contactId=str(link["contactId"]),
        customId=link["customId"] or "",
        expiresAt=link["expiresAt"] or None,
        status=codes[link["status"]],
    )
    if "lastEmailAt" in link:
        link["lastEmailAt"] = link["lastEmailAt"] or None
    return link
