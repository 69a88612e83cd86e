"""Fields filled from the link's contact: prefilled when visible, set on the server when hidden."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from home.models import SurveyFormField
from wagtail_personal_links.models import PersonalLinkFormSubmission
from wagtail_personal_links.models.submissions import validate_attribute_columns


@pytest.fixture
def prefilled_page(survey_page):
    """The survey with an email field, a first name field and a hidden "plan" field, opted in."""
    for label, field_type in [
        ("Email", "email"),
        ("First name", "singleline"),
        ("Plan", "hidden"),
    ]:
        SurveyFormField.objects.create(page=survey_page, label=label, field_type=field_type)
    survey_page.personal_links_prefill = True
    survey_page.personal_links_attribute_columns = "plan, country"
    survey_page.save_revision().publish()
    return survey_page


def test_visible_fields_are_prefilled_and_hidden_ones_not_sent(
    client, prefilled_page, personal_link, link_url
):
    response = client.get(link_url(personal_link), follow=True)

    html = response.text
    assert 'name="email" value="ada@example.com"' in html
    assert 'name="first_name" value="Ada"' in html
    assert 'name="plan"' not in html
    assert 'value="pro"' not in html


def test_a_forged_hidden_value_is_ignored_and_a_changed_visible_one_kept(
    client, prefilled_page, personal_link, link_url, answers
):
    client.get(link_url(personal_link))

    response = client.post(
        "/customer-survey/",
        {**answers, "email": "ada@work.example", "first_name": "Ada", "plan": "enterprise"},
    )

    assert response.status_code == 200
    data = PersonalLinkFormSubmission.objects.get().form_data
    assert data["plan"] == "pro"
    assert data["email"] == "ada@work.example"


def test_without_a_link_hidden_fields_are_stored_empty(client, prefilled_page, answers):
    prefilled_page.personal_links_invitation_only = False
    prefilled_page.save_revision().publish()

    client.post(
        "/customer-survey/",
        {**answers, "email": "x@example.com", "first_name": "X", "plan": "enterprise"},
    )

    assert PersonalLinkFormSubmission.objects.get().form_data["plan"] == ""


def test_without_the_opt_in_nothing_is_filled(client, prefilled_page, personal_link, link_url):
    prefilled_page.personal_links_prefill = False
    prefilled_page.save_revision().publish()

    response = client.get(link_url(personal_link), follow=True)

    assert 'name="plan"' in response.text
    assert "ada@example.com" not in response.text


def test_the_panel_shows_which_field_takes_which_value(admin_client, prefilled_page, contact):
    response = admin_client.get(reverse("wagtailadmin_pages:edit", args=[prefilled_page.pk]))

    html = response.content.decode()
    assert "Fields filled from the contact" in html
    assert "the contact’s email" in html  # noqa: RUF001
    assert "the contact attribute “plan”" in html
    assert "Hidden, filled on the server" in html
    assert "Prefilled, can be changed" in html


def test_the_submissions_listing_shows_the_chosen_attribute_columns(
    admin_client, client, prefilled_page, personal_link, link_url, answers
):
    client.get(link_url(personal_link))
    client.post("/customer-survey/", {**answers, "email": "ada@example.com", "first_name": "A"})

    url = reverse("wagtailforms:list_submissions", args=[prefilled_page.pk])
    html = admin_client.get(url).content.decode()
    export = admin_client.get(url + "?export=csv")

    assert 'id="personal_link_attribute_plan"' in html
    assert 'id="personal_link_attribute_country"' in html
    header, row = b"".join(export.streaming_content).decode().splitlines()[:2]
    assert "plan,country" in header
    assert ",pro," in row


@pytest.mark.parametrize("value", ["Plan Tier", "plan,9lives", "plan;country"])
def test_attribute_columns_must_be_attribute_keys(value):
    with pytest.raises(ValidationError, match="is not an attribute key"):
        validate_attribute_columns(value)
