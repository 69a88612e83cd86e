"""System checks for the plugin's configuration, each with a hint to fix it."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.sessions.middleware import SessionMiddleware
from django.core import checks
from django.urls import NoReverseMatch, reverse
from django.utils.module_loading import import_string
from wagtail.models import get_page_models

from .conf import DEFAULTS, personal_links_settings

__all__ = [
    "check_import_export_installed",
    "check_middleware",
    "check_settings",
    "check_unsubscribe_url",
    "invitation_only_page_models",
]


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
SESSION_MIDDLEWARE_PATH = "django.contrib.sessions.middleware.SessionMiddleware"


@checks.register()
def check_import_export_installed(
    app_configs: Any = None, **kwargs: Any
) -> list[checks.CheckMessage]:
    """Report that django-import-export, which contact import and export use, is not installed."""
    # Read the setting rather than the app registry, so that the check also
    # runs (and can be tested) without reloading every app.
    if any(app.partition(".")[0] == "import_export" for app in settings.INSTALLED_APPS):
        return []
    return [
        checks.Error(
            "wagtail_personal_links needs django-import-export's app, 'import_export'.",
            hint="Add 'import_export' to INSTALLED_APPS; importing and exporting contacts use "
            "its forms and templates.",
            id="wagtail_personal_links.E002",
        )
    ]


def invitation_only_page_models() -> list[type]:
    """Return the page models that use the invitation-only gate of PersonalLinksFormMixin."""
    from .pages import PersonalLinksFormMixin

    return [model for model in get_page_models() if issubclass(model, PersonalLinksFormMixin)]


@checks.register()
def check_middleware(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """Report a missing or misplaced PersonalLinkMiddleware while pages rely on it."""
    from .middleware import PersonalLinkMiddleware

    pages = invitation_only_page_models()
    if not pages:
        return []
    names = ", ".join(sorted(model._meta.label for model in pages))
    classes = [_import_or_none(path) for path in settings.MIDDLEWARE]
    ours = _first_index(classes, PersonalLinkMiddleware)
    if ours is None:
        return [
            checks.Error(
                f"{names} use invitation-only personal links, but {MIDDLEWARE_PATH} is not "
                "in MIDDLEWARE, so no link can be opened.",
                hint=f"Add '{MIDDLEWARE_PATH}' to MIDDLEWARE, after '{SESSION_MIDDLEWARE_PATH}'.",
                id="wagtail_personal_links.E003",
            )
        ]
    session = _first_index(classes, SessionMiddleware)
    if session is None or session > ours:
        return [
            checks.Error(
                f"{MIDDLEWARE_PATH} must come after {SESSION_MIDDLEWARE_PATH} in MIDDLEWARE: "
                "it keeps the opened link in the session.",
                hint=f"Move '{MIDDLEWARE_PATH}' below '{SESSION_MIDDLEWARE_PATH}'.",
                id="wagtail_personal_links.E004",
            )
        ]
    return []


@checks.register(checks.Tags.urls)
def check_unsubscribe_url(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """Warn when the unsubscribe page, which every email links to, has no URL."""
    try:
        reverse("wagtail_personal_links_public:unsubscribe", args=["token"])
    except NoReverseMatch:
        return [
            checks.Warning(
                "The unsubscribe page of wagtail_personal_links is not in the URLconf, so "
                "personal links cannot be sent by email.",
                hint='Add path("email/", include("wagtail_personal_links.urls")) to your '
                "urlpatterns, before Wagtail's.",
                id="wagtail_personal_links.W001",
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
