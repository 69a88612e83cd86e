"""The database goes away while respondents answer: a friendly 503, nothing stored, recovery.

The test's own connection is pointed at a database that cannot be reached (a
closed port on PostgreSQL, a file in a missing folder on SQLite), so every
query fails as it would while the server restarts; then it is pointed back.
"""

import pytest
from django.db import connection

from wagtail_personal_links.models import PersonalLinkFormSubmission


@pytest.fixture
def database_down():
    """Return a function that cuts the database off; it comes back at the end of the test."""
    saved = dict(connection.settings_dict)

    def cut() -> None:
        connection.close()
        if connection.vendor == "postgresql":
            connection.settings_dict["PORT"] = "1"
        else:
            connection.settings_dict["NAME"] = "/nonexistent-folder/db.sqlite3"

    def restore() -> None:
        connection.close()
        connection.settings_dict.update(saved)

    yield cut, restore
    restore()


@pytest.mark.django_db(transaction=True)
def test_an_answer_sent_while_the_database_is_down_gets_503_and_can_be_sent_again(
    client, personal_link, link_url, answers, database_down
):
    cut, restore = database_down
    client.get(link_url(personal_link))
    assert client.get("/customer-survey/").status_code == 200

    cut()
    response = client.post("/customer-survey/", answers)
    restore()

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "The survey is briefly unavailable." in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert PersonalLinkFormSubmission.objects.count() == 0

    again = client.post("/customer-survey/", answers)

    assert again.status_code == 200
    assert PersonalLinkFormSubmission.objects.get().personal_link == personal_link


@pytest.mark.django_db(transaction=True)
def test_opening_a_link_while_the_database_is_down_gets_503_then_works(
    client, personal_link, link_url, database_down
):
    cut, restore = database_down
    cut()
    response = client.get(link_url(personal_link))
    restore()

    assert response.status_code == 503
    assert response["Referrer-Policy"] == "no-referrer"
    assert client.get(link_url(personal_link)).status_code == 302
