"""Which segments refer to which through their rules, read in one query and walked in one place.

Only a dynamic segment has rules, so only dynamic segments refer to others;
a static segment is where a path of references ends. The same walk answers
both questions the rules raise: would these rules lead back to their own
segment (refused on save), and which segments would a segment's rules close
a cycle through (left out of the segment chooser).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..rules.schema import ids_named_by
from .segments import Segment

__all__ = ["ReferenceGraph", "segments_named_by"]


def segments_named_by(tree: Any) -> set[int]:
    """Return the ids of the segments that the filters of ``tree`` name."""
    return ids_named_by(tree, "segment", "segment")


class ReferenceGraph:
    """Every dynamic segment's rules, and the segments each of them names."""

    def __init__(self, rules: Mapping[int, Any]) -> None:
        self.rules = dict(rules)
        self.references = {pk: segments_named_by(tree) for pk, tree in self.rules.items()}

    @classmethod
    def load(cls) -> ReferenceGraph:
        """Read every dynamic segment's rules, in one query."""
        rows = Segment.objects.filter(kind=Segment.Kind.DYNAMIC).values_list("pk", "rules")
        return cls(dict(rows))

    def with_rules(self, segment_id: int, tree: Any) -> ReferenceGraph:
        """Return the graph as it would be if segment ``segment_id`` had the rules ``tree``."""
        return ReferenceGraph({**self.rules, segment_id: tree})

    def path_back(self, segment_id: int) -> list[int] | None:
        """Return the ids along a shortest path of references from a segment back to itself."""
        parents = _walk(self.references, segment_id)
        if segment_id not in parents:
            return None
        path = [segment_id, parents[segment_id]]
        while path[-1] != segment_id:
            path.append(parents[path[-1]])
        return path[::-1]

    def leading_to(self, segment_id: int) -> set[int]:
        """Return the segment and every segment whose rules lead to it, directly or through others.

        These are the segments its own rules cannot name without a cycle.
        """
        named_by: dict[int, set[int]] = {}
        for pk, targets in self.references.items():
            for target in targets:
                named_by.setdefault(target, set()).add(pk)
        return {segment_id, *_walk(named_by, segment_id)}


def _walk(edges: Mapping[int, set[int]], start: int) -> dict[int, int]:
    """Map each node reachable from ``start`` in one step or more to the node before it.

    The walk is breadth first, so following the map back gives a shortest path;
    ``start`` is in the map only if a path leads back to it.
    """
    parents: dict[int, int] = {}
    frontier = [start]
    while frontier:
        reached = []
        for node in frontier:
            for target in edges.get(node, ()):
                if target not in parents:
                    parents[target] = node
                    reached.append(target)
        frontier = reached
    return parents
