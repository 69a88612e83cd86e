"""Where an uploaded contact file waits between the preview and the confirmation.

Uploads go to django-import-export's temporary storage
(``IMPORT_EXPORT_TMP_STORAGE_CLASS`` when set). By default that is the
system's temporary folder, under a recognisable name, so that uploads nobody
confirmed or cancelled are removed after a day.
"""

from __future__ import annotations

import os
import tempfile
import time
from contextlib import suppress
from glob import glob

from django.conf import settings
from django.utils.module_loading import import_string
from import_export.tmp_storages import BaseStorage, TempFolderStorage

__all__ = ["UPLOAD_MAX_AGE", "UploadStorage", "read_upload", "remove_upload", "store_upload"]

UPLOAD_MAX_AGE = 24 * 60 * 60  # seconds


class UploadStorage(TempFolderStorage):
    """django-import-export's temporary-folder storage, under names old uploads are found by."""

    prefix = "wagtail-personal-links-import-"

    def save(self, data: bytes) -> None:
        with tempfile.NamedTemporaryFile(prefix=self.prefix, delete=False) as file:
            file.write(data)
        self.name = os.path.basename(file.name)

    @classmethod
    def remove_old(cls, max_age: int = UPLOAD_MAX_AGE) -> None:
        """Remove uploads older than ``max_age`` seconds."""
        cutoff = time.time() - max_age
        for path in glob(os.path.join(tempfile.gettempdir(), f"{cls.prefix}*")):
            with suppress(FileNotFoundError):
                if os.path.getmtime(path) < cutoff:
                    os.remove(path)


def _storage(name: str | None = None) -> BaseStorage:
    storage_class = getattr(settings, "IMPORT_EXPORT_TMP_STORAGE_CLASS", None) or UploadStorage
    if isinstance(storage_class, str):
        storage_class = import_string(storage_class)
    return storage_class(name=name, read_mode="rb")


def store_upload(data: bytes) -> str:
    """Keep ``data`` until the import is confirmed or cancelled; return its storage name."""
    storage = _storage()
    if isinstance(storage, UploadStorage):
        storage.remove_old()
    storage.save(data)
    return storage.name


def read_upload(name: str) -> bytes | None:
    """Return a stored upload, or ``None`` when it is gone."""
    try:
        return _storage(name).read()
    except FileNotFoundError:
        return None


def remove_upload(name: str) -> None:
    """Remove a stored upload; one already gone is fine."""
    with suppress(FileNotFoundError):
        _storage(name).remove()
