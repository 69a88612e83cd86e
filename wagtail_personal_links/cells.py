"""Spreadsheet cells in CSV files: escape formulas on the way out, undo it on the way in.

The link export, the contact export and the contact import all go through
here, so that a file written by one is read back exactly by the other.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

__all__ = ["FORMULA_PREFIXES", "csv_lines", "escape_cell", "unescape_cell"]

#: First characters that make a spreadsheet program run a cell as a formula.
FORMULA_PREFIXES = frozenset("=+-@\t\r")
_SUSPECT = FORMULA_PREFIXES | {"'"}


def escape_cell(value: Any) -> str:
    """Return ``value`` as text that spreadsheet programs will not run as a formula."""
    text = "" if value is None else str(value)
    # Apostrophes already in front of a formula are escaped too, so that an
    # import that strips one apostrophe gives back exactly the stored text.
    return "'" + text if text.lstrip("'")[:1] in FORMULA_PREFIXES else text


def unescape_cell(text: str) -> str:
    """Return ``text`` without the apostrophe :func:`escape_cell` put in front of it."""
    if text[:1] == "'" and escape_cell(text[1:]) != text[1:]:
        return text[1:]
    return text


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    """Yield each row as one RFC 4180 CSV line, every cell escaped against formulas."""
    writer = csv.writer(_Echo())
    for row in rows:
        # Only text can hold a formula; numbers and None are written as they are,
        # and text is looked at closely only when its first character could start one.
        yield writer.writerow(
            [
                escape_cell(cell) if isinstance(cell, str) and cell[:1] in _SUSPECT else cell
                for cell in row
            ]
        )
