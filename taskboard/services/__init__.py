"""Use cases, one transaction each; the only way the UI and the CLI change the store."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from taskboard.services.errors import (
    AmbiguousError,
    BlockedError,
    ConflictError,
    NotFoundError,
    ServiceError,
)

if TYPE_CHECKING:
    from taskboard.domain.drafts import TaskDraft
    from taskboard.domain.views import Created
    from taskboard.services.context import ServiceContext
    from taskboard.services.meetings import MeetingService
    from taskboard.services.okr import OkrService
    from taskboard.services.people import PersonService
    from taskboard.services.people_views import PeopleViewService
    from taskboard.services.projects import ProjectService
    from taskboard.services.search import SearchService
    from taskboard.services.stats import StatsService
    from taskboard.services.tasks import TaskService
    from taskboard.services.templates import TemplateService
    from taskboard.services.transfer import TransferService
    from taskboard.services.undo import UndoService
    from taskboard.store import Store
    from taskboard.store.feed import ChangeFeed


def __getattr__(name: str) -> object:
    # PEP 562: the draft (and with it the capture grammar) loads when first asked for, not
    # with `taskboard.services.snapshot`, which the board's first paint reads through.
    if name == "TaskDraft":
        from taskboard.domain.drafts import TaskDraft

        return TaskDraft
    if name == "Created":
        from taskboard.domain.views import Created

        return Created
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class Services:
    """Every service over one store, acting as one person.

    Services are built on first use: a command imports only what it touches.
    """

    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    @classmethod
    def open(cls, store: Store, actor: str) -> Services:
        from taskboard.services.context import ServiceContext

        return cls(ServiceContext(store=store, actor=actor))

    @property
    def changes(self) -> ChangeFeed:
        """The store's change feed: what live screens wait on (`taskboard.store.feed`)."""
        return self.ctx.store.feed

    @cached_property
    def tasks(self) -> TaskService:
        from taskboard.services.tasks import TaskService

        return TaskService(self.ctx)

    @cached_property
    def projects(self) -> ProjectService:
        from taskboard.services.projects import ProjectService

        return ProjectService(self.ctx)

    @cached_property
    def people(self) -> PersonService:
        from taskboard.services.people import PersonService

        return PersonService(self.ctx)

    @cached_property
    def undo(self) -> UndoService:
        from taskboard.services.undo import UndoService

        return UndoService(self.ctx)

    @cached_property
    def transfer(self) -> TransferService:
        from taskboard.services.transfer import TransferService

        return TransferService(self.ctx)

    @cached_property
    def meetings(self) -> MeetingService:
        from taskboard.services.meetings import MeetingService

        return MeetingService(self.ctx)

    @cached_property
    def okr(self) -> OkrService:
        from taskboard.services.okr import OkrService

        return OkrService(self.ctx)

    @cached_property
    def templates(self) -> TemplateService:
        from taskboard.services.templates import TemplateService

        return TemplateService(self.ctx)

    @cached_property
    def people_views(self) -> PeopleViewService:
        from taskboard.services.people_views import PeopleViewService

        return PeopleViewService(self.ctx)

    @cached_property
    def search(self) -> SearchService:
        from taskboard.services.search import SearchService

        return SearchService(self.ctx)

    @cached_property
    def stats(self) -> StatsService:
        from taskboard.services.stats import StatsService

        return StatsService(self.ctx)


__all__ = [
    "AmbiguousError",
    "BlockedError",
    "ConflictError",
    "Created",
    "NotFoundError",
    "ServiceError",
    "Services",
    "TaskDraft",
]
