"""The composition root: settings, start-up, authentication, the HTTP app and the CLI."""
