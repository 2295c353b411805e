"""Errors a use case raises for a person to read: each names the bad part and writes nothing."""

from __future__ import annotations


class ServiceError(Exception):
    """Bad input or a refused action; the message is shown as it is."""


class NotFoundError(ServiceError):
    pass


class AmbiguousError(ServiceError):
    pass


class ConflictError(ServiceError):
    """The task changed since it was read: reload and try again, never overwrite."""

    def __init__(self, key: str, message: str | None = None) -> None:
        super().__init__(
            message or f"{key} was changed by someone else meanwhile: reload it and try again"
        )
        self.key = key


class BlockedError(ServiceError):
    pass
