"""The rules text keeps to enter the store, and refusals that keep their class in a batch."""

from __future__ import annotations

import pytest

from taskboard.domain import rules
from taskboard.domain.errors import ConflictError, InvalidFieldError, ServiceError


def test_a_title_is_cleaned_and_has_a_limit() -> None:
    assert rules.title("  Papers\tto\x1b[31m agent \n") == "Papers to agent"
    assert rules.title("x" * rules.MAX_TITLE) == "x" * rules.MAX_TITLE
    with pytest.raises(InvalidFieldError) as refused:
        rules.title("x" * (rules.MAX_TITLE + 1))
    assert refused.value.field == "title"
    assert str(refused.value) == "the title is 501 characters long; at most 500"
    with pytest.raises(InvalidFieldError):
        rules.title(" \x00 ")


def test_notes_keep_their_lines_and_may_be_empty() -> None:
    assert rules.NOTES.check("one\r\ntwo\n") == "one\ntwo\n"
    assert rules.NOTES.check("") == ""


@pytest.mark.parametrize(
    ("typed", "stored"), [(None, "normal"), ("h", "high"), ("1", "urgent"), ("Medium", "normal")]
)
def test_priorities_as_people_type_them(typed: str | None, stored: str) -> None:
    assert rules.priority(typed) == stored


def test_a_bad_priority_names_the_field_and_quotes_the_input_short() -> None:
    with pytest.raises(InvalidFieldError) as refused:
        rules.priority("whenever" * 100)
    assert refused.value.field == "priority"
    assert len(str(refused.value)) < 120


def test_tags_are_stored_once_lower_case_without_the_hash() -> None:
    assert rules.tag_names(["#Hub", "hub", " papers ", "#", ""]) == ("hub", "papers")
    with pytest.raises(InvalidFieldError):
        rules.tag_names(["t" * 61])


def test_handles_keys_and_columns() -> None:
    assert rules.handle(" @Jonas.K ") == "jonas.k"
    assert rules.project_key(" del ") == "DEL"
    for bad_handle in ("", "-x", "a b", "x" * 41, "nul\x00"):
        with pytest.raises(InvalidFieldError):
            rules.handle(bad_handle)
    for bad_key in ("D", "DELIVERY", "D1"):
        with pytest.raises(InvalidFieldError):
            rules.project_key(bad_key)
    assert rules.column_names([" To do ", "Done"]) == ["To do", "Done"]
    for bad_columns in ([], ["A", "a"], ["x" * 61], [" "]):
        with pytest.raises(InvalidFieldError):
            rules.column_names(bad_columns)


def test_a_new_column_is_judged_alone_against_the_names_there() -> None:
    assert rules.new_column_name(["Done", "done", "x" * 70], " Fresh lane ") == "Fresh lane"
    with pytest.raises(InvalidFieldError, match="duplicate column names: Done, done"):
        rules.new_column_name(["To do", "Done"], "done")
    with pytest.raises(InvalidFieldError, match=r"duplicate column names: Done$"):
        rules.new_column_name(["Done"], "Done")
    with pytest.raises(InvalidFieldError):
        rules.new_column_name(["Done"], "x" * 61)


def test_a_refusal_said_of_a_place_keeps_its_class_and_details() -> None:
    located = InvalidFieldError("title", "the title is empty").at("line 3")
    assert isinstance(located, InvalidFieldError) and located.field == "title"
    assert str(located) == "line 3: the title is empty"
    conflict = ConflictError("DEL-1").at("task 2")
    assert isinstance(conflict, ConflictError) and conflict.key == "DEL-1"
    assert str(conflict).startswith("task 2: DEL-1 was changed")
    assert isinstance(ServiceError("x").at("y"), ServiceError)
