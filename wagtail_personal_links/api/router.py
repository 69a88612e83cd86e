"""The personal links router, added to Wagtail's API v3 under ``/personal-links/``."""

from __future__ import annotations

from ninja import Router

from ..ratelimits import APIRateThrottle
from . import batches, contact_links, contacts
from .auth import AUTH

__all__ = ["router"]

# The throttle counts requests per API token; it lets everything through
# until PERSONAL_LINKS_API_RATE is set.
router = Router(auth=AUTH, throttle=[APIRateThrottle()])
router.add_router("/", contact_links.router)
router.add_router("/", batches.router)
router.add_router("/", contacts.router)
