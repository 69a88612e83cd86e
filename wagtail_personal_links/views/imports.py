"""Admin views of the contact import: upload and preview, and the summary.

Built like Wagtail's redirects import: the upload answers with a dry-run
preview; Confirm, Cancel and the invalid rows download
(:mod:`.import_steps`) are POST-only and carry the import's state signed;
the summary is read back from the log entry.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import defaults
from django.views.generic import FormView, TemplateView
from wagtail.admin.admin_url_finder import AdminURLFinder
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets.button import HeaderButton
from wagtail.models import ModelLogEntry

from .. import audit
from ..admin_urls import import_url
from ..forms.imports import ContactImportForm, ImportStateForm
from ..imports.columns import ContactImportError
from ..imports.resources import Duplicates
from ..imports.service import ImportReport, preview_import
from ..imports.storage import store_upload
from ..models import Contact, Segment
from ..permissions import user_can_import_contacts

__all__ = ["ImportContactsButtonMixin", "ImportViewMixin", "SummaryView", "UploadView"]

TEMPLATES = "wagtail_personal_links/admin/import/"
INVALID_ROWS_SHOWN = 1_000


def contacts_url() -> str:
    """Return the URL of the Contacts listing, where an import starts and ends."""
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
