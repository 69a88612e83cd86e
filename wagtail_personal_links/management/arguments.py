"""Option types shared by the package's management commands."""

from __future__ import annotations

import argparse

__all__ = ["positive_number"]


def positive_number(value: str, message: str) -> int:
    """Return ``value`` as a whole number of 1 or more; otherwise refuse it with ``message``."""
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(message)
    return number
