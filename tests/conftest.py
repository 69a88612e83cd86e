"""Fixtures shared by the whole suite."""

from __future__ import annotations

import csv
import io

import pytest
from django.contrib.auth.models import Group, Permission
from django.test import override_settings
from wagtail.models import Page

from tests.shared_demo import (  # noqa: F401 (hooks)
    pytest_collection_modifyitems,
    pytest_fixture_setup,
    seed_demo,
)
from wagtail_personal_links.models import Contact, Segment


@pytest.fixture(scope="session", autouse=True)
def fast_password_hasher():
    """Hash the test users' passwords cheaply, as Django advises for test suites.

    The default PBKDF2 hasher spends about a second of CPU on every user that
    ``seed_demo`` or a fixture creates; what the tests prove does not depend on
    the hashing's cost, and logging in with a password works the same.
    """
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture
def demo_site(db):
    """The example site as `seed_demo` leaves it, with 5 contacts."""
    from home.models import SurveyPage

    page = SurveyPage.objects.filter(slug="customer-survey").first()
    if page is None:
        # A transactional test (or one the shared seed did not reach) seeds its own.
        seed_demo()
        page = SurveyPage.objects.get(slug="customer-survey")
    return page


@pytest.fixture
def survey_page(demo_site):
    """The published "Customer survey" page."""
    return demo_site


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser(
        "root", "root@example.com", "password", first_name="Root", last_name="User"
    )


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


def make_editor(django_user_model, username: str, codenames: list[str]):
    """Create a user with Wagtail admin access and the given permission codenames."""
    user = django_user_model.objects.create_user(username, f"{username}@example.com", "password")
    group, _ = Group.objects.get_or_create(name=f"{username}-group")
    perms = Permission.objects.filter(
        codename__in=["access_admin", *codenames],
    )
    group.permissions.set(perms)
    user.groups.add(group)
    return user


@pytest.fixture
def contact(db):
    return Contact.objects.create(
        email="ada@example.com",
        external_id="ADA-1",
        first_name="Ada",
        last_name="Lovelace",
        attributes={"plan": "pro"},
    )


@pytest.fixture
def segment(db, contact):
    segment = Segment.objects.create(name="Pioneers")
    segment.add_contacts([contact])
    return segment


@pytest.fixture
def root_page(db):
    return Page.get_first_root_node()


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, tmp_path_factory):
    """Put the SQLite test database in a file, so that threads share it.

    Django's in-memory test database lives in SQLite's shared cache, whose
    table locks fail at once across threads ("database table is locked"); a
    file in WAL mode lets the concurrency tests' threads wait on the busy
    timeout, as real workers do.
    """
    from django.conf import settings

    database = settings.DATABASES["default"]
    test_settings = database.setdefault("TEST", {})
    if database["ENGINE"] == "django.db.backends.sqlite3" and not test_settings.get("NAME"):
        test_settings["NAME"] = str(tmp_path_factory.mktemp("db") / "test.sqlite3")


@pytest.fixture
def make_link(db):
    """Return a function that creates a personal link in a batch of its own."""
    from wagtail_personal_links.models import LinkBatch, PersonalLink
    from wagtail_personal_links.models.links import new_public_id
    from wagtail_personal_links.tokens import code_hasher

    def make_link(page, contact, *, expires_at=None, batch=None, **fields) -> PersonalLink:
        if batch is None:
            batch = LinkBatch.objects.create(
                page=page, target_label=str(contact), expires_at=expires_at, total=1
            )
        # As generation does: the hash a short link finds it by.
        public_id = new_public_id()
        return PersonalLink.objects.create(
            batch=batch,
            contact=contact,
            expires_at=expires_at,
            public_id=public_id,
            code_hash=code_hasher()(public_id),
            **fields,
        )

    return make_link


@pytest.fixture
def personal_link(make_link, survey_page, contact):
    """A usable link for `contact` to the survey page, without expiry."""
    return make_link(survey_page, contact)


@pytest.fixture
def link_url():
    """Return a function giving the path of a link's URL, as exports write it."""
    from wagtail_personal_links import tokens
    from wagtail_personal_links.conf import personal_links_settings

    def link_url(link) -> str:
        token = tokens.sign(link.public_id, link.expires_at, link.code_hash)
        return f"/{personal_links_settings.URL_PREFIX}/{token}"

    return link_url


@pytest.fixture
def other_survey_page(survey_page):
    """A second published survey beside the first, with one text question."""
    from home.models import SurveyFormField, SurveyPage

    page = survey_page.get_parent().add_child(
        instance=SurveyPage(title="Second survey", slug="second-survey")
    )
    SurveyFormField.objects.create(page=page, label="Anything else?", field_type="singleline")
    return page


@pytest.fixture
def answers():
    """Valid answers to the seeded customer survey."""
    return {
        "how_likely_are_you_to_recommend_us_to_a_friend": "9",
        "how_satisfied_are_you_with_our_support": "Satisfied",
        "what_should_we_improve": "More exports",
    }


def grant_page_edit(user, page) -> None:
    """Let ``user``'s groups edit ``page`` and its descendants."""
    from django.contrib.auth.models import Permission
    from wagtail.models import GroupPagePermission

    for group in user.groups.all():
        for codename in ("add_page", "change_page"):
            GroupPagePermission.objects.create(
                group=group, page=page, permission=Permission.objects.get(codename=codename)
            )


@pytest.fixture
def links_editor(django_user_model, survey_page):
    """An editor who may edit the survey page and generate its personal links."""
    user = make_editor(django_user_model, "linker", ["generate_personal_links"])
    grant_page_edit(user, survey_page.get_parent())
    return user


@pytest.fixture
def page_editor(django_user_model, survey_page):
    """An editor who may edit the survey page but not generate personal links."""
    user = make_editor(django_user_model, "writer", [])
    grant_page_edit(user, survey_page.get_parent())
    return user


@pytest.fixture
def no_email_rate_limit(settings):
    """Send emails as fast as the backend takes them."""
    settings.PERSONAL_LINKS_EMAIL_RATE = None


@pytest.fixture
def mail_editor(django_user_model, survey_page):
    """An editor who may edit the survey page, generate its links and email them."""
    user = make_editor(
        django_user_model, "mailer", ["generate_personal_links", "send_personal_link_emails"]
    )
    user.email = "mailer@example.com"
    user.save(update_fields=["email"])
    grant_page_edit(user, survey_page.get_parent())
    return user


# Personal links admin: a batch to work on, and the helpers its tests share.


@pytest.fixture
def demo_segment(survey_page):
    """The seeded "Demo customers" segment: the five demo contacts."""
    return Segment.objects.get(name="Demo customers")


@pytest.fixture
def batch(survey_page, demo_segment, superuser):
    """A complete batch of five links for the demo segment, made by the superuser."""
    from wagtail_personal_links.generation import create_batch

    return create_batch(
        survey_page,
        demo_segment.get_contacts(),
        created_by=superuser,
        target_label=demo_segment.name,
        segment=demo_segment,
    )


@pytest.fixture
def links_url():
    """Return a function giving the URL of a personal links admin view of a page (and batch)."""
    from wagtail_personal_links.admin_urls import links_url as url

    def links_url(name: str, page, batch=None) -> str:
        return url(name, page.pk) if batch is None else url(name, page.pk, batch.pk)

    return links_url


@pytest.fixture
def csv_rows():
    """Return a function reading a streamed CSV response into rows."""

    def csv_rows(response) -> list[list[str]]:
        content = b"".join(response.streaming_content).decode("utf-8")
        return list(csv.reader(io.StringIO(content)))

    return csv_rows


@pytest.fixture
def generate(links_url):
    """Return a function POSTing the generate form of a page, for a segment unless told."""

    def generate(client, page, **data):
        return client.post(links_url("index", page), {"target": "segment", **data})

    return generate


@pytest.fixture
def respondent_path():
    """Return a function giving the path of a CSV row's link (the CSV names the site's host)."""
    from urllib.parse import urlsplit

    def respondent_path(row) -> str:
        return urlsplit(row[5]).path

    return respondent_path
