"""CPU seconds the processes of a load run spend, read from /proc through psutil.

Where the machine's time goes tells whether a load run measured the server or
the machine: a figure per request for the app servers and the database, and
the share the load generator took.
"""

from __future__ import annotations

import os
import resource

import psutil

__all__ = ["CpuAccount"]


def _tree_seconds(root: psutil.Process) -> float:
    """CPU of ``root`` and its live descendants, plus the children it has reaped."""
    total = 0.0
    try:
        processes = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0.0
    for process in processes:
        try:
            times = process.cpu_times()
        except psutil.NoSuchProcess:
            continue
        total += times.user + times.system
        if process is root:
            total += times.children_user + times.children_system
    return total


def _postmaster() -> psutil.Process | None:
    """Return the local PostgreSQL server's main process, if one runs here."""
    for process in psutil.process_iter(["name"]):
        try:
            if process.info["name"] == "postgres" and process.parent().name() != "postgres":
                return process
        except (psutil.NoSuchProcess, psutil.AccessDenied, AttributeError):
            continue
    return None


class CpuAccount:
    """CPU seconds of named process trees and of reaped children between ``start`` and ``stop``.

    ``trees`` maps a label to a root pid (gunicorn's master, the task worker).
    The local PostgreSQL server is counted when it runs here; the load
    generator is counted as this process's reaped children, so it must have
    been waited for before ``stop``.
    """

    def __init__(self, trees: dict[str, int], *, postgresql: bool = True) -> None:
        self.trees = {label: psutil.Process(pid) for label, pid in trees.items()}
        postmaster = _postmaster() if postgresql else None
        if postmaster is not None:
            self.trees["PostgreSQL"] = postmaster
        self.before: dict[str, float] = {}

    def _now(self) -> dict[str, float]:
        seconds = {label: _tree_seconds(root) for label, root in self.trees.items()}
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        seconds["load generator"] = children.ru_utime + children.ru_stime
        return seconds

    def start(self) -> None:
        """Take the first reading."""
        self.before = self._now()

    def stop(self) -> dict[str, float]:
        """Return the CPU seconds each spent since ``start``."""
        return {label: after - self.before[label] for label, after in self._now().items()}

    @staticmethod
    def available(seconds: float) -> float:
        """Return the CPU seconds this machine's cores offered in ``seconds`` of wall time."""
        return seconds * (os.cpu_count() or 1)
