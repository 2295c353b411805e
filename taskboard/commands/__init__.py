"""Command groups beyond the core ones in `taskboard.cli`, each in its own module."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Attach every command group to the root app."""
