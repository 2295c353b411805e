"""Opening and migrating the store; everything that knows about engines lives here.

Names are imported on first use (PEP 562), so the light parts — revisions,
targets, errors — can be used without paying for SQLAlchemy.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from taskboard.store.errors import SchemaTooNewError, StoreError
    from taskboard.store.store import Store, open_store
    from taskboard.store.target import mask, resolve_url

_WHERE = {
    "SchemaTooNewError": "taskboard.store.errors",
    "StoreError": "taskboard.store.errors",
    "Store": "taskboard.store.store",
    "open_store": "taskboard.store.store",
    "mask": "taskboard.store.target",
    "resolve_url": "taskboard.store.target",
}


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(importlib.import_module(_WHERE[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["SchemaTooNewError", "Store", "StoreError", "mask", "open_store", "resolve_url"]
