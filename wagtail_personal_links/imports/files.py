"""Uploaded contact files: tell their format and read their rows into a dataset."""

from __future__ import annotations

import os
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export.formats import base_formats
from tablib import Dataset, InvalidDimensions

from .columns import ContactImportError

__all__ = [
    "CSV",
    "ENCODING_CHOICES",
    "FORMAT_CHOICES",
    "detect_format",
    "guess_delimiter",
    "read_dataset",
]

FORMAT_CHOICES = [
    ("csv", gettext_lazy("CSV (comma, semicolon or tab separated)")),
    ("tsv", gettext_lazy("TSV (tab separated)")),
    ("xlsx", gettext_lazy("Excel workbook (.xlsx)")),
]
ENCODING_NAMES = {"utf-8": "UTF-8", "utf-16": "UTF-16", "cp1252": "Windows-1252"}
ENCODING_CHOICES = [
    ("utf-8", gettext_lazy("UTF-8, with or without a byte order mark")),
    ("utf-16", gettext_lazy("UTF-16 (Excel “Unicode text”)")),
    ("cp1252", gettext_lazy("Windows-1252 (Western European)")),
]
FORMAT_BY_EXTENSION = {".csv": "csv", ".txt": "csv", ".tsv": "tsv", ".tab": "tsv", ".xlsx": "xlsx"}
ZIP_SIGNATURE = b"PK\x03\x04"  # an .xlsx workbook is a zip archive


class CSV(base_formats.CSV):
    """CSV separated by commas, semicolons or tabs, whichever the header line uses.

    On the command line: ``--format wagtail_personal_links.resources.CSV``.
    """

    def create_dataset(self, in_stream: str | bytes, **kwargs: Any) -> Dataset:
        if isinstance(in_stream, bytes):
            in_stream = in_stream.decode(self.encoding or "utf-8-sig")
        kwargs.setdefault("delimiter", guess_delimiter(in_stream))
        return super().create_dataset(in_stream, **kwargs)


def read_dataset(
    data: bytes, file_name: str, file_format: str = "", encoding: str = "utf-8"
) -> Dataset:
    """Read the rows of an uploaded file; detect its format unless ``file_format`` is given.

    Raise :class:`ContactImportError` with a readable message when it cannot be read.
    """
    file_format = file_format or detect_format(data, file_name)
    if file_format == "xlsx":
        return _read_workbook(data, file_name)
    text = _decode(data, file_name, encoding)
    delimiter = "\t" if file_format == "tsv" else guess_delimiter(text)
    try:
        return CSV().create_dataset(text, delimiter=delimiter)
    except InvalidDimensions:
        raise ContactImportError(
            [_("A row of the file has more cells than its header row has columns.")]
        ) from None


def detect_format(data: bytes, file_name: str) -> str:
    """Return "csv", "tsv" or "xlsx" from the file's content and extension."""
    if data.startswith(ZIP_SIGNATURE):
        return "xlsx"
    extension = os.path.splitext(file_name)[1].lower()
    if extension not in FORMAT_BY_EXTENSION:
        raise ContactImportError(
            [
                _(
                    "“%(name)s” is not a CSV, TSV or Excel (.xlsx) file. If it is one, "
                    "choose its format."
                )
                % {"name": file_name}
            ]
        )
    return FORMAT_BY_EXTENSION[extension]


def guess_delimiter(text: str) -> str:
    """Return the comma, semicolon or tab that the header line uses most."""
    header = text.split("\n", 1)[0]
    return max(",;\t", key=header.count)


def _decode(data: bytes, file_name: str, encoding: str) -> str:
    if b"\x00" in data[:8192] and not encoding.startswith("utf-16"):
        raise ContactImportError(
            [
                _(
                    "“%(name)s” is not a text file: it holds binary data. Upload a CSV, "
                    "TSV or Excel (.xlsx) file."
                )
                % {"name": file_name}
            ]
        )
    try:
        # utf-8-sig reads files with and without the byte order mark Excel writes.
        return data.decode("utf-8-sig" if encoding == "utf-8" else encoding)
    except UnicodeDecodeError as error:
        raise ContactImportError(
            [
                _(
                    "The file is not in the %(encoding)s encoding: byte 0x%(byte)02X on line "
                    "%(line)d cannot be read. Choose the encoding it was saved in, such as "
                    "Windows-1252."
                )
                % {
                    "encoding": ENCODING_NAMES.get(encoding, encoding),
                    "byte": data[error.start],
                    "line": data[: error.start].count(b"\n") + 1,
                }
            ]
        ) from None


def _read_workbook(data: bytes, file_name: str) -> Dataset:
    try:
        return base_formats.XLSX().create_dataset(data)
    except Exception:  # openpyxl raises many kinds of error on a damaged workbook
        raise ContactImportError(
            [_("“%(name)s” could not be read as an Excel (.xlsx) workbook.") % {"name": file_name}]
        ) from None
