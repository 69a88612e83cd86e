"""Calendar arithmetic for "older than" and "newer than" filters."""

from __future__ import annotations

import calendar
import datetime
from typing import TypeVar

__all__ = ["shift"]

Moment = TypeVar("Moment", datetime.date, datetime.datetime)


def shift(moment: Moment, amount: int, unit: str) -> Moment:
    """Return ``moment`` moved back by ``amount`` days, weeks, months or years.

    A month back from 31 March is the last day of February, as a person
    counts it.
    """
    if unit in ("days", "weeks"):
        return moment - datetime.timedelta(**{unit: amount})
    months = amount * (12 if unit == "years" else 1)
    index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)
