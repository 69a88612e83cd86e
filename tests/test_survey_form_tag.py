"""``{% survey_form form %}``: a form rendered once and reused, never stale, never shared."""

import datetime

import pytest
from django import forms
from django.core import checks
from django.core.cache import cache
from django.test import Client
from django.utils import translation

from home.models import SurveyFormField
from wagtail_personal_links.models import Contact
from wagtail_personal_links.templatetags.personal_links_tags import form_cache_key, survey_form

FIELD_TEMPLATE = "django/forms/div.html"


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def form_html(html: str) -> str:
    """The part of a survey page between the CSRF field and the submit button."""
    start = html.index('name="csrfmiddlewaretoken"')
    return html[html.index(">", start) + 1 : html.index('<button type="submit">')]


def open_survey(link, link_url) -> tuple[Client, object]:
    """A new respondent opens ``link`` and lands on the form."""
    respondent = Client()
    return respondent, respondent.get(link_url(link), follow=True)


def test_the_second_respondent_gets_the_same_html_without_rendering_it(
    survey_page, contact, make_link, link_url
):
    bob = Contact.objects.create(email="bob@example.com", first_name="Bob")
    _client, before = open_survey(make_link(survey_page, contact), link_url)
    _client, after = open_survey(make_link(survey_page, bob), link_url)

    assert FIELD_TEMPLATE in [t.name for t in before.templates]
    assert FIELD_TEMPLATE not in [t.name for t in after.templates]
    assert form_html(after.text) == form_html(before.text)
    assert "How likely are you to recommend us to a friend?" in form_html(after.text)


def test_an_edited_question_shows_on_the_next_view(survey_page, personal_link, link_url):
    respondent, before = open_survey(personal_link, link_url)
    field = survey_page.form_fields.get(label="What should we improve?")
    field.label = "What would you change first?"
    field.save()
    survey_page.save_revision().publish()

    after = respondent.get("/customer-survey/")

    assert "What should we improve?" in before.text
    assert "What would you change first?" in after.text
    assert "What should we improve?" not in after.text


def test_a_new_choice_shows_on_the_next_view(survey_page, personal_link, link_url):
    respondent, _before = open_survey(personal_link, link_url)
    field = survey_page.form_fields.get(label="How satisfied are you with our support?")
    field.choices += "\nDelighted"
    field.save()

    after = respondent.get("/customer-survey/")

    assert 'value="Delighted"' in after.text


def test_prefilled_forms_show_each_respondent_their_own_values(
    survey_page, contact, make_link, link_url
):
    SurveyFormField.objects.create(page=survey_page, label="Email", field_type="email")
    survey_page.personal_links_prefill = True
    survey_page.save_revision().publish()
    other = Contact.objects.create(email="grace@example.com", first_name="Grace")

    _client, ada = open_survey(make_link(survey_page, contact), link_url)
    _client, grace = open_survey(make_link(survey_page, other), link_url)

    assert 'value="ada@example.com"' in ada.text
    assert 'value="grace@example.com"' in grace.text
    assert "ada@example.com" not in grace.text


def test_errors_show_beside_the_field_and_are_not_kept_for_the_next_respondent(
    survey_page, contact, make_link, link_url, answers
):
    respondent, _page = open_survey(make_link(survey_page, contact), link_url)
    incomplete = {**answers, "how_likely_are_you_to_recommend_us_to_a_friend": ""}

    invalid = respondent.post("/customer-survey/", incomplete)
    other = Contact.objects.create(email="bob@example.com", first_name="Bob")
    _client, fresh = open_survey(make_link(survey_page, other), link_url)

    assert "This field is required." in form_html(invalid.text)
    assert "More exports" in form_html(invalid.text)
    assert "This field is required." not in fresh.text
    assert "More exports" not in fresh.text


class PlainForm(forms.Form):
    name = forms.CharField(label="Name", help_text="As on your badge")
    seats = forms.ChoiceField(choices=[("1", "One"), ("2", "Two")])


def test_the_tag_renders_what_as_div_renders():
    assert str(survey_form(PlainForm())) == str(PlainForm().as_div())
    assert str(survey_form(PlainForm())) == str(PlainForm().as_div())  # from the cache


def test_the_key_follows_the_language_and_every_part_of_a_field():
    form, relabelled, styled = PlainForm(), PlainForm(), PlainForm()
    relabelled.fields["name"].label = "Full name"
    styled.fields["seats"].widget.attrs["class"] = "wide"
    with translation.override("fr"):
        french = form_cache_key(PlainForm())

    keys = {form_cache_key(form), form_cache_key(relabelled), form_cache_key(styled), french}

    assert None not in keys
    assert len(keys) == 4
    assert form_cache_key(PlainForm()) == form_cache_key(form)


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda form: form.fields["name"].__setattr__("initial", str), id="callable"),
        pytest.param(lambda form: form.initial.update(name="Ada"), id="initial values"),
        pytest.param(lambda form: form.fields["seats"].__setattr__("x", object()), id="object"),
    ],
)
def test_forms_it_cannot_describe_are_rendered_every_time(change):
    form = PlainForm()
    change(form)

    assert form_cache_key(form) is None
    assert str(survey_form(form)) == str(form.as_div())


def test_bound_forms_are_rendered_every_time():
    assert form_cache_key(PlainForm(data={"name": "Ada"})) is None


def test_dates_are_described_by_value():
    form, later = PlainForm(), PlainForm()
    form.fields["name"].initial = datetime.date(2026, 1, 1)
    later.fields["name"].initial = datetime.date(2026, 1, 2)

    assert form_cache_key(form) != form_cache_key(later)
    assert form_cache_key(form) is not None


class StyledForm(PlainForm):
    template_name_div = "custom/form.html"


class CustomContextForm(PlainForm):
    def get_context(self):
        return {**super().get_context(), "extra": "per class"}


def test_another_form_class_has_another_key():
    keys = {form_cache_key(PlainForm()), form_cache_key(StyledForm())}
    keys.add(form_cache_key(CustomContextForm()))

    assert len(keys) == 3


def test_without_a_form_cache_every_view_renders_the_form(
    settings, survey_page, contact, make_link, link_url
):
    settings.PERSONAL_LINKS_FORM_CACHE = None
    bob = Contact.objects.create(email="bob@example.com", first_name="Bob")

    _client, before = open_survey(make_link(survey_page, contact), link_url)
    _client, after = open_survey(make_link(survey_page, bob), link_url)

    assert FIELD_TEMPLATE in [t.name for t in before.templates]
    assert FIELD_TEMPLATE in [t.name for t in after.templates]
    assert form_html(after.text) == form_html(before.text)


def test_a_form_cache_that_is_not_in_caches_is_reported(settings):
    settings.PERSONAL_LINKS_FORM_CACHE = "forms"

    errors = [m for m in checks.run_checks() if m.id == "wagtail_personal_links.E001"]

    assert "PERSONAL_LINKS_FORM_CACHE must name one of CACHES, not 'forms'." in errors[0].msg
