"""System checks for the plugin's configuration."""

from __future__ import annotations

from typing import Any

from django.core import checks

from .conf import DEFAULTS, personal_links_settings


@checks.register()
def check_settings(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """Report a PERSONAL_LINKS_* setting whose value is unusable."""
    errors = []
    for name in DEFAULTS:
        try:
            getattr(personal_links_settings, name)
        except Exception as exc:  # ImproperlyConfigured carries the reason
            errors.append(
                checks.Error(
                    str(exc),
                    hint="See the Settings section of the wagtail-personal-links README.",
                    id="wagtail_personal_links.E001",
                )
            )
    return errors
