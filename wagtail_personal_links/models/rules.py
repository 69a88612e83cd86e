"""The rules every consumer of links shares: status, expiry, and race-free state changes.

Every consumer (the gate, the CSV status column, the batch history, the API)
reads a link's status from :func:`get_link_status`. A link is valid *until*
its ``expires_at``, exclusive (:func:`is_expired`); editors and the command
give a last valid day D, which :func:`expiry_from_date` turns into 00:00 UTC
on D+1, the one expiry rule.
"""

from __future__ import annotations

import datetime

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ..conf import MAX_EXPIRATION_DAYS, personal_links_settings

__all__ = [
    "MAX_EXPIRATION_DAYS",
    "BatchState",
    "GenerationError",
    "LinkStatus",
    "default_expiry",
    "expiry_from_date",
    "expiry_from_days",
    "get_link_status",
    "is_expired",
    "stamp_once",
    "utc_today",
]


class GenerationError(Exception):
    """A request for links that cannot be met; ``code`` says why, the message says it to a person.

    Codes: ``not_live``, ``not_survey``, ``empty``, ``expiry_past``, ``expiry_late``,
    ``expiry_range``, ``sample_size``, ``unknown_contacts``.
    """

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


class LinkStatus(models.TextChoices):
    """What a personal link is good for at a given moment; labels as the CSV reports them."""

    NOT_STARTED = "not_started", _("Not started")
    STARTED = "started", _("Survey Started")
    ANSWERED = "answered", _("Survey Finished")
    REVOKED = "revoked", _("Revoked")
    EXPIRED = "expired", _("Expired")
    INVALID = "invalid", _("Not valid")
    # Before a respondent starts, an emailed link says what became of its email.
    EMAIL_NOT_SENT = "email_not_sent", _("Email Not Sent")
    EMAIL_SENT = "email_sent", _("Email Sent")
    EMAIL_FAILED = "email_failed", _("Email Failed")
    OPTED_OUT = "opted_out", _("Opted Out")

    @property
    def is_usable(self) -> bool:
        """Say whether a link in this status can still take an answer."""
        return self in _USABLE


_USABLE = frozenset(
    {
        LinkStatus.NOT_STARTED,
        LinkStatus.STARTED,
        LinkStatus.EMAIL_NOT_SENT,
        LinkStatus.EMAIL_SENT,
        LinkStatus.EMAIL_FAILED,
        LinkStatus.OPTED_OUT,
    }
)


class BatchState(models.TextChoices):
    """What a batch's history row says: its generation, then what its links are good for."""

    ACTIVE = "active", _("Active")
    EXPIRED = "expired", _("Expired")
    REVOKED = "revoked", _("Revoked")
    GENERATING = "generating", _("Generating")
    FAILED = "failed", _("Failed")


def is_expired(expires_at: datetime.datetime | None, now: datetime.datetime | None = None) -> bool:
    """Say whether something valid until ``expires_at`` (exclusive) has expired by ``now``."""
    return expires_at is not None and expires_at <= (now or timezone.now())


def utc_today(now: datetime.datetime | None = None) -> datetime.date:
    """Return today's date in UTC, the calendar expiry dates are counted in."""
    return (now or timezone.now()).astimezone(datetime.UTC).date()


def expiry_from_date(
    date: datetime.date, *, now: datetime.datetime | None = None
) -> datetime.datetime:
    """Return when links valid through ``date`` expire: 00:00:00 UTC on the next day.

    Only dates from tomorrow (in UTC) onward are accepted.
    """
    if date <= utc_today(now):
        raise GenerationError(
            gettext(
                "Choose a date from tomorrow onward; links stay valid through the date you choose."
            ),
            code="expiry_past",
        )
    if date >= datetime.date.max:  # its next day, when links expire, is past any calendar
        raise GenerationError(
            gettext("Choose a date before %(date)s.") % {"date": datetime.date.max.isoformat()},
            code="expiry_late",
        )
    return datetime.datetime.combine(
        date + datetime.timedelta(days=1), datetime.time(), datetime.UTC
    )


def expiry_from_days(days: int, *, now: datetime.datetime | None = None) -> datetime.datetime:
    """Return when links valid through the ``days``-th day from today (1 to 365) expire."""
    if not 1 <= days <= MAX_EXPIRATION_DAYS:
        raise GenerationError(
            gettext("The number of days must be between 1 and %(max)d.")
            % {"max": MAX_EXPIRATION_DAYS},
            code="expiry_range",
        )
    return expiry_from_date(utc_today(now) + datetime.timedelta(days=days), now=now)


def default_expiry(*, now: datetime.datetime | None = None) -> datetime.datetime | None:
    """Return the expiry ``PERSONAL_LINKS_DEFAULT_EXPIRY_DAYS`` gives, or ``None``."""
    days = personal_links_settings.DEFAULT_EXPIRY_DAYS
    return None if days is None else expiry_from_days(days, now=now)


def get_link_status(
    *,
    answered: bool,
    revoked: bool,
    expires_at: datetime.datetime | None,
    opened: bool = False,
    complete: bool = True,
    opted_out: bool = False,
    last_email: str | None = None,
    now: datetime.datetime | None = None,
) -> LinkStatus:
    """Decide a link's status from its facts; the one rule every consumer uses.

    ``revoked`` covers the link and its batch; ``complete`` says whether its
    batch finished generating. An answer outranks the other states: a
    respondent who answered is thanked, whatever happened to the link since.
    Until the respondent starts, an emailed link reports its email, as
    Qualtrics does: ``last_email`` is the state of its latest message that was
    not skipped (``None`` when it was never emailed), and an opt-out on the
    contact outranks it.
    """
    if answered:
        return LinkStatus.ANSWERED
    if revoked:
        return LinkStatus.REVOKED
    if is_expired(expires_at, now):
        return LinkStatus.EXPIRED
    if not complete:
        return LinkStatus.INVALID
    if opened:
        return LinkStatus.STARTED
    if opted_out:
        return LinkStatus.OPTED_OUT
    if last_email is None:
        return LinkStatus.NOT_STARTED
    return _EMAIL_STATUS.get(last_email, LinkStatus.EMAIL_NOT_SENT)


_EMAIL_STATUS = {"sent": LinkStatus.EMAIL_SENT, "failed": LinkStatus.EMAIL_FAILED}


def stamp_once(
    instance: models.Model, field: str, queryset: models.QuerySet, now: datetime.datetime
) -> bool:
    """Set ``field`` to ``now`` in one conditional UPDATE, if ``queryset`` still selects the row.

    The condition is checked by the database on the row it writes, never read
    first in Python, so concurrent requests cannot both succeed.
    """
    stamped = queryset.filter(pk=instance.pk).update(**{field: now})
    if stamped:
        setattr(instance, field, now)
    return bool(stamped)
