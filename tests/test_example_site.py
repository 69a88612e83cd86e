from django.core.management import call_command

from wagtail_personal_links.models import Contact, Segment


def test_seed_demo_twice_gives_the_same_counts(db, capsys):
    call_command("seed_demo", contacts=20)
    call_command("seed_demo", contacts=20)

    assert Contact.objects.count() == 20
    segment = Segment.objects.get(name="Demo customers")
    assert segment.get_contacts().count() == 20
    assert "0 contacts created" in capsys.readouterr().out


def test_seeded_survey_page_is_live_at_its_path(client, demo_site):
    response = client.get("/customer-survey/")

    assert demo_site.live
    assert response.status_code in (200, 403)
