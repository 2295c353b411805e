"""Directed graphs of ids (dependencies, parents): the one cycle finder."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable


def node_on_a_cycle(edges: Iterable[tuple[int, int]]) -> int | None:
    """A node on a cycle of the directed graph given by `edges` (pairs a → b), or None.
    Iterative depth-first search: a chain of 100k dependencies does not hit the recursion
    limit."""
    graph: dict[int, list[int]] = defaultdict(list)
    for a, b in edges:
        graph[a].append(b)
    state: dict[int, int] = {}  # 1: on the current path, 2: finished
    for start in list(graph):
        if start in state:
            continue
        stack = [(start, iter(graph[start]))]
        state[start] = 1
        while stack:
            node, children = stack[-1]
            nxt = next(children, None)
            if nxt is None:
                state[node] = 2
                stack.pop()
            elif state.get(nxt) == 1:
                return nxt
            elif nxt not in state:
                state[nxt] = 1
                stack.append((nxt, iter(graph[nxt])))
    return None
