"""What every use case needs: the store, who is acting, what day it is, and one change."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session

from taskboard.services.activity import ChangeLog
from taskboard.store import Store
from taskboard.store.feed import DATA
from taskboard.store.writer import Writer


@dataclass(frozen=True)
class ServiceContext:
    store: Store
    actor: str

    def today(self) -> date:
        return date.today()

    @contextmanager
    def change(self, kind: str = DATA) -> Iterator[tuple[Session, ChangeLog]]:
        """One change as one transaction: the session and the log its steps record into.

        The log is written when the block ends, inside the transaction; any error rolls
        back both the change and its log. `kind` tells the change feed what changed
        (`taskboard.store.feed`: the data, or only a meeting room's presence).
        """
        with self.store.write(kind) as s:
            log = ChangeLog(Writer.of_session(s), self.actor)
            yield s, log
            log.flush()
