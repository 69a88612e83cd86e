"""Dynamic segments over Wagtail's snippets API: rules written and checked as in the admin."""

from __future__ import annotations

import pytest

from tests.api.conftest import APIClient, token_for
from tests.conftest import make_editor
from tests.test_segment_rules_admin import SEGMENT_PERMISSIONS, plan_is
from wagtail_personal_links.models import Contact, ContactAttributeKey, Segment

pytestmark = pytest.mark.django_db

SEGMENTS = "/api/v3/snippets/wagtail_personal_links.Segment/"


@pytest.fixture
def segment_api(django_user_model):
    """A client whose token belongs to an editor with the segment permissions."""
    return APIClient(token_for(make_editor(django_user_model, "rules", SEGMENT_PERMISSIONS)))


@pytest.fixture
def customers(db):
    ContactAttributeKey.objects.create(key="plan", data_type="text")
    ContactAttributeKey.objects.create(key="seats", data_type="number")
    rows = [("pro", 5), ("pro", 50), ("basic", 5)]
    return Contact.objects.bulk_create(
        Contact(email=f"c{index}@example.com", attributes={"plan": plan, "seats": seats})
        for index, (plan, seats) in enumerate(rows)
    )


def test_create_a_dynamic_segment_with_rules_and_read_them_back(segment_api, customers):
    created = segment_api.post(
        SEGMENTS,
        {"name": "Pros", "kind": "dynamic", "rules": plan_is("pro")},
        content_type="application/json",
    )

    assert created.status_code == 201, created.content
    segment = Segment.objects.get(name="Pros")
    assert segment.kind == Segment.Kind.DYNAMIC
    assert set(segment.get_contacts()) == set(customers[:2])
    detail = segment_api.get(f"{SEGMENTS}{segment.pk}/").json()
    assert (detail["kind"], detail["rules"]) == ("dynamic", plan_is("pro"))


@pytest.mark.parametrize(
    ("rules", "message"),
    [
        ({"items": [{"filter": {"kind": "attribute", "key": "nope"}}]}, "Unknown field"),
        (plan_is(""), "Give a value to compare “plan” with."),
        (
            {"items": [{"filter": {"kind": "attribute", "key": "seats",
                                   "operator": "contains", "value": "x"}}]},
            "“contains” cannot be used with “seats”.",
        ),
        (
            {"items": [{"filter": {"kind": "segment", "operator": "in", "segment": 999}}]},
            "No segment has the id 999.",
        ),
        ("not a tree", "rules"),
    ],
)  # fmt: skip
def test_bad_rules_are_refused_with_the_message_and_nothing_is_saved(
    segment_api, customers, rules, message
):
    body = {"name": "Bad", "kind": "dynamic", "rules": rules}

    response = segment_api.post(SEGMENTS, body, content_type="application/json")

    assert response.status_code in (400, 422), response.content
    assert message in response.content.decode()
    assert not Segment.objects.filter(name="Bad").exists()


def test_changing_rules_to_refer_back_to_the_segment_is_refused(segment_api, customers):
    first = Segment.objects.create(name="First", kind="dynamic", rules=plan_is("pro"))
    second = Segment.objects.create(
        name="Second",
        kind="dynamic",
        rules={"items": [{"filter": {"kind": "segment", "operator": "in", "segment": first.pk}}]},
    )
    back = {"items": [{"filter": {"kind": "segment", "operator": "not_in", "segment": second.pk}}]}

    response = segment_api.patch(
        f"{SEGMENTS}{first.pk}/", {"rules": back}, content_type="application/json"
    )

    assert response.status_code in (400, 422), response.content
    assert "First → Second → First" in response.content.decode()
    first.refresh_from_db()
    assert first.rules == plan_is("pro")


def test_writing_rules_needs_the_segment_permissions(django_user_model, customers):
    viewer = make_editor(django_user_model, "viewer", ["view_segment"])
    api = APIClient(token_for(viewer))

    response = api.post(
        SEGMENTS,
        {"name": "Pros", "kind": "dynamic", "rules": plan_is("pro")},
        content_type="application/json",
    )

    assert response.status_code == 403
    assert not Segment.objects.exists()
