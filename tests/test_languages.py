"""Respondents read the gate pages and the survey in their language: German, French, Spanish."""

import datetime
import re
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import translation
from wagtail.models import Locale

import wagtail_personal_links

UTC = datetime.UTC
PACKAGE = Path(wagtail_personal_links.__file__).parent
LANGUAGES = ["de", "fr", "es"]

# What each gate page says, in each shipped language.
EXPECTED = {
    "de": {
        "invitation_only": "An dieser Umfrage kann nur auf Einladung teilgenommen werden.",
        "invalid": "Dieser Link ist ungültig.",
        "expired": "Dieser Link ist abgelaufen.",
        "revoked": "Dieser Link ist nicht mehr gültig.",
        "answered": "Sie haben diese Umfrage bereits beantwortet. Vielen Dank!",
        "submit": "Absenden",
    },
    "fr": {
        "invitation_only": "Ce questionnaire n’est accessible que sur invitation.",  # noqa: RUF001
        "invalid": "Ce lien n’est pas valide.",  # noqa: RUF001
        "expired": "Ce lien a expiré.",
        "revoked": "Ce lien n’est plus valide.",  # noqa: RUF001
        "answered": "Vous avez déjà répondu à ce questionnaire. Merci !",
        "submit": "Envoyer",
    },
    "es": {
        "invitation_only": "Esta encuesta solo se puede responder con invitación.",
        "invalid": "Este enlace no es válido.",
        "expired": "Este enlace ha caducado.",
        "revoked": "Este enlace ya no es válido.",
        "answered": "Ya ha respondido a esta encuesta. ¡Gracias!",
        "submit": "Enviar",
    },
}


def msgids(po_file: Path) -> set[str]:
    """Read the msgids of a .po file (singular ones, joined across lines), less the header."""
    text = po_file.read_text(encoding="utf-8")
    found = re.findall(r'^msgid ((?:".*"\n)+)', text, flags=re.MULTILINE)
    return {"".join(re.findall(r'"(.*)"', block)) for block in found} - {""}


def extract(tmp_path: Path, source: Path) -> set[str]:
    """Run makemessages over a copy of the folder ``source``; return the msgids it finds."""
    copy = tmp_path / source.name
    shutil.copytree(source, copy, ignore=shutil.ignore_patterns("locale", "__pycache__"))
    (copy / "locale").mkdir()
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(copy)
        call_command("makemessages", locale=["de"], no_location=True, verbosity=0)
    return msgids(copy / "locale/de/LC_MESSAGES/django.po")


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_gate_page_speaks_the_browsers_language(
    client, make_link, survey_page, contact, link_url, answers, language
):
    say = EXPECTED[language]
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = f"{language},en;q=0.5"
    expired = make_link(survey_page, contact, expires_at=datetime.datetime(2020, 1, 2, tzinfo=UTC))
    revoked = make_link(survey_page, contact)
    revoked.revoke()
    usable = make_link(survey_page, contact)

    pages = {
        "invitation_only": client.get("/customer-survey/"),
        "invalid": client.get("/pl/not-a-link"),
        "expired": client.get(link_url(expired), follow=True),
        "revoked": client.get(link_url(revoked), follow=True),
    }
    form = client.get(link_url(usable), follow=True)
    thanks = client.post("/customer-survey/", answers)
    pages["answered"] = client.get("/customer-survey/")

    for state, response in pages.items():
        assert say[state] in response.text, state
        assert response["Content-Language"] == language
        assert "Accept-Language" in response["Vary"]
    assert f'<html lang="{language}">' in pages["answered"].text
    assert say["submit"] in form.text
    assert thanks["Content-Language"] == language  # the editor's own thank-you text


def test_without_a_known_language_the_site_default_is_used(client, survey_page):
    response = client.get("/customer-survey/", HTTP_ACCEPT_LANGUAGE="xx")

    assert "This survey can only be taken by invitation." in response.text
    assert response["Content-Language"] in ("en", "en-us")


@override_settings(
    WAGTAIL_I18N_ENABLED=True,
    WAGTAIL_CONTENT_LANGUAGES=[("en-us", "English"), ("de", "German")],
    LANGUAGES=[("en-us", "English"), ("de", "German"), ("fr", "French")],
)
def test_with_wagtail_i18n_the_pages_locale_decides(client, survey_page):
    german = Locale.objects.create(language_code="de")
    type(survey_page).objects.filter(pk=survey_page.pk).update(locale=german)

    response = client.get("/customer-survey/", HTTP_ACCEPT_LANGUAGE="fr")

    assert EXPECTED["de"]["invitation_only"] in response.text
    assert response["Content-Language"] == "de"
    assert "Accept-Language" not in response.get("Vary", "")


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_respondent_facing_string_is_translated(tmp_path, language):
    respondent_strings = extract(tmp_path, PACKAGE / "templates/wagtail_personal_links/gate")

    with translation.override(language):
        untranslated = [s for s in respondent_strings if translation.gettext(s) == s]
    assert len(respondent_strings) >= 15
    assert untranslated == []


def test_the_shipped_catalogues_hold_every_string_makemessages_finds(tmp_path):
    found = extract(tmp_path, PACKAGE)

    assert "This link is not valid." in found
    for language in LANGUAGES:
        missing = found - msgids(PACKAGE / f"locale/{language}/LC_MESSAGES/django.po")
        assert missing == set(), language
