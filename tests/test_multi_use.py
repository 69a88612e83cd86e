"""Links that take several answers, set on the generate form and counted at the database."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from wagtail_personal_links.generation import create_batch
from wagtail_personal_links.models import LinkBatch, PersonalLinkFormSubmission

USED_UP = "This link has been used for all the answers it allows."


@pytest.fixture
def team_link(survey_page, contact):
    """The only link of a batch whose links take three answers."""
    return create_batch(survey_page, [contact], max_answers=3, target_label="Team").links.get()


def answer(path: str, answers: dict):
    """Open the link and answer in a fresh browser; return the POST's response."""
    client = Client()
    client.get(path)
    return client.post("/customer-survey/", answers)


@pytest.mark.parametrize(("posted", "expected"), [({"answers_per_link": "3"}, 3),
                                                  ({"unlimited_answers": "on"}, None),
                                                  ({}, 1)])  # fmt: skip
def test_the_generate_form_sets_the_answers_per_link(
    admin_client, generate, survey_page, demo_segment, posted, expected
):
    response = generate(admin_client, survey_page, segment=demo_segment.pk, **posted)

    assert response.status_code == 200
    batch = LinkBatch.objects.get()
    assert batch.max_answers == expected
    assert set(batch.links.values_list("max_answers", flat=True)) == {expected}


def test_answers_per_link_must_be_at_least_one(admin_client, generate, survey_page, demo_segment):
    response = generate(admin_client, survey_page, segment=demo_segment.pk, answers_per_link="0")

    assert response.status_code == 200
    assert "answers_per_link" in response.context["form"].errors
    assert not LinkBatch.objects.exists()


def test_a_three_answer_link_takes_three_answers_then_says_it_is_used_up(
    team_link, link_url, answers, contact
):
    statuses = [answer(link_url(team_link), answers).status_code for _ in range(4)]

    last = answer(link_url(team_link), answers)
    assert statuses == [200, 200, 200, 409]
    assert last.status_code == 409
    assert USED_UP in last.text
    assert PersonalLinkFormSubmission.objects.filter(contact=contact, multi_use=True).count() == 3
    team_link.refresh_from_db()
    assert team_link.answer_count == 3
    assert team_link.get_status() == "answered"


def test_a_team_link_does_not_stop_the_contacts_own_link(
    survey_page, team_link, make_link, contact, link_url, answers
):
    answer(link_url(team_link), answers)
    own = make_link(survey_page, contact)

    response = answer(link_url(own), answers)

    assert response.status_code == 200
    assert PersonalLinkFormSubmission.objects.filter(multi_use=False).count() == 1


def test_an_unlimited_link_keeps_taking_answers(survey_page, contact, link_url, answers):
    link = create_batch(survey_page, [contact], max_answers=None).links.get()

    statuses = {answer(link_url(link), answers).status_code for _ in range(5)}

    assert statuses == {200}
    link.refresh_from_db()
    assert link.answer_count == 5
    assert link.get_status() == "started"


def test_downloads_and_history_count_answers_against_what_is_allowed(
    admin_client, links_url, csv_rows, team_link, link_url, answers
):
    for _ in range(2):
        answer(link_url(team_link), answers)
    batch = team_link.batch

    rows = csv_rows(admin_client.get(links_url("download", batch.page, batch)))
    history = admin_client.get(links_url("index", batch.page)).text

    assert rows[0][-2:] == ["Status", "Answers"]
    assert rows[1][-2:] == ["Survey Started", "2 of 3"]
    assert "2 (up to 3 per link)" in history


@pytest.mark.parametrize(("given", "expected"), [("3", 3), ("unlimited", None)])
def test_the_command_takes_answers_per_link(survey_page, contact, given, expected):
    call_command(
        "generate_personal_links", "--page", "/customer-survey/", "--contact", contact.email,
        "--answers-per-link", given, stdout=io.StringIO(), stderr=io.StringIO(),
    )  # fmt: skip

    assert LinkBatch.objects.get().max_answers == expected


def test_the_command_refuses_zero_answers_per_link(survey_page, contact):
    with pytest.raises(CommandError, match="positive number or 'unlimited'"):
        call_command(
            "generate_personal_links", "--page", "/customer-survey/", "--contact", contact.email,
            "--answers-per-link", "0", stdout=io.StringIO(), stderr=io.StringIO(),
        )  # fmt: skip
    assert not LinkBatch.objects.exists()
