"""Demo templates (car handover, service-point opening, onboarding) and past handovers for stats."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from functools import partial
from typing import TYPE_CHECKING, TypeVar

from sqlalchemy import select, update
from sqlmodel import col

from taskboard.domain.models import Activity, Task
from taskboard.domain.templates import StepSpec

if TYPE_CHECKING:
    from taskboard.services import Services

T = TypeVar("T")

VEHICLE_HANDOVER = "Vehicle handover"
SERVICE_POINT = "Service point opening"
ONBOARDING = "Onboarding"

HANDOVER_STEPS = (
    StepSpec("Papers at the registration agent", 2, "jonas", "Arrived", ("papers",), "high"),
    StepSpec("Payment confirmed", 4, "tarek", "Papers & payment", ("payment",)),
    StepSpec("Registration triggered", 6, "jonas", "Registration", ("registration",)),
    StepSpec("Handover appointment booked", 9, "mia", "Handover booked", ("handover",)),
    StepSpec("Car handed over", 14, "mia", "Handover booked", ("handover",)),
)
SERVICE_POINT_STEPS = (
    StepSpec("Site visit", 0, "lena", "Planned", ("site-visit",)),
    StepSpec("Partner contract signed", 14, "lena", "Contracting", ("contract",), "high"),
    StepSpec("Workshop tools and HV safety kit", 28, "lena", "Setup", ("setup",)),
    StepSpec("Technician training", 42, "tarek", "Training", ("training",)),
    StepSpec("Opening", 56, "lena", "Training", ("opening",)),
)
ONBOARDING_STEPS = (
    StepSpec("Laptop, accounts and badge", -3, "emil", "To do", ("it",)),
    StepSpec("Welcome and team introduction", 0, "emil", "To do"),
    StepSpec("Shadow two handovers", 7, None, "To do", ("training",)),
    StepSpec("Board and meeting routine explained", 10, "emil", "To do", ("process",)),
    StepSpec("Probation check-in", 90, "emil", "To do"),
)

# (car, days ago it arrived, days after arrival it entered each later column; None: not yet)
PAST_CARS = (
    ("WAG-4671", 40, (2, 5, 9, 13)),
    ("WAG-4675", 36, (3, 6, 11, 16)),
    ("WAG-4680", 31, (1, 4, 8, 12)),
    ("WAG-4684", 27, (2, 7, 12, 18)),
    ("WAG-4690", 22, (2, 5, 10, 15)),
    ("WAG-4695", 16, (3, 8, 11, None)),
    ("WAG-4699", 9, (2, 6, None, None)),
)
LATER_COLUMNS = ("Papers & payment", "Registration", "Handover booked", "Handed over")


def load_demo_templates(services: Services, today: date) -> None:
    """The three templates, and handover tasks with a backdated history for `taskboard stats`."""
    templates = services.templates
    templates.create(
        VEHICLE_HANDOVER,
        HANDOVER_STEPS,
        "From the car's arrival to its handover in about two weeks.",
    )
    templates.create(
        SERVICE_POINT, SERVICE_POINT_STEPS, "One checklist for every new service point."
    )
    templates.create(ONBOARDING, ONBOARDING_STEPS, "A new colleague's first weeks.")
    for car, ago, steps in PAST_CARS:
        arrived = today - timedelta(days=ago)
        made = at_day(
            services,
            arrived,
            partial(templates.apply, VEHICLE_HANDOVER, arrived, f"Handover {car}", project="DEL"),
        )
        key = made.key
        for column, after in zip(LATER_COLUMNS, steps, strict=True):
            if after is None:
                break
            when = arrived + timedelta(days=after)
            finished = column == LATER_COLUMNS[-1]
            for sub_key, step in zip(made.task_keys[1:], HANDOVER_STEPS, strict=True):
                due_passed = step.offset_days is not None and step.offset_days <= after
                if (finished or due_passed) and not services.tasks.row(sub_key).done:
                    at_day(services, when, partial(services.tasks.complete, sub_key))
            at_day(services, when, partial(services.tasks.move, key, column))


def at_day(services: Services, day: date, action: Callable[[], T]) -> T:
    """Run `action`, then date its activity rows (and what it created or finished) to `day`."""
    before = services.ctx.store.data_version()
    result = action()
    # Half past nine that day; today before half past nine, now (never a future moment).
    moment = min(datetime.combine(day, time(9, 30), tzinfo=UTC), datetime.now(UTC))
    with services.ctx.store.write() as s:
        s.execute(update(Activity).where(col(Activity.id) > before).values(at=moment))
        touched = select(col(Activity.task_id)).where(col(Activity.id) > before)
        created = touched.where(col(Activity.action) == "create")
        s.execute(
            update(Task).where(col(Task.id).in_(created)).values(created=moment, updated=moment)
        )
        s.execute(
            update(Task)
            .where(col(Task.id).in_(touched), col(Task.completed).is_not(None))
            .values(completed=moment, updated=moment)
        )
    return result
