"""Session-level write steps: each takes a session and the change log of the use case.

A service opens one change (`ServiceContext.change()`), runs the steps it needs and
returns read models; the steps hold the rules of creating, moving, linking and editing,
so every path that creates a task (a capture line, a meeting, a template, a recurrence,
a bulk import) goes through the same ones. Steps never commit and never call a service.
"""
