"""`python -m taskboard` runs the command line."""

from taskboard.cli import main

main()
