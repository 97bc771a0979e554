"""GraphQL over HTTP: the in-process app (the suite's `client`), and for the conformance audit
the app on a real port (tests/federation/support.py)."""

from tests.federation.support import live_url, node  # noqa: F401
