"""The steps after a contact import's preview: confirm, cancel, download the invalid rows.

Each is POST-only and acts on the import's signed state, as the preview's
buttons send it.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.generic import View
from wagtail.admin import messages
from wagtail.models import ModelLogEntry

from ..admin_urls import import_url
from ..forms.imports import ImportStateForm
from ..imports.columns import ContactImportError
from ..imports.service import ImportFile, ImportReport, confirm_import
from ..imports.storage import read_upload, remove_upload
from ..models import Segment
from .imports import ImportViewMixin, contacts_url

__all__ = ["CancelView", "ConfirmView", "InvalidRowsView", "StateMixin"]


class StateMixin(ImportViewMixin):
    """POST-only views that act on the signed state of a previewed import."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest) -> HttpResponse:
        form = ImportStateForm(request.POST, user=request.user)
        if not form.is_valid():
            messages.error(request, form.errors["state"][0])
            return redirect(import_url("upload"))
        return self.act(form.cleaned_data["state"])

    def act(self, state: dict[str, Any]) -> HttpResponse:
        raise NotImplementedError

    def gone(self) -> HttpResponse:
        """Send the user back to the upload: the previewed import cannot run any more."""
        messages.error(self.request, _("This import can no longer run. Upload the file again."))
        return redirect(import_url("upload"))

    def remove_files(self, state: dict[str, Any]) -> None:
        for name in (state["upload"], state["invalid_rows"]):
            if name:
                remove_upload(name)


class ConfirmView(StateMixin, View):
    """Run the previewed import for real, in one transaction, and log it."""

    def act(self, state: dict[str, Any]) -> HttpResponse:
        data = read_upload(state["upload"])
        segment = Segment.objects.filter(pk=state["segment"]).first()
        if data is None or (state["segment"] and segment is None):
            return self.gone()
        file = ImportFile(data, state["file_name"], state["file_format"], state["encoding"])
        try:
            report, entry = confirm_import(
                file, duplicates=state["duplicates"], segment=segment,
                new_segment_name=state["new_segment"], user=self.request.user,
            )  # fmt: skip
        except ContactImportError as error:
            messages.error(self.request, error.messages[0])
            return redirect(import_url("upload"))
        if entry is None:
            messages.error(self.request, _("Nothing was imported: the file has errors now."))
            return self.render_preview(report, state)
        self.remove_files(state)
        return self.imported(report, entry)

    def imported(self, report: ImportReport, entry: ModelLogEntry) -> HttpResponse:
        """Say how many contacts were imported and show the summary."""
        total = report.new + report.updated + report.skipped
        message = ngettext("Imported %(total)d contact.", "Imported %(total)d contacts.", total)
        messages.success(self.request, message % {"total": total})
        return redirect(import_url("summary", entry.pk))


class CancelView(StateMixin, View):
    """Forget a previewed import and its files."""

    def act(self, state: dict[str, Any]) -> HttpResponse:
        self.remove_files(state)
        messages.success(self.request, _("Import cancelled. No contacts were changed."))
        return redirect(contacts_url())


class InvalidRowsView(StateMixin, View):
    """Download the invalid rows of a preview as CSV, with an Errors column."""

    def act(self, state: dict[str, Any]) -> HttpResponse:
        data = read_upload(state["invalid_rows"]) if state["invalid_rows"] else None
        if data is None:
            return self.gone()
        stem = state["file_name"].rsplit(".", 1)[0]
        return HttpResponse(
            data,
            content_type="text/csv; charset=utf-8",
            headers={
                "Content-Disposition": content_disposition_header(True, f"{stem}-invalid-rows.csv")
            },
        )
