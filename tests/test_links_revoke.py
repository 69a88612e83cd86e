"""Revoking a batch: asked first, once, irreversibly, and the respondents see it."""

import datetime
import re

from wagtail.models import PageLogEntry

UTC = datetime.UTC


# Revoke


def test_revoke_asks_first(admin_client, survey_page, batch, links_url):
    response = admin_client.get(links_url("revoke", survey_page, batch))

    assert response.status_code == 200
    assert "Revoke all 5 links of “Demo customers”?" in response.content.decode()
    assert "This cannot be undone." in response.content.decode()
    batch.refresh_from_db()
    assert batch.revoked_at is None


def test_revoke_stops_every_link_of_the_batch(
    admin_client, survey_page, batch, links_url, csv_rows
):
    response = admin_client.post(links_url("revoke", survey_page, batch))

    assert response.status_code == 302
    assert response["Location"] == links_url("index", survey_page)
    batch.refresh_from_db()
    assert batch.revoked_at is not None
    rows = csv_rows(admin_client.get(links_url("download", survey_page, batch)))
    assert {row[7] for row in rows[1:]} == {"Revoked"}
    history = admin_client.get(response["Location"]).content.decode()
    assert "have been revoked" in history
    assert "Revoked" in history


def test_revoke_is_irreversible_and_once(admin_client, survey_page, batch, links_url):
    admin_client.post(links_url("revoke", survey_page, batch))
    batch.refresh_from_db()
    revoked_at = batch.revoked_at

    response = admin_client.post(links_url("revoke", survey_page, batch), follow=True)

    batch.refresh_from_db()
    assert batch.revoked_at == revoked_at
    assert "were already revoked" in response.content.decode()
    assert PageLogEntry.objects.filter(action="wagtail_personal_links.revoke").count() == 1


def test_revoke_needs_the_csrf_token(client, superuser, survey_page, batch, links_url):
    client.handler.enforce_csrf_checks = True
    client.force_login(superuser)

    response = client.post(links_url("revoke", survey_page, batch))

    assert response.status_code == 403
    batch.refresh_from_db()
    assert batch.revoked_at is None


def test_revoke_form_posts_with_the_csrf_token(admin_client, survey_page, batch, links_url):
    html = admin_client.get(links_url("revoke", survey_page, batch)).content.decode()

    assert re.search(r'<form action="" method="POST">\s*<input type="hidden" name="csrf', html)


def test_after_a_revoke_the_respondent_gets_the_revoked_page(
    admin_client, client, survey_page, batch, links_url, csv_rows, respondent_path
):
    row = csv_rows(admin_client.get(links_url("download", survey_page, batch)))[1]
    admin_client.post(links_url("revoke", survey_page, batch))

    response = client.get(respondent_path(row), follow=True)

    assert response.status_code == 403
    assert "This link is no longer valid." in response.content.decode()
