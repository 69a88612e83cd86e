"""Admin URLs of a survey page's personal links (namespace ``wagtail_personal_links_links``)."""

from django.urls import path

from .views import links

app_name = "wagtail_personal_links_links"

urlpatterns = [
    path("<int:page_id>/", links.LinksIndexView.as_view(), name="index"),
    path(
        "<int:page_id>/results/",
        links.LinksIndexView.as_view(results_only=True),
        name="results",
    ),
    path(
        "<int:page_id>/batches/<int:batch_id>/download/",
        links.DownloadLinksView.as_view(),
        name="download",
    ),
    path(
        "<int:page_id>/batches/<int:batch_id>/download/non-responders/",
        links.DownloadLinksView.as_view(non_responders_only=True),
        name="download_non_responders",
    ),
    path(
        "<int:page_id>/batches/<int:batch_id>/revoke/",
        links.RevokeBatchView.as_view(),
        name="revoke",
    ),
    path(
        "<int:page_id>/batches/<int:batch_id>/status/",
        links.BatchStatusView.as_view(),
        name="status",
    ),
]
