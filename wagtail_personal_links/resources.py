"""The contact resource and file format at the paths the command line documents.

They live in :mod:`wagtail_personal_links.imports`; these names stay here for
django-import-export's own commands::

    manage.py import wagtail_personal_links.resources.ContactResource contacts.csv
    manage.py import wagtail_personal_links.resources.ContactResource contacts.csv \\
        --format wagtail_personal_links.resources.CSV
    manage.py export CSV wagtail_personal_links.resources.ContactResource
"""

from .imports.files import CSV
from .imports.resources import ContactResource, Duplicates

__all__ = ["CSV", "ContactResource", "Duplicates"]
