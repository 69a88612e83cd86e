import csv
import datetime
import io
import subprocess
import sys

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.test import override_settings

from wagtail_personal_links.exports import LINK_COLUMNS
from wagtail_personal_links.models import LinkBatch, Segment


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("generate_personal_links", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_segment_links_go_to_stdout_as_csv(survey_page):
    out, err = run("--page", "/customer-survey/", "--segment", "Demo customers")

    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == list(LINK_COLUMNS)
    assert len(rows) == 6
    batch = LinkBatch.objects.get()
    assert batch.source == LinkBatch.Source.COMMAND
    assert batch.target_label == "Demo customers"
    assert batch.segment == Segment.objects.get(name="Demo customers")
    assert "Generated 5 links" in err


def test_one_contact_by_email_into_a_file(survey_page, contact, tmp_path):
    output = tmp_path / "links.csv"

    _, err = run(
        "--page", str(survey_page.pk), "--contact", "ADA@example.com", "--output", str(output)
    )

    content = output.read_bytes()
    assert content.count(b"\r\n") == 2
    rows = list(csv.reader(io.StringIO(content.decode("utf-8"))))
    assert rows[1][4] == "ada@example.com"
    batch = LinkBatch.objects.get()
    assert err == f"Generated 1 link in batch {batch.pk} for “{survey_page}”.\n"


def test_expires_gives_midnight_utc_after_the_date(survey_page, contact):
    out, _ = run("--page", "/customer-survey/", "--contact", "ada@example.com",
                 "--expires", "2099-03-31")  # fmt: skip

    row = list(csv.reader(io.StringIO(out)))[1]
    assert row[6] == "2099-04-01T00:00:00Z"
    assert LinkBatch.objects.get().expires_at == datetime.datetime(2099, 4, 1, tzinfo=datetime.UTC)


@pytest.mark.parametrize("args", [[], ["--expiration-days", "30"]], ids=["default", "days"])
@override_settings(PERSONAL_LINKS_DEFAULT_EXPIRY_DAYS=30)
def test_days_mean_valid_through_that_day_as_in_the_admin_form(survey_page, contact, args):
    # The admin form offers 2026-01-31 then (test_expiry_defaults_to_the_setting).
    with time_machine.travel(datetime.datetime(2026, 1, 1, 12, tzinfo=datetime.UTC), tick=False):
        out, _ = run("--page", "/customer-survey/", "--contact", "ada@example.com", *args)

    assert list(csv.reader(io.StringIO(out)))[1][6] == "2026-02-01T00:00:00Z"
    assert LinkBatch.objects.get().expires_at == datetime.datetime(2026, 2, 1, tzinfo=datetime.UTC)


def test_sample_of_a_segment(survey_page):
    out, _ = run("--page", "/customer-survey/", "--segment", "Demo customers", "--sample", "2")

    assert len(list(csv.reader(io.StringIO(out)))) == 3
    assert LinkBatch.objects.get().target_label == "Sample of 2 from Demo customers"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--page", "/nowhere/", "--segment", "Demo customers"], "No page found for “/nowhere/”"),
        (["--page", "/", "--segment", "Demo customers"], "not a survey page"),
        (["--page", "/customer-survey/", "--segment", "Nobody"], "has no contacts"),
        (["--page", "/customer-survey/", "--segment", "Unknown"], "No segment named"),
        (["--page", "/customer-survey/", "--contact", "x@y.z"], "No contact with the email"),
        (["--page", "/customer-survey/", "--segment", "Nobody", "--expires", "2001-01-01"],
         "from tomorrow onward"),
        (["--page", "/customer-survey/", "--segment", "Nobody", "--expires", "31/12/2099"],
         "is not a date in the form YYYY-MM-DD"),
        (["--page", "/customer-survey/", "--segment", "Nobody", "--expiration-days", "400"],
         "between 1 and 365"),
        (["--page", "/customer-survey/", "--contact", "x@y.z", "--sample", "3"],
         "cannot be used with --contact"),
    ],
)  # fmt: skip
def test_bad_arguments_give_a_clear_message_and_create_nothing(survey_page, args, message):
    Segment.objects.create(name="Nobody")

    with pytest.raises(CommandError, match=message):
        run(*args)

    assert not LinkBatch.objects.exists()


def test_bad_arguments_exit_with_status_1():
    result = subprocess.run(
        [sys.executable, "example_project/manage.py", "generate_personal_links",
         "--page", "/survey/", "--segment", "x", "--expires", "tomorrow"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip

    assert result.returncode == 1
    assert (
        result.stderr.strip() == "CommandError: “tomorrow” is not a date in the form YYYY-MM-DD."
    )


def test_unwritable_output_creates_no_batch(survey_page, tmp_path):
    with pytest.raises(CommandError, match="Cannot write"):
        run("--page", "/customer-survey/", "--segment", "Demo customers",
            "--output", str(tmp_path / "missing" / "links.csv"))  # fmt: skip

    assert not LinkBatch.objects.exists()
