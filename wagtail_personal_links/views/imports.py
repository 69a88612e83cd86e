"""Admin views of the contact import: upload and preview, confirm, cancel, summary.

Built like Wagtail's redirects import: the upload answers with a dry-run
preview; Confirm, Cancel and the invalid rows download are POST-only and carry
the import's state signed; the summary is read back from the log entry.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.http import content_disposition_header
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views import defaults
from django.views.generic import FormView, TemplateView, View
from wagtail.admin import messages
from wagtail.admin.admin_url_finder import AdminURLFinder
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets.button import HeaderButton
from wagtail.models import ModelLogEntry

from .. import audit
from ..admin_urls import import_url
from ..forms.imports import ContactImportForm, ImportStateForm
from ..imports.columns import ContactImportError
from ..imports.resources import Duplicates
from ..imports.service import ImportFile, ImportReport, confirm_import, preview_import
from ..imports.storage import read_upload, remove_upload, store_upload
from ..models import Contact, Segment
from ..permissions import user_can_import_contacts

__all__ = [
    "CancelView",
    "ConfirmView",
    "ImportContactsButtonMixin",
    "InvalidRowsView",
    "SummaryView",
    "UploadView",
]

TEMPLATES = "wagtail_personal_links/admin/import/"
INVALID_ROWS_SHOWN = 1_000


def contacts_url() -> str:
    return reverse(Contact.snippet_viewset.get_url_name("list"))


class ImportContactsButtonMixin:
    """Add an "Import contacts" button to a listing's header, for users who may import."""

    @cached_property
    def header_buttons(self) -> list[HeaderButton]:
        buttons = list(super().header_buttons)
        if user_can_import_contacts(self.request.user):
            url = import_url("upload")
            buttons.append(HeaderButton(_("Import contacts"), url=url, icon_name="upload"))
        return buttons


class ImportViewMixin(WagtailAdminTemplateMixin):
    """Permission check, title and breadcrumbs shared by the import views."""

    page_title = gettext_lazy("Import contacts")
    header_icon = "upload"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not user_can_import_contacts(request.user):
            # A plain 403: the admin would turn PermissionDenied into a redirect.
            return defaults.permission_denied(request, PermissionDenied())
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self) -> list[dict[str, Any]]:
        return [
            *self.breadcrumbs_items,
            {"url": contacts_url(), "label": capfirst(Contact._meta.verbose_name_plural)},
            {"url": "", "label": self.get_page_title()},
        ]

    def render_preview(self, report: ImportReport, state: dict[str, Any]) -> HttpResponse:
        """Show what the import does, with Confirm and Cancel carrying the signed state."""
        context = self.get_context_data(
            report=report,
            state=state,
            duplicates=Duplicates(state["duplicates"]).label,
            segment_name=state["new_segment"]
            or Segment.objects.filter(pk=state["segment"]).first(),
            invalid_rows=report.invalid_rows[:INVALID_ROWS_SHOWN],
            more_invalid_rows=max(len(report.invalid_rows) - INVALID_ROWS_SHOWN, 0),
            state_form=ImportStateForm(
                initial={"state": ImportStateForm.sign(state)}, user=self.request.user
            ),
        )
        return TemplateResponse(self.request, TEMPLATES + "preview.html", context)


class UploadView(ImportViewMixin, FormView):
    """The upload form; a valid upload answers with the dry-run preview."""

    form_class = ContactImportForm
    template_name = TEMPLATES + "upload.html"

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form: ContactImportForm) -> HttpResponse:
        data = form.cleaned_data
        try:
            report = preview_import(data["file"], data["duplicates"])
        except ContactImportError as error:
            report = ImportReport(problems=error.messages)
        if report.problems:
            form.add_error("import_file", report.problems)
            return self.form_invalid(form)
        segment = data.get("segment")
        state = {
            "user": self.request.user.pk,
            "file_name": data["file"].name,
            "file_format": data["file"].file_format,
            "encoding": data["file"].encoding,
            "duplicates": data["duplicates"],
            "segment": segment.pk if segment else None,
            "new_segment": data.get("new_segment", ""),
            "upload": store_upload(data["file"].data),
            "invalid_rows": (
                store_upload(report.invalid_rows_csv.encode()) if report.invalid_rows else None
            ),
        }
        return self.render_preview(report, state)


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


class SummaryView(ImportViewMixin, TemplateView):
    """What a confirmed import did, read from its log entry."""

    template_name = TEMPLATES + "summary.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        entry = get_object_or_404(
            ModelLogEntry, pk=self.kwargs["pk"], action=audit.IMPORT_CONTACTS
        )
        segment = Segment.objects.filter(pk=entry.data.get("segment")).first()
        segment_url = AdminURLFinder(self.request.user).get_edit_url(segment) if segment else None
        return super().get_context_data(
            entry=entry, summary=entry.data, segment=segment, segment_url=segment_url, **kwargs
        )
