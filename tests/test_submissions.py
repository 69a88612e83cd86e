"""One answer per contact, attributed, and shown beside the contact in Wagtail's listings."""

import csv
import io

import openpyxl
import pytest
from django.core import mail

from wagtail_personal_links.models import PersonalLink, PersonalLinkFormSubmission
from wagtail_personal_links.pages import AlreadyAnswered

CONTACT_HEADINGS = ["Contact ID", "Custom ID", "First Name", "Last Name", "Email"]


def test_the_whole_respondent_flow(client, personal_link, link_url, answers, contact):
    url = link_url(personal_link)  # 1. generated

    opened = client.get(url)  # 2.
    form = client.get(opened["Location"])  # 3.
    thanks = client.post("/customer-survey/", answers)  # 4.
    again = client.get(url, follow=True)  # 7.
    second_post = client.post("/customer-survey/", {**answers, "what_should_we_improve": "x"})

    assert (opened.status_code, opened["Location"]) == (302, "/customer-survey/")
    assert form.status_code == 200
    assert "How likely are you to recommend us" in form.text
    assert thanks.status_code == 200  # 5.
    assert "Your answer has been recorded." in thanks.text
    submission = PersonalLinkFormSubmission.objects.get()  # 6.
    assert submission.contact == contact
    assert submission.personal_link == personal_link
    assert again.status_code == 409
    assert "You have already answered this survey. Thank you!" in again.text
    assert second_post.status_code == 409  # 8.
    assert "<form" not in second_post.text
    assert PersonalLinkFormSubmission.objects.get().form_data["what_should_we_improve"] == (
        "More exports"
    )


def test_the_answer_keeps_a_snapshot_of_the_contact(client, personal_link, link_url, answers):
    client.get(link_url(personal_link))
    client.post("/customer-survey/", answers)

    submission = PersonalLinkFormSubmission.objects.get()
    personal_link.refresh_from_db()
    assert personal_link.submitted_at is not None
    assert personal_link.opened_at <= personal_link.submitted_at
    assert (
        submission.contact_external_id,
        submission.contact_email,
        submission.contact_first_name,
        submission.contact_last_name,
        submission.contact_attributes,
    ) == ("ADA-1", "ada@example.com", "Ada", "Lovelace", {"plan": "pro"})


def test_an_invalid_answer_does_not_use_the_link_up(client, personal_link, link_url):
    client.get(link_url(personal_link))

    response = client.post("/customer-survey/", {"what_should_we_improve": "Nothing"})

    assert response.status_code == 200
    assert "This field is required." in response.text
    personal_link.refresh_from_db()
    assert personal_link.submitted_at is None


def test_a_contact_answers_once_whichever_link_they_use(
    client, make_link, survey_page, contact, link_url, answers
):
    first, second = make_link(survey_page, contact), make_link(survey_page, contact)
    client.get(link_url(first))
    client.post("/customer-survey/", answers)

    opened = client.get(link_url(second), follow=True)
    posted = client.post("/customer-survey/", answers)

    assert opened.status_code == 409
    assert posted.status_code == 409
    assert PersonalLinkFormSubmission.objects.count() == 1
    second.refresh_from_db()
    assert second.submitted_at is None


def test_a_second_answer_that_slips_past_the_gate_is_refused_by_the_database(
    make_link, survey_page, contact
):
    first, second = make_link(survey_page, contact), make_link(survey_page, contact)
    PersonalLinkFormSubmission.objects.create(page=survey_page, form_data={}).attribute_to(first)
    form = survey_page.get_form({"how_likely_are_you_to_recommend_us_to_a_friend": "3"})
    form.is_valid()
    survey_page._personal_link = PersonalLink.objects.for_gate().get(pk=second.pk)

    with pytest.raises(AlreadyAnswered):
        survey_page.process_form_submission(form)

    second.refresh_from_db()
    assert second.submitted_at is None  # the transaction rolled back the consume
    assert PersonalLinkFormSubmission.objects.count() == 1


def test_the_notification_email_is_sent_once_the_answer_is_stored(
    client, survey_page, personal_link, link_url, answers, django_capture_on_commit_callbacks
):
    survey_page.to_address = "team@example.com"
    survey_page.save_revision().publish()
    client.get(link_url(personal_link))

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        client.post("/customer-survey/", answers)

    assert len(callbacks) == 1
    assert len(mail.outbox) == 1
    assert "What should we improve?: More exports" in mail.outbox[0].body


@pytest.fixture
def answered(client, personal_link, link_url, answers):
    client.get(link_url(personal_link))
    client.post("/customer-survey/", answers)
    return PersonalLinkFormSubmission.objects.get()


def test_the_submissions_listing_shows_the_contact_beside_the_answers(
    admin_client, survey_page, answered, contact
):
    response = admin_client.get(f"/admin/forms/submissions/{survey_page.pk}/")

    assert response.status_code == 200
    headings = [h["label"] for h in response.context["data_headings"]]
    assert headings[:6] == ["Submission date", *CONTACT_HEADINGS]
    row = response.context["data_rows"][0]["fields"]
    assert row[1:6] == [contact.pk, "ADA-1", "Ada", "Lovelace", "ada@example.com"]
    assert "More exports" in row


def test_the_csv_export_has_the_contact_columns(admin_client, survey_page, answered, contact):
    response = admin_client.get(f"/admin/forms/submissions/{survey_page.pk}/?export=csv")

    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:6] == ["Submission date", *CONTACT_HEADINGS]
    assert rows[1][1:6] == [str(contact.pk), "ADA-1", "Ada", "Lovelace", "ada@example.com"]


def test_the_xlsx_export_has_the_contact_columns(admin_client, survey_page, answered):
    response = admin_client.get(f"/admin/forms/submissions/{survey_page.pk}/?export=xlsx")

    content = b"".join(response.streaming_content)
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0][:6]) == ["Submission date", *CONTACT_HEADINGS]
    assert list(rows[1][2:6]) == ["ADA-1", "Ada", "Lovelace", "ada@example.com"]


def test_deleting_a_contact_deletes_its_links_and_keeps_its_answers(answered, contact):
    contact.delete()

    answered.refresh_from_db()
    assert not PersonalLink.objects.exists()
    assert answered.contact is None
    assert answered.personal_link is None
    assert answered.form_data["what_should_we_improve"] == "More exports"
    assert (answered.contact_email, answered.contact_external_id) == ("ada@example.com", "ADA-1")
    assert answered.get_data()["personal_link_contact_id"] is None
