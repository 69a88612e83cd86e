"""Import a generated 100,000-contact CSV through ContactResource, then upsert it.

Times the admin's dry-run preview of the file, the import of all-new rows, an
upsert of the same file (every row unchanged), and an upsert where every row
changes. Prints rows per second and peak RSS growth, on a temporary SQLite
database, or on PostgreSQL when DATABASE_URL points to one.
Targets: >= 5,000 rows/s for new rows on SQLite, peak RSS growth <= 300 MB,
preview under 30 s.

    .venv/bin/python benchmarks/import_contacts.py [--rows 100000] [--defaults]

--defaults measures django-import-export's default settings instead (no bulk
mode, diffs on, one lookup query per row), to compare against.
"""

from __future__ import annotations

import argparse
import os
import shutil
import time
from pathlib import Path

from _setup import peak_rss_mb, setup_django

PLANS = ("free", "pro", "enterprise")
CITIES = ("London", "Paris", "Berlin", "Lisbon", "Oslo")


def contacts_csv(rows: int, city_suffix: str = "") -> bytes:
    """Return a CSV of ``rows`` contacts, each with three attributes."""
    lines = ["Email,First name,Last name,Plan,City,Visits"]
    lines += [
        f"person{i}@example.com,First{i},Last{i},{PLANS[i % 3]},{CITIES[i % 5]}{city_suffix},"
        f"{i % 100}"
        for i in range(rows)
    ]
    return ("\n".join(lines) + "\n").encode()


def resource_class(defaults: bool) -> type:
    from wagtail_personal_links.imports.fields import ContactInstanceLoader
    from wagtail_personal_links.resources import ContactResource

    if not defaults:
        return ContactResource

    class OneQueryPerRow(ContactInstanceLoader):
        chunk_size = 1

    class DefaultsResource(ContactResource):
        class Meta(ContactResource.Meta):
            use_bulk = False
            skip_diff = False
            instance_loader_class = OneQueryPerRow

    return DefaultsResource


def timed_import(resource_class: type, data: bytes, **kwargs: object) -> tuple[float, dict]:
    from wagtail_personal_links.imports.files import read_dataset

    started = time.perf_counter()
    result = resource_class().import_data(read_dataset(data, "contacts.csv"), **kwargs)
    seconds = time.perf_counter() - started
    assert not result.has_errors(), [error.error for error in result.base_errors]
    return seconds, dict(result.totals)


def timed_preview(resource_class: type, data: bytes) -> tuple[float, int]:
    """Time what the admin's upload step does: read the file, dry-run, report."""
    from wagtail_personal_links.imports.files import read_dataset
    from wagtail_personal_links.imports.service import PREVIEW_ROWS, ImportReport

    started = time.perf_counter()
    dataset = read_dataset(data, "contacts.csv")
    resource = resource_class(preview_limit=PREVIEW_ROWS)
    result = resource.import_data(dataset, dry_run=True, use_transactions=True)
    report = ImportReport.from_result(resource, result, dataset)
    return time.perf_counter() - started, report.new


def remove_database(database_url: str) -> None:
    """Drop the benchmark's database: the temporary SQLite file, or the test database."""
    from django.db import connection

    if connection.vendor == "sqlite":
        connection.close()
        shutil.rmtree(Path(connection.settings_dict["NAME"]).parent)
    else:
        import dj_database_url

        original_name = dj_database_url.parse(database_url)["NAME"]
        connection.creation.destroy_test_db(original_name, verbosity=0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--defaults", action="store_true")
    args = parser.parse_args()
    given_url = os.environ.get("DATABASE_URL", "")
    database = setup_django()
    try:
        run(args.rows, resource_class(args.defaults), database, args.defaults)
    finally:
        remove_database(given_url)


def run(rows: int, resource_class: type, database: str, defaults: bool) -> None:
    from django.test.utils import override_settings

    rss_before = peak_rss_mb()
    data, changed = contacts_csv(rows), contacts_csv(rows, city_suffix=" 2")
    with override_settings(PERSONAL_LINKS_IMPORT_MAX_ROWS=max(rows, 200_000)):
        preview, previewed = timed_preview(resource_class, data)
        new, new_totals = timed_import(resource_class, data)
        unchanged, unchanged_totals = timed_import(resource_class, data)
        updated, updated_totals = timed_import(resource_class, changed)
    growth = peak_rss_mb() - rss_before
    assert (previewed, new_totals["new"]) == (rows, rows)
    assert (unchanged_totals["skip"], updated_totals["update"]) == (rows, rows)

    print(f"database:                 {database}")
    print(f"settings:                 {'django-import-export defaults' if defaults else 'ours'}")
    print(f"rows:                     {rows:,} (3 attributes each, {len(data) / 1e6:.1f} MB CSV)")
    print(f"preview (dry run):        {preview:.1f} s  (target < 30 s)")
    print(f"import, all new:          {new:.1f} s  ({rows / new:,.0f} rows/s; target >= 5,000)")
    print(f"upsert, all unchanged:    {unchanged:.1f} s  ({rows / unchanged:,.0f} rows/s)")
    print(f"upsert, all changed:      {updated:.1f} s  ({rows / updated:,.0f} rows/s)")
    print(f"peak RSS growth:          {growth:.0f} MB  (target <= 300 MB)")


if __name__ == "__main__":
    main()
