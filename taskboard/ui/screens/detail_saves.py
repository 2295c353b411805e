"""The task detail's fields saved: on enter, on leaving a field, on ctrl+s, and before the
screen goes ("save, then leave"), each save a write in the store queue (`DetailBase.write`)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from textual import events, on
from textual.widgets import Input, Select

from taskboard.domain.dates import DateParseError
from taskboard.domain.fields import TaskChanges
from taskboard.domain.text import clean
from taskboard.domain.views import TaskRow
from taskboard.services.errors import ServiceError, UnknownPersonError
from taskboard.ui.line_check import AGAIN, SecondEnter
from taskboard.ui.screens.detail_base import DetailBase, Leaving, Wrote
from taskboard.ui.screens.detail_text import INPUTS, field_names, typed_changes

if TYPE_CHECKING:
    from taskboard.services import Services


class DetailSaves(DetailBase):
    """Saving the fields of the task detail, and leaving it once they are saved."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.second_enter = SecondEnter()  # a new person as assignee (a typo?): Enter twice

    def _unsaved(self) -> dict[str, str]:
        """The edited fields whose text is not on its way to the store, with that text."""
        values = self._values()
        return {n: values[n] for n in self._edited() if self.saving.get(n) != values[n]}

    def _save_fields(
        self, names: Iterable[str], retry: bool = True, then: Callable[[], object] | None = None
    ) -> bool:
        """Save the edits in the fields `names`, all or none, after the writes asked before;
        whether they could be asked for (`then` runs once they are stored). A bad value is
        refused, here or by the store, and its typed text stays for the user to fix."""
        if self.detail is None:  # still loading: nothing typed yet
            return True
        values = self._values()
        # Compared with the text on its way, if any: a field left twice is saved once.
        before = {n: self.saving.get(n, self.shown[n]) for n in names}
        typed = {n: values[n] for n in before if values[n] != before[n]}
        if not typed:
            return True
        try:
            changes = typed_changes(typed, before, self.tb.today())
        except DateParseError as exc:
            self.notify(clean(str(exc)), severity="error", markup=False)
            return False
        if not changes:
            self._show(self.detail, replace=[n for n in typed if n not in self.saving])
            return True
        person = values["assignee"] if "assignee" in changes else ""  # a new one: Enter twice
        sure = bool(person) and bool(self.second_enter.enter(person, None))
        self.saving.update(typed)
        key = self.key

        def call(services: Services, version: int) -> TaskRow:
            return services.tasks.edit(key, TaskChanges(**changes), version, new_people=sure)

        def done(wrote: Wrote[TaskRow]) -> bool:
            # Forgotten once shown: a field typed back to the text it showed before is
            # still an edit while this text is on screen (`_edited`), not overwritten by it.
            if wrote.conflict is not None:
                # Someone else's change wins where it overlaps, and `show_fresh` says so.
                self.show_fresh(wrote.fresh)
                self._forget_saving(typed)
                kept = [name for name in typed if name in self._edited()]
                # Edits in fields the other change left alone are saved on top of it.
                return retry and bool(kept) and self._save_fields(kept, False, then)
            now = self._values()
            # A field typed on since it was asked for keeps the newer text (saved in turn).
            saved = [n for n in typed if now[n] == typed[n]]
            self.show_fresh(wrote.fresh, saved, own_version=self.own_version(wrote))
            self._forget_saving(typed)
            if then is not None:
                then()
            return True

        def refused(error: ServiceError) -> None:
            self._forget_saving(typed)
            if isinstance(error, UnknownPersonError):
                self.second_enter.doubt(person)
                self.notify(clean(f"{error}: {AGAIN}"), severity="warning", markup=False)
            else:
                self.notify(clean(str(error)), severity="error", markup=False)
            if self._wait_to_leave is not None:
                self._stay(self._wait_to_leave.again)

        self.write(call, done, refused, checked=True)
        return True

    def _forget_saving(self, typed: dict[str, str]) -> None:
        for name, text in typed.items():
            if self.saving.get(name) == text:
                del self.saving[name]

    @on(Input.Submitted, ", ".join(f"#f-{name}" for name in INPUTS))
    def save_field(self, event: Input.Submitted) -> None:
        self._save_fields([(event.input.id or "").removeprefix("f-")])

    @on(Input.Blurred, ", ".join(f"#f-{name}" for name in INPUTS))
    def save_field_left(self, event: Input.Blurred) -> None:
        self._save_left((event.input.id or "").removeprefix("f-"))

    def on_descendant_blur(self, event: events.DescendantBlur) -> None:
        if event.widget.id == "f-notes":
            self._save_left("notes")

    def _save_left(self, name: str) -> None:
        # Not when the whole terminal lost focus: the user is coming back to this field.
        if not self._leaving and self.app.app_focus and self.detail is not None:
            self._save_fields([name])

    @on(Select.Changed, "#f-priority")
    def save_priority(self, event: Select.Changed) -> None:
        # `_save_fields` compares with what was shown, so the Select announcing the value it
        # was built or filled with saves nothing.
        self._save_fields(["priority"])

    def action_save_notes(self) -> None:
        """Save the notes."""
        if "notes" in self._edited():
            self._save_fields(["notes"], then=lambda: self.notify("notes saved"))

    def action_back(self) -> None:
        """Save your edits and go back."""
        # Asked again once the saves are in (`may_leave`): by then a dialog may be on top.
        if self.is_current and self.may_leave(
            "press escape again to leave", "left", self.action_back
        ):
            self.dismiss(None)

    def may_leave(
        self, again: str, past: str, then: Callable[[], object], *, queued: bool = False
    ) -> bool:
        """Save the unsaved edits before the screen goes (escape, quit, another board), and go
        once they are stored (`then` asks again). Edits that cannot be saved keep it, once:
        the same way out again leaves without them. A `queued` way out (quit, which waits
        for the store queue itself) asked again while only saves on their way hold it goes:
        a store that hangs does not keep the person in."""
        if self.detail is None:
            if self._early:  # typed before the task was read: saved once it is
                self._wait_to_leave = Leaving(again, then)
                return False
            self._leaving = True
            return True
        unsaved = self._unsaved()
        if unsaved and unsaved != self._refused:
            # Each on its own: a bad date must not keep the good title from being saved.
            if not all([self._save_fields([name]) for name in unsaved]):
                self._stay(again)
                return False
            unsaved = self._unsaved()
        if self.writes_pending:
            waiting, self._wait_to_leave = self._wait_to_leave, Leaving(again, then)
            if not queued:
                return False
            if waiting is None or waiting.again != again:
                self.notify(f"saving your edits… ({again} as soon as they are stored)")
                return False
            self._wait_to_leave = None
        if unsaved:  # refused before, and the same way out again: go without them
            self.notify(f"{past} without saving your {field_names(unsaved)}", markup=False)
        self._leaving = True  # the blur of its fields as it goes saves nothing more
        return True

    def _stay(self, again: str) -> None:
        """Stay rather than drop unsaved edits: leaving is "save and go", not "discard"."""
        unsaved = self._unsaved()
        # Without any left, someone else's change replaced them: stay, it is on screen.
        if unsaved:
            self._refused = unsaved
            them = "it" if len(unsaved) == 1 else "them"
            self.notify(
                f"your {field_names(unsaved)} {'is' if them == 'it' else 'are'} not saved: fix"
                f" {them}, or {again} without {them}",
                severity="warning",
                markup=False,
            )

    def action_toggle_done(self) -> None:
        """Mark the task done, or open again."""
        key = self.key

        def done(wrote: Wrote[TaskRow]) -> bool:
            if wrote.conflict is not None:
                if not self._edited():  # with edits, `show_fresh` tells of the change
                    self.notify(clean(str(wrote.conflict)), severity="warning", markup=False)
                self.show_fresh(wrote.fresh)
                return False
            self.show_fresh(wrote.fresh, own_version=self.own_version(wrote))
            return True

        call = lambda s, version: s.tasks.toggle_done(key, version)  # noqa: E731
        self.write(call, done, self.refusal, checked=True)
