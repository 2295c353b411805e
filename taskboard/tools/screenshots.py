"""Regenerate `screenshots/*.svg` from the demo workspace: `python -m taskboard.tools.screenshots`.

Each shot loads the demo into a fresh temporary store at a fixed date, drives
the app with keys the way a person would, and saves what the terminal shows.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
from datetime import UTC, date, datetime
from pathlib import Path

import time_machine

from taskboard.services import Services
from taskboard.services.demo import load_demo
from taskboard.store import open_store
from taskboard.ui.app import UiOptions, make_app

DAY = date(2026, 11, 23)
NOW = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)

# name → (keys to press, terminal size)
SHOTS: dict[str, tuple[list[str], tuple[int, int]]] = {
    "board": ([], (140, 42)),
    "board-narrow": (["l"], (80, 24)),
    "board-wide": ([], (200, 50)),
    "board-lanes": (["w", "v", "j", "v", "s"], (140, 42)),
    "board-compact": (["z", "l"], (80, 24)),
    "detail": (["l", "enter"], (120, 50)),
    "filter": (["slash", *"@jonas", "tab"], (140, 42)),
    "help": (["question_mark"], (120, 50)),
    "goals": (["g"], (140, 42)),
    "meeting": (["m", *"Book the photographer @sofia ^fri #press !high"], (140, 42)),
    "triage": (["i"], (120, 40)),
    "templates": (["ctrl+p", *"Templates", "enter"], (140, 42)),
    "stats": (["ctrl+p", *"Stats", "enter"], (140, 42)),
}


async def shoot(name: str, keys: list[str], size: tuple[int, int], out: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(str(Path(tmp) / "demo.db"))
        services = Services.open(store, "jonas")
        load_demo(services, DAY)
        app = make_app(services, UiOptions(project="DEL", today=lambda: DAY))
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            for key in keys:
                await pilot.press(key)
            await pilot.pause(0.3)
            app.save_screenshot(filename=f"{name}.svg", path=str(out))
        store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default="screenshots", help="folder for the SVG files")
    parser.add_argument("only", nargs="*", help="names of shots to make (default: all)")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with time_machine.travel(NOW, tick=False):
        for name, (keys, size) in SHOTS.items():
            if args.only and name not in args.only:
                continue
            asyncio.run(shoot(name, keys, size, out))
            print(out / f"{name}.svg")


if __name__ == "__main__":
    main()
