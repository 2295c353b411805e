"""What every use case needs: the store, who is acting, and what day it is."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from taskboard.store import Store


@dataclass(frozen=True)
class ServiceContext:
    store: Store
    actor: str

    def today(self) -> date:
        return date.today()
