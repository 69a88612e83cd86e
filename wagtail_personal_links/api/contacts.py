"""Bulk contact upsert: the admin's contact import, from JSON rows or a CSV/XLSX body.

Single contacts and segments are read and written through Wagtail's snippets
API (``/api/v3/snippets/wagtail_personal_links.Contact/`` and
``.../wagtail_personal_links.Segment/``); this endpoint adds what the snippets
API does not do: many contacts in one all-or-nothing import.
"""

from __future__ import annotations

from typing import Any, Literal

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from wagtail.permission_policies import ModelPermissionPolicy

from ..cells import csv_lines
from ..conf import personal_links_settings
from ..imports.columns import ContactImportError
from ..imports.service import ImportFile, confirm_import, preview_import
from ..models import Segment
from ..permissions import user_can_import_contacts
from .auth import AUTH
from .errors import ERROR_RESPONSES, PROBLEM_CONTENT, Problem
from .schemas import Id, ImportOut, ImportRequest

__all__ = ["router"]

router = Router(tags=["personal links: contacts"], auth=AUTH)

FILE_TYPES = {
    "text/csv": {"schema": {"type": "string"}},
    "text/tab-separated-values": {"schema": {"type": "string"}},
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {
        "schema": {"type": "string", "format": "binary"}
    },
}


class FileImportQuery(Schema):
    """The query parameters of a file import; the file itself is the request body.

    ``duplicates`` says what to do with a row that matches an existing contact
    (``skip``, ``update`` or ``overwrite``), ``segmentId`` names a segment to add
    the contacts to, and ``dryRun`` only reports what the import would do.
    """

    duplicates: Literal["skip", "update", "overwrite"] = "update"
    segmentId: Id | None = None
    dryRun: bool = False


@router.post(
    "/contacts/import/",
    response={200: ImportOut, **ERROR_RESPONSES},
    openapi_extra=PROBLEM_CONTENT,
    url_name="personal_links_contacts_import",
    summary="Create or update contacts from rows",
    operation_id="personal_links_contacts_import",
)
def import_rows(request: HttpRequest, data: ImportRequest) -> dict:
    """Import contacts given as rows of column to value, as a spreadsheet's columns would be.

    ``email``, ``custom_id``, ``first_name`` and ``last_name`` (or the admin
    import's other spellings) fill those fields; every other key is an
    attribute. All rows are imported or none; ``dryRun`` only reports.
    """
    segment = _import_segment(request, data.segmentId)
    return _import(request, _rows_file(data.contacts), data.duplicates, segment, data.dryRun)


@router.post(
    "/contacts/import/file/",
    response={200: ImportOut, **ERROR_RESPONSES},
    url_name="personal_links_contacts_import_file",
    summary="Create or update contacts from a CSV, TSV or XLSX file",
    operation_id="personal_links_contacts_import_file",
    openapi_extra={**PROBLEM_CONTENT, "requestBody": {"required": True, "content": FILE_TYPES}},
)
def import_file(request: HttpRequest, query: FileImportQuery = Query(...)) -> dict:  # noqa: B008
    """Import the file sent as the request body, exactly as the admin's import would."""
    segment = _import_segment(request, query.segmentId)
    if len(request.body) > personal_links_settings.IMPORT_MAX_BYTES:
        raise Problem(400, _("The file is too large."), loc=("body",), code="too_large")
    file = ImportFile(request.body, _file_name(request))
    return _import(request, file, query.duplicates, segment, query.dryRun)


def _import_segment(request: HttpRequest, segment_id: int | None) -> Segment | None:
    if not user_can_import_contacts(request.user):
        raise PermissionDenied
    if segment_id is None:
        return None
    if not ModelPermissionPolicy(Segment).user_has_permission(request.user, "change"):
        raise PermissionDenied
    segment = Segment.objects.filter(pk=segment_id).first()
    if segment is None:
        raise Problem(422, _("There is no such segment."), loc=("body", "segmentId"))
    return segment


def _import(
    request: HttpRequest, file: ImportFile, duplicates: str, segment: Segment | None, dry: bool
) -> dict[str, Any]:
    try:
        if dry:
            report = preview_import(file, duplicates)
        else:
            report, _entry = confirm_import(
                file,
                duplicates=duplicates,
                segment=segment,
                new_segment_name="",
                user=request.user,
            )
    except ContactImportError as error:
        raise Problem(400, " ".join(error.messages), loc=("body",), code="unreadable") from None
    errors = [*report.problems, *report.invalid_rows]
    if errors and not dry:
        detail = _("Nothing was imported: the rows have errors.")
        raise Problem(422, detail, loc=("body",), code="invalid_rows", errors=errors)
    return {
        "dryRun": dry,
        "new": report.new,
        "updated": report.updated,
        "skipped": report.skipped,
        "invalid": report.invalid,
        "errors": errors,
    }


def _rows_file(rows: list[dict[str, Any]]) -> ImportFile:
    """Write JSON rows as the CSV file the admin import reads, cells escaped as a download's."""
    headers = list(dict.fromkeys(key for row in rows for key in row))
    cells = [["" if row.get(key) is None else str(row[key]) for key in headers] for row in rows]
    data = "".join(csv_lines([headers, *cells])).encode()
    return ImportFile(data, _("contacts from the API.csv"), file_format="csv")


def _file_name(request: HttpRequest) -> str:
    content_type = request.content_type or ""
    if "spreadsheetml" in content_type:
        return "contacts.xlsx"
    return "contacts.tsv" if "tab-separated" in content_type else "contacts.csv"
