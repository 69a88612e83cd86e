"""The Segments admin, its member count and members editing, and the Contacts bulk actions."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.conftest import make_editor
from wagtail_personal_links.models import Contact, Segment

PERMISSIONS = [
    *(f"{action}_contact" for action in ("add", "change", "delete", "view")),
    *(f"{action}_segment" for action in ("add", "change", "delete", "view")),
]


def url(name: str, *args) -> str:
    return reverse(f"wagtailsnippets_wagtail_personal_links_segment:{name}", args=args)


def bulk_url(action: str) -> str:
    return reverse("wagtail_bulk_action", args=["wagtail_personal_links", "contact", action])


def contacts(count: int, prefix: str = "member") -> list[Contact]:
    return Contact.objects.bulk_create(
        Contact(email=f"{prefix}{index}@example.com") for index in range(count)
    )


def ids(values) -> str:
    return ",".join(str(contact.pk) for contact in values)


@pytest.fixture
def editor_client(client, django_user_model):
    client.force_login(make_editor(django_user_model, "editor", PERMISSIONS))
    return client


def test_listing_shows_each_segments_member_count(editor_client, segment):
    Segment.objects.create(name="Empty")
    Segment.objects.create(name="Large").add_contacts(contacts(3))

    response = editor_client.get(url("list"))

    counts = {row.name: row.member_count for row in response.context["object_list"]}
    assert counts == {"Empty": 0, "Large": 3, "Pioneers": 1}
    assert f"?segment={segment.pk}" in response.content.decode()


def test_member_counts_come_from_one_query_for_the_whole_page(editor_client):
    def listing_queries() -> list[str]:
        with CaptureQueriesContext(connection) as queries:
            editor_client.get(url("list"))
        return [query["sql"] for query in queries.captured_queries]

    Segment.objects.create(name="First").add_contacts(contacts(2, "a"))
    with_one = listing_queries()
    for index in range(5):
        Segment.objects.create(name=f"More {index}").add_contacts(contacts(2, f"b{index}-"))
    with_six = listing_queries()

    assert len(with_six) == len(with_one)
    membership_queries = [sql for sql in with_six if "segmentmembership" in sql]
    assert len(membership_queries) == 1


def test_create_segment_with_chosen_members(editor_client):
    members = contacts(3)

    response = editor_client.post(
        url("add"), {"name": "Beta testers", "description": "", "add_contacts": ids(members)}
    )

    assert response.status_code == 302
    segment = Segment.objects.get(name="Beta testers")
    assert set(segment.get_contacts()) == set(members)


def test_segment_names_are_unique(editor_client, segment):
    response = editor_client.post(url("add"), {"name": "Pioneers", "description": ""})

    assert response.status_code == 200
    assert response.context["form"].errors == {"name": ["Segment with this Name already exists."]}


def test_edit_adds_and_removes_members(editor_client, segment, contact):
    newcomers = contacts(2)

    response = editor_client.post(
        url("edit", segment.pk),
        {
            "name": "Pioneers",
            "description": "First users",
            "add_contacts": ids(newcomers),
            "remove_contacts": ids([contact]),
        },
    )

    assert response.status_code == 302
    assert set(segment.get_contacts()) == set(newcomers)
    segment.refresh_from_db()
    assert segment.description == "First users"


def test_removing_a_contact_who_is_not_a_member_is_refused(editor_client, segment):
    outsider = Contact.objects.create(email="outsider@example.com")

    response = editor_client.post(
        url("edit", segment.pk), {"name": "Pioneers", "remove_contacts": ids([outsider])}
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "remove_contacts": [f"Contact {outsider.pk} is not a member of this segment."]
    }
    # The chosen contact is shown again rather than lost.
    assert "outsider@example.com" in response.content.decode()


def test_edit_form_renders_the_member_count_not_the_members(editor_client, segment):
    segment.add_contacts(contacts(30))

    response = editor_client.get(url("edit", segment.pk))

    html = response.content.decode()
    assert "This segment has 31 members." in html
    assert f"?segment={segment.pk}" in html
    assert "member7@example.com" not in html
    assert "ada@example.com" not in html


def test_create_form_offers_no_removal(editor_client):
    response = editor_client.get(url("add"))

    assert "add_contacts" in response.context["form"].fields
    assert "remove_contacts" not in response.context["form"].fields


def test_inspect_shows_member_count_and_link_to_members(editor_client, segment):
    response = editor_client.get(url("inspect", segment.pk))

    html = response.content.decode()
    assert "1 contact" in html
    contacts_listing = reverse("wagtailsnippets_wagtail_personal_links_contact:list")
    assert f'href="{contacts_listing}?segment={segment.pk}"' in html


def test_delete_segment_keeps_its_contacts(editor_client, segment, contact):
    response = editor_client.post(url("delete", segment.pk))

    assert response.status_code == 302
    assert not Segment.objects.exists()
    assert Contact.objects.filter(pk=contact.pk).exists()


def test_bulk_add_to_segment_confirms_then_adds(editor_client, segment):
    chosen = contacts(2)
    query = f"?id={chosen[0].pk}&id={chosen[1].pk}"

    confirmation = editor_client.get(bulk_url("add_to_segment") + query)
    response = editor_client.post(bulk_url("add_to_segment") + query, {"segment": segment.pk})

    assert "2 contacts selected" in confirmation.content.decode()
    assert response.status_code == 302
    assert segment.get_contacts().count() == 3
    messages = [str(message).strip() for message in response.wsgi_request._messages]
    assert messages == ["2 contacts added to “Pioneers”."]


def test_bulk_add_counts_only_contacts_not_yet_members(editor_client, segment, contact):
    newcomer = Contact.objects.create(email="new@example.com")
    query = f"?id={contact.pk}&id={newcomer.pk}"

    response = editor_client.post(bulk_url("add_to_segment") + query, {"segment": segment.pk})

    messages = [str(message).strip() for message in response.wsgi_request._messages]
    assert messages == ["1 contact added to “Pioneers”."]
    assert segment.get_contacts().count() == 2


def test_bulk_add_without_a_segment_asks_for_one(editor_client, contact):
    response = editor_client.post(bulk_url("add_to_segment") + f"?id={contact.pk}", {})

    assert response.status_code == 200
    assert response.context["form"].errors == {"segment": ["This field is required."]}


def test_bulk_add_all_in_listing_follows_the_listings_search_and_filters(editor_client, segment):
    contacts(3, "match")
    contacts(2, "other")
    target = Segment.objects.create(name="Matches")

    response = editor_client.post(
        bulk_url("add_to_segment") + "?id=all&q=match", {"segment": target.pk}
    )

    assert response.status_code == 302
    assert sorted(c.email for c in target.get_contacts()) == [
        "match0@example.com",
        "match1@example.com",
        "match2@example.com",
    ]


def test_bulk_all_confirmation_names_only_the_first_contacts(editor_client, segment):
    contacts(25)

    response = editor_client.get(bulk_url("add_to_segment") + "?id=all")

    html = response.content.decode()
    assert "26 contacts selected" in html
    assert "and 6 more" in html


def test_bulk_remove_from_segment(editor_client, segment, contact):
    response = editor_client.post(
        bulk_url("remove_from_segment") + f"?id={contact.pk}", {"segment": segment.pk}
    )

    assert response.status_code == 302
    assert not segment.get_contacts().exists()
    assert Contact.objects.filter(pk=contact.pk).exists()


def test_bulk_action_with_unknown_contacts_is_not_found(editor_client, segment):
    response = editor_client.get(bulk_url("add_to_segment") + "?id=999999&id=abc")

    assert response.status_code == 404


def test_listing_sorts_by_member_count(editor_client, segment):
    Segment.objects.create(name="Empty")
    Segment.objects.create(name="Large").add_contacts(contacts(3))

    response = editor_client.get(url("list"), {"ordering": "-member_count"})

    assert [row.name for row in response.context["object_list"]] == ["Large", "Pioneers", "Empty"]


def test_bulk_actions_are_recorded_in_the_segment_history(editor_client, segment, contact):
    newcomers = contacts(2)
    query = "".join(f"&id={c.pk}" for c in newcomers)
    editor_client.post(bulk_url("add_to_segment") + "?" + query[1:], {"segment": segment.pk})
    editor_client.post(
        bulk_url("remove_from_segment") + f"?id={contact.pk}", {"segment": segment.pk}
    )

    response = editor_client.get(url("history", segment.pk))

    html = response.content.decode()
    assert "Added 2 contacts" in html
    assert "Removed 1 contact" in html
