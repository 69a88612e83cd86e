"""Personal links made in bulk: rows inserted by the chunk, as plain parameters."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from itertools import islice
from typing import Any

from django.db import connection, transaction

from .batches import LinkBatch
from .links import PersonalLink, new_public_ids

__all__ = ["insert_link_rows"]


def insert_link_rows(
    batch: LinkBatch,
    contact_ids: Iterable[int],
    chunk_size: int,
    code_hash: Callable[[str], str],
    *,
    skip_existing: bool = False,
) -> int:
    """Insert a link for each contact id into ``batch``, in chunks; return how many.

    The ORM's per-object cost, not the database, is what makes
    ``bulk_create`` slow for 100,000 links, so rows go in as plain
    parameters: one ``INSERT ... SELECT unnest(...)`` per chunk on
    PostgreSQL, ``executemany`` elsewhere. Each chunk is atomic, so outside
    a transaction every chunk commits (showing progress) and a bad contact
    id fails at its commit, leaving the connection usable. ``code_hash``
    gives each new public id the hash of its short code
    (``tokens.code_hasher()``; models know nothing of tokens). With
    ``skip_existing``, a contact with a link in the batch already is
    skipped (``ON CONFLICT DO NOTHING``) and only inserted links count.
    """
    ids, count = iter(contact_ids), 0
    expires_at = connection.ops.adapt_datetimefield_value(batch.expires_at)
    tail = _skip_existing_clause() if skip_existing else ""
    with connection.cursor() as cursor:
        while chunk := list(islice(ids, chunk_size)):
            public_ids = new_public_ids(len(chunk))
            hashes = [code_hash(public_id) for public_id in public_ids]
            with transaction.atomic():
                _insert(
                    cursor,
                    (batch.pk, expires_at, batch.max_answers),
                    public_ids,
                    chunk,
                    hashes,
                    tail,
                )
            count += cursor.rowcount if skip_existing else len(chunk)
    return count


_INSERT_FIELDS = ("public_id", "batch", "contact", "expires_at", "code_hash", "max_answers")


def _insert(
    cursor: Any,
    batch_values: tuple[int, Any, int | None],
    public_ids: list[str],
    contact_ids: list[int],
    code_hashes: list[str],
    tail: str = "",
) -> None:
    batch_id, expires_at, max_answers = batch_values
    opts = PersonalLink._meta
    quote = connection.ops.quote_name
    columns = ", ".join(quote(opts.get_field(name).column) for name in _INSERT_FIELDS)
    head = f"INSERT INTO {quote(opts.db_table)} ({columns})"
    if connection.vendor == "postgresql":
        cursor.execute(  # one statement for the chunk instead of one per row
            f"{head} SELECT unnest(%s::varchar[]), %s, unnest(%s::bigint[]), %s,"
            f" unnest(%s::varchar[]), %s{tail}",
            [public_ids, batch_id, contact_ids, expires_at, code_hashes, max_answers],
        )
    else:
        rows = zip(public_ids, contact_ids, code_hashes, strict=True)
        cursor.executemany(
            f"{head} VALUES (%s, %s, %s, %s, %s, %s){tail}",
            [(public_id, batch_id, pk, expires_at, hashed, max_answers)
             for public_id, pk, hashed in rows],
        )  # fmt: skip


def _skip_existing_clause() -> str:
    quote = connection.ops.quote_name
    batch, contact = (PersonalLink._meta.get_field(name).column for name in ("batch", "contact"))
    return f" ON CONFLICT ({quote(batch)}, {quote(contact)}) DO NOTHING"
