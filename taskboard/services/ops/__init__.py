"""The write steps: plain SQL over a `Writer` (`taskboard.store.writer`), each taking the
writer and the change log of the use case (check-ins and comments still take the
session).

A service opens one change (`ServiceContext.change()`, whose log holds the writer of its
session), runs the steps it needs and returns read models; `taskboard add`, `done`,
`move`, `edit` and `import` run the same steps over a writer of their own
(`services.plain_tasks`).
The steps hold the rules of creating, moving, linking and editing, so every path that
creates a task (a capture line, a meeting, a template, a recurrence, a bulk import) goes
through the same ones. Steps never commit and never call a service.
"""
