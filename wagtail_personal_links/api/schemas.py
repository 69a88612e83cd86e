"""Request and response bodies of the personal links API.

Field names are camelCase, as in the Formbricks contact-links API that the two
``contact-links`` endpoints reproduce, and the rest of the router follows suit.
"""

from __future__ import annotations

import datetime
from typing import Annotated, Any, Literal

from ninja import Field, Schema
from pydantic import field_validator

from ..models import LinkStatus

__all__ = [
    "MAX_ATTRIBUTE_KEYS",
    "MAX_INT",
    "MAX_LIMIT",
    "BatchCreate",
    "BatchOut",
    "BatchPage",
    "BatchQuery",
    "ContactLink",
    "ContactLinkOut",
    "ContactLinkQuery",
    "Id",
    "ImportOut",
    "ImportRequest",
    "LinkOut",
    "LinkPage",
    "PageMeta",
    "PageQuery",
    "SegmentLink",
    "SegmentLinkPage",
    "SegmentLinkQuery",
]

MAX_LIMIT = 250
MAX_ATTRIBUTE_KEYS = 20
#: The largest id or offset every database takes as a query parameter.
MAX_INT = 2**63 - 1
Id = Annotated[int, Field(ge=1, le=MAX_INT)]
#: Every status a link can report (the CSV's, as codes); "invalid" is only the gate's.
_CODES = tuple(status.value for status in LinkStatus if status is not LinkStatus.INVALID)
LinkStatusCode = Literal[_CODES]  # type: ignore[valid-type]
BatchState = Literal["active", "expired", "revoked", "generating", "failed"]

EXPIRATION_DAYS = Field(
    None,
    ge=1,
    le=365,
    description=(
        "Links stay valid through the UTC date this many days from today, until 00:00 UTC "
        "on the next day. Absent: the site's PERSONAL_LINKS_DEFAULT_EXPIRY_DAYS, if any."
    ),
)


class PageQuery(Schema):
    """Which slice of a list to return."""

    limit: int = Field(50, ge=1, le=MAX_LIMIT, description="Number of items to return.")
    skip: int = Field(0, ge=0, le=MAX_INT, description="Number of items to skip.")


class PageMeta(Schema):
    """Where a page sits in its list: its total, and the limit and skip (as offset) asked for."""

    total: int
    limit: int
    offset: int


class ContactLinkQuery(Schema):
    """The query parameters of a contact's link: how many days it stays valid."""

    expirationDays: int | None = EXPIRATION_DAYS


class SegmentLinkQuery(PageQuery):
    """The query parameters of a segment's links: their expiry, the page, and the attributes."""

    expirationDays: int | None = EXPIRATION_DAYS
    attributeKeys: str | None = Field(
        None,
        description=(
            "Comma-separated contact attribute keys to include, at most 20. Unknown keys "
            "are ignored; without it, no attributes are included."
        ),
    )

    @field_validator("attributeKeys")
    @classmethod
    def at_most_twenty_keys(cls, value: str | None) -> str | None:
        """Refuse more than 20 attribute keys, with the message Formbricks gives."""
        if value is not None:
            keys = [key for key in (part.strip() for part in value.split(",")) if key]
            if len(keys) > MAX_ATTRIBUTE_KEYS:
                raise ValueError(f"You can have max {MAX_ATTRIBUTE_KEYS} keys.")
        return value

    def attribute_keys(self) -> list[str]:
        """Return the asked attribute keys, without blanks or repeats."""
        keys = (key.strip() for key in (self.attributeKeys or "").split(","))
        return list(dict.fromkeys(key for key in keys if key))


class ContactLink(Schema):
    """A contact's personal link to a survey, and when it stops working."""

    surveyUrl: str
    expiresAt: datetime.datetime | None = Field(
        ..., description="When the link stops working; null if never."
    )


class ContactLinkOut(Schema):
    """A contact's personal link, under ``data`` as Formbricks returns it."""

    data: ContactLink


class SegmentLink(ContactLink):
    """A segment member's personal link, with its status and, if asked, the member's attributes."""

    contactId: str
    attributes: dict[str, Any] | None = Field(
        None, description="The asked attribute keys that the contact has, when asked for."
    )
    status: LinkStatusCode = Field(..., description="The status the re-downloaded CSV shows.")


class SegmentLinkPage(Schema):
    """A page of a segment's personal links, members in the order they joined the segment.

    Paging with ``skip`` neither skips nor repeats anyone when members join between pages.
    """

    data: list[SegmentLink]
    meta: PageMeta


class BatchQuery(PageQuery):
    """The query parameters of a survey's batch list: which slice of it to return."""


class BatchCreate(Schema):
    """Who gets links: a segment, some contacts, or a random sample of a segment."""

    segmentId: Id | None = None
    contactIds: list[Id] | None = Field(None, min_length=1, max_length=10_000)
    sampleSize: int | None = Field(None, ge=1, description="Needs segmentId.")
    expiresOn: datetime.date | None = Field(
        None,
        description="Links stay valid through this date, until 00:00 UTC on the next day. "
        "Absent: the site's PERSONAL_LINKS_DEFAULT_EXPIRY_DAYS, if any; null: no expiry.",
    )
    answersPerLink: int | None = Field(
        1,
        ge=1,
        le=1_000_000,
        description="How many answers each link takes: 1 for a personal link, more for a "
        "shared one, null for unlimited (a team link).",
    )


class BatchOut(Schema):
    """A batch of links: who it is for, its state, its counts, and where to follow it.

    ``total`` is how many links the batch is to have and ``links`` how many it has
    so far; ``started`` and ``finished`` count the links opened and answered.
    Follow ``statusUrl`` while ``state`` is ``generating``; ``linksUrl`` lists the
    links once the batch is made.
    """

    id: int
    label: str
    source: str
    onDemand: bool
    state: BatchState
    createdAt: datetime.datetime
    createdBy: str | None
    expiresAt: datetime.datetime | None
    revokedAt: datetime.datetime | None
    answersPerLink: int | None = Field(
        ..., description="How many answers each link takes; null for unlimited."
    )
    total: int
    links: int
    started: int
    finished: int
    percent: int
    error: str
    statusUrl: str
    linksUrl: str


class BatchPage(Schema):
    """A page of a survey's batches, newest first."""

    data: list[BatchOut]
    meta: PageMeta


class LinkOut(Schema):
    """One link of a batch, as a row of the CSV download: the contact, the URL and its status."""

    contactId: str
    customId: str
    firstName: str
    lastName: str
    email: str
    surveyUrl: str
    expiresAt: datetime.datetime | None
    status: LinkStatusCode
    lastEmailAt: datetime.datetime | None = Field(
        None, description="When the link was last emailed; null if it has not been."
    )
    answers: int | None = Field(
        None,
        description="Answers given through the link so far, for links that take more than "
        "one; null for a personal link, whose status says whether it was answered.",
    )


class LinkPage(Schema):
    """A page of a batch's links, in the order they were made, as the CSV download lists them."""

    data: list[LinkOut]
    meta: PageMeta


class ImportRequest(Schema):
    """Contacts to create or update, as rows of column name to value."""

    contacts: list[dict[str, Any]] = Field(..., min_length=1)
    duplicates: Literal["skip", "update", "overwrite"] = "update"
    segmentId: Id | None = None
    dryRun: bool = False


class ImportOut(Schema):
    """What a contact import did, or with ``dryRun`` would do: its counts and its errors.

    ``errors`` lists the file's problems and the invalid rows; only a dry run
    returns any, since an import with errors is refused and saves nothing.
    """

    dryRun: bool
    new: int
    updated: int
    skipped: int
    invalid: int
    errors: list[str]
