"""The refusals a use case raises, one class per kind (defined with the domain's rules)."""

from __future__ import annotations

from taskboard.domain.errors import (
    AmbiguousError,
    BlockedError,
    ConflictError,
    CycleError,
    DuplicateError,
    InvalidFieldError,
    NoChangeError,
    NotFoundError,
    ServiceError,
    StateError,
)

__all__ = [
    "AmbiguousError",
    "BlockedError",
    "ConflictError",
    "CycleError",
    "DuplicateError",
    "InvalidFieldError",
    "NoChangeError",
    "NotFoundError",
    "ServiceError",
    "StateError",
]
