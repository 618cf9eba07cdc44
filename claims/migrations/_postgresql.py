"""SQL only PostgreSQL runs (search's columns, indexes and triggers): `make run` uses SQLite, where search does without.

Not a migration (Django's loader passes over modules whose name starts with _): what the claims' migrations share.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.db import migrations


def postgresql_only(forward: Sequence[str], backward: Sequence[str]) -> migrations.RunPython:
    """A migration step that runs `forward`'s statements on PostgreSQL, and `backward`'s to undo them."""
    return migrations.RunPython(_statements(forward), _statements(backward))


def _statements(statements: Sequence[str]) -> Callable[[Any, Any], None]:
    def run(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return run
