"""Small modal dialogs: a one-line prompt with completion and preview, a chooser, a confirm."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.suggester import Suggester
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from taskboard.domain.text import clean
from taskboard.ui.line_check import AGAIN, LinePreview, SecondEnter
from taskboard.ui.widgets.ordered_input import OrderedInput

# text → (preview line, is it an error?), a str being user text and Content styled already;
# or a LinePreview, whose warning holds the line back until a second Enter
Preview = Callable[[str], tuple[str | Content, bool] | LinePreview]
# (line, the open dialog) → None: store the line, then `dialog.stored()` or `.refused(why)`
Submit = Callable[[str, "PromptModal"], None]


class TokenSuggester(Suggester):
    """Completes the word under the cursor: `@` handles, `#` tags, `>` columns, `+` projects."""

    def __init__(self, sources: Mapping[str, Sequence[str]]) -> None:
        super().__init__(use_cache=False, case_sensitive=True)
        self.sources = sources

    async def get_suggestion(self, value: str) -> str | None:
        if not value or value.endswith(" "):
            return None
        head, _, word = value.rpartition(" ")
        prefix = head + " " if head else ""
        for marker, options in self.sources.items():
            if marker and word.startswith(marker):
                typed = word[len(marker) :].casefold()
                for option in options:
                    if option.casefold().startswith(typed) and option.casefold() != typed:
                        return prefix + marker + option
            elif not marker:
                for option in options:
                    if option.casefold().startswith(word.casefold()) and option != word:
                        return prefix + option
        return None


class PromptModal(ModalScreen[str | None]):
    """Ask for one line; `enter` returns it, `escape` returns None.

    With `submit`, `enter` hands the line to it and the dialog stays open, the line in it,
    until the caller says `stored()` (it closes, returning the line) or `refused(why)` (it
    says why and keeps the line for fixing): what was typed is never lost to a refusal.
    With `empty`, `enter` on an empty line says that message instead of closing. A line
    the preview warns about (a new person) goes ahead only on a second Enter; `sure` then
    says so to `submit`."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="prompt.cancel")]

    def __init__(
        self,
        title: str,
        value: str = "",
        *,
        placeholder: str = "",
        suggest: Mapping[str, Sequence[str]] | None = None,
        preview: Preview | None = None,
        hint: str = "",
        select: bool = True,
        submit: Submit | None = None,
        empty: str = "",
    ) -> None:
        """`select`: the value starts selected, so typing replaces it (an assignee, a date);
        False puts the cursor after it, for values one changes rather than retypes (a title)."""
        super().__init__()
        self.select = select
        self.prompt_title = title
        self.value = value
        self.placeholder = placeholder
        self.suggest = suggest
        self.preview = preview
        self.hint = hint
        self.submit = submit
        self.empty = empty
        self.storing = False  # a line handed to `submit` has no answer yet
        self.second_enter = SecondEnter()
        self.sure = False  # the line handed on was entered again after its warning

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(Content(self.prompt_title), classes="dialog-title")
            yield OrderedInput(
                self.value,
                placeholder=self.placeholder,
                suggester=TokenSuggester(self.suggest) if self.suggest else None,
                id="prompt-input",
                select_on_focus=self.select,
            )
            yield Static("", id="prompt-preview", markup=False)
            if self.hint:
                yield Static(Content(self.hint), classes="dialog-hint")

    def on_mount(self) -> None:
        self._update_preview(self.value)

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        self._update_preview(event.value)

    def _check(self, text: str) -> LinePreview:
        """What the preview says of `text`."""
        if self.preview is None:
            return LinePreview(Content())
        checked = self.preview(text)
        if isinstance(checked, LinePreview):
            return checked
        line, error = checked
        return LinePreview(line if isinstance(line, Content) else Content(clean(line)), error)

    def _update_preview(self, text: str) -> None:
        if self.preview is None:
            return
        checked = self._check(text)
        widget = self.query_one("#prompt-preview", Static)
        widget.update(checked.content)
        widget.set_class(checked.error, "error")
        widget.set_class(checked.warning is not None, "warning")

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        if self.storing:
            return  # one line at a time: the first is still being stored
        if not event.value.strip() and self.empty:
            self._say(self.empty)
            return
        checked = self._check(event.value)
        if checked.error and event.value.strip():
            self.app.bell()  # the preview shows what is wrong; keep the line for fixing
            return
        sure = self.second_enter.enter(event.value, checked.warning)
        if sure is None:
            # The preview shows the warning (a new person: a typo?); Enter again goes ahead.
            self.app.bell()
            self.notify(clean(checked.warning or ""), severity="warning", markup=False)
            return
        self.sure = sure
        if self.submit is None:
            self.dismiss(event.value)
            return
        self.storing = True
        self._say("storing…", error=False)
        self.submit(event.value, self)

    def _say(self, message: str, error: bool = True) -> None:
        """A line under the field in place of the preview (until the text changes)."""
        widget = self.query_one("#prompt-preview", Static)
        widget.update(Content(("✗ " if error else "") + clean(message)))
        widget.set_class(error, "error")
        if error:
            self.app.bell()

    def stored(self) -> None:
        """`submit` stored the line: close, returning it."""
        self.storing = False
        if self.is_attached:
            self.dismiss(self.query_one("#prompt-input", Input).value)

    def refused(self, why: str, *, again: bool = False) -> None:
        """`submit` could not store the line: say why here, the line stays to be fixed (or
        in a notification, when the dialog was closed meanwhile). `again`: Enter on the line
        once more goes ahead (the store doubted a name the preview took for known)."""
        self.storing = False
        if self.is_attached:
            if again:
                self.second_enter.doubt(self.query_one("#prompt-input", Input).value)
            self._say(f"not stored: {why}" + (f": {AGAIN}" if again else ""))
        else:
            self.app.notify(f"not stored: {clean(why)}", severity="error", markup=False)

    def action_cancel(self) -> None:
        """Close without changing anything."""
        self.dismiss(None)


class ChoiceModal(ModalScreen[str | None]):
    """Pick one of a few options by arrows/enter or by the digit shown before it."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="choice.cancel")]

    def __init__(self, title: str, options: Sequence[tuple[str, str]], current: str | None = None):
        super().__init__()
        self.choice_title = title
        self.options = list(options)
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(Content(self.choice_title), classes="dialog-title")
            yield OptionList(
                *(
                    Option(Content(f"{i}  {clean(label)}" if i < 10 else clean(label)), id=value)
                    for i, (value, label) in enumerate(self.options, start=1)
                ),
                id="choice-list",
            )

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        ids = [v for v, _ in self.options]
        if self.current in ids:
            options.highlighted = ids.index(self.current)

    def on_key(self, event: object) -> None:
        key = getattr(event, "character", None)
        if key and key.isdigit() and 1 <= int(key) <= min(9, len(self.options)):
            # Stop the digit here: bubbling on, it would reach the screen below's bindings.
            getattr(event, "stop")()  # noqa: B009
            self.dismiss(self.options[int(key) - 1][0])

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        """Close without choosing."""
        self.dismiss(None)


class ConfirmModal(ModalScreen[bool]):
    BINDINGS = [
        Binding("y", "answer(True)", "Yes", id="confirm.yes"),
        Binding("n,escape", "answer(False)", "No", id="confirm.no"),
    ]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(Content(self.question), classes="dialog-title")
            yield Static(Content("y: yes   n: no"), classes="dialog-hint")

    def action_answer(self, yes: bool) -> None:
        """Answer the question."""
        self.dismiss(yes)
