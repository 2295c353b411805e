"""The demo workspace's goals for the current quarter: service network, deliveries, handover time.

Figures follow the story in shared/seeds (61 towards 200 service points, 100,000
cars delivered, about two weeks from arrival to handover); check-ins are spread
over the part of the quarter that has passed, so the pace markers mean something.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING

from taskboard.domain.fields import TaskChanges
from taskboard.domain.okr import current_cycle_name, parse_cycle

if TYPE_CHECKING:
    from taskboard.services import Services

# (title, owner, parent index or None, key results)
# key result: (title, owner, kind, start, target, unit, weight, check-ins as (value, conf, note))
OBJECTIVES = (
    (
        "Grow the service network from 61 towards 200 service points",
        "lena",
        None,
        (
            (
                "Service points open",
                "lena",
                "number",
                61,
                200,
                "points",
                2.0,
                (
                    (68, 0.6, "Leipzig and Ulm signed"),
                    (74, 0.6, ""),
                    (81, 0.5, "Bremen is late: the HV safety kit is back-ordered"),
                ),
            ),
            (
                "New service points opened with the standard checklist",
                "tarek",
                "percent",
                0,
                100,
                "%",
                1.0,
                ((40, 0.7, "Checklist duplicated for the first 20 partners"), (65, 0.75, "")),
            ),
        ),
    ),
    (
        "Deliver 100,000 cars to customers",
        "jonas",
        None,
        (
            (
                "Cars delivered",
                "tarek",
                "number",
                62_000,
                100_000,
                "cars",
                2.0,
                ((71_500, 0.7, ""), (86_500, 0.75, "Factory capacity expansion finished")),
            ),
            (
                "Days from arrival to handover",
                "jonas",
                "number",
                21,
                14,
                "days",
                1.0,
                ((20, 0.6, ""), (18, 0.5, "The registration agent is the bottleneck")),
            ),
            ("Handover checklist tasks done", "mia", "tasks", 0, 1, "", 1.0, ()),
        ),
    ),
    (
        "Every customer gets the car within two weeks of its arrival",
        "mia",
        1,
        (
            (
                "Handovers with complete papers on arrival",
                "mia",
                "percent",
                40,
                90,
                "%",
                1.0,
                ((52, 0.6, ""), (61, 0.6, "Courier pick-up now daily")),
            ),
            (
                "Registration agent turnaround",
                "jonas",
                "number",
                5,
                2,
                "days",
                1.0,
                ((4, 0.4, "Asked the agent about a faster turnaround"),),
            ),
        ),
    ),
    (
        "Onboard every new colleague within one week",
        "emil",
        None,
        (
            (
                "Onboarding checklist used for every new colleague",
                "emil",
                "boolean",
                0,
                1,
                "",
                1.0,
                (),
            ),
            (
                "Days until a new colleague runs a handover alone",
                "emil",
                "number",
                20,
                7,
                "days",
                1.0,
                ((15, 0.7, "Shadowing two handovers works well"),),
            ),
        ),
    ),
    (
        "Tell the story of the new hand-over centres",
        "sofia",
        None,
        (
            (
                "Press articles published",
                "sofia",
                "number",
                0,
                6,
                "articles",
                1.0,
                ((4, 0.8, "Podcast interview published"),),
            ),
        ),
    ),
)

# Task key → (objective, key result), counted from 0 in OBJECTIVES; the other demo tasks
# stay unlinked so `okr health` has something to show.
LINKS = (
    ("SRV-1", 0, 0),
    ("SRV-2", 0, 0),
    ("SRV-3", 0, 0),
    ("SRV-5", 0, 0),
    ("SRV-7", 0, 1),
    ("DEL-1", 1, 2),
    ("DEL-2", 1, 2),
    ("DEL-8", 1, 2),
    ("DEL-9", 1, 2),
    ("DEL-10", 1, 2),
    ("DEL-11", 1, 2),
    ("DEL-3", 2, 0),
    ("DEL-4", 2, 0),
    ("DEL-6", 2, 1),
    ("DEL-7", 2, 1),
    ("ONB-1", 3, 0),
    ("ONB-3", 3, 0),
    ("ONB-2", 3, 1),
)


def _check_in_days(start: date, today: date, count: int) -> list[date]:
    """`count` days spread evenly from the cycle start up to today."""
    span = max((today - start).days, 0)
    return [start + timedelta(days=span * (i + 1) // count) for i in range(count)]


def load_demo_goals(services: Services, today: date) -> None:
    """Objectives of the current quarter with KRs, check-ins, and links from demo tasks."""
    from taskboard.services.demo import as_person

    cycle = parse_cycle(current_cycle_name(today))
    okr = services.okr
    keys: list[str] = []
    kr_keys: list[list[str]] = []
    now = datetime.now(UTC)
    for title, owner, parent, key_results in OBJECTIVES:
        parent_key = keys[parent] if parent is not None else None
        objective = okr.add_objective(title, cycle.name, owner=owner, parent=parent_key)
        keys.append(objective.key)
        kr_keys.append([])
        for kr_title, kr_owner, kind, start, target, unit, weight, check_ins in key_results:
            kr = okr.add_key_result(
                objective.key,
                kr_title,
                start,
                target,
                unit=unit,
                kind=kind,
                weight=weight,
                owner=kr_owner,
            )
            kr_keys[-1].append(kr.key)
            days = _check_in_days(cycle.start, today, len(check_ins))
            owner_okr = as_person(services, kr_owner).okr  # a KR's owner checks it in
            for day, (value, confidence, note) in zip(days, check_ins, strict=True):
                at = min(datetime.combine(day, time(9, 0), tzinfo=UTC), now)
                owner_okr.check_in(kr.key, value, confidence, note, at=at)
    for task_key, objective_index, kr_index in LINKS:
        services.tasks.edit(task_key, TaskChanges(key_result=kr_keys[objective_index][kr_index]))
