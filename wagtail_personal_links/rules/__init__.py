"""Rule-based segments: the rule tree's schema and validation, and its compiler to one query.

The vocabulary is in :mod:`.operators`, the tree's shape in :mod:`.schema`,
the typed SQL values of JSON attributes in :mod:`.expressions`, the order
in which their type checks run in :mod:`.guards`, and the compiler in
:mod:`.compiler`. It sits below the models: it knows contacts'
fields by name, and ``models/segment_rules.py`` lends it the querysets for
segment and survey filters. ``Segment.get_contacts()`` is the only caller most
code needs.
"""

__all__: list[str] = []
