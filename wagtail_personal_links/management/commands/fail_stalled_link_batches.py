"""``manage.py fail_stalled_link_batches [--minutes 30]``: fail batches whose task died."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from ...recovery import STALLED_AFTER, fail_stalled_batches
from ..arguments import positive_number


class Command(BaseCommand):
    help = "Fail link batches still generating long after they began, deleting their links."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--minutes",
            type=positive_minutes,
            default=int(STALLED_AFTER.total_seconds() // 60),
            help="How long after it began a generating batch counts as stalled (default 30).",
        )

    def handle(self, *args: Any, minutes: int, **options: Any) -> None:
        failed = fail_stalled_batches(datetime.timedelta(minutes=minutes))
        for batch in failed:
            self.stdout.write(f"Failed stalled batch {batch.pk}: {batch}")
        self.stdout.write(f"{len(failed)} stalled batch(es) failed.")


def positive_minutes(value: str) -> int:
    """Read ``--minutes``: a batch generating for no time at all is not stalled but working."""
    return positive_number(value, "give a positive number of minutes")
