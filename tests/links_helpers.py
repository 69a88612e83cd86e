"""Helpers shared by the tests of the personal links admin views."""

from __future__ import annotations

import csv
import io

from django.urls import reverse

NAMESPACE = "wagtail_personal_links_links"


def links_url(name: str, page, batch=None) -> str:
    """Return the URL of a personal links admin view."""
    args = [page.pk] if batch is None else [page.pk, batch.pk]
    return reverse(f"{NAMESPACE}:{name}", args=args)


def csv_rows(response) -> list[list[str]]:
    """Read a streamed CSV response into rows."""
    content = b"".join(response.streaming_content).decode("utf-8")
    return list(csv.reader(io.StringIO(content)))


def generate(client, page, **data):
    """POST the generate form of ``page``."""
    return client.post(links_url("index", page), {"target": "segment", **data})
