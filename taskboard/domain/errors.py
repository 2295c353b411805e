"""Refusals a person reads: one class per kind, each message naming the bad part.

They live in the domain so its rules (titles, limits, priorities) refuse with the same
classes the services use; `taskboard.services.errors` hands them out to the UI and CLI,
which catch the base `ServiceError` and show its message as it is. Tests match the class.
"""

from __future__ import annotations

from typing import Self


class ServiceError(Exception):
    """Bad input or a refused action; nothing was written and the message is shown as it is."""

    def at(self, where: str) -> Self:
        """The same refusal said of a place in a batch (`line 3`, `task 2`, `step 4`)."""
        return self.reworded(f"{where}: {self}")

    def reworded(self, message: str) -> Self:
        """The same refusal (class and attributes) with another message."""
        # Not copy.copy: that rebuilds through __init__, whose arguments differ per class.
        copy = type(self).__new__(type(self))
        copy.__dict__.update(self.__dict__)
        copy.args = (message,)
        return copy


class NotFoundError(ServiceError):
    """Nothing has that key, name or handle."""


class UnknownPersonError(NotFoundError):
    """A handle nobody has, where a new person was not asked for; `hint` says whom the typo
    may mean (` — did you mean @jonas?`)."""

    def __init__(self, handle: str, hint: str = "") -> None:
        super().__init__(f"unknown person '@{handle}'{hint}")
        self.handle = handle


class AmbiguousError(ServiceError):
    """What was typed is the start of more than one name."""


class InvalidFieldError(ServiceError):
    """A value that breaks its field's rule: empty, too long, not a date, not a priority."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class ImplausibleValueError(InvalidFieldError):
    """A value that is allowed but looks like a typo (a check-in a zero short); the caller
    may insist (`force`)."""

    def __init__(self, message: str) -> None:
        super().__init__("value", message)


class DuplicateError(ServiceError):
    """It exists already, and a second one is refused (a project key, a handle, a link)."""


class NoChangeError(ServiceError):
    """The action would change nothing: it is so already, or nothing is left to do."""


class StateError(ServiceError):
    """The thing's state refuses the action: an ended meeting, a closed objective, an archived
    project, a subtask moved on its own."""


class CycleError(ServiceError):
    """A link that would make something depend on itself."""


class BlockedError(ServiceError):
    """A task cannot be done while an open task blocks it."""


class ConflictError(ServiceError):
    """The task changed since it was read: reload and try again, never overwrite."""

    def __init__(self, key: str, message: str | None = None) -> None:
        super().__init__(
            message or f"{key} was changed by someone else meanwhile: reload it and try again"
        )
        self.key = key
