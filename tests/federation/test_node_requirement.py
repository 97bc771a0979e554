"""Without Node the federation and conformance tests skip with the reason, except in CI
(LOYALTY_TEST_REQUIRE_NODE=1), where they fail."""

import pytest

from tests.federation import support


@pytest.fixture
def no_node(monkeypatch):
    monkeypatch.setattr(support.shutil, "which", lambda name: None)


def test_missing_node_skips_with_the_reason(no_node, monkeypatch):
    monkeypatch.delenv("LOYALTY_TEST_REQUIRE_NODE", raising=False)

    with pytest.raises(pytest.skip.Exception, match="needs Node 20\\+ and npm"):
        support.require_node()


def test_missing_node_fails_when_ci_requires_it(no_node, monkeypatch):
    monkeypatch.setenv("LOYALTY_TEST_REQUIRE_NODE", "1")

    with pytest.raises(pytest.fail.Exception, match="LOYALTY_TEST_REQUIRE_NODE is set"):
        support.require_node()
