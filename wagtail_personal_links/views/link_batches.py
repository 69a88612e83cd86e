"""Actions on one batch of a survey page: download it again, revoke it, report its progress."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView
from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from .. import audit
from ..models import LinkBatch
from .link_history import batch_progress, batch_url
from .links import PageLinksMixin, links_csv_response

__all__ = ["BatchMixin", "BatchStatusView", "DownloadLinksView", "RevokeBatchView"]


class BatchMixin(PageLinksMixin):
    """Also find one of the page's batches; ``complete_only`` refuses the others."""

    complete_only = True

    def setup(self, request: HttpRequest, *args: Any, **kwargs: Any) -> None:
        super().setup(request, *args, **kwargs)
        batches = LinkBatch.objects.select_related("page")
        self.batch = get_object_or_404(batches, pk=kwargs["batch_id"], page=self.page)
        if self.complete_only and self.batch.status != LinkBatch.Status.COMPLETE:
            raise Http404(_("The links of this batch are not ready."))


class DownloadLinksView(BatchMixin, View):
    """Download a batch again: the same URLs, with each link's status."""

    non_responders_only = False

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        links = self.batch.links.all()
        if self.non_responders_only:
            links = links.non_responders()
        audit.log_batch_action(
            audit.DOWNLOAD,
            self.batch,
            request.user,
            links.count(),
            non_responders=self.non_responders_only,
        )
        return links_csv_response(
            self.batch, with_status=True, non_responders_only=self.non_responders_only
        )


class RevokeBatchView(BatchMixin, WagtailAdminTemplateMixin, TemplateView):
    """Ask for confirmation, then revoke every link of a batch, irreversibly."""

    template_name = "wagtail_personal_links/admin/links/revoke.html"
    page_title = gettext_lazy("Revoke links")
    header_icon = "link"
    http_method_names = ["get", "post"]

    def get_page_subtitle(self) -> str:
        return self.batch.target_label

    def get_breadcrumbs_items(self) -> list[dict[str, Any]]:
        return [
            *self.breadcrumbs_items,
            {"url": self.get_index_url(), "label": _("Personal links")},
            {"url": "", "label": self.get_page_title(), "sublabel": self.get_page_subtitle()},
        ]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        count = self.batch.links.count()
        return super().get_context_data(
            batch=self.batch, link_count=count, index_url=self.get_index_url(), **kwargs
        )

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if self.batch.revoke():
            count = self.batch.links.count()
            audit.log_batch_action(audit.REVOKE, self.batch, request.user, count)
            messages.success(
                request,
                _("The links of “%(batch)s” have been revoked.")
                % {"batch": self.batch.target_label},
            )
        else:
            messages.warning(
                request,
                _("The links of “%(batch)s” were already revoked.")
                % {"batch": self.batch.target_label},
            )
        return redirect(self.get_index_url())


class BatchStatusView(BatchMixin, View):
    """Report a batch's progress as JSON, for the history's progress bars."""

    complete_only = False

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
        batch = self.batch
        links = batch.links.count()
        state = batch.get_state()
        complete = batch.status == LinkBatch.Status.COMPLETE
        percent = 100 if complete else batch_progress(links, batch.total)
        data = {
            "state": state.value,
            "label": str(state.label),
            "links": links,
            "total": batch.total,
            "percent": percent,
            "progress_label": _("Generating %(percent)d%%") % {"percent": percent},
            "error": batch.error,
        }
        if complete:
            data["download_url"] = batch_url("download", batch)
        return JsonResponse(data)
