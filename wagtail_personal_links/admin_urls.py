"""The plugin's admin URLs, and the namespaces that views, panels and tests reverse them by."""

from __future__ import annotations

from typing import Any

from django.urls import URLPattern, URLResolver, include, path, reverse

__all__ = [
    "IMPORT_NAMESPACE",
    "LINKS_NAMESPACE",
    "MAIL_NAMESPACE",
    "RULES_NAMESPACE",
    "import_url",
    "links_url",
    "mail_url",
    "rules_url",
    "urlpatterns",
]

#: The personal links of a survey page: generate, history, download, revoke, progress.
LINKS_NAMESPACE = "wagtail_personal_links_links"
#: The contact import: upload and preview, confirm, cancel, invalid rows, summary.
IMPORT_NAMESPACE = "wagtail_personal_links_import"
#: The segment rule builder's live preview.
RULES_NAMESPACE = "wagtail_personal_links_rules"
#: A batch's emails: compose invitations and reminders, mailings, retry, cancel.
MAIL_NAMESPACE = "wagtail_personal_links_mail"


def links_url(name: str, *args: Any) -> str:
    """Return the URL of the personal links view ``name``, e.g. ``links_url("index", page.pk)``."""
    return reverse(f"{LINKS_NAMESPACE}:{name}", args=args)


def import_url(name: str, *args: Any) -> str:
    """Return the URL of the contact import view ``name``, e.g. ``import_url("upload")``."""
    return reverse(f"{IMPORT_NAMESPACE}:{name}", args=args)


def rules_url(name: str) -> str:
    """Return the URL of the segment rules view ``name``, e.g. ``rules_url("preview")``."""
    return reverse(f"{RULES_NAMESPACE}:{name}")


def mail_url(name: str, *args: Any) -> str:
    """Return the URL of the email view ``name``, e.g. ``mail_url("mailings", page.pk, pk)``."""
    return reverse(f"{MAIL_NAMESPACE}:{name}", args=args)


def urlpatterns() -> list[URLPattern | URLResolver]:
    """Return the admin URL patterns, for the ``register_admin_urls`` hook."""
    # Imported here: the views reverse their URLs through this module.
    from .views import (
        import_steps,
        imports,
        link_batches,
        link_qr,
        links,
        mail,
        mailings,
        segment_preview,
    )

    batch = "<int:page_id>/batches/<int:batch_id>"
    link_urls = [
        path("<int:page_id>/", links.LinksIndexView.as_view(), name="index"),
        path("<int:page_id>/results/",
             links.LinksIndexView.as_view(results_only=True, http_method_names=["get"]),
             name="results"),
        path(f"{batch}/download/", link_batches.DownloadLinksView.as_view(), name="download"),
        path(f"{batch}/download/non-responders/",
             link_batches.DownloadLinksView.as_view(non_responders_only=True),
             name="download_non_responders"),
        path(f"{batch}/revoke/", link_batches.RevokeBatchView.as_view(), name="revoke"),
        path(f"{batch}/status/", link_batches.BatchStatusView.as_view(), name="status"),
        path(f"{batch}/qr-codes.zip", link_qr.QRCodesZipView.as_view(), name="qr_zip"),
        path(f"{batch}/qr-codes/", link_qr.QRCodeSheetView.as_view(), name="qr_sheet"),
    ]  # fmt: skip
    import_urls = [
        path("", imports.UploadView.as_view(), name="upload"),
        path("confirm/", import_steps.ConfirmView.as_view(), name="confirm"),
        path("cancel/", import_steps.CancelView.as_view(), name="cancel"),
        path("invalid-rows/", import_steps.InvalidRowsView.as_view(), name="invalid_rows"),
        path("summary/<int:pk>/", imports.SummaryView.as_view(), name="summary"),
    ]
    rules_urls = [path("preview/", segment_preview.RulesPreviewView.as_view(), name="preview")]
    emails, mailing = f"{batch}/email", f"{batch}/email/<int:mailing_id>"
    mail_urls = [
        path(f"{emails}/", mailings.MailingsView.as_view(), name="mailings"),
        path(f"{emails}/invite/", mail.ComposeView.as_view(kind="invitation"), name="invite"),
        path(f"{emails}/remind/", mail.ComposeView.as_view(kind="reminder"), name="remind"),
        path(f"{mailing}/", mailings.MailingView.as_view(), name="mailing"),
        path(f"{mailing}/status/", mailings.MailingStatusView.as_view(), name="mailing_status"),
        path(f"{mailing}/retry/", mailings.RetryFailedView.as_view(), name="retry"),
        path(f"{mailing}/cancel/", mailings.CancelMailingView.as_view(), name="cancel"),
    ]
    return [
        path("personal-links/pages/", include((link_urls, LINKS_NAMESPACE))),
        path("personal-links/pages/", include((mail_urls, MAIL_NAMESPACE))),
        path("personal-links/import-contacts/", include((import_urls, IMPORT_NAMESPACE))),
        path("personal-links/segment-rules/", include((rules_urls, RULES_NAMESPACE))),
    ]
