"""Create the demo site's pages, contacts, segment and admin user, idempotently."""

from __future__ import annotations

import datetime
import os
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Locale, Page, Site

from home.models import HomePage, SurveyFormField, SurveyPage
from wagtail_personal_links.models import (
    Contact,
    ContactAttributeKey,
    Segment,
    SegmentMembership,
)

DEFAULT_ADMIN_PASSWORD = "changeme"
SEGMENT_NAME = "Demo customers"
CHUNK = 5_000

FIRST_NAMES = [
    "Ava", "Liam", "Noah", "Emma", "Olivia", "Mateo", "Sofia", "Lucas", "Amara", "Yuki",
    "Ines", "Omar", "Chloe", "Jonas", "Priya", "Elena", "Kofi", "Hana", "Diego", "Freya",
]  # fmt: skip
LAST_NAMES = [
    "Thompson", "Garcia", "Müller", "Okafor", "Rossi", "Nguyen", "Kowalski", "Silva", "Dubois",
    "Tanaka", "Andersen", "Haddad", "Murphy", "Novak", "Fischer", "Costa", "Jansen", "Patel",
]  # fmt: skip
PLANS = ["free", "starter", "pro", "enterprise"]
COUNTRIES = ["GB", "DE", "FR", "NL", "US", "BR", "JP", "IN", "NG", "ES"]
SIGNUP_START = datetime.date(2023, 1, 1)


def demo_contact(index: int) -> Contact:
    """Return the demo contact number ``index``; the same index gives the same person."""
    first = FIRST_NAMES[index % len(FIRST_NAMES)]
    last = LAST_NAMES[(index * 7) % len(LAST_NAMES)]
    slug = f"{first}.{last}".lower().replace("ü", "ue")
    return Contact(
        email=f"{slug}.{index}@example.com",
        external_id=f"CUST-{index:06d}",
        first_name=first,
        last_name=last,
        attributes={
            "plan": PLANS[(index * 3) % len(PLANS)],
            "country": COUNTRIES[(index * 7) % len(COUNTRIES)],
            "signup_date": (SIGNUP_START + datetime.timedelta(days=index % 1000)).isoformat(),
        },
    )


class Command(BaseCommand):
    help = "Create the demo home page, survey page, contacts, segment and admin user."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--contacts", type=int, default=50, help="How many demo contacts (default 50)."
        )

    def handle(self, *args: Any, contacts: int, **options: Any) -> None:
        with transaction.atomic():
            home = self.ensure_home_page()
            survey = self.ensure_survey_page(home)
        created = self.ensure_contacts(contacts)
        segment, _ = Segment.objects.get_or_create(
            name=SEGMENT_NAME, defaults={"description": "Everyone in the demo data."}
        )
        added = self.ensure_members(segment)
        self.ensure_admin()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo ready: survey at {survey.get_full_url()}, {created} contacts created, "
                f"{added} added to “{segment.name}”."
            )
        )

    def ensure_home_page(self) -> HomePage:
        home = HomePage.objects.first()
        if home is None:
            root = self.ensure_root()
            # Wagtail's initial migration leaves a plain welcome page in the way.
            Page.objects.filter(depth=2, slug="home", content_type__model="page").delete()
            root.refresh_from_db()
            home = root.add_child(
                instance=HomePage(
                    title="Personal links demo",
                    slug="home",
                    intro="<p>An example site for wagtail-personal-links.</p>",
                )
            )
        Site.objects.update_or_create(
            is_default_site=True,
            defaults={
                "root_page": home,
                "hostname": os.environ.get("DEMO_HOST", "127.0.0.1"),
                "port": int(os.environ.get("DEMO_PORT", "8000")),
                "site_name": "Personal links demo",
            },
        )
        return home

    def ensure_root(self) -> Page:
        """Return the tree's root, recreating it and the default locale on an emptied database."""
        Locale.objects.get_or_create(
            language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE)
        )
        root = Page.get_first_root_node()
        if root is None:
            root = Page.add_root(instance=Page(title="Root", slug="root"))
        return root

    def ensure_survey_page(self, home: HomePage) -> SurveyPage:
        survey = SurveyPage.objects.filter(slug="customer-survey").first()
        if survey is not None:
            return survey
        survey = home.add_child(
            instance=SurveyPage(
                title="Customer survey",
                slug="customer-survey",
                intro="<p>Tell us how we are doing. It takes about two minutes.</p>",
                thank_you_text="<p>Thank you! Your answer has been recorded.</p>",
            )
        )
        satisfaction = "Very satisfied,Satisfied,Neutral,Dissatisfied,Very dissatisfied"
        fields = [
            (
                "How likely are you to recommend us to a friend?",
                "radio",
                "0,1,2,3,4,5,6,7,8,9,10",
            ),
            ("How satisfied are you with our support?", "radio", satisfaction),
            (
                "Which features do you use?",
                "checkboxes",
                "Reports,Exports,Integrations,Mobile app",
            ),
            ("What should we improve?", "multiline", ""),
        ]
        for order, (label, field_type, choices) in enumerate(fields):
            SurveyFormField.objects.create(
                page=survey,
                sort_order=order,
                label=label,
                field_type=field_type,
                choices=choices,
                required=field_type == "radio",
            )
        survey.save_revision().publish()
        return survey

    def ensure_contacts(self, count: int) -> int:
        existing = set(
            Contact.objects.filter(external_id__startswith="CUST-").values_list(
                "external_id", flat=True
            )
        )
        missing = [
            demo_contact(index)
            for index in range(1, count + 1)
            if f"CUST-{index:06d}" not in existing
        ]
        Contact.objects.bulk_create(missing, batch_size=CHUNK)
        # Typed keys let the segment rule builder offer the demo attributes.
        ContactAttributeKey.objects.register(demo_contact(1).attributes)
        return len(missing)

    def ensure_members(self, segment: Segment) -> int:
        demo = Contact.objects.filter(external_id__startswith="CUST-").exclude(
            segment_memberships__segment=segment
        )
        rows = [
            SegmentMembership(segment=segment, contact_id=pk)
            for pk in demo.values_list("pk", flat=True)
        ]
        SegmentMembership.objects.bulk_create(rows, batch_size=CHUNK, ignore_conflicts=True)
        return len(rows)

    def ensure_admin(self) -> None:
        user, _ = get_user_model().objects.get_or_create(
            username="admin",
            defaults={"email": "admin@example.com", "is_staff": True, "is_superuser": True},
        )
        user.set_password(os.environ.get("DEMO_ADMIN_PASSWORD", DEFAULT_ADMIN_PASSWORD))
        user.save()
