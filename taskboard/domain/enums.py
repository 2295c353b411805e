"""Enumerations shared by the domain: task priority."""

from __future__ import annotations

from enum import StrEnum

__all__ = ["Priority"]


class Priority(StrEnum):
    """How urgent a task is; `rank` sorts the most urgent first."""

    URGENT = "urgent"
    HIGH = "high"
    NORMAL = "normal"
    LOW = "low"

    @property
    def rank(self) -> int:
        """1 for urgent … 4 for low."""
        return _RANKS[self]

    @classmethod
    def parse(cls, text: str) -> Priority:
        """Read a priority typed by a user: a name, a unique prefix of one
        (`u`, `h`, `hi`, `n`, `l`), `med`/`medium` for normal, or `1`..`4`."""
        try:
            return _ALIASES[text.strip().lower()]
        except KeyError:
            raise ValueError(f"unknown priority {text[:40]!r}") from None


_RANKS: dict[Priority, int] = {
    Priority.URGENT: 1,
    Priority.HIGH: 2,
    Priority.NORMAL: 3,
    Priority.LOW: 4,
}


def _build_aliases() -> dict[str, Priority]:
    names = {p.value: p for p in Priority} | {"medium": Priority.NORMAL}
    aliases: dict[str, Priority] = {}
    for name, priority in names.items():
        for length in range(1, len(name) + 1):
            prefix = name[:length]
            # A prefix shared by two names would be ambiguous; none are today, but keep it honest.
            owners = {p for n, p in names.items() if n.startswith(prefix)}
            if len(owners) == 1:
                aliases[prefix] = priority
    aliases.update({str(rank): priority for priority, rank in _RANKS.items()})
    return aliases


_ALIASES = _build_aliases()
