from django.db import migrations, models


def hash_existing_codes(apps, schema_editor):
    """Give links made before short codes existed their code hash, so they can switch format."""
    from wagtail_personal_links.tokens import code_hasher

    PersonalLink = apps.get_model("wagtail_personal_links", "PersonalLink")
    code_hash = code_hasher()
    links = PersonalLink.objects.using(schema_editor.connection.alias).filter(code_hash=None)
    while chunk := list(links.only("pk", "public_id")[:2000]):
        for link in chunk:
            link.code_hash = code_hash(link.public_id)
        PersonalLink.objects.using(schema_editor.connection.alias).bulk_update(
            chunk, ["code_hash"]
        )


class Migration(migrations.Migration):
    dependencies = [
        ("wagtail_personal_links", "0005_email_outbox_and_opt_out"),
    ]

    operations = [
        migrations.AddField(
            model_name="personallink",
            name="code_hash",
            field=models.CharField(
                editable=False,
                max_length=64,
                null=True,
                unique=True,
                verbose_name="short code hash",
            ),
        ),
        migrations.RunPython(hash_existing_codes, migrations.RunPython.noop, elidable=True),
    ]
