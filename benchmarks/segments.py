"""Count and page the members of rule-based segments over 100,000 contacts.

Seeds contacts with five attributes (plan, country: text; seats, nps: number;
signup_date: date) and answers from a fifth of them (on PostgreSQL, vacuumed
and analyzed as autovacuum would), then for five
representative rule trees prints the time of ``count()`` and of the first page
of members, the preview endpoint's time through the test client, and link
generation for a dynamic segment against a static one of the same contacts.
Targets: each count <= 300 ms; the preview <= 400 ms; generation for the
dynamic segment within 1.2x of the static one.

    .venv/bin/python benchmarks/segments.py [--contacts 100000]
"""

from __future__ import annotations

import argparse
import datetime
import json
import time

from _setup import seed, settle, setup_django

PLANS = ["free", "starter", "pro", "enterprise"]
COUNTRIES = ["DE", "AT", "FR", "NL", "US", "GB", "CH"]


def attribute(key, operator, value=None, connector=None):
    item = {"filter": {"kind": "attribute", "key": key, "operator": operator, "value": value}}
    return {"connector": connector, **item} if connector else item


def trees(page_id: int) -> dict[str, dict]:
    """Return the five representative rule trees, by name."""
    group = lambda items, negate=False: {"negate": negate, "items": items}  # noqa: E731
    return {
        "text equals (plan = pro)": group([attribute("plan", "equals", "pro")]),
        "number range (10 <= seats < 50)": group(
            [attribute("seats", "gte", 10), attribute("seats", "lt", 50, "and")]
        ),
        "date within 30 days": group(
            [attribute("signup_date", "newer_than", {"amount": 30, "unit": "days"})]
        ),
        "3-level AND/OR tree": group(
            [
                attribute("plan", "equals", "pro"),
                {
                    "connector": "and",
                    "group": group(
                        [
                            attribute("country", "equals", "de"),
                            {
                                "connector": "or",
                                "group": group(
                                    [
                                        attribute("country", "equals", "at"),
                                        attribute("nps", "gte", 9, "and"),
                                    ]
                                ),
                            },
                        ]
                    ),
                },
                attribute("seats", "is_set", connector="or"),
                attribute("nps", "lt", 2, "and"),
            ]
        ),
        "not answered survey Y": group(
            [{"filter": {"kind": "survey", "operator": "not_answered", "page": page_id}}]
        ),
    }


def best_ms(function, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return min(times) * 1000


def baseline_count(connection) -> int:
    """Count with one JSON read per row and no type checks: the floor for any attribute rule."""
    plan = (
        "attributes ->> 'plan'"
        if connection.vendor == "postgresql"
        else "json_extract(attributes, '$.plan')"
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM wagtail_personal_links_contact WHERE {plan} = 'pro'")
        return cursor.fetchone()[0]


def seed_contacts(count: int, page) -> None:
    from wagtail_personal_links.models import (
        Contact,
        ContactAttributeKey,
        PersonalLinkFormSubmission,
        Segment,
    )

    today = datetime.date.today()
    Contact.objects.bulk_create(
        (
            Contact(
                email=f"person{index}@example.com",
                attributes={
                    "plan": PLANS[index % 4],
                    "country": COUNTRIES[index % 7],
                    # Numbers as JSON numbers and as text, as imports leave them.
                    "seats": index % 100 if index % 3 else str(index % 100),
                    "nps": index % 11,
                    "signup_date": (today - datetime.timedelta(days=index % 730)).isoformat(),
                },
            )
            for index in range(count)
        ),
        batch_size=5000,
    )
    for key, data_type in [("plan", "text"), ("country", "text"), ("seats", "number"),
                           ("nps", "number"), ("signup_date", "date")]:  # fmt: skip
        ContactAttributeKey.objects.update_or_create(key=key, defaults={"data_type": data_type})
    answered = Contact.objects.order_by("pk").values_list("pk", flat=True)[: count // 5]
    PersonalLinkFormSubmission.objects.bulk_create(
        (PersonalLinkFormSubmission(page=page, contact_id=pk, form_data={}) for pk in answered),
        batch_size=5000,
    )
    Segment.objects.get(name="Demo customers").add_contacts(Contact.objects.all())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=100_000)
    args = parser.parse_args()
    database = setup_django()

    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from home.models import SurveyPage
    from wagtail_personal_links import generation
    from wagtail_personal_links.admin_urls import rules_url
    from wagtail_personal_links.models import (
        Contact,
        LinkBatch,
        PersonalLink,
        PersonalLinkFormSubmission,
        Segment,
    )

    seed(0)
    page = SurveyPage.objects.get(slug="customer-survey")
    started = time.perf_counter()
    seed_contacts(args.contacts, page)
    print(f"database: {database}")
    print(f"seeded {Contact.objects.count():,} contacts in {time.perf_counter() - started:.1f} s")
    settle(Contact, PersonalLinkFormSubmission)
    print()
    floor_ms = best_ms(lambda: baseline_count(connection))
    print(f"baseline: a bare count reading one attribute per row: {floor_ms:.0f} ms")
    print()
    print(f"{'rule tree':34} {'members':>8} {'count':>10} {'first page':>11} {'queries':>8}")
    for name, tree in trees(page.pk).items():
        segment = Segment(name=name, kind=Segment.Kind.DYNAMIC, rules=tree)
        members = segment.get_contacts()
        count_ms = best_ms(members.count)
        page_ms = best_ms(lambda: list(members.order_by("pk")[:20]))  # noqa: B023
        with CaptureQueriesContext(connection) as queries:
            total = members.count()
        print(f"{name:34} {total:>8,} {count_ms:>7.0f} ms {page_ms:>8.0f} ms {len(queries):>8}")

    user = get_user_model().objects.create_superuser("bench", "bench@example.com", "x")
    client = Client()
    client.force_login(user)
    body = {"rules": json.dumps(trees(page.pk)["3-level AND/OR tree"])}
    assert client.post(rules_url("preview"), body).status_code == 200
    preview_ms = best_ms(lambda: client.post(rules_url("preview"), body))
    print(f"\npreview endpoint (3-level tree, count + first 10): {preview_ms:.0f} ms")

    static = Segment.objects.get(name="Demo customers")
    email_is_set = {"kind": "field", "key": "email", "operator": "is_set", "value": None}
    everyone = {"negate": False, "items": [{"filter": email_is_set}]}
    dynamic = Segment.objects.create(name="Everyone", kind="dynamic", rules=everyone)

    def generate(segment) -> None:
        batch = generation.create_batch(page, segment.get_contacts(), target_label=segment.name)
        assert batch.total == args.contacts
        # The links have no answers: delete them in one statement, not through the ORM's
        # collector, which loads every one of them first.
        with connection.cursor() as cursor:
            table = connection.ops.quote_name(PersonalLink._meta.db_table)
            cursor.execute(f"DELETE FROM {table} WHERE batch_id = %s", [batch.pk])
        LinkBatch.objects.filter(pk=batch.pk).delete()

    static_runs, dynamic_runs = [], []
    for _ in range(3):  # interleaved, best of each, as timeit does
        static_runs.append(best_ms(lambda: generate(static), repeat=1))
        dynamic_runs.append(best_ms(lambda: generate(dynamic), repeat=1))
    static_s, dynamic_s = min(static_runs) / 1000, min(dynamic_runs) / 1000
    print(f"generate links, static segment:  {static_s:.2f} s")
    print(f"generate links, dynamic segment: {dynamic_s:.2f} s")
    print(f"ratio dynamic / static: {dynamic_s / static_s:.2f} (target <= 1.2)")


if __name__ == "__main__":
    main()
