"""Where editors find a survey page's personal links: header, listing menu, panel."""

import datetime
import re

from django.urls import reverse
from django.utils import timezone

UTC = datetime.UTC


# Entry points


def test_header_button_and_panel_on_the_edit_view(admin_client, survey_page, batch, links_url):
    batch.links.filter(pk=batch.links.order_by("pk").first().pk).update(opened_at=timezone.now())

    response = admin_client.get(reverse("wagtailadmin_pages:edit", args=[survey_page.pk]))

    html = response.content.decode()
    assert html.count(f'href="{links_url("index", survey_page)}"') == 2  # header and panel
    assert "Generate and manage personal links" in html
    panel = html.split("Generate and manage personal links")[0].rsplit("<dl", 1)[1]
    assert re.findall(r"<dd[^>]*>(\d+)</dd>", panel) == ["5", "1", "0"]


def test_listing_more_menu_offers_personal_links(admin_client, survey_page, links_url):
    response = admin_client.get(
        reverse("wagtailadmin_explore", args=[survey_page.get_parent().pk])
    )

    assert f'href="{links_url("index", survey_page)}"' in response.content.decode()


def test_no_entry_points_on_other_pages(admin_client, survey_page):
    home = survey_page.get_parent()

    response = admin_client.get(reverse("wagtailadmin_pages:edit", args=[home.pk]))

    assert "/admin/personal-links/" not in response.content.decode()


def panel_counts(client, page):
    response = client.get(reverse("wagtailadmin_pages:edit", args=[page.pk]))
    html = response.content.decode()
    panel = html.split("Generate and manage personal links")[0].rsplit("<dl", 1)[1]
    return [int(count) for count in re.findall(r"<dd[^>]*>(\d+)</dd>", panel)]


def test_the_panel_and_the_history_agree_on_the_counts(
    admin_client, survey_page, demo_segment, batch, links_url
):
    from wagtail_personal_links.generation import insert_links, start_batch
    from wagtail_personal_links.models import LinkBatch

    links = list(batch.links.order_by("pk"))
    batch.links.filter(pk__in=[links[0].pk, links[1].pk]).update(opened_at=timezone.now())
    batch.links.filter(pk=links[0].pk).update(submitted_at=timezone.now())
    revoked = start_batch(survey_page, target_label="Revoked")
    insert_links(revoked, demo_segment.get_contacts().values_list("pk", flat=True)[:3])
    revoked.revoke()
    generating = start_batch(survey_page, status=LinkBatch.Status.GENERATING, total=5)
    insert_links(generating, demo_segment.get_contacts().values_list("pk", flat=True)[:2])

    history = admin_client.get(links_url("index", survey_page)).context["object_list"]
    complete = [row for row in history if row.status == LinkBatch.Status.COMPLETE]

    assert [row.link_count for row in history] == [2, 3, 5]  # the history shows progress too
    assert (
        panel_counts(admin_client, survey_page)
        == [
            sum(row.link_count for row in complete),
            sum(row.started_count for row in complete),
            sum(row.finished_count for row in complete),
        ]
        == [8, 2, 1]
    )
