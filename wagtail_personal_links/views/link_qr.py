"""QR codes of a batch's links: a ZIP of SVGs, or a printable sheet with each person's name."""

from __future__ import annotations

from typing import Any

from django.http import FileResponse, HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils.http import content_disposition_header
from django.views import View

from .. import audit, qrcodes
from .link_batches import BatchMixin
from .links import batch_file_name

__all__ = ["QRCodeSheetView", "QRCodesZipView"]


class QRCodesMixin(BatchMixin):
    """Log the download of a batch's QR codes, like any download of its links."""

    def log_download(self, request: HttpRequest, kind: str) -> None:
        count = self.batch.links.count()
        audit.log_batch_action(audit.DOWNLOAD, self.batch, request.user, count, qr_codes=kind)

    def filename(self, extension: str) -> str:
        return batch_file_name(self.batch, extension, "-qr")


class QRCodesZipView(QRCodesMixin, View):
    """Download a ZIP with one SVG QR code per link of the batch."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        archive = qrcodes.qr_zip(self.batch)
        self.log_download(request, "zip")
        filename = self.filename("zip")
        return FileResponse(
            archive, as_attachment=True, filename=filename, content_type="application/zip"
        )


class QRCodeSheetView(QRCodesMixin, View):
    """Show a printable page of cards: each person's name, QR code and link."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.log_download(request, "sheet")
        response = StreamingHttpResponse(
            qrcodes.qr_sheet(self.batch, {"request": request}),
            content_type="text/html; charset=utf-8",
        )
        response["Content-Disposition"] = content_disposition_header(False, self.filename("html"))
        return response
