"""Admin URLs of a survey page's personal links (namespace ``wagtail_personal_links_links``)."""

from django.urls import path

from .views import link_batches, link_qr, links

app_name = "wagtail_personal_links_links"

urlpatterns = [
    path("<int:page_id>/", links.LinksIndexView.as_view(), name="index"),
    path(
        "<int:page_id>/results/",
        links.LinksIndexView.as_view(results_only=True, http_method_names=["get"]),
        name="results",
    ),
    path(
        "<int:page_id>/batches/<int:batch_id>/download/",
        link_batches.DownloadLinksView.as_view(),
        name="download",
    ),
    path(
        "<int:page_id>/batches/<int:batch_id>/download/non-responders/",
        link_batches.DownloadLinksView.as_view(non_responders_only=True),
        name="download_non_responders",
    ),
    path(
        "<int:page_id>/batches/<int:batch_id>/revoke/",
        link_batches.RevokeBatchView.as_view(),
        name="revoke",
    ),
    path(
        "<int:page_id>/batches/<int:batch_id>/qr-codes.zip",
        link_qr.QRCodesZipView.as_view(),
        name="qr_zip",
    ),
    path(
        "<int:page_id>/batches/<int:batch_id>/qr-codes/",
        link_qr.QRCodeSheetView.as_view(),
        name="qr_sheet",
    ),
    path(
        "<int:page_id>/batches/<int:batch_id>/status/",
        link_batches.BatchStatusView.as_view(),
        name="status",
    ),
]
