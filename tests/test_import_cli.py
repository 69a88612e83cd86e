"""django-import-export's own import and export commands, with ContactResource."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.management import call_command

from wagtail_personal_links.models import Contact

pytestmark = pytest.mark.django_db

RESOURCE = "wagtail_personal_links.resources.ContactResource"


def run_import(path, *args) -> str:
    stderr = io.StringIO()
    call_command("import", RESOURCE, str(path), *args, interactive=False, stderr=stderr)
    return stderr.getvalue()


def run_export(file_format="CSV") -> bytes:
    stdout = io.TextIOWrapper(io.BytesIO())
    call_command("export", file_format, RESOURCE, stdout=stdout)
    return stdout.buffer.getvalue()


def test_import_command_upserts_contacts(tmp_path, contact):
    path = tmp_path / "contacts.csv"
    path.write_text(
        "Email,First name,Plan\nada@example.com,Augusta,\ngrace@example.com,Grace,pro\n"
    )

    output = run_import(path)

    assert output.strip() == "Import finished: 1 new, 1 updated, 0 deleted and 0 skipped contacts."
    assert Contact.objects.get(email="ada@example.com").first_name == "Augusta"
    assert Contact.objects.get(email="grace@example.com").attributes == {"plan": "pro"}


def test_import_command_reads_xlsx_by_its_extension(tmp_path):
    book = openpyxl.Workbook()
    book.active.append(["E-mail", "Visits"])
    book.active.append(["grace@example.com", 3])
    book.save(tmp_path / "contacts.xlsx")

    run_import(tmp_path / "contacts.xlsx")

    assert Contact.objects.get().attributes == {"visits": 3}


def test_import_command_reads_semicolons_with_our_csv_format(tmp_path):
    path = tmp_path / "contacts.csv"
    path.write_bytes("\ufeffEmail;City\nzoe@example.com;Zürich\n".encode())

    run_import(path, "--format", "wagtail_personal_links.resources.CSV")

    assert Contact.objects.get().attributes == {"city": "Zürich"}


def test_import_command_dry_run_saves_nothing(tmp_path):
    path = tmp_path / "contacts.csv"
    path.write_text("Email\ngrace@example.com\n")

    output = run_import(path, "--dry-run")

    assert "no data will be modified" in output
    assert "1 new" in output
    assert not Contact.objects.exists()


@pytest.mark.parametrize(
    ("content", "lines"),
    [
        (
            "Email\ngrace@example.com\nbob@\nGRACE@example.com\n",
            [
                "row 3, Email: 'bob@' is not a valid email address",
                "row 4, Email: 'GRACE@example.com' is already in row 2",
            ],
        ),
        ("Name\nGrace\n", ["The file has no email column. Name one column “Email”."]),
    ],
)
def test_import_command_prints_every_error_and_imports_nothing(tmp_path, content, lines):
    path = tmp_path / "contacts.csv"
    path.write_text(content)
    stderr = io.StringIO()

    with pytest.raises(SystemExit) as exit_info:
        call_command("import", RESOURCE, str(path), interactive=False, stderr=stderr)

    assert exit_info.value.code == 1
    assert stderr.getvalue().splitlines() == ["Import errors!", *lines]
    assert not Contact.objects.exists()


def test_export_command_writes_every_attribute_as_a_column(contact):
    Contact.objects.create(email="eve@example.com", first_name="=1+1", attributes={"city": "Oslo"})

    lines = run_export().decode().splitlines()

    assert lines == [
        "Email,Custom ID,First name,Last name,city,plan",
        "eve@example.com,,'=1+1,,Oslo,",
        "ada@example.com,ADA-1,Ada,Lovelace,,pro",
    ]


def test_export_then_import_through_the_commands_changes_nothing(tmp_path, contact):
    Contact.objects.create(email="grace@example.com", attributes={"visits": 3})
    before = list(Contact.objects.order_by("pk").values())
    (tmp_path / "contacts.xlsx").write_bytes(run_export("XLSX"))

    output = run_import(tmp_path / "contacts.xlsx")

    assert "0 new, 0 updated, 0 deleted and 2 skipped" in output
    assert list(Contact.objects.order_by("pk").values()) == before
