"""Contact imports from the admin: a dry-run preview, then one confirmed transaction.

The views only parse requests and render; reading the file, what an import
does, and what it reports, is decided here and in
:class:`~wagtail_personal_links.imports.resources.ContactResource`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from import_export.results import Result
from tablib import Dataset
from wagtail.log_actions import log
from wagtail.models import ModelLogEntry

from .. import audit
from ..cells import csv_lines
from ..models import Contact, Segment
from .columns import ContactImportError, InvalidRowsError
from .files import read_dataset
from .resources import ContactResource, RowChanges

__all__ = ["ImportFile", "ImportReport", "confirm_import", "preview_import"]

PREVIEW_ROWS = 20
SEGMENT_CHUNK = 2_000


@dataclass(frozen=True)
class ImportFile:
    """An uploaded contact file and how to read it (an empty format means detect it)."""

    data: bytes
    name: str
    file_format: str = ""
    encoding: str = "utf-8"

    def read(self) -> Dataset:
        """Return the file's rows; raise :class:`ContactImportError` when it cannot be read."""
        return read_dataset(self.data, self.name, self.file_format, self.encoding)


@dataclass
class ImportReport:
    """What an import did, or would do: counts, problems, and the rows it changes."""

    new: int = 0
    updated: int = 0
    skipped: int = 0
    invalid: int = 0
    problems: list[str] = field(default_factory=list)
    invalid_rows: list[str] = field(default_factory=list)
    invalid_rows_csv: str = ""
    preview: list[RowChanges] = field(default_factory=list)

    @property
    def has_errors(self) -> bool:
        return bool(self.problems or self.invalid_rows)

    @classmethod
    def from_result(
        cls, resource: ContactResource, result: Result, dataset: Dataset
    ) -> ImportReport:
        """Summarise a django-import-export result."""
        totals = result.totals
        report = cls(totals["new"], totals["update"], totals["skip"], totals["invalid"])
        report.preview = resource.preview
        report.problems = _problems(result)
        invalid = [(row, resource.columns.describe(row)) for row in result.invalid_rows]
        report.invalid_rows = [line for _row, lines in invalid for line in lines]
        if invalid:
            rows = [[*dataset[row.number - 1], "; ".join(lines)] for row, lines in invalid]
            report.invalid_rows_csv = "".join(csv_lines([[*dataset.headers, _("Errors")], *rows]))
        return report


def _problems(result: Result) -> list[str]:
    problems = []
    for error in result.base_errors:
        if isinstance(error.error, ContactImportError):
            if not isinstance(error.error, InvalidRowsError):  # listed row by row
                problems.extend(error.error.messages)
        else:
            problems.append(_("The import failed: %(error)s") % {"error": error.error})
    for number, errors in result.row_errors():
        problems.extend(
            _("row %(row)d could not be imported: %(error)s")
            % {"row": number + 1, "error": error.error}
            for error in errors
        )
    return problems


def preview_import(file: ImportFile, duplicates: str) -> ImportReport:
    """Read the file and run the import as a dry run; report what it would do.

    Raise :class:`ContactImportError` when the file cannot be read at all.
    """
    dataset = file.read()
    resource = ContactResource(duplicates=duplicates, preview_limit=PREVIEW_ROWS)
    result = resource.import_data(dataset, dry_run=True, use_transactions=True)
    return ImportReport.from_result(resource, result, dataset)


@transaction.atomic
def confirm_import(
    file: ImportFile, *, duplicates: str, segment: Segment | None, new_segment_name: str, user: Any
) -> tuple[ImportReport, ModelLogEntry | None]:
    """Import for real, add every row's contact to the segment, and log it; all or nothing.

    Return the report and the log entry, or no log entry when nothing changed
    because the file has errors. Raise :class:`ContactImportError` when the
    file cannot be read at all.
    """
    dataset = file.read()
    resource = ContactResource(duplicates=duplicates)
    report = ImportReport.from_result(
        resource, resource.import_data(dataset, use_transactions=True), dataset
    )
    if report.has_errors:
        transaction.set_rollback(True)
        return report, None
    if new_segment_name:
        segment, _created = Segment.objects.get_or_create(name=new_segment_name)
    added = add_imported_contacts(segment, resource) if segment else 0
    data = {"file": file.name, "new": report.new, "updated": report.updated,
            "skipped": report.skipped, "duplicates": duplicates,
            "segment": segment.pk if segment else None, "added_to_segment": added}  # fmt: skip
    return report, log(segment or user, audit.IMPORT_CONTACTS, user=user, data=data)


def add_imported_contacts(segment: Segment, resource: ContactResource) -> int:
    """Add the contacts of every row the resource imported to ``segment``; return how many."""
    added = 0
    for emails in _chunks(list(resource.seen.emails)):
        added += segment.add_contacts(Contact.objects.with_emails(emails))
    for custom_ids in _chunks(list(resource.seen.custom_ids)):
        added += segment.add_contacts(Contact.objects.filter(external_id__in=custom_ids))
    return added


def _chunks(values: list[str]) -> Iterator[list[str]]:
    for start in range(0, len(values), SEGMENT_CHUNK):
        yield values[start : start + SEGMENT_CHUNK]
