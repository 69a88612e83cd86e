"""The package's layering stays true: who may import jwt, and which rooms sit below which."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import wagtail_personal_links

PACKAGE_DIR = Path(wagtail_personal_links.__file__).parent
PACKAGE = "wagtail_personal_links"

#: A lower room (a module, or a package and everything in it) -> the rooms above it,
#: which it must never import, not even inside a function.
LOWER_ROOMS = {
    "models": ["views", "forms", "pages", "middleware", "sessions", "gate", "generation",
               "exports", "imports", "admin_urls", "permissions", "audit", "panels", "tasks",
               "wagtail_hooks", "viewsets", "widgets", "recipients", "tokens"],
    "tokens": ["models", "views", "forms", "pages", "middleware", "sessions", "gate"],
    "conf": ["models", "tokens", "views", "forms", "pages", "middleware"],
    "cells": ["models", "exports", "imports", "views", "forms"],
    "imports": ["exports", "views", "forms", "pages", "middleware", "generation"],
    "sessions": ["middleware", "pages", "views"],
    "gate": ["middleware", "pages", "views"],
    "pages": ["middleware", "views", "forms", "generation"],
    # generation may enqueue its own task (tasks.py only wraps fill_batch), nothing higher.
    "generation": ["middleware", "views", "forms", "admin_urls", "wagtail_hooks"],
    "permissions": ["middleware", "views", "forms"],
    "exports": ["views", "forms", "imports", "middleware", "pages"],
    "audit": ["views", "forms", "pages", "middleware", "generation"],
}  # fmt: skip


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE_DIR).with_suffix("").parts
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join((PACKAGE, *parts))


def package_modules() -> dict[str, Path]:
    return {
        module_name(path): path
        for path in sorted(PACKAGE_DIR.rglob("*.py"))
        if "migrations" not in path.parts
    }


def imported_names(path: Path) -> set[str]:
    """Return every dotted name the module imports, relative imports resolved, lazy ones too."""
    module = module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")
            base = base[: len(base) - node.level + 1] if node.level else []
            target = ".".join([*base, *([node.module] if node.module else [])])
            names.add(target)
            names.update(f"{target}.{alias.name}" for alias in node.names)
    return names


def in_room(name: str, room: str) -> bool:
    full = f"{PACKAGE}.{room}"
    return name == full or name.startswith(full + ".")


def test_the_import_reader_sees_relative_and_lazy_imports():
    names = imported_names(PACKAGE_DIR / "generation.py")

    assert f"{PACKAGE}.pages.page_takes_links" in names
    assert f"{PACKAGE}.tasks.generate_links" in names  # imported inside a function


def test_only_tokens_imports_jwt():
    importers = sorted(
        module
        for module, path in package_modules().items()
        if any(name == "jwt" or name.startswith("jwt.") for name in imported_names(path))
    )

    assert importers == [f"{PACKAGE}.tokens"]


@pytest.mark.parametrize(("lower", "higher"), sorted(LOWER_ROOMS.items()), ids=sorted(LOWER_ROOMS))
def test_a_lower_room_never_imports_a_higher_one(lower, higher):
    offenders = sorted(
        f"{module} imports {name}"
        for module, path in package_modules().items()
        if in_room(module, lower)
        for name in imported_names(path)
        if any(in_room(name, room) for room in higher)
    )

    assert offenders == []
