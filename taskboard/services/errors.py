"""The refusals a use case raises, one class per kind (defined with the domain's rules)."""

from __future__ import annotations

from taskboard.domain.errors import AmbiguousError as AmbiguousError
from taskboard.domain.errors import BlockedError as BlockedError
from taskboard.domain.errors import ConflictError as ConflictError
from taskboard.domain.errors import CycleError as CycleError
from taskboard.domain.errors import DuplicateError as DuplicateError
from taskboard.domain.errors import ImplausibleValueError as ImplausibleValueError
from taskboard.domain.errors import InvalidFieldError as InvalidFieldError
from taskboard.domain.errors import NoChangeError as NoChangeError
from taskboard.domain.errors import NotFoundError as NotFoundError
from taskboard.domain.errors import ServiceError as ServiceError
from taskboard.domain.errors import StateError as StateError
from taskboard.domain.errors import UnknownPersonError as UnknownPersonError
