"""Reading a few common command lines without Typer, for the paths that skip it.

Typer's import and parse cost a sizeable part of a short command (it builds a pydantic
adapter per parameter). The plain paths (`reads`, `quick`) read their lines here, and
only lines in the documented spellings: anything else — `--help`, `-pDEL`, an option
given twice, a control character, a negative number — gets None and goes to Typer,
whose messages and rules stay the only ones a person meets. Stdlib only.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from taskboard.commands.errors import is_control

JSON_FLAG = {"--json": "json"}
# A command's free text may be many words (`taskboard add Buy winter tyres @mia +DEL`).
MANY = 10_000
# A task key as typed: a project key, a dash, a number (`del-12` too).
_TASK_KEY = re.compile(r"[a-z]{2,6}-\d+", re.ASCII | re.IGNORECASE)


def looks_like_key(word: str) -> bool:
    return _TASK_KEY.fullmatch(word.strip()) is not None


def split_keys(words: Sequence[str]) -> tuple[list[str], str]:
    """`edit`'s words as its keys and its line, as taskwarrior reads them: the first argument
    and any further ones shaped like task keys are the keys, the rest (at least one
    argument) is one line."""
    count = 1
    while count < len(words) - 1 and looks_like_key(words[count]):
        count += 1
    return list(words[:count]), " ".join(words[count:])


@dataclass(frozen=True)
class Syntax:
    """What one command takes: option spellings → parameter, flags → name, and how many
    words besides (at least, at most)."""

    values: dict[str, str] = field(default_factory=dict)
    flags: dict[str, str] = field(default_factory=dict)
    words: tuple[int, int] = (0, 0)


@dataclass
class PlainLine:
    """One command line read without Typer: its command, words, option values, flags."""

    command: str
    words: list[str] = field(default_factory=list)
    values: dict[str, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    db: str | None = None


def parse(args: Sequence[str], syntaxes: dict[str, Syntax]) -> PlainLine | None:
    """The line as one of `syntaxes`' commands, or None when it is anything else."""
    args = list(args)
    db: list[str] = []
    while args and (args[0] == "--db" or args[0].startswith("--db=")):
        db = args[:1] if "=" in args[0] else args[:2]  # `taskboard --db X list`
        args = args[len(db) :]
    if not args or args[0] not in syntaxes or any(any(map(is_control, a)) for a in args):
        return None
    line = PlainLine(args[0])
    syntax = syntaxes[line.command]
    rest = iter(args[1:] + db)
    for arg in rest:
        name, has_value, value = arg.partition("=") if arg.startswith("--") else (arg, "", "")
        if name == "--db" or name in syntax.values:
            value = value if has_value else next(rest, "")
            if not value or value.startswith("-"):
                return None  # a missing value: Typer's message
            key = "db" if name == "--db" else syntax.values[name]
            if key in line.values:
                return None  # given twice: Typer's rule
            line.values[key] = value
        elif arg in syntax.flags:
            line.flags.add(syntax.flags[arg])
        elif arg.startswith("-"):
            return None  # --help, -pDEL, an unknown option, a negative number: Typer
        else:
            line.words.append(arg)
    low, high = syntax.words
    if not low <= len(line.words) <= high:
        return None
    line.db = line.values.pop("db", None)
    return line
