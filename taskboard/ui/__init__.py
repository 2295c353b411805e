"""The Textual interface: app, screens, widgets and styles; it talks to services only."""
