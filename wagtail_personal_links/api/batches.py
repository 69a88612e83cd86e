"""The batches of a survey page: list, create, follow, list their links, revoke.

Each endpoint calls what the admin's personal links views call, so a batch
made here is one the admin shows, downloads and revokes, and the other way round.
"""

from __future__ import annotations

import datetime

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from wagtail.models import Page

from .. import audit, generation, recipients
from ..models import LinkBatch, Segment
from ..models.rules import default_expiry, expiry_from_date
from ..pages import page_takes_links
from ..views.link_history import batch_history
from .auth import AUTH, survey_for
from .batch_views import batch_out, link_page
from .errors import (
    ERROR_RESPONSES,
    NOT_READY_RESPONSES,
    PROBLEM_CONTENT,
    Problem,
    problem_content,
)
from .links import no_store
from .schemas import BatchCreate, BatchOut, BatchPage, LinkPage, PageMeta, PageQuery

__all__ = ["router"]

router = Router(tags=["personal links: batches"], auth=AUTH)


def links_survey(request: HttpRequest, survey_id: int) -> Page:
    """Return the survey page for :func:`survey_for`; a page that takes no links is a 400."""
    page = survey_for(request, survey_id)
    if not page_takes_links(page):
        raise Problem(400, _("This page takes no personal links."), loc=("path", "surveyId"))
    return page


def survey_batch(request: HttpRequest, survey_id: int, batch_id: int) -> tuple[Page, LinkBatch]:
    """Return the survey page and one of its batches, with their counts."""
    page = links_survey(request, survey_id)
    return page, get_object_or_404(batch_history(page), pk=batch_id)


@router.get(
    "/surveys/{surveyId}/batches/",
    response={200: BatchPage, **ERROR_RESPONSES},
    openapi_extra=PROBLEM_CONTENT,
    url_name="personal_links_batches",
    summary="List the link batches of a survey",
    operation_id="personal_links_batches_list",
)
def list_batches(request: HttpRequest, surveyId: int, query: PageQuery = Query(...)) -> dict:  # noqa: B008
    """List the survey's batches, newest first, with their links, started and finished counts."""
    batches = batch_history(links_survey(request, surveyId))
    rows = batches[query.skip : query.skip + query.limit]
    meta = PageMeta(total=batches.count(), limit=query.limit, offset=query.skip)
    return {"data": [batch_out(batch) for batch in rows], "meta": meta}


@router.post(
    "/surveys/{surveyId}/batches/",
    response={201: BatchOut, 202: BatchOut, **ERROR_RESPONSES},
    openapi_extra=PROBLEM_CONTENT,
    url_name="personal_links_batches_create",
    summary="Generate a batch of links",
    operation_id="personal_links_batches_create",
)
def create_batch(
    request: HttpRequest, response: HttpResponse, surveyId: int, data: BatchCreate
) -> Status:
    """Generate links for a segment, some contacts or a random sample of a segment.

    Small batches are made at once (201). Larger ones than
    ``PERSONAL_LINKS_BACKGROUND_THRESHOLD`` are made in the background (202):
    follow ``statusUrl`` until ``state`` is ``active``.
    """
    page = survey_for(request, surveyId)
    expires_at = _expiry(data)
    batch = generation.generate_batch(
        page,
        _recipients(data),
        expires_at=expires_at,
        max_answers=data.answersPerLink,
        created_by=request.user,
        source=LinkBatch.Source.API,
    )
    audit.log_batch_action(audit.GENERATE, batch, request.user, batch.total)
    out = batch_out(get_object_or_404(batch_history(page), pk=batch.pk))
    response["Location"] = out["statusUrl"]
    return Status(202 if batch.status == LinkBatch.Status.GENERATING else 201, out)


def _expiry(data: BatchCreate) -> datetime.datetime | None:
    # Absent, as in the admin's form: the site's default. An explicit null: no expiry.
    if "expiresOn" not in data.model_fields_set:
        return default_expiry()
    return None if data.expiresOn is None else expiry_from_date(data.expiresOn)


def _recipients(data: BatchCreate) -> recipients.Recipients:
    if (data.segmentId is None) == (data.contactIds is None):
        raise Problem(422, _("Give either segmentId or contactIds."), loc=("body", "segmentId"))
    if data.contactIds is not None:
        if data.sampleSize is not None:
            raise Problem(422, _("A sample is drawn from a segment."), loc=("body", "sampleSize"))
        return recipients.for_contacts(data.contactIds)
    segment = Segment.objects.filter(pk=data.segmentId).first()
    if segment is None:
        raise Problem(422, _("There is no such segment."), loc=("body", "segmentId"))
    if data.sampleSize is not None:
        return recipients.for_sample(segment, data.sampleSize)
    return recipients.for_segment(segment)


@router.get(
    "/surveys/{surveyId}/batches/{batchId}/",
    response={200: BatchOut, **ERROR_RESPONSES},
    openapi_extra=PROBLEM_CONTENT,
    url_name="personal_links_batch",
    summary="Get a batch and its progress",
    operation_id="personal_links_batches_detail",
)
def batch_detail(request: HttpRequest, surveyId: int, batchId: int) -> dict:
    """Return the batch with its counts, state and progress."""
    _page, batch = survey_batch(request, surveyId, batchId)
    return batch_out(batch)


@router.get(
    "/surveys/{surveyId}/batches/{batchId}/links/",
    response={200: LinkPage, **NOT_READY_RESPONSES},
    openapi_extra=problem_content(NOT_READY_RESPONSES),
    url_name="personal_links_batch_links",
    summary="List the links of a batch with their statuses",
    operation_id="personal_links_batches_links",
)
def batch_links(
    request: HttpRequest,
    response: HttpResponse,
    surveyId: int,
    batchId: int,
    query: PageQuery = Query(...),  # noqa: B008
) -> dict:
    """Return a page of the batch's links: the CSV download again, as JSON."""
    _page, batch = survey_batch(request, surveyId, batchId)
    no_store(response)
    return link_page(request, batch, query)


@router.get(
    "/surveys/{surveyId}/batches/{batchId}/non-responders/",
    response={200: LinkPage, **NOT_READY_RESPONSES},
    openapi_extra=problem_content(NOT_READY_RESPONSES),
    url_name="personal_links_batch_non_responders",
    summary="List the links of a batch that have not been answered",
    operation_id="personal_links_batches_non_responders",
)
def batch_non_responders(
    request: HttpRequest,
    response: HttpResponse,
    surveyId: int,
    batchId: int,
    query: PageQuery = Query(...),  # noqa: B008
) -> dict:
    """Return a page of the batch's links that have taken no answer, to remind them."""
    _page, batch = survey_batch(request, surveyId, batchId)
    no_store(response)
    return link_page(request, batch, query, non_responders_only=True)


@router.post(
    "/surveys/{surveyId}/batches/{batchId}/revoke/",
    response={200: BatchOut, **ERROR_RESPONSES},
    openapi_extra=PROBLEM_CONTENT,
    url_name="personal_links_batch_revoke",
    summary="Revoke every link of a batch",
    operation_id="personal_links_batches_revoke",
)
def revoke_batch(request: HttpRequest, surveyId: int, batchId: int) -> dict:
    """Revoke the batch's links, irreversibly; revoking again changes nothing."""
    page, batch = survey_batch(request, surveyId, batchId)
    if batch.revoke():
        audit.log_batch_action(audit.REVOKE, batch, request.user, batch.link_count)
    return batch_out(get_object_or_404(batch_history(page), pk=batch.pk))
