"""`taskboard search`: every word as a prefix over tasks, comments, minutes and goals."""

from __future__ import annotations

from typing import Annotated

import typer

from taskboard.commands.common import (
    DbOption,
    JsonOption,
    emit_json,
    fail,
    handles_errors,
    in_range,
    open_services,
    printable,
)
from taskboard.domain.search_views import KINDS, SearchHit


@handles_errors
def search(
    words: Annotated[list[str], typer.Argument(metavar="WORDS", help="What to find.")],
    project: Annotated[
        str | None, typer.Option("--project", "-p", help="Only this project's hits.")
    ] = None,
    kind: Annotated[
        str | None, typer.Option("--kind", "-k", help=f"Only one kind: {', '.join(KINDS)}.")
    ] = None,
    limit: Annotated[
        int, typer.Option("--limit", "-n", callback=in_range(1, 1000), help="At most this many.")
    ] = 50,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Find WORDS in every project: each word matches the start of a word, in any case and
    with or without accents ("ubergabe flotten" finds "Übergabe für Flottenkunden")."""
    from taskboard.store.search_fold import words as index_words

    query = " ".join(words)
    if not index_words(query):
        fail("search needs at least one word of letters or digits")
    hits = open_services(db).search.search(query, project=project, kind=kind, limit=limit)
    if as_json:
        emit_json([h.as_json() for h in hits])
        return
    if not hits:
        typer.echo(printable(f"no hits for '{query}'"))
        return
    for line in hit_lines(hits):
        typer.echo(line)


def hit_lines(hits: list[SearchHit]) -> list[str]:
    """One line per hit (kind, key, project, day, title) and its snippet beneath, indented."""
    key_width = max(len(h.key) for h in hits)
    project_width = max(len(h.project or "-") for h in hits)
    lines = []
    for h in hits:
        head = (
            f"{h.kind:<8}  {h.key:<{key_width}}  {h.project or '-':<{project_width}}  "
            f"{h.when.date().isoformat()}  {h.title}"
        )
        lines.append(printable(head))
        if h.snippet and h.snippet != h.title:
            lines.append(printable(f"    {h.snippet}"))
    return lines
