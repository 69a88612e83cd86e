"""Formbricks' two contact-links endpoints, with the same paths, parameters and bodies.

A Formbricks client changes only its base URL (``.../api/v2/management`` becomes
``.../api/v3/personal-links``) and its key (a Wagtail API token).
"""

from __future__ import annotations

import datetime

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router
from wagtail.models import Page

from .. import generation, minting
from ..models import Contact, Segment
from ..models.rules import default_expiry, expiry_from_days
from .auth import AUTH, survey_for
from .errors import ERROR_RESPONSES, PROBLEM_CONTENT, Problem
from .links import link_status_code, no_store, url_maker
from .schemas import (
    ContactLinkOut,
    ContactLinkQuery,
    PageMeta,
    SegmentLink,
    SegmentLinkPage,
    SegmentLinkQuery,
)

__all__ = ["router"]

router = Router(tags=["personal links: contact links"], auth=AUTH)


def expiry_for(days: int | None) -> datetime.datetime | None:
    """Return the expiry ``expirationDays`` asks for, or the site's default expiry."""
    return default_expiry() if days is None else expiry_from_days(days)


@router.get(
    "/surveys/{surveyId}/contact-links/contacts/{contactId}/",
    response={200: ContactLinkOut, **ERROR_RESPONSES},
    openapi_extra=PROBLEM_CONTENT,
    url_name="personal_links_contact_link",
    summary="Get personalized survey link for a contact",
    operation_id="personal_links_contact_link",
)
def contact_link(
    request: HttpRequest,
    response: HttpResponse,
    surveyId: int,
    contactId: int,
    query: ContactLinkQuery = Query(...),  # noqa: B008
) -> dict:
    """Return the contact's personal link to the survey, minting it the first time.

    Asking again with the same expiry returns the same URL and creates nothing.
    A contact who has answered the survey gets a 400 naming ``contactId``.
    """
    page = survey_for(request, surveyId)
    contact = get_object_or_404(Contact, pk=contactId)
    generation.check_page(page)
    if minting.has_answered(page, contact.pk):
        raise Problem(400, _("Already responded"), loc=("path", "contactId"), code="responded")
    _batch, links = minting.mint_links(
        page, [contact.pk], expires_at=expiry_for(query.expirationDays), user=request.user
    )
    link = links[contact.pk]
    no_store(response)
    url = url_maker(page)(link.public_id, link.expires_at)
    return {"data": {"surveyUrl": url, "expiresAt": link.expires_at}}


@router.get(
    "/surveys/{surveyId}/contact-links/segments/{segmentId}/",
    response={200: SegmentLinkPage, **ERROR_RESPONSES},
    openapi_extra=PROBLEM_CONTENT,
    exclude_unset=True,
    url_name="personal_links_segment_links",
    summary="Get survey links for contacts in a segment",
    operation_id="personal_links_segment_links",
)
@router.get(
    # Formbricks documents this path without its trailing slash.
    "/surveys/{surveyId}/contact-links/segments/{segmentId}",
    response={200: SegmentLinkPage, **ERROR_RESPONSES},
    openapi_extra=PROBLEM_CONTENT,
    exclude_unset=True,
    include_in_schema=False,
)
def segment_links(
    request: HttpRequest,
    response: HttpResponse,
    surveyId: int,
    segmentId: int,
    query: SegmentLinkQuery = Query(...),  # noqa: B008
) -> dict:
    """Return a page of personal links for the members of a segment, minting the missing ones.

    Members come in the order they joined the segment, so
    paging with ``skip`` neither skips nor repeats anyone when members join
    between pages. Each link carries the status the CSV download shows.
    """
    page = survey_for(request, surveyId)
    segment = get_object_or_404(Segment, pk=segmentId)
    generation.check_page(page)
    members, total = _member_page(segment, query)
    expires_at = expiry_for(query.expirationDays)
    links: dict[int, minting.MintedLink] = {}
    if members:  # a page past the end opens no batch
        ids = [pk for pk, _attributes in members]
        _batch, links = minting.mint_links(page, ids, expires_at=expires_at, user=request.user)
    no_store(response)
    data = _segment_links(
        page, members, links, query.attribute_keys() if query.attributeKeys else None
    )
    meta = PageMeta(total=total, limit=query.limit, offset=query.skip)
    return {"data": data, "meta": meta}


def _member_page(segment: Segment, query: SegmentLinkQuery) -> tuple[list[tuple], int]:
    ids = segment.get_member_ids(query.skip, query.limit)
    attributes: dict[int, dict] = {}
    if query.attributeKeys and ids:
        members = segment.get_contacts().filter(pk__in=ids)
        attributes = dict(members.values_list("pk", "attributes"))
    return [(pk, attributes.get(pk, {})) for pk in ids], segment.count_members()


def _segment_links(
    page: Page,
    members: list[tuple],
    links: dict[int, minting.MintedLink],
    keys: list[str] | None,
) -> list[SegmentLink]:
    url = url_maker(page)
    now = timezone.now()
    answered = minting.answered_contacts(page, [pk for pk, _attributes in members])
    items = []
    for pk, attributes in members:
        link = links[pk]
        item = {
            "contactId": str(pk),
            "surveyUrl": url(link.public_id, link.expires_at),
            "expiresAt": link.expires_at,
            "status": link_status_code(
                opened_at=link.opened_at,
                submitted_at=link.submitted_at,
                revoked_at=link.revoked_at,
                expires_at=link.expires_at,
                contact_answered=pk in answered,
                now=now,
            ),
        }
        if keys is not None:
            item["attributes"] = {key: attributes[key] for key in keys if key in attributes}
        items.append(item)
    return items
