"""Load a visitor's link with its gate decision in one query, cheaply, on every gated view.

:meth:`PersonalLinkQuerySet.for_gate` says the same through the ORM, but
building and compiling its join and ``EXISTS`` subquery costs more than
running it, on every view of a survey. Here the statement is written once per
database connection's vendor and run as a raw query; the batch's columns are
converted by the backend's own converters, as the ORM would.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from django.db import connections, router
from django.db.backends.base.base import BaseDatabaseWrapper

from .batches import LinkBatch
from .links import PersonalLink

__all__ = ["load_gate_link"]

_BATCH_FIELDS = ("page_id", "status", "revoked_at")


def load_gate_link(link_id: int, page_id: int | None = None) -> PersonalLink | None:
    """Return the link with its batch and ``contact_has_answered``, as ``for_gate`` does.

    ``page_id`` names the page whose answers count (by default the link's own).
    Returns None when no link has the id.
    """
    alias = router.db_for_read(PersonalLink)
    connection = connections[alias]
    by_page = page_id is not None
    params = [page_id, link_id] if by_page else [link_id]
    raw = PersonalLink.objects.raw(_statement(alias, by_page), params).using(alias)
    link = next(iter(raw), None)
    if link is None:
        return None
    loaded = {"id": link.batch_id}
    for name in _BATCH_FIELDS:
        loaded[name] = _convert(name, getattr(link, f"gate_batch_{name}"), connection)
    # from_db() takes the loaded values in the model's field order.
    names = [f.attname for f in LinkBatch._meta.concrete_fields if f.attname in loaded]
    link.batch = LinkBatch.from_db(alias, names, [loaded[name] for name in names])
    link.contact_has_answered = bool(link.contact_has_answered)
    return link


@cache
def _statement(alias: str, by_page: bool) -> str:
    from .submissions import PersonalLinkFormSubmission  # it imports the links module

    quote = connections[alias].ops.quote_name

    def column(model: type, name: str) -> str:
        return quote(model._meta.get_field(name).column)

    links, batches = PersonalLink._meta.db_table, LinkBatch._meta.db_table
    answers = PersonalLinkFormSubmission._meta.db_table
    batch_columns = ", ".join(
        f"b.{column(LinkBatch, name)} AS gate_batch_{name}" for name in _BATCH_FIELDS
    )
    page = "%s" if by_page else f"b.{column(LinkBatch, 'page')}"
    return (
        f"SELECT l.*, {batch_columns}, EXISTS(SELECT 1 FROM {quote(answers)} a "
        f"WHERE a.{column(PersonalLinkFormSubmission, 'page')} = {page} "
        f"AND a.{column(PersonalLinkFormSubmission, 'contact')} = "
        f"l.{column(PersonalLink, 'contact')} "
        # Answers through a shared link are not the contact's own.
        f"AND NOT a.{column(PersonalLinkFormSubmission, 'multi_use')}) AS contact_has_answered "
        f"FROM {quote(links)} l INNER JOIN {quote(batches)} b "
        f"ON b.{column(LinkBatch, 'id')} = l.{column(PersonalLink, 'batch')} "
        f"WHERE l.{column(PersonalLink, 'id')} = %s"
    )


def _convert(name: str, value: Any, connection: BaseDatabaseWrapper) -> Any:
    field = LinkBatch._meta.get_field(name.removesuffix("_id"))
    column = field.get_col(LinkBatch._meta.db_table)
    converters = connection.ops.get_db_converters(column) + field.get_db_converters(connection)
    for converter in converters:
        value = converter(value, column, connection)
    return value
