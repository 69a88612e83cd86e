"""The personal links view of a survey page: the generate form above the batch history.

Every personal links view takes the "Can generate personal links" permission
and edit permission on the page
(:func:`~wagtail_personal_links.permissions.user_can_manage_links`).
"""

from __future__ import annotations

from typing import Any

from django.contrib.humanize.templatetags.humanize import intcomma
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from wagtail.admin import messages
from wagtail.admin.views.generic.base import BaseListingView, WagtailAdminTemplateMixin
from wagtail.models import Page

from .. import audit, exports, generation
from ..admin_urls import LINKS_NAMESPACE, links_url, mail_url
from ..forms.links import GenerateLinksForm
from ..models import LinkBatch, Segment
from ..pages import page_takes_links
from ..permissions import user_can_email_links, user_can_manage_links
from .link_history import batch_history, history_columns

__all__ = ["LinksIndexView", "PageLinksMixin", "batch_file_name", "links_csv_response"]


PERMISSION_DENIED_TEMPLATE = "wagtail_personal_links/admin/links/permission_denied.html"


def batch_file_name(batch: LinkBatch, extension: str, suffix: str = "") -> str:
    """Name a download of ``batch``: its page, when it was made, and its number.

    The number tells apart batches made in the same minute.
    """
    created = timezone.localtime(batch.created_at).strftime("%Y%m%d-%H%M")
    return f"personal-links-{batch.page.slug}-{created}-{batch.pk}{suffix}.{extension}"


def links_csv_response(batch: LinkBatch, **options: Any) -> StreamingHttpResponse:
    """Stream the batch's links as a CSV attachment; ``options`` go to ``exports.link_rows``."""
    suffix = "-non-responders" if options.get("non_responders_only") else ""
    filename = batch_file_name(batch, "csv", suffix)
    response = StreamingHttpResponse(
        exports.csv_lines(exports.link_rows(batch, **options)),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def segment_add_url(user: Any) -> str | None:
    """Return where ``user`` can create a segment, if they may."""
    viewset = Segment.snippet_viewset
    if not viewset.permission_policy.user_has_permission(user, "add"):
        return None
    return reverse(viewset.get_url_name("add"))


class PageLinksMixin:
    """Find the survey page in the URL and let in only users who may manage its links."""

    request: HttpRequest

    def setup(self, request: HttpRequest, *args: Any, **kwargs: Any) -> None:
        super().setup(request, *args, **kwargs)  # type: ignore[misc]
        self.page = get_object_or_404(Page, pk=kwargs["page_id"])
        if not page_takes_links(self.page):
            raise Http404

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        # A plain 403 rather than Wagtail's redirect to the dashboard, so that
        # downloads, scripts and the progress polling see the refusal too.
        if not user_can_manage_links(request.user, self.page):
            return TemplateResponse(request, PERMISSION_DENIED_TEMPLATE, status=403)
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]

    def get_index_url(self) -> str:
        return links_url("index", self.page.pk)

    @property
    def breadcrumbs_items(self) -> list[dict[str, Any]]:
        edit_url = reverse("wagtailadmin_pages:edit", args=[self.page.pk])
        return [
            *WagtailAdminTemplateMixin.breadcrumbs_items,
            {"url": edit_url, "label": self.page.get_admin_display_title()},
        ]


class LinksIndexView(PageLinksMixin, BaseListingView):
    """The generate form, then the page's batch history."""

    template_name = "wagtail_personal_links/admin/links/index.html"
    results_template_name = "wagtail_personal_links/admin/links/index_results.html"
    page_title = gettext_lazy("Personal links")
    header_icon = "link"
    paginate_by = 50
    index_results_url_name = f"{LINKS_NAMESPACE}:results"
    verbose_name_plural = gettext_lazy("link batches")

    @property
    def columns(self) -> list[Any]:
        return history_columns()

    def get_base_queryset(self) -> Any:
        return batch_history(self.page)

    def get_page_subtitle(self) -> str:
        return self.page.get_admin_display_title()

    def get_index_results_url(self) -> str:
        return reverse(self.index_results_url_name, args=[self.page.pk])

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        if not self.results_only:
            form = kwargs.get("form") or GenerateLinksForm(can_email=self.can_email())
            context.update(page=self.page, form=form, media=context["media"] + form.media)
            context["segment_add_url"] = segment_add_url(self.request.user)
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = GenerateLinksForm(request.POST, can_email=self.can_email())
        if form.is_valid():
            data = form.cleaned_data
            try:
                batch = generation.generate_batch(
                    self.page,
                    data["recipients"],
                    expires_at=data["expires_at"],
                    max_answers=data["max_answers"],
                    created_by=request.user,
                )
            except generation.GenerationError as exc:
                form.add_generation_error(exc)
            else:
                return self.generated(batch, email=data.get("email", False))
        self.object_list = self.get_queryset()
        return self.render_to_response(self.get_context_data(form=form))

    def can_email(self) -> bool:
        return user_can_email_links(self.request.user, self.page)

    def generated(self, batch: LinkBatch, *, email: bool = False) -> HttpResponse:
        """Log the new batch; send its CSV or the email form, or say how it is getting on."""
        if batch.status == LinkBatch.Status.FAILED:
            error = _("Generating the links failed: %(error)s") % {"error": batch.error}
            messages.error(self.request, error)
            return redirect(self.get_index_url())
        audit.log_batch_action(audit.GENERATE, batch, self.request.user, batch.total)
        if batch.status == LinkBatch.Status.COMPLETE:
            if email:
                return redirect(mail_url("invite", self.page.pk, batch.pk))
            return links_csv_response(batch)
        message = ngettext(
            "Generating %(count)s link in the background. Download it below once it is ready.",
            "Generating %(count)s links in the background. Download them below once they are "
            "ready.",
            batch.total,
        )
        messages.success(self.request, message % {"count": intcomma(batch.total)})
        return redirect(self.get_index_url())
