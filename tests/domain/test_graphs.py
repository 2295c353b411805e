"""The one cycle finder, and the refusals of the import that rely on it."""

from __future__ import annotations

import io
import json

import pytest

from taskboard.domain.graphs import node_on_a_cycle
from taskboard.exchange import taskwarrior
from taskboard.services import ServiceError, Services


def test_a_graph_without_a_cycle_has_no_node_on_one() -> None:
    assert node_on_a_cycle([]) is None
    assert node_on_a_cycle([(1, 2), (2, 3), (1, 3), (4, 3)]) is None


def test_a_node_on_the_cycle_is_named_not_one_leading_to_it() -> None:
    assert node_on_a_cycle([(1, 2), (2, 3), (3, 4), (4, 2)]) in {2, 3, 4}
    assert node_on_a_cycle([(5, 5)]) == 5


def test_a_long_chain_needs_no_recursion() -> None:
    chain = [(i, i + 1) for i in range(100_000)]
    assert node_on_a_cycle(chain) is None
    assert node_on_a_cycle([*chain, (100_000, 0)]) is not None


def test_an_import_whose_dependencies_form_a_cycle_is_refused_whole(services: Services) -> None:
    a, b = "11111111-1111-4111-8111-111111111111", "22222222-2222-4222-8222-222222222222"
    records = [
        {"uuid": a, "description": "Papers", "status": "pending", "depends": [b]},
        {"uuid": b, "description": "Plates", "status": "pending", "depends": [a]},
    ]
    with pytest.raises(ServiceError, match="form a cycle"):
        taskwarrior.read(services, io.StringIO(json.dumps(records)), None)
    assert services.tasks.rows() == []
