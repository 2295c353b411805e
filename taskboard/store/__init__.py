"""Opening and migrating the store; everything that knows about engines lives here."""

from __future__ import annotations

from taskboard.store.errors import SchemaTooNewError, StoreError
from taskboard.store.store import Store, open_store
from taskboard.store.target import mask, resolve_url

__all__ = ["SchemaTooNewError", "Store", "StoreError", "mask", "open_store", "resolve_url"]
