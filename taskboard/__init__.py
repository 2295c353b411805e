"""taskboard: a keyboard-driven terminal task board with OKRs, for teams that meet."""

__version__ = "0.1.0"
