"""The demo workspace: an EV maker's sales team (the story in shared/seeds), with invented people.

Car handovers run the same checklist about two weeks from arrival to handover;
the service network grows from 61 towards 200 service points; new colleagues
are onboarded. Dates are relative to today so the board always has work that
is due, overdue and later.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import date, timedelta
from functools import partial
from typing import TYPE_CHECKING

from taskboard.domain.drafts import TaskDraft
from taskboard.services.demo_goals import load_demo_goals
from taskboard.services.demo_templates import at_day, load_demo_templates

if TYPE_CHECKING:
    from taskboard.services import Services

DEMO_MARKER = "DEL"

PEOPLE = (
    ("jonas", "Jonas Brandt", "Delivery lead"),
    ("mia", "Mia Keller", "Customer care"),
    ("lena", "Lena Vogt", "After-market, service network"),
    ("tarek", "Tarek Haddad", "Sales operations"),
    ("sofia", "Sofia Lindqvist", "Communications and PR"),
    ("emil", "Emil Berg", "People and onboarding"),
)

HANDOVER_COLUMNS = ("Arrived", "Papers & payment", "Registration", "Handover booked", "Handed over")
SERVICE_COLUMNS = ("Planned", "Contracting", "Setup", "Training", "Open")
ONBOARDING_COLUMNS = ("To do", "Doing", "Done")

# (title, column, assignee, due in days, priority, tags)
HANDOVER_TASKS = (
    (
        "Car 4718 arrived at the Hamburg hub: check delivery damage",
        "Arrived",
        "jonas",
        0,
        "high",
        ("hub",),
    ),
    (
        "Car 4719 arrived in Munich: customer wants delivery to the office",
        "Arrived",
        "mia",
        2,
        None,
        ("special-request",),
    ),
    (
        "Car 4715: papers to the registration agent",
        "Papers & payment",
        "jonas",
        -2,
        "urgent",
        ("papers",),
    ),
    (
        "Car 4716: confirm payment so registration can start",
        "Papers & payment",
        "tarek",
        1,
        "high",
        ("payment",),
    ),
    (
        "Car 4717: customer asks for winter tyres before handover",
        "Papers & payment",
        "mia",
        5,
        None,
        ("special-request",),
    ),
    (
        "Car 4712: registration triggered, plates ordered",
        "Registration",
        "jonas",
        3,
        None,
        ("registration",),
    ),
    (
        "Car 4713: registration for a company fleet customer",
        "Registration",
        "tarek",
        -1,
        "high",
        ("registration", "fleet"),
    ),
    (
        "Car 4709: handover booked for Saturday, Berlin hand-over centre",
        "Handover booked",
        "mia",
        4,
        None,
        ("handover",),
    ),
    (
        "Car 4710: handover with driving introduction at the customer's home",
        "Handover booked",
        "jonas",
        6,
        None,
        ("handover", "special-request"),
    ),
    ("Car 4701 handed over in Hamburg", "Handed over", "jonas", -6, None, ("handover",)),
    ("Car 4702 handed over in Frankfurt", "Handed over", "mia", -4, None, ("handover",)),
)

SERVICE_TASKS = (
    (
        "Service point Leipzig: sign the partner contract",
        "Contracting",
        "lena",
        3,
        "high",
        ("contract",),
    ),
    (
        "Service point Bremen: workshop tools and high-voltage safety kit",
        "Setup",
        "lena",
        -3,
        "urgent",
        ("setup",),
    ),
    (
        "Service point Freiburg: technician training on the new model",
        "Training",
        "tarek",
        8,
        None,
        ("training",),
    ),
    ("Service point Rostock: site visit", "Planned", "lena", 12, None, ("site-visit",)),
    (
        "Service point Kassel: diagnostic laptop and parts account",
        "Setup",
        "lena",
        4,
        None,
        ("setup",),
    ),
    ("Service point Ulm opened", "Open", "lena", -10, None, ("opening",)),
    (
        "Duplicate the opening checklist for the next 60 partners",
        "Planned",
        "lena",
        14,
        "high",
        ("process",),
    ),
)

ONBOARDING_TASKS = (
    (
        "Laptop, accounts and badge for the new delivery coordinator",
        "Doing",
        "emil",
        1,
        "high",
        ("it",),
    ),
    (
        "Shadow two handovers at the Berlin hand-over centre",
        "To do",
        "jonas",
        7,
        None,
        ("training",),
    ),
    (
        "Introduce the board and meeting routine to the new colleague",
        "To do",
        "emil",
        3,
        None,
        ("process",),
    ),
    ("Send welcome pack", "Done", "emil", -5, None, ()),
)

INBOX_LINES = (
    "Ask the registration agent about faster turnaround #papers",
    "Press photos for the new hand-over centre @sofia",
    "Customer feedback survey after handover",
)


# Who set the workspace up. Its history is theirs, not yours: your first `u` in the demo
# must not take back the made-up past, and the log must not say you made it.
DEMO_AUTHOR = "jonas"


def as_person(services: Services, handle: str) -> Services:
    """The same store, acting as someone else of the story."""
    from taskboard.services import Services

    return Services(dataclasses.replace(services.ctx, actor=handle))


def _card_with_history(
    services: Services, draft: TaskDraft, later: Sequence[str], arrived: date, every: int
) -> None:
    """Create the card on the day it arrived in its first column, then move it through the
    `later` columns, `every` days apart, each step dated: the history of a real month."""
    key = at_day(services, arrived, partial(services.tasks.create, draft)).task.key
    for step, column in enumerate(later, start=1):
        at_day(
            services,
            arrived + timedelta(days=step * every),
            partial(services.tasks.move, key, column),
        )


def load_demo(services: Services, today: date | None = None) -> bool:
    """Fill the store with the demo workspace; False when it is already there."""
    today = today or services.ctx.today()
    if any(p.key == DEMO_MARKER for p in services.projects.all(include_archived=True)):
        return False
    services = as_person(services, DEMO_AUTHOR)
    existing = set(services.people.handles())
    for handle, name, _role in PEOPLE:
        if handle not in existing:
            services.people.add(handle, name)
    services.projects.create(
        "DEL",
        "Vehicle handovers",
        HANDOVER_COLUMNS,
        description="Every car from arrival to handover in about two weeks.",
    )
    services.projects.set_wip_limit("DEL", "Papers & payment", 3)
    services.projects.set_wip_limit("DEL", "Registration", 2)
    services.projects.create(
        "SRV",
        "Service network rollout",
        SERVICE_COLUMNS,
        description="From 61 towards 200 service points with one opening checklist.",
    )
    services.projects.create(
        "ONB", "Onboarding", ONBOARDING_COLUMNS, description="New colleagues, one standard process."
    )
    boards = (
        ("DEL", HANDOVER_TASKS, HANDOVER_COLUMNS, 3),
        ("SRV", SERVICE_TASKS, SERVICE_COLUMNS, 5),
        ("ONB", ONBOARDING_TASKS, ONBOARDING_COLUMNS, 2),
    )
    for key, rows, columns, days_per_column in boards:
        for n, (title, column, who, days, prio, tags) in enumerate(rows):
            draft = TaskDraft(
                title=title,
                project=key,
                column=columns[0],
                assignee=who,
                due=today + timedelta(days=days),
                priority=prio,
                tags=tags,
            )
            # A card arrived a few days per column before it reached its column today.
            reached = columns.index(column)
            arrived = today - timedelta(days=reached * days_per_column + n % 3)
            _card_with_history(services, draft, columns[1 : reached + 1], arrived, days_per_column)
    tasks = services.tasks
    # The seeds' checklist: payment must be confirmed before registration is triggered.
    tasks.add_dependency("DEL-5", "DEL-4")
    yesterday = today - timedelta(days=1)
    for title in (
        "Check the papers are complete",
        "Send papers by courier",
        "Agent confirms receipt",
    ):
        at_day(services, yesterday, partial(tasks.add_subtask, "DEL-3", title))
    at_day(services, yesterday, partial(tasks.complete, "DEL-12"))
    tasks.comment("DEL-3", "Courier booked for tomorrow morning, tracking number in the e-mail.")
    tasks.comment("DEL-7", "Fleet manager needs the registration papers in the company's name.")
    tasks.comment("SRV-2", "HV safety kit is back-ordered; asked the supplier for a date.")
    for ago, line in enumerate(INBOX_LINES):
        at_day(
            services, today - timedelta(days=len(INBOX_LINES) - ago), partial(tasks.capture, line)
        )
    tasks.apply_tokens("DEL-6", "#agenda")
    tasks.apply_tokens("SRV-1", "#agenda")
    load_demo_goals(services, today)
    load_demo_templates(services, today)
    return True
