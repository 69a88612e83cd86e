"""The rule builder's segment chooser never offers a segment that would close a cycle.

Opened for segment X (``?exclude=<X>``, as the rule builder opens it), the
chooser leaves out X and every dynamic segment whose rules lead to X, directly
or through others: naming any of them in X's rules would make X contain itself.
Saving still refuses such rules; the chooser only spares the editor the attempt.
Both read which segments name which in one query, as does compiling rules that
name other segments, however many they name.
"""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.conftest import make_editor
from wagtail_personal_links.models import ContactAttributeKey, Segment

CHOOSER = "wagtailsnippetchoosers_wagtail_personal_links_segment"
SEGMENT_PERMISSIONS = [f"{action}_segment" for action in ("add", "change", "delete", "view")]


def plan_is(value: str) -> dict:
    spec = {"kind": "attribute", "key": "plan", "operator": "equals", "value": value}
    return {"negate": False, "items": [{"filter": spec}]}


def refers_to(*segments: Segment) -> dict:
    items = [
        {"connector": "or", "filter": {"kind": "segment", "operator": "in", "segment": other.pk}}
        for other in segments
    ]
    items[0].pop("connector")
    return {"negate": False, "items": items}


def dynamic(name: str, rules: dict, description: str = "") -> Segment:
    return Segment.objects.create(
        name=name, description=description, kind=Segment.Kind.DYNAMIC, rules=rules
    )


@pytest.fixture
def editor_client(client, django_user_model):
    ContactAttributeKey.objects.update_or_create(key="plan", defaults={"data_type": "text"})
    client.force_login(make_editor(django_user_model, "editor", SEGMENT_PERMISSIONS))
    return client


def offered(client, editing: Segment, search: str = "") -> set[str]:
    """Return the names the chooser offers for ``editing``'s rules, listed or searched for."""
    if search:
        response = client.get(
            reverse(f"{CHOOSER}:choose_results"), {"exclude": editing.pk, "q": search}
        )
    else:
        response = client.get(reverse(f"{CHOOSER}:choose"), {"exclude": editing.pk})
    assert response.status_code == 200
    return {str(segment) for segment in response.context["results"]}


def test_a_segment_whose_rules_name_the_edited_one_is_not_offered(editor_client):
    edited = dynamic("Team edited", plan_is("pro"))
    dynamic("Team naming it", refers_to(edited))
    Segment.objects.create(name="Team static")

    assert offered(editor_client, edited) == {"Team static"}


def test_segments_leading_to_the_edited_one_through_others_are_not_offered(editor_client):
    # A -> B -> C: editing C, neither A nor B may be named.
    c = dynamic("Team C", plan_is("pro"))
    b = dynamic("Team B", refers_to(c))
    dynamic("Team A", refers_to(b))
    static = Segment.objects.create(name="Team static")
    dynamic("Team unrelated", refers_to(static))

    assert offered(editor_client, c) == {"Team static", "Team unrelated"}
    # Editing B, only A leads back; C is B's own choice and stays offered.
    assert offered(editor_client, b) == {"Team C", "Team static", "Team unrelated"}


def test_the_modal_searches_with_the_same_exclusion(editor_client):
    c = dynamic("Team C", plan_is("pro"))

    response = editor_client.get(reverse(f"{CHOOSER}:choose"), {"exclude": c.pk})

    html = json.loads(response.content)["html"]
    results = reverse(f"{CHOOSER}:choose_results")
    assert f'data-chooser-modal-search action="{results}?exclude={c.pk}"' in html
    assert 'name="q"' in html


def test_search_results_leave_out_the_same_segments(editor_client):
    c = dynamic("Team C", plan_is("pro"))
    b = dynamic("Team B", refers_to(c))
    dynamic("Team A", refers_to(b), description="Reaches C")
    Segment.objects.create(name="Team static")
    Segment.objects.create(name="Newsletter", description="Reaches everyone")

    assert offered(editor_client, c, search="reaches") == {"Newsletter"}
    assert offered(editor_client, c, search="Team") == {"Team static"}
    assert offered(editor_client, c, search="Newsletter") == {"Newsletter"}


def test_without_exclude_every_segment_is_offered(editor_client):
    c = dynamic("Team C", plan_is("pro"))
    dynamic("Team B", refers_to(c))

    response = editor_client.get(reverse(f"{CHOOSER}:choose_results"), {"q": "Team"})

    assert {str(segment) for segment in response.context["results"]} == {"Team B", "Team C"}


def test_a_static_segment_keeps_no_references_from_rules_it_once_had(editor_client):
    edited = dynamic("Team edited", plan_is("pro"))
    Segment.objects.create(name="Team once dynamic", rules=refers_to(edited))

    assert offered(editor_client, edited) == {"Team once dynamic"}


def test_what_the_chooser_hides_is_what_saving_refuses(editor_client):
    c = dynamic("Team C", plan_is("pro"))
    b = dynamic("Team B", refers_to(c))
    a = dynamic("Team A", refers_to(b))
    unrelated = dynamic("Team unrelated", plan_is("basic"))
    edit = reverse("wagtailsnippets_wagtail_personal_links_segment:edit", args=[c.pk])

    def save_c_naming(other: Segment):
        data = {"name": "Team C", "kind": "dynamic", "rules": json.dumps(refers_to(other))}
        return editor_client.post(edit, data)

    refused = save_c_naming(a)
    assert refused.status_code == 200
    [error] = refused.context["form"].errors["rules"]
    assert "(Team C → Team A → Team B → Team C)" in error
    assert offered(editor_client, c) == {"Team unrelated"}
    assert save_c_naming(unrelated).status_code == 302


def test_rules_naming_their_own_segment_are_refused_with_the_shortest_path(editor_client):
    edited = dynamic("Team edited", plan_is("pro"))
    dynamic("Team naming it", refers_to(edited))
    edit = reverse("wagtailsnippets_wagtail_personal_links_segment:edit", args=[edited.pk])
    rules = refers_to(Segment.objects.get(name="Team naming it"), edited)

    response = editor_client.post(
        edit, {"name": "Team edited", "kind": "dynamic", "rules": json.dumps(rules)}
    )

    [error] = response.context["form"].errors["rules"]
    assert "(Team edited → Team edited)" in error
    edited.refresh_from_db()
    assert edited.rules == plan_is("pro")


def test_the_chooser_reads_the_references_in_one_query_however_many_there_are(editor_client):
    edited = dynamic("Team edited", plan_is("pro"))
    naming = [dynamic("Team naming 0", refers_to(edited))]
    offered(editor_client, edited)  # Warm the caches (session, permissions, content types).

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            offered(editor_client, edited)
        return len(captured)

    with_one = queries()
    naming += [dynamic(f"Team naming {index}", refers_to(naming[-1])) for index in (1, 2)]
    with_three = queries()

    assert with_three == with_one
    assert offered(editor_client, edited) == set()


@pytest.mark.parametrize("view", ["choose", "choose_results"])
def test_users_without_segment_permissions_get_403(client, django_user_model, view):
    edited = dynamic("Team edited", plan_is("pro"))
    client.force_login(make_editor(django_user_model, "outsider", ["view_contact"]))

    response = client.get(
        reverse(f"{CHOOSER}:{view}"),
        {"exclude": edited.pk},
        headers={"x-requested-with": "XMLHttpRequest"},
    )

    assert response.status_code == 403


def test_rules_naming_more_segments_compile_with_no_more_queries(editor_client, survey_page):
    # The preview endpoint and the edit view both compile the rules of the segment.
    static = [Segment.objects.create(name=f"Team static {index}") for index in range(3)]
    nested = dynamic("Team nested", refers_to(static[1], static[2]))
    one = dynamic("Team one", refers_to(static[0]))
    three = dynamic("Team three", refers_to(static[0], nested, one))
    preview = reverse("wagtail_personal_links_rules:preview")

    def queries(segment: Segment) -> tuple[int, int, int]:
        edit = reverse("wagtailsnippets_wagtail_personal_links_segment:edit", args=[segment.pk])
        rules = json.dumps(segment.rules)
        with CaptureQueriesContext(connection) as previewing:
            response = editor_client.post(preview, {"segment": segment.pk, "rules": rules})
            assert response.status_code == 200
        with CaptureQueriesContext(connection) as editing:
            assert editor_client.get(edit).status_code == 200
        with CaptureQueriesContext(connection) as saving:
            data = {"name": segment.name, "kind": "dynamic", "rules": rules}
            assert editor_client.post(edit, data).status_code == 302
        return len(previewing), len(editing), len(saving)

    # Warm the caches (session, permissions, content types), and give both a history.
    queries(one), queries(three)

    assert queries(three) == queries(one)
