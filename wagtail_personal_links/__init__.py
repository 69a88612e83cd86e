"""Invitation-only Wagtail surveys with signed, single-use personal links."""

__version__ = "0.1.0.dev0"
