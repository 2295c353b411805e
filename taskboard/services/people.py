"""People: the handles that `@handle` resolves to, and the configured user."""

from __future__ import annotations

from sqlalchemy import select
from sqlmodel import col

from taskboard.domain import rules
from taskboard.domain.models import Person
from taskboard.domain.views import PersonView
from taskboard.services.context import ServiceContext
from taskboard.services.errors import DuplicateError
from taskboard.services.ops import find


def person_view(p: Person) -> PersonView:
    return PersonView(id=p.id or 0, handle=p.handle, name=p.name, email=p.email)


class PersonService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    def add(self, handle: str, name: str, email: str | None = None) -> PersonView:
        handle = rules.handle(handle)
        full = rules.PERSON_NAME.check(name)
        address = rules.EMAIL.check(email) if email else None
        with self.ctx.change() as (_s, log):
            person_id, made = find.add_person(log.writer, handle, full, address or None)
            if not made:
                raise DuplicateError(f"@{handle} already exists")
            log.about("create", "person", person_id, new=handle)
            return PersonView(id=person_id, handle=handle, name=full, email=address or None)

    def all(self) -> list[PersonView]:
        with self.ctx.store.read() as s:
            stmt = select(Person).order_by(col(Person.handle))
            return [person_view(p) for p in s.scalars(stmt)]

    def handles(self) -> list[str]:
        with self.ctx.store.read() as s:
            return list(s.scalars(select(col(Person.handle)).order_by(col(Person.handle))))
