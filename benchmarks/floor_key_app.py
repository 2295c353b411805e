"""The floor for a key: a bare Textual app (a header, one line, a footer) whose `L` and `H`
change the line. `bench_board` times how soon its change is on screen beside the board's."""

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import Footer, Header, Static


class FloorKeys(App[None]):
    BINDINGS = [
        Binding("L", "step(1)", "Right", id="right"),
        Binding("H", "step(-1)", "Left", id="left"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.presses = 0

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("FLOOR-READY", id="line")
        yield Footer()

    def action_step(self, delta: int) -> None:
        """Each press shows a new line: `FLOOR-1 +1`, `FLOOR-2 -1`, …"""
        self.presses += 1
        self.query_one("#line", Static).update(f"FLOOR-{self.presses} {delta:+d}")


if __name__ == "__main__":
    FloorKeys().run()
