"""System checks for the plugin's configuration."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.sessions.middleware import SessionMiddleware
from django.core import checks
from django.utils.module_loading import import_string

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


MIDDLEWARE_PATH = "wagtail_personal_links.middleware.PersonalLinkMiddleware"


@checks.register()
def check_middleware(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """Report invitation-only pages that no middleware lets anyone into."""
    from wagtail.models import get_page_models

    from .middleware import PersonalLinkMiddleware
    from .pages import PersonalLinksFormMixin

    if not any(issubclass(model, PersonalLinksFormMixin) for model in get_page_models()):
        return []
    classes = [_import_or_none(path) for path in settings.MIDDLEWARE]
    ours = _first_index(classes, PersonalLinkMiddleware)
    if ours is None:
        return [
            checks.Error(
                "A page model uses PersonalLinksFormMixin, but PersonalLinkMiddleware is "
                "not in MIDDLEWARE: personal links would not open.",
                hint=f"Add '{MIDDLEWARE_PATH}' to MIDDLEWARE, after SessionMiddleware.",
                id="wagtail_personal_links.E002",
            )
        ]
    session = _first_index(classes, SessionMiddleware)
    if session is None or session > ours:
        return [
            checks.Error(
                "PersonalLinkMiddleware needs the session, but it is placed before "
                "SessionMiddleware in MIDDLEWARE (or SessionMiddleware is missing).",
                hint=f"Move '{MIDDLEWARE_PATH}' after "
                "'django.contrib.sessions.middleware.SessionMiddleware'.",
                id="wagtail_personal_links.E003",
            )
        ]
    return []


def _import_or_none(path: str) -> type | None:
    try:
        return import_string(path)
    except ImportError:
        return None  # Django reports a broken MIDDLEWARE entry itself.


def _first_index(classes: list[type | None], wanted: type) -> int | None:
    return next(
        (i for i, cls in enumerate(classes) if isinstance(cls, type) and issubclass(cls, wanted)),
        None,
    )
