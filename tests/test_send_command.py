"""``manage.py send_personal_links``: the message from a file, and a clear error without one."""

import io

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from wagtail_personal_links import generation
from wagtail_personal_links.models import Mailing

pytestmark = pytest.mark.django_db


@pytest.fixture
def batch(survey_page, contact):
    return generation.create_batch(survey_page, [contact], target_label="Ada")


def test_the_body_comes_from_the_file(batch, tmp_path):
    body = tmp_path / "invitation.txt"
    body.write_text("Dear {first_name}, please answer: {link}", encoding="utf-8")

    call_command("send_personal_links", batch=batch.pk, body_file=str(body), rate=0,
                 stdout=io.StringIO())  # fmt: skip

    (message,) = mail.outbox
    assert message.body.startswith("Dear Ada, please answer: http")


@pytest.mark.parametrize("content", [None, b"\xff\xfe not UTF-8 \x80"], ids=["missing", "binary"])
def test_an_unreadable_body_file_is_a_clear_error_and_sends_nothing(batch, tmp_path, content):
    body = tmp_path / "invitation.txt"
    if content is not None:
        body.write_bytes(content)

    with pytest.raises(CommandError, match=f"Cannot read “{body}”"):
        call_command("send_personal_links", batch=batch.pk, body_file=str(body), rate=0)

    assert not Mailing.objects.exists()
    assert mail.outbox == []
