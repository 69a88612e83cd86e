"""Generating, downloading and revoking links are logged against the page, with counts."""

import datetime

from django.urls import reverse
from django.utils import timezone
from wagtail.models import PageLogEntry

from wagtail_personal_links.models import LinkBatch

UTC = datetime.UTC


# Log entries


def test_generate_download_and_revoke_are_logged_with_counts(
    admin_client, superuser, survey_page, demo_segment, links_url, generate
):
    generate(admin_client, survey_page, segment=demo_segment.pk)
    batch = LinkBatch.objects.get()
    batch.links.filter(pk=batch.links.order_by("pk").first().pk).update(
        submitted_at=timezone.now()
    )
    admin_client.get(links_url("download", survey_page, batch))
    admin_client.get(links_url("download_non_responders", survey_page, batch))
    admin_client.post(links_url("revoke", survey_page, batch))

    entries = PageLogEntry.objects.filter(page=survey_page).order_by("pk")
    entries = entries.filter(action__startswith="wagtail_personal_links.")
    assert [(e.action, e.data["count"], e.user_id) for e in entries] == [
        ("wagtail_personal_links.generate", 5, superuser.pk),
        ("wagtail_personal_links.download", 5, superuser.pk),
        ("wagtail_personal_links.download", 4, superuser.pk),
        ("wagtail_personal_links.revoke", 5, superuser.pk),
    ]
    messages = [e.message for e in entries]
    assert messages == [
        "Generated 5 personal links for “Demo customers”",
        "Downloaded 5 personal links of “Demo customers”",
        "Downloaded the links of 4 non-responders of “Demo customers”",
        "Revoked 5 personal links of “Demo customers”",
    ]


def test_log_entries_show_in_page_history_and_site_history(
    admin_client, survey_page, batch, links_url
):
    admin_client.get(links_url("download", survey_page, batch))

    page_history = admin_client.get(reverse("wagtailadmin_pages:history", args=[survey_page.pk]))
    site_history = admin_client.get(reverse("wagtailadmin_reports:site_history"))

    for response in (page_history, site_history):
        assert "Downloaded 5 personal links of “Demo customers”" in response.content.decode()
