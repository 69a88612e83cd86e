"""The personal links router, added to Wagtail's API v3 under ``/personal-links/``."""

from __future__ import annotations

from ninja import Router

from . import batches, contact_links, contacts
from .auth import AUTH

__all__ = ["router"]

router = Router(auth=AUTH)
router.add_router("/", contact_links.router)
router.add_router("/", batches.router)
router.add_router("/", contacts.router)
