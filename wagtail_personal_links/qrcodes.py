"""QR codes of a batch's links, for paper invitations: a ZIP of SVGs or a printable sheet.

Both read the rows of :func:`~wagtail_personal_links.exports.link_rows` in
the short format, which every site verifies whatever its
``PERSONAL_LINKS_TOKEN_FORMAT``: a 47-character URL makes a small code
(version 4) that prints and scans well. segno draws the codes.
"""

from __future__ import annotations

import io
import tempfile
import zipfile
from collections.abc import Iterator
from typing import IO, Any

import segno
from django.template.loader import render_to_string
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.text import slugify

from .exports import link_rows
from .models import LinkBatch

__all__ = ["qr_sheet", "qr_svg", "qr_zip"]

#: ZIPs up to this size stay in memory; larger ones spill to a temporary file.
SPOOL_BYTES = 8 * 1024 * 1024
#: Where the sheet template puts the cards; streamed in between, never held whole.
CARDS_MARKER = "<!-- personal-links-qr-cards -->"


def qr_svg(url: str, *, title: str = "", scale: int = 4) -> bytes:
    """Return ``url`` as a standalone SVG QR code (error correction M)."""
    buffer = io.BytesIO()
    segno.make(url, error="m").save(
        buffer, kind="svg", scale=scale, xmldecl=False, nl=False, title=title or None
    )
    return buffer.getvalue()


def _links(batch: LinkBatch) -> Iterator[dict[str, Any]]:
    rows = link_rows(batch, token_format="short")
    next(rows)  # the header
    for contact_id, custom_id, first, last, email, url, _expires in rows:
        name = f"{first} {last}".strip() or email or custom_id or str(contact_id)
        yield {"contact_id": contact_id, "name": name, "email": email, "url": url}


def qr_zip(batch: LinkBatch) -> IO[bytes]:
    """Return a file, rewound, holding a ZIP with one ``<contact id>-<name>.svg`` per link."""
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 (returned)
    with zipfile.ZipFile(spool, "w", zipfile.ZIP_DEFLATED) as archive:
        for link in _links(batch):
            slug = slugify(link["name"]) or "contact"
            filename = f"{link['contact_id']}-{slug}.svg"
            archive.writestr(filename, qr_svg(link["url"], title=link["name"]))
    spool.seek(0)
    return spool


def qr_sheet(batch: LinkBatch, context: dict[str, Any]) -> Iterator[str]:
    """Yield a printable HTML page with a card per link: name, QR code and URL."""
    page = render_to_string(
        "wagtail_personal_links/admin/links/qr_sheet.html",
        {**context, "batch": batch, "cards_marker": mark_safe(CARDS_MARKER)},
    )
    head, tail = page.split(CARDS_MARKER, 1)
    yield head
    for link in _links(batch):
        svg = qr_svg(link["url"], scale=3).decode()
        yield format_html(
            '<figure class="card">{}<figcaption><strong>{}</strong><br>{}</figcaption></figure>\n',
            mark_safe(svg),  # segno's own markup
            link["name"],
            link["url"],
        )
    yield tail
