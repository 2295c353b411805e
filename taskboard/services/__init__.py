"""Use cases, one transaction each; the only way the UI and the CLI change the store."""

from __future__ import annotations

from dataclasses import dataclass

from taskboard.services.context import ServiceContext
from taskboard.services.errors import (
    AmbiguousError,
    BlockedError,
    ConflictError,
    NotFoundError,
    ServiceError,
)
from taskboard.services.people import PersonService
from taskboard.services.projects import ProjectService
from taskboard.services.tasks import Created, TaskDraft, TaskService
from taskboard.store import Store


@dataclass(frozen=True)
class Services:
    """Every service over one store, acting as one person."""

    ctx: ServiceContext
    projects: ProjectService
    people: PersonService
    tasks: TaskService

    @classmethod
    def open(cls, store: Store, actor: str) -> Services:
        ctx = ServiceContext(store=store, actor=actor)
        return cls(
            ctx=ctx,
            projects=ProjectService(ctx),
            people=PersonService(ctx),
            tasks=TaskService(ctx),
        )


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
