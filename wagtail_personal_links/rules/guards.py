"""Comparisons that hold only where a value's type check does, tested after them.

An attribute filter compares the value as it is stored and guards the
comparison with a check of its JSON type (see :mod:`.expressions`). Most
rows fail the comparison, so the compiler tests the checks last, and each
check once per run of "and" however many filters of the run need it.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from django.db.models import Q

__all__ = ["Guarded", "conjunction", "guarded", "whole"]


class Guarded(NamedTuple):
    """Comparisons of an attribute's value, true only where its type ``guard`` holds.

    The compiler puts the comparisons of a run of "and" first and its guards
    last, each once, so that the rows the comparisons reject (most rows) skip
    the type checks. The whole is never SQL ``NULL``, so negating it is
    exact: the guard is true or false, and where it is true the value exists,
    so the comparisons are not ``NULL`` either (a number's is made so, for
    PostgreSQL, whose guard is always true).
    """

    tests: Q
    guard: Any


def guarded(guard: Any, *comparisons: Any) -> Guarded:
    """Return ``comparisons``, true only where the type check ``guard`` holds."""
    condition = Q()
    for test in comparisons:
        condition &= Q(test)
    return Guarded(condition, guard)


def whole(term: Q | Guarded) -> Q:
    """Return ``term`` as one condition, its guard included."""
    return term.tests & Q(term.guard) if isinstance(term, Guarded) else term


def conjunction(terms: list[Q | Guarded]) -> Q:
    """AND ``terms`` together: comparisons in order, then each distinct guard once."""
    result, guards = Q(), dict[Any, None]()  # an ordered set: expressions compare by value
    for term in terms:
        if isinstance(term, Guarded):
            result &= term.tests
            guards[term.guard] = None
        else:
            result &= term
    for guard in guards:
        result &= Q(guard)
    return result
