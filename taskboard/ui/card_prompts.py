"""The prompts that change one field of a card: title, assignee, due date, priority, tags.

The board and the triage screen ask the same questions the same way: each prompt comes with
the reading of its answer, which is the change to store (None: nothing to store) or a
refusal (`InvalidFieldError`, shown as a warning; nothing is stored).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from textual.screen import ModalScreen, Screen

from taskboard.domain.dates import DateParseError, parse_when
from taskboard.domain.enums import Priority
from taskboard.domain.errors import InvalidFieldError
from taskboard.domain.fields import TaskChanges
from taskboard.domain.text import clean
from taskboard.domain.views import TaskRow
from taskboard.services.errors import ServiceError
from taskboard.ui.dialogs import ChoiceModal, PromptModal
from taskboard.ui.preview import assignee_check

DUE_PLACEHOLDER = "fri, +3d, 2w, eow, 1.12., 2026-12-01"


@dataclass(frozen=True)
class CardPrompt:
    """A dialog for one field of `card`, and what its answer changes."""

    card: TaskRow
    modal: ModalScreen[str | None]
    read: Callable[[str], TaskChanges | None]

    def changes(self, answer: str | None) -> TaskChanges | None:
        """The change an answer asks for; None when cancelled or nothing changes."""
        return None if answer is None else self.read(answer)

    def ask(self, screen: Screen[Any], store: Callable[[TaskChanges], object]) -> None:
        """Show the dialog on `screen`'s app; `store` the change its answer asks for. A
        refused answer (a date that is no date) is one warning, and nothing is stored."""

        def answered(answer: str | None) -> None:
            try:
                changes = self.changes(answer)
            except ServiceError as exc:
                screen.notify(clean(str(exc)), severity="warning", markup=False)
                return
            if changes:
                store(changes)

        screen.app.push_screen(self.modal, answered)


def due_preview(text: str, today: date) -> tuple[str, bool]:
    """The date a due phrase means, for the live preview line of a prompt."""
    if not text.strip():
        return "no due date", False
    try:
        return f"due {parse_when(text.strip().lstrip('^'), today):%a %d %b %Y}", False
    except DateParseError as exc:
        return f"✗ {exc}", True


def is_new_person(who: str | None, handles: Sequence[str]) -> bool:
    """A typed handle that is not the start of a known one adds a person."""
    return bool(who) and not any(h.startswith((who or "").casefold()) for h in handles)


def title_prompt(card: TaskRow) -> CardPrompt:
    def read(value: str) -> TaskChanges | None:
        if not value.strip():
            raise InvalidFieldError("title", "a card needs a title: it stays as it was")
        return TaskChanges(title=value) if value != card.title else None

    # The cursor after the title: changing it is more usual than typing it again.
    return CardPrompt(card, PromptModal(f"Title of {card.key}", card.title, select=False), read)


def assignee_prompt(card: TaskRow, handles: Sequence[str], *, may_clear: bool) -> CardPrompt:
    """`may_clear`: an empty answer takes the assignee away (else it changes nothing)."""

    def read(value: str) -> TaskChanges | None:
        who = value.strip().lstrip("@") or None
        if who is None and not may_clear:
            return None
        return TaskChanges(assignee=who) if who != card.assignee else None

    hint = "a handle or its unique prefix; a new handle adds the person (enter twice)"
    empty = "nobody" if may_clear else "no change"
    modal = PromptModal(
        f"Assign {card.key}",
        card.assignee or "",
        suggest={"": list(handles)},
        preview=lambda text: assignee_check(text, handles, empty),
        hint=f"{hint}; empty: nobody" if may_clear else hint,
    )
    return CardPrompt(card, modal, read)


def due_prompt(card: TaskRow, today: date, *, may_clear: bool) -> CardPrompt:
    """`may_clear`: an empty answer takes the due date away (else it changes nothing)."""

    def read(value: str) -> TaskChanges | None:
        if not value.strip():
            return TaskChanges(due=None) if may_clear and card.due is not None else None
        try:
            due = parse_when(value.strip().lstrip("^"), today)
        except DateParseError as exc:
            raise InvalidFieldError("due", str(exc)) from exc
        return TaskChanges(due=due) if due != card.due else None

    modal = PromptModal(
        f"Due date of {card.key}",
        card.due.isoformat() if card.due else "",
        placeholder=DUE_PLACEHOLDER,
        preview=lambda text: due_preview(text, today),
    )
    return CardPrompt(card, modal, read)


def priority_prompt(card: TaskRow) -> CardPrompt:
    def read(value: str) -> TaskChanges | None:
        return TaskChanges(priority=value) if value != card.priority else None

    options = [(p.value, p.value) for p in Priority]
    return CardPrompt(card, ChoiceModal(f"Priority of {card.key}", options, card.priority), read)


def tags_prompt(card: TaskRow, known: Sequence[str]) -> CardPrompt:
    def read(value: str) -> TaskChanges | None:
        tags = tuple(w.lstrip("#") for w in value.split())
        return TaskChanges(tags=tags) if tags != card.tags else None

    modal = PromptModal(
        f"Tags of {card.key}",
        " ".join(f"#{t}" for t in card.tags),
        suggest={"#": list(known)},
        hint="#tag #other; empty clears",
        select=False,  # adding a tag is the usual change
    )
    return CardPrompt(card, modal, read)


def changed_row(row: TaskRow, changes: TaskChanges, handles: Sequence[str]) -> TaskRow:
    """The card as a change to its title, assignee, due date, priority or tags should leave
    it: what the board shows until the store's answer comes back."""
    values: dict[str, object] = {}
    for f, value in changes.items():
        if f.name == "assignee":
            who = str(value).casefold() if value else None
            matches = [h for h in handles if who and h.startswith(who)]
            values["assignee"] = matches[0] if len(matches) == 1 else who
        elif f.name == "tags":
            values["tags"] = tuple(sorted({str(t).casefold() for t in value if t}))  # type: ignore[attr-defined]
        elif f.name in ("title", "due", "priority"):
            values[f.name] = value
    return replace(row, **values)  # type: ignore[arg-type]


def as_one(cards: Sequence[TaskRow]) -> TaskRow:
    """Several marked cards as one card to ask about: its key says how many ("3 cards"), a
    field they all share keeps its value and any other is empty, so an answer that keeps
    the shared value changes nothing."""

    def shared(name: str, empty: object) -> Any:
        values = {getattr(c, name) for c in cards}
        return values.pop() if len(values) == 1 else empty

    return replace(
        cards[0],
        key=f"{len(cards)} cards",
        assignee=shared("assignee", None),
        due=shared("due", None),
        priority=shared("priority", "normal"),
        tags=(),
    )


def tags_added_prompt(cards: Sequence[TaskRow], known: Sequence[str]) -> CardPrompt:
    """Tags to add to every one of several cards (each keeps the tags it has)."""

    def read(value: str) -> TaskChanges | None:
        tags = tuple(w.lstrip("#") for w in value.split() if w.lstrip("#"))
        return TaskChanges(tags=tags) if tags else None

    modal = PromptModal(
        f"Add tags to {len(cards)} cards",
        "",
        suggest={"#": list(known)},
        hint="#tag #other: added to every marked card, which keeps its own",
    )
    return CardPrompt(as_one(cards), modal, read)


def tags_added(row: TaskRow, tags: Sequence[str]) -> TaskRow:
    """The card with `tags` added, as the board shows it until the store answers."""
    return replace(row, tags=tuple(sorted({*row.tags, *(t.casefold() for t in tags)})))
