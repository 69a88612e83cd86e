"""Rule-based segments: the rule tree's schema and validation, and its compiler to one query.

The vocabulary is in :mod:`.operators`, the tree's shape in :mod:`.schema`,
the typed SQL values of JSON attributes in :mod:`.expressions`, and the
compiler in :mod:`.compiler`. ``Segment.get_contacts()`` is the only caller
most code needs.
"""
