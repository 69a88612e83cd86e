"""Link state changes: each happens once, decided by the database."""

import datetime

import pytest
import time_machine

from wagtail_personal_links.models import LinkBatch, LinkStatus, PersonalLink

UTC = datetime.UTC
EXPIRY = datetime.datetime(2030, 1, 2, tzinfo=UTC)


def test_mark_opened_keeps_the_first_visit(personal_link):
    with time_machine.travel(datetime.datetime(2030, 1, 1, tzinfo=UTC), tick=False):
        first = personal_link.mark_opened()
    again = PersonalLink.objects.get(pk=personal_link.pk).mark_opened()

    personal_link.refresh_from_db()
    assert (first, again) == (True, False)
    assert personal_link.opened_at == datetime.datetime(2030, 1, 1, tzinfo=UTC)


def test_consume_succeeds_once(personal_link):
    stale_copy = PersonalLink.objects.get(pk=personal_link.pk)

    assert personal_link.consume() is True
    assert stale_copy.consume() is False
    assert personal_link.submitted_at is not None
    assert stale_copy.submitted_at is None


@pytest.mark.parametrize(
    "spoil",
    [
        pytest.param(lambda link: link.revoke(), id="link revoked"),
        pytest.param(lambda link: link.batch.revoke(), id="batch revoked"),
        pytest.param(
            lambda link: LinkBatch.objects.filter(pk=link.batch_id).update(
                status=LinkBatch.Status.GENERATING
            ),
            id="batch generating",
        ),
    ],
)
def test_consume_refuses_a_link_that_is_no_longer_usable(personal_link, spoil):
    spoil(personal_link)

    assert personal_link.consume() is False
    assert PersonalLink.objects.get(pk=personal_link.pk).submitted_at is None


def test_consume_refuses_an_expired_link_from_midnight_on(make_link, survey_page, contact):
    link = make_link(survey_page, contact, expires_at=EXPIRY)

    with time_machine.travel(EXPIRY, tick=False):
        assert link.consume() is False
    with time_machine.travel(EXPIRY - datetime.timedelta(seconds=1), tick=False):
        assert link.consume() is True


def test_revoking_happens_once(personal_link):
    assert personal_link.revoke() is True
    assert personal_link.batch.revoke() is True
    assert PersonalLink.objects.get(pk=personal_link.pk).revoke() is False
    assert LinkBatch.objects.get(pk=personal_link.batch_id).revoke() is False


def test_is_expired_at_the_boundary(make_link, survey_page, contact):
    link = make_link(survey_page, contact, expires_at=EXPIRY)

    assert link.is_expired(EXPIRY - datetime.timedelta(seconds=1)) is False
    assert link.is_expired(EXPIRY) is True


def test_status_puts_an_answer_before_every_other_state(make_link, survey_page, contact):
    link = make_link(survey_page, contact, expires_at=EXPIRY)
    link.revoke()
    link.submitted_at = EXPIRY

    assert link.get_status(EXPIRY) is LinkStatus.ANSWERED


def test_status_sees_an_answer_given_through_another_link(make_link, survey_page, contact):
    from wagtail_personal_links.models import PersonalLinkFormSubmission

    first, second = make_link(survey_page, contact), make_link(survey_page, contact)
    PersonalLinkFormSubmission.objects.create(page=survey_page, form_data={}).attribute_to(first)

    loaded = PersonalLink.objects.for_gate().get(pk=second.pk)

    assert loaded.get_status() is LinkStatus.ANSWERED
    assert PersonalLink.objects.for_gate(survey_page.pk).get(pk=second.pk).contact_has_answered


def test_usable_selects_only_links_that_can_take_an_answer(make_link, survey_page, contact):
    from wagtail_personal_links.models import Contact

    others = [Contact.objects.create(email=f"p{i}@example.com") for i in range(4)]
    usable = make_link(survey_page, contact, expires_at=EXPIRY)
    make_link(survey_page, others[0], submitted_at=EXPIRY)
    make_link(survey_page, others[1], revoked_at=EXPIRY)
    make_link(survey_page, others[2], expires_at=EXPIRY - datetime.timedelta(days=2))
    make_link(survey_page, others[3]).batch.revoke()

    selected = PersonalLink.objects.usable(EXPIRY - datetime.timedelta(days=1))

    assert list(selected) == [usable]
