import csv
import datetime
import io

import pytest
from django.utils import timezone

from wagtail_personal_links import tokens
from wagtail_personal_links.exports import (
    LINK_COLUMNS,
    csv_lines,
    escape_cell,
    link_rows,
    link_status,
)
from wagtail_personal_links.generation import create_batch
from wagtail_personal_links.models import Segment

UTC = datetime.UTC


@pytest.fixture
def demo_contacts(survey_page):
    return Segment.objects.get(name="Demo customers").get_contacts()


def read_csv(batch, **kwargs):
    text = "".join(csv_lines(link_rows(batch, **kwargs)))
    return list(csv.reader(io.StringIO(text)))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=SUM(A1:A2)", "'=SUM(A1:A2)"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@cmd", "'@cmd"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("plain", "plain"),
        ("'=already", "''=already"),
        ("'quoted", "'quoted"),
        ("a=b", "a=b"),
        (None, ""),
        (42, "42"),
    ],
)
def test_escape_cell_neutralises_formulas(value, expected):
    assert escape_cell(value) == expected


def test_csv_lines_are_rfc4180(survey_page):
    lines = list(csv_lines([["a", 'say "hi"', "x,y"]]))

    assert lines == ['a,"say ""hi""","x,y"\r\n']


def test_link_rows_have_the_documented_columns_and_contact_details(survey_page, contact):
    contact.first_name = "=HYPERLINK(1)"
    contact.save()
    expires_at = datetime.datetime(2099, 1, 2, tzinfo=UTC)
    batch = create_batch(survey_page, [contact], expires_at=expires_at)

    header, row = read_csv(batch)

    assert header == list(LINK_COLUMNS)
    assert row[:5] == [str(contact.pk), "ADA-1", "'=HYPERLINK(1)", "Lovelace", "ada@example.com"]
    assert row[5].startswith("http://127.0.0.1:8000/pl/")
    assert row[6] == "2099-01-02T00:00:00Z"
    verified = tokens.verify(row[5].rsplit("/", 1)[1])
    assert verified.public_id == batch.links.get().public_id
    assert verified.expires_at == expires_at


def test_links_are_at_most_160_characters(survey_page, contact):
    batch = create_batch(
        survey_page, [contact], expires_at=datetime.datetime(2099, 1, 2, tzinfo=UTC)
    )

    url = read_csv(batch, root_url="https://www.example.com")[1][5]

    assert len(url) <= 160


def test_downloading_again_gives_identical_urls(survey_page, demo_contacts):
    batch = create_batch(survey_page, demo_contacts)

    first, second = read_csv(batch), read_csv(batch)

    assert len(first) == 6
    assert first == second


def test_status_column_follows_each_link(survey_page, contact):
    batch = create_batch(survey_page, [contact])
    assert read_csv(batch, with_status=True)[1][-1] == "Not started"

    batch.links.update(opened_at=timezone.now())
    assert read_csv(batch, with_status=True)[1][-1] == "Survey Started"

    batch.links.update(submitted_at=timezone.now())
    batch.revoked_at = timezone.now()
    assert read_csv(batch, with_status=True)[1][-1] == "Survey Finished"


def test_status_reports_revoked_and_expired():
    now = datetime.datetime(2026, 11, 23, tzinfo=UTC)
    base = {"opened_at": None, "submitted_at": None, "revoked_at": None, "expires_at": None}

    assert link_status(**{**base, "revoked_at": now}, now=now) == "Revoked"
    assert link_status(**{**base, "expires_at": now}, now=now) == "Expired"
    assert link_status(**{**base, "expires_at": now + datetime.timedelta(seconds=1)}, now=now) == (
        "Not started"
    )


def test_non_responders_only_leaves_out_finished_contacts(survey_page, demo_contacts):
    batch = create_batch(survey_page, demo_contacts)
    finished = batch.links.order_by("pk").first()
    batch.links.filter(pk=finished.pk).update(submitted_at=timezone.now())

    rows = read_csv(batch, non_responders_only=True, with_status=True)

    assert len(rows) == 5
    assert str(finished.contact_id) not in [row[0] for row in rows[1:]]
    assert {row[-1] for row in rows[1:]} == {"Not started"}
