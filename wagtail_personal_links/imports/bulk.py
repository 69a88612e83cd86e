"""Save the contacts an import changes with one ``executemany`` UPDATE per batch."""

from __future__ import annotations

from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from import_export.results import Result

from ..models import Contact

__all__ = ["ExecutemanyUpdateMixin", "update_contacts"]


class ExecutemanyUpdateMixin:
    """Make a ``use_bulk`` resource save changed rows with ``executemany``, not ``bulk_update()``.

    ``QuerySet.bulk_update()`` builds a CASE expression per field and row,
    which costs more than everything else an import does.
    """

    update_instances: list[Contact]

    def bulk_update(
        self,
        using_transactions: bool,
        dry_run: bool,
        raise_errors: bool,
        batch_size: int | None = None,
        result: Result | None = None,
    ) -> None:
        """Save a batch of changed contacts with one ``executemany`` UPDATE."""
        if not self.update_instances or (dry_run and not using_transactions):
            return
        try:
            connection = connections[self.get_db_connection_name()]  # type: ignore[attr-defined]
            fields = self.get_bulk_update_fields()  # type: ignore[attr-defined]
            update_contacts(self.update_instances, fields, connection)
        except Exception as error:
            self.handle_import_error(result, error, raise_errors)  # type: ignore[attr-defined]
        finally:
            self.update_instances.clear()


def update_contacts(
    contacts: list[Contact], field_names: list[str], connection: BaseDatabaseWrapper
) -> None:
    """Write ``field_names`` of each contact with one ``executemany`` UPDATE."""
    fields = [Contact._meta.get_field(name) for name in field_names]
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(field.column)} = %s" for field in fields)
    sql = (
        f"UPDATE {quote(Contact._meta.db_table)} SET {assignments} "
        f"WHERE {quote(Contact._meta.pk.column)} = %s"
    )
    rows = [
        [field.get_db_prep_save(getattr(contact, field.attname), connection) for field in fields]
        + [contact.pk]
        for contact in contacts
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)
