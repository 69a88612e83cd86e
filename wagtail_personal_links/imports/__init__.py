"""Contact import: read a spreadsheet, match its columns, preview, then import in one go.

``files`` reads an upload into a dataset, ``columns`` and ``fields`` turn its
cells into contact fields and attributes, ``resources`` holds the
django-import-export resource, ``storage`` keeps an upload between the
preview and the confirmation, and ``service`` is what the views call.
"""
