"""Compose, preview, test-send and send invitations through the admin, with the locmem backend."""

import pytest
from bs4 import BeautifulSoup
from django.core import mail
from django.urls import reverse
from wagtail.models import PageLogEntry

from tests.mail_helpers import RefusingBackend
from wagtail_personal_links import generation
from wagtail_personal_links.models import (
    Contact,
    LinkBatch,
    Mailing,
    MessageTemplate,
    OutboxMessage,
)

pytestmark = pytest.mark.usefixtures("no_email_rate_limit")

NAMESPACE = "wagtail_personal_links_mail"
BODY = "Dear {first_name},\n\nYour link: {link}\nPlan: {plan}"


def mail_url(name, batch, mailing=None):
    args = [batch.page_id, batch.pk] + ([mailing.pk] if mailing else [])
    return reverse(f"{NAMESPACE}:{name}", args=args)


@pytest.fixture
def batch(survey_page, contact):
    return generation.create_batch(survey_page, Contact.objects.all(), target_label="Everyone")


@pytest.fixture
def editor_client(client, mail_editor):
    client.force_login(mail_editor)
    return client


def compose(client, batch, action, kind="invite", **data):
    fields = {"subject": "Hi {first_name}", "body": BODY, "from_email": "surveys@example.com"}
    return client.post(mail_url(kind, batch), {**fields, **data, "action": action})


@pytest.fixture
def send(django_capture_on_commit_callbacks):
    """POST the compose form's send action, running the sending task it enqueues."""

    def send(client, batch, kind="invite", **data):
        with django_capture_on_commit_callbacks(execute=True):
            return compose(client, batch, "send", kind, **data)

    return send


def test_compose_starts_from_the_default_invitation(editor_client, batch):
    response = editor_client.get(mail_url("invite", batch))

    assert response.status_code == 200
    form = response.context["form"]
    assert "{link}" in form["body"].value()
    assert form["from_email"].value() == "webmaster@localhost"
    assert "{plan}" in form.fields["body"].help_text


def test_the_reminder_page_loads_the_send_at_date_time_chooser(editor_client, batch):
    response = editor_client.get(mail_url("remind", batch))

    html = response.content.decode()
    assert 'initDateTimeChooser("id_send_after"' in html
    # The widget calls the chooser inline, so its script must be on the page.
    assert "wagtailadmin/js/date-time-chooser.js" in html


def test_an_unknown_placeholder_is_an_error_beside_the_field(editor_client, batch):
    response = compose(editor_client, batch, "send", body="Hello {frist_name}: {link}")

    assert response.status_code == 200
    errors = response.context["form"].errors["body"]
    assert errors == [
        "Unknown placeholder: {frist_name}. You can use {first_name}, {last_name}, {email}, "
        "{link}, {survey_title}, {country}, {plan}, {signup_date}."
    ]
    assert not Mailing.objects.exists()
    assert mail.outbox == []


def test_an_unclosed_brace_is_an_error(editor_client, batch):
    response = compose(editor_client, batch, "preview", subject="Hi {first_name")

    assert "A brace is not closed" in response.context["form"].errors["subject"][0]


def test_preview_renders_for_the_chosen_contact_with_their_data_escaped(
    editor_client, batch, contact
):
    contact.first_name = "<b>Ada</b>"
    contact.save()

    response = compose(editor_client, batch, "preview", preview_email=contact.email)

    preview = response.context["preview"]
    assert preview["message"].subject == "Hi <b>Ada</b>"
    assert "Dear &lt;b&gt;Ada&lt;/b&gt;," in preview["html"]
    assert "<b>Ada</b>" not in preview["html"]
    assert "Plan: pro" in preview["message"].body
    assert mail.outbox == []


def test_a_contact_outside_the_batch_cannot_be_previewed(editor_client, batch):
    response = compose(editor_client, batch, "preview", preview_email="nobody@example.com")

    assert response.context["form"].errors["preview_email"] == [
        "No contact of this batch has that email address."
    ]


def test_send_a_test_mails_the_editor_only(editor_client, batch, mail_editor):
    response = compose(editor_client, batch, "test")

    assert response.status_code == 200
    assert [m.to for m in mail.outbox] == [["mailer@example.com"]]
    assert mail.outbox[0].subject.startswith("[Test] Hi ")
    assert not Mailing.objects.exists()
    entry = PageLogEntry.objects.get(action="wagtail_personal_links.email_test")
    assert entry.data["count"] == 1


def test_send_mails_every_contact_and_shows_the_outcome(send, editor_client, batch, survey_page):
    response = send(editor_client, batch)

    mailing = Mailing.objects.get()
    assert response.status_code == 302
    assert response.url == mail_url("mailing", batch, mailing)
    assert len(mail.outbox) == batch.total == 6
    message = mail.outbox[0]
    assert message.from_email == "surveys@example.com"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.extra_headers["List-Unsubscribe"].startswith(
        "<http://127.0.0.1:8000/email/unsubscribe/"
    )
    assert message.alternatives[0][1] == "text/html"
    entry = PageLogEntry.objects.get(action="wagtail_personal_links.email_send")
    assert entry.data["count"] == 6
    assert entry.page_id == survey_page.pk

    page = editor_client.get(response.url)
    assert page.context["counts"]["sent"] == 6
    assert page.context["counts"]["finished"] is True


def test_opted_out_and_answered_contacts_are_skipped_and_the_row_says_why(
    send, editor_client, batch, contact
):
    contact.email_opt_out = True
    contact.save()
    answered = batch.links.exclude(contact=contact).first()
    answered.consume()

    send(editor_client, batch)

    mailing = Mailing.objects.get()
    assert len(mail.outbox) == 4
    skipped = dict(
        mailing.messages.filter(state="skipped").values_list("link__contact_id", "reason")
    )
    assert skipped == {
        contact.pk: OutboxMessage.Reason.OPTED_OUT,
        answered.contact_id: OutboxMessage.Reason.ANSWERED,
    }
    page = editor_client.get(mail_url("mailing", batch, mailing))
    assert b"Opted out" in page.content
    assert b"Already answered" in page.content


def test_a_message_can_be_saved_as_a_template_and_reused(send, editor_client, batch):
    send(editor_client, batch, save_as="Spring invitation")

    template = MessageTemplate.objects.get()
    assert (template.name, template.kind, template.body) == (
        "Spring invitation",
        "invitation",
        BODY,
    )
    response = editor_client.get(mail_url("invite", batch) + f"?template={template.pk}")
    assert response.context["form"]["body"].value() == BODY


def test_the_mailings_of_a_batch_are_listed_with_counts(send, editor_client, batch):
    send(editor_client, batch)

    response = editor_client.get(mail_url("mailings", batch))

    (mailing,) = response.context["mailings"]
    assert mailing.sent_count == 6


def test_the_generate_form_can_go_on_to_the_invitation(editor_client, survey_page, segment):
    index = reverse("wagtail_personal_links_links:index", args=[survey_page.pk])

    response = editor_client.post(
        index, {"target": "segment", "segment": segment.pk, "email": "on"}
    )

    batch = LinkBatch.objects.get()
    assert response.status_code == 302
    assert response.url == mail_url("invite", batch)


def test_the_email_option_is_offered_only_to_those_who_may_send(client, links_editor, survey_page):
    client.force_login(links_editor)

    response = client.get(reverse("wagtail_personal_links_links:index", args=[survey_page.pk]))

    assert "email" not in response.context["form"].fields
    assert submit_labels(response) == {"Generate & download links": True}


def submit_labels(response):
    """Map each label of the generate button to whether it is shown."""
    button = BeautifulSoup(response.content, "html.parser").select_one(
        "[data-personal-links-generate] button[type=submit]"
    )
    return {
        span.get_text(strip=True): not span.has_attr("hidden")
        for span in button("span", recursive=False)
    }


def test_the_generate_button_label_follows_the_email_box(editor_client, survey_page):
    index = reverse("wagtail_personal_links_links:index", args=[survey_page.pk])

    fresh = editor_client.get(index)
    # Re-rendered with an error, the box is still ticked: so is the label.
    ticked = editor_client.post(index, {"target": "segment", "email": "on"})

    assert submit_labels(fresh) == {
        "Generate & download links": True,
        "Generate links & write the email": False,
    }
    assert ticked.status_code == 200
    assert submit_labels(ticked) == {
        "Generate & download links": False,
        "Generate links & write the email": True,
    }
    rules = [
        span["data-w-rules"]
        for span in BeautifulSoup(fresh.content, "html.parser").select(
            "[data-personal-links-generate] button[type=submit] > span[data-w-rules-target=show]"
        )
    ]
    assert rules == ['{"email": []}', '{"email": ["on"]}']


def test_a_failure_is_shown_with_its_error_and_can_be_retried(
    send, editor_client, batch, contact, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.mail_helpers.RefusingBackend"
    monkeypatch.setattr(RefusingBackend, "refused", {contact.email})
    send(editor_client, batch)
    mailing = Mailing.objects.get()

    page = editor_client.get(mail_url("mailing", batch, mailing))
    status = editor_client.get(mail_url("mailing_status", batch, mailing)).json()

    assert b"550 Mailbox unavailable: ada@example.com" in page.content
    assert (status["sent"], status["failed"], status["finished"]) == (5, 1, True)
    monkeypatch.setattr(RefusingBackend, "refused", set())
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        retried = editor_client.post(mail_url("retry", batch, mailing))
    assert retried.status_code == 302
    assert [m.to for m in mail.outbox] == [[contact.email]]
    assert editor_client.get(mail_url("mailing_status", batch, mailing)).json()["sent"] == 6
