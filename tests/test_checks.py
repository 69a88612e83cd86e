"""System checks: each misconfiguration is reported with its id and a hint."""

from __future__ import annotations

from django.conf import settings as django_settings
from django.core import checks
from django.test import override_settings

SESSIONS = "django.contrib.sessions.middleware.SessionMiddleware"
GATE = "wagtail_personal_links.middleware.PersonalLinkMiddleware"
COMMON = "django.middleware.common.CommonMiddleware"


def plugin_messages() -> dict[str, checks.CheckMessage]:
    return {
        message.id: message
        for message in checks.run_checks()
        if message.id.startswith("wagtail_personal_links.")
    }


def test_example_project_passes_every_check():
    assert plugin_messages() == {}


@override_settings(PERSONAL_LINKS_URL_PREFIX="a/b")
def test_bad_setting_is_reported():
    message = plugin_messages()["wagtail_personal_links.E001"]

    assert "PERSONAL_LINKS_URL_PREFIX" in message.msg


def test_missing_import_export_app_is_reported(monkeypatch):
    # Patched without override_settings, which would reload every app.
    apps = [app for app in django_settings.INSTALLED_APPS if app != "import_export"]
    monkeypatch.setattr(django_settings, "INSTALLED_APPS", apps)

    message = plugin_messages()["wagtail_personal_links.E002"]

    assert "'import_export'" in message.hint


@override_settings(MIDDLEWARE=[SESSIONS, COMMON])
def test_missing_middleware_is_reported_while_pages_use_the_gate():
    message = plugin_messages()["wagtail_personal_links.E003"]

    assert "home.SurveyPage" in message.msg
    assert message.hint == f"Add '{GATE}' to MIDDLEWARE, after '{SESSIONS}'."


@override_settings(MIDDLEWARE=[GATE, SESSIONS, COMMON])
def test_middleware_before_sessions_is_reported():
    message = plugin_messages()["wagtail_personal_links.E004"]

    assert message.hint == f"Move '{GATE}' below '{SESSIONS}'."


@override_settings(MIDDLEWARE=[SESSIONS, COMMON, GATE])
def test_middleware_after_sessions_passes():
    assert plugin_messages() == {}


@override_settings(PERSONAL_LINKS_DEFAULT_EXPIRY_DAYS=400)
def test_a_default_expiry_beyond_a_year_is_reported():
    message = plugin_messages()["wagtail_personal_links.E001"]

    assert "DEFAULT_EXPIRY_DAYS must be a number of days from 1 to 365" in message.msg
